"""Bulk delete and export of every image matching the gallery's filter (its "select all
matching"), resolved on the server a page at a time, so the selection has no size cap, after a
dry run that counts them; a filter is checked like the gallery's own parameters."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
import requests

from chalicelib import deletions, selection
from chalicelib.models import DeletionModel
from chalicelib.repositories import images as image_repo
from chalicelib.repositories import jobs as job_repo
from chalicelib.repositories.images import ImageQuery
from chalicelib.services import images as image_service
from tests.functional.helpers import config, images_of, start, wait_status, wait_until
from tests.functional.test_http_api import api, call  # noqa: F401 - the api fixture


def finished(deletion_id: str) -> DeletionModel:
    def done() -> DeletionModel | None:
        record = DeletionModel.get(deletion_id, consistent_read=True)
        return record if record.status != "running" else None

    return wait_until(done, timeout=60)


def test_a_filter_deletes_exactly_its_images_a_page_at_a_time_across_invocations(workspace, monkeypatch):
    doomed, kept = start(workspace, generations=5), start(workspace, generations=2)
    wait_status(doomed.job_id, "completed")
    wait_status(kept.job_id, "completed")
    chosen = {"filter": {"job_id": doomed.job_id}}
    assert image_service.preview_images(workspace, chosen) == {"matched": 5, "exact": True}

    # Two images a page, and a worker that is out of time after each page: the deletion is handed
    # to a fresh invocation that goes on from the recorded cursor, as a large one does on Lambda.
    monkeypatch.setattr(deletions, "CHUNK", 2)
    invocations: list[int] = []

    def out_of_time(context):  # noqa: ANN001, ANN202 - the worker's clock
        invocations.append(1)
        return lambda: False

    monkeypatch.setattr(deletions, "_clock", out_of_time)
    record = image_service.delete_images(workspace, chosen)
    assert record.ids == [] and int(record.total) == 5  # no ids stored: the filter is
    done = finished(record.deletion_id)
    assert done.status == "done", done.error
    assert int(done.done) == 5 and int(done.images_deleted) == 5
    assert len(invocations) == 3  # pages of 2, 2 and 1
    assert images_of(doomed.job_id) == []
    assert len(images_of(kept.job_id)) == 2
    counts = image_repo.list_images(workspace, ImageQuery(with_counts=True)).counts
    assert counts is not None and counts["total"] == 2


def test_a_status_filter_counts_and_reads_only_that_status(workspace):
    job = start(workspace, generations=4)
    wait_status(job.job_id, "completed")
    images = images_of(job.job_id)
    image_repo.set_status(images[0], "qc_failed")  # one failed, three approved
    params = selection.image_filter(workspace, {"filter": {"job_id": job.job_id, "status": "approved"}})
    assert selection.count_matching_images(workspace, params) == (3, True)
    read = [
        image.image_id
        for page, _ in selection.matching_image_pages(workspace, params, size=2)
        for image in page
    ]
    assert sorted(read) == sorted(image.image_id for image in images[1:])
    # What the user confirmed: images made after that moment are not part of it.
    before = min(image.created_at for image in images) - timedelta(seconds=1)
    assert [page for page, _ in selection.matching_image_pages(workspace, params, until=before)] == [[]]


def test_an_export_by_filter_is_a_zip_of_exactly_the_matching_images(api):  # noqa: F811
    started = call(api, "POST", "/api/jobs", json={"config": config(3, label="filtered export")}).json()[
        "job"
    ]
    other = call(api, "POST", "/api/jobs", json={"config": config(1, label="not exported")}).json()["job"]
    wait_status(started["id"], "completed")
    wait_status(other["id"], "completed")
    chosen = {"filter": {"job_id": started["id"]}}
    preview = call(api, "POST", "/api/images/bulk/preview", json=chosen)
    assert preview.status_code == 200, preview.text
    assert preview.json() == {"matched": 3, "exact": True}

    answer = call(api, "POST", "/api/images/export", json=chosen)
    assert answer.status_code == 201, answer.text
    export = answer.json()["export"]
    archive = zipfile.ZipFile(io.BytesIO(requests.get(export["url"], timeout=30).content))
    names = sorted(name for name in archive.namelist() if name.startswith("images/"))
    expected = sorted(f"images/{image.current_key.rsplit('/', 1)[-1]}" for image in images_of(started["id"]))
    assert names == expected
    assert "metadata.xlsx" in archive.namelist()


def test_a_delete_by_filter_over_http_follows_to_done(api):  # noqa: F811
    job = call(api, "POST", "/api/jobs", json={"config": config(2, label="filtered delete")}).json()["job"]
    wait_status(job["id"], "completed")
    answer = call(
        api, "POST", "/api/images/bulk/delete", json={"filter": {"job_id": job["id"], "sort": "oldest"}}
    )
    assert answer.status_code == 202, answer.text
    assert answer.json()["deletion"]["total"] == 2
    done = finished(answer.json()["deletion"]["id"])
    assert done.status == "done" and int(done.images_deleted) == 2
    listed = call(api, "GET", "/api/images", params={"job_id": job["id"]}).json()
    assert listed["items"] == [] and listed["counts"]["total"] == 0


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/images/bulk/delete", {"ids": ["x"], "filter": {}}, "filter"),
        ("/api/images/bulk/delete", {"filter": {"colour": "red"}}, "filter"),
        ("/api/images/bulk/delete", {"filter": {"status": "lost"}}, "filter.status"),
        ("/api/images/bulk/delete", {"filter": {"sort": 3}}, "filter.sort"),
        ("/api/images/bulk/delete", {"filter": {"from": "2026-05-09", "to": "2026-05-01"}}, "filter.to"),
        ("/api/images/bulk/delete", {"filter": {"q": "a" * 300}}, "filter.q"),
        ("/api/images/bulk/delete", {"filter": {}, "dry_run": True}, "dry_run"),
        ("/api/images/export", {"filter": {"status": "lost"}}, "filter.status"),
        ("/api/images/export", {"filter": {}, "ids": ["x"]}, "filter"),
        ("/api/images/bulk/preview", {}, "filter"),
        ("/api/images/bulk/preview", {"filter": "all"}, "filter"),
    ],
)
def test_a_bad_filter_selection_is_a_400_naming_the_field(api, path, body, field):  # noqa: F811
    answer = call(api, "POST", path, json=body)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["field"] == field


def test_a_filter_on_another_workspaces_job_or_matching_nothing_touches_nothing(api, workspace):  # noqa: F811
    foreign = start(workspace, generations=1)
    wait_status(foreign.job_id, "completed")
    answer = call(api, "POST", "/api/images/bulk/delete", json={"filter": {"job_id": foreign.job_id}})
    assert answer.status_code == 404 and answer.json()["error"]["field"] == "filter.job_id"
    assert len(images_of(foreign.job_id)) == 1
    nothing = {"filter": {"q": "zzzunmatchedterm"}}
    for path in ("/api/images/bulk/delete", "/api/images/export"):
        answer = call(api, "POST", path, json=nothing)
        assert answer.status_code == 400 and answer.json()["error"]["message"] == "matches no image"
    assert job_repo.find_job(foreign.job_id) is not None
