"""OpenAI: prompt writing, vision quality check and stock metadata (chat), and image generation.

Models answer in prose as often as in the JSON we ask for, so every reply goes through a lenient
parser: code fences stripped, JSON tried first, then the fallbacks each task allows. What still
makes no sense is a ProviderError that says what came back, never a silently wrong value.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import time
from collections.abc import Mapping
from typing import Any

import requests

from chalicelib.errors import ProviderError
from chalicelib.prompts import strip_midjourney_flags
from chalicelib.providers.base import GeneratedImage, ImageRequest
from chalicelib.providers.http import (
    RetryPolicy,
    Sleep,
    content_type_for,
    json_body,
    send,
    timeout_for,
)

DEFAULT_BASE_URL = "https://api.openai.com/v1"
DEFAULT_CHAT_MODEL = "gpt-4o"
DEFAULT_IMAGE_MODEL = "gpt-image-1"
SERVICE = "OpenAI"
# The images endpoint makes at most 10 images per request.
_MAX_IMAGES_PER_REQUEST = 10
# Sizes gpt-image-1 can render, by shape: square, landscape, portrait.
_SQUARE, _LANDSCAPE, _PORTRAIT = "1024x1024", "1536x1024", "1024x1536"
_OUTPUT_FORMATS = {"png": "png", "jpg": "jpeg", "jpeg": "jpeg", "webp": "webp"}

PROMPT_SYSTEM = (
    "You write prompts for an AI image generator that produces commercial stock photographs. "
    "Given a keyword, write one vivid, specific prompt (40 to 80 words) describing subject, setting, "
    "composition, lighting and mood. No text, logos, brand names, watermarks, real people or "
    'trademarked characters. Reply with JSON only: {"prompt": "..."}'
)

QC_SYSTEM = (
    "You are a strict quality reviewer for a stock photo agency. Inspect the image and reject it if it "
    "shows any of: misspelled, garbled or unreadable text; a celebrity or recognisable real person; a "
    "logo or brand mark; a copyrighted or trademarked character; a protected landmark or building; an "
    "identifiable commercial product; a watermark or signature. Also reject obvious rendering defects "
    "such as malformed hands or faces. "
    'Reply with JSON only: {"passed": true or false, "reason": "one short sentence"}'
)

METADATA_SYSTEM = (
    "You write metadata for a stock photo marketplace (Adobe Stock). From the image and the prompt "
    "that generated it, write: a title of about 8 to 12 words; a description of 150 to 250 "
    "characters; exactly 15 single-word or short-phrase keywords, most important first, in English, "
    "without brand names or people's names. "
    'Reply with JSON only: {"new_title": "...", "new_description": "...", '
    '"uploadTags": "tag1, tag2, ..., tag15"}'
)

_FENCE_RE = re.compile(r"```[\w-]*[ \t]*\n?(.*?)```", re.DOTALL)
# A reply that is one quoted string, optionally after a label such as `Prompt:`.
_QUOTED_RE = re.compile(r'^(?:[^"“\n]{0,40}:\s*)?["“](.+?)["”]\s*\.?$', re.DOTALL)
_PASSED_FIELD_RE = re.compile(r'"?passed"?\s*[:=]\s*"?(true|false|yes|no)\b', re.IGNORECASE)
_FAIL_WORDS_RE = re.compile(r"\b(fail|failed|fails|reject|rejected|not pass)\b", re.IGNORECASE)
_PASS_WORDS_RE = re.compile(r"\b(pass|passed|passes|approve|approved|acceptable)\b", re.IGNORECASE)
_TXT_PLACEHOLDER_RE = re.compile(r"\$\{\{\s*Subject\s*\}\}|\$\{keyword\}|\{keyword\}")
_COLUMN_RE = re.compile(r"\$\{\{\s*([^{}]+?)\s*\}\}")


class OpenAIClient:
    """The chat-completions calls the pipeline makes: prompts, QC and metadata."""

    def __init__(
        self,
        api_key: str,
        model: str = DEFAULT_CHAT_MODEL,
        timeout_s: float = 30.0,
        base_url: str = DEFAULT_BASE_URL,
        attempts: int = 3,
        *,
        backoff_ms: int = 1000,
        session: requests.Session | None = None,
        sleep: Sleep = time.sleep,
    ) -> None:
        self._api_key = api_key
        self.model = model or DEFAULT_CHAT_MODEL
        self.timeout_s = timeout_s
        self._base_url = base_url.rstrip("/")
        self._policy = RetryPolicy(attempts=attempts, backoff_ms=backoff_ms)
        self._session = session or requests.Session()
        self._sleep = sleep

    @classmethod
    def from_parameters(cls, api_key: str, parameters: Mapping[str, Any], **kwargs: Any) -> OpenAIClient:
        """Model and timeout from the job's ``parameters`` (``openai_model``, polling timeout)."""
        kwargs.setdefault("timeout_s", timeout_for(parameters))
        return cls(api_key, str(parameters.get("openai_model") or DEFAULT_CHAT_MODEL), **kwargs)

    def write_prompt(self, template: str | None, keyword: str | Mapping[str, Any]) -> str:
        """An image prompt for one keyword (or CSV row); a blank template uses the built-in one."""
        if template and template.strip():
            system = _fill_template(template, keyword)
        else:
            system = PROMPT_SYSTEM
        reply = self._chat([_message("system", system), _message("user", _describe_keyword(keyword))])
        return parse_prompt_reply(reply)

    def quality_check(self, image_bytes: bytes, qc_prompt: str | None = None) -> tuple[bool, str]:
        """(passed, reason) from a vision review of the image."""
        content = [{"type": "text", "text": "Review this image."}, _image_part(image_bytes)]
        system = qc_prompt if qc_prompt and qc_prompt.strip() else QC_SYSTEM
        reply = self._chat([_message("system", system), {"role": "user", "content": content}])
        return parse_qc_reply(reply)

    def metadata(
        self, image_bytes: bytes | None, prompt: str, metadata_prompt: str | None = None
    ) -> dict[str, Any]:
        """``{"title", "description", "tags": [...]}`` for one image (vision when bytes are given)."""
        content: list[dict[str, Any]] = [
            {"type": "text", "text": f"Prompt used to generate the image: {prompt}"}
        ]
        if image_bytes:
            content.append(_image_part(image_bytes))
        system = metadata_prompt if metadata_prompt and metadata_prompt.strip() else METADATA_SYSTEM
        reply = self._chat([_message("system", system), {"role": "user", "content": content}])
        return parse_metadata_reply(reply)

    def _chat(self, messages: list[dict[str, Any]]) -> str:
        response = send(
            "POST",
            f"{self._base_url}/chat/completions",
            policy=self._policy,
            timeout_s=self.timeout_s,
            sleep=self._sleep,
            session=self._session,
            service=SERVICE,
            json={"model": self.model, "messages": messages, "temperature": _temperature(self.model)},
            headers={"Authorization": f"Bearer {self._api_key}"},
        )
        body = json_body(response, SERVICE)
        try:
            content = body["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise ProviderError(
                f"{SERVICE}: malformed reply, no choices[0].message.content: {_short(body)}", retryable=False
            ) from None
        if not isinstance(content, str) or not content.strip():
            raise ProviderError(f"{SERVICE}: the model returned an empty reply", retryable=False)
        return content


