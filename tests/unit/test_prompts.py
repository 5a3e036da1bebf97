"""Keyword choice and prompt building (reference §3 "Prompt generation")."""

from __future__ import annotations

import pytest

from chalicelib.errors import ValidationError
from chalicelib.prompts import (
    DEFAULT_TEMPLATE,
    build_prompt,
    choose_keyword,
    generation_seed,
)

KEYWORDS = ["apple", "banana", "cherry"]


def test_sequential_choice_takes_generation_mod_n() -> None:
    picks = [choose_keyword(KEYWORDS, g, random_order=False, seed="job") for g in range(7)]
    assert picks == [KEYWORDS[g % 3] for g in range(7)]


def test_random_choice_is_deterministic_per_seed_and_generation() -> None:
    first = [choose_keyword(KEYWORDS, g, random_order=True, seed="job-1") for g in range(20)]
    again = [choose_keyword(KEYWORDS, g, random_order=True, seed="job-1") for g in range(20)]
    assert first == again


def test_random_choice_varies_across_generations() -> None:
    picks = {choose_keyword(KEYWORDS, g, random_order=True, seed="job-1") for g in range(50)}
    assert picks == set(KEYWORDS)


def test_empty_keyword_list_gives_default() -> None:
    assert choose_keyword([], 3, random_order=False, seed="job") == "default"


def test_csv_row_is_returned_whole() -> None:
    rows = [{"Subject": "fox"}, {"Subject": "owl"}]
    assert choose_keyword(rows, 1, random_order=False, seed="job") == {"Subject": "owl"}


def test_no_template_uses_default_template() -> None:
    assert build_prompt(None, "red apples") == DEFAULT_TEMPLATE.format(keyword="red apples")


def test_txt_placeholders_are_all_replaced() -> None:
    prompt = build_prompt("{keyword}; ${keyword}; ${{Subject}}", "owl")
    assert prompt == "owl; owl; owl"


def test_csv_template_is_filled_from_row() -> None:
    row = {"Animal": "fox", "Place": "snowy forest"}
    assert build_prompt("A ${{Animal}} in a ${{Place}}", row) == "A fox in a snowy forest"


def test_csv_missing_column_names_field_and_column() -> None:
    with pytest.raises(ValidationError) as raised:
        build_prompt("A ${{Animal}} at ${{Time}}", {"Animal": "fox"})
    assert raised.value.field == "prompt_template"
    assert "${{Time}}" in raised.value.message


def test_csv_row_without_template_is_rejected() -> None:
    with pytest.raises(ValidationError) as raised:
        build_prompt(None, {"Animal": "fox"})
    assert raised.value.field == "prompt_template"


@pytest.mark.parametrize(
    "flag",
    [
        "--v 6",
        "--ar 16:9",
        "--stylize 100",
        "--q 2",
        "--chaos 10",
        "--seed 5",
        "--tile",
        "--niji",
        "--turbo",
    ],
)
def test_midjourney_flags_are_stripped(flag: str) -> None:
    assert build_prompt(f"a {{keyword}} {flag} on a table", "cat") == "a cat on a table"


def test_flag_like_words_are_kept() -> None:
    assert build_prompt("{keyword} --vivid --tiles", "cat") == "cat --vivid --tiles"


def test_whitespace_is_collapsed() -> None:
    assert build_prompt("  a\t{keyword}\r\n  photo  ", "cat") == "a cat photo"


def test_generation_seed_is_stable_31_bit() -> None:
    seed = generation_seed("job-1", 4, 2)
    assert seed == generation_seed("job-1", 4, 2)
    assert 0 <= seed < 2**31


def test_generation_seed_differs_by_variation() -> None:
    assert generation_seed("job-1", 4, 0) != generation_seed("job-1", 4, 1)
