"""Prompts from keywords, offline and deterministic.

Keyword choice is a pure function of (keywords, generation, seed) so that a
generation re-run after a crash or a retry picks the same keyword and seed.
"""

from __future__ import annotations

import hashlib
import random
import re

from chalicelib.errors import ValidationError

DEFAULT_TEMPLATE = (
    "A high-quality commercial stock photograph of {keyword}, natural light, sharp focus, clean composition"
)

DEFAULT_KEYWORD = "default"

# `${{Header}}` in a template; the header may not contain braces.
_COLUMN_RE = re.compile(r"\$\{\{\s*([^{}]+?)\s*\}\}")
# TXT placeholders, matched in one pass so a keyword containing "{keyword}"
# is never substituted twice.
_TXT_RE = re.compile(r"\$\{\{\s*Subject\s*\}\}|\$\{keyword\}|\{keyword\}")
# Midjourney flags, which image APIs other than Midjourney would render as text.
# Value flags only swallow a value that starts with a digit, so "--ar" followed
# by an ordinary word never eats that word; a flag may be followed by , or ;.
_MJ_FLAG_RE = re.compile(
    r"(?<!\S)--(?:"
    r"(?:v|ar|stylize|q|chaos|seed)(?:\s+\d[\w.:]*)?"
    r"|niji(?:\s+\d+)?"
    r"|tile|turbo"
    r")(?![^\s,;])",
    re.IGNORECASE,
)
_SPACE_RE = re.compile(r"\s+")


def choose_keyword(keywords: list, generation: int, *, random_order: bool, seed: str) -> str | dict:
    """The keyword (TXT string or CSV row dict) for one generation.

    Sequential mode takes entry ``generation mod n`` so every job starts from
    the first entry. Random mode seeds a private RNG with (seed, generation)
    so the pick is reproducible without storing it.
    """
    if not keywords:
        return DEFAULT_KEYWORD
    if random_order:
        return random.Random(f"{seed}:{generation}").choice(keywords)
    return keywords[generation % len(keywords)]


def build_prompt(template: str | None, keyword: str | dict) -> str:
    """Fill the template for one keyword and clean the result for an image API.

    A blank template counts as no template. CSV rows need a template, because
    there is no single "keyword" to drop into the default one.
    """
    if template is not None and not template.strip():
        template = None

    if isinstance(keyword, dict):
        if template is None:
            raise ValidationError(
                "a CSV keywords file needs a prompt template that uses ${{Column}} placeholders",
                field="prompt_template",
            )
        prompt = _fill_columns(template, keyword)
    else:
        text = str(keyword)
        prompt = _TXT_RE.sub(lambda _m: text, template or DEFAULT_TEMPLATE)

    return strip_midjourney_flags(prompt)


def strip_midjourney_flags(prompt: str) -> str:
    """Drop Midjourney flags (``--ar 16:9``, ``--tile``...) and collapse whitespace."""
    return _SPACE_RE.sub(" ", _MJ_FLAG_RE.sub(" ", prompt)).strip()


def generation_seed(job_id: str, generation: int, variation: int = 0) -> int:
    """A stable 31-bit seed, so a re-run generation renders the same image."""
    digest = hashlib.sha256(f"{job_id}:{generation}:{variation}".encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


def _fill_columns(template: str, row: dict) -> str:
    """Replace every ``${{Column}}`` from a CSV row; a missing column is a client error."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in row:
            raise ValidationError(
                f"the prompt template uses ${{{{{name}}}}} but the keywords file has no such column",
                field="prompt_template",
            )
        value = row[name]
        return "" if value is None else str(value)

    return _COLUMN_RE.sub(replace, template)
