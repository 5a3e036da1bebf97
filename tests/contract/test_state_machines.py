"""Contract tests for stepfunctions/*.asl.json: what the CDK app and the local stack rely on."""

from __future__ import annotations

import json

import pytest

from chalicelib import asl


def _states(definition: dict) -> dict:
    """Every state, including those inside Map iterators and Parallel branches."""
    found = {}
    for name, state in definition["States"].items():
        found[name] = state
        if "ItemProcessor" in state:
            found.update(_states(state["ItemProcessor"]))
        for branch in state.get("Branches", []):
            found.update(_states(branch))
    return found


@pytest.fixture(params=asl.MACHINES)
def definition(request) -> dict:
    return json.loads(asl.source(request.param))


def test_every_placeholder_is_a_task_function_we_provide():
    provided = set(asl.function_substitutions({name: "arn" for name in asl.TASK_FUNCTIONS}))
    for machine in asl.MACHINES:
        assert asl.placeholders(machine) <= provided, machine


def test_every_task_function_exists_in_the_chalice_app():
    import app

    names = {function.name for function in app.app.pure_lambda_functions}
    assert set(asl.TASK_FUNCTIONS) <= names


def test_every_state_says_why(definition):
    for name, state in _states(definition).items():
        assert state.get("Comment"), f"state {name} has no Comment"


def test_every_task_retries_on_named_errors(definition):
    for name, state in _states(definition).items():
        if state["Type"] == "Task":
            assert state.get("Retry"), f"task {name} has no Retry"
            for rule in state["Retry"]:
                assert rule["ErrorEquals"], name


def test_every_task_outside_a_map_has_a_way_out_on_error(definition):
    top = definition["States"]
    for name, state in top.items():
        if state["Type"] in ("Task", "Map") and name != "RecordFailure" and "Catch" not in state:
            assert definition.get("StartAt") == name and len(top) == 1, f"{name} has no Catch"


def test_the_failure_path_releases_the_slot_and_fails_the_execution():
    job = json.loads(asl.source("job"))["States"]
    assert "FailJobFunctionArn" in json.dumps(job["RecordFailure"])
    assert job["RecordFailure"]["Next"] == "JobFailed"
    assert job["JobFailed"]["Type"] == "Fail"


def test_rendering_fills_every_placeholder():
    arns = {name: f"arn:aws:lambda:us-east-1:1:function:x-{name}" for name in asl.TASK_FUNCTIONS}
    for machine in asl.MACHINES:
        text = asl.render(machine, asl.function_substitutions(arns))
        assert "${" not in text


def test_rendering_without_a_substitution_is_an_error():
    with pytest.raises(KeyError):
        asl.render("job", {})
