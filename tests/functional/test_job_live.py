"""A running job's per-image figures live on its small live item (chalicelib.joblive): the job's
page and lists still show every image as it is made, the job item takes the figures in exactly
once, and a job from before live items keeps numbering its log where it was."""

from __future__ import annotations

import threading

import pytest

from chalicelib import joblive
from chalicelib.joblog import JobLog
from chalicelib.models import JobLiveModel, JobModel, LogLineModel
from chalicelib.providers.local import LocalProvider
from chalicelib.repositories import jobs as job_repo
from chalicelib.views import job_summary
from tests.functional.helpers import execution_status, start, wait_status, wait_until


@pytest.fixture
def gate(monkeypatch):
    """Generations from the fourth on wait until the test opens the gate."""
    opened, started = threading.Event(), []
    original = LocalProvider.generate

    def generate(provider, request):  # type: ignore[no-untyped-def]
        started.append(request.seed)
        if len(started) > 3:
            assert opened.wait(30), "the test never opened the gate"
        return original(provider, request)

    monkeypatch.setattr(LocalProvider, "generate", generate)
    yield opened
    opened.set()


def test_a_running_job_shows_each_image_before_the_job_item_takes_it_in(workspace, gate):
    job = start(workspace, generations=8, parameters={"max_concurrency": 1})  # one wave: no fold
    shown = wait_until(
        lambda: (s := job_summary(job_repo.get_job(job.job_id)))["images_ok"] == 3 and s, timeout=60
    )
    item = job_repo.get_job(job.job_id)
    assert item.status == "running"
    assert (int(item.images_ok), int(item.n_approved), int(item.phase_units_done)) == (0, 0, 0)
    assert shown["progress"] > 0

    gate.set()
    final = job_summary(wait_status(job.job_id, "completed"))
    assert (final["images_ok"], final["images_failed"], final["images_pending"]) == (8, 0, 0)


def test_folding_twice_counts_each_image_once(workspace):
    job = wait_status(start(workspace, generations=3).job_id, "completed")
    before = (int(job.images_ok), int(job.n_approved))
    joblive.write(job.job_id, joblive.progress_actions("generate", 0, 2, 0, {}))  # two more, say
    stale = job_repo.get_job(job.job_id)
    joblive.fold(job)
    joblive.fold(stale)  # read before the first fold: its write must not add them again
    after = job_repo.get_job(job.job_id)
    assert (int(after.images_ok), int(after.n_approved)) == (before[0] + 2, before[1])


def test_a_job_without_a_live_item_numbers_its_log_on_from_the_job_item(workspace):
    job = wait_status(start(workspace, generations=1).job_id, "completed")
    wait_until(lambda: execution_status(job) == "SUCCEEDED")  # its last line is written
    last = max(int(line.seq) for line in LogLineModel.query(job.job_id))
    JobLiveModel(job.job_id).delete()  # as a job stored before live items were
    JobModel(job.job_id).update(actions=[JobModel.log_seq.set(last)])

    with JobLog(job.job_id) as log:
        log.info("a line written after the upgrade")
    lines = sorted(LogLineModel.query(job.job_id), key=lambda line: int(line.seq))
    assert [int(line.seq) for line in lines] == list(range(1, last + 2))
    assert lines[-1].message == "a line written after the upgrade"
    assert JobLiveModel.get(job.job_id).workspace == workspace
