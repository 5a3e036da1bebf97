"""Validation and normalisation of a job `config` (API body, CLI job file, state machine input).

One declarative schema serves every entry point, so a config is checked the same way wherever it
comes from. Unknown keys and out-of-range values are rejected (a 400 naming the field) rather than
dropped or clamped, so a client never runs a job that differs silently from what it asked for.
The only rounding is the desktop product's: dimension sides to a multiple of 8, sharpening to 0.5.
"""

from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NoReturn

from chalicelib.errors import ValidationError

MAX_IMAGES = 10_000
DEFAULT_DIMENSION = "1024x1024"
DIMENSION_MIN, DIMENSION_MAX, DIMENSION_STEP = 128, 2048, 8
PHASES = (
    "prompts",
    "generate",
    "remove_bg",
    "process",
    "quality_check",
    "approval",
    "metadata",
    "finalize",
)
API_KEYS_MESSAGE = "API keys are not part of a job configuration; store them with PUT /api/settings"
_DIMENSION_RE = re.compile(r"^\s*(\d{1,5})\s*[xX×]\s*(\d{1,5})\s*$")


def _fail(path: str, reason: str) -> NoReturn:
    """Raise the one error type the API maps to a 400, naming the offending field."""
    raise ValidationError(f"{path} {reason}", field=path)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _is_number(value: Any) -> bool:
    """bool is an int subclass in Python but never a number in a config."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@dataclass(frozen=True, kw_only=True)
class Spec:
    """One field: its default, whether null is allowed, and how to check a present value."""

    default: Any = None
    nullable: bool = False

    def validate(self, value: Any, path: str) -> Any:
        if value is None:
            if self.nullable:
                return None
            _fail(path, self.expect)
        return self.check(value, path)

    def make_default(self) -> Any:
        return copy.deepcopy(self.default)

    @property
    def expect(self) -> str:
        """The user-facing rule, e.g. "must be an integer from 1 to 2500"."""
        return f"must be {self.kind}" + (" or null" if self.nullable else "")

    @property
    def kind(self) -> str:
        raise NotImplementedError

    def check(self, value: Any, path: str) -> Any:
        raise NotImplementedError


@dataclass(frozen=True, kw_only=True)
class Bool(Spec):
    kind = "true or false"

    def check(self, value: Any, path: str) -> bool:
        if not isinstance(value, bool):
            _fail(path, self.expect)
        return value


@dataclass(frozen=True, kw_only=True)
class Int(Spec):
    lo: int | None = None
    hi: int | None = None

    @property
    def kind(self) -> str:
        return "an integer" + (f" from {self.lo} to {self.hi}" if self.lo is not None else "")

    def check(self, value: Any, path: str) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            _fail(path, self.expect)
        if self.lo is not None and self.hi is not None and not self.lo <= value <= self.hi:
            _fail(path, self.expect)
        return value


@dataclass(frozen=True, kw_only=True)
class Num(Spec):
    """A finite number, optionally rounded half-up to `step` after the range check."""

    lo: float | None = None
    hi: float | None = None
    step: float | None = None

    @property
    def kind(self) -> str:
        bounds = f" from {self.lo:g} to {self.hi:g}" if self.lo is not None else ""
        return f"a number{bounds}" + (f" (rounded to the nearest {self.step:g})" if self.step else "")

    def check(self, value: Any, path: str) -> float:
        if not _is_number(value) or not math.isfinite(value):
            _fail(path, self.expect)
        if self.lo is not None and self.hi is not None and not self.lo <= value <= self.hi:
            _fail(path, self.expect)
        if self.step:
            value = math.floor(value / self.step + 0.5) * self.step
        return float(value)


@dataclass(frozen=True, kw_only=True)
class Enum(Spec):
    choices: tuple[str, ...]

    @property
    def kind(self) -> str:
        return "one of " + ", ".join(f'"{c}"' for c in self.choices)

    def check(self, value: Any, path: str) -> str:
        if not isinstance(value, str) or value not in self.choices:
            _fail(path, self.expect)
        return value


@dataclass(frozen=True, kw_only=True)
class Text(Spec):
    max_len: int | None = None
    min_len: int = 0
    strip: bool = False
    suffixes: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        limit = f" of at most {self.max_len} characters" if self.max_len else ""
        ends = f" ending in {' or '.join(self.suffixes)}" if self.suffixes else ""
        return ("a non-empty string" if self.min_len else "a string") + limit + ends

    def check(self, value: Any, path: str) -> str:
        if not isinstance(value, str):
            _fail(path, self.expect)
        text = value.strip() if self.strip else value
        too_long = self.max_len is not None and len(text) > self.max_len
        bad_suffix = self.suffixes and not text.lower().endswith(self.suffixes)
        if len(text) < self.min_len or too_long or bad_suffix:
            _fail(path, self.expect)
        return text


@dataclass(frozen=True, kw_only=True)
class Dimension(Spec):
    """A "WxH" size: each side 128–2048, rounded half-up to a multiple of 8 (desktop v1.3.3+)."""

    kind = f'"WxH" with each side from {DIMENSION_MIN} to {DIMENSION_MAX} (e.g. "{DEFAULT_DIMENSION}")'

    def parse(self, value: Any, path: str) -> tuple[int, int]:
        match = _DIMENSION_RE.match(value) if isinstance(value, str) else None
        if not match:
            _fail(path, self.expect)
        sides = tuple(int(side) for side in match.groups())
        if not all(DIMENSION_MIN <= side <= DIMENSION_MAX for side in sides):
            _fail(path, self.expect)
        half = DIMENSION_STEP // 2
        width, height = ((side + half) // DIMENSION_STEP * DIMENSION_STEP for side in sides)
        return width, height

    def check(self, value: Any, path: str) -> str:
        width, height = self.parse(value, path)
        return f"{width}x{height}"


@dataclass(frozen=True, kw_only=True)
class Items(Spec):
    """A list checked item by item; an empty list means the default unless min_items > 0."""

    item: Spec
    max_items: int = 1000
    min_items: int = 0
    unique: bool = False

    @property
    def kind(self) -> str:
        return f"a list of at most {self.max_items} items"

    def check(self, value: Any, path: str) -> list[Any]:
        if not isinstance(value, list) or len(value) > self.max_items:
            _fail(path, self.expect)
        if not value:
            if self.min_items:
                _fail(
                    path,
                    f"must list at least {self.min_items} item(s)"
                    + (" (or be null for the default)" if self.nullable else ""),
                )
            return self.make_default()
        out = [self.item.validate(v, f"{path}[{i}]") for i, v in enumerate(value)]
        for i, v in enumerate(out):
            if self.unique and v in out[:i]:
                _fail(f"{path}[{i}]", f'repeats "{v}"; each item may appear only once')
        return out


@dataclass(frozen=True, kw_only=True)
class Obj(Spec):
    """An object with a fixed key set; a nullable object defaults to null, others to complete."""

    fields: dict[str, Spec] = field(default_factory=dict)
    required: tuple[str, ...] = ()

    kind = "an object"

    def make_default(self) -> Any:
        if self.nullable:
            return None
        return {key: spec.make_default() for key, spec in self.fields.items()}

    def check(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            _fail(path, self.expect)
        for key in value:
            if key not in self.fields:
                _fail(_join(path, str(key)), "is an unknown key; allowed keys: " + ", ".join(self.fields))
        out: dict[str, Any] = {}
        for key, spec in self.fields.items():
            sub = _join(path, key)
            if key in value:
                out[key] = spec.validate(value[key], sub)
            elif key in self.required:
                _fail(sub, "is required")
            else:
                out[key] = spec.make_default()
        return out


_PROMPT = Text(max_len=20_000, nullable=True)

SCHEMA = Obj(
    fields={
        "label": Text(max_len=200, strip=True, nullable=True),  # blank/null -> job_YYYYMMDD_HHMMSS
        "provider": Enum(choices=("local", "runware", "openai", "midjourney"), default="local"),
        "keywords": Items(item=Text(min_len=1, max_len=1000, strip=True), max_items=100_000, default=[]),
        "keywords_file": Obj(
            nullable=True,
            required=("name", "content"),
            fields={
                "name": Text(min_len=1, max_len=255, suffixes=(".txt", ".csv")),
                "content": Text(),
            },
        ),
        "keyword_random": Bool(default=False),
        "prompt_template": _PROMPT,
        "qc_prompt": _PROMPT,
        "metadata_prompt": _PROMPT,
        "generations": Int(lo=1, hi=2500, default=1),
        "variations": Int(lo=1, hi=20, default=1),
        "parameters": Obj(
            fields={
                "model": Text(min_len=1, max_len=200, strip=True, default="runware:101@1"),
                "dimensions": Items(item=Dimension(), max_items=100, default=[DEFAULT_DIMENSION]),
                "format": Enum(choices=("png", "jpg", "webp", "svg"), default="png"),
                "negative_prompt": Text(max_len=20_000, default=""),
                "openai_model": Text(min_len=1, max_len=200, strip=True, default="gpt-4o"),
                "polling_timeout_min": Int(lo=1, hi=60, default=15),
                "enable_polling_timeout": Bool(default=True),
                "polling_interval_s": Int(lo=1, hi=60, default=1),
                "retry_attempts": Int(lo=1, hi=5, default=1),
                "retry_backoff_ms": Int(lo=0, hi=60_000, default=0),
                "lora_enabled": Bool(default=False),
                "lora": Items(item=Text(min_len=1, max_len=500, strip=True), max_items=100, default=[]),
                "max_concurrency": Int(lo=1, hi=16, default=2),
                "advanced_enabled": Bool(default=False),
                "advanced": Obj(
                    fields={  # no range checks, as on the desktop; null = not sent
                        "cfg_scale": Num(nullable=True),
                        "steps": Int(nullable=True),
                        "scheduler": Text(max_len=200, nullable=True),
                        "check_nsfw": Bool(nullable=True),
                    }
                ),
                "process_mode": Enum(choices=("relax", "fast", "turbo"), default="fast"),
                "aspect_ratios": Items(
                    item=Enum(choices=("1:1", "16:9", "9:16")), max_items=3, unique=True, default=["1:1"]
                ),
                "mj_version": Enum(choices=("6.1", "6.0", "niji"), default="6.1"),
            }
        ),
        "processing": Obj(
            fields={
                "remove_bg": Bool(default=False),
                "remove_bg_size": Enum(choices=("auto", "preview", "full", "4k"), default="auto"),
                "remove_bg_failure_mode": Enum(choices=("mark_failed", "approve"), default="approve"),
                "trim_transparent": Bool(default=False),
                "convert": Bool(default=False),
                "convert_format": Enum(choices=("png", "jpg", "webp"), default="png"),
                "jpg_quality": Int(lo=1, hi=100, default=85),
                "webp_quality": Int(lo=1, hi=100, default=85),
                "jpg_background": Enum(choices=("white", "black"), default="white"),
                "enhance": Bool(default=False),
                "sharpening": Num(lo=0, hi=10, step=0.5, default=5.0),
                "saturation": Num(lo=0, hi=2, default=1.4),
            }
        ),
        "ai": Obj(
            fields={
                "quality_check": Bool(default=True),
                "metadata": Bool(default=True),
            }
        ),
        "debug": Bool(default=False),
        "approval": Bool(default=False),
        # Hours an approval may wait before its default action applies (null: wait for a person).
        "approval_timeout_h": Num(lo=0.001, hi=720, nullable=True),
        "approval_timeout_action": Enum(choices=("approve", "reject"), default="reject"),
        "plan": Items(
            item=Enum(choices=PHASES), max_items=len(PHASES), min_items=1, unique=True, nullable=True
        ),
    }
)

#: The complete default configuration, minus `label` (which depends on the start time).
DEFAULTS: dict[str, Any] = {key: value for key, value in SCHEMA.make_default().items() if key != "label"}


def default_label(now: datetime | None = None) -> str:
    """The desktop's label for an unnamed job; naive times are taken as UTC."""
    now = now or datetime.now(UTC)
    if now.tzinfo is not None:
        now = now.astimezone(UTC)
    return now.strftime("job_%Y%m%d_%H%M%S")


