"""Issue #13 as a user drives it in Chromium against the local stack: the queue reordered by drag
and by keyboard (and shown so on the dashboard), two images rejected in the approval inbox before
the job is approved, and the new-job form's estimate following the generations. Each test saves a
screenshot under test-output/browser/."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.browser.accessibility import assert_accessible
from tests.browser.test_console import QUIET, Console, api, job_ids
from tests.browser.test_dashboard import wait_idle

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "browser"


def shot(console: Console, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    console.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def start(stack: Any, label: str, **config: Any) -> str:
    body = {"config": {"label": label, "keywords": ["paper crane"], "generations": 1, "ai": QUIET, **config}}
    answer = api(stack, "POST", "/api/jobs", json=body)
    assert answer.status_code == 202, answer.text
    return str(answer.json()["job"]["id"])


def queue_ids(stack: Any) -> list[str]:
    return [item["id"] for item in api(stack, "GET", "/api/queue").json()["items"]]


def drag(page: Any, source: Any, target: Any) -> None:
    """Press on `source`, move in small steps onto `target`'s middle, release (as a mouse does)."""
    start, end = source.bounding_box(), target.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] / 2, steps=12)
    page.mouse.up()


def test_the_queue_is_reordered_by_drag_and_by_keyboard(console: Console) -> None:
    from playwright.sync_api import expect

    from tests.functional.helpers import wait_status, wait_until

    stack = console.stack
    wait_idle(stack)
    tag = uuid.uuid4().hex[:6]
    holder = start(stack, f"{tag} holder", approval=True)  # holds the slot while it waits
    wait_status(holder, "waiting_for_approval")
    first, second, third = (start(stack, f"{tag} q{n}") for n in (1, 2, 3))
    try:
        assert queue_ids(stack) == [first, second, third]
        page = console.sign_in()
        page.goto(f"{stack.console_url}#/queue")
        rows = page.get_by_test_id("queue-row")
        expect(rows).to_have_count(3)
        assert_accessible(page, "the queue with three jobs")
        announced = page.locator('[id^="DndLiveRegion"]')

        # By pointer: the third job dragged onto the first place.
        drag(page, rows.nth(2).get_by_test_id("queue-handle"), rows.nth(0).get_by_test_id("queue-handle"))
        expect(announced).to_have_text(f"{tag} q3 dropped at position 1.")
        wait_until(lambda: queue_ids(stack) == [third, first, second], timeout=15)
        expect(rows.first).to_have_attribute("data-job-id", third)

        # By keyboard: Space picks the last job up, the up arrow moves it one place, Space drops it.
        handle = page.get_by_role("button", name=f"Move {tag} q2 (position 3)")
        handle.focus()
        page.keyboard.press("Space")
        expect(announced).to_have_text(f"Picked up {tag} q2, position 3.")
        expect(handle).to_have_attribute("aria-pressed", "true")
        page.keyboard.press("ArrowUp")
        expect(announced).to_have_text(f"{tag} q2 is over position 2.")
        page.keyboard.press("Space")
        expect(announced).to_have_text(f"{tag} q2 dropped at position 2.")
        wait_until(lambda: queue_ids(stack) == [third, second, first], timeout=15)
        expect(rows.nth(1)).to_have_attribute("data-job-id", second)
        expect(page.get_by_test_id("queue-running")).to_have_text(f"{tag} holder")
        shot(console, "queue-reordered")

        # The dashboard's compact queue shows the same order, next up first.
        page.goto(f"{stack.console_url}#/")
        panel = page.get_by_test_id("queue-panel")
        expect(panel.get_by_test_id("queue-next")).to_contain_text(f"Next up: {tag} q3 (position 1)")
        expect(panel.get_by_test_id("queue-queued")).to_have_text("3")
        assert panel.get_by_test_id("queue-row").evaluate_all("rows => rows.map((r) => r.dataset.jobId)") == [
            third,
            second,
            first,
        ]
        assert not console.errors, f"JavaScript errors: {console.errors}"
    finally:
        api(stack, "POST", "/api/queue/cancel", json={"ids": [first, second, third]})
        api(stack, "POST", f"/api/jobs/{holder}/reject", json={"reason": "test over"})


