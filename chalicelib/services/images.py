"""Failed images review: retry with original or custom settings, approve by hand, delete.

A retry post-processes the chosen images again (no new generation, no QC) as a job of its own,
run by the same state machine and queued behind the same semaphore. Custom settings are written
on each retried image, never on a job's configuration.
"""

from __future__ import annotations

import uuid
from typing import Any

from pynamodb.expressions.update import Action

from chalicelib import jobconfig
from chalicelib.counters import Tally
from chalicelib.engine import queue_job
from chalicelib.errors import InvalidStateError, NotFoundError, ValidationError
from chalicelib.models import ImageModel, JobModel
from chalicelib.phases.images import APPROVED, QC_FAILED, RETRY_FAILED, RETRY_PENDING
from chalicelib.plan import build_plan
from chalicelib.repositories import images as image_repo
from chalicelib.repositories import jobs as job_repo
from chalicelib.selection import selected_ids
from chalicelib.services.jobs import start_execution
from chalicelib.settings import get_settings
from chalicelib.statuses import JobStatus

MAX_IDS = 1000
RETRYABLE = {QC_FAILED, RETRY_FAILED}
RETRY_KEYS = {"ids", "mode", "processing", "metadata"}


def _ids(body: dict[str, Any]) -> list[str]:
    return selected_ids(body, "image", MAX_IDS)


def load_images(workspace: str, ids: list[str]) -> list[ImageModel]:
    """The images, in the order asked; any unknown (or another workspace's) id is a 404."""
    found = {image.image_id: image for image in ImageModel.batch_get(ids)}
    for image_id in ids:
        image = found.get(image_id)
        if image is None or image.workspace != workspace:
            raise NotFoundError(f"image {image_id} not found", field="ids")
    return [found[i] for i in ids]


def retry_images(workspace: str, body: dict[str, Any]) -> JobModel:
    unknown = sorted(set(body) - RETRY_KEYS)
    if unknown:
        raise ValidationError(f"{unknown[0]} is an unknown key", field=unknown[0])
    ids = _ids(body)
    mode = body.get("mode", "original")
    if mode not in ("original", "custom"):
        raise ValidationError("must be original or custom", field="mode")
    metadata = body.get("metadata", False)
    if not isinstance(metadata, bool):
        raise ValidationError("must be true or false", field="metadata")
    custom = None
    if mode == "custom":
        if not isinstance(body.get("processing"), dict):
            raise ValidationError("custom retries need processing settings", field="processing")
        custom = jobconfig.normalize_config({"processing": body["processing"]})["processing"]
    elif "processing" in body:
        raise ValidationError("only a custom retry takes processing settings", field="processing")
    images = load_images(workspace, ids)
    for image in images:
        if image.status not in RETRYABLE:
            raise InvalidStateError(
                f"image {image.image_id} is {image.status}; only failed images are retried", "ids"
            )
        if not image.original_key:
            raise InvalidStateError(
                f"image {image.image_id} was never generated; rerun its job instead", "ids"
            )
    sources = {image.job_id for image in images}
    if mode == "original" and len(sources) > 1:
        raise ValidationError("a retry with original settings takes images of one job", field="ids")
    source = job_repo.get_job(sorted(sources)[0], workspace)
    job = _retry_job(workspace, source, ids, mode, metadata)
    tally = Tally()
    for image in images:
        actions: list[Action] = []
        if custom is not None:
            actions.append(ImageModel.processing_settings.set(custom))
        image_repo.set_status(image, RETRY_PENDING, *actions, tally=tally)
    tally.flush()  # one counter write per job touched and one for the workspace
    return start_execution(job)


def _retry_job(workspace: str, source: JobModel, ids: list[str], mode: str, metadata: bool) -> JobModel:
    names = ["process", *(["metadata"] if metadata else []), "finalize"]
    concurrency = source.snapshot["parameters"]["max_concurrency"]
    plan = build_plan(names, len(ids), 1, get_settings().images_per_batch, concurrency)
    count = f"{len(ids)} image{'s' if len(ids) != 1 else ''}"
    job = JobModel(
        uuid.uuid4().hex,
        workspace=workspace,
        label=f"Retry of {source.label} ({count}, {mode} settings)",
        status=JobStatus.QUEUED.value,
        parent_id=source.job_id,
        snapshot=source.snapshot,
        plan=[p.to_dict() for p in plan],
        images_planned=len(ids),
        retry={"image_ids": ids, "mode": mode, "source_job_id": source.job_id},
        step="Queued",
        created_at=job_repo.utcnow(),
    )
    return queue_job(job)


def image_detail(workspace: str, image_id: str) -> tuple[ImageModel, dict[str, Any]]:
    """The image and the settings actually applied to it (the Processing tab): its own, when a
    retry with custom settings ran on it, otherwise its job's as-run snapshot."""
    (image,) = load_images(workspace, [image_id])
    snapshot: dict[str, Any] = {}
    job = job_repo.find_job(image.job_id)
    if job is not None:
        snapshot = job.snapshot or {}
    custom = image.processing_settings
    return image, {
        "source": "custom_retry" if custom else "job_snapshot",
        "processing": custom or snapshot.get("processing"),
        "quality_check": (snapshot.get("ai") or {}).get("quality_check"),
        "metadata": (snapshot.get("ai") or {}).get("metadata"),
        "provider": snapshot.get("provider", image.provider),
        "dimensions": (snapshot.get("parameters") or {}).get("dimensions"),
    }


def approve_image(workspace: str, image_id: str) -> ImageModel:
    """A person overrides the verdict: the image joins the approved output as it is now."""
    (image,) = load_images(workspace, [image_id])
    if image.status == APPROVED:
        raise InvalidStateError(f"image {image_id} is already approved", field="image_id")
    if image.status not in RETRYABLE:
        raise InvalidStateError(
            f"image {image_id} is {image.status}; wait until it is done", field="image_id"
        )
    if not image.current_key:
        raise InvalidStateError(
            f"image {image_id} has no picture to approve (its generation failed)", "image_id"
        )
    image_repo.set_status(
        image, APPROVED, ImageModel.qc_reason.set("Manually approved by user"), ImageModel.failure.remove()
    )
    return image


def delete_images(workspace: str, body: dict[str, Any]) -> Any:
    """Start deleting images with their search postings, counts and every object stored for them,
    in the background; the deletion record to follow. The images are the body's `ids` (unknown
    ones are a 404 before anything) or every image matching its `filter`, however many."""
    from chalicelib import deletions, selection

    if "filter" in body:
        params = selection.image_filter(workspace, body)
        _only(body, {"filter"})
        matched, _ = selection.count_matching_images(workspace, params)
        if not matched:
            raise ValidationError("matches no image", field="filter")
        return deletions.delete_matching_images(workspace, params, matched)
    images = load_images(workspace, _ids(body))
    return deletions.delete_images(workspace, [image.image_id for image in images])


def preview_images(workspace: str, body: dict[str, Any]) -> dict[str, Any]:
    """How many images a bulk delete or export by this `filter` would cover, touching nothing."""
    from chalicelib import selection

    if "filter" not in body:
        raise ValidationError("send the filter to count", field="filter")
    params = selection.image_filter(workspace, body)
    _only(body, {"filter"})
    matched, exact = selection.count_matching_images(workspace, params)
    return {"matched": matched, "exact": exact}


def _only(body: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        named = ", ".join(sorted(allowed))
        raise ValidationError(f"{unknown[0]} is an unknown key; allowed: {named}", field=unknown[0])
