"""Opaque page cursors: a DynamoDB `LastEvaluatedKey` wrapped so clients cannot depend on it."""

from __future__ import annotations

import base64
import json
from typing import Any

from chalicelib.errors import ValidationError


def encode_cursor(last_key: dict[str, Any] | None) -> str | None:
    if not last_key:
        return None
    raw = json.dumps(last_key, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError) as err:
        raise ValidationError("is not a cursor this API returned", field="cursor") from err
    if not isinstance(value, dict):
        raise ValidationError("is not a cursor this API returned", field="cursor")
    return value


def parse_limit(raw: str | None, default: int = 25, maximum: int = 100) -> int:
    if raw in (None, ""):
        return default
    try:
        value = int(raw)  # type: ignore[arg-type]
    except ValueError as err:
        raise ValidationError(f"must be an integer from 1 to {maximum}", field="limit") from err
    if not 1 <= value <= maximum:
        raise ValidationError(f"must be an integer from 1 to {maximum}", field="limit")
    return value


def between(attribute: Any, start: Any, end: Any) -> Any:
    """A condition for `start <= attribute <= end`, either end optional; None when both are."""
    if start is not None and end is not None:
        return attribute.between(start, end)
    if start is not None:
        return attribute >= start
    if end is not None:
        return attribute <= end
    return None
