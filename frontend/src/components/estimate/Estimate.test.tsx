import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor } from "@testing-library/react";
import type { ReactElement } from "react";

import { fakeApi } from "../../test/fakeApi";
import { duration, Estimate } from "./Estimate";

afterEach(() => vi.unstubAllGlobals());

/** The API's answer for a body: 2 s and $0.001 of AWS per image, $0.01 of provider fees per image. */
function estimateFor(config: { generations?: number; variations?: number }, source: "history" | "built-in" = "built-in") {
  const images = (config.generations ?? 1) * (config.variations ?? 1);
  return {
    images,
    eta: { seconds: 2 * images + 5, source, phases: [] },
    aws: { total_usd: 0.001 * images, by_service: {}, lines: [] },
    provider_fees: { total_usd: 0.01 * images, by_provider_model: {}, lines: [], prices_date: "2026-01-15" },
    total_usd: 0.011 * images,
    plan: [
      { name: "prompts", weight: 10 },
      { name: "generate", weight: 90 },
    ],
  };
}

function estimating(source: "history" | "built-in" = "built-in") {
  return fakeApi({
    "POST /api/jobs/estimate": async (request) => {
      const body = (await request.json()) as { config: { generations?: number; variations?: number } };
      if ((body.config.generations ?? 1) > 2500) {
        return { status: 400, body: { error: { code: "invalid_input", message: "generations must be an integer from 1 to 2500", field: "config.generations" } } };
      }
      return { body: { estimate: estimateFor(body.config, source) } };
    },
  });
}

function withCache(element: ReactElement) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const wrap = (child: ReactElement) => <QueryClientProvider client={client}>{child}</QueryClientProvider>;
  const view = render(wrap(element));
  return { ...view, rerender: (next: ReactElement) => view.rerender(wrap(next)) };
}

const body = (generations: number) => ({ config: { generations, variations: 2 } });
const estimates = (api: ReturnType<typeof fakeApi>) => api.requests.filter((r) => r.path === "/api/jobs/estimate");

test("the estimate shows images, time with its source, AWS cost, provider fees and the plan", async () => {
  estimating("history");
  withCache(<Estimate body={body(3)} />);
  expect(await screen.findByTestId("estimate-images")).toHaveTextContent("6");
  expect(screen.getByTestId("estimate-eta")).toHaveTextContent("17 s");
  expect(screen.getByTestId("estimate-eta")).toHaveTextContent("measured on earlier jobs of these settings");
  expect(screen.getByTestId("estimate-aws")).toHaveTextContent("$0.0060");
  expect(screen.getByTestId("estimate-fees")).toHaveTextContent("$0.0600");
  expect(screen.getByTestId("estimate-fees")).toHaveTextContent("prices of 2026-01-15");
  expect(screen.getByTestId("estimate-total")).toHaveTextContent("$0.0660");
  expect(screen.getByText("prompts 10% · generate 90%")).toBeInTheDocument();
});

test("a change of generations asks again once it settles, and the figures follow", async () => {
  const api = estimating();
  const view = withCache(<Estimate body={body(3)} />);
  expect(await screen.findByTestId("estimate-images")).toHaveTextContent("6");
  expect(screen.getByTestId("estimate-eta")).toHaveTextContent("built-in figures");
  // Typing "1", "12", "120": one question, for what the field says when the typing stops.
  view.rerender(<Estimate body={body(1)} />);
  view.rerender(<Estimate body={body(12)} />);
  view.rerender(<Estimate body={body(120)} />);
  expect(screen.getByTestId("estimate")).toHaveAttribute("data-state", "updating");
  expect(screen.getByTestId("estimate-images")).toHaveTextContent("6"); // the last answer stays meanwhile
  await waitFor(() => expect(screen.getByTestId("estimate-images")).toHaveTextContent("240"));
  expect(screen.getByTestId("estimate-eta")).toHaveTextContent("8 min 5 s");
  expect(screen.getByTestId("estimate-total")).toHaveTextContent("$2.64");
  await waitFor(() => expect(screen.getByTestId("estimate")).toHaveAttribute("data-state", "ready"));
  expect(estimates(api).map((r) => (r.body as { config: { generations: number } }).config.generations)).toEqual([3, 120]);
});

test("a setting the API refuses shows its message instead of figures", async () => {
  estimating();
  withCache(<Estimate body={body(5000)} />);
  expect(await screen.findByTestId("estimate-error")).toHaveTextContent("generations must be an integer from 1 to 2500");
  expect(screen.queryByTestId("estimate-images")).toBeNull();
});

test("while the form cannot make a start body, nothing is asked and the estimate says why", async () => {
  const api = estimating();
  withCache(<Estimate body={null} />);
  expect(screen.getByTestId("estimate-waiting")).toBeInTheDocument();
  await new Promise((resolve) => setTimeout(resolve, 400)); // past the debounce
  expect(estimates(api)).toHaveLength(0);
});

test("durations read in hours, minutes or seconds", () => {
  expect(duration(42)).toBe("42 s");
  expect(duration(125)).toBe("2 min 5 s");
  expect(duration(2 * 3600 + 7 * 60 + 30)).toBe("2 h 7 min");
});
