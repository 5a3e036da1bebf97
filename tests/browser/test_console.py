"""The web console as a user drives it, in Chromium, against the whole local stack.

Chromium is Debian's (`apt-get install -y chromium`), launched by Playwright's Python client;
`playwright install` is not used. The stack is the one `imgfactory dev` runs, on free ports.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 30_000
SCREENSHOT = Path("/tmp/console-job.png")
QUIET = {"quality_check": False, "metadata": False}  # phases not built yet
BAR_FULL = """() => {
    const bar = document.querySelector('[data-testid="job-progress"]');
    const track = bar.querySelector('[role="progressbar"]').getBoundingClientRect();
    return bar.querySelector('.progress-fill').getBoundingClientRect().width >= track.width - 1;
}"""
IMAGES_LOADED = """() => {
    const images = [...document.querySelectorAll('[data-testid="image-tile"] img')];
    return images.length === 4 && images.every((img) => img.complete && img.naturalWidth > 0);
}"""


@pytest.fixture(scope="module")
def console_stack(running: Any) -> Any:
    """The session's local stack served as `imgfactory dev` serves it (API, console, WebSocket)."""
    return running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's Chromium with `apt-get install -y chromium` "
            "(the browser tests do not use `playwright install`)",
            pytrace=False,
        )
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        pytest.fail(
            "Playwright is missing: `.venv/bin/pip install -r requirements-browser.txt`", pytrace=False
        )
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@dataclass
class Console:
    """One browser tab on the console, with the JavaScript errors it raised."""

    page: Any
    stack: Any
    errors: list[str] = field(default_factory=list)

    def sign_in(self) -> Any:
        """Open the URL `imgfactory dev` prints, as a user would."""
        self.page.goto(self.stack.console_url)
        return self.page


@pytest.fixture
def console(browser: Any, console_stack: Any) -> Iterator[Console]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    tab = Console(page, console_stack)
    page.on("pageerror", lambda error: tab.errors.append(str(error)))
    yield tab
    context.close()


def api(stack: Any, method: str, path: str, **kwargs: Any) -> requests.Response:
    headers = {"Authorization": f"Bearer {stack.token}"}
    return requests.request(method, f"{stack.api.url}{path}", headers=headers, timeout=30, **kwargs)


def job_ids(stack: Any) -> set[str]:
    response = api(stack, "GET", "/api/jobs", params={"limit": 100})
    response.raise_for_status()
    return {job["id"] for job in response.json()["items"]}


