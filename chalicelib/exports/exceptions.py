"""Errors of the exports package."""

from __future__ import annotations

from chalicelib.errors import ImageFactoryError


class ExportFailedError(ImageFactoryError):
    """An export that started could not be finished; its record says `failed` with the reason."""

    code = "export_failed"
    http_status = 500

    def __init__(self, message: str, export_id: str | None = None) -> None:
        super().__init__(message, field=None)
        self.export_id = export_id


class MissingObjectError(Exception):
    """An object an export needs is gone (deleted since it was listed)."""
