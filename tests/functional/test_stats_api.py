"""GET /api/stats over HTTP (seeds 000/001, reference §3): counts by status, success rate over
finished jobs, average duration, total images, for the caller's workspace only."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.models import JobModel
from chalicelib.providers.local import LocalProvider
from tests.functional.helpers import config, wait_status
from tests.functional.test_http_api import api, call  # noqa: F401 - the api fixture
from tests.functional.test_settings_api import own_workspace  # noqa: F401 - fixture

DAY = datetime(2025, 3, 4, 12, 0, tzinfo=UTC)


def seed(workspace, status, *, created=DAY, ran_s=None, started=False, images_ok=0):
    """A job item as the engine leaves it (no execution: the stats only read the items).

    `ran_s`: seconds from start to finish; without it the job never finished (or never started).
    """
    start = created + timedelta(seconds=5) if started or ran_s is not None else None
    end = start + timedelta(seconds=ran_s) if start is not None and ran_s is not None else None
    JobModel(
        uuid.uuid4().hex,
        workspace=workspace,
        label=f"seeded {status}",
        status=status,
        snapshot={},
        plan=[],
        images_ok=images_ok,
        n_approved=images_ok,  # all approved: total images counts the approved ones
        created_at=created,
        started_at=start,
        finished_at=end,
    ).save()


def stats(api, **params):  # noqa: F811
    response = call(api, "GET", "/api/stats", params=params)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def history(own_workspace):  # noqa: F811
    """Two completed, one failed, one cancelled before starting, one running, one queued."""
    seed(own_workspace, "completed", created=DAY, ran_s=10, images_ok=4)
    seed(own_workspace, "completed", created=DAY + timedelta(days=1), ran_s=30, images_ok=2)
    seed(own_workspace, "failed", created=DAY + timedelta(days=2), ran_s=20)
    seed(own_workspace, "cancelled", created=DAY + timedelta(days=3))
    seed(own_workspace, "running", created=DAY + timedelta(days=4), started=True, images_ok=1)
    seed(own_workspace, "queued", created=DAY + timedelta(days=5))
    return own_workspace


def test_a_new_workspace_has_zero_jobs_and_no_rates(api, own_workspace):  # noqa: F811
    assert stats(api) == {
        "total": 0,
        "completed": 0,
        "failed": 0,
        "cancelled": 0,
        "running": 0,
        "success_rate": None,
        "average_duration_s": None,
        "total_images": 0,
    }


def test_counts_by_status_and_sums_images(api, history):  # noqa: F811
    body = stats(api)
    assert (body["total"], body["completed"], body["failed"], body["cancelled"]) == (6, 2, 1, 1)
    assert body["running"] == 2  # running and queued: not finished yet
    assert body["total_images"] == 7


def test_success_rate_is_completed_over_finished_jobs(api, history):  # noqa: F811
    assert stats(api)["success_rate"] == 0.5  # 2 completed of 4 finished


def test_average_duration_covers_finished_jobs_that_ran(api, history):  # noqa: F811
    assert stats(api)["average_duration_s"] == 20.0  # (10 + 30 + 20) / 3; never-started excluded


def test_from_and_to_dates_bound_the_creation_day_inclusively(api, history):  # noqa: F811
    body = stats(api, **{"from": "2025-03-05", "to": "2025-03-06"})
    assert (body["total"], body["completed"], body["failed"]) == (2, 1, 1)
    assert body["total_images"] == 2


def test_a_date_time_with_an_offset_is_compared_in_utc(api, history):  # noqa: F811
    # 2025-03-04T12:00Z is 13:00 at +01:00: starting just after it leaves the first job out.
    assert stats(api, **{"from": "2025-03-04T13:00:01+01:00"})["total"] == 5


def test_only_to_counts_jobs_up_to_that_day(api, history):  # noqa: F811
    assert stats(api, to="2025-03-04")["total"] == 1


@pytest.mark.parametrize(
    "params,field",
    [
        ({"from": "yesterday"}, "from"),
        ({"to": "2025-13-01"}, "to"),
        ({"from": "2025-03-05", "to": "2025-03-04"}, "to"),
    ],
)
def test_a_bad_date_is_a_400_naming_it(api, own_workspace, params, field):  # noqa: F811
    response = call(api, "GET", "/api/stats", params=params)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field


def test_stats_count_only_the_callers_workspace(api, history):  # noqa: F811
    seed(f"{history}-other", "completed", ran_s=1, images_ok=50)
    assert stats(api)["total_images"] == 7


def test_real_jobs_started_over_http_are_counted(api, own_workspace, monkeypatch):  # noqa: F811
    start = {"config": config(2)}
    completed = call(api, "POST", "/api/jobs", json=start).json()["job"]
    wait_status(completed["id"], "completed")

    def crash(self, request):
        raise RuntimeError("provider crashed")

    monkeypatch.setattr(LocalProvider, "generate", crash)
    failed = call(api, "POST", "/api/jobs", json=start).json()["job"]
    wait_status(failed["id"], "failed")

    body = stats(api)
    assert (body["total"], body["completed"], body["failed"], body["running"]) == (2, 1, 1, 0)
    assert body["total_images"] == 2 and body["success_rate"] == 0.5
    jobs = list(JobModel.by_workspace.query(own_workspace))
    durations = [(job.finished_at - job.started_at).total_seconds() for job in jobs]
    assert body["average_duration_s"] == pytest.approx(sum(durations) / 2, abs=0.001)
