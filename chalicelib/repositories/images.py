"""Image items and the gallery: the only code that queries images and their search postings.

Writes keep two things in step with an image: its index keys (`ImageModel.save`/`update` derive
them) and its search postings in `image_terms` (`save_image`, `delete_images`). Every list is a
Query on an index, never a Scan:

- newest/oldest, no text: `by_workspace_created` or `by_workspace_status` with the date range as
  key condition; one request of `limit + 1` items per page.
- within a job: `by_job` (generation order), status and dates filtered within the job.
- name order: `by_workspace_prompt`, other filters applied by DynamoDB while it reads.
- text: the postings of the rarest-looking query term (`search.driver_term`), in creation order,
  dates as key condition; each hit's image is fetched and checked for the other terms and filters.

A filtered path reads past what it skips. It stops after `READ_BUDGET` items per request and may
then return a short page with a `next_cursor`: clients follow the cursor until it is null.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any

from pynamodb.exceptions import QueryError

from chalicelib import search
from chalicelib.counters import Tally
from chalicelib.errors import ValidationError
from chalicelib.models import ImageModel, ImageTermModel
from chalicelib.repositories.pages import NOT_OURS, between, decode_cursor, encode_cursor, listing_scope

STATUSES = ("approved", "qc_failed", "processing", "retry_pending", "retry_failed")
SORTS = ("newest", "oldest", "name")
READ_BUDGET = 1000  # items a filtered list reads per request before it answers with what it has
COUNT_BUDGET = 1000  # postings a text search reads to count its matches per status


# ---- writes -------------------------------------------------------------------------------------


def save_image(image: ImageModel, tally: Tally | None = None) -> None:
    """Save the image and post its search terms: new postings before the save, stale ones after,
    so a crash in between leaves extra postings (checked away at read time), never missing ones.

    A status change moves the counters (`chalicelib.counters`): recorded in `tally` for the caller
    to write with the writes it makes anyway, or written at once without one."""
    terms = search.image_terms(image.prompt, image.title, image.description, image.tags)
    posted = set(image.search_terms or ())
    _write_postings(image, terms - posted)
    image.search_terms = terms or None
    counted, image.counted_status = image.counted_status, image.status
    image.save()
    _count(image, counted, image.status, tally)
    _delete_postings(image, posted - terms)


def set_status(image: ImageModel, status: str, *actions: Any, tally: Tally | None = None) -> None:
    """Change an image's status (and whatever else `actions` set) in one write; the status index
    key follows (`ImageModel.update`), and the counters as in `save_image`."""
    counted = image.counted_status
    image.update(actions=[ImageModel.status.set(status), ImageModel.counted_status.set(status), *actions])
    _count(image, counted, status, tally)


def delete_images(images: Iterable[ImageModel], tally: Tally | None = None) -> int:
    """Delete images with their search postings, and take them off the counters."""
    own = tally if tally is not None else Tally()
    deleted = 0
    with ImageModel.batch_write() as batch:
        for image in images:
            _delete_postings(image, _all_terms(image))
            batch.delete(image)
            own.move(image.workspace, image.job_id, image.counted_status, None)
            deleted += 1
    if tally is None:
        own.flush()
    return deleted


def _count(image: ImageModel, old: str | None, new: str, tally: Tally | None) -> None:
    if old == new:
        return
    own = tally if tally is not None else Tally()
    own.move(image.workspace, image.job_id, old, new)
    if tally is None:
        own.flush()


def _all_terms(image: ImageModel) -> set[str]:
    current = search.image_terms(image.prompt, image.title, image.description, image.tags)
    return current | set(image.search_terms or ())


def _posting(image: ImageModel, term: str) -> ImageTermModel:
    return ImageTermModel(
        search.term_key(image.workspace, term),
        search.posting_sort_key(image.created_at, image.image_id),
        image_id=image.image_id,
        job_id=image.job_id,
    )


def _write_postings(image: ImageModel, terms: set[str]) -> None:
    if terms:
        with ImageTermModel.batch_write() as batch:
            for term in sorted(terms):
                batch.save(_posting(image, term))


def _delete_postings(image: ImageModel, terms: set[str]) -> None:
    if terms:
        with ImageTermModel.batch_write() as batch:
            for term in sorted(terms):
                batch.delete(_posting(image, term))


# ---- the gallery --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImageQuery:
    """What the images list asks for (already validated by the API)."""

    status: str | None = None
    job_id: str | None = None  # the API has checked the job belongs to the workspace
    text: str | None = None
    created_from: datetime | None = None  # UTC
    created_to: datetime | None = None
    sort: str | None = None  # newest (default) | oldest | name; within a job: generation order
    limit: int = 50
    cursor: str | None = None
    with_counts: bool = True


@dataclass(frozen=True)
class ImagePage:
    items: list[ImageModel]
    next_cursor: str | None
    counts: dict[str, int] | None = None  # per status, for the same filters but the status
    counts_exact: bool = True  # False when a text search had more matches than it counted


def list_images(workspace: str, query: ImageQuery) -> ImagePage:
    terms = search.query_terms(query.text) if query.text else None
    try:
        if terms and query.sort != "name":
            items, cursor = _search(workspace, query, terms)
        elif terms or query.sort == "name":
            items, cursor = _by_name(workspace, query, terms)
        elif query.job_id:
            items, cursor = _by_job(workspace, query)
        else:
            items, cursor = _by_created(workspace, query)
    except QueryError as err:
        if query.cursor and getattr(err, "cause_response_code", None) == "ValidationException":
            raise ValidationError(NOT_OURS, field="cursor") from err
        raise
    if not query.with_counts:
        return ImagePage(items, cursor)
    counts, exact = count_images(workspace, query, terms)
    return ImagePage(items, cursor, counts, exact)


def _by_created(workspace: str, query: ImageQuery) -> tuple[list[ImageModel], str | None]:
    """Key conditions only: a page reads `limit + 1` items, however many the workspace holds (the
    extra one tells whether another page follows, so the last page never comes back empty)."""
    index: Any
    if query.status:
        index, key, hash_attr = ImageModel.by_status, f"{workspace}#{query.status}", "workspace_status"
    else:
        index, key, hash_attr = ImageModel.by_workspace, workspace, "workspace"
    result = index.query(
        key,
        _dates(query),
        scan_index_forward=query.sort == "oldest",
        limit=query.limit,
        page_size=query.limit + 1,
        last_evaluated_key=_start(workspace, query, hash_attr, key, "created_at"),
    )
    items = list(result)
    return items, encode_cursor(result.last_evaluated_key, cursor_scope(workspace, query))


def _by_job(workspace: str, query: ImageQuery) -> tuple[list[ImageModel], str | None]:
    assert query.job_id is not None
    filters = _and(
        ImageModel.workspace == workspace,
        (ImageModel.status == query.status) if query.status else None,
        _dates(query),
    )
    return _collect(
        _pages(ImageModel.by_job, query.job_id, None, filters, query.sort != "newest"),
        _start(workspace, query, "job_id", query.job_id, "image_id"),
        query.limit,
        cursor_scope(workspace, query),
        lambda raw: [ImageModel.from_raw_data(item) for item in raw],
    )


def _by_name(
    workspace: str, query: ImageQuery, terms: list[str] | None
) -> tuple[list[ImageModel], str | None]:
    filters = _and(
        (ImageModel.status == query.status) if query.status else None,
        (ImageModel.job_id == query.job_id) if query.job_id else None,
        _dates(query),
        *[ImageModel.search_terms.contains(term) for term in terms or ()],
    )

    def resolve(raw: list[dict[str, Any]]) -> list[ImageModel]:
        images = [ImageModel.from_raw_data(item) for item in raw]
        return [i for i in images if not terms or _has_terms(i, terms)]

    return _collect(
        _pages(ImageModel.by_name, workspace, None, filters, True),
        _start(workspace, query, "workspace", workspace, "prompt_key"),
        query.limit,
        cursor_scope(workspace, query),
        resolve,
    )


def _search(workspace: str, query: ImageQuery, terms: list[str]) -> tuple[list[ImageModel], str | None]:
    """A page of a text search: the driver term's postings, page by page, each hit checked on the
    image itself (the other terms, status, job), so stale postings never show."""
    key = search.term_key(workspace, search.driver_term(terms))

    def resolve(raw: list[dict[str, Any]]) -> list[ImageModel]:
        postings = [ImageTermModel.from_raw_data(item) for item in raw]
        wanted = [p.image_id for p in postings if not query.job_id or p.job_id == query.job_id]
        images = _fetch(wanted)
        found = [images.get(p.image_id) for p in postings]
        return [i for i in found if i is not None and _matches(i, workspace, query, terms)]

    return _collect(
        _pages(ImageTermModel, key, _posting_range(query), None, query.sort == "oldest"),
        _start(workspace, query, "term_key", key, "sort_key", table_key="term_key"),
        query.limit,
        cursor_scope(workspace, query),
        resolve,
    )


Page = Callable[[dict[str, Any] | None, int], tuple[list[dict[str, Any]], dict[str, Any] | None, int]]


def _pages(source: Any, key: str, range_condition: Any, filters: Any, forward: bool) -> Page:
    """One DynamoDB Query request per call: (raw items, LastEvaluatedKey, items read)."""

    def page(start: dict[str, Any] | None, size: int) -> tuple[list[Any], dict[str, Any] | None, int]:
        result = source.query(
            key,
            range_condition,
            filter_condition=filters,
            scan_index_forward=forward,
            last_evaluated_key=start,
            page_size=size,
        )
        raw = next(result.page_iter)
        return raw.get("Items", []), raw.get("LastEvaluatedKey"), raw.get("ScannedCount", 0)

    return page


def _collect(
    page: Page,
    start: dict[str, Any] | None,
    limit: int,
    scope: str,
    resolve: Callable[[list[dict[str, Any]]], list[ImageModel]],
) -> tuple[list[ImageModel], str | None]:
    """Read requests of at most the items still wanted, so a page never overflows and every stop
    is at a request boundary: the cursor is DynamoDB's own LastEvaluatedKey."""
    items: list[ImageModel] = []
    read = 0
    while True:
        raw, start, scanned = page(start, limit - len(items))
        read += scanned
        items += resolve(raw)
        if start is None or len(items) >= limit or read >= READ_BUDGET:
            return items, encode_cursor(start, scope)


