"""The dashboard as seed 001 describes it, driven in Chromium against the local stack: Start Job
turns into Stop Job and the current job's bar reaches 100 % live; another start is queued and
says so; Force Stop asks first; the history's export and delete work."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.test_console import QUIET, Console, api

pytestmark = pytest.mark.browser

#: Records every text the Start Job / Stop Job buttons and the current job's bar show, so a test
#: can tell what the user saw between two of its checks ("Starting…", 17 %, …).
WATCH = """() => {
    window.__seen = { buttons: [], progress: [] };
    const record = () => {
        for (const id of ["start-job", "stop-job"]) {
            const text = document.querySelector(`[data-testid="${id}"]`)?.textContent;
            if (text && window.__seen.buttons.at(-1) !== text) window.__seen.buttons.push(text);
        }
        const bar = document.querySelector('[data-testid="current-progress"] [role="progressbar"]');
        const value = bar?.getAttribute("aria-valuenow");
        if (value !== undefined && value !== null && window.__seen.progress.at(-1) !== Number(value)) {
            window.__seen.progress.push(Number(value));
        }
    };
    const all = { subtree: true, childList: true, attributes: true, characterData: true };
    new MutationObserver(record).observe(document.body, all);
    record();
}"""


@pytest.fixture
def defaults(console_stack: Any) -> Iterator[Any]:
    """Sets the dev user's default configuration for the test, and puts the built-in one back."""

    def put(config: dict[str, Any]) -> None:
        response = api(console_stack, "PUT", "/api/settings", json={"default_config": config})
        assert response.status_code == 200, response.text

    yield put
    api(console_stack, "PUT", "/api/settings", json={"default_config": None})


def wait_idle(stack: Any) -> None:
    """No job of the dev user holds or waits for the slot (earlier tests' jobs have ended)."""
    from tests.functional.helpers import wait_until

    def idle() -> bool:
        jobs = api(stack, "GET", "/api/jobs", params={"limit": 100}).json()["items"]
        return all(job["status"] in ("completed", "failed", "cancelled") for job in jobs)

    wait_until(idle, timeout=120, interval=0.5)


