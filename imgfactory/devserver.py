"""`imgfactory dev`: the whole stack on this machine, no AWS account and no API keys."""

from __future__ import annotations

import json
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from imgfactory.local.server import LocalApiServer
from imgfactory.local.stack import REGION, LocalStack, free_port
from imgfactory.local.users import SignedInUser
from imgfactory.local.wsserver import LocalWebsocketServer

STATE_FILE = Path(".imgfactory") / "dev.json"
#: Where `imgfactory dev` keeps the local stack's data across restarts (imgfactory/local/persistence.py).
STATE_DIR = Path(".imgfactory") / "state"
DEV_USER = "dev"
#: ID tokens last an hour (moto ignores the client's validity): `imgfactory dev` gets new ones
#: well before, for the CLI (through the dev file); the console refreshes its own.
REFRESH_EVERY_S = 45 * 60


@dataclass
class RunningStack:
    stack: LocalStack
    api: LocalApiServer
    websocket: LocalWebsocketServer
    user: SignedInUser
    owns_stack: bool = True

    @property
    def token(self) -> str:
        """The local user's current ID token: `Authorization: Bearer <token>`."""
        return self.user.id_token

    @property
    def console_url(self) -> str:
        """Opening it signs the browser in as the local user (the console keeps both tokens)."""
        query = urlencode({"token": self.token, "refresh_token": self.user.refresh_token})
        return f"{self.api.url}/?{query}"

    def refresh(self) -> None:
        from imgfactory.local import users

        self.user = users.refresh(self.user)

    def state(self) -> dict[str, str]:
        """What `.imgfactory/dev.json` keeps for the CLI."""
        return {"api": self.api.url, "token": self.token, "refresh_token": self.user.refresh_token}

    def stop(self) -> None:
        self.api.stop()
        self.websocket.stop()
        if self.owns_stack:
            self.stack.stop()


def _port_is_free(port: int) -> bool:
    """Whether a server could listen on `port` now. The servers set SO_REUSEADDR, so the probe
    does too: a port whose last connections are still in TIME_WAIT after a quick restart is free."""
    import socket

    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def start_stack(
    port: int = 0, aws_port: int = 0, stage: str = "local", state_dir: Path | None = None
) -> RunningStack:
    """A local stack with its API, console and WebSocket (ports next to `port` when free); with
    `state_dir`, the stack that was kept there."""
    api_port = port or free_port()
    if not aws_port:
        aws_port = api_port + 1 if port and _port_is_free(api_port + 1) else free_port()
    stack = LocalStack(stage=stage, moto_port=aws_port, state_dir=state_dir).start()
    return serve_stack(stack, api_port=api_port, owns_stack=True)


def serve_stack(stack: LocalStack, api_port: int = 0, owns_stack: bool = False) -> RunningStack:
    """Serve the API, console and WebSocket for a running stack, signed in as the local user."""
    user = stack.sign_in(DEV_USER)
    api_port = api_port or free_port()
    ws_port = api_port + 2 if _port_is_free(api_port + 2) else free_port()
    stack.serve_for(user, f"ws://127.0.0.1:{ws_port}")
    websocket = LocalWebsocketServer(port=ws_port).start()
    api = LocalApiServer(port=api_port).start()
    return RunningStack(stack, api, websocket, user, owns_stack)


def _write_state(running: RunningStack) -> None:
    """The dev file, readable only by its owner: it holds the user's tokens."""
    STATE_FILE.parent.mkdir(exist_ok=True)
    STATE_FILE.touch(mode=0o600)
    STATE_FILE.write_text(json.dumps(running.state()))


def run_dev(port: int, reset: bool = False) -> int:
    if reset and STATE_DIR.exists():
        import shutil

        shutil.rmtree(STATE_DIR)
        print(f"Removed the saved local state ({STATE_DIR}): starting afresh.")
    try:
        running = start_stack(port=port, state_dir=STATE_DIR)
    except OSError as err:
        print(f"imgfactory dev: cannot listen on port {port}: {err.strerror}")
        return 1
    _write_state(running)
    stack = running.stack
    print("Image Factory is running on this machine (offline: local provider, moto for AWS).")
    print(f"console: {running.console_url}")
    print(f"api: {running.api.url}/api")
    print(f"token: {running.token}")
    print(f"user: {running.user.username} (workspace {running.user.sub}; the token lasts an hour,")
    print(f"  {STATE_FILE} always holds a current one)")
    print(f"websocket: {running.websocket.url}")
    print(f"aws endpoint: {stack.endpoint}")
    print(f"job state machine: {stack.job_machine_arn}")
    kept = "restored from" if stack.restored else "kept in"
    print(f"data: {kept} {STATE_DIR}/ (`imgfactory dev --reset` or `make clean` starts afresh)")
    if stack.interrupted_jobs:
        count = len(stack.interrupted_jobs)
        print(f"  {count} job(s) interrupted by the last stop are now failed; resume them to go on")
    # The AWS CLI will not send a request without a region and credentials; moto takes any.
    print("Start a job from the AWS CLI (moto accepts any credentials; the CLI needs some):")
    print(
        f"  AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local aws --region {REGION} "
        f"--endpoint-url {stack.endpoint} stepfunctions start-execution "
        f"--state-machine-arn {stack.job_machine_arn} --input file://examples/job.json"
    )
    print("Press Ctrl-C to stop.", flush=True)
    stopped = threading.Event()
    # Ctrl-C and SIGTERM both stop the stack cleanly (and so save its state), also when the
    # process was started with SIGINT ignored (as a background job of a shell is).
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    next_refresh = time.monotonic() + REFRESH_EVERY_S
    try:
        # Short waits: a signal handler's `set()` can miss a long wait under way in this thread.
        while not stopped.wait(1.0):
            if time.monotonic() >= next_refresh:
                next_refresh = time.monotonic() + REFRESH_EVERY_S
                running.refresh()
                _write_state(running)
    except KeyboardInterrupt:
        pass
    print("\nStopping…", flush=True)
    running.stop()
    STATE_FILE.unlink(missing_ok=True)
    return 0
