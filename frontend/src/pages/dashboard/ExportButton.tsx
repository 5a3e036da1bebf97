// Export a job's results to Excel from a list: "Exporting… 40 %" while the file is built, then
// the download starts.

import { useState } from "react";

import type { Job } from "../../api/client";
import { ApiError, errorMessage } from "../../api/errors";
import { useToast } from "../../components/Toasts";
import { jobLabel } from "../../lib/jobLabel";
import { download, useExportJob } from "../../queries/useExportJob";

export function ExportButton({ job }: { job: Job }) {
  const toast = useToast();
  const [progress, setProgress] = useState(0);
  const exporter = useExportJob(setProgress);
  const label = jobLabel(job);
  return (
    <button
      type="button"
      className="btn btn-sm"
      data-testid="row-export"
      aria-label={`Export ${label} to Excel`}
      disabled={exporter.isPending}
      onClick={() => {
        setProgress(0);
        exporter.mutate(job.id, {
          onSuccess: (ready) => {
            if (ready.url) download(ready.url);
            toast(`Exported “${label}” to Excel`, "success");
          },
          onError: (error) => {
            if (!(error instanceof ApiError && error.status === 401)) toast(`Export failed: ${errorMessage(error)}`, "error");
          },
        });
      }}
    >
      {exporter.isPending ? `Exporting… ${progress ? `${progress}%` : ""}`.trim() : "Export"}
    </button>
  );
}
