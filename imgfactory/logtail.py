"""The log lines that follow a job's final status.

The final status is written just before the line that says so (only the writer that ends the job
logs it), so a client that stops at the final status reads the log a few more times."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from imgfactory.client import ApiClient

ROUNDS = 4


def trailing_lines(
    client: ApiClient, job_id: str, since: int, level: str, pause_s: float
) -> Iterator[dict[str, Any]]:
    """Every line after `since` that arrives within a few pauses, until one brings nothing."""
    for _ in range(ROUNDS):
        time.sleep(pause_s)
        got = False
        while True:
            page = client.get(f"/api/jobs/{job_id}/logs", since=since, level=level)
            if not page["lines"]:
                break
            got = True
            yield from page["lines"]
            since = page["next"]
        if not got:
            return
