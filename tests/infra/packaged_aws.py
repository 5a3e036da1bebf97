"""The AWS side of the packaged-code test: `python packaged_aws.py PORT FUNCTIONS_JSON`.

A moto server (Step Functions executing the definitions for real) whose Lambda invocations run
the packaged functions: each function gets its own pool of `lambda_worker.py` processes, started
with the function's handler, code, layer and environment from FUNCTIONS_JSON (read at the first
invocation, once the test has created the template's resources and written it). Its own process,
so that no test's in-process dispatch (imgfactory.local.dispatch) shares moto's backends with it.
Prints `ready` when it serves, and stops when stdin closes. With a third argument, CALLS_JSONL,
every request a function makes is appended there as the IAM action it needs (each function signs
with an access key of its own, `packaged-<function name>`), so the test can hold what the code
really calls against what its role allows.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import requests
from moto.awslambda_simple.models import LambdaSimpleBackend
from moto.moto_server.werkzeug_app import DomainDispatcherApplication
from moto.server import ThreadedMotoServer

WORKER = Path(__file__).resolve().with_name("lambda_worker.py")


class Worker:
    """One execution environment of one function (a process kept warm between invocations)."""

    def __init__(self, function: dict[str, Any], runtime: str) -> None:
        command = [sys.executable, "-I", "-S", str(WORKER), function["task"], function["layer"], runtime]
        self.process = subprocess.Popen(
            [*command, function["handler"]],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=function["environment"],
            text=True,
        )

    def invoke(self, event: str | bytes) -> dict[str, Any]:
        assert self.process.stdin and self.process.stdout
        line = event.decode() if isinstance(event, bytes) else event
        self.process.stdin.write(json.dumps(json.loads(line or "{}")) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:  # the cold start failed (an import error): its traceback is on stderr
            return {"errorType": "Runtime.ImportModuleError", "errorMessage": "the worker exited"}
        answer: dict[str, Any] = json.loads(line)
        return answer


class Functions:
    def __init__(self, config_path: str) -> None:
        self.config_path = config_path
        self.config: dict[str, Any] | None = None
        self.idle: dict[str, list[Worker]] = {}
        self.all: list[Worker] = []
        self.lock = threading.Lock()

    def invoke(self, function_name: str, event: str | bytes) -> dict[str, Any]:
        with self.lock:
            if self.config is None:
                self.config = json.loads(Path(self.config_path).read_text())
            name = function_name.split(":function:")[-1].split(":")[0]
            if name not in self.config["functions"]:
                return {"errorType": "ResourceNotFoundException", "errorMessage": name}
            pool = self.idle.setdefault(name, [])
            worker = pool.pop() if pool else None
            if worker is None:
                worker = Worker(self.config["functions"][name], self.config["runtime"])
                self.all.append(worker)
        try:
            return worker.invoke(event)
        finally:
            with self.lock:
                self.idle[name].append(worker)

    def stop(self) -> None:
        for worker in self.all:
            worker.process.kill()
            worker.process.wait()


# IAM actions of calls whose action is not the operation's name.
S3_ACTIONS = {
    ("GET", "list"): "s3:ListBucket",
    ("GET", "object"): "s3:GetObject",
    ("HEAD", "object"): "s3:GetObject",
    ("PUT", "object"): "s3:PutObject",
    ("POST", "object"): "s3:PutObject",  # multipart create and complete
    ("DELETE", "object"): "s3:DeleteObject",
    ("POST", "list"): "s3:DeleteObject",  # DeleteObjects
}


def iam_action(environ: dict[str, Any]) -> tuple[str, str] | None:
    """(access key, IAM action) of a signed request, from its SigV4 scope and its operation."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    if "Credential=" not in auth:
        return None
    key, _, _, service, _ = auth.split("Credential=", 1)[1].split(",", 1)[0].split("/")
    target = environ.get("HTTP_X_AMZ_TARGET")
    method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
    query = environ.get("QUERY_STRING", "")
    if target:  # JSON protocols: DynamoDB, Step Functions, Secrets Manager, SSM
        return key, f"{service}:{target.rsplit('.', 1)[-1]}"
    if service == "s3":
        if "uploadId" in query and method == "DELETE":
            return key, "s3:AbortMultipartUpload"
        is_object = len([p for p in path.split("/") if p]) > 1 and "delete" not in query
        return key, S3_ACTIONS.get((method, "object" if is_object else "list"), f"s3:{method}")
    if service == "execute-api":
        return key, "execute-api:ManageConnections"
    if service == "lambda" and path.endswith("/invocations"):
        return key, "lambda:InvokeFunction"
    if service == "scheduler":
        verb = {"POST": "Create", "DELETE": "Delete", "GET": "Get", "PUT": "Update"}[method]
        return key, f"scheduler:{verb}Schedule"
    return key, f"{service}:{method} {path}"


def record_calls(calls_path: str) -> None:
    lock = threading.Lock()
    dispatch = DomainDispatcherApplication.__call__

    def recorded(self: Any, environ: dict[str, Any], start_response: Any) -> Any:
        call = iam_action(environ)
        if call and call[0].startswith("packaged-"):
            with lock, open(calls_path, "a") as calls:
                calls.write(
                    json.dumps({"function": call[0].removeprefix("packaged-"), "action": call[1]}) + "\n"
                )
        return dispatch(self, environ, start_response)

    DomainDispatcherApplication.__call__ = recorded  # type: ignore[method-assign]


def main() -> None:
    port, config_path = int(sys.argv[1]), sys.argv[2]
    if len(sys.argv) > 3:
        record_calls(sys.argv[3])
    os.environ["MOTO_PORT"] = str(port)  # moto's Step Functions interpreter calls back here
    functions = Functions(config_path)

    def invoke(
        self: Any, function_name: str, qualifier: Any, body: Any, headers: Any, response_headers: Any
    ) -> bytes:
        answer = functions.invoke(function_name, body or b"{}")
        if "errorType" in answer:
            response_headers["x-amz-function-error"] = "Unhandled"
            return json.dumps(answer).encode()
        return json.dumps(answer["result"]).encode()

    LambdaSimpleBackend.invoke = invoke  # type: ignore[method-assign]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    requests.post(
        f"http://127.0.0.1:{port}/moto-api/config",
        json={"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}},
        timeout=10,
    ).raise_for_status()
    print("ready", flush=True)
    sys.stdin.read()
    functions.stop()
    server.stop()


if __name__ == "__main__":
    main()
