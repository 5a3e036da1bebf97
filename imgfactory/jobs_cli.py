"""`imgfactory jobs …`: list, inspect, follow and control jobs through the HTTP API (SPEC §6).

The API is the local stack's (`.imgfactory/dev.json`, written by `imgfactory dev`) or a deployed
one (`--api URL --token T`, or IMGFACTORY_API / IMGFACTORY_TOKEN). Errors are one line on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from imgfactory.client import ApiClient, ApiError, ApiUnreachable
from imgfactory.logtail import trailing_lines

ENV_API = "IMGFACTORY_API"
ENV_TOKEN = "IMGFACTORY_TOKEN"
FINAL = {"completed", "failed", "cancelled"}
STATUSES = ("scheduled", "queued", "running", "waiting_for_approval", "paused", *sorted(FINAL))
POLL_S = 0.5
LABEL_WIDTH = 40

Command = Callable[[ApiClient, argparse.Namespace], int]


class UsageError(Exception):
    """The command cannot run as asked (exit 2)."""


# --- where the API is ------------------------------------------------------------------------


def _dev_state(state_file: Path | None) -> dict[str, Any]:
    if state_file is None:
        from imgfactory.devserver import STATE_FILE

        state_file = STATE_FILE
    try:
        state = json.loads(state_file.read_text())
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def resolve_api(
    api: str | None,
    token: str | None,
    environ: Mapping[str, str] = os.environ,
    state_file: Path | None = None,
) -> tuple[str, str | None]:
    """The API URL and token: explicit options, then the environment, then `imgfactory dev`'s file.
    The dev file's token is only used for the dev file's API."""
    dev = _dev_state(state_file)
    url = api or environ.get(ENV_API) or dev.get("api")
    if not url:
        raise UsageError(
            f"no API to talk to: pass --api URL --token T, set {ENV_API} and {ENV_TOKEN}, "
            "or start the local stack with `make run` (imgfactory dev) in this folder"
        )
    same_as_dev = str(url).rstrip("/") == str(dev.get("api") or "").rstrip("/")
    return str(url), token or environ.get(ENV_TOKEN) or (dev.get("token") if same_as_dev else None)


def run(args: argparse.Namespace, command: Command) -> int:
    """Run one `jobs` command; every failure becomes `imgfactory: <message>` and an exit code."""
    try:
        url, token = resolve_api(args.api, args.token)
        dev = _dev_state(None)
        from_dev = token is not None and token == dev.get("token")
        client = ApiClient(url, token, dev.get("refresh_token") if from_dev else None)
        return command(client, args)
    except UsageError as err:
        return _fail(str(err), 2)
    except ApiUnreachable as err:
        return _fail(
            f"cannot reach the API at {err.url} ({err.reason}). Is the stack running? Start the local "
            "one with `make run` (or `imgfactory dev`), or pass --api URL --token T for a deployed one"
        )
    except ApiError as err:
        hint = ""
        if err.status == 401:
            hint = f" (unauthorized: pass --token T or set {ENV_TOKEN}; `imgfactory dev` prints the token)"
        return _fail(f"{err}{hint}")
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130


def _fail(message: str, code: int = 1) -> int:
    print(f"imgfactory: {message}", file=sys.stderr)
    return code


# --- formatting ----------------------------------------------------------------------------------


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value).astimezone() if value else None


def format_when(value: str | None) -> str:
    moment = _time(value)
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else "-"


def format_clock(value: str | None) -> str:
    moment = _time(value)
    return moment.strftime("%H:%M:%S") if moment else "--:--:--"


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(int(round(seconds)), 60)
    if minutes < 60:
        return f"{minutes}m {secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def format_table(jobs: list[dict[str, Any]]) -> str:
    header = ("ID", "LABEL", "STATUS", "PROGRESS", "IMAGES", "CREATED", "DURATION")
    rows = [
        (
            job["id"][:8],
            _clip(job["label"], LABEL_WIDTH),
            job["status_label"],
            f"{job['progress']}%",
            f"{job['images_ok']}/{job['images_planned']}",
            format_when(job["created_at"]),
            format_duration(job["duration_s"]),
        )
        for job in jobs
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    right = {3, 4, 6}  # numbers line up on the right

    def line(row: tuple[str, ...]) -> str:
        cells = [row[i].rjust(w) if i in right else row[i].ljust(w) for i, w in enumerate(widths)]
        return "  ".join(cells).rstrip()

    return "\n".join(line(row) for row in [header, *rows])


def format_job(job: dict[str, Any]) -> str:
    status = f"{job['status_label']}, {job['progress']}% — {job.get('step') or '-'}"
    facts = [
        ("id", job["id"]),
        ("status", status),
        ("queue position", job.get("queue_position")),
        ("kind", f"{job.get('kind', 'generation')}, attempt {job.get('attempt', 1)}"),
        ("rerun of", job.get("parent_id")),
        (
            "images",
            f"{job['images_ok']} ok, {job['images_failed']} failed, of {job['images_planned']} planned",
        ),
        ("created", format_when(job.get("created_at"))),
        ("started", format_when(job.get("started_at"))),
        ("finished", format_when(job.get("finished_at"))),
        ("duration", format_duration(job.get("duration_s"))),
        ("error", job.get("error")),
    ]
    shown = [(key, value) for key, value in facts if value not in (None, "")]
    width = max(len(key) for key, _ in shown) + 1
    lines = [job["label"], *(f"  {(key + ':').ljust(width)} {value}" for key, value in shown)]
    phases = job.get("phases") or []
    if phases:
        name_width = max(len(phase["name"]) for phase in phases)
        lines.append("Phases (weight, state)")
        lines += [f"  {p['name'].ljust(name_width)}  {p['weight']:3d}%  {p['state']}" for p in phases]
    stats = job.get("statistics")
    if stats:
        lines.append("Statistics")
        lines.append(
            f"  total {stats['total']}, successful {stats['successful']}, failed {stats['failed']}, "
            f"success rate {stats['success_rate'] * 100:.1f}%"
        )
    return "\n".join(lines)


def format_log_line(line: dict[str, Any]) -> str:
    return f"[{format_clock(line.get('time'))}] {line['message']}"


def _print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False))


# --- commands --------------------------------------------------------------------------------


def resolve_id(client: ApiClient, job_id: str) -> str:
    """A full job id from what `jobs list` shows (its first 8 characters) or any unique prefix."""
    if len(job_id) >= 32:
        return job_id
    matches, cursor = [], None
    while True:
        page = client.get("/api/jobs", limit=100, cursor=cursor)
        matches += [job["id"] for job in page["items"] if job["id"].startswith(job_id)]
        cursor = page.get("next_cursor")
        if not cursor:
            break
    if len(matches) > 1:
        raise UsageError(f"{job_id} matches {len(matches)} jobs; give more of the id")
    return matches[0] if matches else job_id  # none: the server says it is not found


def cmd_list(client: ApiClient, args: argparse.Namespace) -> int:
    params = {"status": args.status, "sort": args.sort, "limit": args.limit, "cursor": args.cursor}
    page = client.get("/api/jobs", **params)
    items = list(page["items"])
    while args.all and page.get("next_cursor"):
        page = client.get("/api/jobs", **{**params, "cursor": page["next_cursor"]})
        items += page["items"]
    cursor = page.get("next_cursor")
    if args.json:
        _print_json({"items": items, "next_cursor": cursor})
        return 0
    print(format_table(items) if items else f"No {args.status + ' ' if args.status else ''}jobs.")
    if cursor:
        options = "".join(
            f" --{name} {value}" for name, value in params.items() if value is not None and name != "cursor"
        )
        print(f"More jobs: imgfactory jobs list{options} --cursor {cursor}  (or --all)")
    return 0


def cmd_show(client: ApiClient, args: argparse.Namespace) -> int:
    job = client.get(f"/api/jobs/{resolve_id(client, args.job_id)}")["job"]
    if args.json:
        _print_json(job)
    else:
        print(format_job(job))
    return 0


def _new_lines(client: ApiClient, job_id: str, since: int, level: str) -> tuple[list[dict[str, Any]], int]:
    """Every line after `since`, a page at a time."""
    lines: list[dict[str, Any]] = []
    while True:
        page = client.get(f"/api/jobs/{job_id}/logs", since=since, level=level)
        if not page["lines"]:
            return lines, since
        lines += page["lines"]
        since = page["next"]


def _pause() -> None:
    time.sleep(POLL_S)


def _print_lines(lines: Iterable[dict[str, Any]]) -> None:
    for line in lines:
        print(format_log_line(line), flush=True)


def cmd_logs(client: ApiClient, args: argparse.Namespace) -> int:
    job_id = resolve_id(client, args.job_id)
    if args.tail:
        page = client.get(f"/api/jobs/{job_id}/logs", tail=args.tail, level=args.level)
        lines, since = page["lines"], page["next"]
    else:
        lines, since = _new_lines(client, job_id, 0, args.level)
    _print_lines(lines)
    if not args.follow:
        return 0
    while True:
        status = client.get(f"/api/jobs/{job_id}")["job"]["status"]
        lines, since = _new_lines(client, job_id, since, args.level)
        _print_lines(lines)
        if status in FINAL:
            break
        _pause()
    _print_lines(trailing_lines(client, job_id, since, args.level, POLL_S))
    return 0


def _control(action: str, done: str) -> Command:
    def command(client: ApiClient, args: argparse.Namespace) -> int:
        job = client.post(f"/api/jobs/{resolve_id(client, args.job_id)}/{action}")["job"]
        print(f"{done}: {job['label']} ({job['id'][:8]}) is {job['status_label'].lower()}")
        return 0

    return command


cmd_pause = _control("pause", "Pause requested (it holds at the next checkpoint)")
cmd_resume = _control("resume", "Resumed")
cmd_approve = _control("approve", "Approved")


def cmd_reject(client: ApiClient, args: argparse.Namespace) -> int:
    body = {"reason": args.reason} if args.reason else {}
    job = client.post(f"/api/jobs/{resolve_id(client, args.job_id)}/reject", body)["job"]
    print(f"Rejected: {job['label']} ({job['id'][:8]}) fails at its approval step")
    return 0


def cmd_stop(client: ApiClient, args: argparse.Namespace) -> int:
    if args.force:
        return _control("force-stop", "Force-stopped")(client, args)
    return _control("stop", "Stop requested (it ends after the current image)")(client, args)


def cmd_rerun(client: ApiClient, args: argparse.Namespace) -> int:
    job = client.post(f"/api/jobs/{resolve_id(client, args.job_id)}/rerun")["job"]
    print(f"Rerun started: {job['id']}  {job['label']}  ({job['status_label']})")
    return 0


def cmd_delete(client: ApiClient, args: argparse.Namespace) -> int:
    """The API answers at once (the job has left every list) and deletes in the background: follow
    the deletion until nothing is left, unless --no-wait."""
    job_id = resolve_id(client, args.job_id)
    try:
        answer = client.delete(f"/api/jobs/{job_id}")
    except ApiError as err:
        if err.status in (405, 501) or "no route" in str(err):
            return _fail(f"{err} (this API cannot delete jobs yet)")
        raise
    deletion = (answer or {}).get("deletion")
    if not deletion or getattr(args, "no_wait", False):
        print(f"Deleting job {job_id}" + (f" (deletion {deletion['id']})" if deletion else ""))
        return 0
    while deletion["status"] == "running":
        print(f"Deleting job {job_id}: {deletion['images_deleted']} image(s) deleted", end="\r", flush=True)
        time.sleep(POLL_S)
        deletion = client.get(f"/api/deletions/{deletion['id']}")["deletion"]
    if deletion["status"] == "failed":
        return _fail(f"deleting job {job_id} failed: {deletion['error']}")
    print(f"Deleted job {job_id}: {deletion['images_deleted']} image(s), their files and log")
    return 0


def format_queue(listing: dict[str, Any]) -> str:
    running = listing.get("running")
    lines = [f"Running: {running['label']} ({running['id'][:8]})" if running else "Running: nothing"]
    if not listing["items"] and not listing.get("scheduled"):
        return "\n".join([*lines, "The queue is empty."])
    lines.append(f"{'#':>3}  {'ID':<8}  {'LABEL':<32}  {'IMAGES':>6}  ESTIMATED START")
    for item in listing["items"]:
        lines.append(
            f"{item['position']:>3}  {item['id'][:8]:<8}  {_clip(item['label'], 32):<32}  "
            f"{item['images']:>6}  {format_when(item['estimated_start'])}"
        )
    for item in listing.get("scheduled") or []:
        lines.append(
            f"{'-':>3}  {item['id'][:8]:<8}  {_clip(item['label'], 32):<32}  "
            f"{item['images']:>6}  {format_when(item['estimated_start'])} (scheduled)"
        )
    return "\n".join(lines)


def cmd_queue(client: ApiClient, args: argparse.Namespace) -> int:
    listing = client.get("/api/queue")
    if args.json:
        _print_json(listing)
    else:
        print(format_queue(listing))
    return 0


def cmd_move(client: ApiClient, args: argparse.Namespace) -> int:
    job_id = resolve_id(client, args.job_id)
    body: dict[str, Any] = {"to": args.to} if args.to else {"direction": args.direction}
    moved = client.post(f"/api/queue/{job_id}/move", body)
    print(f"Moved {job_id[:8]} to position {moved['position']}")
    print(format_queue(client.get("/api/queue")))
    return 0