def test_start_job_becomes_stop_job_and_the_current_job_reaches_100_live(
    console: Console, defaults: Any
) -> None:
    from playwright.sync_api import expect

    wait_idle(console.stack)
    defaults({"keywords": ["red fox", "blue lake"], "generations": 6, "ai": QUIET, "label": "Dashboard run"})
    page = console.sign_in()
    expect(page.get_by_test_id("stats")).to_be_visible()
    page.evaluate(WATCH)
    start = page.get_by_test_id("start-job")
    expect(start).to_have_text("Start Job")
    start.click()

    stop = page.get_by_test_id("stop-job")
    expect(stop).to_have_text("Stop Job")
    current = page.get_by_test_id("current-job")
    expect(current.get_by_test_id("current-label")).to_have_text("Dashboard run")
    expect(current.get_by_test_id("current-step")).to_have_text(re.compile(r"^(Step \d/\d: \w|Queued)"))

    expect(current.get_by_test_id("current-status")).to_have_text("Completed", timeout=90_000)
    expect(current.get_by_test_id("current-percent")).to_have_text("100%")
    expect(current.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    expect(current.get_by_test_id("current-count")).to_have_text("6 / 6 images")
    seen = page.evaluate("() => window.__seen")
    assert "Starting…" in seen["buttons"], seen["buttons"]
    assert seen["buttons"].index("Starting…") < seen["buttons"].index("Stop Job"), seen["buttons"]
    progress = seen["progress"]
    assert progress == sorted(progress), f"the bar went back: {progress}"
    assert any(0 < value < 100 for value in progress), f"no step between 0 and 100 was shown: {progress}"

    expect(page.get_by_test_id("start-job")).to_have_text("Start Job")  # Stop Job is gone again
    expect(page.get_by_test_id("stop-job")).to_have_count(0)
    stats = api(console.stack, "GET", "/api/stats").json()
    expect(page.get_by_test_id("stat-total")).to_contain_text(str(stats["total"]))
    expect(page.get_by_test_id("stat-images")).to_contain_text(str(stats["total_images"]))
    expect(page.get_by_test_id("latest-image").first).to_be_visible()
    assert not console.errors, f"JavaScript errors: {console.errors}"


def force_stop_everything(stack: Any) -> None:
    for job in api(stack, "GET", "/api/jobs", params={"limit": 100}).json()["items"]:
        if job["status"] not in ("completed", "failed", "cancelled"):
            api(stack, "POST", f"/api/jobs/{job['id']}/force-stop")


def test_another_start_is_queued_and_force_stop_asks_first(console: Console, defaults: Any) -> None:
    from playwright.sync_api import expect

    wait_idle(console.stack)
    defaults({"keywords": ["slow"], "generations": 200, "ai": QUIET, "label": "Long run"})
    page = console.sign_in()
    try:
        page.get_by_test_id("start-job").click()
        expect(page.get_by_test_id("stop-job")).to_be_visible()
        running_id = page.get_by_test_id("current-job").get_attribute("data-job-id")
        queue_another = page.get_by_test_id("start-job")
        expect(queue_another).to_have_text("Queue another job")
        queue_another.click()
        expect(page.get_by_test_id("toast").filter(has_text="is queued")).to_be_visible()
        expect(page.get_by_test_id("queue-queued")).to_have_text("1", timeout=90_000)  # slow API under load
        expect(page.get_by_test_id("queue-next")).to_contain_text("Next up: Long run")

        page.get_by_test_id("force-stop").click()
        dialog = page.get_by_test_id("confirm-dialog")
        expect(dialog).to_contain_text("Force stop this job?")
        dialog.get_by_role("button", name="Cancel").click()
        expect(dialog).to_have_count(0)
        assert api(console.stack, "GET", f"/api/jobs/{running_id}").json()["job"]["status"] == "running"
        page.get_by_test_id("force-stop").click()
        page.get_by_test_id("confirm-dialog").get_by_test_id("confirm-action").click()
        expect(page.get_by_test_id("toast").filter(has_text="force-stopped")).to_be_visible()
        assert api(console.stack, "GET", f"/api/jobs/{running_id}").json()["job"]["status"] == "cancelled"
        assert not console.errors, f"JavaScript errors: {console.errors}"
    finally:
        force_stop_everything(console.stack)


def test_the_history_exports_a_job_to_excel_and_deletes_one(console: Console) -> None:
    from playwright.sync_api import expect

    from tests.functional.helpers import wait_until

    body = {"config": {"label": "History row", "keywords": ["owl"], "generations": 2, "ai": QUIET}}
    started = api(console.stack, "POST", "/api/jobs", json=body)
    assert started.status_code == 202, started.text
    job_id = started.json()["job"]["id"]
    wait_until(
        lambda: api(console.stack, "GET", f"/api/jobs/{job_id}").json()["job"]["status"] == "completed",
        timeout=90,
    )

    page = console.sign_in()
    row = page.get_by_test_id("history-table").locator(f'[data-job-id="{job_id}"]')
    expect(row).to_contain_text("History row")
    expect(row.get_by_test_id("status-badge")).to_have_text("Completed")
    with page.expect_download(timeout=60_000) as caught:
        row.get_by_test_id("row-export").click()
    download = caught.value
    assert download.suggested_filename.endswith(".xlsx"), download.suggested_filename
    with open(download.path(), "rb") as file:
        assert file.read(2) == b"PK", "the export is not an .xlsx (zip) file"
    expect(page.get_by_test_id("toast").filter(has_text="Exported")).to_be_visible()

    row.get_by_test_id("row-delete").click()
    page.get_by_test_id("confirm-dialog").get_by_test_id("confirm-action").click()
    expect(row).to_have_count(0)
    assert api(console.stack, "GET", f"/api/jobs/{job_id}").status_code == 404
    assert not console.errors, f"JavaScript errors: {console.errors}"
