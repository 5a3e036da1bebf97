"""`POST /api/jobs/estimate`: what a job would make, take and cost, with nothing started.

The body is a start body, checked by the same code (`services.jobs.check_start`), and the plan is
the one `new_job` would fix. The ETA comes from `durations`, the AWS cost from the operations that
plan performs (`operations`, priced by `chalicelib.costmodel`), the provider fees from the price
table (`fees`). A finished job's actual figures come from the same functions fed with what it did.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

from chalicelib import costmodel, jobconfig, secrets
from chalicelib.engine import phase_names_for
from chalicelib.estimate import durations, fees, operations
from chalicelib.keywords import load_keywords
from chalicelib.models import JobModel
from chalicelib.plan import build_plan
from chalicelib.prompts import build_prompt
from chalicelib.search import words
from chalicelib.settings import get_settings

PROMPT_SAMPLE = 50  # keywords looked at for a prompt's length


def workspace_keys(workspace: str) -> set[str]:
    return set(secrets.api_keys(workspace))


def mean_prompt_terms(config: dict[str, Any]) -> float:
    """Search terms per prompt (each is a posting written per image), from the template filled
    with the first keywords as the offline prompt writer fills it."""
    try:
        keywords = load_keywords(config)[:PROMPT_SAMPLE] or [""]
    except Exception:  # an uploaded file not readable here: the template alone
        keywords = [""]
    counts = [len(set(words(build_prompt(config.get("prompt_template"), k)))) for k in keywords]
    return sum(counts) / len(counts)


def job_item_kb(workspace: str, config: dict[str, Any], plan: list[dict[str, Any]]) -> int:
    """The job item's size as DynamoDB bills its writes (1 KB units), as it will be stored."""
    item = JobModel(
        "0" * 32,
        workspace=workspace,
        label=config["label"],
        status="running",
        config_id="0" * 32,
        snapshot=config,
        plan=plan,
        images_planned=jobconfig.image_count(config),
        step="Step 2/3: Image generation",
        created_at=datetime.now(UTC),
        execution_arn="arn:aws:states:us-east-1:123456789012:execution:imgfactory-job:" + "0" * 40,
        phase_seconds={"_queue_wait": 0.0, "prompts": 0.0, "generate": 0.0},
        phase_started=0.0,
        estimate=compact(
            {
                "eta": {"seconds": 0.0, "source": "built-in"},
                "aws": {"total_usd": 0.0},
                "provider_fees": {"total_usd": 0.0},
            }
        ),
        log_seq=1000,
    )
    return max(1, math.ceil(len(json.dumps(item.serialize())) / 1024))


def estimate_config(workspace: str, config: dict[str, Any]) -> dict[str, Any]:
    """The estimate of a job of this (normalised) configuration."""
    names = phase_names_for(config)
    keys = workspace_keys(workspace)
    plan = [
        p.to_dict()
        for p in build_plan(
            names,
            config["generations"],
            config["variations"],
            get_settings().images_per_batch,
            config["parameters"]["max_concurrency"],
            prompts_in_parallel="openai" in keys,
        )
    ]
    eta = durations.eta(workspace, config, plan, keys)
    ops = operations.predict(
        plan,
        config["parameters"]["max_concurrency"],
        job_item_kb=job_item_kb(workspace, config, plan),
        prompt_terms=mean_prompt_terms(config),
        phase_seconds={p["name"]: p["seconds"] for p in eta["phases"]},
        prompts_online="openai" in keys,
    )
    aws_cost = {**costmodel.breakdown(ops), "operations": {k: round(v, 2) for k, v in ops.to_dict().items()}}
    provider = fees.provider_fees(config, keys, names)
    return {
        "images": jobconfig.image_count(config),
        "generations": config["generations"],
        "variations": config["variations"],
        "provider": config["provider"],
        "plan": [
            {"name": p["name"], "weight": p["weight"], "units": p["units"], "batches": p["batches"]}
            for p in plan
        ],
        "eta": eta,
        "aws": aws_cost,
        "provider_fees": provider,
        "total_usd": round(aws_cost["total_usd"] + provider["total_usd"], 6),
    }


def estimate_start(workspace: str, body: dict[str, Any]) -> dict[str, Any]:
    from chalicelib.services.jobs import check_start

    checked = check_start(workspace, body)
    answer = estimate_config(workspace, checked.config)
    if checked.scheduled_at is not None:
        answer["scheduled_at"] = checked.scheduled_at.isoformat().replace("+00:00", "Z")
    return answer


def compact(estimate: dict[str, Any]) -> dict[str, Any]:
    """What a job keeps of its estimate (small: the job item is rewritten once per image)."""
    return {
        "eta_s": estimate["eta"]["seconds"],
        "eta_source": estimate["eta"]["source"],
        "aws_usd": estimate["aws"]["total_usd"],
        "fees_usd": estimate["provider_fees"]["total_usd"],
    }


def actual(job: JobModel) -> dict[str, Any] | None:
    """A finished job's cost breakdown and duration, set against its estimate.

    The AWS side is the cost model applied to what the job did (its plan as run, its images, its
    measured phase times); provider fees are the price table applied to the images it made.
    """
    if job.finished_at is None or not job.plan or not job.snapshot:
        return None
    config = job.snapshot
    names = [p["name"] for p in job.plan]
    keys = workspace_keys(job.workspace)
    seconds = {k: float(v) for k, v in (job.phase_seconds or {}).items() if not k.startswith("_")}
    made = int(job.images_ok) + int(job.images_failed)
    ops = operations.predict(
        job.plan,
        config["parameters"]["max_concurrency"],
        job_item_kb=max(1, math.ceil(len(json.dumps(job.serialize())) / 1024)),
        prompt_terms=mean_prompt_terms(config),
        phase_seconds=seconds,
        prompts_online="openai" in keys,
    )
    done = {**config, "generations": max(1, math.ceil(made / max(1, int(config["variations"]))))}
    provider = (
        fees.provider_fees(done, keys, names)
        if made
        else {
            "total_usd": 0.0,
            "by_provider_model": {},
            "lines": [],
            "prices_date": fees.price_table()["date"],
        }
    )
    aws_cost = costmodel.breakdown(ops)
    run_s = durations.run_seconds(job)
    estimated = job.estimate or {}
    return {
        "duration_s": round(run_s, 3) if run_s is not None else None,
        "aws": aws_cost,
        "provider_fees": provider,
        "total_usd": round(aws_cost["total_usd"] + provider["total_usd"], 6),
        "estimated": estimated or None,
        "vs_estimate": {
            "duration_ratio": round(run_s / estimated["eta_s"], 3)
            if run_s is not None and estimated.get("eta_s")
            else None,
            "cost_ratio": round(
                (aws_cost["total_usd"] + provider["total_usd"])
                / (estimated["aws_usd"] + estimated["fees_usd"]),
                3,
            )
            if estimated and (estimated.get("aws_usd", 0) + estimated.get("fees_usd", 0)) > 0
            else None,
        },
    }
