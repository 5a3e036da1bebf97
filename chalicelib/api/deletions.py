"""Routes under /api/deletions: follow a deletion running in the background."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.common import route, workspace_of

bp = Blueprint(__name__)


@route(bp, "/api/deletions/{deletion_id}", methods=["GET"])
def get_deletion(deletion_id: str) -> dict[str, Any]:
    from chalicelib import deletions

    record = deletions.get_deletion(workspace_of(bp.current_request), deletion_id)
    return {"deletion": deletions.deletion_view(record)}