def test_a_user_starts_a_job_and_watches_it_complete_with_logs_and_images(console: Console) -> None:
    from playwright.sync_api import expect

    page = console.sign_in()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    assert "token" not in page.url, "the token must leave the address bar"

    page.get_by_test_id("new-job").click()
    form = page.get_by_test_id("new-job-form")
    form.get_by_label("Label", exact=True).fill("Browser job")
    form.get_by_label("Keywords", exact=True).fill("red fox\nblue lake")
    form.get_by_label("Generations", exact=True).fill("4")
    form.get_by_role("button", name="Start job").click()

    expect(page).to_have_url(re.compile(r"#/jobs/[0-9a-f]{32}$"))
    expect(page.get_by_test_id("job-label")).to_have_text("Browser job")
    expect(page.get_by_test_id("job-status")).to_have_text("Completed")
    progress = page.get_by_test_id("job-progress")
    expect(progress).to_contain_text("100%")
    expect(progress.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    page.wait_for_function(BAR_FULL, timeout=TIMEOUT_MS)  # drawn full, not only labelled 100%
    expect(page.get_by_test_id("stat-successful")).to_have_text("4")

    lines = page.get_by_test_id("log-line")
    expect(lines.first).to_have_text(re.compile(r"^\[\d\d:\d\d:\d\d\] \S"))
    expect(lines.last).to_contain_text("Job completed")  # read once more after the job ended

    expect(page.get_by_test_id("image-tile")).to_have_count(4)
    page.wait_for_function(IMAGES_LOADED, timeout=TIMEOUT_MS)

    # The finished job's cost: provider fees per model, AWS by service, estimate against actual.
    cost = page.get_by_test_id("job-cost")
    expect(cost.get_by_test_id("cost-fees-by-model")).to_contain_text("No paid calls")  # local, offline
    expect(cost.get_by_test_id("cost-aws-by-service")).to_contain_text("Step Functions")
    expect(cost.get_by_test_id("cost-total")).to_have_text(re.compile(r"^\$\d+\.\d+$"))
    expect(cost.get_by_test_id("cost-versus-duration")).to_contain_text("× the estimate")
    shown = api(console.stack, "GET", f"/api/jobs/{page.get_by_test_id('job-id').inner_text()}").json()
    ratio = shown["job"]["cost"]["vs_estimate"]["duration_ratio"]
    expect(cost.get_by_test_id("cost-versus-duration")).to_contain_text(f"{ratio:.2f}× the estimate")

    expect(page.get_by_test_id("action-rerun")).to_be_enabled()
    for action in ("stop", "force-stop", "pause", "resume"):
        expect(page.get_by_test_id(f"action-{action}")).to_be_disabled()
    expect(page.get_by_test_id("toast")).to_have_count(0)  # "Job started" fades out after 4 s
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert not console.errors, f"JavaScript errors: {console.errors}"


def test_generations_zero_is_refused_at_the_field_and_starts_no_job(console: Console) -> None:
    from playwright.sync_api import expect

    before = job_ids(console.stack)
    page = console.sign_in()
    page.get_by_test_id("new-job").click()
    form = page.get_by_test_id("new-job-form")
    form.get_by_label("Label", exact=True).fill("Invalid job")
    form.get_by_label("Keywords", exact=True).fill("red fox")
    generations = form.get_by_label("Generations", exact=True)
    generations.fill("0")
    form.get_by_role("button", name="Start job").click()

    error = form.locator('[data-field="generations"]').get_by_test_id("error-generations")
    expect(error).to_be_visible()
    expect(error).to_contain_text("generations")
    expect(generations).to_have_attribute("aria-invalid", "true")
    expect(form).to_be_visible()  # the form stays open with what the user typed
    expect(generations).to_have_value("0")
    expect(form.get_by_test_id("form-error")).to_be_hidden()
    assert job_ids(console.stack) == before, "a refused job must not be created"
    assert not console.errors, f"JavaScript errors: {console.errors}"


def test_the_jobs_list_shows_a_job_with_its_status_badge(console: Console) -> None:
    from playwright.sync_api import expect

    body = {"config": {"label": "Listed job", "keywords": ["green hill"], "generations": 2, "ai": QUIET}}
    started = api(console.stack, "POST", "/api/jobs", json=body)
    assert started.status_code == 202, started.text
    job_id = started.json()["job"]["id"]

    page = console.sign_in()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Jobs").click()
    expect(page).to_have_url(re.compile(r"#/jobs$"))
    row = page.locator(f'[data-testid="job-row"][data-job-id="{job_id}"]')
    expect(row).to_contain_text("Listed job")
    expect(row.get_by_test_id("status-badge")).to_have_text("Completed")  # the list refreshes itself
    expect(row).to_contain_text("2 / 2")
    expect(row).to_contain_text("100%")

    row.get_by_role("link", name="View Listed job").click()
    expect(page).to_have_url(re.compile(rf"#/jobs/{job_id}$"))
    expect(page.get_by_test_id("job-status")).to_have_text("Completed")
    assert not console.errors, f"JavaScript errors: {console.errors}"


def test_without_a_valid_token_the_console_says_how_to_sign_in(console: Console) -> None:
    from playwright.sync_api import expect

    page = console.page
    page.goto(f"{console.stack.api.url}/?token=not-the-token")
    notice = page.get_by_test_id("auth-required")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("imgfactory dev")
    assert "token" not in page.url
    expect(page.get_by_test_id("new-job")).to_be_disabled()
    assert not console.errors, f"JavaScript errors: {console.errors}"


def test_a_job_waiting_for_approval_is_approved_or_rejected_from_its_page(console: Console) -> None:
    from playwright.sync_api import expect

    stack = console.stack
    body = {
        "config": {
            "generations": 1,
            "keywords": ["calm harbour"],
            "ai": QUIET,
            "approval": True,
            "approval_timeout_h": 2,
            "approval_timeout_action": "approve",
        }
    }
    ids = []
    for _ in range(2):
        started = api(stack, "POST", "/api/jobs", json=body)
        assert started.status_code == 202, started.text
        ids.append(started.json()["job"]["id"])
    page = console.sign_in()

    page.goto(f"{stack.console_url}#/jobs/{ids[0]}")
    notice = page.get_by_test_id("approval-notice")
    expect(notice).to_be_visible()
    expect(page.get_by_test_id("job-status")).to_have_text("Waiting for approval")
    expect(notice.get_by_test_id("approval-timeout")).to_contain_text("approved automatically at")
    expect(page.get_by_test_id("stat-approval-timeout")).to_contain_text("2 h, then approved automatically")
    page.get_by_test_id("action-approve").click()
    expect(page.get_by_test_id("job-status")).to_have_text("Completed")
    expect(notice).to_be_hidden()

    page.goto(f"{stack.console_url}#/jobs/{ids[1]}")
    page.get_by_test_id("action-reject").click()
    page.get_by_test_id("confirm-reason").fill("wrong season")
    page.get_by_test_id("confirm-action").click()
    expect(page.get_by_test_id("job-status")).to_have_text("Failed")
    rejected = "Error: Rejected at the approval step: wrong season"
    expect(page.get_by_test_id("job-error")).to_have_text(rejected)
    assert console.errors == []


def test_a_user_schedules_a_job_for_later_and_cancels_it(console: Console) -> None:
    from datetime import datetime, timedelta

    from playwright.sync_api import expect

    page = console.sign_in()
    later = (datetime.now() + timedelta(hours=2)).replace(second=0, microsecond=0)  # browser's zone
    page.get_by_test_id("new-job").click()
    form = page.get_by_test_id("new-job-form")
    form.get_by_label("Label", exact=True).fill("Night job")
    form.get_by_label("Keywords", exact=True).fill("quiet street")
    form.get_by_label("Wait for my approval").check()
    form.get_by_label("Start at", exact=True).fill(later.strftime("%Y-%m-%dT%H:%M"))
    form.get_by_role("button", name="Start job").click()

    expect(page).to_have_url(re.compile(r"#/jobs/[0-9a-f]{32}$"))
    expect(page.get_by_test_id("job-status")).to_have_text("Scheduled")
    expect(page.get_by_test_id("toast").first).to_contain_text("scheduled for")
    job_id = page.get_by_test_id("job-id").inner_text()
    job = api(console.stack, "GET", f"/api/jobs/{job_id}").json()["job"]
    assert job["snapshot"]["approval"] is True
    assert datetime.fromisoformat(job["scheduled_at"]).astimezone().replace(tzinfo=None) == later

    expect(page.get_by_test_id("action-stop")).to_have_text("Cancel")  # it has not started
    page.get_by_test_id("action-stop").click()
    expect(page.get_by_test_id("job-status")).to_have_text("Cancelled")
    assert not console.errors, f"JavaScript errors: {console.errors}"


def test_the_job_page_follows_a_job_over_the_websocket(console: Console) -> None:
    import json

    from playwright.sync_api import expect

    stack = console.stack
    body = {"config": {"generations": 2, "keywords": ["tall ship"], "ai": QUIET, "approval": True}}
    job_id = api(stack, "POST", "/api/jobs", json=body).json()["job"]["id"]
    frames: list[dict[str, Any]] = []
    console.page.on(
        "websocket",
        lambda socket: socket.on("framereceived", lambda frame: frames.append(json.loads(frame))),
    )
    page = console.sign_in()
    page.goto(f"{stack.console_url}#/jobs/{job_id}")
    expect(page.get_by_test_id("live-indicator")).to_be_visible()  # connected and subscribed
    expect(page.get_by_test_id("job-status")).to_have_text("Waiting for approval")

    assert api(stack, "POST", f"/api/jobs/{job_id}/approve").status_code == 200
    expect(page.get_by_test_id("job-status")).to_have_text("Completed")
    expect(page.get_by_test_id("log-line").last).to_contain_text("Job completed")
    pushed = {frame["type"] for frame in frames if frame.get("job_id") == job_id}
    assert {"log", "progress", "status"} <= pushed, pushed
    assert not console.errors, f"JavaScript errors: {console.errors}"


def test_the_console_stays_signed_in_when_its_id_token_expires(console: Console) -> None:
    from playwright.sync_api import expect

    from tests.functional.test_auth import expired

    page = console.sign_in()  # keeps the ID token and the refresh token
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    stale = expired()
    page.evaluate("(token) => localStorage.setItem('imgfactory.token', token)", stale)
    page.reload()
    # The first call is refused (401): the console gets a new ID token and calls again.
    page.wait_for_function("(stale) => localStorage.getItem('imgfactory.token') !== stale", arg=stale)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_test_id("auth-required")).to_have_count(0)
    assert not console.errors, f"JavaScript errors: {console.errors}"


