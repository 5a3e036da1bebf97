"""GET /api/stats: the caller's job statistics, optionally for jobs created between two dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from chalice import Blueprint

from chalicelib.api.common import query, route, workspace_of
from chalicelib.errors import ValidationError

bp = Blueprint(__name__)


def date_param(params: dict[str, str], name: str, *, end_of_day: bool = False) -> datetime | None:
    """An ISO date or date-time; times without a zone are UTC (clients send their own offset).

    A bare date as the upper bound covers that whole day.
    """
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        day = None
    try:
        value = datetime.fromisoformat(raw) if day is None else datetime.combine(day, time())
    except ValueError as err:
        raise ValidationError("must be an ISO date (2025-03-04) or date-time", field=name) from err
    if day is not None and end_of_day:
        value += timedelta(days=1, microseconds=-1)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@route(bp, "/api/stats", methods=["GET"])
def job_stats() -> dict[str, Any]:
    from chalicelib.services import stats as stats_service

    request = bp.current_request
    params = query(request)
    since = date_param(params, "from")
    until = date_param(params, "to", end_of_day=True)
    if since is not None and until is not None and since > until:
        raise ValidationError("must not be before from", field="to")
    return stats_service.workspace_stats(workspace_of(request), since, until).to_dict()
