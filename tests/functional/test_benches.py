"""Benches cannot rot: each one runs at tiny sizes (its SMOKE settings) in a fresh interpreter, as
`make bench` would run it, and every bench module is part of `make bench`."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
SHARED = {"common", "metering", "run_all"}


def listed_benches() -> list[str]:
    """The modules bench/run_all.py's SECTIONS names, read from its source."""
    tree = ast.parse((BENCH / "run_all.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "SECTIONS" for t in node.targets):
            return [element.elts[1].id for element in node.value.elts]  # type: ignore[attr-defined]
    raise AssertionError("bench/run_all.py has no SECTIONS")


def test_every_bench_module_is_part_of_make_bench():
    modules = {path.stem for path in BENCH.glob("*.py")} - SHARED
    assert sorted(modules) == sorted(listed_benches())


@pytest.mark.slow
@pytest.mark.parametrize("bench", listed_benches())
def test_the_bench_runs_at_smoke_sizes(bench):
    done = subprocess.run(
        [sys.executable, str(BENCH / "run_all.py"), "--smoke", bench],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=BENCH.parent,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
