"""Image Factory on Chalice: wiring only. Routes live in chalicelib/api, work in chalicelib."""

from __future__ import annotations

import logging
from typing import Any, Callable

from chalice import Chalice, Response
from chalice.app import BadRequestError

from chalicelib.api import health, images, jobs
from chalicelib.errors import ImageFactoryError

app = Chalice(app_name="imgfactory")
app.register_blueprint(health.bp)
app.register_blueprint(jobs.bp)
app.register_blueprint(images.bp)
log = logging.getLogger("imgfactory")


def error_response(status: int, code: str, message: str, field: str | None = None) -> Response:
    error = {"code": code, "message": message}
    if field:
        error["field"] = field
    return Response({"error": error}, status_code=status)


@app.middleware("http")
def map_errors(event: Any, get_response: Callable[[Any], Response]) -> Response:
    """The one mapping of domain errors to HTTP responses."""
    try:
        return get_response(event)
    except ImageFactoryError as err:
        return error_response(err.http_status, err.code, err.message, err.field)
    except BadRequestError as err:
        return error_response(400, "invalid_input", str(err), "body")


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


@app.lambda_function(name="finish_job")
def finish_job(event: dict, context: Any) -> dict:
    from chalicelib import engine

    return engine.finish_job(event)


@app.lambda_function(name="fail_job")
def fail_job(event: dict, context: Any) -> None:
    from chalicelib import engine

    engine.fail_job(event)


@app.lambda_function(name="cleanup_execution")
def cleanup_execution(event: dict, context: Any) -> None:
    from chalicelib import engine

    engine.cleanup_execution(event)
