"""Midjourney through PiAPI: submit an ``imagine`` task, poll it, download its four images.

Each call is one short request. Waiting between polls is the state machine's job (Wait states),
so a Lambda never sleeps through a task that can take minutes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Literal

import requests

from chalicelib.errors import ProviderError
from chalicelib.providers.base import GeneratedImage
from chalicelib.providers.http import (
    DEFAULT_TIMEOUT_S,
    RetryPolicy,
    Sleep,
    download_image,
    is_retryable_status,
    json_body,
    send,
)

DEFAULT_BASE_URL = "https://api.piapi.ai"
SERVICE = "PiAPI"
PROCESS_MODES = ("relax", "fast", "turbo")

PollStatus = Literal["pending", "completed", "failed"]

# PiAPI's task statuses, by what they mean to us; its docs use both cases.
_STATUSES: dict[str, PollStatus] = {
    "pending": "pending",
    "staged": "pending",
    "starting": "pending",
    "processing": "pending",
    "completed": "completed",
    "success": "completed",
    "failed": "failed",
}


@dataclass(frozen=True)
class PollResult:
    """One look at a task; ``image_urls`` only when completed, ``error`` only when failed."""

    status: PollStatus
    image_urls: list[str] = field(default_factory=list)
    error: str | None = None


class PiapiClient:
    """PiAPI's unified task API for the ``midjourney`` model."""

    name = "midjourney"

    def __init__(
        self,
        api_key: str,
        base_url: str = DEFAULT_BASE_URL,
        attempts: int = 1,
        backoff_ms: int = 0,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        session: requests.Session | None = None,
        sleep: Sleep = time.sleep,
    ) -> None:
        self._api_key = api_key
        self._base_url = base_url.rstrip("/")
        self._policy = RetryPolicy(attempts=attempts, backoff_ms=backoff_ms)
        self._timeout_s = timeout_s
        self._session = session or requests.Session()
        self._sleep = sleep

    def submit(
        self, prompt: str, aspect_ratio: str = "1:1", process_mode: str = "fast", version: str | None = None
    ) -> str:
        """Start an imagine task and return its id; ``version`` ("6.1", "6.0", "niji") adds the flag."""
        if process_mode not in PROCESS_MODES:
            raise ProviderError(f"{SERVICE}: unknown process mode {process_mode!r}", retryable=False)
        body = self._call(
            "POST",
            "/api/v1/task",
            json={
                "model": "midjourney",
                "task_type": "imagine",
                "input": {
                    "prompt": _with_version(prompt, version),
                    "aspect_ratio": aspect_ratio,
                    "process_mode": process_mode,
                },
            },
        )
        task_id = body.get("task_id")
        if not isinstance(task_id, str) or not task_id:
            raise ProviderError(f"{SERVICE}: malformed reply, no task_id", retryable=False)
        return task_id

    def poll(self, task_id: str) -> PollResult:
        """The task's state now; one request, no waiting."""
        data = self._call("GET", f"/api/v1/task/{task_id}")
        raw_status = str(data.get("status") or "").lower()
        status = _STATUSES.get(raw_status)
        if status is None:
            raise ProviderError(
                f"{SERVICE}: task {task_id} has unknown status {raw_status!r}", retryable=False
            )
        if status == "failed":
            return PollResult("failed", error=_task_error(data) or "the Midjourney task failed")
        if status == "pending":
            return PollResult("pending")
        urls = _image_urls(data.get("output"))
        if not urls:
            raise ProviderError(f"{SERVICE}: task {task_id} completed without image URLs", retryable=False)
        return PollResult("completed", image_urls=urls)

    def download(self, url: str, seed: int = 0) -> GeneratedImage:
        """One of a completed task's images, with the same retry rules as the API calls."""
        return download_image(
            url,
            seed=seed,
            default_format="png",
            policy=self._policy,
            timeout_s=self._timeout_s,
            sleep=self._sleep,
            session=self._session,
            service=f"{SERVICE} download",
        )

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        """The reply's ``data`` object; PiAPI may report errors in ``code`` even with HTTP 200."""
        response = send(
            method,
            f"{self._base_url}{path}",
            policy=self._policy,
            timeout_s=self._timeout_s,
            sleep=self._sleep,
            session=self._session,
            service=SERVICE,
            headers={"x-api-key": self._api_key},
            **kwargs,
        )
        body = json_body(response, SERVICE)
        if not isinstance(body, dict):
            raise ProviderError(f"{SERVICE}: malformed reply, not a JSON object", retryable=False)
        code = body.get("code", 200)
        if isinstance(code, int) and code != 200:
            message = body.get("message") or _task_error(body.get("data")) or "no error text"
            raise ProviderError(f"{SERVICE}: code {code}: {message}", retryable=is_retryable_status(code))
        data = body.get("data")
        if not isinstance(data, dict):
            raise ProviderError(f"{SERVICE}: malformed reply, no 'data' object", retryable=False)
        return data


def _image_urls(output: Any) -> list[str]:
    """``output.image_urls`` (the four grid images), or the single ``image_url`` older tasks give."""
    if not isinstance(output, dict):
        return []
    urls = output.get("image_urls")
    if isinstance(urls, list):
        return [u for u in urls if isinstance(u, str) and u]
    single = output.get("image_url")
    return [single] if isinstance(single, str) and single else []


def _task_error(data: Any) -> str:
    if not isinstance(data, dict):
        return ""
    error = data.get("error")
    if isinstance(error, dict):
        return str(error.get("message") or error.get("raw_message") or "")
    return str(error or "")


def _with_version(prompt: str, version: str | None) -> str:
    if not version or "--v " in prompt or "--niji" in prompt:
        return prompt
    return f"{prompt} --niji 6" if version == "niji" else f"{prompt} --v {version}"
