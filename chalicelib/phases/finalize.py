"""Finalize: summarise what the job produced. The engine then sets the final status."""

from __future__ import annotations

from chalicelib.phases import PhaseContext


def run_once(ctx: PhaseContext) -> None:
    ctx.job.refresh(consistent_read=True)
    ok, failed = int(ctx.job.images_ok), int(ctx.job.images_failed)
    ctx.log.info(
        f"Finished: {ok} image(s) produced, {failed} failed, of {int(ctx.job.images_planned)} planned"
    )
    ctx.units_done(1)
