"""Image Factory on Chalice: wiring only. Routes live in chalicelib/api, work in chalicelib.

Chalice packages this one module for every function (the API, the WebSocket handlers, each Step
Functions task), so it imports only what registering routes and handlers needs; each handler
imports the code it runs when it is first called (see bench/cold_start.py)."""

from __future__ import annotations

from typing import Any

from chalice import Chalice

from chalicelib.api import (
    approvals,
    deletions,
    exports,
    health,
    images,
    jobs,
    keywords,
    openapi,
    queue,
    session,
    settings,
    stats,
    templates,
)
from chalicelib.api.common import error_envelope

app = Chalice(app_name="imgfactory")
app.experimental_feature_flags.update(["WEBSOCKETS"])
app.register_middleware(error_envelope, "http")
app.register_blueprint(health.bp)
app.register_blueprint(session.bp)
app.register_blueprint(jobs.bp)
app.register_blueprint(images.bp)
app.register_blueprint(settings.bp)
app.register_blueprint(stats.bp)
app.register_blueprint(templates.bp)
app.register_blueprint(keywords.bp)
app.register_blueprint(exports.bp)
app.register_blueprint(approvals.bp)
app.register_blueprint(deletions.bp)
app.register_blueprint(queue.bp)
app.register_blueprint(openapi.bp)


# --- WebSocket API (live logs, progress, status, images) -------------------------------------


@app.on_ws_connect()
def ws_connect(event: Any) -> Any:
    from chalicelib.api import websocket

    return websocket.on_connect(event)


@app.on_ws_message()
def ws_message(event: Any) -> None:
    from chalicelib.api import websocket

    websocket.on_message(event)


@app.on_ws_disconnect()
def ws_disconnect(event: Any) -> None:
    from chalicelib.api import websocket

    websocket.on_disconnect(event)


# --- Step Functions tasks (stepfunctions/job.asl.json) ---------------------------------------


@app.lambda_function(name="register_job")
def register_job(event: dict, context: Any) -> dict:
    from chalicelib import engine

    return engine.register_job(event)


@app.lambda_function(name="acquire_slot")
def acquire_slot(event: dict, context: Any) -> None:
    from chalicelib import engine

    engine.acquire_slot(event)


@app.lambda_function(name="next_step")
def next_step(event: dict, context: Any) -> dict:
    from chalicelib import engine

    return engine.next_step(event)


@app.lambda_function(name="run_batch")
def run_batch(event: dict, context: Any) -> dict:
    from chalicelib import engine

    return engine.run_batch(event)


@app.lambda_function(name="run_phase")
def run_phase(event: dict, context: Any) -> dict:
    from chalicelib import engine

    return engine.run_phase(event)


@app.lambda_function(name="park_job")
def park_job(event: dict, context: Any) -> None:
    from chalicelib import engine

    engine.park_job(event)


@app.lambda_function(name="await_approval")
def await_approval(event: dict, context: Any) -> None:
    from chalicelib import engine

    engine.await_approval(event)


@app.lambda_function(name="approval_timed_out")
def approval_timed_out(event: dict, context: Any) -> dict:
    from chalicelib import engine

    return engine.approval_timed_out(event)


@app.lambda_function(name="finish_job")
def finish_job(event: dict, context: Any) -> dict:
    from chalicelib import engine

    return engine.finish_job(event)


@app.lambda_function(name="fail_batch")
def fail_batch(event: dict, context: Any) -> None:
    from chalicelib import engine

    engine.fail_batch(event)


@app.lambda_function(name="fail_job")
def fail_job(event: dict, context: Any) -> None:
    from chalicelib import engine

    engine.fail_job(event)


@app.lambda_function(name="start_scheduled_job")
def start_scheduled_job(event: dict, context: Any) -> None:
    """EventBridge Scheduler's one-time schedule of a job fired."""
    from chalicelib.services import jobs

    jobs.start_scheduled_job(event)


@app.lambda_function(name="build_export")
def build_export(event: dict, context: Any) -> None:
    """Write one export recorded by an export request (invoked asynchronously)."""
    from chalicelib import exports

    exports.build_export(event)


@app.lambda_function(name="delete_worker")
def delete_worker(event: dict, context: Any) -> None:
    """Delete the jobs or images a deletion request recorded (invoked asynchronously)."""
    from chalicelib import deletions

    deletions.run_deletion(event, context)


@app.lambda_function(name="cleanup_execution")
def cleanup_execution(event: dict, context: Any) -> None:
    from chalicelib import engine

    engine.cleanup_execution(event)
