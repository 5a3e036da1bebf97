"""The local stack: an embedded moto server holding every resource production has.

Tables come from the PynamoDB models, the state machines from the same ASL files the CDK app
deploys, users sign in to a Cognito user pool as on AWS, and Lambda tasks run in this process on
our handlers. A watcher stands in for what
EventBridge does on AWS (start the cleanup machine when a job execution fails, times out or is
aborted), calling the same cleanup code, and for EventBridge Scheduler (start a scheduled job when
its time comes, through the same `start_scheduled_job` handler).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from imgfactory.local import users

if TYPE_CHECKING:
    from imgfactory.local.persistence import StateStore

ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/imgfactory-local-states"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def quiet_logs() -> None:
    for name in ("werkzeug", "moto", "moto.stepfunctions.parser", "botocore", "urllib3"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


@dataclass
class LocalStack:
    stage: str = "local"
    moto_port: int = 0
    slot_recheck_s: int = 30
    images_per_batch: int | None = None
    # Schedules fire to the second (`at(...)`): looking once a second is enough, and the watcher
    # shares this process with the jobs it serves.
    schedule_interval_s: float = 1.0
    endpoint: str = ""
    job_machine_arn: str = ""
    cleanup_machine_arn: str = ""
    # Where the stack keeps its state across restarts (`imgfactory dev`: .imgfactory/state);
    # None keeps everything in memory only (tests, `imgfactory run`'s private stack).
    state_dir: Path | None = None
    restored: bool = False
    interrupted_jobs: list[str] = field(default_factory=list)
    _server: object = None
    _state: StateStore | None = None
    _watcher: threading.Thread | None = None
    _stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> LocalStack:
        quiet_logs()
        self.moto_port = self.moto_port or free_port()
        self.endpoint = f"http://127.0.0.1:{self.moto_port}"
        self._set_environment()
        from moto.server import ThreadedMotoServer

        from imgfactory.local import moto_fixes

        moto_fixes.install()
        state = None
        if self.state_dir is not None:
            from imgfactory.local import persistence

            gate = persistence.Gate()
            state = persistence.StateStore(self.state_dir, gate)
            server: ThreadedMotoServer = persistence.GatedMotoServer(
                gate, ip_address="127.0.0.1", port=self.moto_port, verbose=False
            )
        else:
            server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.moto_port, verbose=False)
        server.start()
        self._server = server
        import requests

        requests.post(
            f"{self.endpoint}/moto-api/config",
            json={"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}},
            timeout=10,
        ).raise_for_status()
        kept = state.restore() if state is not None else None
        self.restored = kept is not None
        self._create_resources(kept)
        if state is not None:
            from chalicelib import settings as s
            from imgfactory.local import restart

            if self.restored:
                restart.forget_connections()
                self.interrupted_jobs = restart.fail_interrupted_jobs()
            settings = s.get_settings()
            state.meta = {
                "user_pool_id": settings.user_pool_id,
                "user_pool_client_id": settings.user_pool_client_id,
            }
            state.save()
            state.start()
            self._state = state
        self._watcher = threading.Thread(target=self._watch, name="imgfactory-watcher", daemon=True)
        self._watcher.start()
        return self

    def _set_environment(self) -> None:
        from chalicelib import settings as s

        os.environ["MOTO_PORT"] = str(self.moto_port)  # moto's interpreter calls back here
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
        os.environ["AWS_DEFAULT_REGION"] = REGION
        prefix = f"imgfactory-{self.stage}"
        self.job_machine_arn = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{prefix}-job"
        self.cleanup_machine_arn = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{prefix}-cleanup"
        env = {
            s.ENV_STAGE: self.stage,
            s.ENV_AWS_ENDPOINT: self.endpoint,
            s.ENV_TABLE_PREFIX: prefix,
            s.ENV_BUCKET: f"{prefix}-images",
            s.ENV_JOB_MACHINE_ARN: self.job_machine_arn,
            s.ENV_SLOT_RECHECK_S: str(self.slot_recheck_s),
            s.ENV_LOCAL: "1",
            s.ENV_SCHEDULE_GROUP: prefix,
            s.ENV_SCHEDULER_TARGET_ARN: (
                f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{prefix}-start_scheduled_job"
            ),
            s.ENV_SCHEDULER_ROLE_ARN: f"arn:aws:iam::{ACCOUNT}:role/{prefix}-scheduler",
            s.ENV_EXPORT_FUNCTION_ARN: f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{prefix}-build_export",
            s.ENV_DELETE_FUNCTION_ARN: f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{prefix}-delete_worker",
        }
        if self.images_per_batch:
            env[s.ENV_IMAGES_PER_BATCH] = str(self.images_per_batch)
        os.environ.update(env)
        s.reset_settings()

    def sign_in(self, username: str) -> users.SignedInUser:
        """A user of the stack's pool (created if new), signed in; its workspace is its `sub`."""
        return users.sign_in(username)

    def serve_for(self, user: users.SignedInUser, websocket_url: str) -> None:
        """Where the WebSocket is served, and the user whose workspace gets the jobs started
        straight on Step Functions (as an operator would with the AWS CLI)."""
        from chalicelib import settings as s

        os.environ[s.ENV_WEBSOCKET_URL] = websocket_url
        os.environ[s.ENV_DEFAULT_WORKSPACE] = user.sub
        s.reset_settings()

    def _create_resources(self, kept: dict | None = None) -> None:
        """Every resource production has; after a restart, only what the kept state lacks (the
        state machines: executions are not kept)."""
        from chalicelib import asl, aws, models
        from chalicelib import settings as s
        from imgfactory.local import dispatch

        settings = s.get_settings()
        models.create_tables(settings)
        if kept is None:
            aws.s3().create_bucket(Bucket=settings.bucket)
            aws.client("scheduler").create_schedule_group(Name=settings.schedule_group)
            pool_id, client_id = users.create_user_pool(f"imgfactory-{self.stage}-users")
        else:
            pool_id, client_id = kept["user_pool_id"], kept["user_pool_client_id"]
        os.environ.update({s.ENV_USER_POOL_ID: pool_id, s.ENV_USER_POOL_CLIENT_ID: client_id})
        s.reset_settings()
        dispatch.install(dispatch.app_handlers())
        prefix = f"imgfactory-{self.stage}"
        arns = {
            name: f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{prefix}-{name}" for name in asl.TASK_FUNCTIONS
        }
        substitutions = asl.function_substitutions(arns)
        for machine in asl.MACHINES:
            aws.sfn().create_state_machine(
                name=f"{prefix}-{machine}",
                definition=asl.render(machine, substitutions),
                roleArn=ROLE_ARN,
            )

    # --- stand-in for the EventBridge rule on execution status changes and for the scheduler

    def _watch(self) -> None:
        """Wait for ended executions (reported by moto as EventBridge would, see
        `moto_fixes.on_execution_ended`) and for due schedules; idle, it costs one schedule
        listing a second."""
        import queue

        from imgfactory.local import moto_fixes

        ended: queue.Queue[tuple[str, str]] = queue.Queue()
        stop_listening = moto_fixes.on_execution_ended(lambda arn, status: ended.put((arn, status)))
        job_executions = self.job_machine_arn.replace(":stateMachine:", ":execution:") + ":"
        seen: set[str] = set()
        next_schedule_check = 0.0
        try:
            while not self._stop.is_set():
                try:
                    arn, status = ended.get(timeout=self.schedule_interval_s)
                except queue.Empty:
                    arn, status = "", ""
                try:
                    if time.monotonic() >= next_schedule_check:
                        next_schedule_check = time.monotonic() + self.schedule_interval_s
                        self._fire_due_schedules()
                    failed = status in ("FAILED", "TIMED_OUT", "ABORTED")
                    if failed and arn.startswith(job_executions) and arn not in seen:
                        seen.add(arn)
                        self._start_cleanup(arn)
                except Exception:  # noqa: BLE001 - the watcher must outlive a transient error
                    logging.getLogger("imgfactory.local").exception("watcher pass failed")
        finally:
            stop_listening()

    def _fire_due_schedules(self) -> None:
        """What EventBridge Scheduler does with a one-time `at(...)` schedule whose time has
        come: invoke its target with its input, then delete it (ActionAfterCompletion DELETE)."""
        import json
        from datetime import UTC, datetime

        from chalicelib import aws
        from chalicelib.settings import get_settings
        from imgfactory.local import dispatch

        scheduler, group = aws.client("scheduler"), get_settings().schedule_group
        now = datetime.now(UTC)
        for listed in scheduler.list_schedules(GroupName=group)["Schedules"]:
            schedule = scheduler.get_schedule(GroupName=group, Name=listed["Name"])
            due = datetime.fromisoformat(schedule["ScheduleExpression"][3:-1]).replace(tzinfo=UTC)
            if due > now:
                continue
            target = schedule["Target"]
            handler = dispatch.HANDLERS[dispatch.function_name_of(target["Arn"])]
            handler(json.loads(target.get("Input") or "{}"), None)
            scheduler.delete_schedule(GroupName=group, Name=listed["Name"])

    def _start_cleanup(self, execution_arn: str) -> None:
        import json

        from chalicelib import aws

        described = aws.sfn().describe_execution(executionArn=execution_arn)
        event = {
            "source": "aws.states",
            "detail-type": "Step Functions Execution Status Change",
            "detail": {
                "executionArn": execution_arn,
                "stateMachineArn": self.job_machine_arn,
                "name": described.get("name") or execution_arn.rsplit(":", 1)[-1],
                "status": described["status"],
                "input": described.get("input", "{}"),
            },
        }
        aws.sfn().start_execution(
            stateMachineArn=self.cleanup_machine_arn,
            name=f"cleanup-{uuid.uuid4().hex}",  # moto names an unnamed execution "None"
            input=json.dumps(event),
        )

    def stop(self) -> None:
        self._stop.set()
        if self._watcher:
            self._watcher.join(timeout=5)
        if self._state is not None:
            self._state.stop()  # a last snapshot
        if self._server is not None:
            self._server.stop()  # type: ignore[attr-defined]
