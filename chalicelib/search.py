"""Image text search: what an image is findable by, and what a query asks for.

The desktop product's tag search never matched (tags were stored as a string and matched as an
array). Here prompt, title, description and tags go through one analyser, so a word is found
wherever it appears: terms are lowercase whole words of at least two characters, minus a few
stopwords, and each tag also counts as a whole phrase (`"red fox"` in a query matches that tag).
The same analyser reads the query, so matching is case-insensitive and whole-word on both sides.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from chalicelib.errors import ValidationError

STOPWORDS = frozenset("an and are as at be by for from in into is it its of on or the to with".split())
MAX_TERM = 100  # characters; longer phrases are cut (keys stay small)
MAX_QUERY = 200  # characters of `q`
MAX_QUERY_TERMS = 8
# A posting group holds images created within this many seconds of its first, so a date range
# reads its postings from that much earlier (each hit is checked against the image's own time).
GROUP_SPAN_S = 60
GROUP_MAX_IMAGES = 100  # a posting stays under 1 KB: one write unit

_WORD = re.compile(r"[^\W_]+")
_PHRASE = re.compile(r'"([^"]*)"')


def words(text: str | None) -> list[str]:
    return [w for w in _WORD.findall((text or "").lower()) if len(w) >= 2 and w not in STOPWORDS]


def phrase(tag: str) -> str:
    """A tag as one term: lowercase, single spaces."""
    return " ".join(tag.lower().split())[:MAX_TERM]


def image_terms(
    prompt: str | None, title: str | None, description: str | None, tags: Iterable[str] | None
) -> set[str]:
    """Every term an image is findable by."""
    terms = {w[:MAX_TERM] for text in (prompt, title, description) for w in words(text)}
    for tag in tags or ():
        if not isinstance(tag, str):
            continue
        terms.update(w[:MAX_TERM] for w in words(tag))
        whole = phrase(tag)
        if len(whole) >= 2 and whole not in STOPWORDS:
            terms.add(whole)
    return terms


def query_terms(q: str) -> list[str]:
    """The terms a query needs, all of them (AND). Quoted phrases stay whole; other words split.

    Raises ValidationError (field `q`) when nothing searchable is left, rather than listing
    everything for a query like "a" or "the".
    """
    if len(q) > MAX_QUERY:
        raise ValidationError(f"must be at most {MAX_QUERY} characters", field="q")
    terms: list[str] = []
    for quoted in _PHRASE.findall(q):
        whole = phrase(quoted)
        found = words(whole)
        if len(found) > 1 or (found and whole != found[0]):
            terms.append(whole)  # a multi-word (or punctuated) tag, e.g. "red fox", "sci-fi"
        else:
            terms += found
    terms += words(_PHRASE.sub(" ", q))
    unique = list(dict.fromkeys(terms))
    if not unique:
        raise ValidationError(
            "needs a word of at least two letters that is not a common word like 'the'", field="q"
        )
    if len(unique) > MAX_QUERY_TERMS:
        raise ValidationError(f"at most {MAX_QUERY_TERMS} words", field="q")
    return unique


def driver_term(terms: list[str]) -> str:
    """The term whose postings a search reads: the one most likely to be rare. Phrases (tags) first,
    then the longest word; without statistics, length is a fair proxy for rarity."""
    return max(terms, key=lambda t: (" " in t or not _WORD.fullmatch(t), len(t), t))


def term_key(workspace: str, term: str) -> str:
    return f"{workspace}#{term}"


def time_key(moment: datetime) -> str:
    """A UTC time as a fixed-width string, so string order is time order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def posting_sort_key(created_at: datetime, image_id: str) -> str:
    return f"{time_key(created_at)}#{image_id}"


def second_key(moment: datetime) -> str:
    """A UTC time to the second (a group's key: short, as the image names it too)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def group_sort_key(first_created: datetime) -> str:
    """A new posting group's sort key: its first image's second, then an id of its own. In string
    order it follows the one-image postings (`posting_sort_key`) of the same second."""
    return f"{second_key(first_created)}#g{uuid.uuid4().hex[:8]}"


def group_start(moment: datetime) -> datetime:
    """The earliest first-image time of a group that can hold an image created at `moment`."""
    return moment - timedelta(seconds=GROUP_SPAN_S)


def id_suffix(image_id: str, job_id: str) -> str:
    """`<job>.<generation>.<variation>` → `<generation>.<variation>` (what a group stores; an id
    of another shape is kept whole, marked `=`)."""
    return image_id[len(job_id) + 1 :] if image_id.startswith(f"{job_id}.") else f"={image_id}"


def full_id(job_id: str, suffix: str) -> str:
    return suffix[1:] if suffix.startswith("=") else f"{job_id}.{suffix}"


LAST = "#~"  # after every `#<image id>` suffix: closes a date range on the posting sort key
