"""GET/PUT /api/settings over HTTP: the default configuration for new jobs, and API keys that are
write-only, live only in Secrets Manager and come back masked (SPEC §2, §6, §8)."""

from __future__ import annotations

import json

import pytest

from chalicelib import jobconfig, secrets
from chalicelib.models import WorkspaceSettingsModel
from chalicelib.services import settings as settings_service
from tests.functional.helpers import new_user
from tests.functional.test_http_api import act_as, api, call  # noqa: F401 - the api fixture

OPENAI_KEY = "sk-test-LEAKCHECK-7f3a9c21d4e8b6aa"
RUNWARE_KEY = "rw-test-LEAKCHECK-0b1c2d3e4f5a6b7c"


@pytest.fixture
def own_workspace(api, monkeypatch):  # noqa: F811
    """HTTP calls act as a new Cognito user, so a test sees only what it creates in its own
    workspace (the user's `sub`)."""
    return act_as(monkeypatch, new_user()).sub


def put(api, body):  # noqa: F811
    return call(api, "PUT", "/api/settings", json=body)


def test_a_new_workspace_gets_the_built_in_defaults_and_no_keys(api, own_workspace):  # noqa: F811
    response = call(api, "GET", "/api/settings")
    assert response.status_code == 200
    settings = response.json()["settings"]
    assert settings["default_config"] == {**jobconfig.DEFAULTS, "label": None}
    assert settings["api_keys"] == {name: None for name in secrets.KEY_NAMES}
    assert settings["export_folders"] == {}


def test_a_default_config_round_trips_complete_and_normalised(api, own_workspace):  # noqa: F811
    body = {"default_config": {"generations": 4, "processing": {"sharpening": 3.3}, "label": " Batch "}}
    stored = put(api, body)
    assert stored.status_code == 200, stored.text
    read = call(api, "GET", "/api/settings").json()["settings"]["default_config"]
    assert read == stored.json()["settings"]["default_config"]
    assert read["generations"] == 4
    assert read["processing"]["sharpening"] == 3.5  # the desktop's 0.5 steps
    assert read["variations"] == 1 and read["parameters"]["max_concurrency"] == 2
    assert read["label"] == "Batch"


def test_a_default_config_without_label_leaves_the_label_to_each_job(api, own_workspace):  # noqa: F811
    settings = put(api, {"default_config": {"generations": 2}}).json()["settings"]
    assert settings["default_config"]["label"] is None


def test_a_null_default_config_resets_to_the_built_in_defaults(api, own_workspace):  # noqa: F811
    put(api, {"default_config": {"generations": 9}})
    settings = put(api, {"default_config": None}).json()["settings"]
    assert settings["default_config"]["generations"] == 1


@pytest.mark.parametrize(
    "default_config,field",
    [
        ({"generations": 0}, "default_config.generations"),
        ({"processing": {"jpg_quality": 101}}, "default_config.processing.jpg_quality"),
        ({"colour": "red"}, "default_config.colour"),
        ({"api_keys": {"openai": "sk-1"}}, "default_config.api_keys"),
        ({"parameters": {"format": "svg"}}, "default_config.parameters.format"),
        ([1, 2], "default_config"),
    ],
)
def test_a_bad_default_config_is_a_400_naming_the_dotted_field(api, own_workspace, default_config, field):  # noqa: F811
    response = put(api, {"default_config": default_config})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == field and error["code"] == "invalid_input"
    assert WorkspaceSettingsModel.count(own_workspace) == 0, "a refused default was stored"


def test_a_stored_key_comes_back_masked_to_its_last_four_characters(api, own_workspace):  # noqa: F811
    settings = put(api, {"api_keys": {"openai": OPENAI_KEY}}).json()["settings"]
    assert settings["api_keys"]["openai"] == "••••" + OPENAI_KEY[-4:]
    assert settings["api_keys"]["runware"] is None
    again = call(api, "GET", "/api/settings").json()["settings"]["api_keys"]
    assert again["openai"] == "••••" + OPENAI_KEY[-4:]
    assert secrets.api_key(own_workspace, "openai") == OPENAI_KEY