class OpenAIImageProvider:
    """An ImageProvider backed by the images/generations endpoint (returns base64, no download step)."""

    name = "openai"

    def __init__(
        self,
        api_key: str,
        parameters: Mapping[str, Any],
        base_url: str = DEFAULT_BASE_URL,
        session: requests.Session | None = None,
        *,
        image_model: str = DEFAULT_IMAGE_MODEL,
        timeout_s: float | None = None,
        sleep: Sleep = time.sleep,
    ) -> None:
        self._api_key = api_key
        self._base_url = base_url.rstrip("/")
        self._session = session or requests.Session()
        self._image_model = image_model
        self._policy = RetryPolicy.from_parameters(parameters)
        self._timeout_s = timeout_for(parameters) if timeout_s is None else timeout_s
        self._sleep = sleep

    def generate(self, request: ImageRequest) -> list[GeneratedImage]:
        """Exactly ``request.variations`` images; OpenAI has no seed, so seeds are nominal."""
        output_format = _OUTPUT_FORMATS.get(request.format.lower())
        if output_format is None:
            raise ProviderError(f"{SERVICE}: cannot produce {request.format!r} images", retryable=False)
        extension = "jpg" if output_format == "jpeg" else output_format
        images: list[GeneratedImage] = []
        while len(images) < request.variations:
            count = min(_MAX_IMAGES_PER_REQUEST, request.variations - len(images))
            for data in self._generate_batch(request, count, output_format):
                images.append(
                    GeneratedImage(
                        data=data,
                        content_type=content_type_for(extension),
                        extension=extension,
                        seed=request.seed + len(images),
                    )
                )
        return images

    def _generate_batch(self, request: ImageRequest, count: int, output_format: str) -> list[bytes]:
        response = send(
            "POST",
            f"{self._base_url}/images/generations",
            policy=self._policy,
            timeout_s=self._timeout_s,
            sleep=self._sleep,
            session=self._session,
            service=SERVICE,
            json={
                "model": self._image_model,
                "prompt": strip_midjourney_flags(request.prompt),
                "n": count,
                "size": image_size(request.width, request.height),
                "output_format": output_format,
            },
            headers={"Authorization": f"Bearer {self._api_key}"},
        )
        body = json_body(response, SERVICE)
        items = body.get("data") if isinstance(body, dict) else None
        if not isinstance(items, list):
            raise ProviderError(
                f"{SERVICE}: malformed reply, no 'data' list: {_short(body)}", retryable=False
            )
        images = []
        for item in items:
            encoded = item.get("b64_json") if isinstance(item, dict) else None
            if not isinstance(encoded, str):
                raise ProviderError(f"{SERVICE}: malformed reply, an image has no b64_json", retryable=False)
            try:
                images.append(base64.b64decode(encoded, validate=True))
            except (binascii.Error, ValueError):
                raise ProviderError(
                    f"{SERVICE}: malformed reply, b64_json is not base64", retryable=False
                ) from None
        if len(images) < count:
            raise ProviderError(f"{SERVICE}: returned {len(images)} of {count} images", retryable=True)
        return images[:count]


