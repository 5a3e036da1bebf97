"""The keywords file of a workspace's default configuration (Settings → keywords file).

An upload can be 20 MB and a DynamoDB item holds 400 KB, so the settings item keeps only a
reference, `{name, entries, columns, key}`, and the parsed entries go to S3 (a new object per
upload: jobs that used an earlier file keep reading theirs). The API shows the reference without
its key; a client that sends that view back (no `content`, same name) keeps the stored file.

A new job takes the default file unless its own config names a file or a non-empty keyword list.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from chalicelib import aws
from chalicelib.errors import ValidationError
from chalicelib.keywords import parse_keywords_file
from chalicelib.prompts import build_prompt

PUBLIC_KEYS = ("name", "entries", "columns")


def is_reference(upload: Any) -> bool:
    """A keywords_file that names a stored file rather than uploading one (no `content`)."""
    return isinstance(upload, dict) and "content" not in upload


def public_view(stored: dict[str, Any] | None) -> dict[str, Any] | None:
    return {k: stored[k] for k in PUBLIC_KEYS if k in stored} if stored else None


def kept_file(raw: Any, stored: dict[str, Any] | None, field: str) -> dict[str, Any] | None:
    """The stored file a reference in `raw` keeps; refuses one that names another file."""
    if not is_reference(raw):
        return None
    if stored is None or raw.get("name") != stored.get("name"):
        raise ValidationError(
            "names no stored keywords file: send {name, content} to upload one, or null for none",
            field=field,
        )
    return stored


def parse_upload(upload: dict[str, Any], prompt_template: str | None, field: str) -> tuple[list, dict]:
    """Parse a `{name, content}` upload: (entries, the reference to store, key still unset)."""
    try:
        entries = parse_keywords_file(upload["name"], upload["content"])
    except ValidationError as err:
        raise ValidationError(err.message, field=field) from err
    columns = list(entries[0]) if isinstance(entries[0], dict) else []
    if columns:
        check_template(prompt_template, columns, field)
    return entries, {"name": upload["name"], "entries": len(entries), "columns": columns}


def check_template(prompt_template: str | None, columns: list[str], field: str) -> None:
    """A CSV file needs a template whose `${{Column}}`s it has (named after the template field)."""
    try:
        build_prompt(prompt_template, {column: column for column in columns})
    except ValidationError as err:
        template_field = field.rsplit("keywords_file", 1)[0] + "prompt_template"
        raise ValidationError(err.message, field=template_field) from err


def store_entries(workspace: str, entries: list) -> str:
    key = f"settings/{workspace}/keywords-{uuid.uuid4().hex[:12]}.json"
    aws.put_object(key, json.dumps(entries).encode(), "application/json")
    return key


def applies_to(raw_config: Any, default_file: dict[str, Any] | None) -> bool:
    """Whether a new job with `raw_config` takes the default file."""
    if not default_file or not isinstance(raw_config, dict):
        return False
    if "keywords_file" in raw_config:
        upload = raw_config["keywords_file"]
        return is_reference(upload) and upload.get("name") == default_file.get("name")
    return not raw_config.get("keywords")
