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
from imgfactory.local.wsserver import LocalWebsocketServer

STATE_FILE = Path(".imgfactory") / "dev.json"


@dataclass
class RunningStack:
    stack: LocalStack
    api: LocalApiServer
    websocket: LocalWebsocketServer
    token: str
    owns_stack: bool = True

    @property
    def console_url(self) -> str:
        return f"{self.api.url}/?token={self.token}"

    def stop(self) -> None:
        self.api.stop()
        self.websocket.stop()
        if self.owns_stack:
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
    """A new local stack with its API, console and WebSocket (ports next to `port` when free)."""
    api_port = port or free_port()
    if not aws_port:
        aws_port = api_port + 1 if port and _port_is_free(api_port + 1) else free_port()
    stack = LocalStack(stage=stage, moto_port=aws_port).start()
    return serve_stack(stack, api_port=api_port, owns_stack=True)


def serve_stack(stack: LocalStack, api_port: int = 0, owns_stack: bool = False) -> RunningStack:
    """Serve the API, console and WebSocket for a running stack, with a new local user token."""
    token = secrets.token_urlsafe(24)
    api_port = api_port or free_port()
    ws_port = api_port + 2 if _port_is_free(api_port + 2) else free_port()
    stack.set_local_user(token, f"ws://127.0.0.1:{ws_port}")
    websocket = LocalWebsocketServer(port=ws_port).start()
    api = LocalApiServer(token=token, port=api_port).start()
    return RunningStack(stack, api, websocket, token, owns_stack)


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
    print(f"websocket: {running.websocket.url}")
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
