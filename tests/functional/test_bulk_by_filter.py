"""Bulk actions over every job matching a filter, after a dry run that counts them (the console's
"select all N matching this filter"), and the reruns of a job listed by `parent`."""

from __future__ import annotations

import uuid

from tests.functional.helpers import config, wait_status
from tests.functional.test_http_api import api, call  # noqa: F401 - the module's server fixture


def _started(api, label):  # noqa: F811
    job = call(api, "POST", "/api/jobs", json={"config": config(1, label=label)}).json()["job"]
    wait_status(job["id"], "completed")
    return job["id"]


def test_a_filter_selects_every_matching_job_and_the_dry_run_counts_them_first(api):  # noqa: F811
    tag = uuid.uuid4().hex[:8]
    ids = [_started(api, f"sweep {tag} {n}") for n in range(3)]
    other = _started(api, f"keep {tag}")
    selection = {"filter": {"q": f"sweep {tag}"}}

    preview = call(api, "POST", "/api/jobs/bulk/preview", json={"action": "delete", **selection})
    assert preview.status_code == 200, preview.text
    assert preview.json()["matched"] == 3 and preview.json()["would_refuse"] == 0
    assert set(preview.json()["ids"]) == set(ids)
    listed = call(api, "GET", "/api/jobs", params={"q": tag}).json()["items"]
    assert {job["id"] for job in listed} >= {*ids, other}

    deleted = call(api, "POST", "/api/jobs/bulk/delete", json=selection)
    assert deleted.status_code == 202, deleted.text
    assert set(deleted.json()["deleted"]) == set(ids)
    left = {job["id"] for job in call(api, "GET", "/api/jobs", params={"q": tag}).json()["items"]}
    assert left == {other}


def test_a_bulk_rerun_by_filter_reruns_in_the_filters_order_and_parent_lists_the_reruns(api):  # noqa: F811
    tag = uuid.uuid4().hex[:8]
    first, second = _started(api, f"b {tag} one"), _started(api, f"a {tag} two")
    answer = call(api, "POST", "/api/jobs/bulk/rerun", json={"filter": {"q": tag, "sort": "name"}})
    assert answer.status_code == 202, answer.text
    assert [job["parent_id"] for job in answer.json()["jobs"]] == [second, first]  # by name: a…, b…
    reruns = call(api, "GET", "/api/jobs", params={"parent": first}).json()["items"]
    assert [job["parent_id"] for job in reruns] == [first]


def test_a_filter_and_ids_together_or_an_unknown_filter_key_is_refused(api):  # noqa: F811
    both = call(api, "POST", "/api/jobs/bulk/preview", json={"action": "rerun", "ids": ["x"], "filter": {}})
    assert both.status_code == 400 and both.json()["error"]["field"] == "filter"
    unknown = call(api, "POST", "/api/jobs/bulk/delete", json={"filter": {"colour": "red"}})
    assert unknown.status_code == 400 and unknown.json()["error"]["field"] == "filter"
    bad = call(api, "POST", "/api/jobs/bulk/preview", json={"action": "rerun", "filter": {"status": "odd"}})
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "filter.status"
