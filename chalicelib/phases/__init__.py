"""Job phases. Each module does one kind of work; the engine runs them in the job's plan order.

A batched phase implements `run_batch(ctx, generations) -> bool | int`: True when the whole
batch is done, False when it stopped early for a stop or pause request, or a number of seconds
after which it wants to be called again (a provider still working; the state machine waits with a
Wait state rather than a sleeping Lambda). A phase that runs once implements
`run_once(ctx)`. Both must be idempotent: a batch may run again after a crash, and must skip what
the previous attempt finished.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from chalicelib.counters import Tally
from chalicelib.joblog import JobLog
from chalicelib.models import JobModel
from chalicelib.repositories.images import Postings


@dataclass
class PhaseContext:
    job: JobModel
    config: dict[str, Any]
    log: JobLog
    phase_index: int
    # Status moves of the images this task wrote: the job's ride on `units_done`, the rest
    # (workspace, and for a retry the images' own jobs) are written once when the task ends.
    tally: Tally = field(default_factory=Tally)
    # Search postings of the images this task stores, written as groups when the task ends.
    postings: Postings = field(default_factory=Postings)

    @property
    def job_id(self) -> str:
        return self.job.job_id

    @cached_property
    def services(self) -> Any:
        """Provider clients with the workspace's keys (built once per task)."""
        from chalicelib.providers.factory import ProviderServices

        return ProviderServices(self.job.workspace, self.config)

    def should_stop(self) -> bool:
        """True when no new image may start: a stop, pause, force stop or failed sibling batch
        was asked for, or the job has ended or moved on to a new attempt (its execution was
        stopped from outside, say: Step Functions does not stop a running task).

        Asked before every image, of the job item as it is now (one consistent read of three
        attributes): what the last write returned can be an image old, since the write of one
        image overlaps the rendering of the next."""
        self.refresh_control()
        return self._stopping()

    def must_discard(self) -> bool:
        """True when an image in flight must not be stored: the job was force-stopped, ended or
        moved on while it rendered (a graceful stop or pause keeps the images in flight)."""
        self.refresh_control()
        return self.job.control == "force" or self._ended()

    def after_render(self) -> tuple[bool, bool]:
        """(must_discard, should_stop) from one read of the job: for a phase that stores what it
        rendered and starts the next at once, both questions are asked at the same moment."""
        self.refresh_control()
        return self.job.control == "force" or self._ended(), self._stopping()

    def refresh_control(self) -> None:
        from chalicelib.repositories.jobs import read_control

        _ = self.attempt  # fixed before the job item is refreshed
        self.job.control, self.job.status, self.job.attempt = read_control(self.job_id)

    def _stopping(self) -> bool:
        return self.job.control is not None or self._ended()

    def _ended(self) -> bool:
        from chalicelib.statuses import JobStatus

        job = self.job
        return JobStatus(job.status).is_final or int(job.attempt) != self.attempt

    @cached_property
    def attempt(self) -> int:
        """The attempt this task runs for (as the job was when the task started)."""
        return int(self.job.attempt)

    def units_done(self, count: int, *, ok: int = 0, failed: int = 0) -> None:
        """Report finished units of the current phase (and, for generation, how many images the
        provider made or could not make), with the image counts that moved and the log lines
        pending: one write of the job's live item (`chalicelib.joblive`), whose result is the
        `progress` message."""
        from chalicelib import joblive

        phase = self.job.plan[self.phase_index]["name"]
        actions = joblive.progress_actions(phase, count, ok, failed, self.tally.take_job_moves(self.job_id))
        self.log.flush(*actions, progress=self._progress_message if count else None)

    def _progress_message(self, live: Any) -> dict[str, object]:
        from chalicelib.plan import compute_progress, step_text

        job = self.job
        phase = job.plan[self.phase_index]["name"]
        value = compute_progress(
            job.plan,
            self.phase_index,
            int(getattr(live, f"u_{phase}") or 0),
            finished=False,
            images_planned=int(job.images_planned),
        )
        return {"type": "progress", "progress": value, "step": step_text(job.plan, self.phase_index)}


BatchRunner = Callable[[PhaseContext, range], bool | int]
OnceRunner = Callable[[PhaseContext], None]


def batch_runners() -> dict[str, BatchRunner]:
    """Phases whose batches are ranges of generations."""
    from chalicelib.phases import generate, prompts

    return {"prompts": prompts.run_batch, "generate": generate.run_batch}


def image_runners() -> dict[str, Callable[[PhaseContext, list[Any]], bool]]:
    """Phases whose batches are lists of images (of a generation range, or chosen for a retry)."""
    from chalicelib.phases import metadata, process, quality_check

    return {
        "process": process.run_batch,
        "quality_check": quality_check.run_batch,
        "metadata": metadata.run_batch,
    }


def once_runners() -> dict[str, OnceRunner]:
    from chalicelib.phases import finalize

    return {"finalize": finalize.run_once}


# Phases that do no work of their own: the state machine waits on a person (SPEC §3).
GATE_PHASES = frozenset({"approval"})


def available_phases() -> set[str]:
    return set(batch_runners()) | set(image_runners()) | set(once_runners()) | GATE_PHASES
