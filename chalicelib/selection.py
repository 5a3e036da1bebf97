"""The `ids` of a bulk request (jobs or images chosen in the console), checked once for all."""

from __future__ import annotations

from typing import Any

from chalicelib.errors import ValidationError


def selected_ids(body: dict[str, Any], noun: str, maximum: int) -> list[str]:
    """The ids in the order given, without repeats; a 400 naming `ids` otherwise."""
    ids = body.get("ids")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) and i for i in ids):
        raise ValidationError(f"must be a non-empty list of {noun} ids", field="ids")
    if len(ids) > maximum:
        raise ValidationError(f"at most {maximum} {noun}s at a time", field="ids")
    return list(dict.fromkeys(ids))
