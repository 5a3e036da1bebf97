"""Offline quality check and stock metadata, used when no OpenAI key is configured.

Both are deterministic heuristics, so a job without any API key still ends with images that are
checked and described the way the desktop's AI steps would have (reference §4: QC passes or fails
with a reason; metadata is a title of 8–12 words, a 150–250 character description and 15 tags).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from PIL import Image, ImageStat

from chalicelib.prompts import strip_midjourney_flags

#: Images are shrunk to at most this side before any statistics: the verdict does not need more.
QC_SIDE = 256
#: Grey-level standard deviation below which an image is too flat to be worth selling.
MIN_DETAIL_STDDEV = 4.0
#: Alpha at or below this is transparent (the trim threshold).
_VISIBLE_LUT = [0] * 51 + [255] * 205
PASSED_REASON = "passed offline checks (not blank, detailed, expected size)"

FAILURE_LABELS: dict[str, str] = {
    "download": "Download failed",
    "remove_bg": "Background removal failed",
    "trim": "Trim failed",
    "enhancement": "Enhancement failed",
    "convert": "Conversion failed",
    "save_final": "Save failed",
    "metadata": "Metadata failed",
    "qc": "QC analysis failed",
    "generation": "Generation failed",
    "approval": "Rejected at approval",
    "interrupted": "Job ended unfinished",
}
DEFAULT_FAILURE_LABEL = "QC Failed"

TITLE_MIN_WORDS, TITLE_MAX_WORDS = 8, 12
DESCRIPTION_MIN, DESCRIPTION_MAX = 150, 250
TAG_COUNT = 15

_STOPWORDS = frozenset(
    "a an the and or but of in on at to for from by with without into onto over under above below "
    "near behind between through during while as is are was were be been being it its this that these "
    "those there here very so such some any each every all no not only own same than too can will just "
    "also about against up down out off again then once very".split()
)
#: Words of prompt boilerplate ("a high-quality commercial stock photograph of ...") that say
#: nothing about the subject.
_BOILERPLATE = frozenset(
    "high quality high-quality commercial stock photo photos photograph photography image images "
    "picture shot render rendering style detailed ultra resolution hd 4k 8k hyperrealistic realistic "
    "photorealistic professional featuring showing depicting default".split()
)
_SMALL_WORDS = frozenset("a an the and or but of in on at to for from by with as into onto over".split())
GENERIC_TAGS = (
    "stock photo",
    "background",
    "high quality",
    "commercial",
    "design",
    "creative",
    "modern",
    "concept",
    "decoration",
    "colorful",
    "digital",
    "art",
    "graphic",
    "illustration",
    "nobody",
    "template",
)
_DESCRIPTION_FILLERS = (
    "Ideal for websites, blogs, advertising, social media and print projects.",
    "A clean, professional visual ready for commercial use.",
    "High resolution with balanced colors and a clear focal point.",
    "Works well as a banner, a presentation slide or a poster.",
    "Leaves room for text and branding.",
)
_WORD_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")
_PHRASE_SPLIT_RE = re.compile(r"[,;:.!?()\[\]|/\n]+")


@dataclass(frozen=True)
class QualityResult:
    passed: bool
    reason: str


def offline_quality_check(
    data: bytes, expected_width: int | None = None, expected_height: int | None = None
) -> QualityResult:
    """Fail blank, near-uniform or wrongly sized images; pass the rest with a reason that says so."""
    try:
        image = Image.open(io.BytesIO(data))
        size = image.size
        small = _shrink(image)
    except Exception as exc:
        return QualityResult(False, f"unreadable image: {exc}")
    problem = _content_problem(small) or _size_problem(size, expected_width, expected_height)
    return QualityResult(problem is None, problem or PASSED_REASON)


def failure_label(stage: str | None) -> str:
    """The user-facing category of a failed image's stage (reference §4); unknown → "QC Failed"."""
    return FAILURE_LABELS.get(stage or "", DEFAULT_FAILURE_LABEL)


def offline_metadata(prompt: str, keyword: str) -> dict[str, str | list[str]]:
    """Stock-ready title, description and 15 tags, the same every time for the same input."""
    phrases = _phrases(strip_midjourney_flags(prompt))
    words = _words(keyword)
    core = " ".join(_trim_edges(words) or words)  # "The Dog" is about a dog
    subject = _subject(phrases, core)
    details = [p for p in phrases if p.lower() != subject.lower() and not _mentions(p, core)]
    return {
        "title": _title(subject, details),
        "description": _description(subject, details),
        "tags": _tags(keyword, phrases),
    }


