"""Job Management and the Single Job View (seed 000) as a user drives them, in Chromium, against
the whole local stack. Each test saves a screenshot under test-output/browser/."""

# ruff: noqa: F811 - the browser fixtures come from test_console

from __future__ import annotations

import io
import re
import uuid
import zipfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.browser.test_console import QUIET, Console, api, browser, console, console_stack  # noqa: F401

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "browser"


def shot(console: Console, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    console.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def finished_jobs(stack: Any, labels: list[str]) -> list[str]:
    """Start one small job per label and wait until all of them have completed."""
    ids = []
    for label in labels:
        body = {"config": {"label": label, "keywords": ["tin robot"], "generations": 1, "ai": QUIET}}
        answer = api(stack, "POST", "/api/jobs", json=body)
        assert answer.status_code == 202, answer.text
        ids.append(answer.json()["job"]["id"])
    from tests.functional.helpers import wait_status

    for job_id in ids:
        wait_status(job_id, "completed")
    return ids


def rows(page: Any) -> Any:
    return page.get_by_test_id("job-row")


def test_the_jobs_list_filters_by_status_date_and_search_sorts_by_name_and_pages(console: Console) -> None:
    from playwright.sync_api import expect

    tag = uuid.uuid4().hex[:6]
    finished_jobs(console.stack, [f"{tag} charlie", f"{tag} alpha", f"{tag} bravo"])
    page = console.sign_in()
    page.goto(f"{console.stack.console_url}#/jobs?limit=2")
    page.get_by_test_id("filter-q").fill(tag)
    expect(page).to_have_url(re.compile(rf"q={tag}"))  # the list's state is in the URL
    expect(rows(page)).to_have_count(2)
    page.get_by_test_id("sort-order").select_option("name")
    expect(rows(page).first).to_contain_text(f"{tag} alpha")
    expect(rows(page).nth(1)).to_contain_text(f"{tag} bravo")
    page.get_by_role("button", name="Next →").click()
    expect(page.get_by_test_id("page-info")).to_have_text("Page 2")
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_contain_text(f"{tag} charlie")
    page.reload()  # a reload shows the same page of the same list
    expect(rows(page).first).to_contain_text(f"{tag} charlie")
    page.get_by_role("button", name="← Previous").click()
    expect(rows(page).first).to_contain_text(f"{tag} alpha")

    page.get_by_test_id("filter-status").select_option("failed")
    expect(page.get_by_test_id("empty-state")).to_contain_text("No failed jobs")
    page.get_by_test_id("filter-status").select_option("completed")
    expect(rows(page)).to_have_count(2)
    today = date.today()  # the browser's zone is the machine's
    page.get_by_test_id("filter-from").fill(today.isoformat())
    page.get_by_test_id("filter-to").fill(today.isoformat())
    expect(rows(page)).to_have_count(2)
    shot(console, "jobs-filtered")
    page.get_by_test_id("filter-from").fill((today - timedelta(days=3)).isoformat())
    page.get_by_test_id("filter-to").fill((today - timedelta(days=2)).isoformat())
    expect(page.get_by_test_id("empty-state")).to_be_visible()
    assert not console.errors, f"JavaScript errors: {console.errors}"


def test_jobs_selected_on_two_pages_are_exported_twice_to_a_custom_folder_with_append(
    console: Console,
) -> None:
    from playwright.sync_api import expect

    tag = uuid.uuid4().hex[:6]
    ids = finished_jobs(console.stack, [f"{tag} one", f"{tag} two", f"{tag} three"])
    page = console.sign_in()
    page.goto(f"{console.stack.console_url}#/jobs?limit=2&sort=name&q={tag}")
    expect(rows(page)).to_have_count(2)
    page.get_by_label(f"Select {tag} one").check()
    page.get_by_role("button", name="Next →").click()
    expect(rows(page)).to_have_count(1)
    page.get_by_label(f"Select {tag} two").check()
    expect(page.get_by_test_id("selection-count")).to_have_text("2 jobs selected")
    folder = f"exports-{tag}"
    names = []
    for _ in range(2):
        page.get_by_test_id("bulk-export").click()
        dialog = page.get_by_test_id("destination-dialog")
        dialog.get_by_test_id("destination-custom").check()
        dialog.get_by_test_id("destination-folder").fill(folder)
        dialog.get_by_test_id("destination-filename").fill("picked")
        dialog.get_by_test_id("duplicate-append").check()
        dialog.get_by_test_id("destination-submit").click()
        status = page.get_by_test_id("export-status")
        expect(status).to_have_attribute("data-status", "ready")
        names.append(status.get_by_test_id("export-name").inner_text())
        link = status.get_by_test_id("export-download").get_attribute("href")
        assert link
        archive = zipfile.ZipFile(io.BytesIO(requests.get(link, timeout=30).content))
        status.get_by_role("button", name="Dismiss").click()
    assert names == ["picked.zip", "picked-1.zip"]
    members = archive.namelist()
    assert "summary.txt" in members
    assert len([m for m in members if m.endswith(".xlsx")]) == 2
    summary = archive.read("summary.txt").decode()
    assert ids[0] in summary and ids[1] in summary and ids[2] not in summary
    page.get_by_test_id("bulk-export").click()  # the last custom folder is offered again
    page.get_by_test_id("destination-custom").check()
    expect(page.get_by_test_id("destination-folder")).to_have_value(folder)
    shot(console, "jobs-exported")
    assert not console.errors, f"JavaScript errors: {console.errors}"


def test_every_job_matching_a_filter_is_deleted_after_the_dry_run_count(console: Console) -> None:
    from playwright.sync_api import expect

    tag = uuid.uuid4().hex[:6]
    finished_jobs(console.stack, [f"{tag} doomed {n}" for n in range(3)] + [f"{tag} kept"])
    page = console.sign_in()
    page.goto(f"{console.stack.console_url}#/jobs?limit=2&q={tag}%20doomed")
    expect(rows(page)).to_have_count(2)
    page.get_by_test_id("select-page").check()
    expect(page.get_by_text("Select All (2/2)")).to_be_visible()
    page.get_by_test_id("select-matching").click()
    expect(page.get_by_test_id("selection-count")).to_contain_text("Every job matching this filter")
    page.get_by_test_id("bulk-delete").click()
    expect(page.get_by_test_id("bulk-matched")).to_have_text("3 jobs")  # counted on the server
    shot(console, "jobs-delete-dry-run")
    page.get_by_test_id("confirm-action").click()
    expect(page.get_by_test_id("empty-state")).to_be_visible()
    page.get_by_test_id("filter-q").fill(tag)
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_contain_text(f"{tag} kept")
    assert not console.errors, f"JavaScript errors: {console.errors}"


def test_a_renamed_job_with_an_edited_setting_reruns_and_shows_what_changed(console: Console) -> None:
    from playwright.sync_api import expect

    tag = uuid.uuid4().hex[:6]
    (job_id,) = finished_jobs(console.stack, [f"{tag} before"])
    page = console.sign_in()
    page.goto(f"{console.stack.console_url}#/jobs/{job_id}")
    expect(page.get_by_test_id("job-status")).to_have_text("Completed")
    # The log and the images arrive after the job and push the Settings card down: click once
    # the page has stopped moving (a click aimed while it moved landed elsewhere).
    expect(page.get_by_role("log", name="Job log")).to_contain_text("Job completed")
    expect(page.get_by_role("region", name="Images").get_by_role("figure")).to_have_count(1)
    page.get_by_test_id("edit-settings").click()
    dialog = page.get_by_test_id("edit-settings-dialog")
    expect(dialog.get_by_test_id("reruns-only")).to_contain_text("future reruns")
    dialog.get_by_label("Label", exact=True).fill(f"{tag} renamed")
    expect(dialog.get_by_label("JPG quality")).to_have_count(0)  # shown only once converting to JPG
    dialog.get_by_label("Convert images").check()
    dialog.get_by_label("Convert format").select_option("jpg")
    quality = dialog.get_by_label("JPG quality")
    quality.fill("250")
    dialog.get_by_test_id("save-settings").click()
    expect(dialog.get_by_test_id("error-processing.jpg_quality")).to_be_visible()  # the API's field
    quality.fill("70")
    dialog.get_by_test_id("save-settings").click()
    expect(dialog).to_have_count(0)
    expect(page.get_by_test_id("job-label")).to_have_text(f"{tag} renamed")
    changed = page.get_by_test_id("setting-diff")
    expect(changed.filter(has_text="JPG quality")).to_contain_text("70")
    expect(page.get_by_test_id("settings-summary")).to_contain_text("changed since this job ran")

    page.get_by_test_id("action-rerun").click()
    expect(page).not_to_have_url(re.compile(rf"#/jobs/{job_id}$"))
    expect(page.get_by_test_id("job-status")).to_have_text("Completed")
    expect(page.get_by_test_id("job-label")).to_contain_text(f"{tag} renamed (Rerun ")
    expect(page.get_by_test_id("lineage-parent")).to_be_visible()
    expect(page.get_by_test_id("setting-diff")).to_have_count(0)  # the rerun ran with the edit
    rerun_row = page.get_by_test_id("setting-row").filter(has_text="Convert format")
    expect(rerun_row.get_by_test_id("as-run")).to_have_text("JPG")
    page.goto(f"{console.stack.console_url}#/jobs/{job_id}")
    expect(page.get_by_test_id("lineage-reruns").locator("li")).to_have_count(1)
    shot(console, "job-settings-diff")
    assert not console.errors, f"JavaScript errors: {console.errors}"


def test_the_step_timeline_follows_a_running_job_to_the_end(console: Console) -> None:
    from playwright.sync_api import expect

    body = {"config": {"label": "Timeline job", "keywords": ["red kite"], "generations": 2, "ai": QUIET}}
    body["config"]["approval"] = True  # it holds at approval, so the page sees it on its way
    job_id = api(console.stack, "POST", "/api/jobs", json=body).json()["job"]["id"]
    page = console.sign_in()
    page.goto(f"{console.stack.console_url}#/jobs/{job_id}")
    steps = page.get_by_test_id("timeline-step")
    approval = steps.and_(page.locator('[data-phase="approval"]'))
    expect(approval).to_have_attribute("data-status", "waiting")
    generate = steps.and_(page.locator('[data-phase="generate"]'))
    expect(generate).to_have_attribute("data-status", "succeeded")
    expect(generate.get_by_test_id("step-duration")).not_to_have_text("—")
    expect(steps.last).to_have_attribute("data-status", "pending")

    assert api(console.stack, "POST", f"/api/jobs/{job_id}/approve").status_code == 200
    expect(page.get_by_test_id("job-status")).to_have_text("Completed")
    count = steps.count()
    for index in range(count):
        expect(steps.nth(index)).to_have_attribute("data-status", "succeeded")
    expect(page.get_by_test_id("metric-succeeded")).to_have_text(f"{count} / {count}")
    expect(page.get_by_test_id("metric-failed")).to_have_text("0")
    expect(page.get_by_test_id("metric-duration")).not_to_have_text("—")
    expect(page.get_by_test_id("job-artifacts")).to_contain_text("2 approved images")
    shot(console, "job-timeline")
    assert not console.errors, f"JavaScript errors: {console.errors}"