def _fetch(image_ids: list[str]) -> dict[str, ImageModel]:
    if not image_ids:
        return {}
    return {image.image_id: image for image in ImageModel.batch_get(list(dict.fromkeys(image_ids)))}


def _has_terms(image: ImageModel, terms: list[str]) -> bool:
    found = search.image_terms(image.prompt, image.title, image.description, image.tags)
    return all(term in found for term in terms)


def _matches(image: ImageModel, workspace: str, query: ImageQuery, terms: list[str]) -> bool:
    return (
        image.workspace == workspace
        and (not query.status or image.status == query.status)
        and (not query.job_id or image.job_id == query.job_id)
        and (query.created_from is None or image.created_at >= query.created_from)
        and (query.created_to is None or image.created_at <= query.created_to)
        and _has_terms(image, terms)
    )


def _start(
    workspace: str,
    query: ImageQuery,
    hash_attr: str,
    hash_value: str,
    range_attr: str,
    table_key: str = "image_id",
) -> dict[str, Any] | None:
    """The cursor as an ExclusiveStartKey, refused when it belongs to another list (another
    workspace, status, job, sort or search) or is not one this API returned."""
    attributes = (table_key, hash_attr, range_attr)
    return decode_cursor(query.cursor, cursor_scope(workspace, query), attributes, hash_attr, hash_value)


