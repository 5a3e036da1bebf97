"""Loading the state machine definitions with their `${Placeholder}` substitutions.

The CDK app and the local stack both call `render`, so the JSON that runs offline is exactly the
JSON that deploys. A contract test checks that every placeholder is provided.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

DEFINITIONS_DIR = Path(__file__).resolve().parent.parent / "stepfunctions"
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9]+)\}")

# Lambda functions that tasks call, by Chalice function name.
TASK_FUNCTIONS = (
    "register_job",
    "acquire_slot",
    "next_step",
    "run_batch",
    "run_phase",
    "park_job",
    "await_approval",
    "approval_timed_out",
    "finish_job",
    "fail_job",
    "fail_batch",
    "cleanup_execution",
)
MACHINES = ("job", "cleanup")


def placeholder_for(function_name: str) -> str:
    return "".join(part.capitalize() for part in function_name.split("_")) + "FunctionArn"


def source(machine: str) -> str:
    return (DEFINITIONS_DIR / f"{machine}.asl.json").read_text()


def placeholders(machine: str) -> set[str]:
    return set(_PLACEHOLDER.findall(source(machine)))


def render(machine: str, substitutions: dict[str, str]) -> str:
    """The definition with every placeholder replaced; a missing one is an error, not a gap."""
    missing = placeholders(machine) - set(substitutions)
    if missing:
        raise KeyError(f"{machine}.asl.json needs substitutions for {sorted(missing)}")
    text = _PLACEHOLDER.sub(lambda m: substitutions.get(m.group(1), m.group(0)), source(machine))
    json.loads(text)
    return text


def function_substitutions(arn_for: dict[str, str]) -> dict[str, str]:
    """Placeholders for the task functions, given each function name's ARN."""
    return {placeholder_for(name): arn_for[name] for name in TASK_FUNCTIONS}
