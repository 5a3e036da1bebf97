"""Keywords file preview (seed 000): what a `.txt` or `.csv` upload holds before a job uses it.

The console shows the first rows and the CSV columns a prompt template may use as `${{Column}}`,
or the parse error with its line number, without storing anything. Parsing is the very function
a job's upload goes through (`chalicelib.keywords.parse_keywords_file`), so a file the preview
accepts is one a job accepts.
"""

from __future__ import annotations

from typing import Any

from chalicelib import jobconfig
from chalicelib.errors import ValidationError
from chalicelib.keywords import FIELD, parse_keywords_file
from chalicelib.prompts import build_prompt

PREVIEW_ROWS = 10
PREVIEW_KEYS = {"name", "content", "prompt_template"}
_UPLOAD = jobconfig.SCHEMA.fields["keywords_file"]
_TEMPLATE = jobconfig.SCHEMA.fields["prompt_template"]
_TXT_PLACEHOLDERS = ["${{Subject}}", "{keyword}"]


def preview_keywords_file(body: dict[str, Any]) -> dict[str, Any]:
    """`POST /api/keywords/preview`: `{name, content[, prompt_template]}` → what the file holds.

    With a prompt template, the first entry's prompt is shown too, and a `${{Column}}` the CSV
    lacks is refused naming `prompt_template`, as a job start would refuse it.
    """
    unknown = sorted(set(body) - PREVIEW_KEYS)
    if unknown:
        raise ValidationError(
            f"{unknown[0]} is an unknown key; allowed: {', '.join(sorted(PREVIEW_KEYS))}", field=unknown[0]
        )
    upload = _UPLOAD.validate({k: body[k] for k in ("name", "content") if k in body}, "")
    template = _TEMPLATE.validate(body.get("prompt_template"), "prompt_template")
    name, content = upload["name"], upload["content"]
    try:
        entries = parse_keywords_file(name, content)
    except ValidationError as err:  # same message (with the line), named after this body's field
        raise ValidationError(err.message, field="content" if err.field == FIELD else err.field) from err
    first = entries[0]
    is_csv = isinstance(first, dict)
    columns = list(first) if isinstance(first, dict) else []
    rows = [list(e.values()) if isinstance(e, dict) else [e] for e in entries[:PREVIEW_ROWS]]
    return {
        "name": name,
        "kind": "csv" if is_csv else "txt",
        "entries": len(entries),
        "columns": columns,
        "placeholders": ["${{" + c + "}}" for c in columns] if is_csv else _TXT_PLACEHOLDERS,
        "rows": rows,
        "first_prompt": build_prompt(template, first) if template or not is_csv else None,
    }
