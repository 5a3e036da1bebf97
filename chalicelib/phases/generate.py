"""Image generation: one provider call per generation makes all its variations.

Each image is stored in S3 (with its gallery thumbnail) and recorded under a deterministic id
(`<job>.<generation>.<variation>`) before the next generation starts, so a batch run again after a
crash or a stop skips what is done: no image is generated twice and none is lost. A provider
failure fails that generation's images (shown per image) and the job goes on.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from chalicelib import aws
from chalicelib.errors import ProviderError
from chalicelib.explain import summary_of
from chalicelib.jobconfig import parse_dimensions
from chalicelib.models import ImageModel
from chalicelib.phases import PhaseContext
from chalicelib.phases.process import thumbnail_key
from chalicelib.phases.prompts import load_prompts
from chalicelib.processing import make_thumbnail
from chalicelib.prompts import generation_seed
from chalicelib.providers.base import GeneratedImage, ImageFailure, ImageRequest
from chalicelib.quality import failure_label
from chalicelib.repositories.images import save_image


def image_id(job_id: str, generation: int, variation: int) -> str:
    return f"{job_id}.{generation:05d}.{variation:02d}"


def original_key(job_id: str, image: str, extension: str) -> str:
    return f"jobs/{job_id}/original/{image}.{extension}"


def existing_images(job_id: str, generations: range, variations: int) -> dict[str, ImageModel]:
    first = image_id(job_id, generations.start, 0)
    last = image_id(job_id, generations.stop - 1, variations - 1)
    return {
        item.image_id: item
        for item in ImageModel.by_job.query(job_id, ImageModel.image_id.between(first, last))
    }


def _prompt_batch_start(plan: list[dict[str, Any]], generation: int, generations: int) -> int:
    """The first generation of the prompt batch that wrote `generation`'s prompt (its S3 key)."""
    from chalicelib.plan import batch_generations, batch_of

    phase = next(p for p in plan if p["name"] == "prompts")
    return batch_generations(phase, batch_of(phase, generation, generations), generations).start


def prompt_entries(ctx: PhaseContext, generations: range) -> dict[int, dict[str, Any]]:
    entries: dict[int, dict[str, Any]] = {}
    total = ctx.config["generations"]
    for generation in generations:
        if generation not in entries:
            entries.update(load_prompts(ctx.job_id, _prompt_batch_start(ctx.job.plan, generation, total)))
    return entries


def initial_status(ctx: PhaseContext) -> str:
    """Images wait as `processing` while later phases still work on them; otherwise they are done."""
    later = [p["name"] for p in ctx.job.plan[ctx.phase_index + 1 :]]
    return "processing" if any(name != "finalize" for name in later) else "approved"


def image_size(config: dict[str, Any], generation: int) -> tuple[int, int]:
    """Dimensions rotate per generation."""
    dimensions = parse_dimensions(config["parameters"]["dimensions"])
    return dimensions[generation % len(dimensions)]


def publish_image(image: ImageModel) -> None:
    from chalicelib import notify
    from chalicelib.views import image_view

    notify.publish(image.workspace, image.job_id, [{"type": "image", "image": image_view(image)}])


def run_batch(ctx: PhaseContext, generations: range) -> bool | int:
    config = ctx.config
    if config["provider"] == "midjourney":
        from chalicelib.phases import midjourney

        return midjourney.run_batch(ctx, generations)
    variations = config["variations"]
    provider = ctx.services.image_provider()
    done = existing_images(ctx.job_id, generations, variations)
    if done:  # run again: the images stored before are searchable whatever stopped the batch
        ctx.postings.restore(done.values())
    prompts = prompt_entries(ctx, generations)
    status = initial_status(ctx)
    stopping = None
    with StoreBehind() as store:
        for generation in generations:
            ids = [image_id(ctx.job_id, generation, v) for v in range(variations)]
            if all(i in done for i in ids):
                continue
            if stopping if stopping is not None else ctx.should_stop():
                return False
            entry = prompts[generation]
            if entry.get("error"):
                store.submit(
                    record, ctx, generation, entry, ids, [], ProviderError(entry["error"]), status, done
                )
                stopping = None
                continue
            images, failure = _generate(ctx, provider, generation, entry)
            store.wait()  # the generation before is stored: now one read decides for this one
            discard, stopping = ctx.after_render()  # and for the next (read just before it starts)
            if discard:
                return False
            store.submit(record, ctx, generation, entry, ids, images, failure, status, done, False)
    return True


