"""Exports: job spreadsheets and ZIPs streamed to S3 (SPEC §5). The routes use these four."""

from __future__ import annotations

from chalicelib.exports.service import export_images, export_job, export_jobs, export_view, get_export

__all__ = ["export_images", "export_job", "export_jobs", "export_view", "get_export"]
