"""Image generation: one provider call per generation makes all its variations.

Each image is stored in S3 and recorded under a deterministic id (`<job>.<generation>.<variation>`)
before the next one starts, so a batch run again after a crash or a stop skips what is done: no
image is generated twice and none is lost. A provider failure fails that generation's images
(shown per image) and the job goes on.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chalicelib import aws
from chalicelib.errors import ProviderError
from chalicelib.jobconfig import parse_dimensions
from chalicelib.models import ImageModel, JobModel
from chalicelib.phases import PhaseContext
from chalicelib.phases.prompts import load_prompts
from chalicelib.prompts import generation_seed
from chalicelib.providers import get_provider
from chalicelib.providers.base import ImageRequest


def image_id(job_id: str, generation: int, variation: int) -> str:
    return f"{job_id}.{generation:05d}.{variation:02d}"


def original_key(job_id: str, image: str, extension: str) -> str:
    return f"jobs/{job_id}/original/{image}.{extension}"


def _existing_images(job_id: str, generations: range, variations: int) -> set[str]:
    first = image_id(job_id, generations.start, 0)
    last = image_id(job_id, generations.stop - 1, variations - 1)
    return {
        item.image_id for item in ImageModel.by_job.query(job_id, ImageModel.image_id.between(first, last))
    }


def _prompt_batch_start(plan: list[dict[str, Any]], generation: int) -> int:
    per_batch = next(p for p in plan if p["name"] == "prompts")["generations_per_batch"]
    return (generation // per_batch) * per_batch


def run_batch(ctx: PhaseContext, generations: range) -> bool:
    config = ctx.config
    variations = config["variations"]
    provider = get_provider(config["provider"])
    dimensions = parse_dimensions(config["parameters"]["dimensions"])
    done = _existing_images(ctx.job_id, generations, variations)
    prompts: dict[int, dict[str, Any]] = {}
    later_image_phases = any(
        p["name"] not in ("prompts", "generate", "finalize") for p in ctx.job.plan[ctx.phase_index + 1 :]
    )
    status = "processing" if later_image_phases else "approved"
    for generation in generations:
        ids = [image_id(ctx.job_id, generation, v) for v in range(variations)]
        if all(i in done for i in ids):
            continue
        if ctx.should_stop():
            return False
        if generation not in prompts:
            prompts.update(load_prompts(ctx.job_id, _prompt_batch_start(ctx.job.plan, generation)))
        entry = prompts[generation]
        width, height = dimensions[generation % len(dimensions)]
        seed = generation_seed(ctx.job_id, generation)
        request = ImageRequest(
            prompt=entry["prompt"],
            width=width,
            height=height,
            seed=seed,
            variations=variations,
            negative_prompt=config["parameters"]["negative_prompt"],
            format=config["parameters"]["format"],
        )
        ctx.log.debug_line(f"Generation {generation + 1}: {provider.name} {width}x{height} seed {seed}")
        try:
            images = provider.generate(request)
            failure = None
        except ProviderError as err:
            images, failure = [], err
        _record(ctx, generation, entry, ids, images, failure, status, done)
    return True


def _record(
    ctx: PhaseContext,
    generation: int,
    entry: dict[str, Any],
    ids: list[str],
    images: list[Any],
    failure: ProviderError | None,
    status: str,
    done: set[str],
) -> None:
    now = datetime.now(UTC)
    ok = failed = 0
    for variation, image in enumerate(ids):
        if image in done:
            continue
        item = ImageModel(
            image,
            job_id=ctx.job_id,
            workspace=ctx.job.workspace,
            generation=generation,
            variation=variation,
            keyword=entry["keyword"],
            prompt=entry["prompt"],
            provider=ctx.config["provider"],
            created_at=now,
        )
        if variation < len(images):
            result = images[variation]
            key = original_key(ctx.job_id, image, result.extension)
            aws.put_object(key, result.data, result.content_type)
            item.seed, item.status, item.original_key = result.seed, status, key
            item.width, item.height = _size(ctx.config, generation)
            ok += 1
        else:
            message = str(failure) if failure else "the provider returned too few images"
            item.seed, item.status = generation_seed(ctx.job_id, generation, variation), "qc_failed"
            item.failure = {"stage": "generation", "category": "Generation failed", "message": message}
            failed += 1
        item.save()
    generations = ctx.config["generations"]
    if failed:
        ctx.log.info(f"Generation {generation + 1} of {generations} failed: {failure}")
    else:
        ctx.log.info(f"Generated {len(ids)} image(s) for generation {generation + 1} of {generations}")
    ctx.units_done(ok + failed, JobModel.images_ok.add(ok), JobModel.images_failed.add(failed))


def _size(config: dict[str, Any], generation: int) -> tuple[int, int]:
    dimensions = parse_dimensions(config["parameters"]["dimensions"])
    return dimensions[generation % len(dimensions)]
