"""`imgfactory run job.json`: start one job, show its progress and log, save its images."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

from imgfactory.client import ApiClient, ApiError
from imgfactory.logtail import trailing_lines
from imgfactory.progress import ProgressBar

FINAL = {"completed", "failed", "cancelled"}
# What to tell someone watching a job that waits on something other than the work.
WAITING_HINTS = {
    "scheduled": "Scheduled for {scheduled_at}: waiting (Ctrl-C cancels it)",
    "waiting_for_approval": (
        "Waiting for your approval: `imgfactory jobs approve {id}` (or `reject`), or use the console"
    ),
}


def load_job_file(path: Path) -> dict[str, Any]:
    """A job file is the state machine's input: `{"config": {...}}`, optionally with a label."""
    try:
        body = json.loads(path.read_text())
    except FileNotFoundError:
        raise SystemExit(f"imgfactory run: {path} does not exist") from None
    except ValueError as err:
        raise SystemExit(f"imgfactory run: {path} is not valid JSON: {err}") from None
    if not isinstance(body, dict) or "config" not in body:
        raise SystemExit(f'imgfactory run: {path} must be a JSON object like {{"config": {{...}}}}')
    return body


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_") or "job"


def follow(client: ApiClient, job_id: str, bar: ProgressBar, poll_s: float = 0.3) -> dict[str, Any]:
    """Poll the job and its log until it ends; returns the final job."""
    since, status = 0, ""
    while True:
        job = client.get(f"/api/jobs/{job_id}")["job"]
        logs = client.get(f"/api/jobs/{job_id}/logs", since=since, level="standard")
        for line in logs["lines"]:
            bar.message(f"  {line['message']}")
        since = logs["next"]
        if job["status"] != status:
            status = job["status"]
            hint = WAITING_HINTS.get(status)
            if hint:
                bar.message(hint.format(id=job_id, scheduled_at=job.get("scheduled_at")))
        bar.update(job["progress"], job["status"], job["step"])
        if job["status"] in FINAL:
            for line in trailing_lines(client, job_id, since, "standard", poll_s):
                bar.message(f"  {line['message']}")
            return job
        time.sleep(poll_s)


def save_images(client: ApiClient, job: dict[str, Any], out_dir: Path) -> int:
    target = out_dir / f"{_safe(job['label'])}-{job['id'][:8]}"
    target.mkdir(parents=True, exist_ok=True)
    saved, cursor = 0, None
    while True:
        page = client.get("/api/images", job_id=job["id"], cursor=cursor, limit=200)
        for image in page["items"]:
            if image["url"]:
                extension = image["url"].split("?")[0].rsplit(".", 1)[-1]
                (target / f"{image['id']}.{extension}").write_bytes(client.download(image["url"]))
                saved += 1
        cursor = page["next_cursor"]
        if not cursor:
            break
    (target / "job.json").write_text(json.dumps(job, indent=2))
    return saved


def run_job(client: ApiClient, job_file: Path, out_dir: Path) -> int:
    body = load_job_file(job_file)
    try:
        job = client.post("/api/jobs", body)["job"]
    except ApiError as err:
        print(f"imgfactory run: the job was refused: {err}")
        return 2
    print(f"Job {job['id']} ({job['label']}): {job['images_planned']} image(s)")
    bar = ProgressBar()
    try:
        job = follow(client, job["id"], bar)
    except KeyboardInterrupt:
        bar.close()
        client.post(f"/api/jobs/{job['id']}/stop")
        print("Stop requested; the job ends after the current image.")
        return 130
    bar.close()
    saved = save_images(client, job, out_dir)
    print(
        f"Job {job['status']}: {job['images_ok']} image(s) produced, {job['images_failed']} failed; "
        f"{saved} saved under {out_dir}/"
    )
    if job.get("error"):
        print(f"Error: {job['error']}")
    return 0 if job["status"] == "completed" else 1


def _usd(value: float) -> str:
    return f"${value:,.4f}" if value < 1 else f"${value:,.2f}"


def _duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m {secs:02d}s" if hours else f"{minutes}m {secs:02d}s"


def format_estimate(estimate: dict[str, Any]) -> str:
    eta, aws, fees = estimate["eta"], estimate["aws"], estimate["provider_fees"]
    source = (
        f"measured on {eta['samples']} earlier job(s) of the same settings"
        if eta["source"] == "history"
        else "built-in figures: no finished job of these settings yet"
    )
    lines = [
        f"Images: {estimate['images']} ({estimate['generations']} generation(s) × "
        f"{estimate['variations']} variation(s)), provider {estimate['provider']}",
        "Plan: " + ", ".join(f"{p['name']} ({p['weight']}%)" for p in estimate["plan"]),
        f"ETA: {_duration(eta['seconds'])} ({source}; excludes {eta['excludes']})",
    ]
    lines += [f"  {p['name']:<14} {_duration(p['seconds'])}" for p in eta["phases"] if p["seconds"]]
    lines.append(f"AWS: {_usd(aws['total_usd'])} (list prices of {aws['prices_date']})")
    lines += [f"  {service:<14} {_usd(usd)}" for service, usd in aws["by_service"].items()]
    lines.append(f"Provider fees: {_usd(fees['total_usd'])} (price table of {fees['prices_date']})")
    lines += [
        f"  {line['provider']}/{line['model']}: {line['units']:g} {line['what']} × {_usd(line['unit_usd'])} "
        f"= {_usd(line['usd'])}"
        for line in fees["lines"]
    ]
    lines.append(f"Total: {_usd(estimate['total_usd'])}")
    return "\n".join(lines)


def estimate_job(client: ApiClient, job_file: Path) -> int:
    """`imgfactory run --estimate job.json`: the estimate, with nothing started."""
    body = load_job_file(job_file)
    try:
        estimate = client.post("/api/jobs/estimate", body)["estimate"]
    except ApiError as err:
        print(f"imgfactory run: the job was refused: {err}")
        return 2
    print(format_estimate(estimate))
    return 0