MIDJOURNEY_IMAGES_PER_TASK = 4  # PiAPI's imagine task renders a grid of four


def normalize_config(raw: dict, *, now: datetime | None = None) -> dict:
    """Check `raw` and return a new, complete, JSON-serialisable config; `raw` is not changed.

    Raises ValidationError for the first problem, with `field` as a dotted path.
    """
    if isinstance(raw, dict) and "api_keys" in raw:
        # Keys must never end up in a stored configuration or a job snapshot.
        raise ValidationError(API_KEYS_MESSAGE, field="api_keys")
    if not isinstance(raw, dict):
        raise ValidationError("config must be an object", field="config")
    config = SCHEMA.validate(raw, "")
    config["label"] = config["label"] or default_label(now)
    if image_count(config) > MAX_IMAGES:
        gens, variations = config["generations"], config["variations"]
        _fail(
            "variations",
            f"must be at most {MAX_IMAGES // gens} for {gens} generations: "
            f"generations × variations must be at most {MAX_IMAGES} "
            f"(got {gens} × {variations} = {gens * variations})",
        )
    if config["provider"] == "midjourney" and config["variations"] > MIDJOURNEY_IMAGES_PER_TASK:
        _fail(
            "variations",
            f"must be at most {MIDJOURNEY_IMAGES_PER_TASK} with provider midjourney: one Midjourney "
            f"task makes {MIDJOURNEY_IMAGES_PER_TASK} images per prompt (got {config['variations']})",
        )
    if (
        config["approval_timeout_h"] is not None
        and not config["approval"]
        and "approval" not in (config["plan"] or ())
    ):
        _fail("approval_timeout_h", "needs an approval step (approval: true)")
    if not config["processing"]["remove_bg"]:
        config["processing"]["trim_transparent"] = False  # desktop: trim only after remove.bg
    return config