def _shrink(image: Image.Image) -> Image.Image:
    """RGB or RGBA at most QC_SIDE per side; JPEGs decode straight at the reduced scale."""
    image.draft("RGB", (QC_SIDE, QC_SIDE))
    transparent = "A" in image.getbands() or "transparency" in image.info
    image = image.convert("RGBA" if transparent else "RGB")
    factor = -(-max(image.size) // QC_SIDE)
    return image.reduce(factor) if factor > 1 else image


def _content_problem(image: Image.Image) -> str | None:
    """Statistics over the visible pixels only, so a cut-out subject is judged on itself."""
    visible = image.getchannel("A").point(_VISIBLE_LUT) if image.mode == "RGBA" else None
    if visible is not None and visible.getbbox() is None:
        return "blank image (fully transparent)"
    extrema = ImageStat.Stat(image, visible).extrema[:3]
    if all(low == high for low, high in extrema):
        return "blank image (one colour)"
    if ImageStat.Stat(image.convert("L"), visible).stddev[0] < MIN_DETAIL_STDDEV:
        return "near-uniform image (little detail)"
    return None


def _size_problem(size: tuple[int, int], width: int | None, height: int | None) -> str | None:
    if (width is None or width == size[0]) and (height is None or height == size[1]):
        return None
    expected = f"{width if width is not None else '*'}x{height if height is not None else '*'}"
    return f"wrong size: got {size[0]}x{size[1]}, expected {expected}"


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(text)


def _meaningful(word: str) -> bool:
    lower = word.lower()
    return lower not in _STOPWORDS and lower not in _BOILERPLATE and len(lower) > 2


def _phrases(prompt: str) -> list[str]:
    """The prompt's comma-separated parts, each without leading and trailing filler words."""
    phrases: list[str] = []
    for part in _PHRASE_SPLIT_RE.split(prompt):
        phrase = " ".join(_trim_edges(_words(part)))
        if phrase and phrase.lower() not in (p.lower() for p in phrases):
            phrases.append(phrase)
    return phrases


def _trim_edges(words: list[str]) -> list[str]:
    """Without leading and trailing filler ("a high-quality photo of ... with")."""
    start, end = 0, len(words)
    while start < end and not _meaningful(words[start]):
        start += 1
    while end > start and not _meaningful(words[end - 1]):
        end -= 1
    return words[start:end]


def _mentions(phrase: str, keyword: str) -> bool:
    return bool(keyword.strip()) and keyword.strip().lower() in phrase.lower()


def _subject(phrases: list[str], keyword: str) -> str:
    """What the image shows: the prompt part naming the keyword (it reads better), else the
    keyword itself, else the prompt's first part."""
    for phrase in phrases:
        if _mentions(phrase, keyword) and len(_words(phrase)) <= TITLE_MAX_WORDS - 2:
            return phrase
    if keyword and keyword.lower() != "default":
        return keyword
    return phrases[0] if phrases else "abstract design"


def _title(subject: str, details: list[str]) -> str:
    """Subject, then details while they fit, then stock filler: 8–12 words, Title Case."""
    words = _trim_edges(_words(subject)[: TITLE_MAX_WORDS - 2]) or _words(subject)[: TITLE_MAX_WORDS - 2]
    joiner = "with"
    for detail in details:
        extra = [joiner, *_words(detail)]
        if len(words) + len(extra) + 2 > TITLE_MAX_WORDS:
            break
        words += extra
        joiner = "and"
    words += ["Stock", "Photo"]
    if len(words) < TITLE_MIN_WORDS:
        words = ["High", "Quality", *words]
    if len(words) < TITLE_MIN_WORDS:
        words += ["for", "Commercial", "Use"]
    return " ".join(_title_case(word, first=i == 0) for i, word in enumerate(words))


def _title_case(word: str, *, first: bool) -> str:
    if not first and word.lower() in _SMALL_WORDS:
        return word.lower()
    if any(c.isupper() for c in word[1:]):
        return word  # an acronym or a brand-like spelling stays as written
    return "-".join(part[:1].upper() + part[1:] for part in word.split("-"))


def _description(subject: str, details: list[str]) -> str:
    """A sentence about the subject and its details, padded with stock copy to 150–250 chars."""
    sentence = _clip(f"High quality stock image of {subject}", DESCRIPTION_MAX - 1)
    for count in range(len(details), 0, -1):
        listed = ", ".join(details[: count - 1]) + (" and " if count > 1 else "") + details[count - 1]
        if len(sentence) + len(listed) + 13 < DESCRIPTION_MAX:
            sentence = f"{sentence}, featuring {listed}"
            break
    text = sentence + "."
    for filler in _DESCRIPTION_FILLERS:
        if len(text) >= DESCRIPTION_MIN:
            break
        if len(text) + 1 + len(filler) <= DESCRIPTION_MAX:
            text = f"{text} {filler}"
    return text


def _clip(text: str, limit: int) -> str:
    """At most `limit` characters, cut on a word boundary."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:- ")


def _tags(keyword: str, phrases: list[str]) -> list[str]:
    """Keyword words first, then the prompt's words, then generic stock tags: 15, unique, lowercase."""
    candidates: list[str] = []
    keyword_words = [w.lower() for w in _words(keyword) if _meaningful(w)]
    candidates += keyword_words
    if len(keyword_words) > 1 and len(_words(keyword)) <= 3:
        candidates.append(" ".join(_words(keyword)).lower())
    candidates += [w.lower() for phrase in phrases for w in _words(phrase) if _meaningful(w)]
    candidates += GENERIC_TAGS
    tags: list[str] = []
    for tag in candidates:
        tag = tag.strip("'’-")
        if tag and tag not in tags:
            tags.append(tag)
    return tags[:TAG_COUNT]
