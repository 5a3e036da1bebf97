"""Image Factory on Chalice: wiring only. Routes live in chalicelib/api, work in chalicelib."""

from __future__ import annotations

from typing import Any

from chalice import Chalice

from chalicelib.api import health, images, jobs

app = Chalice(app_name="imgfactory")
app.register_blueprint(health.bp)
app.register_blueprint(jobs.bp)
app.register_blueprint(images.bp)


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
