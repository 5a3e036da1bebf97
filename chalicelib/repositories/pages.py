"""Opaque page cursors bound to the list that issued them.

A cursor wraps a DynamoDB `LastEvaluatedKey` with a digest of the listing it continues (which
list, whose workspace, which sort and filters). A cursor is taken back only by the same listing
and only with exactly the key attributes that listing's index returns, so a cursor of another
list, sort or filter, or one a client made up, is a 400 naming `cursor`, never a failed Query.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
from collections.abc import Collection
from typing import Any

from chalicelib.errors import ValidationError

NOT_OURS = "is not a cursor this API returned; start again without it"
OTHER_LISTING = "belongs to another listing (another list, sort or filter); start again without it"
#: Query fields that do not change which items a listing holds, so a cursor survives them.
UNBOUND_FIELDS = frozenset({"cursor", "limit", "with_counts"})


def listing_scope(list_name: str, workspace: str, query: Any) -> str:
    """What a cursor is bound to: the list, the workspace and every filter and sort of `query`
    (a dataclass), but not the page size."""
    fields = {
        f.name: getattr(query, f.name) for f in dataclasses.fields(query) if f.name not in UNBOUND_FIELDS
    }
    return json.dumps([list_name, workspace, fields], sort_keys=True, default=str)


def _digest(scope: str) -> str:
    return hashlib.sha256(scope.encode()).hexdigest()[:24]


def encode_cursor(last_key: dict[str, Any] | None, scope: str, position: str | None = None) -> str | None:
    """`position`: for a listing whose items each hold several results (search postings), how far
    into the item at `last_key` the page ended."""
    if not last_key:
        return None
    content: dict[str, Any] = {"k": last_key, "s": _digest(scope)}
    if position is not None:
        content["p"] = position
    raw = json.dumps(content, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decoded(cursor: str) -> Any:
    if len(cursor) > 4096:
        raise ValidationError(NOT_OURS, field="cursor")
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError, RecursionError) as err:
        raise ValidationError(NOT_OURS, field="cursor") from err


def cursor_position(cursor: str | None) -> str | None:
    """The position a cursor holds within the item at its key (see `encode_cursor`); call after
    `decode_cursor(..., positioned=True)` has accepted it."""
    if not cursor:
        return None
    value = _decoded(cursor)
    return value.get("p") if isinstance(value, dict) else None


def decode_cursor(
    cursor: str | None,
    scope: str,
    key_attributes: Collection[str],
    hash_attr: str,
    hash_value: str,
    *,
    positioned: bool = False,
) -> dict[str, Any] | None:
    """The ExclusiveStartKey a cursor holds, checked against the listing asking for it
    (`positioned`: a listing whose cursors may also hold a position)."""
    if not cursor:
        return None
    value = _decoded(cursor)
    allowed = ({"k", "s"}, {"k", "s", "p"}) if positioned else ({"k", "s"},)
    if not isinstance(value, dict) or set(value) not in allowed or not isinstance(value["k"], dict):
        raise ValidationError(NOT_OURS, field="cursor")
    if "p" in value and (not isinstance(value["p"], str) or len(value["p"]) > 300):
        raise ValidationError(NOT_OURS, field="cursor")
    if value["s"] != _digest(scope):
        raise ValidationError(OTHER_LISTING, field="cursor")
    key = value["k"]
    if set(key) != set(key_attributes) or not all(_is_key_value(v) for v in key.values()):
        raise ValidationError(NOT_OURS, field="cursor")
    if key[hash_attr] != {"S": hash_value}:
        raise ValidationError(OTHER_LISTING, field="cursor")
    return key


def _is_key_value(value: Any) -> bool:
    """A key attribute value of ours: every key a listing pages on is a string, `{"S": text}`."""
    if not isinstance(value, dict) or set(value) != {"S"} or not isinstance(value["S"], str):
        return False
    return 0 < len(value["S"]) <= 2048


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
