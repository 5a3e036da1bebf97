"""The one HTTP call path every provider uses, so retry rules are the same everywhere.

Only failures that another attempt may fix are retried: no response (connection errors,
timeouts), HTTP 429 and 5xx. Any other 4xx means the request itself is wrong, and sending it
again only costs money, so it fails at once.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlparse

import requests

from chalicelib.errors import ProviderError
from chalicelib.providers.base import GeneratedImage, ImageFailure

Sleep = Callable[[float], None]

DEFAULT_TIMEOUT_S = 30.0
# Longest error text kept from a reply: enough to read the cause, short enough for a log line.
_MAX_ERROR_TEXT = 300

_NETWORK_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
)

_CONTENT_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "webp": "image/webp",
    "svg": "image/svg+xml",
}
_EXTENSIONS = {
    "png": "png",
    "jpg": "jpg",
    "jpeg": "jpg",
    "webp": "webp",
    "svg": "svg",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/jpg": "jpg",
    "image/webp": "webp",
    "image/svg+xml": "svg",
}


@dataclass(frozen=True)
class RetryPolicy:
    """How many attempts in all, and the wait before attempt n+1 (doubling, capped)."""

    attempts: int = 1
    backoff_ms: int = 0
    max_backoff_ms: int = 15_000

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError(f"attempts must be at least 1, got {self.attempts}")

    @classmethod
    def from_parameters(cls, parameters: Mapping[str, Any]) -> RetryPolicy:
        """The job's ``retry_attempts`` (1–5 total) and ``retry_backoff_ms`` (0–60000), clamped."""
        attempts = min(5, max(1, int(parameters.get("retry_attempts") or 1)))
        backoff_ms = min(60_000, max(0, int(parameters.get("retry_backoff_ms") or 0)))
        return cls(attempts=attempts, backoff_ms=backoff_ms, max_backoff_ms=max(15_000, backoff_ms))

    def delay_s(self, failed_attempts: int, retry_after_s: float | None = None) -> float:
        """Seconds to wait after ``failed_attempts`` failures; a server's Retry-After wins if longer."""
        delay_ms = min(self.backoff_ms * 2 ** (failed_attempts - 1), self.max_backoff_ms)
        if retry_after_s is not None:
            delay_ms = max(delay_ms, min(retry_after_s * 1000, self.max_backoff_ms))
        return delay_ms / 1000


def timeout_for(parameters: Mapping[str, Any]) -> float:
    """Per-call timeout in seconds: ``polling_timeout_min`` when the job enables it, else 30 s."""
    if parameters.get("enable_polling_timeout", True):
        return float(parameters.get("polling_timeout_min") or 15) * 60
    return DEFAULT_TIMEOUT_S


def is_retryable_status(status: int) -> bool:
    return status == 429 or status >= 500


def send(
    method: str,
    url: str,
    *,
    policy: RetryPolicy,
    timeout_s: float,
    sleep: Sleep = time.sleep,
    session: requests.Session | None = None,
    service: str = "HTTP",
    **requests_kwargs: Any,
) -> requests.Response:
    """One request with retries; returns the first response below 400, or raises ProviderError.

    ``service`` names the provider in error messages ("Runware: HTTP 500 ...").
    """
    http = session or requests
    last_error = summary = ""
    for attempt in range(1, policy.attempts + 1):
        retry_after: float | None = None
        try:
            response = http.request(method, url, timeout=timeout_s, **requests_kwargs)
        except _NETWORK_ERRORS as err:
            last_error = _network_error_text(err, timeout_s)
            summary = _network_summary(err, service, timeout_s)
        else:
            if response.status_code < 400:
                return response
            last_error = f"HTTP {response.status_code}: {error_text(response)}"
            summary = status_summary(response.status_code, service)
            if not is_retryable_status(response.status_code):
                raise ProviderError(f"{service}: {last_error}", retryable=False, summary=summary)
            retry_after = _retry_after_s(response)
        if attempt < policy.attempts:
            sleep(policy.delay_s(attempt, retry_after))
    tries = "1 attempt" if policy.attempts == 1 else f"{policy.attempts} attempts"
    raise ProviderError(f"{service}: {last_error} (gave up after {tries})", retryable=True, summary=summary)


def status_summary(status: int, service: str) -> str:
    """What an HTTP error status of a provider means for the person running the job."""
    if status in (401, 403):
        return f"{service} refused the API key; check it in Settings"
    if status == 402:
        return f"{service} refused the request for lack of credit; check the account"
    if status == 429:
        return f"{service} is limiting requests; try again later or lower the concurrency"
    if status >= 500:
        return f"{service} had a problem on its side; try again later"
    return f"{service} refused the request (HTTP {status})"


