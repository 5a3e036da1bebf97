"""Per-job log lines: buffered in the task, written in order with one sequence reservation.

Sequence numbers are reserved in blocks with an atomic counter on the job, so lines written by
batches running at once never collide and always read back in order. Debug lines are kept only
when the job runs in debug mode (SPEC §2 `debug`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from chalicelib.models import JobModel, LogLineModel

STANDARD = "standard"
DEBUG = "debug"


@dataclass
class JobLog:
    job_id: str
    debug: bool = False
    step: str = ""
    _pending: list[tuple[datetime, str, str, str]] = field(default_factory=list)
    # A phase may log from the thread storing images while it renders the next one.
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def info(self, message: str) -> None:
        with self._lock:
            self._pending.append((datetime.now(UTC), STANDARD, self.step, message))

    def debug_line(self, message: str) -> None:
        if self.debug:
            with self._lock:
                self._pending.append((datetime.now(UTC), DEBUG, self.step, message))

    def flush(self, *job_updates: Any) -> JobModel | None:
        """Write pending lines; returns the job item as this write left it (None if nothing was
        written), from which a phase learns of a stop or pause request.

        Other updates of the job item ride along in the same write that reserves the sequence
        numbers, so a phase reports progress, logs and learns of a stop in one request.
        """
        with self._lock:
            lines, self._pending = self._pending, []
        if not lines and not job_updates:
            return None
        job = JobModel(self.job_id)
        actions = list(job_updates)
        if lines:
            actions.append(JobModel.log_seq.add(len(lines)))
        job.update(actions=actions)
        stored: list[LogLineModel] = []
        if lines:
            first = int(job.log_seq) - len(lines) + 1
            with LogLineModel.batch_write() as batch:
                for offset, (time, level, step, message) in enumerate(lines):
                    line = LogLineModel(
                        self.job_id, first + offset, time=time, level=level, step=step, message=message
                    )
                    batch.save(line)
                    stored.append(line)
        _publish(job, stored, progress=bool(job_updates))
        return job

    def __enter__(self) -> JobLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.flush()


def _publish(job: JobModel, lines: list[LogLineModel], *, progress: bool) -> None:
    """Live updates from the item this write returned: the new lines and, when the job's
    counters moved, its progress."""
    from chalicelib import notify
    from chalicelib.plan import compute_progress, step_text

    messages: list[dict[str, object]] = [{"type": "log", **log_line_to_dict(line)} for line in lines]
    if progress and job.plan:
        value = compute_progress(
            job.plan,
            int(job.phase_index),
            int(job.phase_units_done),
            finished=job.status == "completed",
            images_planned=int(job.images_planned),
        )
        messages.append(
            {"type": "progress", "progress": value, "step": step_text(job.plan, int(job.phase_index))}
        )
    if job.workspace:
        notify.publish(job.workspace, job.job_id, messages)


def log_line_to_dict(line: LogLineModel) -> dict[str, object]:
    return {
        "seq": int(line.seq),
        "time": line.time.isoformat().replace("+00:00", "Z"),
        "level": line.level,
        "step": line.step,
        "message": line.message,
    }
