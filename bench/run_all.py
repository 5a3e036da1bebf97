"""Run every benchmark and write BENCHMARKS.md in full (`make bench`).

`run_all.py --smoke [module ...]` runs the benches (all, or those named) at the tiny sizes each
declares in `SMOKE` (module constants) and `SMOKE_ARGS` (arguments of `measure`), builds their
tables and writes nothing: `make test` does this so no bench rots. Every bench module in bench/
must be listed in SECTIONS (a test checks it).
"""

from __future__ import annotations

import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cold_start  # noqa: E402
import cost  # noqa: E402
import estimate_accuracy  # noqa: E402
import export_memory  # noqa: E402
import history_events  # noqa: E402
import job_overhead  # noqa: E402
import list_reads  # noqa: E402
import many_workspaces  # noqa: E402
import postprocess_throughput  # noqa: E402
import provider_throughput  # noqa: E402
import queue_leaks  # noqa: E402
import websocket_latency  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "BENCHMARKS.md"


SECTIONS = [
    ("1. Job overhead on the local stack", job_overhead),
    ("2. Step Functions history per image", history_events),
    ("3. AWS cost per 1,000 images", cost),
    ("4. Post-processing throughput", postprocess_throughput),
    ("5. Live log latency: WebSocket push vs 2-second polling", websocket_latency),
    ("6. DynamoDB items read per list page", list_reads),
    ("7. Export memory", export_memory),
    ("8. Cold start per function", cold_start),
    ("9. Estimate against actual", estimate_accuracy),
    ("10. Throughput against a provider's latency", provider_throughput),
    ("11. Many workspaces at once", many_workspaces),
    ("12. A stack after many stopped and queued jobs", queue_leaks),
]


def smoke(names: list[str]) -> None:
    """Each bench at its smoke sizes: measured and tabulated, nothing written."""
    for _, module in SECTIONS:
        if names and module.__name__ not in names:
            continue
        for constant, value in getattr(module, "SMOKE", {}).items():
            if not hasattr(module, constant):
                raise AttributeError(f"{module.__name__}.SMOKE names {constant}, which it does not have")
            setattr(module, constant, value)
        print(f"smoke {module.__name__}…", flush=True)
        table = module.report(module.measure(**getattr(module, "SMOKE_ARGS", {})))
        if "|" not in table:
            raise RuntimeError(f"{module.__name__} built no table")


def _conditions(load_before: float, load_after: float, seconds: float) -> str:
    """When and how loaded the machine was while a section was measured (others share it)."""
    cores = os.cpu_count() or 1
    line = (
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC in {seconds:.0f} s, load average "
        f"{load_before:.1f} → {load_after:.1f} on {cores} cores"
    )
    if max(load_before, load_after) > cores:
        line += (
            " (busy: other work shared the machine, so times are longer than on an idle one; "
            "counts of requests, writes and transitions do not depend on it)"
        )
    return line + "."


def main() -> None:
    if sys.argv[1:2] == ["--smoke"]:
        smoke(sys.argv[2:])
        return
    parts = [
        "# Benchmarks",
        "",
        "Produced by `make bench` (`.venv/bin/python bench/run_all.py`) on "
        f"{datetime.now(UTC):%Y-%m-%d} ({platform.machine()}, {platform.python_version()}, "
        f"{os.cpu_count()} cores). Ratios compare two measurements made in the same run.",
    ]
    for title, module in SECTIONS:
        print(f"running {module.__name__}…", flush=True)
        load_before, started = os.getloadavg()[0], time.perf_counter()
        table = module.report(module.measure())
        conditions = _conditions(load_before, os.getloadavg()[0], time.perf_counter() - started)
        parts += ["", f"## {title}", "", (module.__doc__ or "").strip(), "", conditions, "", table]
    OUT.write_text("\n".join(parts) + "\n")
    print(OUT.read_text())


if __name__ == "__main__":
    main()
