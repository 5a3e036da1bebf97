"""Per-job log lines: buffered in the task, written in order with one sequence reservation.

Sequence numbers are reserved in blocks with an atomic counter on the job's live item
(`chalicelib.joblive`), so lines written by batches running at once never collide and always read
back in order. Debug lines are kept only when the job runs in debug mode (SPEC §2 `debug`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from chalicelib.models import JobLiveModel, LogLineModel

# What a phase makes of its live item for a `progress` message.
Progress = Callable[[JobLiveModel], dict[str, object]]

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

    def flush(self, *live_updates: Any, progress: Progress | None = None) -> JobLiveModel | None:
        """Write pending lines; returns the job's live item as this write left it (None if
        nothing was written).

        The sequence numbers are reserved on the job's live item (`chalicelib.joblive`), and other
        updates of that item ride along in the same write, so a phase reports progress and logs in
        one request. `progress` turns the item written into a `progress` message sent with the
        lines."""
        from chalicelib import joblive

        with self._lock:
            lines, self._pending = self._pending, []
        if not lines and not live_updates:
            return None
        actions = list(live_updates)
        if lines:
            actions.append(JobLiveModel.log_seq.add(len(lines)))
        live = joblive.write(self.job_id, actions)
        stored: list[LogLineModel] = []
        if lines:
            first = int(live.log_seq) - len(lines) + 1
            with LogLineModel.batch_write() as batch:
                for offset, (time, level, step, message) in enumerate(lines):
                    line = LogLineModel(
                        self.job_id, first + offset, time=time, level=level, step=step, message=message
                    )
                    batch.save(line)
                    stored.append(line)
        _publish(live, stored, progress(live) if progress is not None else None)
        return live

    def __enter__(self) -> JobLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.flush()


def _publish(live: JobLiveModel, lines: list[LogLineModel], progress: dict[str, object] | None) -> None:
    """Live updates from this write: the new lines and, when the phase reported some, its progress."""
    from chalicelib import notify

    messages: list[dict[str, object]] = [{"type": "log", **log_line_to_dict(line)} for line in lines]
    if progress is not None:
        messages.append(progress)
    if live.workspace and messages:
        notify.publish(live.workspace, live.job_id, messages)


def log_line_to_dict(line: LogLineModel) -> dict[str, object]:
    return {
        "seq": int(line.seq),
        "time": line.time.isoformat().replace("+00:00", "Z"),
        "level": line.level,
        "step": line.step,
        "message": line.message,
    }
