"""Keywords files: TXT and CSV parsing, and errors that name the line."""

from __future__ import annotations

import pytest

from chalicelib.errors import ValidationError
from chalicelib.keywords import parse_keywords_file


def test_txt_gives_one_keyword_per_line_without_blanks_or_carriage_returns():
    assert parse_keywords_file("k.txt", "red fox\r\n\r\n  blue lake \r\nold barn\n") == [
        "red fox",
        "blue lake",
        "old barn",
    ]


def test_csv_rows_become_column_maps():
    content = "Subject,Time\nfox,dawn\n\nlake,dusk\n"
    assert parse_keywords_file("k.csv", content) == [
        {"Subject": "fox", "Time": "dawn"},
        {"Subject": "lake", "Time": "dusk"},
    ]


def test_csv_quoted_cells_keep_their_commas():
    rows = parse_keywords_file("k.csv", 'Subject,Mood\n"fox, red",calm\n')
    assert rows == [{"Subject": "fox, red", "Mood": "calm"}]


def test_a_csv_row_with_the_wrong_number_of_columns_names_its_line():
    with pytest.raises(ValidationError) as caught:
        parse_keywords_file("k.csv", "Subject,Time\nfox,dawn\nlake\n")
    assert caught.value.field == "keywords_file"
    assert "line 3" in caught.value.message


def test_an_unclosed_quote_names_its_line():
    with pytest.raises(ValidationError) as caught:
        parse_keywords_file("k.csv", 'Subject\nfox\n"lake\n')
    assert "line" in caught.value.message


def test_a_header_with_a_blank_or_repeated_column_is_refused():
    with pytest.raises(ValidationError, match="line 1"):
        parse_keywords_file("k.csv", "Subject,,Time\nfox,a,b\n")
    with pytest.raises(ValidationError, match="repeats Subject"):
        parse_keywords_file("k.csv", "Subject,Subject\nfox,a\n")


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError, match="no keywords"):
        parse_keywords_file("k.txt", "\n \n")
    with pytest.raises(ValidationError, match="no keywords"):
        parse_keywords_file("k.csv", "Subject\n")


def test_a_binary_file_is_refused():
    with pytest.raises(ValidationError, match="not a text file"):
        parse_keywords_file("k.txt", "abc\x00def")
