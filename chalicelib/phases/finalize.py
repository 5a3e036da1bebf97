"""Finalize: images still in the pipeline are approved, and the job's outcome is summarised.

The engine then sets the final status: completed with at least one image, failed with none.
"""

from __future__ import annotations

from chalicelib import joblive
from chalicelib.counters import job_totals
from chalicelib.models import ImageModel
from chalicelib.phases import PhaseContext
from chalicelib.phases.images import APPROVED, PROCESSING
from chalicelib.repositories.images import set_status


def run_once(ctx: PhaseContext) -> None:
    if ctx.job.retry:
        _count_retried(ctx)
    approved = 0
    for image in ImageModel.by_job.query(ctx.job_id, filter_condition=ImageModel.status == PROCESSING):
        set_status(image, APPROVED, tally=ctx.tally)
        approved += 1
    if approved:
        ctx.log.debug_line(f"{approved} image(s) approved at the end of the pipeline")
    ctx.units_done(0)  # the approvals' counts, before the summary reads them
    ctx.job.refresh(consistent_read=True)
    joblive.fold(ctx.job)
    ok, failed, _ = job_totals(ctx.job)
    planned = int(ctx.job.images_planned)
    ctx.log.info(f"Finished: {ok} image(s) approved, {failed} failed, of {planned} planned")
    ctx.units_done(1)


def _count_retried(ctx: PhaseContext) -> None:
    """A retry job's outcome is the retried images': approved ones count as produced."""
    from chalicelib.models import JobModel

    statuses = [image.status for image in ImageModel.batch_get(ctx.job.retry["image_ids"])]
    ok = statuses.count(APPROVED)
    ctx.job.update(actions=[JobModel.images_ok.set(ok), JobModel.images_failed.set(len(statuses) - ok)])
