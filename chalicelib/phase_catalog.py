"""The phases a plan can chain, as the job builder shows them (seed 002: jobs as blocks, each
expandable to set its parameters).

A phase's parameters are the job-configuration fields it reads, named by dotted path into
`jobconfig.SCHEMA`, so a block edits the very settings a job validates; `when` says which
other fields must hold which values for a parameter to matter (a list means any of them),
so a client can hide it otherwise, as the desktop's settings do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chalicelib import jobconfig
from chalicelib.plan import RAW_WEIGHTS, STEP_TITLES, UNIT_KIND


@dataclass(frozen=True)
class Parameter:
    path: str
    label: str
    when: dict[str, Any] = field(default_factory=dict)


_MJ = {"provider": "midjourney"}
_JPG = {"processing.convert": True, "processing.convert_format": "jpg"}

PARAMETERS: dict[str, tuple[Parameter, ...]] = {
    "prompts": (
        Parameter("generations", "Generations"),
        Parameter("keywords", "Keywords"),
        Parameter("keyword_random", "Random keywords"),
        Parameter("prompt_template", "Prompt template"),
    ),
    "generate": (
        Parameter("provider", "Provider"),
        Parameter("variations", "Variations per generation"),
        Parameter("parameters.model", "Model", {"provider": ["runware", "openai"]}),
        Parameter("parameters.dimensions", "Dimensions (W×H)"),
        Parameter("parameters.format", "Output format"),
        Parameter("parameters.negative_prompt", "Negative prompt"),
        Parameter("parameters.max_concurrency", "Parallel batches"),
        Parameter("parameters.retry_attempts", "Retry attempts"),
        Parameter("parameters.process_mode", "Process mode", _MJ),
        Parameter("parameters.aspect_ratios", "Aspect ratios", _MJ),
        Parameter("parameters.mj_version", "MJ version", _MJ),
        Parameter("parameters.enable_polling_timeout", "Enable polling timeout", _MJ),
        Parameter(
            "parameters.polling_timeout_min",
            "Polling timeout (minutes)",
            {**_MJ, "parameters.enable_polling_timeout": True},
        ),
        Parameter("parameters.polling_interval_s", "Polling interval (seconds)", _MJ),
        Parameter("parameters.lora_enabled", "LoRA models", {"provider": "runware"}),
        Parameter("parameters.lora", "LoRA list", {"provider": "runware", "parameters.lora_enabled": True}),
        Parameter("parameters.advanced_enabled", "Runware advanced", {"provider": "runware"}),
        *(
            Parameter(
                f"parameters.advanced.{key}",
                label,
                {"provider": "runware", "parameters.advanced_enabled": True},
            )
            for key, label in (
                ("cfg_scale", "CFG scale"),
                ("steps", "Steps"),
                ("scheduler", "Scheduler"),
                ("check_nsfw", "NSFW check"),
            )
        ),
    ),
    "process": (
        Parameter("processing.remove_bg", "Remove background"),
        Parameter("processing.remove_bg_size", "Remove.bg size", {"processing.remove_bg": True}),
        Parameter(
            "processing.remove_bg_failure_mode", "On remove.bg failure", {"processing.remove_bg": True}
        ),
        Parameter(
            "processing.trim_transparent", "Trim transparent background", {"processing.remove_bg": True}
        ),
        Parameter("processing.convert", "Convert images"),
        Parameter("processing.convert_format", "Convert format", {"processing.convert": True}),
        Parameter("processing.jpg_quality", "JPG quality", _JPG),
        Parameter("processing.webp_quality", "WebP quality", {**_JPG, "processing.convert_format": "webp"}),
        Parameter("processing.jpg_background", "JPG background", {**_JPG, "processing.remove_bg": True}),
        Parameter("processing.enhance", "Image enhancement"),
        Parameter("processing.sharpening", "Sharpening (0–10)", {"processing.enhance": True}),
        Parameter("processing.saturation", "Saturation (0–2)", {"processing.enhance": True}),
    ),
    "quality_check": (
        Parameter("qc_prompt", "Quality check prompt"),
        Parameter("parameters.openai_model", "OpenAI model"),
    ),
    "metadata": (
        Parameter("metadata_prompt", "Metadata prompt"),
        Parameter("parameters.openai_model", "OpenAI model"),
    ),
    "approval": (),
    "finalize": (),
}

DESCRIPTIONS: dict[str, str] = {
    "prompts": "Writes one prompt per generation from the keywords and the prompt template.",
    "generate": "Renders the images of every generation with the chosen provider.",
    "process": "Background removal, conversion and enhancement of each image.",
    "quality_check": "Checks each image and marks it approved or QC failed.",
    "approval": "Waits for a person to approve or reject the batch before going on.",
    "metadata": "Writes a title, description and tags for each image.",
    "finalize": "Approves the images that passed and summarises the job.",
}


def spec_at(path: str) -> jobconfig.Spec:
    """The jobconfig field at a dotted path (KeyError for a path the schema lacks)."""
    spec: jobconfig.Spec = jobconfig.SCHEMA
    for part in path.split("."):
        if not isinstance(spec, jobconfig.Obj):
            raise KeyError(path)
        spec = spec.fields[part]
    return spec


def catalog(available: set[str], schema_of: Any) -> list[dict[str, Any]]:
    """The chainable phases in plan order; `schema_of(spec)` renders a field's JSON Schema."""
    return [
        {
            "name": name,
            "title": STEP_TITLES[name],
            "description": DESCRIPTIONS[name],
            "unit": UNIT_KIND[name],
            "weight": RAW_WEIGHTS[name],
            "parameters": [
                {"field": p.path, "label": p.label, "schema": schema_of(spec_at(p.path)), "when": p.when}
                for p in PARAMETERS[name]
            ],
        }
        for name in jobconfig.PHASES
        if name in available and name in PARAMETERS
    ]
