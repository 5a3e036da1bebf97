"""Prompt generation: one prompt per generation from the keywords and the template.

With an OpenAI key set, the model writes each prompt from the template (the desktop product's
behaviour); otherwise the template is filled offline. The prompts of a batch are stored as one
small JSON object in S3, where the generation phase reads them. A keyword picked at random is
chosen deterministically from the job and generation, so a batch run again writes the same
prompts. A prompt that cannot be written fails only its generation.
"""

from __future__ import annotations

import json
from typing import Any

from chalicelib import aws
from chalicelib.errors import ProviderError
from chalicelib.explain import summary_of
from chalicelib.keywords import load_keywords
from chalicelib.phases import PhaseContext
from chalicelib.prompts import build_prompt, choose_keyword, strip_midjourney_flags


def prompts_key(job_id: str, first_generation: int) -> str:
    return f"jobs/{job_id}/prompts/{first_generation:05d}.json"


def run_batch(ctx: PhaseContext, generations: range) -> bool:
    config = ctx.config
    keywords = load_keywords(config)
    writer = ctx.services.openai()
    entries: list[dict[str, Any]] = []
    for generation in generations:
        keyword = choose_keyword(keywords, generation, random_order=config["keyword_random"], seed=ctx.job_id)
        entry: dict[str, Any] = {"generation": generation, "keyword": _keyword_text(keyword)}
        try:
            if writer is not None:
                entry["prompt"] = strip_midjourney_flags(
                    writer.write_prompt(config.get("prompt_template"), keyword)
                )
            else:
                entry["prompt"] = build_prompt(config.get("prompt_template"), keyword)
            ctx.log.debug_line(f"Prompt for generation {generation + 1}: {entry['prompt']}")
        except ProviderError as err:
            entry["prompt"], entry["error"] = "", f"the prompt could not be written: {err}"
            reason = summary_of(err)
            ctx.log.info(
                f"Generation {generation + 1}: the prompt could not be written"
                f"{f' ({reason})' if reason else ''}; its images will be marked failed"
            )
            ctx.log.debug_line(f"Generation {generation + 1}: {entry['error']}")
        entries.append(entry)
    aws.put_object(
        prompts_key(ctx.job_id, generations.start), json.dumps(entries).encode(), "application/json"
    )
    ctx.log.info(f"Prompts ready for generations {generations.start + 1}–{generations.stop}")
    ctx.units_done(len(generations))
    return True


def load_prompts(job_id: str, first_generation: int) -> dict[int, dict[str, Any]]:
    entries = json.loads(aws.get_object(prompts_key(job_id, first_generation)))
    return {entry["generation"]: entry for entry in entries}


def _keyword_text(keyword: str | dict[str, Any]) -> str:
    if isinstance(keyword, dict):
        return ", ".join(f"{k}={v}" for k, v in keyword.items())
    return keyword
