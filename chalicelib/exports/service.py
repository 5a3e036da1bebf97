"""Exports (SPEC §5): one job's `.xlsx`, a ZIP of job spreadsheets with `summary.txt`, and a
ZIP of chosen images with `metadata.xlsx`; each written to S3 as it is produced and recorded in
the exports table (`building` → `ready` | `failed`, with progress and step).

A request checks what it can at once (a bad body is a 400, unknown things a 404), records the
export as `building` and hands it to the `build_export` function (an asynchronous Lambda
invocation), then waits a little: a small export is answered `ready` with its link, a large one
`building` (202), to be followed with `GET /api/exports/{id}`. So no export is bound by API
Gateway's 29 seconds, and memory does not depend on the size (see `zipstream`).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar
from zipfile import ZipFile

from chalicelib import aws, joblive
from chalicelib.errors import ConflictError, ImageFactoryError, NotFoundError, ValidationError
from chalicelib.exports import storage, xlsx
from chalicelib.exports.destinations import Destination, parse_destination, resolve_key, safe_label
from chalicelib.exports.exceptions import ExportFailedError, MissingObjectError
from chalicelib.exports.zipstream import (
    MultipartWriter,
    add_bytes,
    add_stream,
    entry_info,
    file_chunks,
    file_size,
    open_archive,
    unique_name,
)
from chalicelib.models import ExportModel, ImageModel, JobModel, WorkspaceSettingsModel
from chalicelib.repositories import jobs as job_repo
from chalicelib.views import iso

log = logging.getLogger("imgfactory.exports")

KIND_JOB = "job_xlsx"
KIND_JOBS = "jobs_zip"
KIND_IMAGES = "images_zip"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_TYPE = "application/zip"
URL_EXPIRES_S = 3600
MAX_JOBS = 100
MAX_IMAGES = 1000
BODY_KEYS = {"ids", "destination"}
MAX_ID_LENGTH = 100  # ids are 32 to ~45 characters; DynamoDB refuses keys past 2,048 bytes

GATHERING = "gathering-files"
CREATING_EXCEL = "creating-excel"
ZIPPING = "zipping"
COMPLETED = "completed"
PROGRESS_STEP = 5  # percentage points between two progress writes

T = TypeVar("T")


def utcnow() -> datetime:
    return datetime.now(UTC)


# --- the export record --------------------------------------------------------------------


class Build:
    """One export being written: its record, its S3 key, and progress reporting."""

    def __init__(self, record: ExportModel) -> None:
        self.record = record
        self._reported = 0

    @property
    def key(self) -> str:
        return str(self.record.key)

    def step(self, name: str, progress: int) -> None:
        self._reported = progress
        self.record.update(actions=[ExportModel.step.set(name), ExportModel.progress.set(progress)])

    def advance(self, progress: float) -> None:
        """Record progress within the current step, a write per `PROGRESS_STEP` points at most."""
        value = int(progress)
        if value >= self._reported + PROGRESS_STEP:
            self._reported = value
            self.record.update(actions=[ExportModel.progress.set(value)])

    def counted(self, items: Iterable[T], total: int, start: int, end: int) -> Iterator[T]:
        for done, item in enumerate(items, 1):
            yield item
            self.advance(start + (end - start) * min(done, total) / max(total, 1))

    def writer(self, content_type: str) -> MultipartWriter:
        filename = self.key.rsplit("/", 1)[-1]
        return MultipartWriter(storage.S3MultipartSink(self.key, content_type, filename=filename))


def _start(
    workspace: str,
    kind: str,
    destination: Destination,
    *,
    stem: str,
    extension: str,
    request: dict[str, Any],
) -> ExportModel:
    """Record the export, hand it to `build_export`, and wait up to `export_wait_s` for it."""
    from chalicelib.settings import get_settings

    export_id = uuid.uuid4().hex
    key = resolve_key(
        workspace,
        destination,
        stem=stem,
        extension=extension,
        export_id=export_id,
        exists=storage.object_exists,
    )
    remembered = destination.folder if destination.custom and destination.folder else None
    record = ExportModel(
        export_id,
        workspace=workspace,
        kind=kind,
        status="building",
        key=key,
        progress=0,
        step=GATHERING,
        request={**request, "remember_folder": remembered},
        created_at=utcnow(),
    )
    record.save()
    settings = get_settings()
    try:
        aws.invoke_async(settings.export_function_arn, {"export_id": export_id})
    except Exception as err:
        log.exception("export %s could not be handed to build_export", export_id)
        failed = ExportFailedError(f"export {export_id} could not be started; try again", export_id)
        _mark_failed(record, failed)
        raise failed from err
    return wait_for(record, settings.export_wait_s)


def wait_for(
    record: ExportModel, timeout_s: float, first_s: float = 0.1, longest_s: float = 1.0
) -> ExportModel:
    """The record once it is no longer `building`, or as it is when the time is up. Looks
    often at first (most exports are small), then at most once a second."""
    import time

    deadline, interval = time.monotonic() + timeout_s, first_s
    while record.status == "building" and time.monotonic() < deadline:
        time.sleep(min(interval, max(0.0, deadline - time.monotonic())))
        interval = min(interval * 1.5, longest_s)
        record.refresh(consistent_read=True)
    return record


def build_export(event: dict[str, Any]) -> None:
    """The `build_export` function: write the export recorded as `building`, then mark it
    `ready`, or `failed` with the reason. It never raises, so Lambda does not retry a build
    that has already recorded its outcome."""
    try:
        record = ExportModel.get(str(event.get("export_id")), consistent_read=True)
    except ExportModel.DoesNotExist:
        log.warning("build_export: no export %s", event.get("export_id"))
        return
    if record.status != "building":
        return  # a repeated delivery of a finished build
    build = Build(record)
    try:
        BUILDERS[str(record.kind)](build, dict(record.request or {}))
    except ImageFactoryError as err:
        _mark_failed(record, err)
        return
    except Exception:
        log.exception("export %s (%s) failed", record.export_id, record.kind)
        message = f"export {record.export_id} could not be written; try again"
        _mark_failed(record, ExportFailedError(message, record.export_id))
        return
    folder = (record.request or {}).get("remember_folder")
    if folder:  # before it says ready: whoever sees it ready and exports again is offered the folder
        try:
            remember_folder(str(record.workspace), str(record.key).rsplit(".", 1)[-1], folder)
        except Exception:  # noqa: BLE001 - the file is written; only the suggestion is lost
            log.exception("could not remember export folder of %s", record.workspace)
    record.update(
        actions=[
            ExportModel.status.set("ready"),
            ExportModel.step.set(COMPLETED),
            ExportModel.progress.set(100),
        ]
    )


def raise_if_failed(record: ExportModel) -> ExportModel:
    """A request that waited for its export answers a failed build as the error it was."""
    if record.status != "failed":
        return record
    failure = dict(record.failure or {})
    error = ImageFactoryError(str(record.error or "the export failed"))
    error.code = str(failure.get("code") or ExportFailedError.code)
    error.http_status = int(failure.get("status") or ExportFailedError.http_status)
    error.field = failure.get("field")
    raise error


def _mark_failed(record: ExportModel, err: ImageFactoryError) -> None:
    failure = {"status": err.http_status, "code": err.code, "field": err.field}  # the message: `error`
    try:
        record.update(
            actions=[
                ExportModel.status.set("failed"),
                ExportModel.error.set(err.message[:1000]),
                ExportModel.failure.set(failure),
            ]
        )
    except Exception:  # noqa: BLE001 - the original error matters more than this one
        log.exception("could not mark export %s failed", record.export_id)


@contextmanager
def _zip_upload(build: Build) -> Iterator[ZipFile]:
    """A ZIP streamed into the export's multipart upload; aborted if the body raises."""
    writer = build.writer(ZIP_TYPE)
    try:
        archive = open_archive(writer)
        yield archive
        archive.close()
        writer.close()
    except BaseException:
        writer.abort()
        raise


