"""Bench 5: log line written → seen by a client, WebSocket push vs seed 003's 2-second polling.

One job's log gets a line every 50 ms for ~10 s. A WebSocket client subscribed to the job and a
client polling `GET /api/jobs/{id}/logs?since=…` every 2 s (what seed 003's console did) run at
the same time; each records when every line reached it. Latency = arrival − the moment the line
was handed to the log.
"""

from __future__ import annotations

import json
import statistics
import threading
import time
from typing import Any

import requests
from common import markdown_table, start_stack
from websockets.sync.client import connect

LINES = 200
EVERY_S = 0.05
POLL_S = 2.0
# `make test` runs every bench at tiny sizes (bench/run_all.py --smoke): what changes there.
SMOKE = {"LINES": 10}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def measure() -> dict[str, Any]:
    from chalicelib.engine import new_job
    from chalicelib.jobconfig import normalize_config
    from chalicelib.joblog import JobLog
    from imgfactory.devserver import serve_stack

    stack = start_stack()
    served = serve_stack(stack)
    try:
        job = new_job(served.user.sub, normalize_config({"generations": 1}))
        sent: dict[int, float] = {}
        pushed: dict[int, float] = {}
        polled: dict[int, float] = {}
        done = threading.Event()

        def listen() -> None:
            with connect(f"{served.websocket.url}/?token={served.token}") as ws:
                ws.send(json.dumps({"action": "subscribe", "job_id": job.job_id}))
                ws.recv(timeout=5)
                ready.set()
                while not done.is_set() or len(pushed) < LINES:
                    try:
                        message = json.loads(ws.recv(timeout=1))
                    except TimeoutError:
                        continue
                    if message["type"] == "log" and message["message"].startswith("bench "):
                        pushed[int(message["message"].split()[1])] = time.perf_counter()

        def poll() -> None:
            since, headers = 0, {"Authorization": f"Bearer {served.token}"}
            url = f"{served.api.url}/api/jobs/{job.job_id}/logs"
            while len(polled) < LINES:
                body = requests.get(url, params={"since": since}, headers=headers, timeout=10).json()
                now = time.perf_counter()
                for line in body["lines"]:
                    if line["message"].startswith("bench "):
                        polled[int(line["message"].split()[1])] = now
                since = body["next"]
                time.sleep(POLL_S)

        ready = threading.Event()
        listener = threading.Thread(target=listen, daemon=True)
        listener.start()
        ready.wait(10)
        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        for i in range(LINES):
            sent[i] = time.perf_counter()
            with JobLog(job.job_id) as log:
                log.info(f"bench {i}")
            time.sleep(EVERY_S)
        done.set()
        listener.join(15)
        poller.join(15)
    finally:
        served.stop()
        stack.stop()
    push = [pushed[i] - sent[i] for i in sent if i in pushed]
    poll_latency = [polled[i] - sent[i] for i in sent if i in polled]
    return {
        "lines": LINES,
        "push_received": len(push),
        "poll_received": len(poll_latency),
        "push_p50": statistics.median(push),
        "push_p99": percentile(push, 0.99),
        "poll_p50": statistics.median(poll_latency),
        "poll_p99": percentile(poll_latency, 0.99),
    }


def report(result: dict[str, Any]) -> str:
    def ms(seconds: float) -> str:
        return f"{seconds * 1000:.1f} ms"

    rows = [
        [
            "WebSocket push",
            f"{result['push_received']}/{result['lines']}",
            ms(result["push_p50"]),
            ms(result["push_p99"]),
        ],
        [
            "2 s polling (seed 003)",
            f"{result['poll_received']}/{result['lines']}",
            ms(result["poll_p50"]),
            ms(result["poll_p99"]),
        ],
        [
            "push ÷ polling",
            "",
            f"{result['push_p50'] / result['poll_p50']:.3f}",
            f"{result['push_p99'] / result['poll_p99']:.3f}",
        ],
    ]
    return markdown_table(["log line → client", "lines received", "p50", "p99"], rows)


if __name__ == "__main__":
    print(report(measure()))