def test_the_jobs_list_follows_every_job_over_the_websocket(console: Console) -> None:
    import json

    from playwright.sync_api import expect

    frames: list[dict[str, Any]] = []
    console.page.on(
        "websocket",
        lambda socket: socket.on("framereceived", lambda frame: frames.append(json.loads(frame))),
    )
    page = console.sign_in()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Jobs").click()
    for _ in range(150):  # the list subscribes to every job (Playwright delivers frames while it waits)
        if any(f.get("type") == "subscribed" and f.get("job_id") == "*" for f in frames):
            break
        page.wait_for_timeout(100)
    else:
        raise AssertionError(f"the jobs list did not subscribe to every job: {frames}")
    body = {"config": {"label": "Pushed job", "keywords": ["paper boat"], "generations": 2, "ai": QUIET}}
    job_id = api(console.stack, "POST", "/api/jobs", json=body).json()["job"]["id"]
    row = page.locator(f'[data-testid="job-row"][data-job-id="{job_id}"]')
    expect(row.get_by_test_id("status-badge")).to_have_text("Completed")
    statuses = [f["status"] for f in frames if f.get("type") == "status" and f.get("job_id") == job_id]
    assert "completed" in statuses, statuses
    assert not console.errors, f"JavaScript errors: {console.errors}"
