"""Where an export is written: the `destination` object of the export routes, checked, and the
S3 key it resolves to.

`default` gives `exports/<workspace>/<name>_<UTC timestamp>_<id8>.<ext>`, unique by
construction. `custom` gives `exports/<workspace>/<folder>/<filename>.<ext>` with the desktop's
sanitising (`\\/:*?"<>|` and control characters become `_`) and a forced extension; when the
file exists, `append` picks `name-1.ext`, `name-2.ext`… and `overwrite` replaces it.

(Two exports racing for the same custom name may both pick it; the later one wins, as with
`overwrite`. S3 conditional writes could close that window.)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from chalicelib.errors import ConflictError, ValidationError

KINDS = ("default", "custom")
POLICIES = ("append", "overwrite")
KEYS = {"kind", "folder", "filename", "on_duplicate"}
MAX_FOLDER = 200  # characters
MAX_FILENAME = 120
# UTF-8 bytes: most file systems cap a name at 255, and an S3 key at 1,024 must hold both.
MAX_FOLDER_BYTES = 600
MAX_FILENAME_BYTES = 240
MAX_APPEND = 1000

# What Windows refuses in a name, control characters, and what UTF-8 or XML cannot carry.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]')
_LABEL_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


@dataclass(frozen=True)
class Destination:
    kind: str = "default"
    folder: str | None = None  # sanitized, segments joined by "/"
    filename: str | None = None  # sanitized, without the extension forced later
    on_duplicate: str = "append"

    @property
    def custom(self) -> bool:
        return self.kind == "custom"


def _field(name: str) -> str:
    return f"destination.{name}"


def parse_destination(raw: Any) -> Destination:
    """The checked destination; a 400 naming `destination.<key>` for the first problem."""
    if raw is None:
        return Destination()
    if not isinstance(raw, dict):
        raise ValidationError("must be an object with kind, folder, filename, on_duplicate", "destination")
    unknown = sorted(set(raw) - KEYS)
    if unknown:
        raise ValidationError(f"{unknown[0]} is an unknown key", field=_field(unknown[0]))
    kind = raw.get("kind", "default")
    if kind not in KINDS:
        raise ValidationError("must be default or custom", field=_field("kind"))
    on_duplicate = raw.get("on_duplicate", "append")
    if on_duplicate not in POLICIES:
        raise ValidationError("must be append or overwrite", field=_field("on_duplicate"))
    if kind == "default":
        for name in ("folder", "filename"):
            if raw.get(name) not in (None, ""):
                raise ValidationError("only a custom destination takes one", field=_field(name))
        return Destination(on_duplicate=on_duplicate)
    folder = sanitize_folder(raw.get("folder"))
    filename = raw.get("filename")
    if filename is not None:
        filename = sanitize_filename(filename)
    return Destination("custom", folder, filename, on_duplicate)


def sanitize_filename(raw: Any) -> str | None:
    """A file name safe on every system; None when blank (the generated name is used then)."""
    if not isinstance(raw, str):
        raise ValidationError("must be a string", field=_field("filename"))
    if not raw.strip():
        return None
    name = _UNSAFE.sub("_", raw.strip()).strip(" .")
    if not name:
        raise ValidationError("has no usable characters", field=_field("filename"))
    if len(name) > MAX_FILENAME or len(name.encode()) > MAX_FILENAME_BYTES:
        raise ValidationError(f"must be at most {MAX_FILENAME} characters", field=_field("filename"))
    return name


def sanitize_folder(raw: Any) -> str:
    """`a/b` folders inside the workspace's exports; each segment sanitized like a file name.
    `.` and `..` are refused, so a folder never leaves the workspace's prefix."""
    if not isinstance(raw, str) or not raw.strip():
        raise ValidationError("a custom destination needs a folder", field=_field("folder"))
    segments = [part.strip() for part in re.split(r"[\\/]+", raw.strip())]
    segments = [part for part in segments if part]
    if any(part in (".", "..") for part in segments):
        raise ValidationError("must not contain . or .. segments", field=_field("folder"))
    cleaned = [_UNSAFE.sub("_", part).strip(" ") for part in segments]
    folder = "/".join(part for part in cleaned if part)
    if not folder:
        raise ValidationError("has no usable characters", field=_field("folder"))
    if len(folder) > MAX_FOLDER or len(folder.encode()) > MAX_FOLDER_BYTES:
        raise ValidationError(f"must be at most {MAX_FOLDER} characters", field=_field("folder"))
    return folder


def safe_label(label: str | None, fallback: str = "Job", limit: int = 60) -> str:
    """A job label as the desktop put it in file names: `[^A-Za-z0-9-_]` → `_`."""
    cleaned = _LABEL_UNSAFE.sub("_", (label or "").strip())[:limit].strip("_")
    return cleaned or fallback


def with_extension(name: str, extension: str) -> str:
    suffix = f".{extension}"
    return name if name.lower().endswith(suffix) else f"{name}{suffix}"


def numbered(name: str, number: int) -> str:
    """`bulk_export.zip` → `bulk_export-1.zip` (the duplicate policy `append`)."""
    stem, dot, extension = name.rpartition(".")
    return f"{stem}-{number}.{extension}" if dot else f"{name}-{number}"


def default_name(stem: str, export_id: str, extension: str, now: datetime | None = None) -> str:
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{stem}_{stamp}_{export_id[:8]}.{extension}"


def resolve_key(
    workspace: str,
    destination: Destination,
    *,
    stem: str,
    extension: str,
    export_id: str,
    exists: Callable[[str], bool],
    now: datetime | None = None,
) -> str:
    """The S3 key the export is written to; `exists` is asked only for custom names."""
    root = f"exports/{workspace}"
    generated = default_name(stem, export_id, extension, now)
    if not destination.custom:
        return f"{root}/{generated}"
    folder = f"{root}/{destination.folder}"
    if destination.filename is None:
        return f"{folder}/{generated}"
    name = with_extension(destination.filename, extension)
    key = f"{folder}/{name}"
    if destination.on_duplicate == "overwrite" or not exists(key):
        return key
    for number in range(1, MAX_APPEND + 1):
        key = f"{folder}/{numbered(name, number)}"
        if not exists(key):
            return key
    raise ConflictError(
        f"{name} and {MAX_APPEND} numbered copies already exist in {destination.folder}",
        field=_field("filename"),
    )