def remember_folder(workspace: str, file_type: str, folder: str) -> None:
    """The last custom folder per file type (`xlsx`, `zip`), offered again next time."""
    try:
        folders = dict(WorkspaceSettingsModel.get(workspace, consistent_read=True).export_folders or {})
    except WorkspaceSettingsModel.DoesNotExist:
        folders = {}
    folders[file_type] = folder
    WorkspaceSettingsModel(workspace).update(
        actions=[
            WorkspaceSettingsModel.export_folders.set(folders),
            WorkspaceSettingsModel.updated_at.set(utcnow()),
        ]
    )


def get_export(workspace: str, export_id: str) -> ExportModel:
    if len(export_id) > MAX_ID_LENGTH:
        raise NotFoundError(f"export {export_id[:MAX_ID_LENGTH]}… not found", field="export_id")
    try:
        record = ExportModel.get(export_id, consistent_read=True)
    except ExportModel.DoesNotExist:
        raise NotFoundError(f"export {export_id} not found", field="export_id") from None
    if record.workspace != workspace:
        raise NotFoundError(f"export {export_id} not found", field="export_id")
    return record


def export_view(record: ExportModel) -> dict[str, Any]:
    """An export in API responses; `url` is a one-hour download link once it is ready."""
    ready = record.status == "ready" and record.key
    return {
        "id": record.export_id,
        "kind": record.kind,
        "status": record.status,
        "progress": int(record.progress),
        "step": record.step,
        "key": record.key,
        "url": aws.presigned_url(record.key, URL_EXPIRES_S) if ready else None,
        "error": record.error,
        "created_at": iso(record.created_at),
    }