class StoreBehind:
    """Stores one generation's images while the next one renders.

    At most one store is in flight, and it is finished (its error raised) before the next one
    starts and before the batch returns, so a crash, a stop or a checkpoint sees exactly the images
    stored so far. A stop is learnt before each generation starts, never from the store of the one
    before, which may still be in flight: one read of the job after each render, once the store
    before it is done, decides both whether that generation is stored and whether the next starts
    (`PhaseContext.after_render`).
    """

    def __enter__(self) -> StoreBehind:
        from concurrent.futures import ThreadPoolExecutor

        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store")
        self._pending: Any = None
        return self

    def submit(self, fn: Any, *args: Any) -> None:
        self.wait()
        self._pending = self._pool.submit(fn, *args)

    def wait(self) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            pending.result()

    def __exit__(self, *exc: object) -> None:
        try:
            self.wait()
        finally:
            self._pool.shutdown(wait=True)


def _generate(
    ctx: PhaseContext, provider: Any, generation: int, entry: dict[str, Any]
) -> tuple[Sequence[GeneratedImage | ImageFailure], Exception | None]:
    """One provider call for all the generation's variations; a provider failure is returned."""
    config = ctx.config
    width, height = image_size(config, generation)
    seed = generation_seed(ctx.job_id, generation)
    request = ImageRequest(
        prompt=entry["prompt"],
        width=width,
        height=height,
        seed=seed,
        variations=config["variations"],
        negative_prompt=config["parameters"]["negative_prompt"],
        format=config["parameters"]["format"],
    )
    ctx.log.debug_line(f"Generation {generation + 1}: {provider.name} {width}x{height} seed {seed}")
    try:
        return provider.generate(request), None
    except ProviderError as err:
        return [], err


def record(
    ctx: PhaseContext,
    generation: int,
    entry: dict[str, Any],
    ids: list[str],
    images: Sequence[GeneratedImage | ImageFailure],
    failure: Exception | None,
    status: str,
    done: dict[str, ImageModel],
    check: bool = True,
) -> None:
    """Store a generation's images (or their failure) and report them as progress; nothing for
    a job force-stopped or ended while they rendered (`check=False`: the caller has just read
    that it was not, `PhaseContext.after_render`)."""
    if check and ctx.must_discard():
        return
    now = datetime.now(UTC)
    width, height = image_size(ctx.config, generation)
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
        result = images[variation] if variation < len(images) else None
        if isinstance(result, GeneratedImage):
            key = original_key(ctx.job_id, image, result.extension)
            aws.put_object(key, result.data, result.content_type)
            thumb = thumbnail_key(ctx.job_id, image)
            aws.put_object(thumb, make_thumbnail(result.data, picture=result.picture), "image/jpeg")
            item.seed, item.status, item.original_key = result.seed, status, key
            item.current_key, item.thumbnail_key = key, thumb
            item.width, item.height = width, height
            ok += 1
        else:
            if isinstance(result, ImageFailure):
                message = result.message
            else:
                message = str(failure) if failure else "the provider returned too few images"
            item.seed, item.status = generation_seed(ctx.job_id, generation, variation), "qc_failed"
            item.failure = {
                "stage": "generation",
                "category": failure_label("generation"),
                "message": message,
            }
            failed += 1
        save_image(item, ctx.tally, ctx.postings)  # posts its search terms (prompt) too, and counts it
        publish_image(item)
    generations = ctx.config["generations"]
    if failed and ok:
        ctx.log.info(f"Generation {generation + 1} of {generations}: {ok} image(s), {failed} failed")
    elif failed:
        reason = summary_of(failure) if failure else "the provider returned too few images"
        ctx.log.info(f"Generation {generation + 1} of {generations} failed{f': {reason}' if reason else ''}")
        if failure:
            ctx.log.debug_line(f"Generation {generation + 1}: {failure}")
    else:
        ctx.log.info(f"Generated {len(ids)} image(s) for generation {generation + 1} of {generations}")
    ctx.units_done(ok + failed, ok=ok, failed=failed)
