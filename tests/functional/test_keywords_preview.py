"""POST /api/keywords/preview over HTTP: what the console shows of a keywords file before it is
used (seed 000): the first rows, the CSV columns for `${{Column}}`, errors with their line."""

from __future__ import annotations

from tests.functional.test_http_api import api, call  # noqa: F401 - the api fixture


def preview(api, **body):  # noqa: F811
    return call(api, "POST", "/api/keywords/preview", json=body)


def test_a_csv_shows_its_columns_as_placeholders_and_its_first_rows(api):  # noqa: F811
    rows = "".join(f"subject {i},{'dawn' if i % 2 else 'dusk'}\n" for i in range(25))
    response = preview(api, name="shots.csv", content="\ufeffSubject,Time\n" + rows)
    assert response.status_code == 200, response.text
    shown = response.json()["preview"]
    assert shown["kind"] == "csv" and shown["entries"] == 25
    assert shown["columns"] == ["Subject", "Time"]
    assert shown["placeholders"] == ["${{Subject}}", "${{Time}}"]
    assert shown["rows"][:2] == [["subject 0", "dusk"], ["subject 1", "dawn"]]
    assert len(shown["rows"]) == 10
    assert shown["first_prompt"] is None  # a CSV needs a template to make a prompt


def test_a_csv_with_a_template_shows_the_first_prompt(api):  # noqa: F811
    response = preview(
        api, name="k.csv", content="Subject,Time\nfox,dawn\n", prompt_template="A ${{Subject}} at ${{Time}}"
    )
    assert response.json()["preview"]["first_prompt"] == "A fox at dawn"


def test_a_txt_lists_one_keyword_a_row(api):  # noqa: F811
    response = preview(api, name="words.TXT", content="red fox\r\n\r\nblue lake\r\n")
    shown = response.json()["preview"]
    assert shown["kind"] == "txt" and shown["entries"] == 2 and shown["columns"] == []
    assert shown["rows"] == [["red fox"], ["blue lake"]]
    assert shown["first_prompt"].startswith("A high-quality commercial stock photograph of red fox")


def test_a_malformed_csv_is_a_400_naming_its_line(api):  # noqa: F811
    response = preview(api, name="k.csv", content="Subject,Time\nfox,dawn\n\nowl\n")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == "content" and "k.csv line 4" in error["message"]
    assert "expected 2 columns" in error["message"]


def test_a_template_column_the_csv_lacks_is_a_400_naming_the_template(api):  # noqa: F811
    response = preview(api, name="k.csv", content="Subject\nfox\n", prompt_template="${{Season}}")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "prompt_template"
    assert "${{Season}}" in response.json()["error"]["message"]


def test_a_file_that_is_neither_txt_nor_csv_is_refused_by_name(api):  # noqa: F811
    response = preview(api, name="k.xlsx", content="a\n")
    assert response.status_code == 400 and response.json()["error"]["field"] == "name"


def test_an_empty_file_is_refused(api):  # noqa: F811
    response = preview(api, name="k.txt", content="\n\n")
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "invalid_input",
        "message": "k.txt has no keywords",
        "field": "content",
    }
