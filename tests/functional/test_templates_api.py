"""The job builder over HTTP (seed 002): predefined and saved templates, and plan validation."""

from __future__ import annotations

import pytest

from chalicelib.models import TemplateModel
from tests.functional.helpers import new_user
from tests.functional.test_http_api import act_as, api, call  # noqa: F401 - the api fixture
from tests.functional.test_settings_api import own_workspace  # noqa: F401 - fixture

PREDEFINED = {
    "Full generation": ["prompts", "generate", "process", "quality_check", "metadata", "finalize"],
    "Generate only": ["prompts", "generate", "finalize"],
    "Reprocess images": ["process", "finalize"],
    "Regenerate metadata": ["metadata", "finalize"],
}


def templates(api):  # noqa: F811
    response = call(api, "GET", "/api/templates")
    assert response.status_code == 200
    return response.json()["items"]


def create(api, body):  # noqa: F811
    return call(api, "POST", "/api/templates", json=body)


def test_the_predefined_templates_are_listed_first(api, own_workspace):  # noqa: F811
    items = templates(api)
    assert {t["name"]: t["phases"] for t in items} == PREDEFINED
    assert all(t["predefined"] is True for t in items)


def test_templates_that_work_on_existing_images_say_so(api, own_workspace):  # noqa: F811
    by_name = {t["name"]: t for t in templates(api)}
    for name in ("Reprocess images", "Regenerate metadata"):
        assert by_name[name]["needs_images"] is True
        assert "existing job" in by_name[name]["description"]
    assert by_name["Full generation"]["needs_images"] is False


def test_a_saved_template_is_returned_with_201_and_listed_after_the_predefined(api, own_workspace):  # noqa: F811
    response = create(api, {"name": "  Quick look ", "phases": ["prompts", "generate", "finalize"]})
    assert response.status_code == 201, response.text
    template = response.json()["template"]
    assert template["name"] == "Quick look" and template["predefined"] is False
    assert len(template["id"]) == 32 and template["created_at"].endswith("Z")
    items = templates(api)
    assert items[-1] == template
    assert [t["predefined"] for t in items] == [True] * len(PREDEFINED) + [False]
    stored = TemplateModel.get(own_workspace, template["id"])
    assert stored.phases == ["prompts", "generate", "finalize"]


def test_saved_templates_list_oldest_first(api, own_workspace):  # noqa: F811
    names = ["first", "second", "third"]
    for name in names:
        create(api, {"name": name, "phases": ["metadata", "finalize"]})
    assert [t["name"] for t in templates(api) if not t["predefined"]] == names


def test_a_template_with_warnings_is_still_saved(api, own_workspace):  # noqa: F811
    response = create(api, {"name": "odd", "phases": ["metadata", "prompts", "generate"]})
    assert response.status_code == 201


