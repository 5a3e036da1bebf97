"""Every page of the console at a desktop width (1280 px) and a phone's (390 px): the page itself
never scrolls sideways (wide tables scroll inside their card), the header's menu reaches every
page, dialogs fit, and axe-core finds no serious or critical accessibility violation. Each state
is saved as a screenshot under test-output/screenshots/ (git-ignored)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.browser.accessibility import assert_accessible
from tests.browser.test_console import QUIET, api

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
WIDTHS = (1280, 390)
PAGE_WIDTH = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"


@pytest.fixture(scope="module")
def finished_job(console_stack: Any) -> str:
    """A job with images, so the dashboard, lists and job page have something to show."""
    from tests.functional.helpers import wait_until

    body = {
        "config": {
            "label": "A job with a rather long label to wrap",
            "keywords": ["lark"],
            "generations": 3,
            "ai": QUIET,
        }
    }
    started = api(console_stack, "POST", "/api/jobs", json=body)
    assert started.status_code == 202, started.text
    job_id = started.json()["job"]["id"]
    wait_until(
        lambda: api(console_stack, "GET", f"/api/jobs/{job_id}").json()["job"]["status"] == "completed",
        timeout=90,
    )
    _a_rejected_image(console_stack)
    return job_id


def _a_rejected_image(console_stack: Any) -> None:
    """Failed Images Review has a row to lay out: an image rejected at approval, under a job
    whose label is one long word (as a dated default label is)."""
    from tests.functional.helpers import wait_until

    config = {"label": "job_20261202_015908_rejected", "keywords": ["heron"], "generations": 1}
    body = {"config": {**config, "ai": QUIET, "approval": True}}
    job_id = api(console_stack, "POST", "/api/jobs", json=body).json()["job"]["id"]

    def waiting() -> bool:
        job = api(console_stack, "GET", f"/api/jobs/{job_id}").json()["job"]
        return job["status"] == "waiting_for_approval"

    wait_until(waiting, timeout=90)
    images = api(console_stack, "GET", "/api/images", params={"job_id": job_id}).json()["items"]
    rejected = api(
        console_stack,
        "POST",
        f"/api/jobs/{job_id}/approval/reject-images",
        json={"image_ids": [images[0]["id"]]},
    )
    assert rejected.status_code == 200, rejected.text
    assert api(console_stack, "POST", f"/api/jobs/{job_id}/approve").status_code == 200


def _open_menu(page: Any) -> None:
    page.get_by_test_id("menu-button").click()
    page.get_by_test_id("menu").wait_for()


def _builder_with_findings(page: Any) -> None:
    for name in ("metadata", "prompts", "generate"):
        page.get_by_test_id(f"add-{name}").click()
    page.locator('[data-testid="chain-block"][data-phase="generate"]').get_by_role(
        "button", name="Parameters"
    ).click()
    page.get_by_test_id("validate-plan").click()
    page.get_by_test_id("block-warning").first.wait_for()


def _edit_settings(page: Any) -> None:
    page.get_by_test_id("edit-settings").click()
    page.get_by_test_id("edit-settings-form").wait_for()


def _delete_dialog(page: Any) -> None:
    page.get_by_test_id("row-delete").first.click()
    page.get_by_test_id("confirm-dialog").wait_for()


STATES: list[tuple[str, str, Callable[[Any], None] | None]] = [
    ("dashboard", "#/", None),
    ("dashboard-menu", "#/", _open_menu),
    ("jobs", "#/jobs", None),
    ("jobs-delete-dialog", "#/jobs", _delete_dialog),
    ("job", "#/jobs/{job}", None),
    ("job-edit-settings", "#/jobs/{job}", _edit_settings),
    ("gallery", "#/gallery", None),
    ("failed", "#/failed", None),
    ("queue", "#/queue", None),
    ("approvals", "#/approvals", None),
    ("new-job", "#/new", None),
    ("settings", "#/settings", None),
    ("builder", "#/builder", _builder_with_findings),
]


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_fits_the_screen_and_passes_axe(
    browser: Any, console_stack: Any, finished_job: str, width: int
) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": width, "height": 844 if width < 500 else 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        page.goto(console_stack.console_url)
        expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
        base = page.url.split("#")[0]
        for name, route, prepare in STATES:
            page.goto(base + route.format(job=finished_job))
            page.locator("main h1").first.wait_for()
            page.wait_for_load_state("networkidle")
            if prepare:
                prepare(page)
            page.wait_for_timeout(300)  # let transitions settle before measuring
            scroll, client = page.evaluate(PAGE_WIDTH)
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
            assert scroll <= client, (
                f"{name} at {width} px scrolls sideways: {scroll} px of content in {client} px"
            )
            assert_accessible(page, f"{name} at {width} px")
            page.keyboard.press("Escape")
        assert not errors, f"JavaScript errors: {errors}"
    finally:
        context.close()


def test_at_390_px_the_menu_reaches_every_page_and_new_job_is_tappable(
    browser: Any, console_stack: Any
) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(console_stack.console_url)
        new_job = page.get_by_test_id("new-job")
        expect(new_job).to_be_visible()
        box = new_job.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, f"New job is off screen: {box}"
        new_job.tap()
        expect(page.get_by_test_id("new-job-form")).to_be_visible()
        for label, heading in (
            ("Job Management", "Jobs"),
            ("Settings", "Settings"),
            ("Job Builder", "Job Builder"),
            ("Dashboard", "Dashboard"),
        ):
            page.get_by_test_id("menu-button").tap()
            page.get_by_test_id("menu").get_by_role("link", name=label).tap()
            expect(page.locator("main h1").first).to_have_text(heading)
            expect(page.get_by_test_id("menu")).to_be_hidden()
    finally:
        context.close()


# The element that has focus now: whether Tab reached it before (it is marked on the way),
# whether its focus can be seen (an outline of at least 2 px, or a focus shadow), and a name.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  const shadow = Boolean(style.boxShadow) && style.boxShadow !== "none";
  const same = window.__lastFocused === el;  // a date input's day, month and year take Tab in turn
  window.__lastFocused = el;
  const again = !same && el.hasAttribute("data-tab-seen");
  el.setAttribute("data-tab-seen", "");
  const testid = el.getAttribute("data-testid");
  const label = (el.getAttribute("aria-label") || el.textContent || "").trim().slice(0, 30);
  const name = `${el.tagName.toLowerCase()}${testid ? `[${testid}]` : ""} ${label}`;
  return { same, again, name, visible: outline || shadow, inMain: Boolean(el.closest("main")) };
}"""

