"""Bench 8: cold start per function: its imports ÷ `import chalice, boto3`.

Chalice packages one app for all functions, so every function's cold start imports `app.py`, and
each handler then imports the module it calls on its first invocation. For each function listed in
app.py (the REST API, the WebSocket handlers, every Step Functions task, the export builder) a fresh
interpreter imports `chalice, boto3` (the baseline every function pays), then `app` and the modules
that function's handler imports (read from app.py), timing both steps; the ratio is (baseline +
the function's own imports) ÷ baseline, median over interleaved rounds. Measuring both in one
process keeps a busy machine from favouring one side. Both sides load from bytecode caches
(site-packages has them; the probe lets Python write ours once), as a package with compiled
modules does. Rows marked "info" add what a task imports
while it runs its first phase (Pillow for images, requests for the HTTP providers); they have no
goal. Goal: ≤ 1.3 for every function.
"""

from __future__ import annotations

import ast
import os
import statistics
import subprocess
import sys
from typing import Any

from common import ROOT, markdown_table

ROUNDS = 9
GOAL = 1.3
# `make test` runs every bench at tiny sizes (bench/run_all.py --smoke): what changes there.
SMOKE_ARGS = {"rounds": 1}
# What a task imports once it runs its first batch (phase modules load on first use).
FIRST_PHASE = {
    "run_batch (info: + generate phase, local and HTTP providers)": (
        "run_batch",
        ["chalicelib.phases.generate", "chalicelib.providers.local", "chalicelib.providers.http"],
    ),
}

PROBE = """
import sys, time
t0 = time.perf_counter()
import chalice, boto3
t1 = time.perf_counter()
import importlib
for name in sys.argv[1:]:
    importlib.import_module(name)
t2 = time.perf_counter()
print((t2 - t0) / (t1 - t0), (t1 - t0) * 1000, (t2 - t1) * 1000)
"""


def handler_modules() -> dict[str, list[str]]:
    """Each function of app.py → the modules its handler imports ("api" for the REST routes)."""
    tree = ast.parse((ROOT / "app.py").read_text())
    functions: dict[str, list[str]] = {"api (every REST route)": []}
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or not node.decorator_list:
            continue
        decorator = node.decorator_list[0]
        if not isinstance(decorator, ast.Call):
            continue
        name = next((k.value.value for k in decorator.keywords if k.arg == "name"), node.name)  # type: ignore[attr-defined]
        modules = []
        for statement in ast.walk(node):
            if isinstance(statement, ast.ImportFrom) and statement.module:
                modules += [f"{statement.module}.{alias.name}" for alias in statement.names]
            elif isinstance(statement, ast.Import):
                modules += [alias.name for alias in statement.names]
        functions[str(name)] = [m for m in modules if _is_module(m)] or modules
    return functions


def _is_module(name: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _probe(modules: list[str]) -> tuple[float, float, float]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE, "app", *modules],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    ratio, base_ms, own_ms = (float(x) for x in out)
    return ratio, base_ms, own_ms


def measure(rounds: int = ROUNDS) -> dict[str, Any]:
    targets = {name: modules for name, modules in handler_modules().items()}
    for label, (function, extra) in FIRST_PHASE.items():
        targets[label] = targets[function] + extra
    samples: dict[str, list[tuple[float, float, float]]] = {name: [] for name in targets}
    _probe(sorted({m for modules in targets.values() for m in modules}))  # bytecode written once
    for _ in range(rounds):
        for name, modules in targets.items():  # interleaved: load changes hit every function alike
            samples[name].append(_probe(modules))
    results = {}
    for name, points in samples.items():
        results[name] = {
            "modules": targets[name],
            "ratio": statistics.median(p[0] for p in points),
            "base_ms": statistics.median(p[1] for p in points),
            "own_ms": statistics.median(p[2] for p in points),
            "info": "info" in name,
        }
    return results


def report(results: dict[str, Any]) -> str:
    rows = []
    for name, r in results.items():
        imports = ", ".join(["app", *[m.removeprefix("chalicelib.") for m in r["modules"]]])
        verdict = "-" if r["info"] else ("met" if r["ratio"] <= GOAL else "NOT MET")
        goal = "-" if r["info"] else f"≤ {GOAL}"
        rows.append(
            [name, imports, f"{r['base_ms']:.0f}", f"{r['own_ms']:.0f}", f"{r['ratio']:.2f}", goal, verdict]
        )
    header = [
        "function",
        "imports",
        "chalice, boto3 (ms)",
        "+ its own (ms)",
        "ratio",
        "goal",
        "verdict",
    ]
    return markdown_table(header, rows)


if __name__ == "__main__":
    print(report(measure()))
