"""What a bulk request acts on, checked once for all: the `ids` chosen in the console, or, for
jobs, every job matching a `filter` (the jobs list's own filters), resolved on the server so a
bulk action can cover more than one page. `dry_run: true` asks only how many it would touch."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.errors import ValidationError

if TYPE_CHECKING:
    from chalicelib.repositories.jobs import JobQuery

#: The most jobs one filter may select (the console shows the count before the user confirms).
MAX_MATCHING = 1000
FILTER_KEYS = ("status", "from", "to", "tz", "q", "sort", "parent")
SORTS = ("newest", "oldest", "name")
MAX_QUERY_TEXT = 200


def selected_ids(body: dict[str, Any], noun: str, maximum: int) -> list[str]:
    """The ids in the order given, without repeats; a 400 naming `ids` otherwise."""
    ids = body.get("ids")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) and i for i in ids):
        raise ValidationError(f"must be a non-empty list of {noun} ids", field="ids")
    if len(ids) > maximum:
        raise ValidationError(f"at most {maximum} {noun}s at a time", field="ids")
    return list(dict.fromkeys(ids))


def job_query(
    params: dict[str, Any], *, field: str = "", limit: int = 25, cursor: str | None = None
) -> JobQuery:
    """The jobs list's filters (`status`, `from`, `to`, `tz`, `q`, `sort`, `parent`) as a query; a 400 names
    the offending one (prefixed with `field.` for a bulk body's `filter`)."""
    from chalicelib.api.common import date_param
    from chalicelib.repositories.jobs import JobQuery
    from chalicelib.statuses import JobStatus

    def named(name: str) -> str:
        return f"{field}.{name}" if field else name

    def text(name: str) -> str | None:
        value = params.get(name)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            raise ValidationError("must be text", field=named(name))
        return value

    sort = text("sort") or "newest"
    if sort not in SORTS:
        raise ValidationError("must be one of newest, oldest, name", field=named("sort"))
    status = text("status")
    if status is not None and status not in {s.value for s in JobStatus}:
        raise ValidationError("is not a job status", field=named("status"))
    dates = {name: value for name in ("from", "to", "tz") if (value := text(name)) is not None}
    try:
        created_from = date_param(dates, "from", end_of_day=False)
        created_to = date_param(dates, "to", end_of_day=True)
    except ValidationError as err:
        raise ValidationError(err.message, field=named(err.field or "from")) from err
    if created_from and created_to and created_from > created_to:
        raise ValidationError("must not be after `to`", field=named("from"))
    parent = text("parent")
    q = (text("q") or "").strip() or None
    if q is not None and len(q) > MAX_QUERY_TEXT:
        raise ValidationError(f"must be at most {MAX_QUERY_TEXT} characters", field=named("q"))
    return JobQuery(
        status=status,
        created_from=created_from,
        created_to=created_to,
        text=q,
        parent=parent,
        sort=sort,
        limit=limit,
        cursor=cursor,
    )


def is_dry_run(body: dict[str, Any]) -> bool:
    value = body.get("dry_run", False)
    if not isinstance(value, bool):
        raise ValidationError("must be true or false", field="dry_run")
    return value


def selected_jobs(workspace: str, body: dict[str, Any], maximum: int) -> list[str]:
    """The job ids a bulk body selects: its `ids` (at most `maximum`), or every job of the
    workspace matching its `filter`, in the filter's sort order (at most MAX_MATCHING)."""
    if "filter" not in body:
        return selected_ids(body, "job", maximum)
    if "ids" in body:
        raise ValidationError("send ids or filter, not both", field="filter")
    raw = body["filter"]
    if not isinstance(raw, dict):
        raise ValidationError("must be an object of the jobs list's filters", field="filter")
    unknown = sorted(set(raw) - set(FILTER_KEYS))
    if unknown:
        allowed = ", ".join(FILTER_KEYS)
        raise ValidationError(f"{unknown[0]} is not a filter; allowed: {allowed}", field="filter")
    return matching_job_ids(workspace, job_query(raw, field="filter", limit=100))


def matching_job_ids(workspace: str, query: JobQuery) -> list[str]:
    """Every job of the workspace the query matches, page by page; a 400 past MAX_MATCHING."""
    from dataclasses import replace

    from chalicelib.repositories import jobs as job_repo

    ids: list[str] = []
    cursor = None
    while True:
        items, cursor = job_repo.list_jobs(workspace, replace(query, cursor=cursor))
        ids += [job.job_id for job in items]
        if len(ids) > MAX_MATCHING:
            raise ValidationError(f"matches more than {MAX_MATCHING} jobs: narrow the filter", field="filter")
        if not cursor:
            return list(dict.fromkeys(ids))
