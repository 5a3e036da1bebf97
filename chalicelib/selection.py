"""What a bulk request acts on, checked once for all: the `ids` chosen in the console, or every
job or image matching a `filter` (the jobs list's or the gallery's own filters), resolved on the
server so a bulk action can cover more than one page. `dry_run: true` asks only how many it would
touch. Jobs matching a filter are resolved to ids at once (at most MAX_MATCHING); images, of
which a workspace may hold any number, are read page by page by whoever acts on them (the
deletion worker, the export builder), so a filter of images has no cap."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.errors import ImageFactoryError, ValidationError

if TYPE_CHECKING:
    from chalicelib.models import ImageModel
    from chalicelib.repositories.images import ImageQuery
    from chalicelib.repositories.jobs import JobQuery

#: The most jobs one filter may select (the console shows the count before the user confirms).
MAX_MATCHING = 1000
FILTER_KEYS = ("status", "from", "to", "tz", "q", "sort", "parent")
IMAGE_FILTER_KEYS = ("status", "job_id", "q", "from", "to", "tz", "sort")
IMAGE_PAGE = 200  # images read at a time when a filter's whole set is acted on
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
    raw = _filter_of(body, FILTER_KEYS, "the jobs list's")
    return matching_job_ids(workspace, job_query(raw, field="filter", limit=100))


def _filter_of(body: dict[str, Any], keys: tuple[str, ...], whose: str) -> dict[str, Any]:
    """A bulk body's `filter`: an object of the list's own filter names, sent instead of ids."""
    if "ids" in body:
        raise ValidationError("send ids or filter, not both", field="filter")
    raw = body["filter"]
    if not isinstance(raw, dict):
        raise ValidationError(f"must be an object of {whose} filters", field="filter")
    unknown = sorted(set(raw) - set(keys))
    if unknown:
        raise ValidationError(f"{unknown[0]} is not a filter; allowed: {', '.join(keys)}", field="filter")
    return raw


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


# ---- images -------------------------------------------------------------------------------------


def image_query(workspace: str, params: dict[str, str]) -> ImageQuery:
    """The gallery's list parameters, validated; dates are days (or times) in the user's zone
    `tz`, → UTC. A 400 (or the 404 of another workspace's job) names the offending parameter."""
    from chalicelib import search
    from chalicelib.repositories import images as image_repo
    from chalicelib.repositories import jobs as job_repo
    from chalicelib.repositories.pages import parse_limit

    status = params.get("status") or None
    if status is not None and status not in image_repo.STATUSES:
        raise ValidationError(f"must be one of {', '.join(sorted(image_repo.STATUSES))}", field="status")
    sort = params.get("sort") or None
    if sort is not None and sort not in image_repo.SORTS:
        raise ValidationError(f"must be one of {', '.join(image_repo.SORTS)}", field="sort")
    limit = parse_limit(params.get("limit"), default=50, maximum=200)
    created_from = _image_date(params, "from", end_of_day=False)
    created_to = _image_date(params, "to", end_of_day=True)
    if created_from and created_to and created_from > created_to:
        raise ValidationError("must not be before from", field="to")
    text = (params.get("q") or "").strip() or None
    if text is not None:
        search.query_terms(text)  # a 400 naming `q` before any read
    cursor = params.get("cursor") or None
    job_id = params.get("job_id") or None
    if job_id is not None:
        job_id = job_repo.get_job(job_id, workspace).job_id  # another workspace's job is a 404
    return image_repo.ImageQuery(
        status=status,
        job_id=job_id,
        text=text,
        created_from=created_from,
        created_to=created_to,
        sort=sort,
        limit=limit,
        cursor=cursor,
        with_counts=cursor is None,
    )


def _image_date(params: dict[str, str], name: str, *, end_of_day: bool) -> Any:
    from chalicelib.api.common import date_param

    try:
        return date_param(params, name, end_of_day=end_of_day)
    except OverflowError as err:  # year 1 or 9999 shifted out of range by the time zone
        raise ValidationError("is out of range", field=name) from err


def image_filter(workspace: str, body: dict[str, Any]) -> dict[str, str]:
    """A bulk body's `filter` of images (the gallery's filters but the page), checked; what is
    stored to act on it later. A 400 names the offending one as `filter.<name>`."""
    params: dict[str, str] = {}
    for name, value in _filter_of(body, IMAGE_FILTER_KEYS, "the gallery's").items():
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            raise ValidationError("must be text", field=f"filter.{name}")
        params[name] = value
    filtered_images(workspace, params)  # every check, before anything is recorded
    return params


def filtered_images(workspace: str, params: dict[str, str]) -> ImageQuery:
    """The query of a stored image filter, a page of IMAGE_PAGE at a time, without counts."""
    try:
        query = image_query(workspace, params)
    except ImageFactoryError as err:
        err.field = f"filter.{err.field}" if err.field else "filter"
        raise
    return replace(query, limit=IMAGE_PAGE, cursor=None, with_counts=False)


def count_matching_images(workspace: str, params: dict[str, str]) -> tuple[int, bool]:
    """How many images the filter matches, and whether that is exact (the gallery's counts:
    the counters at any size without text or dates, a bounded count with them)."""
    from chalicelib import search
    from chalicelib.repositories import images as image_repo

    query = filtered_images(workspace, params)
    terms = search.query_terms(query.text) if query.text else None
    counts, exact = image_repo.count_images(workspace, query, terms)
    return int(counts.get(query.status, 0) if query.status else counts.get("total", 0)), exact


def matching_image_pages(
    workspace: str,
    params: dict[str, str],
    cursor: str | None = None,
    size: int = IMAGE_PAGE,
    until: datetime | None = None,
) -> Iterator[tuple[list[ImageModel], str | None]]:
    """Every image the filter matches, a page at a time with the cursor that follows it (to go
    on from there later); from `cursor` when given. `until`: only images made by then (what the
    user confirmed, not what a running job adds meanwhile)."""
    from chalicelib.repositories import images as image_repo

    query = replace(filtered_images(workspace, params), limit=size)
    if until is not None and (query.created_to is None or until < query.created_to):
        query = replace(query, created_to=until)
    while True:
        page = image_repo.list_images(workspace, replace(query, cursor=cursor))
        cursor = page.next_cursor
        yield page.items, cursor
        if not cursor:
            return
