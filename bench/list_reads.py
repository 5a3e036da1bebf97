"""Bench 5: DynamoDB items read per list page, for 1,000 and 10,000 jobs or images in a workspace.

A list page must cost what it shows, not what the workspace holds: every list is a Query on an
index whose key condition does the filtering, so DynamoDB reads about one item per item returned.
Items are written straight to the tables with `batch_write` (no job runs); each page is read
through the repositories (`list_jobs` with `JobQuery(limit=25)`, `list_images` with
`ImageQuery(limit=50)`), first page and a page from the middle of the list, and the items read
are summed from every DynamoDB response the page needed: `ScannedCount` of each Query, the items
of each GetItem and BatchGetItem. Goal: ≤ page size + 1 and the same for both sizes.

The gallery's per-status counts (Total, Pass, Fail, Pending) come from counters kept on every
status change (`chalicelib.counters`: the workspace's `image_counts` item, a job's own item), so
they cost one read whatever the size: goal 1 item, the same for both sizes. The bench writes the
counters as the pipeline's writers do (one tally flushed for the whole batch).

Rows marked "info" have no such goal: a text search reads its driver term's postings and fetches
their images (about 2 × page size when hits match).
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from common import markdown_table, start_stack

SIZES = (1_000, 10_000)
JOB_PAGE = 25
IMAGE_PAGE = 50
# `make test` runs every bench at tiny sizes (bench/run_all.py --smoke): what changes there.
SMOKE = {"SIZES": (1_000,)}  # a search page needs 50 hits of one subject in ten, twice
SUBJECTS = ["fox", "lake", "lighthouse", "forest", "city", "beach", "mountain", "garden", "desert", "harbor"]
START = datetime(2026, 1, 1, tzinfo=UTC)


class ReadCounter:
    """Items DynamoDB read, from the responses PynamoDB's `Connection.dispatch` returns."""

    def __init__(self) -> None:
        self.items = 0
        self.requests = 0
        self.lock = threading.Lock()

    def install(self) -> None:
        from pynamodb.connection.base import Connection

        original = Connection.dispatch
        counter = self

        def counting(self: Any, operation_name: str, operation_kwargs: dict[str, Any]) -> Any:
            response = original(self, operation_name, operation_kwargs)
            counter.add(operation_name, response or {})
            return response

        Connection.dispatch = counting  # type: ignore[method-assign]

    def add(self, operation: str, response: dict[str, Any]) -> None:
        read = 0
        if operation in ("Query", "Scan"):
            read = response.get("ScannedCount", response.get("Count", 0))
        elif operation == "GetItem":
            read = 1 if response.get("Item") else 0
        elif operation == "BatchGetItem":
            read = sum(len(items) for items in response.get("Responses", {}).values())
        else:
            return
        with self.lock:
            self.items += read
            self.requests += 1

    def measure(self, action: Any) -> tuple[int, int, Any]:
        with self.lock:
            self.items = self.requests = 0
        value = action()
        return self.items, self.requests, value


def write_jobs(workspace: str, count: int) -> list[Any]:
    """`count` finished jobs, one minute apart, as `JobModel.save` would store them."""
    from chalicelib.models import JobModel, label_key

    jobs = []
    with JobModel.batch_write() as batch:
        for n in range(count):
            job = JobModel(
                f"{workspace}-{n:06d}",
                workspace=workspace,
                label=f"{SUBJECTS[n % len(SUBJECTS)]} job {n}",
                status="completed" if n % 4 else "failed",
                snapshot={},
                plan=[],
                created_at=START + timedelta(minutes=n),
            )
            job.workspace_status = f"{workspace}#{job.status}"  # what JobModel.save derives
            job.label_key = label_key(job.label, job.job_id)
            batch.save(job)
            jobs.append(job)
    return jobs


def write_images(workspace: str, count: int) -> list[Any]:
    """`count` images over jobs of 100, with their index keys and search postings."""
    from chalicelib import search
    from chalicelib.counters import Tally
    from chalicelib.models import ImageModel, ImageTermModel, JobModel

    images = []
    tally = Tally()
    with JobModel.batch_write() as jobs:  # the images' jobs, which keep their counts
        for n in range(0, count, 100):
            job_id = f"{workspace}-job{n // 100:04d}"
            jobs.save(
                JobModel(
                    job_id,
                    workspace=workspace,
                    label=job_id,
                    status="completed",
                    snapshot={},
                    plan=[],
                    created_at=START,
                )
            )
    statuses = ["approved"] * 7 + ["qc_failed", "processing", "retry_failed"]
    with ImageModel.batch_write() as batch, ImageTermModel.batch_write() as postings:
        for n in range(count):
            subject = SUBJECTS[n % len(SUBJECTS)]
            image = ImageModel(
                f"{workspace}-job{n // 100:04d}.{n % 100:05d}.00",
                job_id=f"{workspace}-job{n // 100:04d}",
                workspace=workspace,
                generation=n % 100,
                variation=0,
                keyword=subject,
                prompt=f"stock photo of a {subject} number {n}",
                provider="local",
                seed=n,
                status=statuses[n % len(statuses)],
                created_at=START + timedelta(minutes=n),
            )
            terms = search.image_terms(image.prompt, None, None, None)
            image.search_terms = terms
            image.set_index_keys()  # what ImageModel.save derives
            image.counted_status = image.status  # and what save_image counts
            tally.move(workspace, image.job_id, None, image.status)
            batch.save(image)
            for term in terms:
                postings.save(
                    ImageTermModel(
                        search.term_key(workspace, term),
                        search.posting_sort_key(image.created_at, image.image_id),
                        image_id=image.image_id,
                        job_id=image.job_id,
                    )
                )
            images.append(image)
    tally.flush()
    return images