def test_two_images_are_rejected_in_the_inbox_and_the_job_approved(console: Console) -> None:
    from playwright.sync_api import expect

    from tests.functional.helpers import wait_status

    stack = console.stack
    wait_idle(stack)
    tag = uuid.uuid4().hex[:6]
    job_id = start(stack, f"{tag} inbox", approval=True, generations=4)
    wait_status(job_id, "waiting_for_approval")
    page = console.sign_in()
    expect(page.get_by_test_id("inbox-badge")).to_have_text("1")  # the header counts it
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Approvals").click()
    entry = page.locator(f'[data-testid="inbox-job"][data-job-id="{job_id}"]')
    images = entry.get_by_test_id("inbox-image")
    expect(images).to_have_count(4)
    assert_accessible(page, "the approval inbox")
    entry.get_by_label("Reject image 1.1").check()
    entry.get_by_label("Reject image 3.1").check()
    entry.get_by_test_id("reject-images").click()
    expect(page.get_by_test_id("toast").filter(has_text="2 image(s) rejected")).to_be_visible()
    expect(images.and_(page.locator('[data-state="rejected"]'))).to_have_count(2)
    shot(console, "inbox-two-rejected")

    entry.get_by_test_id("approve-job").click()
    expect(page.get_by_test_id("toast").filter(has_text="approved")).to_be_visible()
    expect(entry).to_have_count(0)  # it left the inbox
    expect(page.get_by_test_id("inbox-badge")).to_have_count(0)
    done = wait_status(job_id, "completed")
    assert int(done.images_failed) == 2
    listed = api(stack, "GET", "/api/images", params={"job_id": job_id, "limit": 10}).json()["items"]
    by_generation = {image["generation"]: image for image in listed}
    statuses = [by_generation[g]["status"] for g in range(4)]
    assert statuses == ["qc_failed", "approved", "qc_failed", "approved"]
    assert by_generation[0]["failure"]["message"] == "rejected at approval"
    assert not console.errors, f"JavaScript errors: {console.errors}"


def test_the_estimate_in_the_new_job_form_follows_the_generations(console: Console) -> None:
    from playwright.sync_api import expect

    before = job_ids(console.stack)
    page = console.sign_in()
    page.get_by_test_id("new-job").click()
    form = page.get_by_test_id("new-job-form")
    form.get_by_label("Variations", exact=True).fill("1")
    generations = form.get_by_label("Generations", exact=True)
    generations.fill("2")
    estimate = page.get_by_test_id("estimate")
    figures = ("estimate-images", "estimate-eta", "estimate-aws", "estimate-total")
    expect(estimate.get_by_test_id("estimate-images")).to_have_text("2")
    expect(estimate).to_have_attribute("data-state", "ready")
    small = {name: estimate.get_by_test_id(name).inner_text() for name in figures}

    generations.fill("40")
    expect(estimate.get_by_test_id("estimate-images")).to_have_text("40")
    expect(estimate).to_have_attribute("data-state", "ready")
    large = {name: estimate.get_by_test_id(name).inner_text() for name in figures}
    assert large["estimate-eta"] != small["estimate-eta"], (small, large)
    assert large["estimate-aws"] != small["estimate-aws"], (small, large)
    assert large["estimate-total"] != small["estimate-total"], (small, large)
    shot(console, "new-job-estimate")
    assert_accessible(page, "the new-job form with its estimate")

    generations.fill("0")  # the API refuses it: the estimate says why, at once
    expect(estimate.get_by_test_id("estimate-error")).to_contain_text("generations")
    assert job_ids(console.stack) == before, "an estimate started a job"
    assert not console.errors, f"JavaScript errors: {console.errors}"
