"""Prompt generation: one prompt per generation from the keywords and the template.

The prompts of a batch are stored as one small JSON object in S3, where the generation phase
reads them; a keyword picked at random is chosen deterministically from the job and generation,
so re-running a batch after a crash writes the same prompts.
"""

from __future__ import annotations

import json
from typing import Any

from chalicelib import aws
from chalicelib.keywords import load_keywords
from chalicelib.phases import PhaseContext
from chalicelib.prompts import build_prompt, choose_keyword


def prompts_key(job_id: str, first_generation: int) -> str:
    return f"jobs/{job_id}/prompts/{first_generation:05d}.json"


def run_batch(ctx: PhaseContext, generations: range) -> bool:
    config = ctx.config
    keywords = load_keywords(config)
    entries: list[dict[str, Any]] = []
    for generation in generations:
        keyword = choose_keyword(keywords, generation, random_order=config["keyword_random"], seed=ctx.job_id)
        prompt = build_prompt(config.get("prompt_template"), keyword)
        entries.append({"generation": generation, "keyword": _keyword_text(keyword), "prompt": prompt})
        ctx.log.debug_line(f"Prompt for generation {generation + 1}: {prompt}")
    aws.put_object(
        prompts_key(ctx.job_id, generations.start),
        json.dumps(entries).encode(),
        "application/json",
    )
    ctx.units_done(len(generations))
    ctx.log.info(f"Prompts ready for generations {generations.start + 1}–{generations.stop}")
    return True


def load_prompts(job_id: str, first_generation: int) -> dict[int, dict[str, Any]]:
    entries = json.loads(aws.get_object(prompts_key(job_id, first_generation)))
    return {entry["generation"]: entry for entry in entries}


def _keyword_text(keyword: str | dict[str, Any]) -> str:
    if isinstance(keyword, dict):
        return ", ".join(f"{k}={v}" for k, v in keyword.items())
    return keyword
