// How a job is named in every view: its label, and for a rerun "Parent Label (Rerun xxxxxx)".
// The API names reruns that way when it makes them; a rerun renamed since keeps the mark, so
// the lineage stays visible wherever the job is listed.

import type { Job } from "../api/client";

const RERUN_MARK = /\(Rerun [0-9a-f]{3,8}\)\s*$/;

export function jobLabel(job: Pick<Job, "id" | "label" | "parent_id">): string {
  const label = job.label || job.id;
  if (!job.parent_id || RERUN_MARK.test(label)) return label;
  return `${label} (Rerun ${job.id.slice(0, 6)})`;
}
