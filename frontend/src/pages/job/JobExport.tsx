// Export this job's spreadsheet (.xlsx) through the destination dialog, then offer its download.

import { useState } from "react";

import type { Export, JobDetail } from "../../api/client";
import { DestinationDialog } from "../../components/DestinationDialog";
import { ExportStatus } from "../../components/ExportStatus";
import { useJobExport } from "../../queries/useJobExport";

export function JobExportButton({ job, onStarted }: { job: JobDetail; onStarted: (started: Export) => void }) {
  const [open, setOpen] = useState(false);
  const exporter = useJobExport(job.id);
  return (
    <>
      <button type="button" className="btn" data-testid="action-export" onClick={() => setOpen(true)} title="The job and its images' metadata as a spreadsheet">
        Export
      </button>
      {open ? (
        <DestinationDialog
          title="Export this job"
          fileType="xlsx"
          intro="A spreadsheet (.xlsx) with the job, the settings it ran with and every image's metadata."
          busy={exporter.isPending}
          error={exporter.error}
          onCancel={() => {
            exporter.reset();
            setOpen(false);
          }}
          onSubmit={(destination) =>
            exporter.mutate(destination, {
              onSuccess: (started: Export) => {
                setOpen(false);
                onStarted(started);
              },
            })
          }
        />
      ) : null}
    </>
  );
}

export function JobExportStatus({ started, onDismiss }: { started: Export | null; onDismiss: () => void }) {
  return started ? <ExportStatus started={started} onDismiss={onDismiss} /> : null;
}
