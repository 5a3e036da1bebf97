"""The gallery (#/gallery) and Failed Images Review (#/failed) as a user drives them, in Debian's
Chromium, against the whole local stack. Screenshots of each page go to test-output/screenshots/.
"""

from __future__ import annotations

import io
import re
import threading
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import requests
from PIL import Image

from tests.browser.test_console import TIMEOUT_MS, Console, api, browser, console, console_stack  # noqa: F401
from tests.functional.helpers import wait_status

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def blank_first(monkeypatch):
    """The local provider renders its first `n` images black: the quality check fails them."""
    from chalicelib.providers.base import GeneratedImage
    from chalicelib.providers.local import LocalProvider

    original = LocalProvider.generate
    state = {"left": 0}

    def generate(self, request):
        if state["left"] <= 0:
            return original(self, request)
        state["left"] -= 1
        buffer = io.BytesIO()
        Image.new("RGB", (request.width, request.height), "black").save(buffer, "PNG")
        return [GeneratedImage(buffer.getvalue(), "image/png", "png", request.seed)]

    monkeypatch.setattr(LocalProvider, "generate", generate)

    def arm(count: int) -> None:
        state["left"] = count

    return arm


def start(stack: Any, label: str, keywords: list[str], generations: int, **config: Any) -> str:
    body = {
        "config": {
            "label": label,
            "keywords": keywords,
            "generations": generations,
            "ai": {"quality_check": True, "metadata": True},
            **config,
        }
    }
    response = api(stack, "POST", "/api/jobs", json=body)
    assert response.status_code == 202, response.text
    return response.json()["job"]["id"]


def test_failed_images_are_counted_failed_then_retried_with_webp_and_approved_by_hand(
    console: Console,  # noqa: F811
    blank_first,
) -> None:
    from playwright.sync_api import expect

    blank_first(4)
    job_id = start(console.stack, "Review job", ["red fox", "blue lake"], 5)
    wait_status(job_id, "completed", timeout=120)
    snapshot_before = api(console.stack, "GET", f"/api/jobs/{job_id}").json()["job"]

    page = console.sign_in()
    page.goto(f"{console.stack.console_url.split('?')[0]}#/jobs/{job_id}")
    expect(page.get_by_test_id("stat-successful")).to_have_text("1")
    expect(page.get_by_test_id("stat-failed")).to_have_text("4")
    shot(page, "job-with-failed-images")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Failed images").click()
    expect(page).to_have_url(re.compile(r"#/failed"))
    page.get_by_test_id("filter-job").select_option(job_id)
    group = page.get_by_test_id("failed-group-quality")
    rows = group.get_by_test_id("failed-image")
    expect(rows).to_have_count(4)
    expect(rows.first.get_by_test_id("failure-message")).to_contain_text("blank")
    shot(page, "failed-images-review")

    ids = [rows.nth(i).get_attribute("data-image-id") for i in range(4)]
    retried, approved_by_hand = ids[:2], ids[2]
    for image_id in retried:
        page.locator(f'[data-image-id="{image_id}"]').get_by_test_id("select-failed").check()
    page.get_by_test_id("retry-selected").click()
    dialog = page.get_by_test_id("retry-dialog")
    dialog.get_by_test_id("retry-custom").check()
    dialog.get_by_test_id("retry-format").select_option("webp")
    dialog.get_by_test_id("retry-confirm").click()

    # The page follows each retry live until its images are approved.
    retries = page.get_by_test_id("retries")
    for image_id in retried:
        expect(retries.locator(f'[data-image-id="{image_id}"]')).to_have_attribute(
            "data-status", "approved", timeout=120_000
        )
    shot(page, "failed-images-retried")

    page.locator(f'[data-image-id="{approved_by_hand}"]').get_by_test_id("approve-image").click()
    expect(group.get_by_test_id("failed-image")).to_have_count(1)

    # The last one is deleted, after a confirmation that Cancel leaves without effect.
    deleted = ids[3]
    page.locator(f'[data-image-id="{deleted}"]').get_by_test_id("select-failed").check()
    page.get_by_test_id("delete-failed").click()
    confirm = page.get_by_test_id("confirm-dialog")
    expect(confirm).to_contain_text("Delete 1 image(s)?")
    confirm.get_by_role("button", name="Cancel").click()
    expect(confirm).to_be_hidden()
    expect(group.get_by_test_id("failed-image")).to_have_count(1)
    page.get_by_test_id("delete-failed").click()
    page.get_by_test_id("confirm-action").click()
    expect(page.get_by_test_id("failed-group-quality")).to_have_count(0)

    statuses = {
        i["id"]: i
        for i in api(console.stack, "GET", "/api/images", params={"job_id": job_id}).json()["items"]
    }
    for image_id in retried:
        assert statuses[image_id]["status"] == "approved"
        assert statuses[image_id]["url"].split("?")[0].endswith(".webp")
    assert statuses[approved_by_hand]["status"] == "approved"
    assert deleted not in statuses and api(console.stack, "GET", f"/api/images/{deleted}").status_code == 404
    after = api(console.stack, "GET", f"/api/jobs/{job_id}").json()["job"]
    assert after["config"] == snapshot_before["config"] and after["snapshot"] == snapshot_before["snapshot"]
    assert after["statistics"]["successful"] == 4 and after["statistics"]["failed"] == 0
    assert not console.errors, f"JavaScript errors: {console.errors}"


