"""Job builder (seed 002): plan validation, predefined templates and a workspace's saved ones.

`validate_plan` is pure so the console can ask "is this chain sensible?" before running or saving
it. Errors make a plan unusable (unknown or repeated phases); warnings flag orders that run but
waste work or produce nothing, like the seed's "Warning: Index before Metadata".
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from chalicelib import jobconfig
from chalicelib.errors import NotFoundError, ValidationError
from chalicelib.jobconfig import PHASES
from chalicelib.models import TemplateModel
from chalicelib.plan import STEP_TITLES

NAME_MAX = 100
MAX_LISTED = 100  # far more than the phases there are; bounds the work and the report
TEMPLATE_KEYS = {"name", "phases", "config"}
CONFIG_MAX_BYTES = 64 * 1024
#: Not block parameters: the plan is `phases`, the label each job's own, and a keywords file too
#: big for a template item (upload it in Settings or with the job).
_NOT_IN_TEMPLATE = ("plan", "label", "keywords_file")
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
        "config": dict(template.get("config") or {}),
        "predefined": template.get("predefined", False),
        "needs_images": "generate" not in template["phases"],
        "created_at": template.get("created_at"),
        "updated_at": template.get("updated_at"),
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def _saved_view(item: TemplateModel) -> dict[str, Any]:
    return template_view(
        {
            "id": item.template_id,
            "name": item.name,
            "phases": item.phases,
            "config": item.config,
            "created_at": _iso(item.created_at),
            "updated_at": _iso(item.updated_at),
        }
    )


def list_templates(workspace: str) -> list[dict[str, Any]]:
    """Predefined templates first, then the workspace's own, oldest first."""
    saved = sorted(TemplateModel.query(workspace), key=lambda item: item.created_at)
    predefined = [template_view({**t, "predefined": True}) for t in PREDEFINED]
    return predefined + [_saved_view(item) for item in saved]


def save_template(workspace: str, body: dict[str, Any]) -> dict[str, Any]:
    """Validate the whole body first: a bad template stores nothing."""
    name, phases, config = _checked_template(body)
    item = TemplateModel(
        workspace,
        uuid.uuid4().hex,
        name=name,
        phases=phases,
        config=config,
        created_at=datetime.now(UTC),
    )
    item.save()
    return _saved_view(item)


def update_template(workspace: str, template_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """Replace a saved template's name, phases and parameters (a predefined one is read-only:
    save a copy under a new name instead)."""
    item = _saved_item(workspace, template_id)
    name, phases, config = _checked_template(body)
    item.update(
        actions=[
            TemplateModel.name.set(name),
            TemplateModel.phases.set(phases),
            TemplateModel.config.set(config),
            TemplateModel.updated_at.set(datetime.now(UTC)),
        ]
    )
    return _saved_view(item)


def delete_template(workspace: str, template_id: str) -> None:
    _saved_item(workspace, template_id).delete()


def _saved_item(workspace: str, template_id: str) -> TemplateModel:
    if any(t["id"] == template_id for t in PREDEFINED):
        raise ValidationError(
            f"{template_id} is a predefined template and cannot be changed; save a copy instead",
            field="template_id",
        )
    try:
        return TemplateModel.get(workspace, template_id, consistent_read=True)
    except TemplateModel.DoesNotExist:
        raise NotFoundError(f"template {template_id} not found", field="template_id") from None


def _checked_template(body: dict[str, Any]) -> tuple[str, list[str], dict[str, Any]]:
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
    return name.strip(), list(phases), checked_parameters(body.get("config"))


def checked_parameters(raw: Any) -> dict[str, Any]:
    """The blocks' parameters: a partial job configuration, validated as a job's would be and
    kept to the keys given (normalised: 3.3 sharpening is stored as 3.5)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ValidationError("must be an object: a partial job configuration", field="config")
    for key in _NOT_IN_TEMPLATE:
        if key in raw:
            raise ValidationError(
                f"{key} is not a block parameter and cannot be saved in a template", field=f"config.{key}"
            )
    if len(json.dumps(raw).encode()) > CONFIG_MAX_BYTES:
        raise ValidationError(f"must be at most {CONFIG_MAX_BYTES // 1024} KB", field="config")
    try:
        normalized = jobconfig.normalize_config(raw)
    except ValidationError as err:
        field = "config" if err.field in (None, "config") else f"config.{err.field}"
        raise ValidationError(f"config.{err.message}", field=field) from err
    return _project(normalized, raw)


def _project(normalized: dict[str, Any], raw: dict[str, Any]) -> dict[str, Any]:
    """The normalised values of just the keys `raw` has (objects followed key by key)."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, dict) and isinstance(normalized.get(key), dict):
            out[key] = _project(normalized[key], value)
        else:
            out[key] = normalized[key]
    return out


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