# The page's controls a keyboard user must reach: visible, enabled, not taken out of the order;
# a group of radio buttons is one stop (arrow keys move within it).
CONTROLS = """() => {
  const all = [...document.querySelectorAll(
    "main input, main select, main textarea, main button, main a[href], main summary")]
    .filter((el) => !el.disabled && el.tabIndex >= 0 && el.type !== "hidden" && el.checkVisibility());
  const groups = new Set(all.filter((el) => el.type === "radio").map((el) => el.name));
  return all.filter((el) => el.type !== "radio").length + groups.size;
}"""


@pytest.mark.parametrize("route", ["#/settings", "#/new", "#/jobs", "#/gallery", "#/builder"])
def test_every_control_is_reached_by_tab_and_shows_its_focus(
    browser: Any, console_stack: Any, route: str
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(console_stack.console_url)
        page.locator("main h1").first.wait_for()
        page.goto(page.url.split("#")[0] + route)
        page.locator("main h1").first.wait_for()
        page.wait_for_load_state("networkidle")
        controls = page.evaluate(CONTROLS)
        assert controls >= 3, f"{route} has only {controls} controls"
        reached_in_main = 0
        unseen_focus: list[str] = []
        for _ in range(controls + 60):  # the header's controls come first, then the page's
            page.keyboard.press("Tab")
            focused = page.evaluate(FOCUSED)
            if focused is None or focused["same"]:
                continue
            if focused["again"]:
                break  # round the whole page once
            reached_in_main += focused["inMain"]
            if not focused["visible"]:
                unseen_focus.append(focused["name"])
        assert not unseen_focus, f"on {route} these controls take focus without showing it: {unseen_focus}"
        assert reached_in_main >= controls, (
            f"Tab reached {reached_in_main} of the {controls} controls on {route}"
        )
    finally:
        context.close()
