// Failed Images Review (#/failed): every image that failed for any reason, grouped by category
// (quality check, technical processing, retry) with the failure message and its job; filters by
// category, job and date in the URL. Retry (original or custom settings, followed live), approve
// by hand, delete with confirmation.

import { useMemo, useState } from "react";

import type { Image } from "../../api/client";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { EmptyState } from "../../components/EmptyState";
import { FilterBar, jobOptions, type FilterControl } from "../../components/FilterBar";
import { Thumb } from "../../components/images/ImageTiles";
import { useFirstUrl } from "../../components/images/useFirstUrl";
import { ErrorAlert } from "../../components/ErrorAlert";
import { StatusBadge } from "../../components/StatusBadge";
import { useToast } from "../../components/Toasts";
import { useTableURLState } from "../../hooks/useTableURLState";
import { useIdSet } from "../../hooks/useIdSet";
import { useTitle } from "../../hooks/useTitle";
import { formatShortDateTime, userTimeZone } from "../../lib/format";
import { useLiveJob, usePollInterval } from "../../live/liveCache";
import type { ImageListParams } from "../../queries/keys";
import { useApproveImage, useDeleteImages, useImageList, useRetryImages } from "../../queries/useImages";
import { useJobs } from "../../queries/useJobs";
import { failureText } from "../job/ImageDialog";
import { RetryDialog } from "./RetryDialog";

const GROUPS = [
  ["quality", "Quality check"],
  ["technical", "Technical processing"],
  ["retry", "Retry"],
] as const;
const DEFAULTS = { category: "", job_id: "", from: "", to: "" };

function filterControls(jobs: readonly { id: string; label: string }[]): FilterControl<keyof typeof DEFAULTS>[] {
  return [
    { kind: "select", name: "category", label: "Category", options: [["", "All"], ...GROUPS] },
    { kind: "select", name: "job_id", label: "Job", testId: "filter-job", options: jobOptions(jobs) },
    { kind: "dates", from: "from", to: "to" },
  ];
}

