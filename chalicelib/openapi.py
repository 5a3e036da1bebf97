"""The OpenAPI 3.0.3 description of the HTTP API, built from the app itself (SPEC §6).

The operations come from Chalice's route table, so a route cannot be served without appearing
here; what each one means (summary, parameters, bodies, answers) comes from `OPERATIONS`, a table
keyed by (method, path). A route missing from the table is still listed (flagged as undocumented)
and makes the contract test fail, as does a table entry for a route that no longer exists.

The `config` object's schema is generated from `jobconfig.SCHEMA`, the validator every entry point
uses, so the documented keys, ranges and choices are the ones the API enforces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from chalicelib import jobconfig
from chalicelib.exports import destinations as export_destinations
from chalicelib.exports import service as export_service
from chalicelib.idempotency import MAX_KEY_LENGTH
from chalicelib.repositories import images as image_repo
from chalicelib.search import MAX_QUERY
from chalicelib.secrets import KEY_NAMES
from chalicelib.statuses import JobStatus

OPENAPI_VERSION = "3.0.3"
TITLE = "Image Factory API"
UNDOCUMENTED = "Undocumented route"

#: The error answers (`components/responses`), all `{"error": {"code", "message", "field"?}}`.
ERROR_DESCRIPTIONS = {
    400: "Invalid input, or an action the object's current state does not allow",
    401: "Missing, wrong or expired bearer token (a Cognito ID token of this deployment's user pool)",
    404: "No such job, image or export in the caller's workspace",
    409: "The object's state does not allow this now",
    500: "An export could not be written (`export_failed`); its record says why. Try again",
    501: "Documented but not available yet",
}
_ERROR_NAMES = {
    400: "BadRequest",
    401: "Unauthorized",
    404: "NotFound",
    409: "Conflict",
    500: "ExportFailed",
    501: "NotImplemented",
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


# --- jobconfig.SCHEMA -> JSON Schema (OpenAPI 3.0 dialect) --------------------------------------


def _case_insensitive(suffix: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else re.escape(c) for c in suffix)


def spec_schema(spec: jobconfig.Spec) -> dict[str, Any]:
    """The JSON Schema of one jobconfig field. A new Spec kind must be added here (TypeError)."""
    schema: dict[str, Any]
    if isinstance(spec, jobconfig.Obj):
        schema = {
            "type": "object",
            "properties": {key: spec_schema(sub) for key, sub in spec.fields.items()},
            "additionalProperties": False,
        }
        if spec.required:
            schema["required"] = list(spec.required)
    elif isinstance(spec, jobconfig.Items):
        schema = {"type": "array", "items": spec_schema(spec.item), "maxItems": spec.max_items}
        if spec.min_items:
            schema["minItems"] = spec.min_items
        if spec.unique:
            schema["uniqueItems"] = True
    elif isinstance(spec, jobconfig.Bool):
        schema = {"type": "boolean"}
    elif isinstance(spec, jobconfig.Int):
        schema = {"type": "integer"}
        if spec.lo is not None and spec.hi is not None:
            schema.update(minimum=spec.lo, maximum=spec.hi)
    elif isinstance(spec, jobconfig.Num):
        schema = {"type": "number"}
        if spec.lo is not None and spec.hi is not None:
            schema.update(minimum=spec.lo, maximum=spec.hi)
    elif isinstance(spec, jobconfig.Enum):
        schema = {"type": "string", "enum": list(spec.choices)}
    elif isinstance(spec, jobconfig.Dimension):
        schema = {"type": "string", "pattern": r"^\s*\d{1,5}\s*[xX×]\s*\d{1,5}\s*$"}
    elif isinstance(spec, jobconfig.Text):
        schema = {"type": "string"}
        if spec.max_len is not None:
            schema["maxLength"] = spec.max_len
        if spec.min_len:
            schema["minLength"] = spec.min_len
            if spec.strip:
                schema["pattern"] = r"\S"
        if spec.suffixes:
            schema["pattern"] = "(" + "|".join(_case_insensitive(s) for s in spec.suffixes) + ")$"
    else:
        raise TypeError(f"no JSON Schema for jobconfig.{type(spec).__name__}: add it to spec_schema")
    if not isinstance(spec, jobconfig.Obj):
        schema["description"] = spec.expect[0].upper() + spec.expect[1:] + "."
    if spec.nullable:
        schema["nullable"] = True
        if "enum" in schema:
            schema["enum"].append(None)
    default = spec.make_default()
    if default is not None and not isinstance(spec, jobconfig.Obj):
        schema["default"] = default
    elif default is None and spec.nullable:
        schema["default"] = None
    return schema


def config_schema() -> dict[str, Any]:
    """The `config` object of a job (read from `jobconfig.SCHEMA` at call time)."""
    schema = spec_schema(jobconfig.SCHEMA)
    upload = schema["properties"].get("keywords_file")
    if upload is not None:  # an empty file is refused (it has no keywords): show one that is not
        example = {"name": "keywords.txt", "content": "red fox\nblue lake\n"}
        upload["example"] = example
        for key, value in example.items():
            if key in upload["properties"]:
                upload["properties"][key]["example"] = value
    schema["description"] = (
        "A job configuration (SPEC §2). Unknown keys are rejected with a 400 naming the key, and "
        f"generations × variations must be at most {jobconfig.MAX_IMAGES}. Keys left out take the "
        "workspace's default configuration, then the built-in defaults. API keys are not part of it: "
        "store them with PUT /api/settings."
    )
    return schema


def default_config_schema(*, request: bool) -> dict[str, Any]:
    """The workspace's default configuration: a job config whose keywords file is stored apart
    and shown as `{name, entries, columns}`. A request may send that view back to keep the file,
    or upload a new one as a job does."""
    schema = config_schema()
    reference = {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "entries": {"type": "integer", "description": "Keywords or CSV rows"},
            "columns": {"type": "array", "items": {"type": "string"}, "description": "CSV header"},
        },
        "required": ["name"],
        "description": "The stored keywords file (its content is not shown)",
    }
    upload = schema["properties"]["keywords_file"]
    if request:
        upload = {key: value for key, value in upload.items() if key not in ("nullable", "default")}
        schema["properties"]["keywords_file"] = {
            "oneOf": [upload, {**reference, "description": "Keep the stored file (same name)"}],
            "nullable": True,
        }
    else:
        schema["properties"]["keywords_file"] = {**reference, "nullable": True}
    schema["description"] = (
        "The default configuration for new jobs. A job whose config names no keywords file and no "
        "keywords uses this keywords file."
    )
    return schema


# --- Response and body schemas ---------------------------------------------------------------


def _obj(properties: dict[str, Any], required: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties, **extra}
    if required:
        schema["required"] = required
    return schema


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "nullable": True}


_STR = {"type": "string"}
_INT = {"type": "integer"}
_NUM = {"type": "number"}
_BOOL = {"type": "boolean"}
_TIME = {"type": "string", "format": "date-time"}
_IDS = {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1}


def component_schemas() -> dict[str, Any]:
    error_body = _obj(
        {
            "code": _STR,
            "message": _STR,
            "field": {**_STR, "description": "The offending field (dotted path)"},
        },
        ["code", "message"],
    )
    job_summary = _obj(
        {
            "id": _STR,
            "label": _STR,
            "status": {"type": "string", "enum": [s.value for s in JobStatus]},
            "status_label": _STR,
            "progress": {"type": "integer", "minimum": 0, "maximum": 100},
            "step": _nullable(_STR),
            "queue_position": _nullable({**_INT, "description": "Place in the workspace's queue"}),
            "images_planned": _INT,
            "images_ok": {**_INT, "description": "Approved images (a retry job: the retried ones approved)"},
            "images_failed": {**_INT, "description": "Images that failed for any reason"},
            "images_pending": {**_INT, "description": "Images still processing or waiting for a retry"},
            "parent_id": _nullable(_STR),
            "config_id": _nullable(_STR),
            "error": _nullable(_STR),
            "control": _nullable({**_STR, "description": "A pending stop, force or pause request"}),
            "attempt": _INT,
            "kind": {"type": "string", "enum": ["generation", "retry"]},
            "created_at": _nullable(_TIME),
            "scheduled_at": _nullable({**_TIME, "description": "When a scheduled job is due to be queued"}),
            "started_at": _nullable(_TIME),
            "finished_at": _nullable(_TIME),
            "duration_s": _nullable(_NUM),
        },
        ["id", "label", "status", "progress", "images_planned", "created_at"],
    )
    phase = _obj(
        {
            "name": {"type": "string", "enum": list(jobconfig.PHASES)},
            "weight": _INT,
            "units": _INT,
            "batches": _INT,
            "generations_per_batch": _INT,
            "even": {"type": "boolean"},
            "state": {"type": "string", "enum": ["done", "running", "waiting", "paused", "pending"]},
            "status": {
                "type": "string",
                "enum": [
                    "succeeded",
                    "running",
                    "waiting",
                    "paused",
                    "pending",
                    "failed",
                    "cancelled",
                    "skipped",
                ],
                "description": "The step timeline's outcome of the phase",
            },
            "started_at": _nullable({**_TIME, "description": "When the phase first started"}),
            "seconds": _nullable({**_NUM, "description": "How long it ran (so far, while running)"}),
            "error": _nullable({**_STR, "description": "The job's error, on the phase it failed at"}),
            "retries": {
                **_INT,
                "description": "Tasks of the phase that Step Functions ran again after an error",
            },
        },
        ["name", "state", "status"],
    )
    metrics = _obj(
        {
            "total_s": _nullable(_NUM),
            "steps": _INT,
            "steps_succeeded": _INT,
            "steps_failed": _INT,
            "attempts": {**_INT, "description": "1, plus one per resume from a checkpoint"},
            "resumes": _INT,
            "retries": {**_INT, "description": "Task retries over every phase"},
        },
        ["steps", "steps_succeeded", "steps_failed", "attempts", "resumes", "retries"],
    )
    artifacts = _obj(
        {
            "images_ok": _INT,
            "images_failed": _INT,
            "log_lines": {**_INT, "description": "Lines in the job's log (GET /api/jobs/{id}/logs)"},
            "exports": {
                "type": "array",
                "description": "Exports made from this job (its sheet, bulk exports of it), newest first",
                "items": _obj(
                    {
                        "id": _STR,
                        "kind": {"type": "string", "enum": ["job_xlsx", "jobs_zip"]},
                        "status": {"type": "string", "enum": ["building", "ready", "failed"]},
                        "key": _nullable(_STR),
                        "url": _nullable({**_STR, "description": "A one-hour download link once ready"}),
                        "created_at": _TIME,
                    },
                    ["id", "kind", "status", "created_at"],
                ),
            },
            "exports_total": _INT,
        },
        ["images_ok", "images_failed", "log_lines", "exports", "exports_total"],
    )
    job_detail = {
        "allOf": [
            _ref("JobSummary"),
            _obj(
                {
                    "snapshot": _nullable({"type": "object", "description": "The as-run configuration"}),
                    "config": _nullable(
                        {"type": "object", "description": "The current configuration (what reruns use)"}
                    ),
                    "phases": {"type": "array", "items": phase},
                    "metrics": metrics,
                    "artifacts": artifacts,
                    "execution_arn": _nullable(_STR),
                    "cost": {
                        "allOf": [_ref("JobCost")],
                        "nullable": True,
                        "description": "A finished job's cost breakdown, and its estimate against actual",
                    },
                    "statistics": _obj(
                        {
                            "total": _INT,
                            "successful": _INT,
                            "failed": _INT,
                            "pending": _INT,
                            "success_rate": {**_NUM, "description": "Approved ÷ planned images"},
                        }
                    ),
                    "approval": {
                        "allOf": [_ref("ApprovalInfo")],
                        "nullable": True,
                        "description": "The approval step's timeout (null: the plan has no approval step)",
                    },
                },
                ["phases", "metrics", "artifacts", "statistics"],
            ),
        ]
    }
    image = _obj(
        {
            "id": _STR,
            "job_id": _STR,
            "status": {"type": "string", "enum": list(image_repo.STATUSES)},
            "generation": _INT,
            "variation": _INT,
            "keyword": _nullable(_STR),
            "prompt": _nullable(_STR),
            "provider": _nullable(_STR),
            "seed": _INT,
            "width": _nullable(_INT),
            "height": _nullable(_INT),
            "title": _nullable(_STR),
            "description": _nullable(_STR),
            "tags": {"type": "array", "items": _STR},
            "qc_reason": _nullable(_STR),
            "failure": _nullable(
                _obj(
                    {
                        "stage": _nullable(_STR),
                        "category": _STR,
                        "message": _STR,
                        "was": {**_STR, "description": "The status a resume of the ended job restores"},
                    }
                )
            ),
            "failure_group": _nullable(
                {
                    "type": "string",
                    "enum": ["quality", "technical", "retry"],
                    "description": "Failed Images Review's group: the quality check (or a person "
                    "rejecting the job), technical (generation, processing, metadata, an ended job), or "
                    "a failed retry",
                }
            ),
            "processing_settings": _nullable(
                {"type": "object", "description": "Per-image settings of a retry with custom settings"}
            ),
            "url": _nullable(_STR),
            "original_url": _nullable(_STR),
            "thumbnail_url": _nullable(_STR),
            "created_at": _nullable(_TIME),
        },
        ["id", "job_id", "status", "keyword", "prompt", "title", "description", "tags", "url", "failure"],
    )
    template = _obj(
        {
            "id": _STR,
            "name": _STR,
            "description": _STR,
            "phases": {"type": "array", "items": _STR},
            "config": {
                "type": "object",
                "description": "The blocks' parameters: a partial job configuration laid over the defaults",
            },
            "predefined": _BOOL,
            "needs_images": {**_BOOL, "description": "The plan works on an existing job's images"},
            "created_at": _nullable(_TIME),
            "updated_at": _nullable(_TIME),
        },
        ["id", "name", "phases", "predefined", "needs_images"],
    )
    finding = _obj({"code": _STR, "message": _STR, "index": _nullable(_INT)}, ["code", "message"])
    settings = _obj(
        {
            "default_config": _ref("DefaultConfig"),
            "api_keys": _obj(
                {name: _nullable({**_STR, "description": "Masked: ••••1234"}) for name in KEY_NAMES}
            ),
            "export_folders": {"type": "object", "additionalProperties": _STR},
        },
        ["default_config", "api_keys"],
    )
    cost_line = _obj({"name": _STR, "quantity": _NUM, "usd": _NUM}, ["name", "quantity", "usd"])
    aws_cost = _obj(
        {
            "total_usd": _NUM,
            "by_service": {
                "type": "object",
                "additionalProperties": _NUM,
                "description": "USD per AWS service",
            },
            "lines": {"type": "array", "items": cost_line},
            "prices_date": {**_STR, "description": "Date of the AWS list prices used"},
            "operations": {"type": "object", "additionalProperties": _NUM},
        },
        ["total_usd", "by_service", "lines"],
    )
    fee_line = _obj(
        {"provider": _STR, "model": _STR, "what": _STR, "units": _NUM, "unit_usd": _NUM, "usd": _NUM},
        ["provider", "model", "units", "usd"],
    )
    provider_fees = _obj(
        {
            "total_usd": _NUM,
            "by_provider_model": {"type": "object", "additionalProperties": _NUM},
            "lines": {"type": "array", "items": fee_line},
            "prices_date": {**_STR, "description": "Date of the provider price table"},
        },
        ["total_usd", "by_provider_model", "lines", "prices_date"],
    )
    estimate = _obj(
        {
            "images": _INT,
            "generations": _INT,
            "variations": _INT,
            "provider": _STR,
            "plan": {
                "type": "array",
                "items": _obj({"name": _STR, "weight": _INT, "units": _INT, "batches": _INT}),
            },
            "eta": _obj(
                {
                    "seconds": _NUM,
                    "source": {
                        "type": "string",
                        "enum": ["history", "built-in"],
                        "description": "Measured on this workspace's finished jobs of the same settings, "
                        "or built-in figures while there are none",
                    },
                    "samples": _INT,
                    "learned_from_job": _nullable(_STR),
                    "overhead_s": _NUM,
                    "phases": {
                        "type": "array",
                        "items": _obj({"name": _STR, "weight": _INT, "units": _INT, "seconds": _NUM}),
                    },
                    "excludes": _STR,
                    "signature": _STR,
                },
                ["seconds", "source", "phases"],
            ),
            "aws": aws_cost,
            "provider_fees": provider_fees,
            "total_usd": _NUM,
            "scheduled_at": _TIME,
        },
        ["images", "plan", "eta", "aws", "provider_fees", "total_usd"],
    )
    job_cost = _obj(
        {
            "duration_s": _nullable({**_NUM, "description": "Run time: queue wait and approval left out"}),
            "aws": aws_cost,
            "provider_fees": provider_fees,
            "total_usd": _NUM,
            "estimated": _nullable(
                _obj({"eta_s": _NUM, "eta_source": _STR, "aws_usd": _NUM, "fees_usd": _NUM})
            ),
            "vs_estimate": _obj({"duration_ratio": _nullable(_NUM), "cost_ratio": _nullable(_NUM)}),
        },
        ["aws", "provider_fees", "total_usd"],
    )
    approval_info = _obj(
        {
            "timeout_h": _nullable({**_NUM, "description": "The job's approval_timeout_h"}),
            "default_action": _nullable({"type": "string", "enum": ["approve", "reject"]}),
            "deadline": _nullable({**_TIME, "description": "When the default action applies"}),
        },
        ["timeout_h", "default_action", "deadline"],
    )
    qc_state = {"type": "string", "enum": ["approved", "qc_failed", "rejected", "pending"]}
    inbox_entry = _obj(
        {
            "job": _ref("JobSummary"),
            "approval": approval_info,
            "qc": _obj(
                {
                    "approved": _INT,
                    "qc_failed": _INT,
                    "rejected": _INT,
                    "pending": _INT,
                    "quality_check": {**_BOOL, "description": "Whether the plan has a quality check"},
                }
            ),
            "images": {
                "type": "array",
                "items": {"allOf": [_ref("Image"), _obj({"qc_state": qc_state})]},
                "description": "The job's first 60 images; the rest through GET /api/images?job_id=",
            },
            "more_images": _BOOL,
        },
        ["job", "approval", "qc", "images", "more_images"],
    )
    return {
        "Error": _obj({"error": error_body}, ["error"]),
        "ApprovalInbox": _obj(
            {"items": {"type": "array", "items": inbox_entry}, "next_cursor": _nullable(_STR)},
            ["items", "next_cursor"],
        ),
        "ApprovalCount": _obj({"count": _INT}, ["count"]),
        "ApprovalInfo": approval_info,
        "Queue": _obj(
            {
                "running": _nullable(
                    _obj({"id": _STR, "label": _STR, "status": _STR}, ["id", "label", "status"])
                ),
                "items": {
                    "type": "array",
                    "items": _obj(
                        {
                            "position": {**_INT, "description": "1 = the next job to take the slot"},
                            "id": _STR,
                            "label": _STR,
                            "images": _INT,
                            "status": _STR,
                            "created_at": _TIME,
                            "estimated_start": {
                                **_TIME,
                                "description": "Now + what the running job has left + the estimates ahead",
                            },
                            "eta_s": _NUM,
                        },
                        ["position", "id", "label", "images", "estimated_start"],
                    ),
                },
                "scheduled": {
                    "type": "array",
                    "items": _obj(
                        {
                            "id": _STR,
                            "label": _STR,
                            "images": _INT,
                            "status": _STR,
                            "scheduled_at": _nullable(_TIME),
                            "estimated_start": {
                                **_nullable(_TIME),
                                "description": "Its time, or later if the queue ahead runs past it",
                            },
                            "eta_s": _NUM,
                        },
                        ["id", "label", "images", "scheduled_at"],
                    ),
                },
                "total": _INT,
                "next_cursor": _nullable(_STR),
            },
            ["items", "scheduled", "total", "next_cursor"],
        ),
        "QueueMove": _obj({"id": _STR, "position": _INT}, ["id", "position"]),
        "QueueCancel": _obj(
            {
                "cancelled": {"type": "array", "items": _STR},
                "refused": {"type": "array", "items": _obj({"id": _STR, "error": {"type": "object"}})},
            },
            ["cancelled", "refused"],
        ),
        "RejectedImages": _obj(
            {
                "rejected": {"type": "array", "items": _STR},
                "refused": {"type": "array", "items": _obj({"id": _STR, "reason": _STR})},
                "job": _ref("JobSummary"),
            },
            ["rejected", "refused", "job"],
        ),
        "Estimate": estimate,
        "EstimateEnvelope": _obj({"estimate": _ref("Estimate")}, ["estimate"]),
        "JobCost": job_cost,
        "JobConfig": config_schema(),
        "DefaultConfig": default_config_schema(request=False),
        "DefaultConfigInput": default_config_schema(request=True),
        "JobSummary": job_summary,
        "JobDetail": job_detail,
        "Image": image,
        "LogLine": _obj(
            {
                "seq": _INT,
                "time": _TIME,
                "level": {"type": "string", "enum": ["standard", "debug"]},
                "step": _nullable(_STR),
                "message": _STR,
            },
            ["seq", "time", "level", "message"],
        ),
        "Template": template,
        "JobEnvelope": _obj({"job": _ref("JobSummary")}, ["job"]),
        "JobDetailEnvelope": _obj({"job": _ref("JobDetail")}, ["job"]),
        "JobList": _obj(
            {"items": {"type": "array", "items": _ref("JobSummary")}, "next_cursor": _nullable(_STR)},
            ["items", "next_cursor"],
        ),
        "JobsEnvelope": _obj({"jobs": {"type": "array", "items": _ref("JobSummary")}}, ["jobs"]),
        "Deletion": _obj(
            {
                "id": _STR,
                "kind": {"type": "string", "enum": ["jobs", "images"]},
                "status": {"type": "string", "enum": ["running", "done", "failed"]},
                "ids": {"type": "array", "items": _STR},
                "total": {**_INT, "description": "Jobs or images to delete"},
                "done": {**_INT, "description": "Jobs or images deleted so far"},
                "images_deleted": _INT,
                "error": _nullable(_STR),
                "created_at": _nullable(_TIME),
                "finished_at": _nullable(_TIME),
            },
            ["id", "kind", "status", "total", "done"],
        ),
        "DeletionEnvelope": _obj({"deletion": _ref("Deletion")}, ["deletion"]),
        "JobFilter": _obj(
            {
                "status": {"type": "string", "enum": [s.value for s in JobStatus]},
                "q": {"type": "string", "maxLength": 200},
                "from": {**_STR, "description": "A date (YYYY-MM-DD) or an ISO 8601 time"},
                "to": {**_STR, "description": "A date (YYYY-MM-DD, inclusive) or an ISO 8601 time"},
                "tz": {**_STR, "description": "IANA time zone for from/to"},
                "sort": {"type": "string", "enum": ["newest", "oldest", "name"]},
                "parent": {**_STR, "description": "Only the reruns of this job"},
            },
            additionalProperties=False,
            description="The jobs list's filters; a bulk action over them covers at most 1000 jobs",
        ),
        "ImageFilter": _obj(
            {
                "status": {"type": "string", "enum": list(image_repo.STATUSES)},
                "job_id": _STR,
                "q": {**_STR, "maxLength": 200, "description": "Prompt, title, description and tags"},
                "from": {**_STR, "description": "A date (YYYY-MM-DD) or an ISO 8601 time"},
                "to": {**_STR, "description": "A date (YYYY-MM-DD, inclusive) or an ISO 8601 time"},
                "tz": {**_STR, "description": "IANA time zone for from/to"},
                "sort": {"type": "string", "enum": list(image_repo.SORTS)},
            },
            additionalProperties=False,
            description="The gallery's filters; a bulk action over them covers every matching image, "
            "however many, as they were when it was asked",
        ),
        "ImagePreview": _obj(
            {
                "matched": {**_INT, "description": "Images the filter matches now"},
                "exact": {
                    **_BOOL,
                    "description": "False when a text or date filter counted a bounded sample",
                },
            },
            ["matched", "exact"],
        ),
        "BulkPreview": _obj(
            {
                "action": {"type": "string", "enum": ["rerun", "delete", "export"]},
                "matched": {**_INT, "description": "Jobs the selection covers"},
                "ids": {"type": "array", "items": _STR, "description": "The first 100 of them"},
                "would_refuse": {**_INT, "description": "Jobs the action would skip"},
                "refused": {
                    "type": "array",
                    "items": _obj({"id": _STR, "reason": _STR}, ["id", "reason"]),
                    "description": "The first 100 skipped, with why",
                },
            },
            ["action", "matched", "ids", "would_refuse", "refused"],
        ),
        "BulkDeleteResult": _obj(
            {
                "deletion": _nullable(_ref("Deletion")),
                "deleted": {
                    "type": "array",
                    "items": _STR,
                    "description": "The jobs being deleted (gone from every list already)",
                },
                "refused": {
                    "type": "array",
                    "items": _obj({"id": _STR, "error": error_body}, ["id", "error"]),
                },
            },
            ["deletion", "deleted", "refused"],
        ),
        "LogPage": _obj(
            {
                "lines": {"type": "array", "items": _ref("LogLine")},
                "next": {**_INT, "description": "Pass as `since` to read the lines after these"},
            },
            ["lines", "next"],
        ),
        "ImageList": _obj(
            {
                "items": {"type": "array", "items": _ref("Image")},
                "counts": _nullable(
                    {
                        "type": "object",
                        "additionalProperties": _INT,
                        "description": "Images per status for the same filters but the status (first page "
                        "only; null on later pages)",
                    }
                ),
                "counts_exact": {
                    **_BOOL,
                    "description": "False when a text search matched more than it counted",
                },
                "next_cursor": _nullable(_STR),
            },
            ["items", "counts", "next_cursor"],
        ),
        "Export": _obj(
            {
                "id": _STR,
                "kind": {
                    "type": "string",
                    "enum": [export_service.KIND_JOB, export_service.KIND_JOBS, export_service.KIND_IMAGES],
                },
                "status": {"type": "string", "enum": ["building", "ready", "failed"]},
                "progress": {"type": "integer", "minimum": 0, "maximum": 100},
                "step": _nullable(_STR),
                "key": _nullable({**_STR, "description": "The S3 key of the file"}),
                "url": _nullable({**_STR, "description": "A one-hour download link, once ready"}),
                "error": _nullable(_STR),
                "created_at": _nullable(_TIME),
            },
            ["id", "status", "key", "url"],
        ),
        "ExportEnvelope": _obj({"export": _ref("Export")}, ["export"]),
        "ImageEnvelope": _obj({"image": _ref("Image")}, ["image"]),
        "ImageDetail": _obj(
            {
                "image": _ref("Image"),
                "applied": _obj(
                    {
                        "source": {"type": "string", "enum": ["custom_retry", "job_snapshot"]},
                        "processing": _nullable({"type": "object", "description": "Processing settings"}),
                        "quality_check": _nullable(_BOOL),
                        "metadata": _nullable(_BOOL),
                        "provider": _nullable(_STR),
                        "dimensions": _nullable({"type": "array", "items": _STR}),
                    },
                    ["source", "processing"],
                ),
            },
            ["image", "applied"],
        ),
        "Settings": settings,
        "SettingsEnvelope": _obj({"settings": _ref("Settings")}, ["settings"]),
        "Stats": _obj(
            {
                "total": _INT,
                "completed": _INT,
                "failed": _INT,
                "cancelled": _INT,
                "running": {**_INT, "description": "Jobs not finished yet"},
                "success_rate": _nullable({**_NUM, "description": "Completed / finished, 0–1"}),
                "average_duration_s": _nullable(_NUM),
                "total_images": _INT,
            },
            ["total", "completed", "failed", "success_rate", "average_duration_s", "total_images"],
        ),
        "KeywordsPreview": _obj(
            {
                "name": _STR,
                "kind": {"type": "string", "enum": ["txt", "csv"]},
                "entries": {**_INT, "description": "Keywords (TXT lines) or rows (CSV, without the header)"},
                "columns": {"type": "array", "items": _STR, "description": "The CSV header; empty for TXT"},
                "placeholders": {
                    "type": "array",
                    "items": _STR,
                    "description": "What a prompt template may use: ${{Column}} per CSV column",
                },
                "rows": {
                    "type": "array",
                    "items": {"type": "array", "items": _STR},
                    "description": "The first entries, cells in column order (one cell for TXT)",
                },
                "first_prompt": _nullable(
                    {**_STR, "description": "The template filled from the first entry"}
                ),
            },
            ["name", "kind", "entries", "columns", "placeholders", "rows", "first_prompt"],
        ),
        "KeywordsPreviewEnvelope": _obj({"preview": _ref("KeywordsPreview")}, ["preview"]),
        "PhaseList": _obj(
            {
                "items": {
                    "type": "array",
                    "items": _obj(
                        {
                            "name": {"type": "string", "enum": list(jobconfig.PHASES)},
                            "title": _STR,
                            "description": _STR,
                            "unit": {"type": "string", "enum": ["generation", "image", "once"]},
                            "weight": {**_INT, "description": "Relative cost, before normalising to 100"},
                            "parameters": {
                                "type": "array",
                                "items": _obj(
                                    {
                                        "field": {**_STR, "description": "Dotted path into the job config"},
                                        "label": _STR,
                                        "schema": {
                                            "type": "object",
                                            "description": "JSON Schema of the value",
                                        },
                                        "when": {
                                            "type": "object",
                                            "description": "Fields (dotted paths) and the value, or any of "
                                            "the listed values, they must have for this one to apply",
                                        },
                                    },
                                    ["field", "label", "schema", "when"],
                                ),
                            },
                        },
                        ["name", "title", "description", "unit", "weight", "parameters"],
                    ),
                }
            },
            ["items"],
        ),
        "TemplateList": _obj({"items": {"type": "array", "items": _ref("Template")}}, ["items"]),
        "TemplateEnvelope": _obj({"template": _ref("Template")}, ["template"]),
        "PlanReport": _obj(
            {
                "valid": _BOOL,
                "errors": {"type": "array", "items": finding},
                "warnings": {"type": "array", "items": finding},
            },
            ["valid", "errors", "warnings"],
        ),
        "RefreshedToken": _obj(
            {
                "token": {**_STR, "description": "A new ID token: `Authorization: Bearer <token>`"},
                "expires_in": {"type": "integer", "description": "Seconds it stays valid"},
            },
            ["token", "expires_in"],
        ),
        "Health": _obj(
            {
                "status": {"type": "string", "enum": ["ok"]},
                "websocket_url": _nullable(_STR),
                "aws_endpoint": _nullable({**_STR, "description": "Local stack only"}),
                "job_state_machine_arn": _nullable({**_STR, "description": "Local stack only"}),
            },
            ["status", "websocket_url"],
        ),
    }


def _request_bodies() -> dict[str, dict[str, Any]]:
    """Request body schemas by name (inline in the operations that take them)."""
    label = {"type": "string", "minLength": 1, "maxLength": 200, "pattern": r"\S"}
    scheduled = {
        **_TIME,
        "nullable": True,
        "description": "Start later: an ISO 8601 time with its offset, in the future and within a year. "
        "The job is `scheduled` until then, then queued in the FIFO order of that moment.",
    }
    processing = spec_schema(jobconfig.SCHEMA.fields["processing"])
    destination = _obj(
        {name: _destination_param(name) for name in sorted(export_destinations.KEYS)},
        additionalProperties=False,
        description="Where the file goes: the default place, or a custom folder and file name",
    )
    return {
        "refresh_token": _obj(
            {"refresh_token": {**_STR, "minLength": 1, "description": "From the user's sign-in"}},
            ["refresh_token"],
            additionalProperties=False,
        ),
        "start_job": {
            "oneOf": [
                _obj(
                    {"label": label, "config": _ref("JobConfig"), "scheduled_at": scheduled},
                    ["config"],
                    additionalProperties=False,
                ),
                _obj(
                    {
                        "label": label,
                        "config_id": {**_STR, "description": "A stored configuration of the workspace"},
                        "scheduled_at": scheduled,
                    },
                    ["config_id"],
                    additionalProperties=False,
                ),
            ]
        },
        "edit_job": _obj(
            {
                "label": label,
                "config": {
                    "allOf": [_ref("JobConfig")],
                    "description": "Changes over the current configuration, merged one level deep",
                },
            },
            additionalProperties=False,
            minProperties=1,
        ),
        "reject_job": _obj(
            {"reason": {"type": "string", "maxLength": 500, "description": "Shown as the job's error"}},
            additionalProperties=False,
        ),
        "reject_images": _obj(
            {"image_ids": {**_IDS, "maxItems": 1000, "description": "Images of the job to reject"}},
            ["image_ids"],
            additionalProperties=False,
        ),
        "job_ids": _obj(
            {
                "ids": {**_IDS, "maxItems": 100},
                "filter": {
                    "allOf": [_ref("JobFilter")],
                    "description": "Instead of ids: every job matching it",
                },
            }
        ),
        "bulk_preview": _obj(
            {
                "action": {"type": "string", "enum": ["rerun", "delete", "export"]},
                "ids": {**_IDS, "maxItems": 100},
                "filter": {
                    "allOf": [_ref("JobFilter")],
                    "description": "Instead of ids: every job matching it",
                },
            },
            ["action"],
            additionalProperties=False,
        ),
        "queue_move": {
            "oneOf": [
                _obj(
                    {"to": {**_INT, "minimum": 1, "description": "1 = front"}},
                    ["to"],
                    additionalProperties=False,
                ),
                _obj(
                    {"direction": {"type": "string", "enum": ["front", "up", "down", "back"]}},
                    ["direction"],
                    additionalProperties=False,
                ),
            ]
        },
        "queue_ids": _obj({"ids": {**_IDS, "maxItems": 100}}, ["ids"], additionalProperties=False),
        "export_jobs": _obj(
            {
                "ids": {**_IDS, "maxItems": export_service.MAX_JOBS},
                "filter": {
                    "allOf": [_ref("JobFilter")],
                    "description": "Instead of ids: every job matching it",
                },
                "destination": destination,
            },
            additionalProperties=False,
        ),
        "export_images": _obj(
            {
                "ids": {**_IDS, "maxItems": export_service.MAX_IMAGES},
                "filter": {
                    "allOf": [_ref("ImageFilter")],
                    "description": "Instead of ids: every image matching it",
                },
                "destination": destination,
            },
            additionalProperties=False,
        ),
        "export_job": _obj({"destination": destination}, additionalProperties=False),
        "image_selection": _obj(
            {
                "ids": {**_IDS, "maxItems": 1000},
                "filter": {
                    "allOf": [_ref("ImageFilter")],
                    "description": "Instead of ids: every image matching it",
                },
            },
            additionalProperties=False,
        ),
        "image_filter": _obj(
            {"filter": _ref("ImageFilter")},
            ["filter"],
            additionalProperties=False,
        ),
        "retry_images": _obj(
            {
                "ids": {**_IDS, "maxItems": 1000, "description": "Failed images (qc_failed or retry_failed)"},
                "mode": {"type": "string", "enum": ["original", "custom"], "default": "original"},
                "processing": {**processing, "description": "Custom processing settings (custom mode only)"},
                "metadata": {**_BOOL, "default": False, "description": "Write metadata again"},
            },
            ["ids"],
            additionalProperties=False,
        ),
        "put_settings": _obj(
            {
                "default_config": _nullable(
                    {
                        "allOf": [_ref("DefaultConfigInput")],
                        "description": "Replaces the stored one; null resets it",
                    }
                ),
                "api_keys": _obj(
                    {
                        name: _nullable({**_STR, "maxLength": 4096, "description": "null or empty clears it"})
                        for name in KEY_NAMES
                    },
                    additionalProperties=False,
                    description="Write-only: only the keys named change; stored in Secrets Manager",
                ),
            },
            additionalProperties=False,
        ),
        "preview_keywords": _obj(
            {
                "name": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 255,
                    "pattern": "(" + "|".join(_case_insensitive(x) for x in (".txt", ".csv")) + ")$",
                    "description": "The file name: .txt (one keyword a line) or .csv (a header row)",
                },
                "content": {**_STR, "description": "The file's text"},
                "prompt_template": _nullable({**_STR, "maxLength": 20_000}),
            },
            ["name", "content"],
            additionalProperties=False,
        ),
        "save_template": _obj(
            {
                "name": {"type": "string", "minLength": 1, "maxLength": 100, "pattern": r"\S"},
                "phases": {
                    "type": "array",
                    "items": {"type": "string", "enum": list(jobconfig.PHASES)},
                    "minItems": 1,
                    "maxItems": 100,
                },
                "config": {
                    "type": "object",
                    "description": "The blocks' parameters: job-configuration keys (not plan, label or "
                    "keywords_file), validated as a job's",
                },
            },
            ["name", "phases"],
            additionalProperties=False,
        ),
        "validate_plan": _obj(
            {
                "phases": {
                    "type": "array",
                    "items": _STR,
                    "maxItems": 100,
                    "description": f"Phase names in order: {', '.join(jobconfig.PHASES)}",
                }
            },
            ["phases"],
            additionalProperties=False,
        ),
    }


def _destination_param(name: str) -> dict[str, Any]:
    """One key of an export destination (also a query parameter of GET /api/jobs/{job_id}/export)."""
    schemas: dict[str, dict[str, Any]] = {
        "kind": {"type": "string", "enum": list(export_destinations.KINDS), "default": "default"},
        "folder": {**_STR, "maxLength": export_destinations.MAX_FOLDER, "description": "Custom only"},
        "filename": {**_STR, "maxLength": export_destinations.MAX_FILENAME, "description": "Custom only"},
        "on_duplicate": {"type": "string", "enum": list(export_destinations.POLICIES), "default": "append"},
    }
    return schemas[name]


# --- The table: what each route means --------------------------------------------------------


@dataclass(frozen=True)
class Param:
    name: str
    schema: dict[str, Any]
    description: str
    required: bool = False
    location: str = "query"  # or "header"


@dataclass(frozen=True)
class Operation:
    summary: str
    tag: str
    description: str = ""
    status: int = 200
    response: str | None = None  # a component schema name; None = no body (e.g. 204)
    response_description: str = "OK"
    body: str | None = None  # a key of _request_bodies()
    query: tuple[Param, ...] = ()
    errors: tuple[int, ...] = (400,)
    public: bool = False
    # A second success: 202 with the same body, for work still going on when the answer is due.
    accepted: str | None = None


_DATE = {"type": "string", "example": "2025-03-04"}
_CURSOR = Param("cursor", _STR, "The `next_cursor` of the previous page")
_TZ = Param("tz", {**_STR, "example": "Europe/Paris"}, "IANA time zone for `from`/`to` (UTC by default)")
_FROM = Param("from", _DATE, "Created on or after: a date (YYYY-MM-DD, a whole day) or an ISO 8601 time")
_TO = Param("to", _DATE, "Created on or before: a date (YYYY-MM-DD, inclusive) or an ISO 8601 time")
_JOB_CONTROL = (400, 404)
_EXPORT_ERRORS = (400, 404, 409, 500)
_STILL_BUILDING = (
    "Accepted: the export is still being built (status `building`); follow it with "
    "`GET /api/exports/{id}` until it is `ready` (with its link) or `failed`"
)

OPERATIONS: dict[tuple[str, str], Operation] = {
    ("GET", "/api/health"): Operation(
        "Health and endpoints",
        "meta",
        "No auth. Tells a client where the WebSocket is (and, on the local stack, the AWS endpoint).",
        response="Health",
        errors=(),
        public=True,
    ),
    ("POST", "/api/auth/refresh"): Operation(
        "Refresh the ID token",
        "meta",
        "No auth: the refresh token of a Cognito sign-in (USER_PASSWORD_AUTH, SRP, or the one "
        "`imgfactory dev` gives the console) buys a new ID token while it is valid (30 days).",
        response="RefreshedToken",
        body="refresh_token",
        errors=(400, 401),
        public=True,
    ),
    ("GET", "/api/openapi.json"): Operation(
        "This OpenAPI document", "meta", "No auth.", response="OpenApiDocument", errors=(), public=True
    ),
    ("POST", "/api/jobs"): Operation(
        "Start a job",
        "jobs",
        "Starts a job from a configuration (`config`) or a stored one (`config_id`). Everything is "
        "checked first: a bad request starts nothing.",
        status=202,
        response="JobEnvelope",
        response_description="Accepted: the job is queued",
        body="start_job",
        query=(
            Param(
                "Idempotency-Key",
                {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
                "Retries with the same key and body answer the first job instead of starting another; "
                "the same key with another body is a 400, and while the first is still handled a 409",
                location="header",
            ),
        ),
        errors=(400, 409),
    ),
    ("POST", "/api/jobs/estimate"): Operation(
        "Estimate a job before starting it",
        "jobs",
        "Takes a start body and checks it as a start does (a 400 naming the field), then answers "
        "without starting or storing anything: images, the phase plan with its weights, the ETA "
        "(from this workspace's finished jobs of the same settings, or built-in figures while there "
        "are none: `eta.source` says which), the AWS cost of the operations that plan performs, and "
        "the provider fees from the dated price table.",
        response="EstimateEnvelope",
        body="start_job",
    ),
    ("GET", "/api/jobs"): Operation(
        "List jobs",
        "jobs",
        "The caller's jobs, a page at a time.",
        response="JobList",
        query=(
            Param(
                "status", {"type": "string", "enum": [s.value for s in JobStatus]}, "Only jobs in this status"
            ),
            Param("q", {"type": "string", "maxLength": 200}, "Label or id contains this text"),
            Param("parent", _STR, "Only the reruns of this job"),
            _FROM,
            _TO,
            _TZ,
            Param(
                "sort", {"type": "string", "enum": ["newest", "oldest", "name"], "default": "newest"}, "Order"
            ),
            Param("limit", {"type": "integer", "minimum": 1, "maximum": 100, "default": 25}, "Page size"),
            _CURSOR,
        ),
    ),
    ("POST", "/api/jobs/bulk/preview"): Operation(
        "Dry-run a bulk action",
        "jobs",
        "How many jobs a bulk rerun, delete or export would cover (its `ids`, or every job matching "
        "its `filter`) and which of them it would skip, without doing anything.",
        response="BulkPreview",
        body="bulk_preview",
    ),
    ("POST", "/api/jobs/bulk/rerun"): Operation(
        "Rerun several jobs",
        "jobs",
        "Each job is rerun from its current configuration, in the order given (`ids`) or the filter's "
        "order (`filter`: every job matching it); all found, or a 404.",
        status=202,
        response="JobsEnvelope",
        response_description="Accepted: the new jobs are queued",
        body="job_ids",
        errors=(400, 404),
    ),
    ("POST", "/api/jobs/bulk/delete"): Operation(
        "Delete several jobs",
        "jobs",
        "The jobs that can be deleted leave every list at once and are deleted in the background "
        "(`deletion`, followed with `GET /api/deletions/{id}`); the rest (still running, or unknown) "
        "are refused with the reason.",
        status=202,
        response="BulkDeleteResult",
        response_description="Accepted: the deletion runs in the background",
        body="job_ids",
    ),
    ("PATCH", "/api/jobs/{job_id}"): Operation(
        "Rename a job or edit its settings",
        "jobs",
        "Edits the current configuration (what reruns use), never the snapshot of how the job ran.",
        response="JobEnvelope",
        body="edit_job",
        errors=(400, 404),
    ),
    ("DELETE", "/api/jobs/{job_id}"): Operation(
        "Delete a job",
        "jobs",
        "The job leaves every list at once; its images, search postings, counts, log and objects "
        "are deleted in the background (follow `deletion` with `GET /api/deletions/{id}`). A job "
        "still running must be stopped first (409).",
        status=202,
        response="DeletionEnvelope",
        response_description="Accepted: the deletion runs in the background",
        errors=(404, 409),
    ),
    ("GET", "/api/jobs/{job_id}"): Operation(
        "Read a job",
        "jobs",
        "The job with its snapshot, current settings, phases (timeline) and statistics.",
        response="JobDetailEnvelope",
        errors=(404,),
    ),
    ("POST", "/api/jobs/{job_id}/stop"): Operation(
        "Stop a job gracefully",
        "jobs",
        "The current image finishes, then the job ends `cancelled`. 400 if already finished.",
        response="JobEnvelope",
        errors=_JOB_CONTROL,
    ),
    ("POST", "/api/jobs/{job_id}/cancel"): Operation(
        "Cancel a job",
        "jobs",
        "Same as stop. 400 if already finished.",
        response="JobEnvelope",
        errors=_JOB_CONTROL,
    ),
    ("POST", "/api/jobs/{job_id}/force-stop"): Operation(
        "Force-stop a job",
        "jobs",
        "Stops the execution now; the job is cancelled and its slot freed at once.",
        response="JobEnvelope",
        errors=_JOB_CONTROL,
    ),
    ("POST", "/api/jobs/{job_id}/pause"): Operation(
        "Pause a running job",
        "jobs",
        "The job holds at its next checkpoint.",
        response="JobEnvelope",
        errors=_JOB_CONTROL,
    ),
    ("POST", "/api/jobs/{job_id}/approve"): Operation(
        "Approve a job at its approval step",
        "jobs",
        "A job `waiting_for_approval` goes on with post-processing, metadata and finalizing. "
        "409 if it is not waiting for approval.",
        response="JobEnvelope",
        errors=(404, 409),
    ),
    ("POST", "/api/jobs/{job_id}/reject"): Operation(
        "Reject a job at its approval step",
        "jobs",
        "A job `waiting_for_approval` fails with the reason as its error; its images stay, and a "
        "resume brings it back to the same approval step. 409 if it is not waiting for approval.",
        response="JobEnvelope",
        body="reject_job",
        errors=(400, 404, 409),
    ),
    ("POST", "/api/jobs/{job_id}/approval/reject-images"): Operation(
        "Reject single images at the approval step",
        "approvals",
        "For a job `waiting_for_approval`: each listed image of the job becomes failed with the reason "
        '"rejected at approval" (stage `approval`), is counted in the job\'s failed images, is not '
        "post-processed, described or exported, and can be retried from Failed Images Review. The job "
        "keeps waiting; approving it goes on with the rest. Images already failed, or not of this job, "
        "are reported in `refused`. 409 if the job is not waiting for approval.",
        response="RejectedImages",
        body="reject_images",
        errors=(400, 404, 409),
    ),
    ("GET", "/api/queue"): Operation(
        "The queue",
        "queue",
        "The job holding the slot, then every queued job in run order with its position, label, "
        "image count and estimated start time, then the scheduled jobs (they join the end of the "
        "queue at their time).",
        response="Queue",
        query=(
            Param("limit", {"type": "integer", "minimum": 1, "maximum": 100, "default": 100}, "Page size"),
            _CURSOR,
        ),
    ),
    ("POST", "/api/queue/{job_id}/move"): Operation(
        "Move a queued job",
        "queue",
        "To a position (`to`, 1 = front) or one place `up` / `down`, to the `front` or the `back`. "
        "Atomic against releases and other moves: the job runs exactly where the queue shows it, "
        "once. 409 if the job is not queued.",
        response="QueueMove",
        body="queue_move",
        errors=(400, 404, 409),
    ),
    ("POST", "/api/queue/cancel"): Operation(
        "Cancel queued jobs",
        "queue",
        "Cancels each queued or scheduled job listed; others are reported in `refused` with the reason.",
        response="QueueCancel",
        body="queue_ids",
    ),
    ("GET", "/api/approvals"): Operation(
        "The approval inbox",
        "approvals",
        "Every job waiting for approval, the one waiting longest first, each with its approval "
        "timeout and default action, its QC results and the first page of its images (thumbnails, "
        "QC status and reason).",
        response="ApprovalInbox",
        query=(
            Param("limit", {"type": "integer", "minimum": 1, "maximum": 50, "default": 10}, "Jobs per page"),
            _CURSOR,
        ),
    ),
    ("GET", "/api/approvals/count"): Operation(
        "How many jobs wait for approval",
        "approvals",
        "The header badge's number. Live: WebSocket subscribers of the workspace (`*`) receive "
        '`{"type": "inbox", "count": n}` whenever a job starts or stops waiting for approval.',
        response="ApprovalCount",
        errors=(),
    ),
    ("POST", "/api/jobs/{job_id}/resume"): Operation(
        "Resume a job",
        "jobs",
        "A paused job carries on; a failed or cancelled one runs again from its checkpoint.",
        status=202,
        response="JobEnvelope",
        response_description="Accepted",
        errors=_JOB_CONTROL,
    ),
    ("POST", "/api/jobs/{job_id}/rerun"): Operation(
        "Rerun a job",
        "jobs",
        "A new job from the job's current configuration, labelled `<label> (Rerun xxxxxx)`.",
        status=202,
        response="JobEnvelope",
        response_description="Accepted: the new job is queued",
        errors=_JOB_CONTROL,
    ),
    ("GET", "/api/jobs/{job_id}/logs"): Operation(
        "Read a job's log",
        "jobs",
        "Log lines in order, paginated by sequence number (`since` forward, `before` backward), or "
        "the last `tail` lines.",
        response="LogPage",
        query=(
            Param("tail", {"type": "integer", "minimum": 1, "maximum": 1000}, "Only the last N lines"),
            Param("since", {"type": "integer", "minimum": 0, "maximum": 2**53}, "Lines after this sequence"),
            Param(
                "before",
                {"type": "integer", "minimum": 1, "maximum": 2**53},
                "The `limit` lines just before this sequence (an earlier page)",
            ),
            Param(
                "level",
                {"type": "string", "enum": ["standard", "debug"], "default": "debug"},
                "`standard`: user-friendly lines only; `debug`: all of them",
            ),
            Param("limit", {"type": "integer", "minimum": 1, "maximum": 1000, "default": 500}, "Page size"),
        ),
        errors=(400, 404),
    ),
    ("GET", "/api/images"): Operation(
        "List images",
        "images",
        "The gallery (the whole workspace) or one job's images, with counts per status on the first page.",
        response="ImageList",
        query=(
            Param("job_id", _STR, "Only this job's images"),
            Param(
                "status",
                {"type": "string", "enum": list(image_repo.STATUSES)},
                "Only images in this QC status",
            ),
            Param(
                "q",
                {"type": "string", "maxLength": MAX_QUERY},
                'Words (all of them) or "quoted phrases" in the keyword, prompt, title, description or tags',
            ),
            _FROM,
            _TO,
            _TZ,
            Param("sort", {"type": "string", "enum": list(image_repo.SORTS)}, "Order (newest by default)"),
            Param("limit", {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}, "Page size"),
            _CURSOR,
        ),
        errors=(400, 404),
    ),
    ("POST", "/api/images/retry"): Operation(
        "Retry failed images",
        "images",
        "Post-processes the images again (original or custom settings) as a job of its own.",
        status=202,
        response="JobEnvelope",
        response_description="Accepted: the retry job is queued",
        body="retry_images",
        errors=(400, 404),
    ),
    ("POST", "/api/images/{image_id}/approve"): Operation(
        "Approve an image by hand",
        "images",
        "Overrides a failed verdict: the image joins the approved output as it is.",
        response="ImageEnvelope",
        errors=(400, 404),
    ),
    ("GET", "/api/images/{image_id}"): Operation(
        "Read an image",
        "images",
        "The image with the settings actually applied to it: its own when a retry with custom "
        "settings ran on it, otherwise its job's as-run snapshot.",
        response="ImageDetail",
        errors=(404,),
    ),
    ("POST", "/api/images/bulk/preview"): Operation(
        "Count the images a filter selects",
        "images",
        "The dry run of a bulk delete or export by `filter`: how many images it would cover now, "
        "and whether that count is exact. Nothing is touched.",
        response="ImagePreview",
        body="image_filter",
        errors=(400, 404),
    ),
    ("POST", "/api/images/bulk/delete"): Operation(
        "Delete images",
        "images",
        "Deletes the images (`ids`, all found or a 404; or every image matching `filter`, however "
        "many, as they were when asked), their search postings, counts and every object stored for "
        "them in the background; follow `deletion` with `GET /api/deletions/{id}`.",
        status=202,
        response="DeletionEnvelope",
        response_description="Accepted: the deletion runs in the background",
        body="image_selection",
        errors=(400, 404),
    ),
    ("POST", "/api/jobs/bulk/export"): Operation(
        "Export jobs as a ZIP",
        "exports",
        "One `.xlsx` per job and `summary.txt`; unknown or failing jobs are listed as skipped.",
        status=201,
        response="ExportEnvelope",
        response_description="Created: the export is ready",
        accepted=_STILL_BUILDING,
        body="export_jobs",
        errors=_EXPORT_ERRORS,
    ),
    ("GET", "/api/jobs/{job_id}/export"): Operation(
        "Export a job's spreadsheet",
        "exports",
        "The job's `.xlsx` (summary, as-run settings, every image's metadata). A destination other "
        "than the default comes as query parameters.",
        response="ExportEnvelope",
        response_description="The export is ready",
        accepted=_STILL_BUILDING,
        query=tuple(
            Param(name, _destination_param(name), "Destination (as in the POST form's body)")
            for name in sorted(export_destinations.KEYS)
        ),
        errors=_EXPORT_ERRORS,
    ),
    ("POST", "/api/jobs/{job_id}/export"): Operation(
        "Export a job's spreadsheet to a destination",
        "exports",
        "The same as the GET form, with the destination in the body.",
        status=201,
        response="ExportEnvelope",
        response_description="Created: the export is ready",
        accepted=_STILL_BUILDING,
        body="export_job",
        errors=_EXPORT_ERRORS,
    ),
    ("POST", "/api/images/export"): Operation(
        "Export images as a ZIP",
        "exports",
        "`images/<file>` for each image with a file (`ids`, or every image matching `filter`, "
        "however many), and `metadata.xlsx` listing them.",
        status=201,
        response="ExportEnvelope",
        response_description="Created: the export is ready",
        accepted=_STILL_BUILDING,
        body="export_images",
        errors=_EXPORT_ERRORS,
    ),
    ("GET", "/api/deletions/{deletion_id}"): Operation(
        "Follow a deletion",
        "jobs",
        "How far a background deletion of jobs or images got: `running`, then `done` (nothing is "
        "left of what it deleted) or `failed` with the error.",
        response="DeletionEnvelope",
        errors=(404,),
    ),
    ("GET", "/api/exports/{export_id}"): Operation(
        "Follow an export",
        "exports",
        "Its status and, once ready, the download link.",
        response="ExportEnvelope",
        errors=(404,),
    ),
    ("GET", "/api/settings"): Operation(
        "Read the workspace settings",
        "settings",
        "The default configuration for new jobs, API keys (masked) and export folders.",
        response="SettingsEnvelope",
        errors=(),
    ),
    ("PUT", "/api/settings"): Operation(
        "Change the workspace settings",
        "settings",
        "Everything is checked before anything is written. API keys are write-only.",
        response="SettingsEnvelope",
        body="put_settings",
    ),
    ("POST", "/api/keywords/preview"): Operation(
        "Preview a keywords file",
        "settings",
        "The first rows of a .txt or .csv upload, its CSV columns (usable as `${{Column}}` in the "
        "prompt template) and its size; a malformed file is a 400 whose message names the line. "
        "Nothing is stored.",
        response="KeywordsPreviewEnvelope",
        body="preview_keywords",
    ),
    ("GET", "/api/stats"): Operation(
        "Job statistics",
        "stats",
        "Totals, success rate, average duration and images of the caller's jobs, optionally for jobs "
        "created between two dates (UTC when the time has no offset).",
        response="Stats",
        query=(
            Param("from", _DATE, "Created on or after: an ISO date or date-time"),
            Param("to", _DATE, "Created on or before: an ISO date (the whole day) or date-time"),
        ),
    ),
    ("GET", "/api/templates"): Operation(
        "List plan templates",
        "templates",
        "Predefined templates first, then the workspace's own.",
        response="TemplateList",
        errors=(),
    ),
    ("POST", "/api/templates"): Operation(
        "Save a plan template",
        "templates",
        "A named, valid plan (ordered phase names).",
        status=201,
        response="TemplateEnvelope",
        response_description="Created",
        body="save_template",
    ),
    ("GET", "/api/phases"): Operation(
        "List the phases a plan can chain",
        "templates",
        "The job builder's blocks, in plan order, each with the job-configuration fields it reads.",
        response="PhaseList",
        errors=(),
    ),
    ("PUT", "/api/templates/{template_id}"): Operation(
        "Change a saved template",
        "templates",
        "Replaces its name, phases and parameters. Predefined templates are read-only (400).",
        response="TemplateEnvelope",
        body="save_template",
        errors=(400, 404),
    ),
    ("DELETE", "/api/templates/{template_id}"): Operation(
        "Delete a saved template",
        "templates",
        "Predefined templates cannot be deleted (400).",
        status=204,
        response_description="Deleted",
        errors=(400, 404),
    ),
    ("POST", "/api/plans/validate"): Operation(
        "Validate a plan",
        "templates",
        "Errors make a plan unusable; warnings flag orders that run but waste work. A bad plan is a "
        "report, not a 400.",
        response="PlanReport",
        body="validate_plan",
    ),
}

TAGS = [
    {"name": "jobs", "description": "Start, list, read and control jobs"},
    {"name": "images", "description": "A job's images: review, retry, approve, delete"},
    {
        "name": "approvals",
        "description": "The approval inbox: waiting jobs, their images, single-image rejection",
    },
    {"name": "settings", "description": "The workspace's default configuration and API keys"},
    {"name": "stats", "description": "Job statistics"},
    {"name": "exports", "description": "Spreadsheets and ZIPs, with a download link"},
    {"name": "templates", "description": "Job builder: plan templates and validation"},
    {"name": "meta", "description": "Health, token refresh and this document"},
]


# --- The document ----------------------------------------------------------------------------


def app_routes(app: Any) -> set[tuple[str, str]]:
    """(method, path) of every route of a Chalice app."""
    return {(method, path) for path, methods in app.routes.items() for method in methods}


def undocumented_routes(app: Any) -> set[tuple[str, str]]:
    return app_routes(app) - set(OPERATIONS)


def stale_operations(app: Any) -> set[tuple[str, str]]:
    """Table entries for routes the app does not have (any more)."""
    return set(OPERATIONS) - app_routes(app)


def _error_response(status: int) -> dict[str, Any]:
    return {"$ref": f"#/components/responses/{_ERROR_NAMES[status]}"}


def _operation(method: str, path: str, entry: Any, body_schemas: dict[str, dict[str, Any]]) -> dict[str, Any]:
    op = OPERATIONS.get((method, path)) or Operation(
        UNDOCUMENTED, "undocumented", "This route has no entry in chalicelib.openapi.OPERATIONS yet."
    )
    doc: dict[str, Any] = {
        "operationId": entry.view_name,
        "summary": op.summary,
        "tags": [op.tag],
    }
    if op.description:
        doc["description"] = op.description
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}}
        for name in entry.view_args
    ]
    for param in op.query:
        query: dict[str, Any] = {"name": param.name, "in": param.location, "schema": param.schema}
        if param.description:
            query["description"] = param.description
        if param.required:
            query["required"] = True
        parameters.append(query)
    if parameters:
        doc["parameters"] = parameters
    if op.body is not None:
        doc["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": body_schemas[op.body]}},
        }
    success: dict[str, Any] = {"description": op.response_description}
    if op.response is not None:
        success["content"] = {"application/json": {"schema": _ref(op.response)}}
    responses: dict[str, Any] = {str(op.status): success}
    if op.accepted:
        responses["202"] = {**success, "description": op.accepted}
    errors = set(op.errors) | (set() if op.public else {401})
    for status in sorted(errors):
        responses[str(status)] = _error_response(status)
    doc["responses"] = responses
    doc["security"] = [] if op.public else [{"bearerAuth": []}]
    return doc


def build_document(app: Any) -> dict[str, Any]:
    """The OpenAPI document of every route of `app` (a Chalice app with its blueprints registered)."""
    body_schemas = _request_bodies()
    paths: dict[str, dict[str, Any]] = {}
    for path in sorted(app.routes):
        for method, entry in sorted(app.routes[path].items()):
            paths.setdefault(path, {})[method.lower()] = _operation(method, path, entry, body_schemas)
    schemas = component_schemas()
    schemas["OpenApiDocument"] = {"type": "object", "description": "An OpenAPI 3.0 document"}
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": TITLE,
            "version": _version(),
            "description": (
                "Batch image generation jobs. All JSON; errors are "
                '`{"error": {"code", "message", "field"?}}`. Every route but health, token refresh '
                "and this document needs `Authorization: Bearer <token>`, a Cognito ID token of the "
                "deployment's user pool (`imgfactory dev` prints one for its local user). Live logs and "
                "progress come over the WebSocket named by `/api/health` (`?token=<token>`)."
            ),
        },
        "tags": TAGS,
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": {
                name: {
                    "description": ERROR_DESCRIPTIONS[status],
                    "content": {"application/json": {"schema": _ref("Error")}},
                }
                for status, name in _ERROR_NAMES.items()
            },
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
        "security": [{"bearerAuth": []}],
    }


@cache
def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("imgfactory")
    except PackageNotFoundError:  # deployed: the Lambda bundle is not an installed package
        return "0.0.0"
