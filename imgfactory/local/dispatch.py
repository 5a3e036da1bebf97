"""Run moto's Lambda invocations in-process on our Chalice handlers.

moto's Step Functions interpreter invokes Lambda tasks through its Lambda backend; replacing that
backend's `invoke` routes each call to the function of the same name in `app.py`. A handler that
raises is reported the way Lambda reports it (`x-amz-function-error` and `errorType`), so the
state machine's Retry and Catch rules see the same error names as on AWS.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

log = logging.getLogger("imgfactory.local")

# Function name → handler. Benchmarks wrap entries here to time them.
HANDLERS: dict[str, Callable[[dict[str, Any], Any], Any]] = {}
_installed = False

# Thread id → (function name, monotonic start) of every invocation running now, so a job that
# seems stuck can show which task has not come back and where it waits (`in_flight`).
_IN_FLIGHT: dict[int, tuple[str, float]] = {}


def function_name_of(name_or_arn: str) -> str:
    """`arn:aws:lambda:…:function:imgfactory-dev-run_batch` → `run_batch`."""
    name = name_or_arn.split(":function:")[-1].split(":")[0]
    return name.rsplit("-", 1)[-1]


def install(new_handlers: dict[str, Callable[[dict[str, Any], Any], Any]]) -> None:
    global _installed
    HANDLERS.update(new_handlers)
    if _installed:
        return
    from moto.awslambda_simple.models import LambdaSimpleBackend

    def invoke(
        self: Any, function_name: str, qualifier: Any, body: Any, headers: Any, response_headers: Any
    ) -> bytes:
        handler = HANDLERS.get(function_name_of(function_name))
        if handler is None:
            response_headers["x-amz-function-error"] = "Unhandled"
            return json.dumps({"errorType": "ResourceNotFound", "errorMessage": function_name}).encode()
        event = json.loads(body) if body else {}
        if (headers or {}).get("X-Amz-Invocation-Type") == "Event":  # asynchronous, as on AWS
            threading.Thread(target=_run_detached, args=(handler, event), daemon=True).start()
            return b""
        _IN_FLIGHT[threading.get_ident()] = (function_name_of(function_name), time.monotonic())
        try:
            result = handler(event, None)
        except Exception as err:  # noqa: BLE001 - reported to Step Functions like Lambda does
            log.warning("task %s failed: %s", function_name, traceback.format_exc())
            response_headers["x-amz-function-error"] = "Unhandled"
            return json.dumps({"errorType": type(err).__name__, "errorMessage": str(err)}).encode()
        finally:
            _IN_FLIGHT.pop(threading.get_ident(), None)
        return json.dumps(result).encode()

    LambdaSimpleBackend.invoke = invoke  # type: ignore[method-assign]
    _installed = True


def in_flight(longer_than_s: float = 0.0) -> list[str]:
    """The invocations running for more than `longer_than_s`, each with the stack it is at."""
    now, frames = time.monotonic(), sys._current_frames()
    described = []
    for ident, (name, started) in list(_IN_FLIGHT.items()):
        if now - started > longer_than_s and (frame := frames.get(ident)) is not None:
            stack = "".join(traceback.format_stack(frame)[-12:])
            described.append(f"{name}, running {now - started:.0f} s, at:\n{stack}")
    return described


def _run_detached(handler: Callable[[dict[str, Any], Any], Any], event: dict[str, Any]) -> None:
    try:
        handler(event, None)
    except Exception:  # noqa: BLE001 - nobody waits for an asynchronous invocation
        log.warning("asynchronous invocation failed: %s", traceback.format_exc())


def app_handlers() -> dict[str, Callable[[dict[str, Any], Any], Any]]:
    """Every `@app.lambda_function` of app.py, by name."""
    import app as application

    return {
        function.name: getattr(application, function.handler_string.rsplit(".", 1)[-1])
        for function in application.app.pure_lambda_functions
    }
