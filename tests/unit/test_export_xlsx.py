"""The export spreadsheets: sheets, columns, settings, and what must never be in them."""

from __future__ import annotations

from datetime import UTC, datetime

import openpyxl
import pytest

from chalicelib.exports import xlsx
from chalicelib.models import ImageModel, JobModel

JOB_ID = "f" * 32
STARTED = datetime(2026, 5, 1, 8, 30, tzinfo=UTC)
SNAPSHOT = {
    "label": "Spring",
    "generations": 2,
    "keywords": ["red fox", "blue lake"],
    "processing": {"jpg_quality": 85, "convert": True},
    "parameters": {"dimensions": ["1024x1024"], "advanced": {"steps": None}},
    # Snapshots never hold keys; an old or hand-made one must still not leak them.
    "api_keys": {"openai": "sk-secret-1"},
    "ai": {"openai_api_key": "sk-secret-2", "metadata": True},
}


def _job(**extra) -> JobModel:
    values = dict(
        workspace="w",
        label="Spring",
        status="completed",
        snapshot=SNAPSHOT,
        plan=[],
        images_planned=2,
        images_ok=1,
        images_failed=1,
        n_approved=1,  # the status counters the console shows
        n_qc_failed=1,
        config_id="cfg1",
        created_at=STARTED,
        started_at=STARTED,
        finished_at=datetime(2026, 5, 1, 8, 31, tzinfo=UTC),
    )
    values.update(extra)
    return JobModel(JOB_ID, **values)


def _image(n: int, **extra) -> ImageModel:
    values = dict(
        job_id=JOB_ID,
        workspace="w",
        generation=n,
        variation=0,
        keyword="red fox",
        prompt=f"a red fox, photo {n}",
        provider="local",
        seed=100 + n,
        status="approved",
        title=f"Fox {n}",
        description=f"A red fox number {n}",
        tags=["fox", "red"],
        current_key=f"jobs/{JOB_ID}/original/{JOB_ID}.{n:05d}.00.png",
        created_at=STARTED,
    )
    values.update(extra)
    return ImageModel(f"{JOB_ID}.{n:05d}.00", **values)


def _rows(handle, sheet: str) -> list[tuple]:
    workbook = openpyxl.load_workbook(handle)
    return list(workbook[sheet].iter_rows(values_only=True))


@pytest.fixture
def workbook():
    failed = _image(1, status="qc_failed", qc_reason="blank image", title=None, description=None, tags=None)
    failed.failure = {"stage": "quality_check", "category": "Quality check", "message": "blank image"}
    with xlsx.job_workbook(_job(), [_image(0), failed]) as handle:
        yield openpyxl.load_workbook(handle)


def test_a_job_workbook_has_a_summary_sheet_and_an_images_sheet(workbook):
    assert workbook.sheetnames == ["Job Summary", "Images"]


def test_the_summary_is_a_header_and_one_row_with_the_job_and_its_settings(workbook):
    header, values, *rest = list(workbook["Job Summary"].iter_rows(values_only=True))
    assert rest == []
    assert list(header[:10]) == xlsx.SUMMARY_COLUMNS
    row = dict(zip(header, values, strict=True))
    assert row["Job ID"] == JOB_ID and row["Label"] == "Spring" and row["Status"] == "completed"
    assert (row["Total"], row["Successful"], row["Failed"]) == (2, 1, 1)
    assert row["Configuration ID"] == "cfg1"
    assert row["processing.jpg_quality"] == 85
    assert row["processing.convert"] is True
    assert row["keywords"] == "red fox, blue lake"
    assert row["parameters.dimensions"] == "1024x1024"
    assert header.count("Label") == 1  # the desktop once had the label twice


def test_times_are_utc_iso(workbook):
    header, values = list(workbook["Job Summary"].iter_rows(values_only=True))
    row = dict(zip(header, values, strict=True))
    assert row["Started At"] == "2026-05-01T08:30:00Z"
    assert row["Completed At"] == "2026-05-01T08:31:00Z"


def test_no_api_key_reaches_the_spreadsheet(workbook):
    cells = [str(c) for sheet in workbook for row in sheet.iter_rows(values_only=True) for c in row]
    assert not any("sk-secret" in cell for cell in cells)
    assert not any("api_key" in cell.lower() for cell in cells)
    header = next(workbook["Job Summary"].iter_rows(values_only=True))
    assert "ai.metadata" in header


def test_the_images_sheet_has_title_description_and_tags(workbook):
    header, first, second = list(workbook["Images"].iter_rows(values_only=True))
    assert list(header) == xlsx.IMAGE_COLUMNS
    assert {"Title", "Description", "Tags"} <= set(header)
    row = dict(zip(header, first, strict=True))
    assert row["Title"] == "Fox 0" and row["Description"] == "A red fox number 0"
    assert row["Tags"] == "fox, red"
    assert row["Seed"] == 100 and row["Keyword"] == "red fox"
    assert row["File key"].endswith(".00000.00.png")
    assert row["Created At"] == "2026-05-01T08:30:00Z"
    failed = dict(zip(header, second, strict=True))
    assert failed["Status"] == "qc_failed" and failed["QC Reason"] == "blank image"
    assert failed["Failure"] == "Quality check: blank image"


def test_text_that_looks_like_a_formula_stays_text():
    image = _image(0, prompt='=HYPERLINK("http://evil","click")', title="=1+1\x07")
    with xlsx.job_workbook(_job(), [image]) as handle:
        sheet = openpyxl.load_workbook(handle)["Images"]
    header = [cell.value for cell in sheet[1]]
    prompt = sheet.cell(row=2, column=header.index("Prompt") + 1)
    title = sheet.cell(row=2, column=header.index("Title") + 1)
    assert prompt.data_type == "s" and prompt.value.startswith("=HYPERLINK")
    assert title.data_type == "s" and title.value == "=1+1"  # control characters dropped


def test_a_job_without_images_still_has_the_images_header():
    with xlsx.job_workbook(_job(images_planned=0), []) as handle:
        assert _rows(handle, "Images") == [tuple(xlsx.IMAGE_COLUMNS)]


def test_the_metadata_workbook_lists_file_names_with_their_metadata():
    with xlsx.metadata_workbook([("a.png", _image(0)), ("a_2.png", _image(1))]) as handle:
        rows = _rows(handle, "Metadata")
    assert rows[0] == ("Image Name", "Title", "Description", "Tags", "Date")
    assert rows[1] == ("a.png", "Fox 0", "A red fox number 0", "fox, red", "2026-05-01T08:30:00Z")
    assert rows[2][0] == "a_2.png"


def test_flattening_skips_secrets_and_the_label():
    flat = xlsx.flatten_settings({"label": "x", "apiKeys": {"a": "b"}, "a": {"b": {"c": 1}}, "n": None})
    assert flat == {"a.b.c": 1, "n": None}
