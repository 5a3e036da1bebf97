"""Background removal through the remove.bg API.

Each call costs a credit, so only failures that may pass on another try are retried (3 attempts,
waiting 2 s then 4 s); a bad image (400), no credits (402) or a bad key (403) fail at once.
"""

from __future__ import annotations

import time

import requests

from chalicelib.errors import ProviderError
from chalicelib.providers.http import DEFAULT_TIMEOUT_S, RetryPolicy, Sleep, send

DEFAULT_BASE_URL = "https://api.remove.bg/v1.0"
SERVICE = "remove.bg"
SIZES = ("auto", "preview", "full", "4k")
RETRY_POLICY = RetryPolicy(attempts=3, backoff_ms=2_000, max_backoff_ms=15_000)


class RemoveBgClient:
    """Callable as ``Callable[[bytes], bytes]``, so it can be passed wherever a remover is expected."""

    def __init__(
        self,
        api_key: str,
        size: str = "auto",
        base_url: str = DEFAULT_BASE_URL,
        sleep: Sleep = time.sleep,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        session: requests.Session | None = None,
    ) -> None:
        self._api_key = api_key
        # Anything else (the desktop UI's "50MP", say) is not an API size: fall back to auto.
        self.size = size.lower() if size and size.lower() in SIZES else "auto"
        self._base_url = base_url.rstrip("/")
        self._sleep = sleep
        self._timeout_s = timeout_s
        self._session = session or requests.Session()

    def remove(self, image_bytes: bytes) -> bytes:
        """The image with its background removed, as PNG bytes."""
        if not image_bytes:
            raise ProviderError(f"{SERVICE}: no image to process", retryable=False)
        response = send(
            "POST",
            f"{self._base_url}/removebg",
            policy=RETRY_POLICY,
            timeout_s=self._timeout_s,
            sleep=self._sleep,
            session=self._session,
            service=SERVICE,
            headers={"X-Api-Key": self._api_key},
            files={"image_file": ("image", image_bytes, "application/octet-stream")},
            data={"size": self.size},
        )
        content_type = response.headers.get("Content-Type", "")
        if not response.content or not content_type.startswith("image/"):
            raise ProviderError(
                f"{SERVICE}: expected image bytes, got {content_type or 'no content type'} "
                f"({len(response.content)} bytes)",
                retryable=False,
            )
        return bytes(response.content)

    __call__ = remove
