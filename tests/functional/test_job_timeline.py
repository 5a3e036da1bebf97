"""The job page's step timeline: how many times Step Functions ran each phase's tasks again, and
the job's artifacts, the exports made from it among them (seed 004)."""

from __future__ import annotations

from chalicelib.exports import service as export_service
from chalicelib.repositories import jobs as job_repo
from chalicelib.views import job_detail
from tests.functional.helpers import start, wait_status, wait_until


class TransientError(Exception):
    """Named as the state machine's Retry rules name a passing failure."""


def test_a_retried_batch_shows_its_retry_on_its_phase(workspace, monkeypatch):
    from chalicelib.phases import generate

    original, failed = generate.run_batch, []

    def once_flaky(ctx, generations):  # type: ignore[no-untyped-def]
        if not failed:
            failed.append(generations)
            raise TransientError("the provider's connection dropped")
        return original(ctx, generations)

    monkeypatch.setattr(generate, "run_batch", once_flaky)
    job = wait_status(start(workspace, generations=2).job_id, "completed", timeout=60)

    detail = job_detail(job_repo.get_job(job.job_id), None)
    retries = {phase["name"]: phase["retries"] for phase in detail["phases"]}
    assert retries == {"prompts": 0, "generate": 1, "finalize": 0}
    assert detail["metrics"]["retries"] == 1
    assert detail["images_ok"] == 2


def test_the_exports_made_from_a_job_are_among_its_artifacts(workspace):
    job = wait_status(start(workspace, generations=2).job_id, "completed", timeout=60)
    assert job_detail(job_repo.get_job(job.job_id), None)["artifacts"]["exports"] == []

    export = export_service.export_job(workspace, job.job_id)
    wait_until(lambda: export_service.get_export(workspace, export.export_id).status == "ready")
    artifacts = job_detail(job_repo.get_job(job.job_id), None)["artifacts"]
    assert [(e["id"], e["kind"], e["status"]) for e in artifacts["exports"]] == [
        (export.export_id, "job_xlsx", "ready")
    ]
    assert artifacts["exports"][0]["url"] and artifacts["exports_total"] == 1
    assert artifacts["images_ok"] == 2 and artifacts["log_lines"] >= 3
