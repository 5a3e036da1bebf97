"""Settings (the workspace defaults, keys, keywords file) and the Job Builder, driven in Chromium
against the local stack."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.test_console import Console, api

pytestmark = pytest.mark.browser

PIAPI_KEY = "pi-test-browser-key-9f3e1234abcd"


@pytest.fixture
def restore_settings(console_stack: Any) -> Iterator[None]:
    """The dev user's settings are shared by every browser test: put them back afterwards."""
    yield
    api(console_stack, "PUT", "/api/settings", json={"default_config": None, "api_keys": {"piapi": None}})


def test_a_default_changed_in_settings_is_where_a_new_jobs_form_starts(
    console: Console, restore_settings: None
) -> None:
    from playwright.sync_api import expect

    page = console.sign_in()
    page.get_by_test_id("menu-button").click()
    page.get_by_test_id("menu").get_by_role("link", name="Settings").click()
    expect(page).to_have_url(re.compile(r"#/settings$"))
    form = page.get_by_test_id("settings-form")
    expect(form.get_by_label("JPG quality")).to_have_count(0)  # shown only with conversion to JPG
    form.get_by_label("Generations", exact=True).fill("7")
    form.get_by_label("Convert images").check()
    form.get_by_label("Convert format").select_option("jpg")
    quality = form.get_by_label("JPG quality")
    quality.fill("300")
    form.get_by_test_id("save-settings").click()
    error = form.get_by_test_id("error-processing.jpg_quality")
    expect(error).to_contain_text("from 1 to 100")  # the API's message, at its field
    expect(quality).to_have_attribute("aria-invalid", "true")
    quality.fill("70")
    form.get_by_test_id("save-settings").click()
    expect(page.get_by_test_id("toast").filter(has_text="Settings saved")).to_be_visible()
    expect(error).to_have_count(0)

    page.get_by_test_id("new-job").click()
    job_form = page.get_by_test_id("new-job-form")
    expect(job_form.get_by_label("Generations", exact=True)).to_have_value("7")
    expect(job_form.get_by_label("Convert images")).to_be_checked()
    expect(job_form.get_by_label("Convert format")).to_have_value("jpg")
    expect(job_form.get_by_label("JPG quality")).to_have_value("70")
    job_form.get_by_text("JSON view (advanced)").click()
    expect(job_form.get_by_label("The whole configuration as JSON")).to_have_value(
        re.compile(r'"jpg_quality": 70')
    )
    assert not console.errors, f"JavaScript errors: {console.errors}"


def test_a_stored_key_is_shown_masked_and_can_be_cleared(console: Console, restore_settings: None) -> None:
    from playwright.sync_api import expect

    page = console.sign_in()
    page.goto(page.url.split("#")[0] + "#/settings")
    row = page.get_by_test_id("key-piapi")
    expect(row.get_by_test_id("key-piapi-masked")).to_have_text("Not set")
    row.get_by_role("textbox", name="PiAPI key").fill(PIAPI_KEY)
    row.get_by_role("button", name="Store").click()
    expect(row.get_by_test_id("key-piapi-masked")).to_have_text("••••abcd")
    expect(row.get_by_role("textbox", name="PiAPI key")).to_have_value("")  # write-only: the field empties
    assert PIAPI_KEY not in page.content(), "the key came back to the page"
    page.reload()
    expect(page.get_by_test_id("key-piapi-masked")).to_have_text("••••abcd")
    page.get_by_role("button", name="Clear PiAPI key").click()
    expect(page.get_by_test_id("key-piapi-masked")).to_have_text("Not set")
    assert api(console.stack, "GET", "/api/settings").json()["settings"]["api_keys"]["piapi"] is None
    assert not console.errors, f"JavaScript errors: {console.errors}"


