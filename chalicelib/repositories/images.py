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

from pynamodb.exceptions import DeleteError, QueryError, UpdateError

from chalicelib import search
from chalicelib.counters import Tally
from chalicelib.errors import ConflictError, ValidationError
from chalicelib.models import ImageModel, ImageTermModel
from chalicelib.repositories.pages import (
    NOT_OURS,
    between,
    cursor_position,
    decode_cursor,
    encode_cursor,
    listing_scope,
)

STATUSES = ("approved", "qc_failed", "processing", "retry_pending", "retry_failed")
SORTS = ("newest", "oldest", "name")
READ_BUDGET = 1000  # items a filtered list reads per request before it answers with what it has
COUNT_BUDGET = 1000  # postings a text search reads to count its matches per status
STATUS_ATTEMPTS = 5  # writes of a status change that found the image changed since it was read


# ---- writes -------------------------------------------------------------------------------------


def save_image(image: ImageModel, tally: Tally | None = None, postings: Postings | None = None) -> None:
    """Save the image and post its search terms: new postings before the save, stale ones after,
    so a crash in between leaves extra postings (checked away at read time), never missing ones.

    With `postings` (a task's buffer) the new terms join that task's posting groups, written when
    it flushes; a batch run again after a crash writes back any group its images name that is
    missing (`Postings.restore`). A status change moves the counters (`chalicelib.counters`):
    recorded in `tally` for the caller to write with the writes it makes anyway, or written at
    once without one."""
    terms = search.image_terms(image.prompt, image.title, image.description, image.tags)
    groups, alone = posted_groups(image)
    posted = alone.union(*groups.values())
    new, stale = terms - posted, posted - terms
    if new:
        own = postings if postings is not None else Postings()
        key = own.add(image, new)
        groups[key] = groups.get(key, set()) | new
        if postings is None:
            own.flush()
    dropped = {key: sorted(stale & ts) for key, ts in groups.items() if stale & ts}
    _record_postings(image, {key: ts - stale for key, ts in groups.items()}, terms)
    counted, image.counted_status = image.counted_status, image.status
    image.save()
    image.remember_stored_text()
    _count(image, counted, image.status, tally)
    _remove_from_groups(image.workspace, image.job_id, {image.image_id: dropped})
    _delete_postings(image, alone & stale)


def posted_groups(image: ImageModel) -> tuple[dict[str, set[str]], set[str]]:
    """Where the image's terms are posted: {group sort key: terms}, and the terms posted for it
    alone (written before groups).

    The posted terms are the terms of the text as stored (`save_image` keeps them so), so the image
    carries only each group's bit mask over them, sorted: a few bytes, where a copy of the terms
    would be written again with every write of the image and in each of its indexes."""
    stored = image.stored_text()
    if image.search_terms and not image.search_groups:  # stored before groups
        return {}, set(image.search_terms)
    basis = sorted(search.image_terms(*stored)) if stored is not None else []
    groups = {
        key: {term for bit, term in enumerate(basis) if int(mask, 16) >> bit & 1}
        for key, mask in (image.search_groups or {}).items()
    }
    return groups, set(basis).difference(*groups.values())


def _record_postings(image: ImageModel, groups: dict[str, set[str]], terms: set[str]) -> None:
    """The groups on the image, as masks over the terms of its text (all posted now)."""
    bit = {term: n for n, term in enumerate(sorted(terms))}
    masks = {key: format(sum(1 << bit[t] for t in ts if t in bit), "x") for key, ts in groups.items() if ts}
    image.search_groups = {key: mask for key, mask in masks.items() if mask != "0"} or None
    image.search_terms = None


