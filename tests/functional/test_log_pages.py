"""A job's whole log, read page by page backwards from its end (what the console's log viewer
does: the latest lines first, then "Load earlier lines")."""

from __future__ import annotations

from tests.functional.helpers import config, wait_status, wait_until
from tests.functional.test_http_api import api, call  # noqa: F401 - the module's server fixture


def test_the_whole_log_is_read_backwards_by_pages_of_sequence_numbers(api):  # noqa: F811
    job = call(api, "POST", "/api/jobs", json={"config": config(3, label="Paged log")}).json()["job"]
    wait_status(job["id"], "completed")
    path = f"/api/jobs/{job['id']}/logs"
    # The status is written a moment before its log line ("Job completed"): page a settled log.
    wait_until(lambda: "Job completed" in call(api, "GET", path).json()["lines"][-1]["message"])
    everything = [line["seq"] for line in call(api, "GET", path).json()["lines"]]
    assert len(everything) > 4

    pages, before = [], None
    page = call(api, "GET", path, params={"tail": 2}).json()["lines"]
    while page:
        pages.insert(0, [line["seq"] for line in page])
        before = page[0]["seq"]
        page = call(api, "GET", path, params={"before": before, "limit": 2}).json()["lines"]
    assert [seq for chunk in pages for seq in chunk] == everything
    assert all(len(chunk) <= 2 for chunk in pages)


def test_before_must_be_a_positive_sequence_number(api):  # noqa: F811
    job = call(api, "POST", "/api/jobs", json={"config": config(1)}).json()["job"]
    refused = call(api, "GET", f"/api/jobs/{job['id']}/logs", params={"before": "0"})
    assert refused.status_code == 400
    assert refused.json()["error"]["field"] == "before"
