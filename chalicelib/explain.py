"""Plain sentences for the Standard log, technical detail for Debug lines.

Standard lines are for people: what happened, to which image, what they can do. Exception text,
URLs, provider replies and stack traces go to Debug lines only (SPEC §2, log modes); the image's
failure record and the job's error keep the technical account as well.
"""

from __future__ import annotations

from chalicelib.errors import ProviderError


def summary_of(error: BaseException | None) -> str | None:
    """The plain reason an error carries (a provider's `summary`, also when a processing step
    wrapped it), or None when it has none."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, ProviderError) and error.summary:
            return error.summary
        error = error.__cause__ or error.__context__
    return None


def image_name(generation: float, variation: float) -> str:
    """How the log names an image: `Image 3.2` is generation 3's second variation."""
    return f"Image {int(generation) + 1}.{int(variation) + 1}"
