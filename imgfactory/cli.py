"""The `imgfactory` command: `dev` runs the local stack, `run` runs one job, `jobs` manages jobs."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def _local_api() -> tuple[str, str, str | None] | None:
    """The API of an `imgfactory dev` running from this folder, if it answers."""
    from imgfactory.devserver import STATE_FILE

    try:
        state = json.loads(STATE_FILE.read_text())
        import requests

        requests.get(f"{state['api']}/api/health", timeout=2).raise_for_status()
        return state["api"], state["token"], state.get("refresh_token")
    except Exception:  # noqa: BLE001 - no usable dev stack: the caller starts its own
        return None


def cmd_dev(args: argparse.Namespace) -> int:
    from imgfactory.devserver import run_dev

    return run_dev(args.port, reset=args.reset)


def cmd_run(args: argparse.Namespace) -> int:
    from imgfactory.client import ApiClient
    from imgfactory.runjob import estimate_job, run_job

    def act(client: ApiClient) -> int:
        if args.estimate:
            return estimate_job(client, args.job_file)
        return run_job(client, args.job_file, args.out)

    if args.api:
        return act(ApiClient(args.api, args.token))
    found = _local_api()
    if found:
        print(f"Using the local stack at {found[0]}")
        return act(ApiClient(*found))
    from imgfactory.devserver import start_stack

    print("Starting a local stack for this job…")
    running = start_stack()
    try:
        client = ApiClient(running.api.url, running.token, running.user.refresh_token)
        return act(client)
    finally:
        running.stop()


def cmd_jobs(args: argparse.Namespace) -> int:
    from imgfactory import jobs_cli

    return jobs_cli.run(args, getattr(jobs_cli, args.jobs_command))


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return int(text)


def add_jobs_parser(sub: Any) -> None:
    from imgfactory.jobs_cli import ENV_API, ENV_TOKEN, STATUSES

    jobs = sub.add_parser(
        "jobs",
        help="list, inspect, follow and control jobs",
        description=f"Jobs on the local stack (from `imgfactory dev`) or a deployed API. API and token: "
        f"--api/--token, else ${ENV_API}/${ENV_TOKEN}, else .imgfactory/dev.json.",
    )
    jobs.add_argument("--api", help=f"API base URL [${ENV_API}, else the local stack]")
    jobs.add_argument("--token", help=f"bearer token [${ENV_TOKEN}, else the local stack's]")
    jobs.set_defaults(func=cmd_jobs)
    # The same options after the command too (`jobs list --api …`), without overriding the group's.
    where = argparse.ArgumentParser(add_help=False)
    where.add_argument("--api", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    where.add_argument("--token", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    commands = jobs.add_subparsers(dest="jobs_command_name", metavar="command", required=True)

    def command(name: str, implementation: str, help_text: str, takes_id: bool = True) -> Any:
        parser = commands.add_parser(name, help=help_text, description=help_text, parents=[where])
        if takes_id:
            parser.add_argument("job_id", metavar="ID", help="job id (or the first characters `list` shows)")
        parser.set_defaults(jobs_command=implementation)
        return parser

    listing = command("list", "cmd_list", "a table of jobs, newest first", takes_id=False)
    listing.add_argument(
        "--status", choices=STATUSES, metavar="S", help=f"only jobs in status S: {', '.join(STATUSES)}"
    )
    listing.add_argument("--sort", choices=("newest", "oldest"), help="order by creation [newest]")
    listing.add_argument("--limit", type=_positive, help="jobs per page [25, at most 100]")
    listing.add_argument("--cursor", help="the page after the one that printed this cursor")
    listing.add_argument("--all", action="store_true", help="every page, not just one")
    listing.add_argument("--json", action="store_true", help="print the API's JSON")
    show = command("show", "cmd_show", "one job: status, progress, phases, statistics, error")
    show.add_argument("--json", action="store_true", help="print the API's JSON")
    logs = command("logs", "cmd_logs", "the job's log as [HH:MM:SS] message lines")
    logs.add_argument("--follow", "-f", action="store_true", help="keep printing until the job ends")
    logs.add_argument("--level", choices=("standard", "debug"), default="standard", help="[standard]")
    logs.add_argument("--tail", type=_positive, metavar="N", help="only the last N lines (at most 1000)")
    stop = command("stop", "cmd_stop", "stop gracefully after the current image")
    stop.add_argument("--force", action="store_true", help="end the execution at once")
    command("pause", "cmd_pause", "hold the job at its next checkpoint")
    command("resume", "cmd_resume", "resume a paused, failed or cancelled job where it stopped")
    command("approve", "cmd_approve", "approve a job waiting at its approval step: it goes on")
    reject = command("reject", "cmd_reject", "reject a job waiting at its approval step: it fails")
    reject.add_argument("--reason", help="why (shown as the job's error)")
    command("rerun", "cmd_rerun", "start a new job from this job's current configuration")
    delete = command("delete", "cmd_delete", "delete the job, its images and objects")
    delete.add_argument("--no-wait", action="store_true", help="do not follow the background deletion")
    queue = command(
        "queue", "cmd_queue", "the queue in run order, with estimated start times", takes_id=False
    )
    queue.add_argument("--json", action="store_true", help="print the API's JSON")
    move = command("move", "cmd_move", "move a queued job to another place in the queue")
    where_to = move.add_mutually_exclusive_group(required=True)
    where_to.add_argument("--to", type=_positive, metavar="N", help="to position N (1 = runs next)")
    where_to.add_argument(
        "--front", action="store_const", const="front", dest="direction", help="to the front"
    )
    where_to.add_argument("--up", action="store_const", const="up", dest="direction", help="one place up")
    where_to.add_argument(
        "--down", action="store_const", const="down", dest="direction", help="one place down"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="imgfactory", description="Image Factory command line")
    sub = parser.add_subparsers(dest="command", required=True)
    dev = sub.add_parser("dev", help="run the whole stack on this machine (no AWS account needed)")
    dev.add_argument("--port", type=int, default=8000, help="port of the console and API [8000]")
    dev.add_argument(
        "--reset", action="store_true", help="forget the local state kept in .imgfactory/state; start afresh"
    )
    dev.set_defaults(func=cmd_dev)
    run = sub.add_parser("run", help="run one job to the end with a progress bar")
    run.add_argument("job_file", type=Path, help='a JSON file: {"config": {...}}')
    run.add_argument("--api", help="API base URL of a deployed stack (default: the local stack)")
    run.add_argument("--token", help="bearer token for --api")
    run.add_argument("--out", type=Path, default=Path("imgfactory-output"), help="where images are saved")
    run.add_argument(
        "--estimate", action="store_true", help="print what the job would make, take and cost; start nothing"
    )
    run.set_defaults(func=cmd_run)
    add_jobs_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
