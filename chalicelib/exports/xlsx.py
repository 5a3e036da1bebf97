"""The spreadsheets of exports, written with openpyxl's write-only mode.

Rows stream into the sheet's temporary file as they are produced (images come page by page from
DynamoDB), and the finished workbook goes to a spooled file: in memory while small, on disk past
`SPOOL_MAX` (Lambda's /tmp). Strings are written as text cells, never as formulas, so a prompt
such as `=HYPERLINK(...)` cannot run in the user's Excel.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

from chalicelib.counters import job_totals
from chalicelib.joblive import overlaid
from chalicelib.models import ImageModel, JobModel
from chalicelib.views import iso

SPOOL_MAX = 1024 * 1024
EXCEL_CELL_MAX = 32_767  # characters Excel keeps in one cell

SUMMARY_COLUMNS = [
    "Job ID",
    "Label",
    "Status",
    "Started At",
    "Completed At",
    "Total",
    "Successful",
    "Failed",
    "Error Message",
    "Configuration ID",
]
IMAGE_COLUMNS = [
    "Image ID",
    "Job ID",
    "Keyword",
    "Prompt",
    "Seed",
    "Status",
    "QC Reason",
    "Failure",
    "Title",
    "Description",
    "Tags",
    "File key",
    "Created At",
]
METADATA_COLUMNS = ["Image Name", "Title", "Description", "Tags", "Date"]

# Snapshot keys that never reach a spreadsheet: secrets (snapshots have none, but an older or
# hand-made one might), and the label, which has its own column.
EXCLUDED_SETTINGS = {"label"}


def _is_secret(path: str) -> bool:
    lowered = path.lower().replace("_", "")
    return "apikey" in lowered or "secret" in lowered or "password" in lowered


def flatten_settings(snapshot: dict[str, Any] | None, prefix: str = "") -> dict[str, Any]:
    """`{"processing": {"jpg_quality": 85}}` → `{"processing.jpg_quality": 85}`, without keys."""
    flat: dict[str, Any] = {}
    for key, value in (snapshot or {}).items():
        path = f"{prefix}{key}"
        if path in EXCLUDED_SETTINGS or _is_secret(path):
            continue
        if isinstance(value, dict):
            flat.update(flatten_settings(value, f"{path}."))
        elif isinstance(value, list):
            simple = all(isinstance(item, str | int | float) for item in value)
            flat[path] = ", ".join(str(item) for item in value) if simple else json.dumps(value)
        else:
            flat[path] = value
    return flat


def tags_text(tags: Any) -> str:
    if isinstance(tags, list):
        return ", ".join(str(tag) for tag in tags)
    return str(tags or "")


def failure_text(failure: dict[str, Any] | None) -> str | None:
    if not failure:
        return None
    label = failure.get("category") or failure.get("stage") or "failed"
    message = failure.get("message")
    return f"{label}: {message}" if message else str(label)


def job_summary_row(job: JobModel) -> tuple[list[str], list[Any]]:
    settings = flatten_settings(job.snapshot)
    header = SUMMARY_COLUMNS + list(settings)
    values = [
        job.job_id,
        job.label,
        job.status,
        iso(job.started_at),
        iso(job.finished_at),
        int(job.images_planned),
        *job_totals(overlaid(job))[:2],
        job.error,
        job.config_id,
        *settings.values(),
    ]
    return header, values


def image_row(image: ImageModel) -> list[Any]:
    return [
        image.image_id,
        image.job_id,
        image.keyword,
        image.prompt,
        int(image.seed),
        image.status,
        image.qc_reason,
        failure_text(image.failure),
        image.title,
        image.description,
        tags_text(image.tags),
        image.current_key or image.original_key,
        iso(image.created_at),
    ]


def metadata_row(name: str, image: ImageModel) -> list[Any]:
    return [name, image.title, image.description, tags_text(image.tags), iso(image.created_at)]


def _cells(sheet: Any, values: Iterable[Any]) -> list[Any]:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    row: list[Any] = []
    for value in values:
        if isinstance(value, str):
            text = ILLEGAL_CHARACTERS_RE.sub("", value)
            if len(text) > EXCEL_CELL_MAX:
                text = text[: EXCEL_CELL_MAX - 1] + "…"
            cell = WriteOnlyCell(sheet, text)
            cell.data_type = "s"  # openpyxl would take a leading "=" for a formula
            row.append(cell)
        elif isinstance(value, bool | int | float) or value is None:
            row.append(value)
        else:
            row.append(str(value))
    return row


def _save(workbook: Any) -> IO[bytes]:
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX)  # noqa: SIM115 - returned open
    workbook.save(spool)
    spool.seek(0)
    return spool


def _workbook() -> Any:
    from openpyxl import Workbook

    return Workbook(write_only=True)


def _append_all(sheet: Any, rows: Iterator[list[Any]] | Iterable[list[Any]]) -> None:
    for row in rows:
        sheet.append(_cells(sheet, row))


def job_workbook(job: JobModel, images: Iterable[ImageModel]) -> IO[bytes]:
    """A job's `.xlsx`: "Job Summary" (header + one row of the job and its as-run settings)
    and "Images" (one row per image, with title, description and tags)."""
    workbook = _workbook()
    summary = workbook.create_sheet("Job Summary")
    header, values = job_summary_row(job)
    _append_all(summary, [header, values])
    sheet = workbook.create_sheet("Images")
    _append_all(sheet, [IMAGE_COLUMNS])
    _append_all(sheet, (image_row(image) for image in images))
    return _save(workbook)


def metadata_workbook(rows: Iterable[tuple[str, ImageModel]]) -> IO[bytes]:
    """`metadata.xlsx` of an image export, sheet "Metadata": one row per file in the ZIP."""
    workbook = _workbook()
    sheet = workbook.create_sheet("Metadata")
    _append_all(sheet, [METADATA_COLUMNS])
    _append_all(sheet, (metadata_row(name, image) for name, image in rows))
    return _save(workbook)