export function FailedImagesPage() {
  useTitle("Failed images");
  useLiveJob("*");
  const notify = useToast();
  const { filters, setFilters } = useTableURLState(DEFAULTS);
  const srcOf = useFirstUrl();
  const common = useMemo(() => {
    const out: Record<string, string | number> = { limit: 200, sort: "newest" };
    for (const name of ["job_id", "from", "to"] as const) if (filters[name]) out[name] = filters[name];
    if (filters.from || filters.to) out.tz = userTimeZone();
    return out;
  }, [filters]);
  const poll = usePollInterval(2000, 10000);
  // What a retry moves through stays on the page: pending and processing retries are shown too.
  const lists = {
    qc_failed: useImageList({ ...common, status: "qc_failed" } as ImageListParams, poll),
    retry_failed: useImageList({ ...common, status: "retry_failed" } as ImageListParams, poll),
    retry_pending: useImageList({ ...common, status: "retry_pending" } as ImageListParams, poll),
  };
  const following = useIdSet();
  const processing = useImageList({ ...common, status: "processing" } as ImageListParams, following.ids.size ? poll : false);
  const approvedRecently = useImageList({ ...common, status: "approved", limit: 50 } as ImageListParams, following.ids.size ? poll : false);
  const jobs = useJobs({ limit: 100 });
  const all = (list: typeof lists.qc_failed) => list.data?.pages.flatMap((page) => page.items) ?? [];
  const failed = [...all(lists.qc_failed), ...all(lists.retry_failed)];
  const inFlight = [...all(lists.retry_pending), ...all(processing)].filter((i) => i.status === "retry_pending" || following.ids.has(i.id));
  const settled = all(approvedRecently).filter((i) => following.ids.has(i.id));
  // The lists are read at different moments: an image a stale list still shows as pending but
  // another already shows settled is listed once, in its settled state.
  const retries = [...new Map([...inFlight, ...settled].map((image) => [image.id, image])).values()];
  const { ids: selected, toggle, clear } = useIdSet();
  const [asking, setAsking] = useState<"retry" | "delete" | null>(null);
  const retry = useRetryImages();
  const approve = useApproveImage();
  const remove = useDeleteImages();
  const jobLabel = (id: string) => jobs.data?.items.find((job) => job.id === id)?.label ?? id.slice(0, 8);
  const groups = GROUPS.filter(([group]) => !filters.category || filters.category === group).map(
    ([group, title]) => [group, title, failed.filter((image) => image.failure_group === group)] as const,
  );
  const row = (image: Image, actions = true) => (
    <li key={image.id} className="failed-row" data-testid="failed-image" data-image-id={image.id} data-status={image.status}>
      {actions ? (
        <input type="checkbox" aria-label="Select image" data-testid="select-failed" checked={selected.has(image.id)} onChange={() => toggle(image.id)} />
      ) : null}
      <Thumb src={srcOf(image)} alt="" lazy width={64} testId="failed-thumb" />
      <div className="failed-text">
        <strong>{image.keyword}</strong> <StatusBadge status={image.status} size="sm" />
        <div className="muted" data-testid="failure-message">
          {failureText(image.failure) ?? image.qc_reason}
        </div>
        <div className="muted">
          {jobLabel(image.job_id)} · {formatShortDateTime(image.created_at)}
        </div>
      </div>
      {actions ? (
        <button
          type="button"
          className="btn btn-sm"
          data-testid="approve-image"
          disabled={!image.url || approve.isPending}
          onClick={() =>
            approve.mutate(image.id, {
              onSuccess: () => notify("Approved: the image is in the gallery and exports"),
              onError: (error) => notify(`Could not approve: ${error.message}`, "error"),
            })
          }
        >
          Approve
        </button>
      ) : null}
    </li>
  );
  return (
    <div className="page" data-testid="failed-page">
      <div className="page-head">
        <h1>Failed images</h1>
        <span data-testid="failed-total">{failed.length} failed</span>
      </div>
      <FilterBar label="Filter failed images" idPrefix="failed" controls={filterControls(jobs.data?.items ?? [])} values={filters} onChange={setFilters}>
        {selected.size ? (
          <>
            <span data-testid="failed-selection">{selected.size} selected</span>
            <button type="button" className="btn btn-sm btn-primary" data-testid="retry-selected" onClick={() => setAsking("retry")}>
              Retry
            </button>
            <button type="button" className="btn btn-sm btn-danger-outline" data-testid="delete-failed" onClick={() => setAsking("delete")}>
              Delete
            </button>
          </>
        ) : null}
      </FilterBar>
      <ErrorAlert error={lists.qc_failed.error ?? lists.retry_failed.error} />
      {failed.length === 0 && !lists.qc_failed.isLoading ? <EmptyState title="No failed images">Every image passed.</EmptyState> : null}
      {groups.map(([group, title, images]) =>
        images.length ? (
          <section key={group} className="card" data-testid={`failed-group-${group}`}>
            <div className="card-head">
              <h2 className="card-title">{title}</h2>
              <span className="card-count">{images.length}</span>
            </div>
            <ul className="failed-list">{images.map((image) => row(image))}</ul>
          </section>
        ) : null,
      )}
      {inFlight.length || settled.length ? (
        <section className="card" data-testid="retries">
          <div className="card-head">
            <h2 className="card-title">Retries</h2>
          </div>
          <ul className="failed-list">{retries.map((image) => row(image, false))}</ul>
        </section>
      ) : null}
      {asking === "retry" ? (
        <RetryDialog
          count={selected.size}
          busy={retry.isPending}
          onCancel={() => setAsking(null)}
          onConfirm={(body) => {
            const ids = [...selected];
            setAsking(null);
            retry.mutate(
              { ids, ...body },
              {
                onSuccess: () => {
                  following.add(ids);
                  clear();
                  notify(`Retrying ${ids.length} image(s)`);
                },
                onError: (error) => notify(`Could not retry: ${error.message}`, "error"),
              },
            );
          }}
        />
      ) : null}
      {asking === "delete" ? (
        <ConfirmDialog
          title={`Delete ${selected.size} image(s)?`}
          confirmLabel="Delete"
          danger
          onCancel={() => setAsking(null)}
          onConfirm={() => {
            const ids = [...selected];
            setAsking(null);
            remove.mutate({ ids }, { onSuccess: clear, onError: (error) => notify(`Delete failed: ${error.message}`, "error") });
          }}
        >
          The images and their files are deleted. This cannot be undone.
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
