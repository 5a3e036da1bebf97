"""Keywords from an uploaded `.txt` or `.csv` file (seed 000, reference §3).

TXT: one keyword per line, blank lines dropped, Windows line endings handled. CSV: a header row,
then one row per generation; each row fills `${{Column}}` in the prompt template. A malformed file
is refused with the line number, before any job starts.
"""

from __future__ import annotations

import csv
import io

from chalicelib.errors import ValidationError

FIELD = "keywords_file"
MAX_ENTRIES = 100_000
MAX_BYTES = 20 * 1024 * 1024


def _fail(message: str) -> None:
    raise ValidationError(message, field=FIELD)


def parse_keywords_file(name: str, content: str) -> list[str] | list[dict[str, str]]:
    if len(content.encode()) > MAX_BYTES:
        _fail(f"{name} is larger than {MAX_BYTES // (1024 * 1024)} MB")
    if "\x00" in content:
        _fail(f"{name} is not a text file")
    if name.lower().endswith(".csv"):
        entries: list = _parse_csv(name, content)
    else:
        entries = _parse_txt(content)
    if not entries:
        _fail(f"{name} has no keywords")
    if len(entries) > MAX_ENTRIES:
        _fail(f"{name} has {len(entries)} entries; at most {MAX_ENTRIES} are allowed")
    return entries


def _parse_txt(content: str) -> list[str]:
    return [line.strip() for line in content.splitlines() if line.strip()]


def _parse_csv(name: str, content: str) -> list[dict[str, str]]:
    reader = csv.reader(io.StringIO(content.lstrip("\ufeff"), newline=""), strict=True)
    rows: list[dict[str, str]] = []
    header: list[str] | None = None
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if header is None:
                header = [cell.strip() for cell in row]
                _check_header(name, header, line)
                continue
            if len(row) != len(header):
                columns = ", ".join(header)
                _fail(f"{name} line {line}: expected {len(header)} columns ({columns}), got {len(row)}")
            rows.append({column: cell.strip() for column, cell in zip(header, row, strict=True)})
    except csv.Error as err:
        _fail(f"{name} line {reader.line_num}: {err}")
    if header is None:
        _fail(f"{name} has no header row")
    return rows


def _check_header(name: str, header: list[str], line: int) -> None:
    for index, column in enumerate(header):
        if not column:
            _fail(f"{name} line {line}: column {index + 1} of the header has no name")
    duplicates = sorted({c for c in header if header.count(c) > 1})
    if duplicates:
        _fail(f"{name} line {line}: the header repeats {', '.join(duplicates)}")


# --- storing a job's keywords ---------------------------------------------------------------

MAX_INLINE_BYTES = 100 * 1024  # a keywords list inside the config; beyond that, upload a file


def keywords_key(config_id: str) -> str:
    """A new object per upload: jobs that ran with an earlier file keep reading theirs."""
    import uuid

    return f"configs/{config_id}/keywords-{uuid.uuid4().hex[:12]}.json"


def store_keywords(config: dict, config_id: str) -> dict:
    """Parse an uploaded keywords file into S3 and keep only its name and size in the config.

    Configurations and snapshots live in DynamoDB items (400 KB at most), so file contents never
    go there. A CSV template is checked against the file's columns now, not mid-job.
    """
    import json

    from chalicelib import aws
    from chalicelib.prompts import build_prompt

    upload = config.get("keywords_file")
    if upload is None or "key" in upload:
        if len(json.dumps(config.get("keywords") or []).encode()) > MAX_INLINE_BYTES:
            raise ValidationError(
                f"the list is larger than {MAX_INLINE_BYTES // 1024} KB; upload it as a keywords file",
                field="keywords",
            )
        return config
    entries = parse_keywords_file(upload["name"], upload["content"])
    if isinstance(entries[0], dict):
        build_prompt(config.get("prompt_template"), entries[0])  # raises naming prompt_template
    key = keywords_key(config_id)
    aws.put_object(key, json.dumps(entries).encode(), "application/json")
    stored = {"name": upload["name"], "entries": len(entries), "key": key}
    return {**config, "keywords": [], "keywords_file": stored}


def load_keywords(config: dict) -> list:
    """The keywords a job uses: the uploaded file's entries, else the list, else none."""
    import json

    from chalicelib import aws

    upload = config.get("keywords_file")
    if upload and upload.get("key"):
        return json.loads(aws.get_object(upload["key"]))
    return list(config.get("keywords") or [])
