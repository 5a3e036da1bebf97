// What a browser without an accepted token sees: how to sign in with the URL `imgfactory dev`
// prints.

import { useTitle } from "../hooks/useTitle";
import { Header } from "./Header";

export function SignIn({ rejected }: { rejected: boolean }) {
  useTitle("Sign in");
  return (
    <>
      <Header signedIn={false} />
      <main id="main" className="page" tabIndex={-1}>
        <section className="card signin" data-testid="auth-required" role="alert">
          <h1>Sign in to Image Factory</h1>
          <p>
            {rejected
              ? "The API did not accept this browser's token. The local stack makes a new user pool every time it starts."
              : "This browser has no token for the Image Factory API yet."}
          </p>
          <p>
            Sign in with the URL printed by <code>imgfactory dev</code> (the line starting with <code>console:</code>),
            for example <code>http://127.0.0.1:8000/?token=…</code>. Opening it signs this browser in.
          </p>
        </section>
      </main>
    </>
  );
}
