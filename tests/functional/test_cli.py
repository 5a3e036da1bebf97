"""`imgfactory jobs …` run in process against the session's served stack (SPEC §1 CLI row, §6)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import requests

from imgfactory import jobs_cli
from imgfactory.cli import main
from imgfactory.local.stack import free_port
from tests.functional.helpers import wait_status, wait_until

CONFIG = {"generations": 2, "ai": {"quality_check": False, "metadata": False}}


@pytest.fixture(autouse=True)
def no_ambient_api(monkeypatch, tmp_path):
    """Only what a test passes: no IMGFACTORY_* from the shell, no developer's `imgfactory dev`."""
    monkeypatch.delenv(jobs_cli.ENV_API, raising=False)
    monkeypatch.delenv(jobs_cli.ENV_TOKEN, raising=False)
    monkeypatch.setattr("imgfactory.devserver.STATE_FILE", tmp_path / "dev.json")


def jobs(running, *args: str, token: bool = True) -> int:
    options = ["--api", running.api.url, *(["--token", running.token] if token else [])]
    return main(["jobs", *options, *args])


def start_job(running) -> dict:
    response = requests.post(
        f"{running.api.url}/api/jobs",
        json={"config": CONFIG},
        headers={"Authorization": f"Bearer {running.token}"},
        timeout=30,
    )
    assert response.status_code == 202, response.text
    return response.json()["job"]


@pytest.fixture(scope="module")
def finished_jobs(running) -> list[dict]:
    started = [start_job(running), start_job(running)]
    for job in started:
        wait_status(job["id"], "completed", timeout=60)
    return started


@pytest.fixture(scope="module")
def finished_job(finished_jobs) -> dict:
    return finished_jobs[0]


def test_list_shows_a_started_job_in_a_table(running, finished_job, capsys):
    assert jobs(running, "list", "--all") == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == [
        "ID",
        "LABEL",
        "STATUS",
        "PROGRESS",
        "IMAGES",
        "CREATED",
        "DURATION",
    ]
    row = next(line for line in out.splitlines() if line.startswith(finished_job["id"][:8]))
    assert finished_job["label"] in row
    assert "Completed" in row and "100%" in row and "2/2" in row


def test_list_json_is_the_parseable_page(running, finished_job, capsys):
    assert jobs(running, "list", "--all", "--json") == 0
    page = json.loads(capsys.readouterr().out)
    assert finished_job["id"] in [job["id"] for job in page["items"]]
    assert page["next_cursor"] is None


def test_list_of_one_page_hints_the_cursor_of_the_next(running, finished_jobs, capsys):
    assert jobs(running, "list", "--limit", "1") == 0
    out = capsys.readouterr().out
    assert len(out.splitlines()) == 3  # header, one job, the hint
    assert re.search(r"imgfactory jobs list --limit 1 --cursor \S+", out)


def test_list_all_follows_every_cursor(running, finished_jobs, capsys):
    assert jobs(running, "list", "--limit", "1", "--all", "--json") == 0
    ids = [job["id"] for job in json.loads(capsys.readouterr().out)["items"]]
    assert {job["id"] for job in finished_jobs} <= set(ids)
    assert len(ids) == len(set(ids))


