"""`imgfactory dev`: the whole stack on this machine, no AWS account and no API keys."""

from __future__ import annotations

import json
import secrets
import signal
import threading
from dataclasses import dataclass
from pathlib import Path

from imgfactory.local.server import LocalApiServer
from imgfactory.local.stack import LocalStack, free_port

STATE_FILE = Path(".imgfactory") / "dev.json"


@dataclass
class RunningStack:
    stack: LocalStack
    api: LocalApiServer
    token: str

    @property
    def console_url(self) -> str:
        return f"{self.api.url}/?token={self.token}"

    def stop(self) -> None:
        self.api.stop()
        self.stack.stop()


def _port_is_free(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def start_stack(port: int = 0, aws_port: int = 0, stage: str = "local") -> RunningStack:
    token = secrets.token_urlsafe(24)
    api_port = port or free_port()
    if not aws_port:
        aws_port = api_port + 1 if port and _port_is_free(api_port + 1) else free_port()
    stack = LocalStack(stage=stage, moto_port=aws_port).start()
    api = LocalApiServer(token=token, port=api_port)
    # The WebSocket endpoint is not served yet: /api/health says so with websocket_url null.
    api.start()
    return RunningStack(stack, api, token)


def run_dev(port: int) -> int:
    try:
        running = start_stack(port=port)
    except OSError as err:
        print(f"imgfactory dev: cannot listen on port {port}: {err.strerror}")
        return 1
    STATE_FILE.parent.mkdir(exist_ok=True)
    STATE_FILE.write_text(json.dumps({"api": running.api.url, "token": running.token}))
    stack = running.stack
    print("Image Factory is running on this machine (offline: local provider, moto for AWS).")
    print(f"console: {running.console_url}")
    print(f"api: {running.api.url}/api")
    print(f"token: {running.token}")
    print(f"aws endpoint: {stack.endpoint}")
    print(f"job state machine: {stack.job_machine_arn}")
    print("Start a job from the AWS CLI:")
    print(
        f"  aws --endpoint-url {stack.endpoint} stepfunctions start-execution "
        f"--state-machine-arn {stack.job_machine_arn} --input file://examples/job.json"
    )
    print("Press Ctrl-C to stop.", flush=True)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        stopped.wait()
    except KeyboardInterrupt:
        pass
    print("\nStopping…", flush=True)
    running.stop()
    STATE_FILE.unlink(missing_ok=True)
    return 0