@pytest.fixture
def unusable_remove_bg_key(console):  # noqa: F811
    """remove.bg with a key that cannot work (offline: its host cannot even be reached)."""
    put = api(console.stack, "PUT", "/api/settings", json={"api_keys": {"remove_bg": "unusable-key"}})
    assert put.status_code == 200, put.text
    yield
    api(console.stack, "PUT", "/api/settings", json={"api_keys": {"remove_bg": None}})


def test_background_removal_that_fails_under_mark_failed_is_reviewed_and_retried_without_it(
    console: Console,  # noqa: F811
    unusable_remove_bg_key,
) -> None:
    from playwright.sync_api import expect

    processing = {"remove_bg": True, "remove_bg_failure_mode": "mark_failed"}
    job_id = start(console.stack, "Cut-out job", ["white mug"], 3, processing=processing)
    wait_status(job_id, "completed", timeout=180)
    snapshot_before = api(console.stack, "GET", f"/api/jobs/{job_id}").json()["job"]

    page = console.sign_in()
    page.goto(f"{console.stack.console_url.split('?')[0]}#/jobs/{job_id}")
    expect(page.get_by_test_id("stat-successful")).to_have_text("0")
    expect(page.get_by_test_id("stat-failed")).to_have_text("3")

    page.goto(f"{console.stack.console_url.split('?')[0]}#/failed?job_id={job_id}")
    group = page.get_by_test_id("failed-group-technical")
    rows = group.get_by_test_id("failed-image")
    expect(rows).to_have_count(3)
    expect(rows.first.get_by_test_id("failure-message")).to_contain_text("remove.bg")
    shot(page, "failed-images-background-removal")

    ids = [rows.nth(i).get_attribute("data-image-id") for i in range(3)]
    for image_id in ids[:2]:
        page.locator(f'[data-image-id="{image_id}"]').get_by_test_id("select-failed").check()
    page.get_by_test_id("retry-selected").click()
    dialog = page.get_by_test_id("retry-dialog")
    dialog.get_by_test_id("retry-custom").check()
    expect(dialog.get_by_test_id("retry-remove_bg")).not_to_be_checked()  # without it, this time
    dialog.get_by_test_id("retry-format").select_option("webp")
    dialog.get_by_test_id("retry-confirm").click()
    retries = page.get_by_test_id("retries")
    for image_id in ids[:2]:
        expect(retries.locator(f'[data-image-id="{image_id}"]')).to_have_attribute(
            "data-status", "approved", timeout=120_000
        )
    page.locator(f'[data-image-id="{ids[2]}"]').get_by_test_id("approve-image").click()
    expect(group.get_by_test_id("failed-image")).to_have_count(0)

    after = api(console.stack, "GET", f"/api/jobs/{job_id}").json()["job"]
    assert after["snapshot"] == snapshot_before["snapshot"]  # the job's configuration is unchanged
    assert after["snapshot"]["processing"]["remove_bg"] is True
    assert after["statistics"]["successful"] == 3 and after["statistics"]["failed"] == 0
    assert not console.errors, f"JavaScript errors: {console.errors}"


