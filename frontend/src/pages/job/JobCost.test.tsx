import { render, screen, within } from "@testing-library/react";

import type { Schemas } from "../../api/client";
import { JobCost, ratioText, usd } from "./JobCost";

const cost: Schemas["JobCost"] = {
  duration_s: 130,
  total_usd: 0.4321,
  aws: {
    total_usd: 0.0021,
    by_service: { "Step Functions": 0.0004, Lambda: 0.0002, DynamoDB: 0.001, S3: 0.0005 },
    lines: [],
    prices_date: "2026-12-02",
  },
  provider_fees: {
    total_usd: 0.43,
    by_provider_model: { "runware/runware:100@1": 0.38, "openai/gpt-4o-mini": 0.05 },
    lines: [],
    prices_date: "2026-11-15",
  },
  estimated: { eta_s: 120, eta_source: "history", aws_usd: 0.002, fees_usd: 0.4 },
  vs_estimate: { duration_ratio: 1.083, cost_ratio: 1.074 },
};

test("a finished job shows its total, fees per provider and model, AWS by service, with their price dates", () => {
  render(<JobCost cost={cost} />);
  expect(screen.getByTestId("cost-total")).toHaveTextContent("$0.4321");
  expect(screen.getByTestId("cost-fees")).toHaveTextContent("$0.4300");
  const fees = screen.getByTestId("cost-fees-by-model");
  expect(within(fees).getAllByRole("term").map((term) => term.textContent)).toEqual(["runware/runware:100@1", "openai/gpt-4o-mini"]);
  expect(fees).toHaveTextContent("$0.3800");
  const aws = screen.getByTestId("cost-aws-by-service");
  expect(within(aws).getAllByRole("term").map((term) => term.textContent)).toEqual(["DynamoDB", "S3", "Step Functions", "Lambda"]);
  expect(screen.getByText("Prices of 2026-11-15.")).toBeInTheDocument();
  expect(screen.getByText("us-east-1 list prices of 2026-12-02.")).toBeInTheDocument();
});

test("the estimate is set against the actual duration and cost", () => {
  render(<JobCost cost={cost} />);
  const duration = screen.getByTestId("cost-versus-duration");
  expect(duration).toHaveTextContent("from earlier runs");
  expect(duration).toHaveTextContent("2 min 00 s");
  expect(duration).toHaveTextContent("2 min 10 s");
  expect(duration).toHaveTextContent("1.08× the estimate");
  const money = screen.getByTestId("cost-versus-cost");
  expect(money).toHaveTextContent("$0.4020");
  expect(money).toHaveTextContent("$0.4321");
  expect(money).toHaveTextContent("1.07× the estimate");
});

test("a running job has no cost yet, and a job without an estimate says so", () => {
  const { rerender } = render(<JobCost cost={null} />);
  expect(screen.getByTestId("job-cost-pending")).toHaveTextContent("when the job ends");
  rerender(<JobCost cost={{ ...cost, estimated: null, vs_estimate: { duration_ratio: null, cost_ratio: null } }} />);
  expect(screen.getByTestId("cost-no-estimate")).toBeInTheDocument();
  expect(screen.queryByTestId("cost-versus")).toBeNull();
  rerender(<JobCost cost={{ ...cost, provider_fees: { ...cost.provider_fees, total_usd: 0, by_provider_model: {} } }} />);
  expect(screen.getByTestId("cost-fees-by-model")).toHaveTextContent("No paid calls");
});

test("amounts and ratios read as a user expects", () => {
  expect(usd(0)).toBe("$0.00");
  expect(usd(0.01234)).toBe("$0.0123");
  expect(usd(12.345)).toBe("$12.35");
  expect(ratioText(null)).toBe("—");
  expect(ratioText(0.9)).toBe("0.90× the estimate");
});
