"""Offline quality check, offline metadata and failure labels (reference §4)."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw

from chalicelib.quality import (
    PASSED_REASON,
    failure_label,
    offline_metadata,
    offline_quality_check,
)

PROMPT = (
    "A high-quality commercial stock photograph of lighthouse at dawn, natural light, "
    "sharp focus, clean composition --ar 16:9 --stylize 250"
)
KEYWORD = "lighthouse at dawn"


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _detailed(width: int = 512, height: int = 512) -> Image.Image:
    image = Image.effect_noise((width, height), 40).convert("RGB")
    draw = ImageDraw.Draw(image)
    draw.ellipse((50, 50, 300, 300), fill=(220, 40, 60))
    draw.rectangle((250, 200, 480, 460), fill=(30, 90, 200))
    return image


def test_fully_transparent_image_fails_as_blank() -> None:
    result = offline_quality_check(_png(Image.new("RGBA", (300, 300), (255, 0, 0, 0))))
    assert not result.passed
    assert result.reason.startswith("blank image")


def test_single_colour_image_fails_as_blank() -> None:
    result = offline_quality_check(_png(Image.new("RGB", (300, 300), (12, 140, 200))))
    assert not result.passed
    assert result.reason.startswith("blank image")


def test_near_uniform_image_fails_for_little_detail() -> None:
    image = Image.new("RGB", (300, 300), (120, 120, 120))
    ImageDraw.Draw(image).rectangle((0, 0, 149, 299), fill=(123, 123, 123))
    result = offline_quality_check(_png(image))
    assert (result.passed, result.reason) == (False, "near-uniform image (little detail)")


def test_wrong_size_fails_naming_both_sizes() -> None:
    result = offline_quality_check(_png(_detailed(512, 256)), expected_width=512, expected_height=512)
    assert (result.passed, result.reason) == (False, "wrong size: got 512x256, expected 512x512")


def test_detailed_image_of_the_expected_size_passes() -> None:
    result = offline_quality_check(_png(_detailed()), expected_width=512, expected_height=512)
    assert (result.passed, result.reason) == (True, PASSED_REASON)


def test_cut_out_subject_is_judged_on_its_visible_pixels() -> None:
    image = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    image.paste(_detailed(200, 200), (100, 100))
    assert offline_quality_check(_png(image)).passed


def test_unreadable_data_fails() -> None:
    result = offline_quality_check(b"not an image")
    assert not result.passed
    assert result.reason.startswith("unreadable image")


def test_title_has_8_to_12_words_in_title_case() -> None:
    title = offline_metadata(PROMPT, KEYWORD)["title"]
    assert isinstance(title, str)
    assert 8 <= len(title.split()) <= 12
    assert title[0].isupper() and not title.endswith(".")
    assert "Lighthouse" in title and "Dawn" in title


@pytest.mark.parametrize(
    ("prompt", "keyword"), [(PROMPT, KEYWORD), ("cat", "cat"), ("", ""), ("x " * 400, "y " * 60)]
)
def test_title_and_description_lengths_hold_for_short_and_long_input(prompt: str, keyword: str) -> None:
    metadata = offline_metadata(prompt, keyword)
    assert 8 <= len(str(metadata["title"]).split()) <= 12
    assert 150 <= len(metadata["description"]) <= 250


def test_description_is_150_to_250_chars_and_mentions_the_keyword() -> None:
    description = offline_metadata(PROMPT, KEYWORD)["description"]
    assert isinstance(description, str)
    assert 150 <= len(description) <= 250
    assert KEYWORD in description.lower()
    assert description.endswith(".")


def test_exactly_15_unique_lowercase_tags_with_keyword_words_first() -> None:
    tags = offline_metadata(PROMPT, KEYWORD)["tags"]
    assert len(tags) == 15 == len(set(tags))
    assert all(tag == tag.lower() for tag in tags)
    assert tags[:2] == ["lighthouse", "dawn"]


def test_short_prompt_tags_are_topped_up_to_15() -> None:
    tags = offline_metadata("cat", "cat")["tags"]
    assert len(set(tags)) == 15 and tags[0] == "cat"


def test_metadata_is_deterministic() -> None:
    assert offline_metadata(PROMPT, KEYWORD) == offline_metadata(PROMPT, KEYWORD)


def test_midjourney_flags_are_gone_from_metadata() -> None:
    metadata = offline_metadata(PROMPT, KEYWORD)
    text = " ".join([str(metadata["title"]), str(metadata["description"]), *metadata["tags"]])
    assert "--" not in text and "16:9" not in text and "250" not in text


@pytest.mark.parametrize(
    ("stage", "label"),
    [
        ("download", "Download failed"),
        ("remove_bg", "Background removal failed"),
        ("trim", "Trim failed"),
        ("enhancement", "Enhancement failed"),
        ("convert", "Conversion failed"),
        ("save_final", "Save failed"),
        ("metadata", "Metadata failed"),
        ("qc", "QC analysis failed"),
        ("generation", "Generation failed"),
        ("something_else", "QC Failed"),
        (None, "QC Failed"),
    ],
)
def test_failure_label_maps_stage_to_category(stage: str | None, label: str) -> None:
    assert failure_label(stage) == label
