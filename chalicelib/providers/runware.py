"""Runware image inference over its REST API: one task per generation, images fetched by URL.

Runware sometimes answers with fewer images than ``numberResults``; rather than fail the whole
generation, we ask again for the missing ones a few times (the desktop product's top-up rule).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from typing import Any

import requests

from chalicelib.errors import ProviderError
from chalicelib.prompts import strip_midjourney_flags
from chalicelib.providers.base import GeneratedImage, ImageFailure, ImageRequest
from chalicelib.providers.http import (
    RetryPolicy,
    Sleep,
    download_image,
    fetch_each,
    json_body,
    send,
    timeout_for,
)

DEFAULT_BASE_URL = "https://api.runware.ai/v1"
DEFAULT_MODEL = "runware:101@1"
# Extra requests allowed when a reply carries fewer images than asked for.
MAX_TOP_UPS = 5
SERVICE = "Runware"

_OUTPUT_FORMATS = {"png": "PNG", "jpg": "JPG", "jpeg": "JPG", "webp": "WEBP"}
# Our `advanced` keys and Runware's names for them.
_ADVANCED_FIELDS = {
    "cfg_scale": "CFGScale",
    "steps": "steps",
    "scheduler": "scheduler",
    "check_nsfw": "checkNSFW",
}


class RunwareProvider:
    """An ImageProvider backed by Runware's ``imageInference`` task."""

    name = "runware"

    def __init__(
        self,
        api_key: str,
        parameters: Mapping[str, Any],
        base_url: str = DEFAULT_BASE_URL,
        session: requests.Session | None = None,
        *,
        timeout_s: float | None = None,
        sleep: Sleep = time.sleep,
    ) -> None:
        self._api_key = api_key
        self._parameters = parameters
        self._base_url = base_url
        self._session = session or requests.Session()
        self._policy = RetryPolicy.from_parameters(parameters)
        self._timeout_s = timeout_for(parameters) if timeout_s is None else timeout_s
        self._sleep = sleep

    def generate(self, request: ImageRequest) -> list[GeneratedImage | ImageFailure]:
        """Exactly ``request.variations`` results (an image whose download failed is an
        ImageFailure in its place), or ProviderError."""
        output_format = _output_format(request.format)
        found: list[tuple[str, int]] = []  # (url, seed)
        for _ in range(1 + MAX_TOP_UPS):
            missing = request.variations - len(found)
            if missing <= 0:
                break
            task = self.build_task(request, number_results=missing, first_seed=request.seed + len(found))
            found.extend(self._infer(task)[:missing])
        if len(found) < request.variations:
            raise ProviderError(
                f"{SERVICE}: returned {len(found)} of {request.variations} images "
                f"after {1 + MAX_TOP_UPS} requests",
                retryable=True,
            )
        return fetch_each(
            lambda url, seed: download_image(
                url,
                seed=seed,
                default_format=output_format.lower(),
                policy=self._policy,
                timeout_s=self._timeout_s,
                sleep=self._sleep,
                session=self._session,
                service=f"{SERVICE} download",
            ),
            found,
        )

    def build_task(self, request: ImageRequest, *, number_results: int, first_seed: int) -> dict[str, Any]:
        """The ``imageInference`` task; optional fields are left out rather than sent empty."""
        params = self._parameters
        task: dict[str, Any] = {
            "taskType": "imageInference",
            "taskUUID": str(uuid.uuid4()),
            "positivePrompt": strip_midjourney_flags(request.prompt),
            "model": params.get("model") or DEFAULT_MODEL,
            "width": request.width,
            "height": request.height,
            "numberResults": number_results,
            "outputType": "URL",
            "outputFormat": _output_format(request.format),
            # Runware adds 1 to the seed for each further result, so variation i gets seed + i.
            "seed": first_seed,
        }
        if request.negative_prompt.strip():
            task["negativePrompt"] = request.negative_prompt.strip()
        if params.get("advanced_enabled"):
            advanced = params.get("advanced") or {}
            for ours, theirs in _ADVANCED_FIELDS.items():
                value = advanced.get(ours)
                if value is not None and value != "":
                    task[theirs] = value
        if params.get("lora_enabled"):
            loras = [parse_lora(line) for line in params.get("lora") or [] if line.strip()]
            if loras:
                task["lora"] = loras
        return task

    def _infer(self, task: dict[str, Any]) -> list[tuple[str, int]]:
        """POST one task; the (url, seed) pairs of the images it produced."""
        response = send(
            "POST",
            self._base_url,
            policy=self._policy,
            timeout_s=self._timeout_s,
            sleep=self._sleep,
            session=self._session,
            service=SERVICE,
            json=[task],
            headers={"Authorization": f"Bearer {self._api_key}"},
        )
        body = json_body(response, SERVICE)
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            errors = body.get("errors") if isinstance(body, dict) else None
            detail = f"errors {errors}" if errors else "no 'data' list"
            raise ProviderError(f"{SERVICE}: malformed reply: {detail}", retryable=False)
        results: list[tuple[str, int]] = []
        for item in body["data"]:
            if not isinstance(item, dict) or item.get("taskUUID", task["taskUUID"]) != task["taskUUID"]:
                continue
            url = item.get("imageURL")
            if not isinstance(url, str) or not url:
                continue
            seed = item.get("seed")
            results.append((url, seed if isinstance(seed, int) else task["seed"] + len(results)))
        return results


def parse_lora(line: str) -> dict[str, Any]:
    """``model[:weight]``: the number after the last colon is the weight if it is 0–10, else 1.

    Model ids contain colons themselves (``civitai:58390@62833``), so a suffix that is not a
    weight in range stays part of the model id.
    """
    line = line.strip()
    model, _, suffix = line.rpartition(":")
    if model:
        try:
            weight = float(suffix)
        except ValueError:
            pass
        else:
            if 0 <= weight <= 10:
                return {"model": model, "weight": weight}
    return {"model": line, "weight": 1}


def _output_format(image_format: str) -> str:
    try:
        return _OUTPUT_FORMATS[image_format.lower()]
    except KeyError:
        raise ProviderError(
            f"{SERVICE}: image inference cannot produce {image_format!r} images", retryable=False
        ) from None
