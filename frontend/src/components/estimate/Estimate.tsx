// What the job in the form would make, take and cost (POST /api/jobs/estimate), refreshed as the
// settings change (debounced: a burst of typing asks once). A setting the API refuses shows its
// message instead; while the form cannot make a start body at all, it says so. While a new
// answer is on its way the last one stays, marked as updating.

import { useEffect, useState } from "react";

import { errorMessage } from "../../api/errors";
import { useEstimate, type StartBody } from "../../queries/useEstimate";

const DEBOUNCE_MS = 300;

function usd(value: number): string {
  return value < 1 ? `$${value.toFixed(4)}` : `$${value.toFixed(2)}`;
}

export function duration(seconds: number): string {
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h ? `${h} h ${m} min` : m ? `${m} min ${s} s` : `${s} s`;
}

export function Estimate({ body }: { body: StartBody | null }) {
  const [settled, setSettled] = useState<StartBody | null>(body);
  const key = JSON.stringify(body);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(body), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [key]);
  const estimate = useEstimate(settled);
  const data = estimate.data;
  const updating = settled !== null && (estimate.isFetching || key !== JSON.stringify(settled));
  return (
    <aside
      className="card estimate"
      aria-labelledby="estimate-title"
      data-testid="estimate"
      data-state={updating ? "updating" : "ready"}
      aria-busy={updating}
      aria-live="polite"
    >
      <h2 id="estimate-title" className="card-title">
        Estimate
      </h2>
      {body === null ? (
        <p className="field-hint" data-testid="estimate-waiting">
          The estimate shows once the form describes a job that can start.
        </p>
      ) : estimate.isError ? (
        <p className="field-hint" data-testid="estimate-error">
          {errorMessage(estimate.error)}
        </p>
      ) : !data ? (
        <p className="loading">Estimating…</p>
      ) : (
        <dl className="estimate-figures">
          <dt>Images</dt>
          <dd data-testid="estimate-images">{data.images}</dd>
          <dt>Time</dt>
          <dd data-testid="estimate-eta">
            {duration(data.eta.seconds)}{" "}
            <span className="field-hint">
              ({data.eta.source === "history" ? "measured on earlier jobs of these settings" : "built-in figures"})
            </span>
          </dd>
          <dt>AWS</dt>
          <dd data-testid="estimate-aws">{usd(data.aws.total_usd)}</dd>
          <dt>Provider fees</dt>
          <dd data-testid="estimate-fees">
            {usd(data.provider_fees.total_usd)}{" "}
            <span className="field-hint">(prices of {data.provider_fees.prices_date})</span>
          </dd>
          <dt>Total</dt>
          <dd data-testid="estimate-total">{usd(data.total_usd)}</dd>
          <dt>Plan</dt>
          <dd className="field-hint">{data.plan.map((p) => `${p.name} ${p.weight}%`).join(" · ")}</dd>
        </dl>
      )}
    </aside>
  );
}