# --- request bodies -------------------------------------------------------------------------


def _checked_body(body: dict[str, Any], limit: int, what: str) -> tuple[list[str], Destination]:
    unknown = sorted(set(body) - BODY_KEYS)
    if unknown:
        raise ValidationError(f"{unknown[0]} is an unknown key; allowed: destination, ids", field=unknown[0])
    ids = body.get("ids")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) and i for i in ids):
        raise ValidationError(f"must be a non-empty list of {what} ids", field="ids")
    if any(len(i) > MAX_ID_LENGTH or not i.isprintable() for i in ids):
        raise ValidationError(f"{what} ids are at most {MAX_ID_LENGTH} printable characters", field="ids")
    if len(ids) > limit:
        raise ValidationError(f"at most {limit} {what}s at a time", field="ids")
    return list(dict.fromkeys(ids)), parse_destination(body.get("destination"))


# --- one job's spreadsheet ------------------------------------------------------------------


def export_job(workspace: str, job_id: str, destination: Any = None) -> ExportModel:
    """The job's `.xlsx`: job summary with its as-run settings, and every image's metadata."""
    where = parse_destination(destination)
    if len(job_id) > MAX_ID_LENGTH:
        raise NotFoundError(f"job {job_id[:MAX_ID_LENGTH]}… not found", field="job_id")
    job = job_repo.get_job(job_id, workspace)
    stem = safe_label(job.label, "job")
    return _start(workspace, KIND_JOB, where, stem=stem, extension="xlsx", request={"job_id": job.job_id})


def _build_job(build: Build, request: dict[str, Any]) -> None:
    job = job_repo.get_job(request["job_id"], str(build.record.workspace))
    joblive.note_export([job.job_id], build.record.export_id)  # the job page lists it
    build.step(CREATING_EXCEL, 5)
    images = build.counted(ImageModel.by_job.query(job.job_id), int(job.images_planned), 5, 90)
    with xlsx.job_workbook(job, images) as workbook, build.writer(XLSX_TYPE) as out:
        for chunk in file_chunks(workbook):
            out.write(chunk)


# --- jobs ZIP -------------------------------------------------------------------------------


def export_jobs(workspace: str, body: dict[str, Any], limit: int = MAX_JOBS) -> ExportModel:
    """One `.xlsx` per job and `summary.txt`. A job that is unknown or fails is listed in the
    summary as skipped with the reason; the export fails only if no job could be exported.
    (`limit`: ids sent by a client; a filter resolved by the route may select more.)"""
    ids, where = _checked_body(body, limit, "job")
    if not any(_own_job(workspace, job_id) for job_id in ids):
        raise NotFoundError("none of the jobs was found", field="ids")
    return _start(workspace, KIND_JOBS, where, stem="bulk_export", extension="zip", request={"ids": ids})


def _own_job(workspace: str, job_id: str) -> JobModel | None:
    job = job_repo.find_job(job_id)
    return job if job is not None and job.workspace == workspace else None


def _build_jobs(build: Build, request: dict[str, Any]) -> None:
    ids: list[str] = list(request["ids"])
    jobs = {job_id: _own_job(str(build.record.workspace), job_id) for job_id in ids}
    joblive.note_export([job_id for job_id, job in jobs.items() if job is not None], build.record.export_id)
    build.step(CREATING_EXCEL, 5)
    lines: list[tuple[str, str | None, str, str | None]] = []  # (id, label, file, skip reason)
    taken: set[str] = set()
    with _zip_upload(build) as archive:
        for done, job_id in enumerate(ids, 1):
            job = jobs.get(job_id)
            if job is None:
                lines.append((job_id, None, "", "job not found"))
                continue
            name = _add_job_sheet(archive, job, taken)
            if name is None:
                lines.append((job_id, job.label, "", "its spreadsheet could not be written"))
            else:
                lines.append((job_id, job.label, name, None))
            build.advance(5 + 85 * done / len(ids))
        if not any(reason is None for *_, reason in lines):
            export_id = build.record.export_id
            raise ExportFailedError(f"export {export_id}: none of the jobs could be exported", export_id)
        build.step(ZIPPING, 92)
        add_bytes(archive, entry_info("summary.txt"), summary_text(lines, utcnow()).encode())


def _add_job_sheet(archive: ZipFile, job: JobModel, taken: set[str]) -> str | None:
    """Add the job's spreadsheet as an entry; None when it could not be built. (It is built in
    a spooled file first, so a failure leaves no half-written entry in the ZIP.)"""
    try:
        workbook = xlsx.job_workbook(job, ImageModel.by_job.query(job.job_id))
    except Exception:  # noqa: BLE001 - one job's failure is reported in the summary
        log.exception("bulk export: job %s skipped", job.job_id)
        return None
    name = unique_name(f"{safe_label(job.label)}_{job.job_id[:8]}.xlsx", taken)
    with workbook:
        add_stream(archive, entry_info(name, job.created_at), file_chunks(workbook), file_size(workbook))
    return name