def set_status(image: ImageModel, status: str, *actions: Any, tally: Tally | None = None) -> None:
    """Change an image's status (and whatever else `actions` set) in one write; the status index
    key follows (`ImageModel.update`), and the counters as in `save_image`.

    The write holds only while the image is still counted as it was read, so two writers racing
    on one image (the two settles of a job that ended, a retry and a delete) move its counters
    once: the one that loses reads the image again and counts from there, and a deleted image is
    neither written back nor counted."""
    for _ in range(STATUS_ATTEMPTS):
        counted = image.counted_status
        as_read = (
            ImageModel.counted_status.does_not_exist()
            if counted is None
            else ImageModel.counted_status == counted
        )
        try:
            image.update(
                actions=[ImageModel.status.set(status), ImageModel.counted_status.set(status), *actions],
                condition=ImageModel.image_id.exists() & as_read,
            )
        except UpdateError as err:
            if getattr(err, "cause_response_code", None) != "ConditionalCheckFailedException":
                raise
            try:
                image.refresh(consistent_read=True)
            except ImageModel.DoesNotExist:
                return
            continue
        _count(image, counted, status, tally)
        return
    raise ConflictError(f"image {image.image_id} kept changing; try again", field="image_id")


def delete_images(
    images: Iterable[ImageModel], tally: Tally | None = None, *, whole_job: bool = False
) -> int:
    """Delete images with their search postings, and take them off the counters. `whole_job`:
    every image of their jobs goes, so their group postings are deleted whole."""
    own = tally if tally is not None else Tally()
    deleted = 0
    chosen = list(images)
    _drop_postings(chosen, whole_job)
    with ImageModel.batch_write() as batch:
        for image in chosen:
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


class Postings:
    """The search postings of the images one task stores, as groups (`ImageTermModel`): per job,
    the images created within `search.GROUP_SPAN_S` of the group's first, at most
    `search.GROUP_MAX_IMAGES`, one posting per term with every image of the group that has it.

    Written when the task flushes (at the end of each batch) or when a group has waited
    `FLUSH_AFTER_S`, so text search finds a batch's images seconds after they are stored.
    Thread-safe: generation stores images from a second thread.
    """

    FLUSH_AFTER_S = 10.0

    def __init__(self) -> None:
        import threading

        self._open: dict[tuple[str, str], _Group] = {}
        self._full: list[_Group] = []
        self._lock = threading.Lock()

    def add(self, image: ImageModel, terms: set[str]) -> str:
        """Put the image's new `terms` in its job's open group; the group's sort key."""
        import time

        with self._lock:
            slot = (image.workspace, image.job_id)
            group = self._open.get(slot)
            if group is None or not group.fits(image):
                if group is not None:
                    self._full.append(group)
                group = self._open[slot] = _Group(image.workspace, image.job_id, image.created_at)
            group.add(image, terms)
            due = time.monotonic() - min(g.opened for g in [*self._open.values(), *self._full])
        if due >= self.FLUSH_AFTER_S:
            self.flush()
        return group.sort_key

    def flush(self) -> None:
        with self._lock:
            groups = [*self._full, *self._open.values()]
            self._full, self._open = [], {}
        _put_postings(group.postings() for group in groups)

    def restore(self, images: Iterable[ImageModel]) -> None:
        """Write back the group postings these images name that are missing (a task that died
        between saving an image and flushing its group); existing ones are left as they are."""
        wanted: dict[tuple[str, str], ImageTermModel] = {}
        for image in images:
            suffix = search.id_suffix(image.image_id, image.job_id)
            for key, terms in posted_groups(image)[0].items():
                for term in terms:
                    slot = (search.term_key(image.workspace, term), key)
                    posting = wanted.setdefault(slot, ImageTermModel(*slot, job_id=image.job_id, ids=set()))
                    posting.ids = (posting.ids or set()) | {suffix}
        if not wanted:
            return
        found = {(p.term_key, p.sort_key) for p in ImageTermModel.batch_get(list(wanted))}
        _put_postings([[p for slot, p in wanted.items() if slot not in found]])


