"""The estimate before a start (issue #13): `POST /api/jobs/estimate` checks a start body as a
start does, starts nothing, and answers the plan, an ETA (built-in, then learned from finished
jobs of the same settings), the AWS cost and the provider fees; a finished job shows its cost
breakdown and its estimate against actual."""

from __future__ import annotations

import pytest

from chalicelib.models import JobModel
from tests.functional.helpers import config, wait_status
from tests.functional.test_http_api import api, call  # noqa: F401 - the api fixture


def _jobs_in(api_client) -> int:  # noqa: F811
    return len(call(api_client, "GET", "/api/jobs?limit=100").json()["items"])


def test_a_bad_body_is_a_400_naming_the_field_and_nothing_starts(api):  # noqa: F811
    before = _jobs_in(api)
    answer = call(api, "POST", "/api/jobs/estimate", json={"config": config(0)})
    assert answer.status_code == 400
    assert answer.json()["error"]["field"] == "generations"
    answer = call(api, "POST", "/api/jobs/estimate", json={"config": config(2), "colour": "red"})
    assert answer.status_code == 400 and answer.json()["error"]["field"] == "colour"
    assert call(api, "POST", "/api/jobs/estimate", json={"config": config(3)}).status_code == 200
    assert _jobs_in(api) == before


def test_the_estimate_learns_from_a_finished_job_of_the_same_settings(api):  # noqa: F811
    body = {"config": config(6, variations=2, parameters={"max_concurrency": 3})}
    first = call(api, "POST", "/api/jobs/estimate", json=body).json()["estimate"]
    assert first["images"] == 12
    assert [p["name"] for p in first["plan"]] == ["prompts", "generate", "finalize"]
    assert sum(p["weight"] for p in first["plan"]) == 100
    assert first["eta"]["source"] == "built-in" and first["eta"]["seconds"] > 0
    assert first["aws"]["total_usd"] > 0
    assert set(first["aws"]["by_service"]) == {"Step Functions", "Lambda", "DynamoDB", "S3"}
    assert first["provider_fees"]["total_usd"] == 0  # the local provider is free
    assert first["provider_fees"]["prices_date"]

    job_id = call(api, "POST", "/api/jobs", json=body).json()["job"]["id"]
    wait_status(job_id, "completed")
    job = JobModel.get(job_id)
    assert job.estimate["eta_source"] == "built-in"
    assert {"generate", "prompts", "finalize"} <= set(job.phase_seconds)

    learned = call(api, "POST", "/api/jobs/estimate", json=body).json()["estimate"]
    assert learned["eta"]["source"] == "history"
    assert learned["eta"]["learned_from_job"] == job_id
    # Twice the generations: the learned per-image time scales the generation phase.
    double = {"config": {**body["config"], "generations": 12}}
    bigger = call(api, "POST", "/api/jobs/estimate", json=double).json()["estimate"]
    generate = {p["name"]: p["seconds"] for p in bigger["eta"]["phases"]}["generate"]
    assert generate == pyapprox(2 * {p["name"]: p["seconds"] for p in learned["eta"]["phases"]}["generate"])
    # Other settings have no history yet.
    other = {"config": {**body["config"], "variations": 1}}
    other_eta = call(api, "POST", "/api/jobs/estimate", json=other).json()["estimate"]["eta"]
    assert other_eta["source"] == "built-in"

    detail = call(api, "GET", f"/api/jobs/{job_id}").json()["job"]
    cost = detail["cost"]
    assert cost["duration_s"] > 0 and cost["aws"]["total_usd"] > 0
    assert cost["estimated"]["eta_source"] == "built-in"
    assert cost["vs_estimate"]["duration_ratio"] > 0


def pyapprox(value: float):
    return pytest.approx(value, rel=0.01)


def test_provider_fees_come_from_the_price_table_per_provider_and_model(api):  # noqa: F811
    body = {"config": config(5, provider="openai", parameters={"model": "dall-e-3"})}
    fees = call(api, "POST", "/api/jobs/estimate", json=body).json()["estimate"]["provider_fees"]
    assert fees["by_provider_model"] == {"openai/dall-e-3": 0.2}
    body = {"config": config(3, provider="midjourney", variations=4, parameters={"process_mode": "relax"})}
    fees = call(api, "POST", "/api/jobs/estimate", json=body).json()["estimate"]["provider_fees"]
    assert fees["lines"][0]["units"] == 3  # one imagine task renders four images
