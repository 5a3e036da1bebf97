"""Exports through the HTTP API with real jobs on the local stack (SPEC §5, §6)."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import openpyxl
import pytest
import requests

from chalicelib import aws
from chalicelib.exports import export_jobs
from chalicelib.settings import get_settings
from tests.functional.helpers import config, images_of, session_user, wait_status
from tests.functional.test_http_api import api, call  # noqa: F401 - the api fixture

WITH_METADATA = {"quality_check": False, "metadata": True}


def _run_job(api, label: str, generations: int) -> dict:  # noqa: F811
    body = {"config": config(generations, label=label, ai=WITH_METADATA)}
    job = call(api, "POST", "/api/jobs", json=body).json()["job"]
    wait_status(job["id"], "completed", timeout=60)
    return job


@pytest.fixture(scope="module")
def jobs(api):  # noqa: F811
    return [_run_job(api, "Spring: shoes", 3), _run_job(api, "Autumn", 2)]


def _download(export: dict) -> bytes:
    assert export["status"] == "ready" and export["url"]
    response = requests.get(export["url"], timeout=30)
    assert response.status_code == 200
    return response.content


def _rows(data: bytes, sheet: str) -> list[dict]:
    header, *rows = openpyxl.load_workbook(io.BytesIO(data))[sheet].iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_a_job_exports_to_an_xlsx_with_its_summary_and_images(api, jobs):  # noqa: F811
    job = jobs[0]
    response = call(api, "GET", f"/api/jobs/{job['id']}/export")
    assert response.status_code == 200
    export = response.json()["export"]
    assert {"id", "status", "key", "url"} <= set(export)
    assert export["key"].startswith(f"exports/{session_user().sub}/Spring__shoes_") and export[
        "key"
    ].endswith(".xlsx")
    data = _download(export)
    (summary,) = _rows(data, "Job Summary")
    assert summary["Job ID"] == job["id"] and summary["Label"] == "Spring: shoes"
    assert summary["Status"] == "completed" and summary["Total"] == 3 and summary["Successful"] == 3
    assert summary["generations"] == 3 and summary["ai.metadata"] is True
    assert not any("api_key" in name for name in summary)
    images = _rows(data, "Images")
    assert sorted(row["Image ID"] for row in images) == sorted(i.image_id for i in images_of(job["id"]))
    assert all(row["Title"] and row["Description"] and row["Tags"] for row in images)


def test_the_download_is_named_after_the_file_and_typed(api, jobs):  # noqa: F811
    export = call(api, "GET", f"/api/jobs/{jobs[1]['id']}/export").json()["export"]
    response = requests.get(export["url"], timeout=30)
    name = export["key"].rsplit("/", 1)[-1]
    assert f'filename="{name}"' in response.headers["Content-Disposition"]
    assert response.headers["Content-Type"].endswith("spreadsheetml.sheet")


def test_an_export_still_being_built_has_no_link_yet(api):  # noqa: F811
    from chalicelib.models import ExportModel

    record = ExportModel(
        "b" * 32,
        workspace=session_user().sub,
        kind="jobs_zip",
        status="building",
        key=f"exports/{session_user().sub}/bulk_export_x.zip",
        progress=40,
        step="creating-excel",
        created_at=datetime.now(UTC),
    )
    record.save()
    export = call(api, "GET", f"/api/exports/{record.export_id}").json()["export"]
    assert (export["status"], export["progress"], export["step"], export["url"]) == (
        "building",
        40,
        "creating-excel",
        None,
    )


def test_an_export_can_be_followed_by_its_id(api, jobs):  # noqa: F811
    created = call(api, "GET", f"/api/jobs/{jobs[1]['id']}/export").json()["export"]
    followed = call(api, "GET", f"/api/exports/{created['id']}")
    assert followed.status_code == 200
    export = followed.json()["export"]
    assert export["id"] == created["id"] and export["key"] == created["key"]
    assert (export["status"], export["progress"], export["step"]) == ("ready", 100, "completed")
    assert export["kind"] == "job_xlsx"
    assert _download(export)[:2] == b"PK"


def test_bulk_export_is_one_zip_with_an_xlsx_per_job_and_a_summary(api, jobs):  # noqa: F811
    ids = [job["id"] for job in jobs]
    response = call(api, "POST", "/api/jobs/bulk/export", json={"ids": [*ids, "f" * 32]})
    assert response.status_code == 201
    export = response.json()["export"]
    assert export["kind"] == "jobs_zip" and export["key"].endswith(".zip")
    archive = zipfile.ZipFile(io.BytesIO(_download(export)))
    assert archive.testzip() is None
    expected = {f"Spring__shoes_{ids[0][:8]}.xlsx", f"Autumn_{ids[1][:8]}.xlsx", "summary.txt"}
    assert set(archive.namelist()) == expected
    for job in jobs:
        name = next(n for n in archive.namelist() if job["id"][:8] in n)
        (summary,) = _rows(archive.read(name), "Job Summary")
        assert summary["Job ID"] == job["id"]
    summary = archive.read("summary.txt").decode()
    assert "Total jobs: 3" in summary and "Exported: 2" in summary and "Skipped: 1" in summary
    assert f"Spring: shoes | {ids[0]} | Spring__shoes_{ids[0][:8]}.xlsx" in summary
    assert f"{'f' * 32} | skipped: job not found" in summary


def test_a_job_whose_spreadsheet_fails_is_skipped_with_the_reason(api, jobs, monkeypatch):  # noqa: F811
    from chalicelib.exports import xlsx

    real = xlsx.job_workbook

    def failing_for_autumn(job, images):
        if job.label == "Autumn":
            raise RuntimeError("disk full")
        return real(job, images)

    monkeypatch.setattr(xlsx, "job_workbook", failing_for_autumn)
    ids = [job["id"] for job in jobs]
    export = call(api, "POST", "/api/jobs/bulk/export", json={"ids": ids}).json()["export"]
    archive = zipfile.ZipFile(io.BytesIO(_download(export)))
    assert sorted(archive.namelist()) == sorted([f"Spring__shoes_{ids[0][:8]}.xlsx", "summary.txt"])
    summary = archive.read("summary.txt").decode()
    assert "Exported: 1" in summary
    assert f"Autumn | {ids[1]} | skipped: its spreadsheet could not be written" in summary


def test_an_export_where_no_job_could_be_written_is_recorded_as_failed(api, jobs, monkeypatch):  # noqa: F811
    from chalicelib.exports import xlsx

    def failing(job, images):
        raise RuntimeError("disk full")

    monkeypatch.setattr(xlsx, "job_workbook", failing)
    response = call(api, "POST", "/api/jobs/bulk/export", json={"ids": [jobs[1]["id"]]})
    assert response.status_code == 500
    error = response.json()["error"]
    assert error["code"] == "export_failed"
    export_id = error["message"].split()[1].rstrip(":")
    export = call(api, "GET", f"/api/exports/{export_id}").json()["export"]
    assert export["status"] == "failed" and export["url"] is None
    assert "none of the jobs" in export["error"]
    bucket = get_settings().bucket
    assert "Contents" not in aws.s3().list_objects_v2(Bucket=bucket, Prefix=export["key"])
    uploads = aws.s3().list_multipart_uploads(Bucket=bucket, Prefix=export["key"]).get("Uploads", [])
    assert uploads == []  # aborted, not left to bill


def test_image_export_is_a_zip_of_the_images_and_their_metadata(api, jobs):  # noqa: F811
    images = images_of(jobs[0]["id"])[:2] + images_of(jobs[1]["id"])[:1]
    response = call(api, "POST", "/api/images/export", json={"ids": [i.image_id for i in images]})
    assert response.status_code == 201
    export = response.json()["export"]
    assert export["kind"] == "images_zip"
    archive = zipfile.ZipFile(io.BytesIO(_download(export)))
    assert archive.testzip() is None
    names = [f"images/{image.current_key.rsplit('/', 1)[-1]}" for image in images]
    assert sorted(archive.namelist()) == sorted([*names, "metadata.xlsx"])
    for name, image in zip(names, images, strict=True):
        assert archive.read(name) == aws.get_object(image.current_key)
    rows = _rows(archive.read("metadata.xlsx"), "Metadata")
    assert [row["Image Name"] for row in rows] == [name.removeprefix("images/") for name in names]
    assert rows[0]["Title"] == images[0].title and rows[0]["Tags"] == ", ".join(images[0].tags)
    assert rows[0]["Date"].endswith("Z")


def test_a_custom_destination_appends_a_number_to_a_name_taken_and_is_remembered(api, jobs):  # noqa: F811
    folder = "Client: A/May"
    body = {
        "ids": [jobs[1]["id"]],
        "destination": {
            "kind": "custom",
            "folder": folder,
            "filename": "bulk*export",
            "on_duplicate": "append",
        },
    }
    first = call(api, "POST", "/api/jobs/bulk/export", json=body).json()["export"]
    second = call(api, "POST", "/api/jobs/bulk/export", json=body).json()["export"]
    assert first["key"] == f"exports/{session_user().sub}/Client_ A/May/bulk_export.zip"
    assert second["key"] == f"exports/{session_user().sub}/Client_ A/May/bulk_export-1.zip"
    body["destination"]["on_duplicate"] = "overwrite"
    third = call(api, "POST", "/api/jobs/bulk/export", json=body).json()["export"]
    assert third["key"] == first["key"]
    assert zipfile.ZipFile(io.BytesIO(_download(second))).testzip() is None
    settings = call(api, "GET", "/api/settings").json()["settings"]
    assert settings["export_folders"]["zip"] == "Client_ A/May"


def test_a_job_export_takes_its_destination_as_query_parameters_or_a_body(api, jobs):  # noqa: F811
    params = {"kind": "custom", "folder": "sheets", "filename": "spring"}
    by_query = call(api, "GET", f"/api/jobs/{jobs[0]['id']}/export", params=params).json()["export"]
    assert by_query["key"].startswith(f"exports/{session_user().sub}/sheets/spring") and by_query[
        "key"
    ].endswith(".xlsx")
    body = {"destination": {**params, "on_duplicate": "overwrite"}}
    by_body = call(api, "POST", f"/api/jobs/{jobs[0]['id']}/export", json=body)
    assert by_body.status_code == 201
    assert by_body.json()["export"]["key"] == f"exports/{session_user().sub}/sheets/spring.xlsx"
    assert call(api, "GET", "/api/settings").json()["settings"]["export_folders"]["xlsx"] == "sheets"


def test_exports_of_unknown_things_are_404(api):  # noqa: F811
    for method, path, body in [
        ("GET", "/api/jobs/nope/export", None),
        ("POST", "/api/jobs/nope/export", {}),
        ("POST", "/api/jobs/bulk/export", {"ids": ["nope", "nada"]}),
        ("POST", "/api/images/export", {"ids": ["nope.00000.00"]}),
        ("GET", "/api/exports/nope", None),
    ]:
        response = call(api, method, path, json=body)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "not_found"


def test_another_workspaces_export_is_not_found(api, jobs):  # noqa: F811
    job = wait_status(jobs[0]["id"], "completed")
    other = job.workspace + "-other"
    job.workspace = other
    job.save()  # the same job moved to another workspace for a moment
    try:
        record = export_jobs(other, {"ids": [job.job_id]})
    finally:
        job.workspace = session_user().sub
        job.save()
    assert call(api, "GET", f"/api/exports/{record.export_id}").status_code == 404


@pytest.mark.parametrize(
    "path,body,field",
    [
        ("/api/jobs/bulk/export", {}, "ids"),
        ("/api/jobs/bulk/export", {"ids": []}, "ids"),
        ("/api/jobs/bulk/export", {"ids": [1]}, "ids"),
        ("/api/jobs/bulk/export", {"ids": ["x"] * 101}, "ids"),
        ("/api/jobs/bulk/export", {"ids": ["x"], "format": "csv"}, "format"),
        ("/api/jobs/bulk/export", {"ids": ["x"], "destination": "desk"}, "destination"),
        ("/api/jobs/bulk/export", {"ids": ["x"], "destination": {"kind": "cloud"}}, "destination.kind"),
        ("/api/jobs/bulk/export", {"ids": ["x"], "destination": {"kind": "custom"}}, "destination.folder"),
        (
            "/api/jobs/bulk/export",
            {"ids": ["x"], "destination": {"kind": "custom", "folder": "../up"}},
            "destination.folder",
        ),
        (
            "/api/jobs/bulk/export",
            {"ids": ["x"], "destination": {"kind": "custom", "folder": "f", "on_duplicate": "skip"}},
            "destination.on_duplicate",
        ),
        (
            "/api/images/export",
            {"ids": ["x"], "destination": {"kind": "custom", "folder": "f", "filename": 5}},
            "destination.filename",
        ),
        ("/api/images/export", {"ids": "x"}, "ids"),
        ("/api/images/export", {"ids": ["x" * 101]}, "ids"),
        ("/api/jobs/x/export", {"destination": {"kind": "default", "folder": "f"}}, "destination.folder"),
        ("/api/jobs/x/export", {"where": "here"}, "where"),
    ],
)
def test_a_bad_export_request_is_a_400_naming_the_field(api, path, body, field):  # noqa: F811
    response = call(api, "POST", path, json=body)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["field"] == field


def test_a_bad_destination_in_the_query_is_a_400(api, jobs):  # noqa: F811
    response = call(api, "GET", f"/api/jobs/{jobs[0]['id']}/export", params={"kind": "custom"})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "destination.folder"


def test_a_bulk_export_of_jobs_that_all_do_not_exist_records_nothing(api):  # noqa: F811
    from chalicelib.models import ExportModel

    before = sum(1 for _ in ExportModel.scan())
    assert call(api, "POST", "/api/jobs/bulk/export", json={"ids": ["a" * 32]}).status_code == 404
    assert sum(1 for _ in ExportModel.scan()) == before


def test_an_image_whose_file_is_gone_is_left_out(api):  # noqa: F811
    job = _run_job(api, "Vanishing", 2)
    first, second = images_of(job["id"])
    aws.s3().delete_object(Bucket=get_settings().bucket, Key=first.current_key)
    response = call(api, "POST", "/api/images/export", json={"ids": [first.image_id, second.image_id]})
    assert response.status_code == 201
    archive = zipfile.ZipFile(io.BytesIO(_download(response.json()["export"])))
    assert sorted(archive.namelist()) == sorted(
        [f"images/{second.current_key.rsplit('/', 1)[-1]}", "metadata.xlsx"]
    )
    alone = call(api, "POST", "/api/images/export", json={"ids": [first.image_id]})
    assert alone.status_code == 409
    assert alone.json()["error"]["field"] == "ids"


@pytest.fixture
def no_wait(monkeypatch):
    """The request does not wait for the build, as with an export too large to finish in time."""
    from chalicelib import settings

    monkeypatch.setenv(settings.ENV_EXPORT_WAIT_S, "0")
    settings.reset_settings()
    yield
    monkeypatch.undo()
    settings.reset_settings()


def test_an_export_not_ready_in_time_answers_202_and_is_followed_to_its_link(api, jobs, no_wait):  # noqa: F811
    import threading
    from unittest import mock

    from chalicelib.exports import service
    from tests.functional.helpers import wait_until

    gate = threading.Event()
    build_images = service.BUILDERS[service.KIND_IMAGES]

    def held(build, request):
        gate.wait(10)  # still building when the request answers
        build_images(build, request)

    def finished(export_id: str) -> dict | None:
        export = call(api, "GET", f"/api/exports/{export_id}").json()["export"]
        return export if export["status"] != "building" else None

    ids = [image.image_id for image in images_of(jobs[0]["id"])]
    with mock.patch.dict(service.BUILDERS, {service.KIND_IMAGES: held}):
        started = call(api, "POST", "/api/images/export", json={"ids": ids})
        assert started.status_code == 202, started.text
        export = started.json()["export"]
        assert (export["status"], export["url"]) == ("building", None)
        gate.set()
        followed = wait_until(lambda: finished(export["id"]))
    assert followed["progress"] == 100
    archive = zipfile.ZipFile(io.BytesIO(_download(followed)))
    assert len([name for name in archive.namelist() if name.startswith("images/")]) == len(ids)


def test_a_build_delivered_twice_writes_the_export_once(api, jobs):  # noqa: F811
    from chalicelib.exports import build_export

    export = call(api, "GET", f"/api/jobs/{jobs[1]['id']}/export").json()["export"]
    before = aws.s3().head_object(Bucket=get_settings().bucket, Key=export["key"])["ETag"]
    build_export({"export_id": export["id"]})  # Lambda may deliver an event again
    build_export({"export_id": "no-such-export"})  # or one whose record is gone
    assert aws.s3().head_object(Bucket=get_settings().bucket, Key=export["key"])["ETag"] == before
    assert call(api, "GET", f"/api/exports/{export['id']}").json()["export"]["status"] == "ready"