class _Group:
    def __init__(self, workspace: str, job_id: str, first: datetime) -> None:
        import time

        self.workspace, self.job_id, self.first = workspace, job_id, first
        self.sort_key = search.group_sort_key(first)
        self.opened = time.monotonic()
        self.images: set[str] = set()
        self.terms: dict[str, set[str]] = {}

    def fits(self, image: ImageModel) -> bool:
        seconds = (image.created_at - self.first).total_seconds()
        full = len(self.images) >= search.GROUP_MAX_IMAGES and image.image_id not in self.images
        return 0 <= seconds <= search.GROUP_SPAN_S and not full

    def add(self, image: ImageModel, terms: set[str]) -> None:
        suffix = search.id_suffix(image.image_id, image.job_id)
        self.images.add(image.image_id)
        for term in terms:
            self.terms.setdefault(term, set()).add(suffix)

    def postings(self) -> list[ImageTermModel]:
        return [
            ImageTermModel(search.term_key(self.workspace, term), self.sort_key, job_id=self.job_id, ids=ids)
            for term, ids in sorted(self.terms.items())
        ]


def _put_postings(batches: Iterable[list[ImageTermModel]]) -> None:
    with ImageTermModel.batch_write() as batch:
        for postings in batches:
            for posting in postings:
                batch.save(posting)


def _remove_from_groups(workspace: str, job_id: str, dropped: dict[str, dict[str, list[str]]]) -> None:
    """Take images out of group postings ({image id: {group key: [terms]}}): one write per
    posting for all the images it loses; a posting left with no image is deleted."""
    losing: dict[tuple[str, str], set[str]] = {}
    for image_id, groups in dropped.items():
        for key, terms in groups.items():
            for term in terms:
                losing.setdefault((search.term_key(workspace, term), key), set()).add(
                    search.id_suffix(image_id, job_id)
                )
    for (term_key, sort_key), suffixes in sorted(losing.items()):
        posting = ImageTermModel(term_key, sort_key, job_id=job_id)
        try:
            posting.update(
                actions=[ImageTermModel.ids.delete(suffixes)], condition=ImageTermModel.term_key.exists()
            )
        except UpdateError as err:
            if getattr(err, "cause_response_code", None) == "ConditionalCheckFailedException":
                continue  # gone already
            raise
        if not posting.ids:
            try:
                posting.delete(condition=ImageTermModel.ids.does_not_exist())
            except DeleteError as err:
                if getattr(err, "cause_response_code", None) != "ConditionalCheckFailedException":
                    raise


def _drop_postings(images: list[ImageModel], whole_job: bool) -> None:
    """The postings of images about to be deleted: their own (written before groups), and their
    groups' (deleted whole when the whole job goes, else the images taken out)."""
    whole: set[tuple[str, str]] = set()
    by_job: dict[tuple[str, str], dict[str, dict[str, list[str]]]] = {}
    for image in images:
        groups, alone = posted_groups(image)
        _delete_postings(image, _all_terms(image) if not groups else alone)
        for key, terms in groups.items():
            if whole_job:
                whole.update((search.term_key(image.workspace, term), key) for term in terms)
        if groups and not whole_job:
            by_job.setdefault((image.workspace, image.job_id), {})[image.image_id] = {
                key: sorted(terms) for key, terms in groups.items()
            }
    if whole:
        with ImageTermModel.batch_write() as batch:
            for term_key, sort_key in sorted(whole):
                batch.delete(ImageTermModel(term_key, sort_key))
    for (workspace, job_id), dropped in by_job.items():
        _remove_from_groups(workspace, job_id, dropped)


def _all_terms(image: ImageModel) -> set[str]:
    current = search.image_terms(image.prompt, image.title, image.description, image.tags)
    return current | set(image.search_terms or ())