def test_show_prints_the_status_step_and_phases(running, finished_job, capsys):
    assert jobs(running, "show", finished_job["id"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == finished_job["label"]
    assert "Completed, 100% — Completed" in out
    for phase in ("prompts", "generate", "finalize"):
        assert re.search(rf"^\s+{phase}\s+\d+%\s+done$", out, re.MULTILINE)
    assert "success rate 100.0%" in out


def test_show_accepts_the_short_id_the_list_prints(running, finished_job, capsys):
    assert jobs(running, "show", finished_job["id"][:8], "--json") == 0
    assert json.loads(capsys.readouterr().out)["id"] == finished_job["id"]


def test_logs_prints_timed_lines(running, finished_job, capsys):
    assert jobs(running, "logs", finished_job["id"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines and all(re.match(r"^\[\d\d:\d\d:\d\d\] \S", line) for line in lines)
    assert lines[-1].endswith("Job completed")


def test_logs_tail_prints_only_the_last_lines(running, finished_job, capsys):
    assert jobs(running, "logs", finished_job["id"], "--tail", "2") == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[-1].endswith("Job completed")


def test_logs_follow_ends_when_the_job_completes(running, capsys):
    job = start_job(running)
    assert jobs(running, "logs", job["id"], "--follow") == 0
    out = capsys.readouterr().out
    assert "Job started" in out and out.splitlines()[-1].endswith("Job completed")
    wait_status(job["id"], "completed", timeout=5)


def test_logs_follow_exits_130_on_ctrl_c(running, monkeypatch, capsys):
    job = start_job(running)

    def interrupt() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(jobs_cli, "_pause", interrupt)
    assert jobs(running, "logs", job["id"], "--follow") == 130
    assert "Traceback" not in capsys.readouterr().err
    wait_status(job["id"], "completed", timeout=60)


def test_stop_of_a_finished_job_exits_1_with_the_servers_message(running, finished_job, capsys):
    assert jobs(running, "stop", finished_job["id"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("imgfactory: HTTP 400: ")
    assert "already completed" in err


def test_an_unknown_id_exits_1_with_not_found(running, capsys):
    assert jobs(running, "show", "0" * 32) == 1
    assert "not found" in capsys.readouterr().err


def test_rerun_prints_the_new_job_id_and_label(running, finished_job, capsys):
    assert jobs(running, "rerun", finished_job["id"]) == 0
    out = capsys.readouterr().out
    new_id = re.search(r"Rerun started: ([0-9a-f]{32})", out).group(1)
    assert f"{finished_job['label']} (Rerun {new_id[:6]})" in out
    wait_status(new_id, "completed", timeout=60)


def test_delete_answers_cleanly_whether_or_not_the_server_has_the_route(running, capsys):
    job = start_job(running)
    wait_status(job["id"], "completed", timeout=60)
    code = jobs(running, "delete", job["id"])
    captured = capsys.readouterr()
    if code == 0:
        assert f"Deleted job {job['id']}" in captured.out
    else:
        assert code == 1
        assert re.match(
            r"imgfactory: HTTP (404|405|501): .+\(this API cannot delete jobs yet\)", captured.err
        )


def test_without_a_token_exits_1_with_an_unauthorized_message(running, capsys):
    assert jobs(running, "list", token=False) == 1
    err = capsys.readouterr().err
    assert err.startswith("imgfactory: HTTP 401: ")
    assert "unauthorized" in err and "--token" in err


def test_an_unreachable_url_exits_1_naming_it_and_how_to_start_the_stack(capsys):
    url = f"http://127.0.0.1:{free_port()}"
    assert main(["jobs", "--api", url, "--token", "t", "list"]) == 1
    err = capsys.readouterr().err
    assert f"cannot reach the API at {url}" in err and "make run" in err
    assert "Traceback" not in err


def test_a_bad_option_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["jobs", "list", "--status", "finished"])
    assert exited.value.code == 2


def test_no_api_anywhere_is_a_usage_error_naming_the_ways_to_give_one(capsys):
    assert main(["jobs", "list"]) == 2
    err = capsys.readouterr().err
    assert "--api" in err and jobs_cli.ENV_API in err and "make run" in err


@pytest.mark.parametrize(
    "explicit,environ,expected",
    [
        (("http://opt", "t-opt"), {"IMGFACTORY_API": "http://env", "IMGFACTORY_TOKEN": "t-env"},
         ("http://opt", "t-opt")),
        ((None, None), {"IMGFACTORY_API": "http://env", "IMGFACTORY_TOKEN": "t-env"},
         ("http://env", "t-env")),
        ((None, None), {}, ("http://dev", "t-dev")),
        (("http://opt", None), {}, ("http://opt", None)),  # the dev token is for the dev API only
    ],
)  # fmt: skip
def test_the_api_comes_from_options_then_environment_then_the_dev_file(
    tmp_path: Path, explicit, environ, expected
):
    state = tmp_path / "dev.json"
    state.write_text(json.dumps({"api": "http://dev", "token": "t-dev"}))
    assert jobs_cli.resolve_api(*explicit, environ=environ, state_file=state) == expected


def test_approve_and_reject_from_the_command_line(running, capsys):
    waiting = []
    for _ in range(2):
        response = requests.post(
            f"{running.api.url}/api/jobs",
            json={"config": {**CONFIG, "generations": 1, "approval": True}},
            headers={"Authorization": f"Bearer {running.token}"},
            timeout=30,
        )
        waiting.append(response.json()["job"]["id"])
    wait_status(waiting[0], "waiting_for_approval", timeout=60)
    assert jobs(running, "approve", waiting[0][:8]) == 0
    assert "Approved:" in capsys.readouterr().out
    wait_status(waiting[0], "completed", timeout=60)

    wait_status(waiting[1], "waiting_for_approval", timeout=60)
    assert jobs(running, "reject", waiting[1], "--reason", "too dark") == 0
    assert "fails at its approval step" in capsys.readouterr().out
    assert wait_status(waiting[1], "failed").error == "Rejected at the approval step: too dark"
    assert jobs(running, "approve", waiting[1]) == 1
    assert "not waiting for approval" in capsys.readouterr().err


def test_run_tells_how_to_approve_a_job_waiting_for_approval(running, tmp_path, capsys):
    import threading

    job_file = tmp_path / "job.json"
    job_file.write_text(json.dumps({"config": {**CONFIG, "generations": 1, "approval": True}}))
    exit_codes: list[int] = []
    options = ["--api", running.api.url, "--token", running.token, "--out", str(tmp_path)]
    thread = threading.Thread(target=lambda: exit_codes.append(main(["run", str(job_file), *options])))
    thread.start()
    job_id = wait_until(lambda: _newest_waiting(running), timeout=60)
    err, out = "", ""

    def hint_shown() -> bool:
        nonlocal err, out
        printed = capsys.readouterr()
        err, out = err + printed.err, out + printed.out
        return f"Waiting for your approval: `imgfactory jobs approve {job_id}`" in err  # by the bar

    wait_until(hint_shown, timeout=30)
    assert jobs(running, "approve", job_id) == 0
    thread.join(timeout=60)
    assert exit_codes == [0]
    assert "Job completed" in out + capsys.readouterr().out


def _newest_waiting(running) -> str | None:
    response = requests.get(
        f"{running.api.url}/api/jobs",
        params={"status": "waiting_for_approval", "limit": 1},
        headers={"Authorization": f"Bearer {running.token}"},
        timeout=30,
    )
    items = response.json()["items"]
    return items[0]["id"] if items else None


def _post(running, path: str, body: dict) -> dict:
    headers = {"Authorization": f"Bearer {running.token}"}
    response = requests.post(f"{running.api.url}{path}", json=body, headers=headers, timeout=30)
    assert response.status_code in (200, 202), response.text
    return response.json()


def test_jobs_queue_and_move_show_and_change_the_run_order(running, capsys):
    first = _post(running, "/api/jobs", {"config": {**CONFIG, "generations": 1, "approval": True}})["job"]
    wait_status(first["id"], "waiting_for_approval", timeout=60)
    ids = [
        _post(running, "/api/jobs", {"config": CONFIG, "label": f"cli queued {n}"})["job"]["id"]
        for n in (1, 2)
    ]
    assert jobs(running, "queue") == 0
    out = capsys.readouterr().out
    assert out.index(ids[0][:8]) < out.index(ids[1][:8])
    assert re.search(rf"^\s+1\s+{ids[0][:8]}\s+cli queued 1", out, re.M)

    assert jobs(running, "move", ids[1][:8], "--to", "1") == 0
    out = capsys.readouterr().out
    assert f"Moved {ids[1][:8]} to position 1" in out
    assert out.index(ids[1][:8], out.index("#")) < out.index(ids[0][:8])
    assert jobs(running, "move", ids[1], "--down") == 0
    capsys.readouterr()
    assert jobs(running, "move", first["id"], "--front") == 1  # not queued: the server's 409
    assert "not in the queue" in capsys.readouterr().err
    _post(running, f"/api/jobs/{first['id']}/approve", {})
    for job_id in ids:
        wait_status(job_id, "completed", timeout=60)


def test_run_estimate_prints_the_estimate_and_starts_nothing(running, tmp_path, capsys):
    job_file = tmp_path / "job.json"
    job_file.write_text(json.dumps({"config": {**CONFIG, "generations": 7}}))
    before = requests.get(
        f"{running.api.url}/api/jobs", headers={"Authorization": f"Bearer {running.token}"}, timeout=30
    ).json()["items"]
    options = ["--api", running.api.url, "--token", running.token]
    assert main(["run", "--estimate", str(job_file), *options]) == 0
    out = capsys.readouterr().out
    assert "Images: 7 (7 generation(s) × 1 variation(s)), provider local" in out
    assert re.search(r"^ETA: \d+m \d\ds", out, re.M)
    assert "AWS: $" in out and "Provider fees: $0.0000" in out and "Total: $" in out
    after = requests.get(
        f"{running.api.url}/api/jobs", headers={"Authorization": f"Bearer {running.token}"}, timeout=30
    ).json()["items"]
    assert [j["id"] for j in after] == [j["id"] for j in before]
    job_file.write_text(json.dumps({"config": {**CONFIG, "generations": 0}}))
    assert main(["run", "--estimate", str(job_file), *options]) == 2
    assert "generations" in capsys.readouterr().out
