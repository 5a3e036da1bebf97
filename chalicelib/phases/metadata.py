"""Metadata for stock sites: title, description and tags, from an OpenAI model when an OpenAI key
is set, offline from the prompt otherwise. A failure marks the image "Metadata failed".

The new text becomes searchable when `run_per_image` saves the image: `save_image` posts the terms
of the title, description and tags (and drops those no longer there, as a retry rewrites them)."""

from __future__ import annotations

from chalicelib.errors import ProviderError
from chalicelib.models import ImageModel
from chalicelib.phases import PhaseContext
from chalicelib.phases.images import APPROVED, PROCESSING, fail_image, image_bytes, run_per_image
from chalicelib.quality import offline_metadata

PHASE = "metadata"


def run_batch(ctx: PhaseContext, images: list[ImageModel]) -> bool:
    client = ctx.services.openai()
    return run_per_image(
        ctx,
        PHASE,
        images,
        lambda image: image.status in (APPROVED, PROCESSING),
        lambda c, i: _describe(c, i, client),
    )


def _describe(ctx: PhaseContext, image: ImageModel, client) -> None:  # type: ignore[no-untyped-def]
    try:
        if client is not None:
            meta = client.metadata(image_bytes(image), image.prompt, ctx.config.get("metadata_prompt"))
        else:
            meta = offline_metadata(image.prompt, image.keyword)
    except ProviderError as err:
        fail_image(ctx, image, "metadata", f"Metadata failed: {err}", err)
        return
    image.title, image.description, image.tags = meta["title"], meta["description"], list(meta["tags"])
