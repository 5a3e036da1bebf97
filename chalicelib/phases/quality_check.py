"""Quality check: an OpenAI vision model when an OpenAI key is set, offline heuristics otherwise
(blank, near-uniform, wrong size). Passed → approved; failed → qc_failed with the reason."""

from __future__ import annotations

from chalicelib.errors import ProviderError
from chalicelib.models import ImageModel
from chalicelib.phases import PhaseContext
from chalicelib.phases.images import APPROVED, PROCESSING, fail_image, image_bytes, run_per_image
from chalicelib.quality import offline_quality_check

PHASE = "quality_check"


def run_batch(ctx: PhaseContext, images: list[ImageModel]) -> bool:
    client = ctx.services.openai()
    return run_per_image(
        ctx, PHASE, images, lambda image: image.status == PROCESSING, lambda c, i: _check(c, i, client)
    )


def _check(ctx: PhaseContext, image: ImageModel, client) -> None:  # type: ignore[no-untyped-def]
    data = image_bytes(image)
    try:
        if client is not None:
            passed, reason = client.quality_check(data, ctx.config.get("qc_prompt"))
        else:
            result = offline_quality_check(data, *_expected_size(ctx, image))
            passed, reason = result.passed, result.reason
    except ProviderError as err:
        fail_image(ctx, image, "qc", str(err), err)
        return
    image.qc_reason = reason
    if passed:
        image.status = APPROVED
        ctx.log.debug_line(f"Image {image.image_id} passed the quality check: {reason}")
    else:
        fail_image(ctx, image, None, reason)


def _expected_size(ctx: PhaseContext, image: ImageModel) -> tuple[int | None, int | None]:
    """Processing may change the size on purpose (trim); only unprocessed images are held to it."""
    if image.current_key and image.current_key != image.original_key:
        return None, None
    from chalicelib.jobconfig import parse_dimensions

    dimensions = parse_dimensions(ctx.config["parameters"]["dimensions"])
    return dimensions[int(image.generation) % len(dimensions)]
