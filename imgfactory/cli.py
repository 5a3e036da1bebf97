"""The `imgfactory` command: `dev` runs the local stack, `run` runs one job."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def _local_api() -> tuple[str, str] | None:
    """The API of an `imgfactory dev` running from this folder, if it answers."""
    from imgfactory.devserver import STATE_FILE

    try:
        state = json.loads(STATE_FILE.read_text())
        import requests

        requests.get(f"{state['api']}/api/health", timeout=2).raise_for_status()
        return state["api"], state["token"]
    except Exception:  # noqa: BLE001 - no usable dev stack: the caller starts its own
        return None


def cmd_dev(args: argparse.Namespace) -> int:
    from imgfactory.devserver import run_dev

    return run_dev(args.port)


def cmd_run(args: argparse.Namespace) -> int:
    from imgfactory.client import ApiClient
    from imgfactory.runjob import run_job

    if args.api:
        return run_job(ApiClient(args.api, args.token), args.job_file, args.out)
    found = _local_api()
    if found:
        print(f"Using the local stack at {found[0]}")
        return run_job(ApiClient(*found), args.job_file, args.out)
    from imgfactory.devserver import start_stack

    print("Starting a local stack for this job…")
    running = start_stack()
    try:
        return run_job(ApiClient(running.api.url, running.token), args.job_file, args.out)
    finally:
        running.stop()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="imgfactory", description="Image Factory command line")
    sub = parser.add_subparsers(dest="command", required=True)
    dev = sub.add_parser("dev", help="run the whole stack on this machine (no AWS account needed)")
    dev.add_argument("--port", type=int, default=8000, help="port of the console and API [8000]")
    dev.set_defaults(func=cmd_dev)
    run = sub.add_parser("run", help="run one job to the end with a progress bar")
    run.add_argument("job_file", type=Path, help='a JSON file: {"config": {...}}')
    run.add_argument("--api", help="API base URL of a deployed stack (default: the local stack)")
    run.add_argument("--token", help="bearer token for --api")
    run.add_argument("--out", type=Path, default=Path("imgfactory-output"), help="where images are saved")
    run.set_defaults(func=cmd_run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
