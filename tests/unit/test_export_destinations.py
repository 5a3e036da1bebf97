"""Where exports are written: the `destination` object, sanitizing, and the duplicate policy."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from chalicelib.errors import ConflictError, ValidationError
from chalicelib.exports.destinations import (
    Destination,
    numbered,
    parse_destination,
    resolve_key,
    safe_label,
    sanitize_filename,
    with_extension,
)

EXPORT_ID = "0123456789abcdef0123456789abcdef"
NOW = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)


def _key(
    destination: Destination, existing: frozenset[str] | set[str] = frozenset(), extension: str = "zip"
) -> str:
    def exists(key: str) -> bool:
        return key in existing

    return resolve_key(
        "ws1",
        destination,
        stem="bulk_export",
        extension=extension,
        export_id=EXPORT_ID,
        exists=exists,
        now=NOW,
    )


def _refused(raw: object) -> str | None:
    with pytest.raises(ValidationError) as caught:
        parse_destination(raw)
    return caught.value.field


def test_no_destination_is_the_default_folder():
    assert parse_destination(None) == Destination()


def test_the_default_destination_is_a_unique_timestamped_name_and_never_looks_for_duplicates():
    def exists(key: str) -> bool:
        raise AssertionError("a default name cannot collide")

    key = resolve_key(
        "ws1", Destination(), stem="bulk_export", extension="zip", export_id=EXPORT_ID, exists=exists, now=NOW
    )
    assert key == "exports/ws1/bulk_export_20260304T050607Z_01234567.zip"
    assert re.fullmatch(r"exports/ws1/bulk_export_\d{8}T\d{6}Z_[0-9a-f]{8}\.zip", key)


def test_a_custom_file_name_loses_the_characters_windows_refuses():
    assert sanitize_filename('a\\b/c:d*e?f"g<h>i|j') == "a_b_c_d_e_f_g_h_i_j"
    assert sanitize_filename("  tab\there  ") == "tab_here"
    assert sanitize_filename("   ") is None


def test_characters_s3_or_xml_cannot_carry_are_replaced_too():
    assert sanitize_filename("a\x85b\ud800c\uffffé") == "a_b_c_é"


def test_a_name_too_long_in_utf8_bytes_is_refused():
    with pytest.raises(ValidationError):
        sanitize_filename("😀" * 70)  # 70 characters, 280 bytes


def test_the_extension_is_forced():
    assert with_extension("report", "zip") == "report.zip"
    assert with_extension("report.ZIP", "zip") == "report.ZIP"
    assert with_extension("report.xlsx", "zip") == "report.xlsx.zip"


def test_a_custom_destination_writes_into_its_sanitized_folder():
    destination = parse_destination({"kind": "custom", "folder": "/Client: A//May*/", "filename": "q?1"})
    assert destination.folder == "Client_ A/May_"
    assert _key(destination) == "exports/ws1/Client_ A/May_/q_1.zip"


def test_a_custom_folder_without_a_file_name_gets_the_generated_name():
    destination = parse_destination({"kind": "custom", "folder": "mine"})
    assert (
        _key(destination, extension="xlsx") == "exports/ws1/mine/bulk_export_20260304T050607Z_01234567.xlsx"
    )


def test_append_numbers_the_name_until_it_is_free():
    destination = parse_destination({"kind": "custom", "folder": "f", "filename": "bulk_export"})
    assert _key(destination) == "exports/ws1/f/bulk_export.zip"
    taken = {"exports/ws1/f/bulk_export.zip"}
    assert _key(destination, taken) == "exports/ws1/f/bulk_export-1.zip"
    taken |= {"exports/ws1/f/bulk_export-1.zip", "exports/ws1/f/bulk_export-2.zip"}
    assert _key(destination, taken) == "exports/ws1/f/bulk_export-3.zip"


def test_overwrite_keeps_the_name_even_when_it_exists():
    destination = parse_destination(
        {"kind": "custom", "folder": "f", "filename": "x.zip", "on_duplicate": "overwrite"}
    )
    assert _key(destination, {"exports/ws1/f/x.zip"}) == "exports/ws1/f/x.zip"


def test_append_gives_up_after_a_thousand_copies():
    destination = parse_destination({"kind": "custom", "folder": "f", "filename": "x"})
    with pytest.raises(ConflictError) as caught:
        resolve_key("w", destination, stem="s", extension="zip", export_id=EXPORT_ID, exists=lambda key: True)
    assert caught.value.field == "destination.filename"


def test_numbered_puts_the_number_before_the_extension():
    assert numbered("bulk_export.zip", 1) == "bulk_export-1.zip"
    assert numbered("a.b.xlsx", 12) == "a.b-12.xlsx"


@pytest.mark.parametrize(
    "raw,field",
    [
        ("custom", "destination"),
        ({"kind": "elsewhere"}, "destination.kind"),
        ({"kind": "custom", "folder": "f", "on_duplicate": "skip"}, "destination.on_duplicate"),
        ({"kind": "custom", "folder": "f", "colour": "red"}, "destination.colour"),
        ({"kind": "custom"}, "destination.folder"),
        ({"kind": "custom", "folder": "  "}, "destination.folder"),
        ({"kind": "custom", "folder": 7}, "destination.folder"),
        ({"kind": "custom", "folder": "a/../b"}, "destination.folder"),
        ({"kind": "custom", "folder": "f" * 201}, "destination.folder"),
        ({"kind": "custom", "folder": "f", "filename": 3}, "destination.filename"),
        ({"kind": "custom", "folder": "f", "filename": "..."}, "destination.filename"),
        ({"kind": "custom", "folder": "f", "filename": "n" * 121}, "destination.filename"),
        ({"kind": "default", "folder": "f"}, "destination.folder"),
        ({"filename": "x"}, "destination.filename"),
    ],
)
def test_a_bad_destination_is_refused_naming_the_field(raw, field):
    assert _refused(raw) == field


def test_labels_in_file_names_keep_only_safe_characters():
    assert safe_label("Spring sale: shoes/bags") == "Spring_sale__shoes_bags"
    assert safe_label("   ") == "Job"
    assert safe_label("é") == "Job"
