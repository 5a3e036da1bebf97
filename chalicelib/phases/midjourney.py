"""Generation through Midjourney (PiAPI): submit a task per generation, then poll.

The batch submits its tasks and returns the polling interval; the state machine waits with a Wait
state and calls the batch again, which polls each task once and stores finished images. Submitted
task ids are kept in S3, so a batch run again after a crash polls the same tasks instead of paying
for new ones. A task that outlives the polling timeout fails its generation's images.
"""

from __future__ import annotations

import json
import time
from typing import Any

from botocore.exceptions import ClientError

from chalicelib import aws
from chalicelib.errors import ProviderError
from chalicelib.phases import PhaseContext
from chalicelib.phases.generate import existing_images, image_id, initial_status, prompt_entries, record
from chalicelib.providers.http import fetch_each


def tasks_key(job_id: str, first_generation: int) -> str:
    return f"jobs/{job_id}/midjourney/{first_generation:05d}.json"


def _load_tasks(key: str) -> dict[str, Any]:
    try:
        return json.loads(aws.get_object(key))
    except ClientError as err:
        if err.response["Error"]["Code"] in ("NoSuchKey", "404"):
            return {}
        raise


def _aspect_ratio(parameters: dict[str, Any], generation: int) -> str:
    ratios = parameters["aspect_ratios"] or ["1:1"]
    return ratios[generation % len(ratios)]


def run_batch(ctx: PhaseContext, generations: range) -> bool | int:
    parameters = ctx.config["parameters"]
    variations = ctx.config["variations"]
    client = ctx.services.piapi()
    key = tasks_key(ctx.job_id, generations.start)
    tasks = _load_tasks(key)
    done = existing_images(ctx.job_id, generations, variations)
    if done:  # stored by an earlier call: searchable whatever ended that call
        ctx.postings.restore(done.values())
    prompts = prompt_entries(ctx, generations)
    status = initial_status(ctx)
    timeout_s = parameters["polling_timeout_min"] * 60 if parameters["enable_polling_timeout"] else None
    pending = False
    for generation in generations:
        ids = [image_id(ctx.job_id, generation, v) for v in range(variations)]
        if all(i in done for i in ids):
            continue
        if ctx.should_stop():
            _save(key, tasks)
            return False
        entry, task = prompts[generation], tasks.get(str(generation))
        if entry.get("error"):
            record(ctx, generation, entry, ids, [], ProviderError(entry["error"]), status, done)
            continue
        try:
            if task is None:
                task_id = client.submit(
                    entry["prompt"],
                    _aspect_ratio(parameters, generation),
                    parameters["process_mode"],
                    parameters["mj_version"],
                )
                tasks[str(generation)] = {"task_id": task_id, "submitted": time.time()}
                ctx.log.debug_line(f"Generation {generation + 1}: Midjourney task {task_id} submitted")
                pending = True
                continue
            result = client.poll(task["task_id"])
        except ProviderError as err:
            record(ctx, generation, entry, ids, [], err, status, done)
            continue
        if result.status == "completed":
            urls = [(url, generation) for url in result.image_urls[:variations]]
            try:
                images = fetch_each(lambda url, seed: client.download(url, seed=seed), urls)
            except ProviderError as err:  # not one of them could be fetched
                record(ctx, generation, entry, ids, [], err, status, done)
                continue
            record(ctx, generation, entry, ids, images, None, status, done)
        elif result.status == "failed":
            record(
                ctx,
                generation,
                entry,
                ids,
                [],
                ProviderError(result.error or "the task failed"),
                status,
                done,
            )
        elif timeout_s is not None and time.time() - task["submitted"] > timeout_s:
            limit = parameters["polling_timeout_min"]
            message = f"Midjourney task {task['task_id']} did not finish within {limit} min"
            record(ctx, generation, entry, ids, [], ProviderError(message), status, done)
        else:
            pending = True
    _save(key, tasks)
    return parameters["polling_interval_s"] if pending else True


def _save(key: str, tasks: dict[str, Any]) -> None:
    aws.put_object(key, json.dumps(tasks).encode(), "application/json")
