"""The jobs list: filters, sorts and pages, all served by index queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.models import JobModel
from chalicelib.repositories.jobs import JobQuery, list_jobs
from tests.functional.test_http_api import api  # noqa: F401 - the api fixture


def _job(workspace: str, label: str, status: str, created: datetime) -> JobModel:
    job = JobModel(
        f"{abs(hash((workspace, label))):032x}"[:32],
        workspace=workspace,
        label=label,
        status=status,
        snapshot={},
        plan=[],
        created_at=created,
    )
    job.save()
    return job


@pytest.fixture
def jobs(workspace):
    start = datetime(2026, 3, 10, 22, 30, tzinfo=UTC)
    made = [
        _job(workspace, "Autumn leaves", "completed", start),
        _job(workspace, "beach sunset", "failed", start + timedelta(hours=2)),  # 00:30 UTC, 11 March
        _job(workspace, "City lights", "completed", start + timedelta(days=1)),
        _job(workspace, "autumn forest", "cancelled", start + timedelta(days=2)),
    ]
    return workspace, made


def labels(items):
    return [job.label for job in items]


def test_newest_first_by_default_and_oldest_on_request(jobs):
    workspace, _ = jobs
    assert labels(list_jobs(workspace, JobQuery())[0]) == [
        "autumn forest",
        "City lights",
        "beach sunset",
        "Autumn leaves",
    ]
    assert labels(list_jobs(workspace, JobQuery(sort="oldest"))[0])[0] == "Autumn leaves"


def test_name_order_ignores_case(jobs):
    workspace, _ = jobs
    assert labels(list_jobs(workspace, JobQuery(sort="name"))[0]) == [
        "autumn forest",
        "Autumn leaves",
        "beach sunset",
        "City lights",
    ]


def test_status_filter(jobs):
    workspace, _ = jobs
    assert labels(list_jobs(workspace, JobQuery(status="completed"))[0]) == ["City lights", "Autumn leaves"]
    assert labels(list_jobs(workspace, JobQuery(status="completed", sort="name"))[0]) == [
        "Autumn leaves",
        "City lights",
    ]


def test_a_status_change_moves_the_job_between_status_lists(jobs):
    from chalicelib.repositories.jobs import transition
    from chalicelib.statuses import JobStatus

    workspace, made = jobs
    cancelled = made[3]
    assert transition(cancelled, JobStatus.QUEUED)  # a resume
    assert labels(list_jobs(workspace, JobQuery(status="cancelled"))[0]) == []
    assert labels(list_jobs(workspace, JobQuery(status="queued"))[0]) == ["autumn forest"]


def test_search_matches_part_of_a_label_in_any_case_or_an_exact_id(jobs):
    workspace, made = jobs
    assert labels(list_jobs(workspace, JobQuery(text="AUTUMN"))[0]) == ["autumn forest", "Autumn leaves"]
    assert labels(list_jobs(workspace, JobQuery(text=made[1].job_id))[0]) == ["beach sunset"]
    assert list_jobs("someone-else", JobQuery(text=made[1].job_id))[0] == []


def test_date_range_is_a_key_condition(jobs):
    workspace, _ = jobs
    day_from = datetime(2026, 3, 11, tzinfo=UTC)
    day_to = datetime(2026, 3, 11, 23, 59, 59, tzinfo=UTC)
    found = list_jobs(workspace, JobQuery(created_from=day_from, created_to=day_to))[0]
    assert labels(found) == ["City lights", "beach sunset"]


def test_pages_follow_the_cursor_without_gaps_or_repeats(jobs):
    workspace, _ = jobs
    seen, cursor = [], None
    while True:
        items, cursor = list_jobs(workspace, JobQuery(limit=3, cursor=cursor))
        seen += labels(items)
        if not cursor:
            break
    assert seen == ["autumn forest", "City lights", "beach sunset", "Autumn leaves"]


def test_dates_over_http_are_days_in_the_users_time_zone(api, jobs):  # noqa: F811
    """00:30 UTC on 11 March is still 10 March in New York (UTC-4/-5)."""
    import requests

    from tests.functional.test_http_api import TOKEN

    workspace, _ = jobs
    # The HTTP API serves the default workspace; check the parsing it does on a direct query.
    from chalicelib.api.common import date_param

    start = date_param({"from": "2026-03-10", "tz": "America/New_York"}, "from", end_of_day=False)
    end = date_param({"to": "2026-03-10", "tz": "America/New_York"}, "to", end_of_day=True)
    found = list_jobs(workspace, JobQuery(created_from=start, created_to=end))[0]
    assert labels(found) == ["beach sunset", "Autumn leaves"]
    bad = requests.get(
        f"{api}/api/jobs",
        params={"from": "10/03/2026"},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=10,
    )
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "from"
    zone = requests.get(
        f"{api}/api/jobs",
        params={"from": "2026-03-10", "tz": "Mars/Base"},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=10,
    )
    assert zone.json()["error"]["field"] == "tz"