def image_count(config: dict) -> int:
    """Images a job makes: generations × variations (defaults when absent)."""
    return int(config.get("generations", 1)) * int(config.get("variations", 1))


def parse_dimensions(values: list[str] | str) -> list[tuple[int, int]]:
    """Parse "WxH" sizes (a list, or the desktop's comma-separated string) to rounded pairs.

    An empty input gives the 1024×1024 default, as the desktop always sends a size.
    """
    if isinstance(values, str):
        values = [part for part in values.split(",") if part.strip()]
    spec = Dimension()
    sizes = [spec.parse(v, f"parameters.dimensions[{i}]") for i, v in enumerate(values)]
    return sizes or [spec.parse(DEFAULT_DIMENSION, "parameters.dimensions")]


def refuse_empty_keywords(raw: Any) -> None:
    """A keyword list a client sends must list something: an empty one is a mistake (an emptied
    form, a script's bug), not a request to run on the placeholder keyword. Leaving `keywords`
    out, or uploading a keywords file, is how a job runs without a list."""
    if isinstance(raw, dict) and raw.get("keywords") == [] and not raw.get("keywords_file"):
        raise ValidationError(
            "must list at least one keyword; leave it out to use the prompt template alone, "
            "or upload a keywords file",
            field="keywords",
        )


def refuse_unbuilt(config: dict) -> None:
    """Settings the spec defines but this build cannot honour yet are refused, not ignored."""
    if config["parameters"]["format"] == "svg":
        raise ValidationError("SVG output (vector models) is not available yet", field="parameters.format")
