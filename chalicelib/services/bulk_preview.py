"""What a bulk action on jobs would do, without doing it: how many jobs the selection covers
(its `ids`, or every job matching its `filter`) and how many of them the action would refuse, so
the console can show the count before the user confirms."""

from __future__ import annotations

from typing import Any

from chalicelib.errors import ValidationError
from chalicelib.repositories import jobs as job_repo
from chalicelib.selection import selected_jobs
from chalicelib.statuses import JobStatus

ACTIONS = ("rerun", "delete", "export")
SHOWN = 100  # ids listed in the answer (the count covers all)


def _refusal(action: str, job: Any) -> str | None:
    if job is None:
        return "not found"
    if action == "delete" and not JobStatus(job.status).is_final:
        return f"still {job.status}: stop it first"
    if action == "rerun" and not job.config_id:
        return "has no configuration to rerun"
    return None


def preview_bulk(workspace: str, body: dict[str, Any], maximum_ids: int) -> dict[str, Any]:
    action = body.get("action")
    if action not in ACTIONS:
        raise ValidationError(f"must be one of {', '.join(ACTIONS)}", field="action")
    selection = {key: value for key, value in body.items() if key != "action"}
    ids = selected_jobs(workspace, selection, maximum_ids)
    refused: list[dict[str, str]] = []
    for job_id in ids:
        job = job_repo.find_job(job_id)
        reason = _refusal(action, job if job is not None and job.workspace == workspace else None)
        if reason:
            refused.append({"id": job_id, "reason": reason})
    return {
        "action": action,
        "matched": len(ids),
        "ids": ids[:SHOWN],
        "would_refuse": len(refused),
        "refused": refused[:SHOWN],
    }
