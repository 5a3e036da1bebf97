"""Exports: job spreadsheets and ZIPs streamed to S3 (SPEC §5). The routes use these;
`build_export` is the function that writes one."""

from __future__ import annotations

from chalicelib.exports.service import (
    build_export,
    export_images,
    export_job,
    export_jobs,
    export_view,
    get_export,
    raise_if_failed,
)

__all__ = [
    "build_export",
    "export_images",
    "export_job",
    "export_jobs",
    "export_view",
    "get_export",
    "raise_if_failed",
]
