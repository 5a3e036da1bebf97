"""Post-processing: background removal → trim → enhance → encode, then a gallery thumbnail.

Runs on images still in the pipeline (or, with quality check and background removal both on, on
approved images only, after QC, so remove.bg is not paid for images QC rejects). A retry job runs
it on the chosen images with their original or custom settings.
"""

from __future__ import annotations

from chalicelib import aws
from chalicelib.explain import image_name, summary_of
from chalicelib.models import ImageModel
from chalicelib.phases import PhaseContext
from chalicelib.phases.images import (
    APPROVED,
    PROCESSING,
    RETRY_PENDING,
    extension_of,
    fail_image,
    image_bytes,
    run_per_image,
)
from chalicelib.processing import ProcessingError, make_thumbnail, process_image

PHASE = "process"


def thumbnail_key(job_id: str, image_id: str) -> str:
    return f"jobs/{job_id}/thumbs/{image_id}.jpg"


def processed_key(job_id: str, image_id: str, extension: str) -> str:
    return f"jobs/{job_id}/processed/{image_id}.{extension}"


def settings_for(ctx: PhaseContext, image: ImageModel) -> dict:
    """Per-image settings written by a custom retry win over the job's snapshot."""
    return image.processing_settings or ctx.config["processing"]


def _eligible(ctx: PhaseContext, image: ImageModel) -> bool:
    if ctx.job.retry:  # `processing` too: a retry interrupted mid-image carries on with it
        return image.status in (RETRY_PENDING, PROCESSING)
    if _after_quality_check(ctx):
        return image.status == APPROVED
    return image.status == PROCESSING


def _after_quality_check(ctx: PhaseContext) -> bool:
    names = [p["name"] for p in ctx.job.plan]
    return "quality_check" in names and names.index("quality_check") < names.index(PHASE)


def run_batch(ctx: PhaseContext, images: list[ImageModel]) -> bool:
    remover = ctx.services.background_remover()
    return run_per_image(
        ctx, PHASE, images, lambda image: _eligible(ctx, image), lambda c, i: _process(c, i, remover)
    )


def _process(ctx: PhaseContext, image: ImageModel, remover) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for(ctx, image)
    if ctx.job.retry:
        image.update(actions=[ImageModel.status.set(PROCESSING)])
    source = image_bytes(image)
    source_extension = extension_of(image.original_key)
    try:
        result = process_image(source, settings, remove_background=remover, source_extension=source_extension)
    except ProcessingError as err:
        soft = (
            err.stage == "remove_bg" and settings["remove_bg_failure_mode"] == "approve" and not ctx.job.retry
        )
        if not soft:
            fail_image(ctx, image, err.stage, str(err), err)
            return
        reason = summary_of(err)
        name = image_name(image.generation, image.variation)
        ctx.log.info(f"{name}: background removal failed{f' ({reason})' if reason else ''}; kept as it is")
        ctx.log.debug_line(f"{name} ({image.image_id}): {err}")
        fallback = {**settings, "remove_bg": False, "trim_transparent": False}
        try:
            result = process_image(source, fallback, source_extension=source_extension)
        except ProcessingError as again:
            fail_image(ctx, image, again.stage, str(again), again)
            return
    key = processed_key(image.job_id, image.image_id, result.extension)
    aws.put_object(key, result.data, result.content_type)
    thumb = thumbnail_key(image.job_id, image.image_id)
    aws.put_object(thumb, make_thumbnail(result.data), "image/jpeg")
    image.current_key, image.thumbnail_key = key, thumb
    image.width, image.height = result.width, result.height
    if ctx.job.retry:
        image.status, image.failure = APPROVED, None
        image.qc_reason = "Retry processing successful"
        ctx.log.info(f"Image {image.image_id}: retry processing successful")
    ctx.log.debug_line(
        f"Processed image {image.image_id} → {result.extension} {result.width}x{result.height}"
    )
