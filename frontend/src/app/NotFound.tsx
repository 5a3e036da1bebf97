import { useTitle } from "../hooks/useTitle";

export function NotFound() {
  useTitle("Page not found");
  return (
    <section className="card">
      <h1>Page not found</h1>
      <p>
        <a href="#/" className="link">
          Go to the dashboard
        </a>
      </p>
    </section>
  );
}