def middle_cursor(key: dict[str, str], created_at: datetime, scope: str) -> str:
    """The cursor a client holds halfway through a newest-first list (as `next_cursor` encodes it
    for the listing `scope`)."""
    from chalicelib.models import JobModel
    from chalicelib.repositories.pages import encode_cursor

    last = {name: {"S": value} for name, value in key.items()}
    last["created_at"] = {"S": JobModel.created_at.serialize(created_at)}
    return encode_cursor(last, scope) or ""


def measure() -> dict[str, Any]:
    from chalicelib.repositories import images as image_repo
    from chalicelib.repositories import jobs as job_repo
    from chalicelib.repositories.images import ImageQuery, count_images, list_images
    from chalicelib.repositories.jobs import JobQuery, list_jobs

    stack = start_stack()
    counter = ReadCounter()
    counter.install()
    rows: list[dict[str, Any]] = []
    try:
        for size in SIZES:
            workspace = f"bench-{size}"
            jobs = write_jobs(workspace, size)
            middle = jobs[size // 2]  # newest first: the page after this job
            cursor = middle_cursor(
                {"job_id": middle.job_id, "workspace": workspace},
                middle.created_at,
                job_repo.cursor_scope(workspace, JobQuery()),
            )
            first, _, (page, _) = counter.measure(lambda w=workspace: list_jobs(w, JobQuery(limit=JOB_PAGE)))
            mid, _, (later, _) = counter.measure(
                lambda w=workspace, c=cursor: list_jobs(w, JobQuery(limit=JOB_PAGE, cursor=c))
            )
            assert len(page) == len(later) == JOB_PAGE and later[0].job_id == jobs[size // 2 - 1].job_id
            rows.append({"list": "jobs, newest", "n": size, "page": JOB_PAGE, "first": first, "middle": mid})

            images = write_images(workspace, size)
            middle_image = images[size // 2]
            cursor = middle_cursor(
                {"image_id": middle_image.image_id, "workspace": workspace},
                middle_image.created_at,
                image_repo.cursor_scope(workspace, ImageQuery()),
            )
            plain = ImageQuery(limit=IMAGE_PAGE, with_counts=False)
            first, _, page = counter.measure(lambda w=workspace, q=plain: list_images(w, q))
            mid, _, later = counter.measure(
                lambda w=workspace, c=cursor: list_images(
                    w, ImageQuery(limit=IMAGE_PAGE, cursor=c, with_counts=False)
                )
            )
            assert len(page.items) == len(later.items) == IMAGE_PAGE
            assert later.items[0].image_id == images[size // 2 - 1].image_id
            rows.append(
                {"list": "gallery, newest", "n": size, "page": IMAGE_PAGE, "first": first, "middle": mid}
            )

            found = ImageQuery(limit=IMAGE_PAGE, text="lighthouse photo", with_counts=False)
            first, _, page = counter.measure(lambda w=workspace, q=found: list_images(w, q))
            mid, _, _ = counter.measure(
                lambda w=workspace, q=found, c=page.next_cursor: list_images(
                    w, ImageQuery(limit=IMAGE_PAGE, text=q.text, cursor=c, with_counts=False)
                )
            )
            assert len(page.items) == IMAGE_PAGE
            rows.append(
                {
                    "list": "gallery, search (info)",
                    "n": size,
                    "page": IMAGE_PAGE,
                    "first": first,
                    "middle": mid,
                }
            )
            counted, _, (counts, exact) = counter.measure(lambda w=workspace: count_images(w, ImageQuery()))
            assert counts["total"] == size and exact
            job_id = images[0].job_id
            by_job, _, (job_counts, _) = counter.measure(
                lambda w=workspace, j=job_id: count_images(w, ImageQuery(job_id=j))
            )
            assert job_counts["total"] == 100
            for name, reads in (("gallery counts, workspace", counted), ("gallery counts, one job", by_job)):
                rows.append(
                    {"list": name, "n": size, "page": IMAGE_PAGE, "first": reads, "middle": "-", "goal": 1}
                )
    finally:
        stack.stop()
    return {"rows": rows}


def report(result: dict[str, Any]) -> str:
    by_list: dict[str, list[dict[str, Any]]] = {}
    for row in result["rows"]:
        by_list.setdefault(row["list"], []).append(row)
    table = []
    for name, rows in by_list.items():
        reads = [(row["first"], row["middle"]) for row in rows]
        for row in rows:
            most = row.get("goal", row["page"] + 1)
            if "info" in name:
                verdict = "-"
            else:
                within = all(r <= most for pair in reads for r in pair if r != "-")
                flat = len({pair for pair in reads}) == 1
                verdict = "ok" if within and flat else "NOT MET"
            goal = "-" if "info" in name else f"≤ {most}, flat in N"
            table.append([name, f"{row['n']:,}", row["page"], row["first"], row["middle"], goal, verdict])
    return markdown_table(
        ["list", "N in workspace", "page size", "items read: first page", "middle page", "goal", "verdict"],
        table,
    )


if __name__ == "__main__":
    print(report(measure()))
