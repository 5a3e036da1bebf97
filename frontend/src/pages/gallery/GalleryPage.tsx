// The gallery (#/gallery): the workspace's images across jobs, as a grid or a list, filtered and
// sorted from the URL, counted (Total, Pass, Fail, Pending) for the filter, pages on the API's
// cursor ("Load more"), selectable (one, a shift range, the page, or every match: the filter,
// resolved by the server, counted by its dry run) to export as a ZIP with its spreadsheet or to
// delete. New images appear live (the WebSocket `image` message).

import { useCallback, useMemo, useState } from "react";

import { ConfirmDialog } from "../../components/ConfirmDialog";
import { EmptyState } from "../../components/EmptyState";
import { ErrorAlert } from "../../components/ErrorAlert";
import { DestinationDialog } from "../../components/DestinationDialog";
import { FilterBar, jobOptions, type FilterControl } from "../../components/FilterBar";
import { ImageTiles, Thumb } from "../../components/images/ImageTiles";
import { useFirstUrl } from "../../components/images/useFirstUrl";
import { StatusBadge } from "../../components/StatusBadge";
import { useToast } from "../../components/Toasts";
import { useTableURLState } from "../../hooks/useTableURLState";
import { useTitle } from "../../hooks/useTitle";
import { formatShortDateTime, userTimeZone } from "../../lib/format";
import { useLiveJob } from "../../live/liveCache";
import type { ImageListParams } from "../../queries/keys";
import { useDeleteImages, useExportImages, useImageList, useImagePreview, type ImageFilter } from "../../queries/useImages";
import { useJobs } from "../../queries/useJobs";
import { GalleryImageDialog } from "./GalleryImageDialog";
import { useImageSelection } from "./useImageSelection";

const PAGE = 24;
const STATUSES = [
  ["approved", "Approved"],
  ["qc_failed", "QC Failed"],
  ["processing", "Processing"],
  ["retry_pending", "Retry Pending"],
  ["retry_failed", "Retry Failed"],
] as const;
type GalleryFilter = "status" | "job_id" | "q" | "from" | "to" | "sort";

function filterControls(jobs: readonly { id: string; label: string }[]): FilterControl<GalleryFilter>[] {
  return [
    { kind: "select", name: "status", label: "QC status", options: [["", "All"], ...STATUSES] },
    { kind: "select", name: "job_id", label: "Job", testId: "filter-job", options: jobOptions(jobs) },
    { kind: "search", name: "q", placeholder: "prompt, title, description, tags" },
    { kind: "dates", from: "from", to: "to" },
    {
      kind: "select",
      name: "sort",
      label: "Sort",
      options: [
        ["newest", "Newest"],
        ["oldest", "Oldest"],
        ["name", "Name"],
      ],
    },
  ];
}

const DEFAULTS = { status: "", job_id: "", q: "", from: "", to: "", sort: "newest", view: "grid", per_page: String(PAGE) };

