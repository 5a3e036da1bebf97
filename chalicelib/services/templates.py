"""Job builder (seed 002): plan validation, predefined templates and a workspace's saved ones.

`validate_plan` is pure so the console can ask "is this chain sensible?" before running or saving
it. Errors make a plan unusable (unknown or repeated phases); warnings flag orders that run but
waste work or produce nothing, like the seed's "Warning: Index before Metadata".
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from chalicelib.errors import ValidationError
from chalicelib.jobconfig import PHASES
from chalicelib.models import TemplateModel
from chalicelib.plan import STEP_TITLES

NAME_MAX = 100
MAX_LISTED = 100  # far more than the phases there are; bounds the work and the report
TEMPLATE_KEYS = {"name", "phases"}
_NEEDS_IMAGES = " It works on the images of an existing job: choose the job when you run it."

PREDEFINED: tuple[dict[str, Any], ...] = (
    {
        "id": "full_generation",
        "name": "Full generation",
        "description": "Prompts, images, processing, quality check and metadata: the whole pipeline.",
        "phases": ["prompts", "generate", "process", "quality_check", "metadata", "finalize"],
    },
    {
        "id": "generate_only",
        "name": "Generate only",
        "description": "Prompts and images, without processing, quality check or metadata.",
        "phases": ["prompts", "generate", "finalize"],
    },
    {
        "id": "reprocess_images",
        "name": "Reprocess images",
        "description": "Runs conversion, enhancement and background removal again." + _NEEDS_IMAGES,
        "phases": ["process", "finalize"],
    },
    {
        "id": "regenerate_metadata",
        "name": "Regenerate metadata",
        "description": "Writes titles, descriptions and tags again." + _NEEDS_IMAGES,
        "phases": ["metadata", "finalize"],
    },
)

# Phases that work on images, so they are pointless before this job has generated any.
_IMAGE_PHASES = ("process", "quality_check", "metadata")


@dataclass(frozen=True)
class Finding:
    """One problem of a plan; `index` points at the phase in the list when there is one."""

    code: str
    message: str
    index: int | None = None


@dataclass
class PlanReport:
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "errors": [asdict(f) for f in self.errors],
            "warnings": [asdict(f) for f in self.warnings],
        }


def _title(name: str) -> str:
    return f"{STEP_TITLES[name]} ({name})"


def validate_plan(phases: Sequence[Any]) -> PlanReport:
    """Check an ordered list of phase names; never raises for a bad plan, it reports it."""
    report = PlanReport()
    if not phases:
        report.errors.append(Finding("empty_plan", "the plan has no phases"))
        return report
    at: dict[str, int] = {}  # first position of each known phase
    for index, name in enumerate(phases):
        if not isinstance(name, str) or name not in PHASES:
            message = f"{name!r} is not a phase; phases are: {', '.join(PHASES)}"
            report.errors.append(Finding("unknown_phase", message, index))
        elif name in at:
            message = f"{_title(name)} is listed twice (first at position {at[name] + 1})"
            report.errors.append(Finding("duplicate_phase", message, index))
        else:
            at[name] = index
    _order_warnings(at, len(phases), report.warnings)
    return report


def _order_warnings(at: dict[str, int], length: int, warnings: list[Finding]) -> None:
    generate = at.get("generate")
    if generate is not None:
        prompts = at.get("prompts")
        if prompts is None:
            message = f"{_title('generate')} has no prompt generation in the plan to take prompts from"
            warnings.append(Finding("missing_prompts", message, generate))
        elif generate < prompts:
            message = f"{_title('generate')} runs before {_title('prompts')}: it will have no prompts"
            warnings.append(Finding("generate_before_prompts", message, generate))
        for name in _IMAGE_PHASES:
            if name in at and at[name] < generate:
                message = f"{_title(name)} runs before generation: it will find no images of this job"
                warnings.append(Finding("runs_before_generation", message, at[name]))
    if "remove_bg" in at:
        message = (
            "Background removal is not a phase of its own: it runs inside Conversion and enhancement "
            "(process) when the processing setting remove_bg is on"
        )
        warnings.append(Finding("remove_bg_is_a_setting", message, at["remove_bg"]))
    finalize = at.get("finalize")
    if finalize is None:
        message = (
            "the plan has no Finalize (finalize) phase: images are not approved and the job not summarised"
        )
        warnings.append(Finding("missing_finalize", message))
    elif finalize != length - 1:
        message = "Finalize (finalize) is not the last phase: phases after it run on a summarised job"
        warnings.append(Finding("finalize_not_last", message, finalize))


def template_view(template: dict[str, Any]) -> dict[str, Any]:
    """A plan without generation applies to an existing job's images, whoever defined it."""
    return {
        "id": template["id"],
        "name": template["name"],
        "description": template.get("description", ""),
        "phases": list(template["phases"]),
        "predefined": template.get("predefined", False),
        "needs_images": "generate" not in template["phases"],
        "created_at": template.get("created_at"),
    }


def _saved_view(item: TemplateModel) -> dict[str, Any]:
    created = item.created_at.isoformat().replace("+00:00", "Z")
    return template_view(
        {"id": item.template_id, "name": item.name, "phases": item.phases, "created_at": created}
    )


def list_templates(workspace: str) -> list[dict[str, Any]]:
    """Predefined templates first, then the workspace's own, oldest first."""
    saved = sorted(TemplateModel.query(workspace), key=lambda item: item.created_at)
    predefined = [template_view({**t, "predefined": True}) for t in PREDEFINED]
    return predefined + [_saved_view(item) for item in saved]


def save_template(workspace: str, body: dict[str, Any]) -> dict[str, Any]:
    """Validate the whole body first: a bad template stores nothing."""
    _refuse_unknown_keys(body, TEMPLATE_KEYS)
    name = body.get("name")
    if not isinstance(name, str) or not 1 <= len(name.strip()) <= NAME_MAX:
        raise ValidationError(f"must be text of 1 to {NAME_MAX} characters", field="name")
    phases = _phases_of(body)
    if not phases:
        raise ValidationError("must list at least one phase", field="phases")
    errors = validate_plan(phases).errors
    if errors:
        raise ValidationError(errors[0].message, field=f"phases[{errors[0].index}]")
    item = TemplateModel(
        workspace, uuid.uuid4().hex, name=name.strip(), phases=list(phases), created_at=datetime.now(UTC)
    )
    item.save()
    return _saved_view(item)


def check_plan(body: dict[str, Any]) -> PlanReport:
    """`POST /api/plans/validate`: a malformed request is a 400, a bad plan a report."""
    _refuse_unknown_keys(body, {"phases"})
    return validate_plan(_phases_of(body))


def _refuse_unknown_keys(body: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        message = f"{unknown[0]} is an unknown key; allowed: {', '.join(sorted(allowed))}"
        raise ValidationError(message, field=unknown[0])


def _phases_of(body: dict[str, Any]) -> list[Any]:
    phases = body.get("phases")
    if not isinstance(phases, list) or len(phases) > MAX_LISTED:
        raise ValidationError(f"must be a list of at most {MAX_LISTED} phase names", field="phases")
    return phases
