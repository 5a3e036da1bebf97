"""Deleting jobs and images in the background, like exports.

A 10,000-image job is an S3 prefix, 10,000 items and their search postings: more than an API
request can do within API Gateway's 29 seconds. The request checks what it can (unknown → 404,
still running → refused), hides what it deletes at once (a job leaves every list and reads as
not found), records a `deletions` item and hands it to the `delete_worker` function (an
asynchronous Lambda invocation; a thread on the local stack). The worker deletes the objects, the
image items with their search postings and counts, the log, the checkpoints and the job item,
and marks the record `done`; `GET /api/deletions/{id}` follows it. A worker near its time limit
hands the rest to a fresh invocation; every step is safe to run again.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from itertools import islice
from typing import Any

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.update import Action

from chalicelib import aws
from chalicelib.counters import Tally
from chalicelib.errors import ConflictError, ImageFactoryError, NotFoundError
from chalicelib.models import CheckpointModel, DeletionModel, ImageModel, JobLiveModel, JobModel, LogLineModel
from chalicelib.repositories import images as image_repo
from chalicelib.repositories import jobs as job_repo
from chalicelib.settings import get_settings
from chalicelib.statuses import FINAL_STATUSES, JobStatus

log = logging.getLogger(__name__)

HIDDEN = "deleting"  # `<workspace>#deleting`: the workspace a job moves to while it is deleted
CHUNK = 100  # images deleted (and progress recorded) at a time
SPARE_MS = 60_000  # a worker with less time left than this hands the rest on


def hidden_workspace(workspace: str) -> str:
    return f"{workspace}#{HIDDEN}"


# ---- requests -----------------------------------------------------------------------------------


def hide_job(workspace: str, job_id: str) -> JobModel:
    """Take a finished job out of every list at once: its workspace (the lists' partition key and
    the owner check) becomes `<workspace>#deleting`. 404 if unknown, 409 if still running."""
    job = job_repo.get_job(job_id, workspace)
    if not JobStatus(job.status).is_final:
        raise ConflictError(f"job {job_id} is {job.status}; stop it before deleting it", field="job_id")
    hidden = hidden_workspace(workspace)
    try:
        job.update(
            actions=[JobModel.workspace.set(hidden), JobModel.workspace_status.set(f"{hidden}#{job.status}")],
            condition=(JobModel.workspace == workspace) & JobModel.status.is_in(*FINAL_STATUSES),
        )
    except UpdateError as err:
        if getattr(err, "cause_response_code", None) == "ConditionalCheckFailedException":
            raise NotFoundError(f"job {job_id} not found", field="job_id") from None
        raise
    return job


def delete_jobs(workspace: str, job_ids: list[str]) -> tuple[DeletionModel | None, list[dict[str, Any]]]:
    """Hide each job that can be deleted and start one deletion for them all; the refused ones
    come back with their error. No deletion when none could be."""
    accepted: list[str] = []
    refused: list[dict[str, Any]] = []
    for job_id in job_ids:
        try:
            hide_job(workspace, job_id)
            accepted.append(job_id)
        except ImageFactoryError as err:
            refused.append({"id": job_id, "error": err.to_dict()})
    if not accepted:
        return None, refused
    return start(workspace, "jobs", accepted), refused


def delete_images(workspace: str, image_ids: list[str]) -> DeletionModel:
    """Start deleting images (the caller has checked they are the workspace's)."""
    return start(workspace, "images", image_ids)


def delete_matching_images(workspace: str, params: dict[str, str], matched: int) -> DeletionModel:
    """Start deleting every image matching the gallery filter `params` (checked by the caller),
    however many: the worker reads them page by page (`matched`, counted now, is for progress)."""
    chosen = {"filter": params, "cursor": None, "until": job_repo.utcnow().isoformat()}
    return start(workspace, "images", [], selection=chosen, total=matched)


def start(
    workspace: str,
    kind: str,
    ids: list[str],
    selection: dict[str, Any] | None = None,
    total: int | None = None,
) -> DeletionModel:
    record = DeletionModel(
        uuid.uuid4().hex,
        workspace=workspace,
        kind=kind,
        status="running",
        ids=ids,
        selection=selection,
        total=len(ids) if total is None else total,
        created_at=job_repo.utcnow(),
    )
    record.save()
    _hand_on(record)
    return record


def _hand_on(record: DeletionModel) -> None:
    try:
        aws.invoke_async(get_settings().delete_function_arn, {"deletion_id": record.deletion_id})
    except Exception as err:  # the items stay hidden; the record says why nothing happens
        log.exception("deletion %s could not be handed to delete_worker", record.deletion_id)
        _finish(record, "failed", f"the deletion could not be started: {err}")
        raise


def get_deletion(workspace: str, deletion_id: str) -> DeletionModel:
    try:
        record = DeletionModel.get(deletion_id, consistent_read=True)
    except DeletionModel.DoesNotExist:
        record = None
    if record is None or record.workspace != workspace:
        raise NotFoundError(f"deletion {deletion_id} not found", field="deletion_id")
    return record


# ---- the worker ---------------------------------------------------------------------------------


def run_deletion(event: dict[str, Any], context: Any = None) -> None:
    """The `delete_worker` function. Never raises (Lambda would retry what has recorded its
    outcome); a failure is recorded on the deletion."""
    try:
        record = DeletionModel.get(str(event.get("deletion_id")), consistent_read=True)
    except DeletionModel.DoesNotExist:
        log.warning("delete_worker: no deletion %s", event.get("deletion_id"))
        return
    if record.status != "running":
        return
    try:
        finished = (_delete_jobs if record.kind == "jobs" else _delete_images)(record, _clock(context))
    except Exception as err:  # noqa: BLE001 - recorded for whoever follows the deletion
        log.exception("deletion %s failed", record.deletion_id)
        _finish(record, "failed", str(err)[:2000])
        return
    if finished:
        _finish(record, "done", None)
    else:
        _hand_on(record)  # out of time: a fresh invocation carries on where this one stopped


def _clock(context: Any) -> Any:
    """True while the invocation has time for another chunk (always, off Lambda)."""
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    return (lambda: remaining() > SPARE_MS) if callable(remaining) else (lambda: True)


def _delete_jobs(record: DeletionModel, has_time: Any) -> bool:
    ids = list(record.ids)
    for job_id in ids[int(record.done) :]:
        job = job_repo.find_job(job_id)
        if job is not None and not _delete_job(record, job, has_time):
            return False
        record.update(actions=[DeletionModel.done.add(1)])
    return True


def _delete_job(record: DeletionModel, job: JobModel, has_time: Any) -> bool:
    """Objects, images (postings, counts), log, checkpoints, live item, then the job item itself."""
    aws.delete_prefix(f"jobs/{job.job_id}/")
    while True:
        chunk = list(ImageModel.by_job.query(job.job_id, limit=CHUNK))
        if not chunk:
            break
        _drop(record, chunk, skip_job=job.job_id)
        if not has_time():
            return False
    for model in (LogLineModel, CheckpointModel):
        with model.batch_write() as batch:
            for item in model.query(job.job_id):
                batch.delete(item)
    JobLiveModel(job.job_id).delete()
    job.delete()
    return True


def _delete_images(record: DeletionModel, has_time: Any) -> bool:
    if record.selection:
        return _delete_matching(record, has_time)
    ids = list(record.ids)
    position = int(record.done)
    for chunk_ids in _chunks(ids[position:], CHUNK):
        found = [i for i in ImageModel.batch_get(chunk_ids) if i.workspace == record.workspace]
        _delete_found(record, found)
        record.update(actions=[DeletionModel.done.add(len(chunk_ids))])
        if not has_time():
            return int(record.done) >= len(ids)
    return True


def _delete_matching(record: DeletionModel, has_time: Any) -> bool:
    """Every image matching the stored filter, a page at a time from the stored cursor (deleting
    what lies behind a cursor does not move it), the cursor recorded after each page so a fresh
    invocation goes on from there. Images made after the request are not touched."""
    from datetime import datetime

    from chalicelib import selection

    chosen = dict(record.selection or {})
    until = datetime.fromisoformat(chosen["until"]) if chosen.get("until") else None
    try:
        pages = selection.matching_image_pages(
            str(record.workspace), chosen["filter"], chosen.get("cursor"), CHUNK, until
        )
        for images, cursor in pages:
            _delete_found(record, [image for image in images if image.workspace == record.workspace])
            chosen["cursor"] = cursor
            record.update(actions=[DeletionModel.done.add(len(images)), DeletionModel.selection.set(chosen)])
            if cursor and not has_time():
                return False
    except NotFoundError:  # the filter's job is gone, and its images with it
        pass
    return True


def _delete_found(record: DeletionModel, found: list[ImageModel]) -> None:
    """The images' objects, then their items with postings and counts."""
    keys = {k for image in found for k in (image.original_key, image.current_key, image.thumbnail_key) if k}
    for part in _chunks(sorted(keys), 1000):
        aws.s3().delete_objects(
            Bucket=get_settings().bucket, Delete={"Objects": [{"Key": k} for k in part], "Quiet": True}
        )
    _drop(record, found)


def _drop(record: DeletionModel, images: list[ImageModel], skip_job: str | None = None) -> None:
    """Delete image items with their postings; the workspace's counts (and their jobs', unless
    that job is going too) follow."""
    tally = Tally()
    image_repo.delete_images(images, tally, whole_job=skip_job is not None)
    if skip_job:
        tally.take_job(skip_job)
    tally.flush()
    record.update(actions=[DeletionModel.images_deleted.add(len(images))])


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _finish(record: DeletionModel, status: str, error: str | None) -> None:
    actions: list[Action] = [
        DeletionModel.status.set(status),
        DeletionModel.finished_at.set(job_repo.utcnow()),
    ]
    if error:
        actions.append(DeletionModel.error.set(error))
    record.update(actions=actions)


def deletion_view(record: DeletionModel) -> dict[str, Any]:
    from chalicelib.views import iso

    return {
        "id": record.deletion_id,
        "kind": record.kind,
        "status": record.status,
        "ids": list(record.ids),
        "total": int(record.total),
        "done": int(record.done),
        "images_deleted": int(record.images_deleted),
        "error": record.error,
        "created_at": iso(record.created_at),
        "finished_at": iso(record.finished_at),
    }
