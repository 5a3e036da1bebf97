"""Shared machinery of the phases that work image by image (process, quality check, metadata).

A batch is a list of images; each image is marked when a phase is done with it, so a batch that
runs again after a crash, a stop or a pause skips what is finished.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from chalicelib import aws
from chalicelib.explain import image_name, summary_of
from chalicelib.models import ImageModel
from chalicelib.phases import PhaseContext
from chalicelib.quality import failure_label
from chalicelib.repositories.images import save_image

APPROVED = "approved"
QC_FAILED = "qc_failed"
PROCESSING = "processing"
RETRY_PENDING = "retry_pending"
RETRY_FAILED = "retry_failed"

ImageWork = Callable[[PhaseContext, ImageModel], None]


def mark(ctx: PhaseContext, phase: str) -> str:
    return f"{ctx.job_id}:{phase}"


def image_bytes(image: ImageModel) -> bytes:
    return aws.get_object(image.current_key or image.original_key)


def extension_of(key: str | None) -> str:
    return (key or "x.png").rsplit(".", 1)[-1].lower()


def fail_image(
    ctx: PhaseContext,
    image: ImageModel,
    stage: str | None,
    message: str,
    error: BaseException | None = None,
) -> None:
    """A failed image: `qc_failed` in a job, `retry_failed` in a retry job, with its category.

    `message` is a plain reason (a quality check's verdict) unless `error` caused it: then the
    Standard line says what failed and what to do, and the error's text goes to a Debug line."""
    status = RETRY_FAILED if ctx.job.retry else QC_FAILED
    image.status = status
    image.failure = {"stage": stage, "category": failure_label(stage), "message": message[:1000]}
    name = image_name(image.generation, image.variation)
    if error is None:
        ctx.log.info(f"{name}: {failure_label(stage)}: {message}")
        return
    reason = summary_of(error)
    ctx.log.info(
        f"{name}: {failure_label(stage).lower()}{f' ({reason})' if reason else ''}; "
        "you can retry it from the gallery"
    )
    ctx.log.debug_line(f"{name}: {message}")


def run_per_image(
    ctx: PhaseContext,
    phase: str,
    images: Iterable[ImageModel],
    eligible: Callable[[ImageModel], bool],
    work: ImageWork,
) -> bool:
    """Apply `work` to each eligible image not yet done by this phase; stop between images when
    asked. Every image counts as a unit of progress, done or skipped."""
    done_mark = mark(ctx, phase)
    images = list(images)
    finished = [image for image in images if done_mark in (image.done or set())]
    if finished:  # run again: what was done before is searchable whatever stopped the batch
        ctx.postings.restore(finished)
    for image in images:
        if done_mark in (image.done or set()):
            continue
        if ctx.should_stop():
            return False
        changed = eligible(image)
        if changed:
            work(ctx, image)
            if ctx.must_discard():
                return False
        image.done = set(image.done or set()) | {done_mark}
        save_image(image, ctx.tally, ctx.postings)  # index key, search postings and counters follow
        if changed:
            from chalicelib.phases.generate import publish_image

            publish_image(image)
        ctx.units_done(1)
    return True
