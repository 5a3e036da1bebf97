"""Export routes (SPEC §5, §6): a job's spreadsheet, a ZIP of jobs, a ZIP of images, and the
state of an export. Each answers `{"export": {"id", "status", "key", "url", ...}}`.

Like every route module, this one imports at the top only what registering its routes needs; each
view imports the code it calls, so a cold start of the API does not load every feature's libraries
(openpyxl here)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from chalicelib.api.common import json_body, query, route, workspace_of
from chalicelib.errors import ValidationError

bp = Blueprint(__name__)

DESTINATION_PARAMS = ("kind", "folder", "filename", "on_duplicate")


def _created(record: Any, ready_status: int = 201) -> Response:
    """Ready within the wait: 201 (200 for the GET) with the link; still building: 202, to be
    followed with `GET /api/exports/{id}`; failed: the error it failed with."""
    from chalicelib import exports

    exports.raise_if_failed(record)
    status = ready_status if record.status == "ready" else 202
    return Response({"export": exports.export_view(record)}, status_code=status)


def _destination_of(body: dict[str, Any]) -> Any:
    unknown = sorted(set(body) - {"destination"})
    if unknown:
        raise ValidationError(f"{unknown[0]} is an unknown key; allowed: destination", field=unknown[0])
    return body.get("destination")


@route(bp, "/api/jobs/bulk/export", methods=["POST"])
def export_jobs() -> Response:
    from chalicelib import exports

    request = bp.current_request
    workspace, body = workspace_of(request), json_body(request)
    if "filter" in body:  # every job matching the jobs list's filter, resolved here
        from chalicelib.selection import MAX_MATCHING, selected_jobs

        ids = selected_jobs(workspace, {"filter": body["filter"]}, MAX_MATCHING)
        if not ids:
            raise ValidationError("matches no job", field="filter")
        rest = {key: value for key, value in body.items() if key != "filter"}
        return _created(exports.export_jobs(workspace, {**rest, "ids": ids}, limit=MAX_MATCHING))
    return _created(exports.export_jobs(workspace, body))


@route(bp, "/api/jobs/{job_id}/export", methods=["GET"])
def export_job(job_id: str) -> Response:
    """The destination, if not the default, comes as query parameters (`kind`, `folder`, …)."""
    from chalicelib import exports

    request = bp.current_request
    params = query(request)
    destination = {name: params[name] for name in DESTINATION_PARAMS if name in params} or None
    return _created(exports.export_job(workspace_of(request), job_id, destination), ready_status=200)


@route(bp, "/api/jobs/{job_id}/export", methods=["POST"])
def export_job_to(job_id: str) -> Response:
    """The same with a JSON body `{"destination": {...}}`, as the other export routes take it."""
    from chalicelib import exports

    request = bp.current_request
    destination = _destination_of(json_body(request))
    return _created(exports.export_job(workspace_of(request), job_id, destination))


@route(bp, "/api/images/export", methods=["POST"])
def export_images() -> Response:
    from chalicelib import exports

    request = bp.current_request
    return _created(exports.export_images(workspace_of(request), json_body(request)))


@route(bp, "/api/exports/{export_id}", methods=["GET"])
def get_export(export_id: str) -> dict[str, Any]:
    from chalicelib import exports

    record = exports.get_export(workspace_of(bp.current_request), export_id)
    return {"export": exports.export_view(record)}