def test_keys_not_named_are_kept(api, own_workspace):  # noqa: F811
    put(api, {"api_keys": {"openai": OPENAI_KEY}})
    settings = put(api, {"api_keys": {"runware": RUNWARE_KEY}}).json()["settings"]
    assert settings["api_keys"]["openai"] == "••••" + OPENAI_KEY[-4:]
    assert settings["api_keys"]["runware"] == "••••" + RUNWARE_KEY[-4:]


@pytest.mark.parametrize("cleared", [None, ""])
def test_null_or_empty_clears_a_key(api, own_workspace, cleared):  # noqa: F811
    put(api, {"api_keys": {"openai": OPENAI_KEY, "runware": RUNWARE_KEY}})
    settings = put(api, {"api_keys": {"openai": cleared}}).json()["settings"]
    assert settings["api_keys"]["openai"] is None
    assert settings["api_keys"]["runware"] == "••••" + RUNWARE_KEY[-4:]
    assert secrets.api_key(own_workspace, "openai") is None


@pytest.mark.parametrize(
    "api_keys,field",
    [
        ({"dalle": "sk-1"}, "api_keys.dalle"),
        ({"openai": 12345}, "api_keys.openai"),
        ({"openai": ["sk-1"]}, "api_keys.openai"),
        ({"openai": "••••abcd"}, "api_keys.openai"),
        ("sk-1", "api_keys"),
    ],
)
def test_a_bad_api_key_entry_is_a_400_and_changes_nothing(api, own_workspace, api_keys, field):  # noqa: F811
    put(api, {"api_keys": {"openai": OPENAI_KEY}})
    response = put(api, {"api_keys": api_keys, "default_config": {"generations": 3}})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field
    assert secrets.api_key(own_workspace, "openai") == OPENAI_KEY
    assert settings_service.stored_default_config(own_workspace) is None


def test_an_unknown_settings_key_is_a_400(api, own_workspace):  # noqa: F811
    response = put(api, {"theme": "dark"})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "theme"


def test_a_stored_key_is_in_no_settings_item_and_no_response(api, own_workspace):  # noqa: F811
    responses = [
        put(api, {"api_keys": {"openai": OPENAI_KEY, "runware": RUNWARE_KEY}}),
        put(api, {"default_config": {"generations": 2, "provider": "openai"}}),
        call(api, "GET", "/api/settings"),
        put(api, {"default_config": {"generations": 3}, "api_keys": {"piapi": None}}),
    ]
    assert all(r.status_code == 200 for r in responses)
    assert secrets.api_key(own_workspace, "openai") == OPENAI_KEY  # stored, in Secrets Manager
    items = list(WorkspaceSettingsModel.scan())
    assert any(item.workspace == own_workspace for item in items)
    for item in items:
        raw = json.dumps(item.serialize())
        assert OPENAI_KEY not in raw and RUNWARE_KEY not in raw, f"a key leaked into {item.workspace}"
    for response in responses:
        assert OPENAI_KEY not in response.text and RUNWARE_KEY not in response.text


def test_new_job_configs_are_laid_over_the_stored_default(api, own_workspace):  # noqa: F811
    put(api, {"default_config": {"generations": 7, "parameters": {"max_concurrency": 3}}})
    merged = settings_service.config_with_defaults(own_workspace, {"parameters": {"retry_attempts": 2}})
    config = jobconfig.normalize_config(merged)
    assert config["generations"] == 7
    assert config["parameters"]["max_concurrency"] == 3 and config["parameters"]["retry_attempts"] == 2
    assert config["label"].startswith("job_")


def test_settings_are_per_workspace(api, own_workspace, monkeypatch):  # noqa: F811
    put(api, {"default_config": {"generations": 5}, "api_keys": {"openai": OPENAI_KEY}})
    act_as(monkeypatch, new_user("other"))
    settings = call(api, "GET", "/api/settings").json()["settings"]
    assert settings["default_config"]["generations"] == 1
    assert settings["api_keys"]["openai"] is None