def test_the_gallery_filters_opens_selects_across_pages_and_exports(console: Console, blank_first) -> None:  # noqa: F811
    from playwright.sync_api import expect

    blank_first(2)
    foxes = start(console.stack, "Gallery foxes", ["arctic fox"], 14)
    lakes = start(console.stack, "Gallery lakes", ["glacier lagoon"], 3)
    wait_status(foxes, "completed", timeout=120)
    wait_status(lakes, "completed", timeout=120)

    page = console.sign_in()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Gallery").click()
    expect(page).to_have_url(re.compile(r"#/gallery"))
    page.get_by_test_id("filter-job").select_option(foxes)
    expect(page.get_by_test_id("count-total")).to_have_text("Total 14")
    expect(page.get_by_test_id("count-pass")).to_have_text("Pass 12")
    expect(page.get_by_test_id("count-fail")).to_have_text("Fail 2")
    expect(page.get_by_test_id("count-pending")).to_have_text("Pending 0")
    tiles = page.get_by_test_id("gallery-tile")
    expect(tiles).to_have_count(14)

    page.get_by_test_id("filter-status").select_option("qc_failed")
    expect(tiles).to_have_count(2)
    assert "status=qc_failed" in page.url and f"job_id={foxes}" in page.url  # filters live in the URL
    page.get_by_test_id("filter-status").select_option("")
    page.get_by_test_id("filter-job").select_option("")

    search = page.get_by_test_id("filter-q")
    search.fill("lagoon")  # a tag of the lagoon images
    search.press("Enter")
    expect(tiles).to_have_count(3)
    expect(page.get_by_test_id("count-total")).to_have_text("Total 3")
    page.get_by_test_id("view-list").click()
    expect(page.get_by_test_id("gallery-row")).to_have_count(3)
    shot(page, "gallery-list")
    page.get_by_test_id("view-grid").click()
    search.fill("")
    search.press("Enter")
    page.get_by_test_id("filter-job").select_option(foxes)
    expect(tiles).to_have_count(14)

    tiles.first.get_by_role("button").click()
    dialog = page.get_by_test_id("gallery-image-dialog")
    expect(dialog).to_be_visible()
    first_id = tiles.first.get_attribute("data-image-id")
    expect(dialog.locator("[data-image-id]")).to_have_attribute("data-image-id", first_id)
    expect(dialog.get_by_test_id("image-details")).to_contain_text("arctic fox")
    page.keyboard.press("ArrowRight")
    expect(dialog.locator("[data-image-id]")).to_have_attribute(
        "data-image-id", tiles.nth(1).get_attribute("data-image-id")
    )
    dialog.get_by_test_id("processing-tab").click()
    expect(dialog.get_by_test_id("processing-settings")).to_contain_text("snapshot")
    shot(page, "gallery-image-modal")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    # Select across pages: five images a page, a shift range over the first and second pages.
    page.goto(page.url + "&per_page=5")
    expect(tiles).to_have_count(5)
    tiles.nth(0).get_by_test_id("select-image").click()
    page.get_by_test_id("gallery-more").click()
    expect(tiles).to_have_count(10)
    tiles.nth(6).get_by_test_id("select-image").click(modifiers=["Shift"])
    expect(page.get_by_test_id("selection-count")).to_have_text("7 selected")
    chosen = [tiles.nth(i).get_attribute("data-image-id") for i in range(7)]
    page.get_by_test_id("export-selected").click()
    page.get_by_test_id("destination-submit").click()
    link = page.get_by_test_id("export-link")
    expect(link).to_be_visible(timeout=60_000)
    archive = zipfile.ZipFile(io.BytesIO(requests.get(link.get_attribute("href"), timeout=30).content))
    names = archive.namelist()
    assert len([n for n in names if n.startswith("images/")]) == 7
    sheet = openpyxl.load_workbook(io.BytesIO(archive.read("metadata.xlsx"))).active
    rows = list(sheet.iter_rows(values_only=True))
    column = list(rows[0]).index("Image ID") if "Image ID" in rows[0] else 0
    listed = {str(row[column]).rsplit(".png", 1)[0] for row in rows[1:]}
    assert listed == set(chosen), (rows[0], listed)
    shot(page, "gallery-grid")

    # Every image matching the filter, beyond the ten loaded: the server counts and deletes them.
    page.get_by_test_id("select-all").click()
    expect(page.get_by_test_id("selection-count")).to_have_text("All 14 matching selected")
    page.get_by_test_id("delete-selected").click()
    expect(page.get_by_test_id("matched-count")).to_contain_text("14 image(s) match this filter now")
    page.get_by_test_id("confirm-action").click()
    expect(page.get_by_test_id("toast").filter(has_text="Deleted 14 image(s)")).to_be_visible()
    expect(page.get_by_test_id("count-total")).to_have_text("Total 0")
    expect(tiles).to_have_count(0)
    listed = api(console.stack, "GET", "/api/images", params={"job_id": foxes}).json()["items"]
    assert listed == []
    assert not console.errors, f"JavaScript errors: {console.errors}"


def test_a_running_jobs_images_appear_in_the_open_gallery(console: Console, monkeypatch) -> None:  # noqa: F811
    from playwright.sync_api import expect

    from chalicelib.providers.local import LocalProvider

    gate = threading.Event()
    original = LocalProvider.generate

    def held(self, request):
        gate.wait(60)
        return original(self, request)

    page = console.sign_in()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Gallery").click()
    monkeypatch.setattr(LocalProvider, "generate", held)
    job_id = start(
        console.stack, "Live gallery", ["live lighthouse"], 3, ai={"quality_check": False, "metadata": False}
    )
    page.get_by_test_id("filter-job").select_option(job_id)  # the job list knows it at once
    tiles = page.get_by_test_id("gallery-tile")
    expect(tiles).to_have_count(0)
    gate.set()
    expect(tiles).to_have_count(3, timeout=60_000)  # no reload: the WebSocket `image` message
    shot(page, "gallery-live")
    wait_status(job_id, "completed", timeout=60)
    assert not console.errors, f"JavaScript errors: {console.errors}"