def _posting(image: ImageModel, term: str) -> ImageTermModel:
    """A posting of this image alone (as written before groups)."""
    return ImageTermModel(
        search.term_key(image.workspace, term),
        search.posting_sort_key(image.created_at, image.image_id),
        image_id=image.image_id,
        job_id=image.job_id,
    )


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
    )  # the terms are checked on each image read (`resolve`)

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
    image itself (the other terms, status, job, dates), so stale postings never show.

    A posting is a group of images (newest or oldest first within it), so a page can end inside
    one: its cursor then holds that posting's key and the last image looked at."""
    key = search.term_key(workspace, search.driver_term(terms))
    scope = cursor_scope(workspace, query)
    forward = query.sort == "oldest"
    resume = decode_cursor(
        query.cursor, scope, ("term_key", "sort_key"), "term_key", key, positioned=True
    )  # the posting before the next one to read
    queue: list[_Hits] = []
    position = cursor_position(query.cursor) if resume is not None else None
    if resume is not None and position is not None:
        inside = _read_posting(resume)
        if inside is not None:
            queue.append(_Hits(resume, _after(_posting_ids(inside, forward), position, forward)))
    page = _pages(ImageTermModel, key, _posting_range(query), None, forward)
    items: list[ImageModel] = []
    read, exhausted = len(queue), False
    while len(items) < query.limit and read < READ_BUDGET:
        if not queue:
            if exhausted:
                return items, None
            raw, last, scanned = page(resume, max(1, query.limit - len(items)))
            read += scanned
            exhausted = last is None
            for item in raw:
                posting = ImageTermModel.from_raw_data(item)
                ids = (
                    _posting_ids(posting, forward)
                    if not query.job_id or posting.job_id == query.job_id
                    else []
                )
                queue.append(_Hits({"term_key": item["term_key"], "sort_key": item["sort_key"]}, ids))
            if not queue:
                return items, None if exhausted else encode_cursor(last, scope)
            continue
        head = queue[0]
        chunk = head.ids[head.done : head.done + 100]
        found = _fetch(chunk)
        read += len(chunk)
        for image_id in chunk:
            head.done += 1
            image = found.get(image_id)
            if image is not None and _matches(image, workspace, query, terms):
                items.append(image)
                if len(items) == query.limit:
                    break
        if head.done >= len(head.ids):
            resume = head.key
            queue.pop(0)
    if queue and queue[0].done:
        head = queue[0]
        return items, encode_cursor(head.key, scope, position=head.ids[head.done - 1])
    if not queue and exhausted:
        return items, None
    return items, encode_cursor(resume, scope)


@dataclass
class _Hits:
    """A posting being read: its key, the image ids it names (in page order), how many are read."""

    key: dict[str, Any]
    ids: list[str]
    done: int = 0


def _posting_ids(posting: ImageTermModel, forward: bool) -> list[str]:
    if posting.ids:
        return sorted((search.full_id(posting.job_id, s) for s in posting.ids), reverse=not forward)
    return [posting.image_id] if posting.image_id else []


def _after(ids: list[str], position: str, forward: bool) -> list[str]:
    """The ids of a posting that follow `position` in page order (it may have left the posting)."""
    if position in ids:
        return ids[ids.index(position) + 1 :]
    return [i for i in ids if (i > position if forward else i < position)]


def _read_posting(key: dict[str, Any]) -> ImageTermModel | None:
    try:
        return ImageTermModel.get(key["term_key"]["S"], key["sort_key"]["S"])
    except ImageTermModel.DoesNotExist:
        return None


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
    """A posting's time is its group's first image's, so the range opens a group span earlier."""
    low = search.time_key(search.group_start(query.created_from)) if query.created_from else None
    high = search.second_key(query.created_to) + search.LAST if query.created_to else None
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
    candidates = (
        image_id
        for posting in postings
        if not query.job_id or posting.job_id == query.job_id
        for image_id in _posting_ids(posting, False)
    )
    seen = 0
    while seen < COUNT_BUDGET:
        chunk = list(islice(candidates, min(100, COUNT_BUDGET - seen)))
        if not chunk:
            return True
        seen += len(chunk)
        for image in _fetch(chunk).values():
            if image.status in counts and _matches(image, workspace, unstatused, terms):
                counts[image.status] += 1
    return next(candidates, None) is None