def image_size(width: int, height: int) -> str:
    """The supported size closest in shape to the request (the pipeline resizes later if needed)."""
    ratio = width / height
    if ratio >= 1.25:
        return _LANDSCAPE
    if ratio <= 0.8:
        return _PORTRAIT
    return _SQUARE


def parse_prompt_reply(reply: str) -> str:
    """JSON ``{"prompt"}`` (or a JSON string), else one quoted string, else the raw text."""
    text = _strip_fences(reply)
    parsed = _parse_json(text)
    if isinstance(parsed, dict):
        prompt = parsed.get("prompt")
        if isinstance(prompt, str) and prompt.strip():
            return prompt.strip()
        raise ProviderError(f"{SERVICE}: prompt reply JSON has no 'prompt': {_short(text)}", retryable=False)
    if isinstance(parsed, str) and parsed.strip():
        return parsed.strip()
    embedded = _parse_json(text, embedded=True)
    if isinstance(embedded, dict) and isinstance(embedded.get("prompt"), str) and embedded["prompt"].strip():
        return str(embedded["prompt"]).strip()
    quoted = _QUOTED_RE.match(text)
    if quoted and quoted.group(1).strip():
        return quoted.group(1).strip()
    if not text:
        raise ProviderError(f"{SERVICE}: the prompt reply is empty", retryable=False)
    return text


