"""The provider contract: one request in, ``variations`` encoded images out.

Phases depend only on this module, so providers (local, runware, openai...)
can be swapped by name without touching the pipeline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True)
class ImageRequest:
    """What to render. Frozen so a retry re-sends exactly the same request."""

    prompt: str
    width: int
    height: int
    seed: int
    variations: int = 1
    negative_prompt: str = ""
    format: str = "png"

    def __post_init__(self) -> None:
        # Programming errors, not client errors: the API validates user input earlier.
        if self.width < 1 or self.height < 1:
            raise ValueError(f"image size must be positive, got {self.width}x{self.height}")
        if self.variations < 1:
            raise ValueError(f"variations must be at least 1, got {self.variations}")


@dataclass(frozen=True)
class GeneratedImage:
    """One encoded image, ready to store as-is."""

    data: bytes
    content_type: str
    extension: str
    seed: int
    # The decoded picture when the provider has it anyway (the local renderer), so the gallery
    # thumbnail needs no second decode. Not part of the image's identity.
    picture: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class ImageFailure:
    """A variation the provider rendered but we could not get (its download failed): in its
    place in the list, so the generation's other images are kept and only this one fails."""

    seed: int
    message: str


@runtime_checkable
class ImageProvider(Protocol):
    """Anything that turns an ImageRequest into images."""

    name: str

    def generate(self, request: ImageRequest) -> Sequence[GeneratedImage | ImageFailure]:
        """Return exactly ``request.variations`` images; variation i uses seed ``request.seed + i``.
        A variation that could not be fetched may be an ImageFailure; ProviderError when none
        could."""
        ...
