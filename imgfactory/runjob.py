"""`imgfactory run job.json`: start one job, show its progress and log, save its images."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

from imgfactory.client import ApiClient, ApiError
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
