// Stop (graceful): the current image finishes first; says "Stopping…" once asked.

import type { Job } from "../../api/client";
import { errorMessage } from "../../api/errors";
import { useToast } from "../../components/Toasts";
import { useJobAction } from "../../queries/useJobActions";

export function StopButton({ job, label = "Stop" }: { job: Job; label?: string }) {
  const toast = useToast();
  const action = useJobAction();
  const stopping = job.control === "stop" || job.control === "force";
  return (
    <button
      type="button"
      className="btn btn-sm"
      title="Finish the current image, then stop"
      disabled={stopping || action.isPending}
      onClick={() =>
        action.mutate(
          { action: "stop", jobId: job.id },
          {
            onSuccess: () => toast(`Stop requested for “${job.label}”`, "info"),
            onError: (error) => toast(errorMessage(error), "error"),
          },
        )
      }
    >
      {stopping ? "Stopping…" : label}
    </button>
  );
}