def summary_text(lines: list[tuple[str, str | None, str, str | None]], generated: datetime) -> str:
    exported = sum(1 for *_, reason in lines if reason is None)
    out = [
        "Image Factory bulk export",
        f"Generated at: {iso(generated)}",
        f"Total jobs: {len(lines)}",
        f"Exported: {exported}",
        f"Skipped: {len(lines) - exported}",
        "",
    ]
    for job_id, label, name, reason in lines:
        shown = label if label is not None else "(unknown)"
        if reason is None:
            out.append(f"{shown} | {job_id} | {name}")
        else:
            out.append(f"{shown} | {job_id} | skipped: {reason}")
    return "\r\n".join(out) + "\r\n"


# --- images ZIP -----------------------------------------------------------------------------


def export_images(workspace: str, body: dict[str, Any]) -> ExportModel:
    """`images/<file>` for each chosen image (its current object; same names become `name_2.ext`;
    objects gone missing are skipped) and `metadata.xlsx` listing the files in the ZIP. The
    images are the body's `ids` (at most MAX_IMAGES) or every image matching its `filter`,
    however many: the builder reads them page by page, up to the moment of the request."""
    from chalicelib.services.images import load_images

    if "filter" in body:
        return _export_matching_images(workspace, body)
    ids, where = _checked_body(body, MAX_IMAGES, "image")
    images = [image for image in load_images(workspace, ids) if image.current_key or image.original_key]
    if not images:
        raise ConflictError("none of the images has a file yet", field="ids")
    request = {"ids": [image.image_id for image in images]}
    return _start(workspace, KIND_IMAGES, where, stem="exported_images", extension="zip", request=request)


def _export_matching_images(workspace: str, body: dict[str, Any]) -> ExportModel:
    from chalicelib import selection

    params = selection.image_filter(workspace, body)
    unknown = sorted(set(body) - {"filter", "destination"})
    if unknown:
        allowed = "allowed: destination, filter"
        raise ValidationError(f"{unknown[0]} is an unknown key; {allowed}", field=unknown[0])
    where = parse_destination(body.get("destination"))
    matched, _ = selection.count_matching_images(workspace, params)
    if not matched:
        raise ValidationError("matches no image", field="filter")
    request = {"filter": params, "total": matched, "until": utcnow().isoformat()}
    return _start(workspace, KIND_IMAGES, where, stem="exported_images", extension="zip", request=request)


def _chosen_images(build: Build, request: dict[str, Any]) -> tuple[Iterable[ImageModel], int]:
    """The images to put in the ZIP, with how many for the progress: the ids in the order asked
    (an image deleted since the request is left out like a missing file), or every image the
    filter matched by the time of the request, in the filter's order, read a page at a time."""
    workspace = str(build.record.workspace)
    if "filter" in request:
        from chalicelib import selection

        until = datetime.fromisoformat(request["until"])
        pages = selection.matching_image_pages(workspace, request["filter"], until=until)
        return (image for images, _ in pages for image in images), int(request.get("total") or 0)
    ids: list[str] = list(request["ids"])
    found = {image.image_id: image for image in ImageModel.batch_get(ids)}
    return [found[i] for i in ids if i in found and found[i].workspace == workspace], len(ids)


def _build_images(build: Build, request: dict[str, Any]) -> None:
    images, total = _chosen_images(build, request)
    build.step(ZIPPING, 5)
    rows: list[tuple[str, ImageModel]] = []
    taken: set[str] = set()
    with _zip_upload(build) as archive:
        for image in build.counted(images, total, 5, 90):
            if not (image.current_key or image.original_key):
                continue  # its generation failed: no picture to put in
            key = str(image.current_key or image.original_key)
            try:
                size, chunks = storage.open_object(key)
            except MissingObjectError:
                log.warning("image export: %s has no object at %s; skipped", image.image_id, key)
                continue
            name = unique_name(key.rsplit("/", 1)[-1], taken)
            add_stream(archive, entry_info(f"images/{name}", image.created_at), chunks, size)
            rows.append((name, image))
        if not rows:
            raise ConflictError("none of the images' files exists any more", field="ids")
        build.step(CREATING_EXCEL, 92)
        with xlsx.metadata_workbook(rows) as workbook:
            info = entry_info("metadata.xlsx")
            add_stream(archive, info, file_chunks(workbook), file_size(workbook))


BUILDERS = {KIND_JOB: _build_job, KIND_JOBS: _build_jobs, KIND_IMAGES: _build_images}