def test_an_uploaded_csv_is_previewed_with_its_columns_and_a_bad_one_names_its_line(
    console: Console, restore_settings: None
) -> None:
    from playwright.sync_api import expect

    page = console.sign_in()
    page.goto(page.url.split("#")[0] + "#/settings")
    form = page.get_by_test_id("settings-form")
    form.get_by_label("Prompt template").fill("A photo of ${{Subject}} at ${{Time}}")
    upload = form.get_by_label("Upload a file")
    bad = "Subject,Time\nfox,dawn\nowl\n"
    upload.set_input_files(files=[{"name": "broken.csv", "mimeType": "text/csv", "buffer": bad.encode()}])
    expect(form.get_by_test_id("keywords-file-error")).to_contain_text("broken.csv line 3")

    good = "Subject,Time\nfox,dawn\nowl,dusk\nheron,noon\n"
    upload.set_input_files(files=[{"name": "shots.csv", "mimeType": "text/csv", "buffer": good.encode()}])
    preview = form.get_by_test_id("keywords-preview")
    expect(preview).to_contain_text("shots.csv: 3 rows")
    expect(preview.get_by_role("columnheader")).to_have_text(["#", "Subject", "Time"])
    expect(preview.get_by_role("row").nth(1)).to_contain_text("fox")
    expect(preview).to_contain_text("${{Subject}}")
    expect(form.get_by_test_id("keywords-first-prompt")).to_have_text("First prompt: A photo of fox at dawn")
    expect(form.get_by_test_id("keywords-file-error")).to_have_count(0)
    form.get_by_test_id("save-settings").click()
    expect(form.get_by_test_id("keywords-file-stored")).to_contain_text(
        "shots.csv, 3 entries, columns Subject, Time"
    )
    stored = api(console.stack, "GET", "/api/settings").json()["settings"]["default_config"]["keywords_file"]
    assert stored == {"name": "shots.csv", "entries": 3, "columns": ["Subject", "Time"]}
    assert not console.errors, f"JavaScript errors: {console.errors}"


def test_a_three_phase_plan_is_built_validated_saved_reloaded_and_run(console: Console) -> None:
    from playwright.sync_api import expect

    page = console.sign_in()
    page.goto(page.url.split("#")[0] + "#/builder")
    for name in ("prompts", "generate", "metadata"):
        page.get_by_test_id(f"add-{name}").click()
    chain = page.get_by_test_id("chain-block")
    expect(chain).to_have_count(3)
    # The keyboard moves Metadata above Image generation: Space picks it up, an arrow moves it,
    # Space drops it; each step is awaited on what the list announces.
    announced = page.locator('[id^="DndLiveRegion"]')
    handle = page.get_by_role("button", name="Reorder Metadata (step 3)")
    handle.focus()
    page.keyboard.press("Space")
    expect(announced).to_have_text("Picked up Metadata, step 3.")
    page.keyboard.press("ArrowUp")
    expect(announced).to_have_text("Metadata is over step 2.")
    page.keyboard.press("Space")
    expect(announced).to_have_text("Metadata dropped at step 2.")
    expect(chain.nth(1)).to_have_attribute("data-phase", "metadata")
    page.get_by_label("Name").fill("Three phases")
    prompts = page.locator('[data-testid="chain-block"][data-phase="prompts"]')
    prompts.get_by_role("button", name="Parameters").click()
    prompts.get_by_label("Generations").fill("2")
    prompts.get_by_label("Keywords", exact=True).fill("kingfisher")

    page.get_by_test_id("validate-plan").click()
    metadata = page.locator('[data-testid="chain-block"][data-phase="metadata"]')
    expect(metadata).to_have_attribute("data-state", "warning")
    expect(metadata.get_by_test_id("block-warning")).to_contain_text("runs before generation")
    expect(page.get_by_test_id("plan-findings")).to_contain_text("no Finalize")

    page.get_by_test_id("save-template").click()
    expect(page.get_by_test_id("toast").filter(has_text="Template “Three phases” saved")).to_be_visible()
    expect(page).to_have_url(re.compile(r"#/builder\?template=[0-9a-f]{32}$"))

    page.reload()
    expect(chain).to_have_count(3)
    assert chain.evaluate_all("els => els.map((e) => e.dataset.phase)") == ["prompts", "metadata", "generate"]
    expect(page.get_by_label("Name")).to_have_value("Three phases")
    page.get_by_test_id("templates").get_by_text("Three phases").wait_for()
    page.locator('[data-testid="chain-block"][data-phase="prompts"]').get_by_role(
        "button", name="Parameters"
    ).click()
    expect(
        page.locator('[data-testid="chain-block"][data-phase="prompts"]').get_by_label("Generations")
    ).to_have_value("2")

    page.get_by_test_id("run-chain").click()
    expect(page).to_have_url(re.compile(r"#/jobs/[0-9a-f]{32}$"))
    steps = page.get_by_test_id("timeline-step")
    expect(steps).to_have_count(3)
    assert steps.evaluate_all("els => els.map((e) => e.dataset.phase)") == ["prompts", "metadata", "generate"]
    expect(page.get_by_test_id("job-status")).to_have_text("Completed", timeout=90_000)
    assert not console.errors, f"JavaScript errors: {console.errors}"
