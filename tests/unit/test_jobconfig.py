"""Job configuration validation: defaults, dotted error fields, desktop rounding rules."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

import pytest

from chalicelib.errors import ValidationError
from chalicelib.jobconfig import (
    DEFAULTS,
    image_count,
    normalize_config,
    parse_dimensions,
)

NOW = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)


def rejected(raw: dict) -> ValidationError:
    """Normalise `raw`, expecting a ValidationError, and return it."""
    with pytest.raises(ValidationError) as info:
        normalize_config(raw, now=NOW)
    return info.value


def test_empty_config_gets_every_default() -> None:
    config = normalize_config({}, now=NOW)
    assert config == {"label": "job_20250304_050607", **DEFAULTS}


def test_defaults_match_the_spec() -> None:
    assert DEFAULTS["provider"] == "local"
    assert DEFAULTS["generations"] == 1 and DEFAULTS["variations"] == 1
    assert DEFAULTS["parameters"]["dimensions"] == ["1024x1024"]
    assert DEFAULTS["parameters"]["max_concurrency"] == 2
    assert DEFAULTS["parameters"]["advanced"] == {
        "cfg_scale": None,
        "steps": None,
        "scheduler": None,
        "check_nsfw": None,
    }
    assert DEFAULTS["processing"]["remove_bg_failure_mode"] == "approve"
    assert DEFAULTS["processing"]["sharpening"] == 5.0
    assert DEFAULTS["processing"]["saturation"] == 1.4
    assert DEFAULTS["ai"] == {"quality_check": True, "metadata": True}
    assert DEFAULTS["plan"] is None


def test_partial_nested_object_is_completed() -> None:
    config = normalize_config({"processing": {"jpg_quality": 70}}, now=NOW)
    assert config["processing"] == {**DEFAULTS["processing"], "jpg_quality": 70}


def test_result_is_json_serialisable() -> None:
    config = normalize_config({"keywords_file": {"name": "k.csv", "content": "a,b"}}, now=NOW)
    assert json.loads(json.dumps(config)) == config


def test_label_defaults_to_job_timestamp_in_utc() -> None:
    assert normalize_config({}, now=NOW)["label"] == "job_20250304_050607"


def test_blank_label_gets_the_default() -> None:
    assert normalize_config({"label": "   "}, now=NOW)["label"] == "job_20250304_050607"


def test_label_too_long_is_rejected() -> None:
    assert rejected({"label": "x" * 201}).field == "label"


def test_unknown_top_level_key_is_rejected() -> None:
    error = rejected({"colour": "red"})
    assert error.field == "colour"
    assert "unknown key" in error.message


def test_unknown_nested_key_is_rejected() -> None:
    error = rejected({"parameters": {"advanced": {"guidance": 3}}})
    assert error.field == "parameters.advanced.guidance"
    assert "unknown key" in error.message


def test_generations_out_of_range_is_rejected() -> None:
    error = rejected({"generations": 2501})
    assert error.field == "generations"
    assert "must be an integer from 1 to 2500" in error.message


def test_max_concurrency_17_is_rejected() -> None:
    error = rejected({"parameters": {"max_concurrency": 17}})
    assert error.field == "parameters.max_concurrency"
    assert "from 1 to 16" in error.message


def test_jpg_quality_zero_is_rejected() -> None:
    assert rejected({"processing": {"jpg_quality": 0}}).field == "processing.jpg_quality"


def test_too_many_images_is_reported_on_variations() -> None:
    error = rejected({"generations": 2500, "variations": 5})
    assert error.field == "variations"
    assert "10000" in error.message


def test_exactly_ten_thousand_images_is_allowed() -> None:
    config = normalize_config({"generations": 2500, "variations": 4}, now=NOW)
    assert image_count(config) == 10_000


def test_dimension_side_out_of_range_is_rejected() -> None:
    error = rejected({"parameters": {"dimensions": ["100x5000"]}})
    assert error.field == "parameters.dimensions[0]"


def test_malformed_dimension_names_its_index() -> None:
    error = rejected({"parameters": {"dimensions": ["512x512", "big"]}})
    assert error.field == "parameters.dimensions[1]"


def test_bool_is_not_accepted_as_int() -> None:
    assert rejected({"generations": True}).field == "generations"


def test_string_number_is_not_accepted_as_int() -> None:
    assert rejected({"generations": "5"}).field == "generations"


def test_null_for_a_non_nullable_field_is_rejected() -> None:
    assert rejected({"processing": {"remove_bg": None}}).field == "processing.remove_bg"


def test_api_keys_are_refused() -> None:
    error = rejected({"api_keys": {"openai": "sk-secret"}})
    assert error.field == "api_keys"
    assert "PUT /api/settings" in error.message
    assert "sk-secret" not in error.message


def test_dimensions_round_half_up_to_multiple_of_8() -> None:
    config = normalize_config({"parameters": {"dimensions": ["1001x1004"]}}, now=NOW)
    assert config["parameters"]["dimensions"] == ["1000x1008"]


def test_empty_dimensions_fall_back_to_1024() -> None:
    config = normalize_config({"parameters": {"dimensions": []}}, now=NOW)
    assert config["parameters"]["dimensions"] == ["1024x1024"]


def test_parse_dimensions_returns_rounded_pairs() -> None:
    assert parse_dimensions(["1001x1003", "2047x128"]) == [(1000, 1000), (2048, 128)]


def test_sharpening_rounds_to_nearest_half() -> None:
    config = normalize_config({"processing": {"sharpening": 2.3}}, now=NOW)
    assert config["processing"]["sharpening"] == 2.5


def test_sharpening_out_of_range_is_rejected_not_clamped() -> None:
    assert rejected({"processing": {"sharpening": 10.5}}).field == "processing.sharpening"


def test_trim_is_forced_off_without_remove_bg() -> None:
    config = normalize_config({"processing": {"trim_transparent": True}}, now=NOW)
    assert config["processing"]["trim_transparent"] is False


def test_trim_is_kept_with_remove_bg() -> None:
    raw = {"processing": {"remove_bg": True, "trim_transparent": True}}
    assert normalize_config(raw, now=NOW)["processing"]["trim_transparent"] is True


def test_keywords_are_stripped() -> None:
    config = normalize_config({"keywords": ["  cat ", "dog"]}, now=NOW)
    assert config["keywords"] == ["cat", "dog"]


def test_blank_keyword_names_its_index() -> None:
    assert rejected({"keywords": ["a", "b", "c", "  "]}).field == "keywords[3]"


def test_keywords_file_needs_txt_or_csv_name() -> None:
    error = rejected({"keywords_file": {"name": "words.pdf", "content": "a"}})
    assert error.field == "keywords_file.name"


def test_unknown_plan_phase_names_its_index() -> None:
    assert rejected({"plan": ["generate", "upscale"]}).field == "plan[1]"


def test_duplicate_plan_phase_is_rejected() -> None:
    assert rejected({"plan": ["generate", "generate"]}).field == "plan[1]"


def test_input_is_not_mutated() -> None:
    raw = {
        "label": " mine ",
        "keywords": [" a "],
        "parameters": {"dimensions": ["1001x1003"]},
        "processing": {"trim_transparent": True, "sharpening": 2.3},
    }
    before = copy.deepcopy(raw)
    normalize_config(raw, now=NOW)
    assert raw == before


def test_result_does_not_share_lists_with_defaults() -> None:
    config = normalize_config({}, now=NOW)
    config["parameters"]["dimensions"].append("512x512")
    assert DEFAULTS["parameters"]["dimensions"] == ["1024x1024"]


def test_midjourney_takes_at_most_four_variations_one_task_each() -> None:
    error = rejected({"provider": "midjourney", "variations": 5})
    assert error.field == "variations" and "at most 4 with provider midjourney" in error.message
    assert normalize_config({"provider": "midjourney", "variations": 4})["variations"] == 4
    assert normalize_config({"provider": "runware", "variations": 5})["variations"] == 5