def _network_summary(err: Exception, service: str, timeout_s: float) -> str:
    if isinstance(err, requests.Timeout):
        return f"{service} did not answer within {timeout_s:g} s; try again later"
    return f"{service} could not be reached; check the network connection and try again"


def json_body(response: requests.Response, service: str) -> Any:
    """The reply's JSON; a body that is not JSON is a provider bug, not worth retrying."""
    try:
        return response.json()
    except ValueError:
        raise ProviderError(
            f"{service}: reply is not JSON: {_snippet(response.text)!r}", retryable=False
        ) from None


def error_text(response: requests.Response) -> str:
    """The provider's own explanation from an error reply, whatever its error shape."""
    try:
        body = response.json()
    except ValueError:
        return _snippet(response.text) or response.reason or "no error text"
    message = _message_from(body)
    return _snippet(message) if message else _snippet(json.dumps(body))


def download_image(
    url: str,
    *,
    seed: int,
    default_format: str,
    policy: RetryPolicy,
    timeout_s: float,
    sleep: Sleep = time.sleep,
    session: requests.Session | None = None,
    service: str = "download",
) -> GeneratedImage:
    """Fetch one generated image; the extension comes from the URL, else content-type, else the format."""
    response = send(
        "GET", url, policy=policy, timeout_s=timeout_s, sleep=sleep, session=session, service=service
    )
    if not response.content:
        raise ProviderError(f"{service}: {url} returned an empty body", retryable=True)
    extension = image_extension(url, response.headers.get("Content-Type"), default_format)
    return GeneratedImage(
        data=response.content,
        content_type=_CONTENT_TYPES.get(extension, "application/octet-stream"),
        extension=extension,
        seed=seed,
    )


def fetch_each(
    fetch: Callable[[str, int], GeneratedImage], found: list[tuple[str, int]]
) -> list[GeneratedImage | ImageFailure]:
    """Download each rendered image (url, seed); one that cannot be fetched becomes an
    ImageFailure in its place, so the others are kept. None at all: the first error."""
    results: list[GeneratedImage | ImageFailure] = []
    first_error: ProviderError | None = None
    for url, seed in found:
        try:
            results.append(fetch(url, seed))
        except ProviderError as err:
            first_error = first_error or err
            results.append(ImageFailure(seed=seed, message=f"download failed: {err}"))
    if first_error is not None and all(isinstance(r, ImageFailure) for r in results):
        raise first_error
    return results


def image_extension(url: str, content_type: str | None, default_format: str) -> str:
    """``png``/``jpg``/``webp``/``svg`` from the URL's suffix, else the content-type, else the default."""
    path = urlparse(url).path
    if "." in path.rsplit("/", 1)[-1]:
        suffix = path.rsplit(".", 1)[-1].lower()
        if suffix in _EXTENSIONS:
            return _EXTENSIONS[suffix]
    if content_type:
        mime = content_type.split(";", 1)[0].strip().lower()
        if mime in _EXTENSIONS:
            return _EXTENSIONS[mime]
    return _EXTENSIONS.get(default_format.lower(), "png")


def content_type_for(extension: str) -> str:
    return _CONTENT_TYPES.get(extension, "application/octet-stream")


def _message_from(body: Any) -> str:
    """Runware/remove.bg ``errors[0]``, OpenAI ``error.message``, PiAPI ``message``."""
    if not isinstance(body, dict):
        return ""
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        first = errors[0]
        text = first.get("message") or first.get("title") or first.get("detail") or ""
        code = first.get("code")
        return f"{text} ({code})" if text and code else str(text or code or "")
    error = body.get("error")
    if isinstance(error, dict):
        return str(error.get("message") or error.get("code") or "")
    if isinstance(error, str) and error:
        return error
    for key in ("message", "detail"):
        if isinstance(body.get(key), str) and body[key]:
            return str(body[key])
    return ""


def _retry_after_s(response: requests.Response) -> float | None:
    """Retry-After as seconds (either form HTTP allows); None when absent or unreadable."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


def _network_error_text(err: Exception, timeout_s: float) -> str:
    if isinstance(err, requests.Timeout):
        return f"no response within {timeout_s:g} s"
    return f"network error: {type(err).__name__}: {_snippet(str(err))}"


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_ERROR_TEXT else text[: _MAX_ERROR_TEXT - 1] + "…"