def cursor_scope(workspace: str, query: ImageQuery) -> str:
    """What a gallery cursor is bound to: this workspace's images with these filters and sort."""
    return listing_scope("images", workspace, query)


def _dates(query: ImageQuery) -> Any:
    return between(ImageModel.created_at, query.created_from, query.created_to)


def _posting_range(query: ImageQuery) -> Any:
    low = search.time_key(query.created_from) if query.created_from else None
    high = search.time_key(query.created_to) + search.LAST if query.created_to else None
    if low and high:
        return ImageTermModel.sort_key.between(low, high)
    if low:
        return ImageTermModel.sort_key >= low
    if high:
        return ImageTermModel.sort_key <= high
    return None


def _and(*conditions: Any) -> Any:
    combined = None
    for condition in conditions:
        if condition is not None:
            combined = condition if combined is None else combined & condition
    return combined


# ---- counts -------------------------------------------------------------------------------------


def count_images(
    workspace: str, query: ImageQuery, terms: list[str] | None = None
) -> tuple[dict[str, int], bool]:
    """Images per status for the query's filters minus the status (tab counts), and whether the
    figures are exact.

    - No text, no dates: the counters (`chalicelib.counters`): one GetItem, of the workspace's
      counters item or of the job. Exact, and the same cost at any size.
    - Dates, no job: five `Select=COUNT` queries on `by_workspace_status` with the dates as key
      condition, each stopped after `COUNT_BUDGET` entries; DynamoDB reads every counted entry, so
      the counts are reported as not exact when a status reached that cap.
    - Dates within a job: one pass over the job's images (`by_job`, at most a job's size). Exact.
    - Text: the driver term's postings, at most `COUNT_BUDGET` of them (plus their images),
      checked like a search page. When more postings remain the counts cover the newest
      `COUNT_BUDGET` candidates only and are reported as not exact.
    """
    from chalicelib import counters

    dated = query.created_from is not None or query.created_to is not None
    if not terms and not dated:
        if query.job_id:
            from chalicelib.joblive import overlaid
            from chalicelib.models import JobModel

            try:
                return counters.job_counts(overlaid(JobModel.get(query.job_id))), True
            except JobModel.DoesNotExist:
                return counters.job_counts(JobModel(query.job_id)), True
        return counters.workspace_counts(workspace), True
    counts = dict.fromkeys(STATUSES, 0)
    exact = True
    if terms:
        exact = _count_matches(workspace, query, terms, counts)
    elif query.job_id:
        rows = ImageModel.by_job.query(
            query.job_id,
            filter_condition=_and(ImageModel.workspace == workspace, _dates(query)),
            attributes_to_get=["image_id", "status"],
        )
        for row in rows:
            if row.status in counts:
                counts[row.status] += 1
    else:
        for status in STATUSES:
            counted = ImageModel.by_status.count(f"{workspace}#{status}", _dates(query), limit=COUNT_BUDGET)
            counts[status] = counted
            exact = exact and counted < COUNT_BUDGET
    return {"total": sum(counts.values()), **counts}, exact


def _count_matches(workspace: str, query: ImageQuery, terms: list[str], counts: dict[str, int]) -> bool:
    key = search.term_key(workspace, search.driver_term(terms))
    postings = ImageTermModel.query(key, _posting_range(query), scan_index_forward=False, page_size=100)
    unstatused = ImageQuery(job_id=query.job_id, created_from=query.created_from, created_to=query.created_to)
    seen = 0
    while seen < COUNT_BUDGET:
        chunk = list(islice(postings, min(100, COUNT_BUDGET - seen)))
        if not chunk:
            return True
        seen += len(chunk)
        images = _fetch([p.image_id for p in chunk if not query.job_id or p.job_id == query.job_id])
        for image in images.values():
            if image.status in counts and _matches(image, workspace, unstatused, terms):
                counts[image.status] += 1
    return next(postings, None) is None
