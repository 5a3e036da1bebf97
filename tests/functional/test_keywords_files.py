"""Jobs whose keywords come from an uploaded .txt or .csv file."""

from __future__ import annotations

import pytest

from chalicelib.errors import ValidationError
from chalicelib.models import ConfigModel
from chalicelib.services import jobs as job_service
from tests.functional.helpers import QUIET, images_of, wait_status


def _start(workspace, **config):
    return job_service.start_job(workspace, {"config": {"ai": QUIET, **config}})


def test_csv_rows_fill_the_prompt_template_in_order(workspace):
    job = _start(
        workspace,
        generations=3,
        prompt_template="A photo of ${{Subject}} at ${{Time}}",
        keywords_file={"name": "shots.csv", "content": "Subject,Time\nfox,dawn\nlake,noon\nbarn,dusk\n"},
    )
    wait_status(job.job_id, "completed")
    prompts = [image.prompt for image in sorted(images_of(job.job_id), key=lambda i: i.generation)]
    assert prompts == ["A photo of fox at dawn", "A photo of lake at noon", "A photo of barn at dusk"]


def test_a_txt_file_rotates_its_keywords_and_its_content_stays_out_of_dynamodb(workspace):
    job = _start(
        workspace,
        generations=3,
        keywords_file={"name": "words.txt", "content": "red fox\r\nblue lake\r\n"},
    )
    wait_status(job.job_id, "completed")
    keywords = [image.keyword for image in sorted(images_of(job.job_id), key=lambda i: i.generation)]
    assert keywords == ["red fox", "blue lake", "red fox"]
    stored = ConfigModel.get(job.config_id).config["keywords_file"]
    assert stored["name"] == "words.txt" and stored["entries"] == 2 and "content" not in stored
    assert "content" not in job.snapshot["keywords_file"]


def test_a_malformed_csv_is_refused_with_its_line_number(workspace):
    with pytest.raises(ValidationError) as caught:
        _start(
            workspace,
            prompt_template="${{Subject}}",
            keywords_file={"name": "k.csv", "content": "Subject,Time\nfox\n"},
        )
    assert caught.value.field == "keywords_file"
    assert "line 2" in caught.value.message


def test_a_template_column_missing_from_the_csv_is_refused_before_the_job_starts(workspace):
    with pytest.raises(ValidationError) as caught:
        _start(
            workspace,
            prompt_template="${{Subject}} in ${{Season}}",
            keywords_file={"name": "k.csv", "content": "Subject\nfox\n"},
        )
    assert caught.value.field == "prompt_template"
