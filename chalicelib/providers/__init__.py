"""Image providers by name, so a job's ``provider`` setting picks the implementation."""

from __future__ import annotations

from collections.abc import Callable

from chalicelib.errors import ValidationError
from chalicelib.providers.base import GeneratedImage, ImageProvider, ImageRequest
from chalicelib.providers.local import LocalProvider

__all__ = [
    "GeneratedImage",
    "ImageProvider",
    "ImageRequest",
    "LocalProvider",
    "get_provider",
]

# runware, openai and midjourney are added here as they are built.
_PROVIDERS: dict[str, Callable[[], ImageProvider]] = {
    "local": LocalProvider,
}


def get_provider(name: str) -> ImageProvider:
    """A fresh provider for ``name``; an unknown name is a client error on the ``provider`` field."""
    factory = _PROVIDERS.get(name)
    if factory is None:
        raise ValidationError(f"provider {name!r} is not available yet", field="provider")
    return factory()