@pytest.mark.parametrize(
    "body,field",
    [
        ({"phases": ["generate"]}, "name"),
        ({"name": "", "phases": ["generate"]}, "name"),
        ({"name": "   ", "phases": ["generate"]}, "name"),
        ({"name": "x" * 101, "phases": ["generate"]}, "name"),
        ({"name": 7, "phases": ["generate"]}, "name"),
        ({"name": "t"}, "phases"),
        ({"name": "t", "phases": []}, "phases"),
        ({"name": "t", "phases": "generate"}, "phases"),
        ({"name": "t", "phases": ["prompts", "upscale"]}, "phases[1]"),
        ({"name": "t", "phases": ["generate", "generate"]}, "phases[1]"),
        ({"name": "t", "phases": ["generate"], "owner": "me"}, "owner"),
    ],
)
def test_a_bad_template_is_a_400_naming_the_field_and_saves_nothing(api, own_workspace, body, field):  # noqa: F811
    response = create(api, body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == field and error["code"] == "invalid_input"
    assert TemplateModel.count(own_workspace) == 0


def test_a_name_of_100_characters_is_accepted(api, own_workspace):  # noqa: F811
    assert create(api, {"name": "x" * 100, "phases": ["generate"]}).status_code == 201


def test_saved_templates_are_per_workspace(api, own_workspace, monkeypatch):  # noqa: F811
    create(api, {"name": "mine", "phases": ["metadata", "finalize"]})
    act_as(monkeypatch, new_user("other"))
    assert all(t["predefined"] for t in templates(api))


def validate(api, phases):  # noqa: F811
    response = call(api, "POST", "/api/plans/validate", json={"phases": phases})
    assert response.status_code == 200, response.text
    return response.json()


def test_validating_a_sound_plan_reports_no_problems(api, own_workspace):  # noqa: F811
    body = validate(api, PREDEFINED["Full generation"])
    assert body == {"valid": True, "errors": [], "warnings": []}


def test_validating_metadata_before_generation_warns(api, own_workspace):  # noqa: F811
    body = validate(api, ["prompts", "metadata", "generate", "finalize"])
    assert body["valid"] is True and body["errors"] == []
    (warning,) = body["warnings"]
    assert warning["code"] == "runs_before_generation" and warning["index"] == 1
    assert "runs before generation: it will find no images of this job" in warning["message"]


def test_validating_an_unknown_phase_reports_an_error(api, own_workspace):  # noqa: F811
    body = validate(api, ["prompts", "upscale", "generate", "finalize"])
    assert body["valid"] is False
    assert [(e["code"], e["index"]) for e in body["errors"]] == [("unknown_phase", 1)]


def test_validating_an_empty_plan_reports_an_error(api, own_workspace):  # noqa: F811
    body = validate(api, [])
    assert body["valid"] is False and body["errors"][0]["code"] == "empty_plan"


@pytest.mark.parametrize(
    "body,field",
    [({}, "phases"), ({"phases": "generate"}, "phases"), ({"phases": [], "name": "x"}, "name")],
)
def test_a_malformed_validation_request_is_a_400(api, own_workspace, body, field):  # noqa: F811
    response = call(api, "POST", "/api/plans/validate", json=body)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field


def test_the_phases_are_listed_as_blocks_with_the_config_fields_they_read(api, own_workspace):  # noqa: F811
    response = call(api, "GET", "/api/phases")
    assert response.status_code == 200
    blocks = {block["name"]: block for block in response.json()["items"]}
    assert list(blocks) == [
        "prompts",
        "generate",
        "process",
        "quality_check",
        "approval",
        "metadata",
        "finalize",
    ]
    assert blocks["generate"]["title"] == "Image generation" and blocks["generate"]["unit"] == "image"
    fields = {p["field"]: p for p in blocks["process"]["parameters"]}
    quality = fields["processing.jpg_quality"]
    assert quality["label"] == "JPG quality"
    assert quality["schema"]["type"] == "integer"
    assert (quality["schema"]["minimum"], quality["schema"]["maximum"], quality["schema"]["default"]) == (
        1,
        100,
        85,
    )
    assert quality["when"] == {"processing.convert": True, "processing.convert_format": "jpg"}
    assert fields["processing.remove_bg"]["when"] == {}
    assert blocks["finalize"]["parameters"] == []


def test_every_block_parameter_is_a_field_a_job_config_takes(api, own_workspace):  # noqa: F811
    """A value set on a block, at its dotted path, is accepted by POST /api/jobs' validator."""
    from chalicelib import jobconfig

    blocks = call(api, "GET", "/api/phases").json()["items"]
    for block in blocks:
        for parameter in block["parameters"]:
            config: dict = {}
            *parents, leaf = parameter["field"].split(".")
            node = config
            for part in parents:
                node = node.setdefault(part, {})
            node[leaf] = parameter["schema"].get("default")
            if node[leaf] is None or node[leaf] == []:
                continue  # nothing to set (an optional value)
            jobconfig.normalize_config(config)


def test_a_template_keeps_its_blocks_parameters_normalised(api, own_workspace):  # noqa: F811
    body = {
        "name": "Sharp JPGs",
        "phases": ["prompts", "generate", "process", "finalize"],
        "config": {
            "generations": 3,
            "processing": {"convert": True, "convert_format": "jpg", "sharpening": 3.3},
        },
    }
    template = create(api, body).json()["template"]
    assert template["config"] == {
        "generations": 3,
        "processing": {"convert": True, "convert_format": "jpg", "sharpening": 3.5},
    }
    assert [t for t in templates(api) if t["id"] == template["id"]] == [template]


@pytest.mark.parametrize(
    "config,field",
    [
        ({"generations": 0}, "config.generations"),
        ({"processing": {"jpg_quality": 300}}, "config.processing.jpg_quality"),
        ({"plan": ["generate"]}, "config.plan"),
        ({"keywords_file": {"name": "k.txt", "content": "a"}}, "config.keywords_file"),
        ({"api_keys": {"openai": "sk-1"}}, "config.api_keys"),
        ("fast", "config"),
    ],
)
def test_bad_block_parameters_are_a_400_naming_the_field(api, own_workspace, config, field):  # noqa: F811
    response = create(api, {"name": "t", "phases": ["generate"], "config": config})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field
    assert TemplateModel.count(own_workspace) == 0


def test_a_saved_template_can_be_changed_and_deleted(api, own_workspace):  # noqa: F811
    template = create(api, {"name": "draft", "phases": ["prompts", "generate"]}).json()["template"]
    changed = call(
        api,
        "PUT",
        f"/api/templates/{template['id']}",
        json={"name": "final", "phases": ["prompts", "generate", "finalize"], "config": {"variations": 2}},
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()["template"]
    assert (body["id"], body["name"], body["phases"], body["config"]) == (
        template["id"],
        "final",
        ["prompts", "generate", "finalize"],
        {"variations": 2},
    )
    assert body["updated_at"].endswith("Z") and body["created_at"] == template["created_at"]
    assert call(api, "DELETE", f"/api/templates/{template['id']}").status_code == 204
    assert all(t["predefined"] for t in templates(api))
    assert call(api, "DELETE", f"/api/templates/{template['id']}").status_code == 404


def test_predefined_templates_are_read_only(api, own_workspace):  # noqa: F811
    body = {"name": "mine", "phases": ["prompts", "generate", "finalize"]}
    assert call(api, "PUT", "/api/templates/full_generation", json=body).status_code == 400
    response = call(api, "DELETE", "/api/templates/full_generation")
    assert response.status_code == 400 and "save a copy" in response.json()["error"]["message"]


def test_another_workspaces_template_is_not_found(api, own_workspace, monkeypatch):  # noqa: F811
    template = create(api, {"name": "mine", "phases": ["generate"]}).json()["template"]
    act_as(monkeypatch, new_user("other"))
    assert call(api, "DELETE", f"/api/templates/{template['id']}").status_code == 404
    body = {"name": "theirs", "phases": ["generate"]}
    assert call(api, "PUT", f"/api/templates/{template['id']}", json=body).status_code == 404


def test_a_template_runs_as_a_job_whose_timeline_is_its_phases(api, own_workspace):  # noqa: F811
    from tests.functional.helpers import wait_status

    template = create(
        api,
        {"name": "odd order", "phases": ["prompts", "metadata", "generate"], "config": {"generations": 2}},
    ).json()["template"]
    config = {**template["config"], "plan": template["phases"]}
    response = call(api, "POST", "/api/jobs", json={"config": config, "label": template["name"]})
    assert response.status_code == 202, response.text
    job_id = response.json()["job"]["id"]
    wait_status(job_id, "completed")
    job = call(api, "GET", f"/api/jobs/{job_id}").json()["job"]
    assert [p["name"] for p in job["phases"]] == ["prompts", "metadata", "generate"]
    assert all(p["state"] == "done" for p in job["phases"])
    assert job["label"] == "odd order" and job["images_ok"] == 2
