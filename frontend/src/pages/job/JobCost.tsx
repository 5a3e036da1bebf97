// A finished job's cost (seed 003's job detail): provider fees per provider and model, AWS by
// service, each with the date of its price table, and the estimate made before the start set
// against what the job then took and cost.

import type { Schemas } from "../../api/client";
import { formatDuration } from "../../lib/format";

type JobCostData = Schemas["JobCost"];

export function usd(value: number): string {
  if (value === 0) return "$0.00";
  return value < 1 ? `$${value.toFixed(4)}` : `$${value.toFixed(2)}`;
}

/** "1.09× the estimate" style ratio; "—" without an estimate to compare with. */
export function ratioText(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined) return "—";
  return `${ratio.toFixed(2)}× the estimate`;
}

function Rows({ rows, testId, none }: { rows: [string, number][]; testId: string; none: string }) {
  if (!rows.length)
    return (
      <p className="field-hint" data-testid={testId}>
        {none}
      </p>
    );
  return (
    <dl className="details cost-rows" data-testid={testId}>
      {rows.map(([name, value]) => (
        <div key={name} className="cost-row">
          <dt>{name}</dt>
          <dd>{usd(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

export function JobCost({ cost }: { cost: JobCostData | null | undefined }) {
  if (!cost) {
    return (
      <p className="field-hint" data-testid="job-cost-pending">
        The cost is worked out when the job ends.
      </p>
    );
  }
  const estimated = cost.estimated;
  const versus = cost.vs_estimate ?? {};
  const providers = Object.entries(cost.provider_fees.by_provider_model).sort((a, b) => b[1] - a[1]);
  const services = Object.entries(cost.aws.by_service).sort((a, b) => b[1] - a[1]);
  return (
    <div data-testid="job-cost">
      <p className="cost-total">
        Total <strong data-testid="cost-total">{usd(cost.total_usd)}</strong>
      </p>
      <h3 className="card-subtitle">
        Provider fees <span data-testid="cost-fees">{usd(cost.provider_fees.total_usd)}</span>
      </h3>
      <Rows rows={providers} testId="cost-fees-by-model" none="No paid calls: the local provider and the offline steps are free." />
      <p className="field-hint">Prices of {cost.provider_fees.prices_date}.</p>
      <h3 className="card-subtitle">
        AWS <span data-testid="cost-aws">{usd(cost.aws.total_usd)}</span>
      </h3>
      <Rows rows={services} testId="cost-aws-by-service" none="Nothing counted." />
      {cost.aws.prices_date ? <p className="field-hint">us-east-1 list prices of {cost.aws.prices_date}.</p> : null}
      <h3 className="card-subtitle">Estimated against actual</h3>
      {estimated ? (
        <table className="cost-versus" data-testid="cost-versus">
          <thead>
            <tr>
              <th scope="col"></th>
              <th scope="col">Estimated</th>
              <th scope="col">Actual</th>
              <th scope="col">Ratio</th>
            </tr>
          </thead>
          <tbody>
            <tr data-testid="cost-versus-duration">
              <th scope="row">Duration{estimated.eta_source === "history" ? " (from earlier runs)" : " (built-in figures)"}</th>
              <td>{formatDuration(estimated.eta_s)}</td>
              <td>{formatDuration(cost.duration_s)}</td>
              <td>{ratioText(versus.duration_ratio)}</td>
            </tr>
            <tr data-testid="cost-versus-cost">
              <th scope="row">Cost</th>
              <td>{usd((estimated.aws_usd ?? 0) + (estimated.fees_usd ?? 0))}</td>
              <td>{usd(cost.total_usd)}</td>
              <td>{ratioText(versus.cost_ratio)}</td>
            </tr>
          </tbody>
        </table>
      ) : (
        <p className="field-hint" data-testid="cost-no-estimate">
          No estimate was recorded when this job started.
        </p>
      )}
    </div>
  );
}
