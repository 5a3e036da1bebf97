"""Run every benchmark and write BENCHMARKS.md (`make bench`)."""

from __future__ import annotations

import platform
import sys
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
import postprocess_throughput  # noqa: E402
import websocket_latency  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "BENCHMARKS.md"


def main() -> None:
    sections = [
        ("1. Job overhead on the local stack", job_overhead),
        ("2. Step Functions history per image", history_events),
        ("3. AWS cost per 1,000 images", cost),
        ("4. Post-processing throughput", postprocess_throughput),
        ("5. Live log latency: WebSocket push vs 2-second polling", websocket_latency),
        ("6. DynamoDB items read per list page", list_reads),
        ("7. Export memory", export_memory),
        ("8. Cold start per function", cold_start),
        ("9. Estimate against actual", estimate_accuracy),
    ]
    parts = [
        "# Benchmarks",
        "",
        "Produced by `make bench` (`.venv/bin/python bench/run_all.py`) on "
        f"{datetime.now(UTC):%Y-%m-%d} ({platform.machine()}, {platform.python_version()}, "
        f"{__import__('os').cpu_count()} cores). Ratios compare two measurements made in the same run.",
    ]
    for title, module in sections:
        print(f"running {module.__name__}…", flush=True)
        parts += ["", f"## {title}", "", (module.__doc__ or "").strip(), "", module.report(module.measure())]
    OUT.write_text("\n".join(parts) + "\n")
    print(OUT.read_text())


if __name__ == "__main__":
    main()
