"""A keywords file in the workspace's default configuration (Settings): stored in S3 with only a
reference in DynamoDB, shown without its content, kept when the form is saved again, and used by
new jobs that bring no keywords of their own."""

from __future__ import annotations

import json

from chalicelib.models import WorkspaceSettingsModel
from tests.functional.helpers import QUIET, images_of, wait_status
from tests.functional.test_http_api import act_as, api, call  # noqa: F401 - the api fixture
from tests.functional.test_settings_api import own_workspace, put  # noqa: F401 - fixture

CSV = {"name": "shots.csv", "content": "Subject,Time\nfox,dawn\nowl,dusk\n"}
TEMPLATE = "A ${{Subject}} at ${{Time}}"


def default(**extra):
    return {"default_config": {"ai": QUIET, "prompt_template": TEMPLATE, **extra}}


def test_an_uploaded_file_is_shown_by_name_entries_and_columns_never_by_content(api, own_workspace):  # noqa: F811
    response = put(api, default(keywords_file=CSV))
    assert response.status_code == 200, response.text
    shown = response.json()["settings"]["default_config"]["keywords_file"]
    assert shown == {"name": "shots.csv", "entries": 2, "columns": ["Subject", "Time"]}
    again = call(api, "GET", "/api/settings").json()["settings"]["default_config"]["keywords_file"]
    assert again == shown
    item = json.dumps(WorkspaceSettingsModel.get(own_workspace).serialize())
    assert "owl,dusk" not in item and "owl" not in item, "the file's content went into DynamoDB"


def test_saving_the_form_again_keeps_the_stored_file(api, own_workspace):  # noqa: F811
    shown = put(api, default(keywords_file=CSV)).json()["settings"]["default_config"]
    shown["generations"] = 2  # the form sends back what it was shown, with a change
    response = put(api, {"default_config": shown})
    assert response.status_code == 200, response.text
    assert response.json()["settings"]["default_config"]["keywords_file"]["entries"] == 2
    assert response.json()["settings"]["default_config"]["generations"] == 2


def test_null_removes_the_file(api, own_workspace):  # noqa: F811
    put(api, default(keywords_file=CSV))
    settings = put(api, default(keywords_file=None)).json()["settings"]
    assert settings["default_config"]["keywords_file"] is None


def test_a_reference_to_a_file_that_is_not_stored_is_a_400(api, own_workspace):  # noqa: F811
    put(api, default(keywords_file=CSV))
    response = put(api, default(keywords_file={"name": "other.csv", "entries": 2}))
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "default_config.keywords_file"


def test_a_malformed_file_is_a_400_with_its_line_and_stores_nothing(api, own_workspace):  # noqa: F811
    response = put(api, default(keywords_file={"name": "k.csv", "content": "Subject,Time\nfox\n"}))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == "default_config.keywords_file" and "line 2" in error["message"]
    assert WorkspaceSettingsModel.count(own_workspace) == 0


def test_a_template_column_the_default_file_lacks_is_a_400_at_the_template(api, own_workspace):  # noqa: F811
    response = put(api, {"default_config": {"prompt_template": "${{Season}}", "keywords_file": CSV}})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "default_config.prompt_template"


def test_a_new_job_without_keywords_uses_the_default_file(api, own_workspace):  # noqa: F811
    put(api, default(keywords_file=CSV))
    response = call(api, "POST", "/api/jobs", json={"config": {"generations": 2}})
    assert response.status_code == 202, response.text
    job_id = response.json()["job"]["id"]
    wait_status(job_id, "completed")
    prompts = sorted(image.prompt for image in images_of(job_id))
    assert prompts == ["A fox at dawn", "A owl at dusk"]


def test_a_job_sending_back_the_default_file_view_uses_it(api, own_workspace):  # noqa: F811
    shown = put(api, default(keywords_file=CSV)).json()["settings"]["default_config"]
    body = {"config": {**shown, "label": "from the form", "generations": 1}}
    response = call(api, "POST", "/api/jobs", json=body)
    assert response.status_code == 202, response.text
    job_id = response.json()["job"]["id"]
    wait_status(job_id, "completed")
    assert [image.prompt for image in images_of(job_id)] == ["A fox at dawn"]


def test_a_job_with_its_own_keywords_ignores_the_default_file(api, own_workspace):  # noqa: F811
    put(api, default(keywords_file=CSV))
    body = {"config": {"generations": 1, "keywords": ["heron"], "prompt_template": "a {keyword}"}}
    response = call(api, "POST", "/api/jobs", json=body)
    assert response.status_code == 202, response.text
    job_id = response.json()["job"]["id"]
    wait_status(job_id, "completed")
    assert [image.prompt for image in images_of(job_id)] == ["a heron"]


def test_a_job_whose_template_does_not_fit_the_default_file_is_refused(api, own_workspace):  # noqa: F811
    put(api, default(keywords_file=CSV))
    response = call(api, "POST", "/api/jobs", json={"config": {"prompt_template": "${{Season}}"}})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "prompt_template"