export function GalleryPage() {
  useTitle("Gallery");
  useLiveJob("*");
  const notify = useToast();
  const url = useTableURLState(DEFAULTS);
  const { filters } = url;
  const params = useMemo<ImageListParams>(() => {
    const perPage = Math.min(Math.max(Number(filters.per_page) || PAGE, 1), 200);
    const out: Record<string, string | number> = { limit: perPage, sort: filters.sort };
    for (const name of ["status", "job_id", "q", "from", "to"] as const) if (filters[name]) out[name] = filters[name];
    if (filters.from || filters.to) out.tz = userTimeZone();
    return out as ImageListParams;
  }, [filters]);
  const list = useImageList(params);
  const jobs = useJobs({ limit: 100 });
  const items = useMemo(() => list.data?.pages.flatMap((page) => page.items) ?? [], [list.data]);
  const srcOf = useFirstUrl();
  const raw = list.data?.pages[0]?.counts ?? null;
  const counts = raw
    ? {
        total: raw.total ?? 0,
        approved: raw.approved ?? 0,
        failed: (raw.qc_failed ?? 0) + (raw.retry_failed ?? 0),
        pending: (raw.processing ?? 0) + (raw.retry_pending ?? 0),
      }
    : null;

  const filter = useMemo<ImageFilter>(() => {
    const { limit: _limit, ...rest } = params as Record<string, unknown>;
    return rest as ImageFilter;
  }, [params]);
  const selection = useImageSelection(items, filter);
  const preview = useImagePreview(selection.allMatching ? filter : null);
  const [open, setOpen] = useState<number | null>(null);
  const [asking, setAsking] = useState<"export" | "delete" | null>(null);
  const remove = useDeleteImages();
  const exporter = useExportImages();
  const move = useCallback(
    (step: -1 | 1) => setOpen((index) => (index === null ? index : Math.min(Math.max(index + step, 0), items.length - 1))),
    [items.length],
  );
  // Every matching image: the server's count (its dry run), not the pages loaded here.
  const matched = preview.data?.matched;
  const count = selection.allMatching ? (matched ?? 0) : selection.picked;
  const what = selection.allMatching ? `${matched ?? "…"} image(s) matching this filter` : `${count} image(s)`;
  const jobLabel = (id: string) => jobs.data?.items.find((job) => job.id === id)?.label ?? id.slice(0, 8);

  return (
    <div className="page" data-testid="gallery-page">
      <div className="page-head">
        <h1>Gallery</h1>
        <div className="counts" data-testid="gallery-counts">
          <span data-testid="count-total">Total {counts?.total ?? "…"}</span>
          <span className="count-pass" data-testid="count-pass">
            Pass {counts?.approved ?? "…"}
          </span>
          <span className="count-fail" data-testid="count-fail">
            Fail {counts?.failed ?? "…"}
          </span>
          <span className="count-pending" data-testid="count-pending">
            Pending {counts?.pending ?? "…"}
          </span>
        </div>
      </div>
      <FilterBar
        label="Filter images"
        idPrefix="gallery"
        testId="gallery-filters"
        controls={filterControls(jobs.data?.items ?? [])}
        values={filters}
        onChange={url.setFilters}
      >
        <div className="toolbar-field">
          <span id="gallery-view">View</span>
          <div role="group" aria-labelledby="gallery-view">
            <button type="button" className="btn btn-sm" aria-pressed={filters.view === "grid"} data-testid="view-grid" onClick={() => url.setFilters({ view: "grid" })}>
              Grid
            </button>
            <button type="button" className="btn btn-sm" aria-pressed={filters.view === "list"} data-testid="view-list" onClick={() => url.setFilters({ view: "list" })}>
              List
            </button>
          </div>
        </div>
      </FilterBar>
      <div className="toolbar" data-testid="gallery-selection">
        <button type="button" className="btn btn-sm" data-testid="select-page" onClick={selection.selectPage}>
          Select page
        </button>
        <button type="button" className="btn btn-sm" data-testid="select-all" onClick={selection.selectAllMatching}>
          Select all matching
        </button>
        {count || selection.allMatching ? (
          <>
            <span data-testid="selection-count" aria-live="polite">
              {selection.allMatching ? `All ${matched ?? "…"} matching selected` : `${count} selected`}
            </span>
            <button type="button" className="btn btn-sm" onClick={selection.clear}>
              Clear
            </button>
            <button type="button" className="btn btn-sm btn-primary" data-testid="export-selected" onClick={() => setAsking("export")}>
              Export ZIP
            </button>
            <button type="button" className="btn btn-sm btn-danger-outline" data-testid="delete-selected" onClick={() => setAsking("delete")}>
              Delete
            </button>
          </>
        ) : null}
        {exporter.data?.url ? (
          <a className="btn btn-sm" data-testid="export-link" href={exporter.data.url}>
            Download {exporter.data.key?.split("/").pop()}
          </a>
        ) : null}
      </div>
      <ErrorAlert error={list.error} />
      {items.length === 0 && !list.isLoading ? (
        <EmptyState title="No images">No image matches these filters.</EmptyState>
      ) : filters.view === "list" ? (
        <table className="table" data-testid="gallery-list">
          <thead>
            <tr>
              <th aria-label="Selected" />
              <th>Image</th>
              <th>Prompt</th>
              <th>Job</th>
              <th>Status</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {items.map((image, index) => (
              <tr key={image.id} data-testid="gallery-row" data-image-id={image.id}>
                <td>
                  <input type="checkbox" aria-label="Select image" checked={selection.isSelected(image)} onChange={() => undefined} onClick={(e) => selection.toggle(index, e.shiftKey)} />
                </td>
                <td>
                  <button type="button" className="image-button" onClick={() => setOpen(index)} aria-label={`View image: ${image.keyword}`}>
                    <Thumb src={srcOf(image)} alt={image.prompt ?? image.keyword ?? ""} lazy width={64} testId="gallery-thumb" />
                  </button>
                </td>
                <td>{image.title || image.prompt}</td>
                <td>{jobLabel(image.job_id)}</td>
                <td>
                  <StatusBadge status={image.status} size="sm" />
                </td>
                <td>{formatShortDateTime(image.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <ImageTiles
          images={items}
          prefix="gallery"
          srcOf={srcOf}
          lazy
          onOpen={setOpen}
          selection={{ isSelected: selection.isSelected, onToggle: selection.toggle }}
        />
      )}
      {list.hasNextPage ? (
        <div className="card-foot">
          <button type="button" className="btn" data-testid="gallery-more" disabled={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
            Load more
          </button>
        </div>
      ) : null}
      {open !== null && items[open] ? <GalleryImageDialog image={items[open]} onClose={() => setOpen(null)} onMove={move} /> : null}
      {asking === "export" ? (
        <DestinationDialog
          title={`Export ${what} as a ZIP`}
          fileType="zip"
          intro="A ZIP of the images with a spreadsheet (.xlsx) of their metadata."
          busy={exporter.isPending}
          error={exporter.error}
          onCancel={() => setAsking(null)}
          onSubmit={(destination) => {
            setAsking(null);
            exporter.mutate({ selection: selection.body(), destination }, { onError: (error) => notify(`Export failed: ${error.message}`, "error") });
          }}
        />
      ) : null}
      {asking === "delete" ? (
        <ConfirmDialog
          title={`Delete ${what}?`}
          confirmLabel="Delete"
          danger
          busy={remove.isPending}
          onCancel={() => setAsking(null)}
          onConfirm={() => {
            setAsking(null);
            remove.mutate(selection.body(), {
              onSuccess: (deletion) => {
                selection.clear();
                notify(`Deleted ${deletion.done} image(s)`);
              },
              onError: (error) => notify(`Delete failed: ${error.message}`, "error"),
            });
          }}
        >
          {selection.allMatching ? (
            <span data-testid="matched-count">
              {matched ?? "…"} image(s) match this filter now (counted on the server){preview.data && !preview.data.exact ? ", about" : ""}.{" "}
            </span>
          ) : null}
          The images, their files and their metadata are deleted. This cannot be undone.
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