def parse_qc_reply(reply: str) -> tuple[bool, str]:
    """JSON ``{passed, reason}``; otherwise the verdict from pass/fail words (fail wins a tie)."""
    text = _strip_fences(reply)
    parsed = _parse_json(text, embedded=True)
    if isinstance(parsed, dict) and "passed" in parsed:
        passed = _as_bool(parsed["passed"])
        reason = str(parsed.get("reason") or "").strip()
        if passed is not None:
            return passed, reason or ("passed quality check" if passed else "failed quality check")
    field = _PASSED_FIELD_RE.search(text)
    if field:
        return field.group(1).lower() in ("true", "yes"), _short(text, 500)
    if _FAIL_WORDS_RE.search(text):
        return False, _short(text, 500)
    if _PASS_WORDS_RE.search(text):
        return True, _short(text, 500)
    raise ProviderError(f"{SERVICE}: QC reply has no pass/fail verdict: {_short(text)}", retryable=False)


def parse_metadata_reply(reply: str) -> dict[str, Any]:
    """``new_title``, ``new_description`` and ``uploadTags`` (or ``tags``), as a string or a list."""
    text = _strip_fences(reply)
    parsed = _parse_json(text, embedded=True)
    if not isinstance(parsed, dict):
        raise ProviderError(
            f"{SERVICE}: metadata reply is not a JSON object: {_short(text)}", retryable=False
        )
    title = parsed.get("new_title")
    description = parsed.get("new_description")
    raw_tags = parsed.get("uploadTags", parsed.get("tags"))
    missing = [
        name
        for name, value in (("new_title", title), ("new_description", description), ("uploadTags", raw_tags))
        if not value
    ]
    if missing:
        raise ProviderError(
            f"{SERVICE}: metadata reply lacks {', '.join(missing)}: {_short(text)}", retryable=False
        )
    return {
        "title": str(title).strip(),
        "description": str(description).strip(),
        "tags": split_tags(raw_tags),
    }


def split_tags(raw: Any) -> list[str]:
    """Tags from a comma-joined string or a list; trimmed, blanks and repeats dropped, order kept."""
    items = raw.split(",") if isinstance(raw, str) else list(raw) if isinstance(raw, list) else [raw]
    tags: list[str] = []
    for item in items:
        tag = str(item).strip()
        if tag and tag.lower() not in (t.lower() for t in tags):
            tags.append(tag)
    return tags


def _strip_fences(reply: str) -> str:
    match = _FENCE_RE.search(reply)
    return (match.group(1) if match else reply).strip()


def _parse_json(text: str, *, embedded: bool = False) -> Any:
    """The JSON value ``text`` holds, or None; ``embedded`` also finds one object inside prose."""
    try:
        return json.loads(text)
    except ValueError:
        pass
    if embedded:
        start, end = text.find("{"), text.rfind("}")
        if 0 <= start < end:
            try:
                return json.loads(text[start : end + 1])
            except ValueError:
                return None
    return None


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "pass", "passed"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("false", "no", "fail", "failed"):
        return False
    return None


def _fill_template(template: str, keyword: str | Mapping[str, Any]) -> str:
    """``{keyword}``/``${keyword}``/``${{Subject}}`` for a TXT keyword; ``${{Column}}`` for a CSV row."""
    if isinstance(keyword, Mapping):
        return _COLUMN_RE.sub(lambda m: str(keyword.get(m.group(1), "") or ""), template)
    return _TXT_PLACEHOLDER_RE.sub(lambda _m: str(keyword), template)


def _describe_keyword(keyword: str | Mapping[str, Any]) -> str:
    if isinstance(keyword, Mapping):
        return "Keyword data:\n" + "\n".join(f"{k}: {v}" for k, v in keyword.items())
    return f"Keyword: {keyword}"


def _message(role: str, text: str) -> dict[str, Any]:
    return {"role": role, "content": text}


def _image_part(data: bytes) -> dict[str, Any]:
    encoded = base64.b64encode(data).decode("ascii")
    return {"type": "image_url", "image_url": {"url": f"data:{_sniff_mime(data)};base64,{encoded}"}}


def _sniff_mime(data: bytes) -> str:
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    return "image/png"


def _temperature(model: str) -> float:
    """0.7 like the desktop product; reasoning models (gpt-5, o-series) accept only 1."""
    return 1.0 if model.lower().startswith(("gpt-5", "o1", "o3", "o4")) else 0.7


def _short(value: Any, limit: int = 200) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
