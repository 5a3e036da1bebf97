"""Routes under /api/jobs: start, list, read, control, logs (SPEC §6)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from chalicelib.api.common import int_param, json_body, query, route, workspace_of
from chalicelib.errors import ValidationError

bp = Blueprint(__name__)


def _request() -> Any:
    return bp.current_request


@route(bp, "/api/jobs", methods=["POST"])
def start_job() -> Response:
    from chalicelib.services import jobs as job_service
    from chalicelib.views import job_summary

    request = _request()
    workspace, body = workspace_of(request), json_body(request)
    key = (request.headers or {}).get("idempotency-key")
    if key is None:
        return Response({"job": job_summary(job_service.start_job(workspace, body))}, status_code=202)
    from chalicelib.idempotency import run_once

    answer = run_once(
        workspace,
        key,
        body,
        lambda: {"job": job_summary(job_service.start_job(workspace, body))},
        bp.lambda_context,
    )
    return Response(answer, status_code=202)


@route(bp, "/api/jobs/estimate", methods=["POST"])
def estimate_job() -> dict[str, Any]:
    from chalicelib.estimate.service import estimate_start

    request = _request()
    return {"estimate": estimate_start(workspace_of(request), json_body(request))}


@route(bp, "/api/jobs", methods=["GET"])
def list_jobs() -> dict[str, Any]:
    from chalicelib.repositories import jobs as job_repo
    from chalicelib.repositories.pages import parse_limit
    from chalicelib.selection import job_query
    from chalicelib.views import job_summary

    request = _request()
    params = query(request)
    wanted = job_query(params, limit=parse_limit(params.get("limit")), cursor=params.get("cursor"))
    items, cursor = job_repo.list_jobs(workspace_of(request), wanted)
    return {"items": [job_summary(job) for job in items], "next_cursor": cursor}


@route(bp, "/api/jobs/bulk/preview", methods=["POST"])
def bulk_preview() -> dict[str, Any]:
    """A dry run of a bulk action: how many jobs it would touch and which it would skip."""
    from chalicelib.services import jobs as job_service
    from chalicelib.services.bulk_preview import preview_bulk

    request = _request()
    return preview_bulk(workspace_of(request), json_body(request), job_service.MAX_BULK)


@route(bp, "/api/jobs/bulk/rerun", methods=["POST"])
def bulk_rerun() -> Response:
    from chalicelib.services import jobs as job_service
    from chalicelib.views import job_summary

    request = _request()
    jobs = job_service.bulk_rerun(workspace_of(request), json_body(request))
    return Response({"jobs": [job_summary(job) for job in jobs]}, status_code=202)


@route(bp, "/api/jobs/bulk/delete", methods=["POST"])
def bulk_delete() -> Response:
    """202: the jobs that can be deleted have left every list and are deleted in the background
    (`deletion`, to follow at /api/deletions/{id}); the others are `refused` with the reason."""
    from chalicelib.deletions import deletion_view
    from chalicelib.services import jobs as job_service

    request = _request()
    deletion, refused = job_service.bulk_delete(workspace_of(request), json_body(request))
    body = {
        "deletion": deletion_view(deletion) if deletion is not None else None,
        "deleted": list(deletion.ids) if deletion is not None else [],
        "refused": refused,
    }
    return Response(body, status_code=202)


@route(bp, "/api/jobs/{job_id}", methods=["PATCH"])
def edit_job(job_id: str) -> dict[str, Any]:
    from chalicelib.services import jobs as job_service
    from chalicelib.views import job_summary

    request = _request()
    job = job_service.edit_job(workspace_of(request), job_id, json_body(request))
    return {"job": job_summary(job)}


@route(bp, "/api/jobs/{job_id}", methods=["DELETE"])
def delete_job(job_id: str) -> Response:
    from chalicelib.deletions import deletion_view
    from chalicelib.services import jobs as job_service

    deletion = job_service.delete_job(workspace_of(_request()), job_id)
    return Response({"deletion": deletion_view(deletion)}, status_code=202)


@route(bp, "/api/jobs/{job_id}", methods=["GET"])
def get_job(job_id: str) -> dict[str, Any]:
    from chalicelib.models import ConfigModel
    from chalicelib.repositories import jobs as job_repo
    from chalicelib.views import job_detail

    job = job_repo.get_job(job_id, workspace_of(_request()))
    current = None
    if job.config_id:
        try:
            current = ConfigModel.get(job.config_id).config
        except ConfigModel.DoesNotExist:
            current = None
    return {"job": job_detail(job, current)}


def _control(action: Any, job_id: str) -> dict[str, Any]:
    from chalicelib.views import job_summary

    job = action(workspace_of(_request()), job_id)
    return {"job": job_summary(job)}


@route(bp, "/api/jobs/{job_id}/stop", methods=["POST"])
def stop_job(job_id: str) -> dict[str, Any]:
    from chalicelib.services import jobs as job_service

    return _control(job_service.request_stop, job_id)


@route(bp, "/api/jobs/{job_id}/cancel", methods=["POST"])
def cancel_job(job_id: str) -> dict[str, Any]:
    from chalicelib.services import jobs as job_service

    return _control(job_service.request_stop, job_id)


@route(bp, "/api/jobs/{job_id}/force-stop", methods=["POST"])
def force_stop_job(job_id: str) -> dict[str, Any]:
    from chalicelib.services import jobs as job_service

    return _control(job_service.force_stop, job_id)


@route(bp, "/api/jobs/{job_id}/pause", methods=["POST"])
def pause_job(job_id: str) -> dict[str, Any]:
    from chalicelib.services import jobs as job_service

    return _control(job_service.pause_job, job_id)


@route(bp, "/api/jobs/{job_id}/approve", methods=["POST"])
def approve_job(job_id: str) -> dict[str, Any]:
    from chalicelib.services import jobs as job_service

    return _control(job_service.approve_job, job_id)


@route(bp, "/api/jobs/{job_id}/reject", methods=["POST"])
def reject_job(job_id: str) -> dict[str, Any]:
    from chalicelib.services import jobs as job_service
    from chalicelib.views import job_summary

    request = _request()
    job = job_service.reject_job(workspace_of(request), job_id, json_body(request))
    return {"job": job_summary(job)}


@route(bp, "/api/jobs/{job_id}/resume", methods=["POST"])
def resume_job(job_id: str) -> Response:
    from chalicelib.services import jobs as job_service
    from chalicelib.views import job_summary

    job = job_service.resume_job(workspace_of(_request()), job_id)
    return Response({"job": job_summary(job)}, status_code=202)


@route(bp, "/api/jobs/{job_id}/rerun", methods=["POST"])
def rerun_job(job_id: str) -> Response:
    from chalicelib.services import jobs as job_service
    from chalicelib.views import job_summary

    job = job_service.rerun_job(workspace_of(_request()), job_id)
    return Response({"job": job_summary(job)}, status_code=202)


@route(bp, "/api/jobs/{job_id}/logs", methods=["GET"])
def job_logs(job_id: str) -> dict[str, Any]:
    from chalicelib.joblog import log_line_to_dict
    from chalicelib.models import LogLineModel
    from chalicelib.repositories import jobs as job_repo
    from chalicelib.repositories.pages import parse_limit

    request = _request()
    job = job_repo.get_job(job_id, workspace_of(request))
    params = query(request)
    level = params.get("level") or "debug"
    if level not in ("standard", "debug"):
        raise ValidationError("must be standard or debug", field="level")
    tail = int_param(params, "tail", 1, 1000)
    since = int_param(params, "since", 0, 2**53)
    before = int_param(params, "before", 1, 2**53)
    limit = parse_limit(params.get("limit"), default=500, maximum=1000)
    condition = LogLineModel.level == "standard" if level == "standard" else None
    if tail is not None or before is not None:
        lines = list(
            LogLineModel.query(
                job.job_id,
                LogLineModel.seq < before if before is not None else None,
                scan_index_forward=False,
                filter_condition=condition,
                limit=tail if tail is not None else limit,
            )
        )
        lines.reverse()
    else:
        range_condition = LogLineModel.seq > since if since is not None else None
        lines = list(LogLineModel.query(job.job_id, range_condition, filter_condition=condition, limit=limit))
    next_seq = int(lines[-1].seq) if lines else (since or 0)
    return {"lines": [log_line_to_dict(line) for line in lines], "next": next_seq}
