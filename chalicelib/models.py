"""PynamoDB models: the DynamoDB tables and their indexes.

Table names come from the settings: every model binds itself to this process's settings
(`get_settings()`, built from the environment) on its first call, so a Lambda cold start, the
local moto server and tests take the same path. The CDK app and the local stack both create
tables from these definitions.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    JSONAttribute,
    NumberAttribute,
    NumberSetAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.connection import TableConnection
from pynamodb.expressions.update import SetAction
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model as _PynamoModel

from chalicelib.settings import Settings, get_settings

# The settings the models are bound to; `get_settings()` is cached, so a new object means the
# environment was read again (`settings.reset_settings()`).
_bound_to: Settings | None = None


class Model(_PynamoModel):
    """A PynamoDB model that points itself at this process's tables before its first call."""

    @classmethod
    def _get_connection(cls) -> TableConnection:
        settings = get_settings()
        if settings is not _bound_to:
            bind_tables(settings)
        return super()._get_connection()


class JobsByWorkspace(GlobalSecondaryIndex["JobModel"]):
    """A workspace's jobs, newest or oldest first."""

    class Meta:
        index_name = "by_workspace_created"
        projection = AllProjection()

    workspace = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class JobsByStatus(GlobalSecondaryIndex["JobModel"]):
    """A workspace's jobs of one status (`<workspace>#<status>`), by creation time."""

    class Meta:
        index_name = "by_workspace_status"
        projection = AllProjection()

    workspace_status = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class JobsByName(GlobalSecondaryIndex["JobModel"]):
    """A workspace's jobs in label order (`<lowercase label>#<job id>`)."""

    class Meta:
        index_name = "by_workspace_label"
        projection = AllProjection()

    workspace = UnicodeAttribute(hash_key=True)
    label_key = UnicodeAttribute(range_key=True)


class JobModel(Model):
    """One execution of a job configuration (SPEC §2 "Job")."""

    class Meta:
        table_name = "jobs"
        billing_mode = "PAY_PER_REQUEST"

    job_id = UnicodeAttribute(hash_key=True)
    workspace = UnicodeAttribute()
    label = UnicodeAttribute()
    status = UnicodeAttribute()
    config_id = UnicodeAttribute(null=True)
    parent_id = UnicodeAttribute(null=True)
    snapshot = JSONAttribute()  # the as-run configuration, never with API keys
    plan = JSONAttribute()  # [{"name", "weight", "units", "batches"}], fixed at registration
    phase_index = NumberAttribute(default=0)  # index in plan of the phase running now
    phase_units_done = NumberAttribute(default=0)
    step = UnicodeAttribute(default="")  # human-readable current step
    images_planned = NumberAttribute(default=0)
    # Generation outcome: images the provider made / could not make (a job with none made fails).
    # A retry job's finalize sets them to its retried images' outcome. What the console shows as
    # successful and failed comes from the status counters below (`chalicelib.counters`).
    images_ok = NumberAttribute(default=0)
    images_failed = NumberAttribute(default=0)
    # The job's images by status, kept by every write that changes an image's status (ADDed in the
    # job write a phase makes anyway), so counts never need a pass over the images.
    n_approved = NumberAttribute(default=0)
    n_qc_failed = NumberAttribute(default=0)
    n_processing = NumberAttribute(default=0)
    n_retry_pending = NumberAttribute(default=0)
    n_retry_failed = NumberAttribute(default=0)
    control = UnicodeAttribute(null=True)  # "stop" | "pause" | "force": asked, not yet done
    park_token = UnicodeAttribute(null=True)  # task token of a paused execution
    slot_token = UnicodeAttribute(null=True)  # task token of the execution waiting for the slot
    ticket = NumberAttribute(null=True)  # FIFO ticket in the workspace queue
    execution_arn = UnicodeAttribute(null=True)
    attempt = NumberAttribute(default=1)
    # A retry job works on chosen images of an earlier job instead of generating new ones:
    # {"image_ids": [...], "mode": "original" | "custom", "source_job_id": ...}
    retry = JSONAttribute(null=True)
    log_seq = NumberAttribute(default=0)  # last log sequence number handed out
    # Timing of this attempt's phases: when the current one began (epoch seconds) and the wall
    # seconds of each one finished ({phase: seconds}); the estimate learns from them.
    phase_started = NumberAttribute(null=True)
    phase_seconds = JSONAttribute(null=True)
    # When each phase of the plan first started (epoch seconds, {phase: seconds}): the job page's
    # step timeline.
    phase_starts = JSONAttribute(null=True)
    estimate = JSONAttribute(null=True)  # the estimate made when the job was started
    # How much of its live item's running totals (`JobLiveModel`, chalicelib.joblive) the counters
    # above include: {"approved": n, ..., "ok": n, "failed": n}.
    live_folded = JSONAttribute(null=True)
    approval_deadline = UTCDateTimeAttribute(null=True)  # when an approval's default action applies
    error = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    started_at = UTCDateTimeAttribute(null=True)
    scheduled_at = UTCDateTimeAttribute(null=True)  # when a scheduled job is due to be queued
    finished_at = UTCDateTimeAttribute(null=True)
    # Index keys derived from workspace, status and label (see index_keys); kept in step on write.
    workspace_status = UnicodeAttribute(null=True)
    label_key = UnicodeAttribute(null=True)
    by_workspace = JobsByWorkspace()
    by_status = JobsByStatus()
    by_name = JobsByName()

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.workspace_status = f"{self.workspace}#{self.status}"
        self.label_key = label_key(self.label, self.job_id)
        return super().save(*args, **kwargs)


class JobLiveModel(Model):
    """What a running job changes per image, kept off the job item (chalicelib.joblive).

    The job item is several KB and every write of it is repeated in its three indexes; this item
    is small and in no index, so a write per image costs one write unit. It holds the log's
    sequence counter, each phase's finished units (`u_<phase>`), and running totals of the
    pipeline's image counts (`c_<status>`, `c_ok`, `c_failed`), which the job item takes in
    (`live_folded`) between waves of batches and when the job ends; and what only the job's page
    shows (retried tasks per phase, the exports made from the job).
    """

    class Meta:
        table_name = "job_live"
        billing_mode = "PAY_PER_REQUEST"

    job_id = UnicodeAttribute(hash_key=True)
    workspace = UnicodeAttribute(null=True)
    log_seq = NumberAttribute(default=0)
    u_prompts = NumberAttribute(default=0)
    u_generate = NumberAttribute(default=0)
    u_remove_bg = NumberAttribute(default=0)
    u_process = NumberAttribute(default=0)
    u_quality_check = NumberAttribute(default=0)
    u_metadata = NumberAttribute(default=0)
    u_finalize = NumberAttribute(default=0)
    u_approval = NumberAttribute(default=0)
    c_approved = NumberAttribute(default=0)
    c_qc_failed = NumberAttribute(default=0)
    c_processing = NumberAttribute(default=0)
    c_retry_pending = NumberAttribute(default=0)
    c_retry_failed = NumberAttribute(default=0)
    c_ok = NumberAttribute(default=0)
    c_failed = NumberAttribute(default=0)
    # The step timeline's figures: tasks of each phase that Step Functions retried (`r_<phase>`),
    # and the exports made from the job (export ids; the job page lists them as artifacts).
    r_prompts = NumberAttribute(default=0)
    r_generate = NumberAttribute(default=0)
    r_remove_bg = NumberAttribute(default=0)
    r_process = NumberAttribute(default=0)
    r_quality_check = NumberAttribute(default=0)
    r_metadata = NumberAttribute(default=0)
    r_finalize = NumberAttribute(default=0)
    exports = UnicodeSetAttribute(null=True)


def label_key(label: str, job_id: str) -> str:
    return f"{label.strip().lower()[:200]}#{job_id}"


class ConfigModel(Model):
    """A job configuration ("current settings"), keyed by id, never by label."""

    class Meta:
        table_name = "configs"
        billing_mode = "PAY_PER_REQUEST"

    config_id = UnicodeAttribute(hash_key=True)
    workspace = UnicodeAttribute()
    config = JSONAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()


class ImagesByJob(GlobalSecondaryIndex["ImageModel"]):
    """A job's images in generation order; a batch is a key range."""

    class Meta:
        index_name = "by_job"
        projection = AllProjection()

    job_id = UnicodeAttribute(hash_key=True)
    image_id = UnicodeAttribute(range_key=True)


class ImagesByWorkspace(GlobalSecondaryIndex["ImageModel"]):
    """A workspace's images (the gallery), newest or oldest first."""

    class Meta:
        index_name = "by_workspace_created"
        projection = AllProjection()

    workspace = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class ImagesByStatus(GlobalSecondaryIndex["ImageModel"]):
    """A workspace's images of one status (`<workspace>#<status>`), by creation time."""

    class Meta:
        index_name = "by_workspace_status"
        projection = AllProjection()

    workspace_status = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class ImagesByName(GlobalSecondaryIndex["ImageModel"]):
    """A workspace's images in prompt order (`<lowercase prompt>#<image id>`)."""

    class Meta:
        index_name = "by_workspace_prompt"
        projection = AllProjection()

    workspace = UnicodeAttribute(hash_key=True)
    prompt_key = UnicodeAttribute(range_key=True)


class ImageModel(Model):
    """One produced (or failed) image. Its id is `<job_id>.<generation>.<variation>`."""

    class Meta:
        table_name = "images"
        billing_mode = "PAY_PER_REQUEST"

    image_id = UnicodeAttribute(hash_key=True)
    job_id = UnicodeAttribute()
    workspace = UnicodeAttribute()
    generation = NumberAttribute()
    variation = NumberAttribute()
    keyword = UnicodeAttribute(default="")
    prompt = UnicodeAttribute(default="")
    provider = UnicodeAttribute()
    seed = NumberAttribute()
    status = UnicodeAttribute()
    failure = JSONAttribute(null=True)  # {"stage", "category", "message"}
    qc_reason = UnicodeAttribute(null=True)
    original_key = UnicodeAttribute(null=True)  # as the provider made it
    current_key = UnicodeAttribute(null=True)  # the latest version (original, then processed)
    thumbnail_key = UnicodeAttribute(null=True)
    width = NumberAttribute(null=True)
    height = NumberAttribute(null=True)
    title = UnicodeAttribute(null=True)
    description = UnicodeAttribute(null=True)
    tags = JSONAttribute(null=True)  # list of strings
    # Settings a retry with custom settings applied to this image only (never to the job).
    processing_settings = JSONAttribute(null=True)
    # "<job id>:<phase>" marks of what has been done to the image, so a batch run again skips it.
    done = UnicodeSetAttribute(default=set)
    created_at = UTCDateTimeAttribute()
    # Where the search terms of the image's text as stored are posted in `image_terms` (see
    # chalicelib.search): {group sort key: bit mask over those terms, sorted}; a term in no group
    # has a posting of this image alone. So a text change writes and deletes only the difference
    # (chalicelib.repositories.images.posted_groups). `search_terms`: the terms of an image
    # stored before groups, all posted for it alone.
    search_groups = JSONAttribute(null=True)
    search_terms = UnicodeSetAttribute(null=True)
    # The status the image is counted under in the job and workspace counters (chalicelib.counters):
    # a write that changes `status` moves the counters from this one and sets it, so an
    # intermediate status written on its own (a retry's `processing`) is never counted twice.
    counted_status = UnicodeAttribute(null=True)
    # Index keys derived from workspace, status and prompt (see set_index_keys); kept in step on
    # every write, including `update` (see below).
    workspace_status = UnicodeAttribute(null=True)
    prompt_key = UnicodeAttribute(null=True)
    by_job = ImagesByJob()
    by_workspace = ImagesByWorkspace()
    by_status = ImagesByStatus()
    by_name = ImagesByName()

    @classmethod
    def _instantiate(cls, attribute_values):  # type: ignore[no-untyped-def]
        image = super()._instantiate(attribute_values)
        image.remember_stored_text()
        return image

    def deserialize(self, attribute_values):  # type: ignore[no-untyped-def]
        super().deserialize(attribute_values)
        self.remember_stored_text()

    def remember_stored_text(self) -> None:
        """Note the text as it is stored (read, or just written): its search terms are the ones
        posted, so the image need not carry a copy of them."""
        self._stored_text = (self.prompt, self.title, self.description, list(self.tags or []))

    def stored_text(self) -> tuple[str | None, str | None, str | None, list[str]] | None:
        """The text as last read or written (None: an image not stored yet, as far as we know)."""
        return getattr(self, "_stored_text", None)

    def set_index_keys(self) -> None:
        """Derive the gallery index keys (also for writers that bypass `save`, like batch_write)."""
        self.workspace_status = f"{self.workspace}#{self.status}"
        self.prompt_key = prompt_key(self.prompt, self.image_id)

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.set_index_keys()
        return super().save(*args, **kwargs)

    def update(self, actions, *args, **kwargs):  # type: ignore[no-untyped-def]
        """A status set by an update moves the image to that status's index partition in the same
        write, whoever makes it (phases set statuses with `ImageModel.status.set(...)`)."""
        status = _set_value(actions, "status")
        if status is not None and _set_value(actions, "workspace_status") is None:
            actions = [*actions, ImageModel.workspace_status.set(f"{self.workspace}#{status}")]
        return super().update(actions, *args, **kwargs)


def prompt_key(prompt: str, image_id: str) -> str:
    return f"{(prompt or '').strip().lower()[:200]}#{image_id}"


def _set_value(actions: list[Any], name: str) -> str | None:
    """The string an update's `SET <name> = :value` action writes, if it has one."""
    for action in actions:
        if isinstance(action, SetAction) and getattr(action.values[0], "path", None) == [name]:
            value = getattr(action.values[1], "value", None)
            if isinstance(value, dict) and "S" in value:
                return str(value["S"])
    return None


class ImageTermModel(Model):
    """The search index of images: postings keyed `<workspace>#<term>` / `<time>#<suffix>`, so one
    term's postings read in creation order and a date range is a key condition.

    A posting is a group: the images of one job that one task stored with that term, created within
    `search.GROUP_SPAN_S` of the group's first (`<first created_at UTC ISO>#g<group id>`, the image
    id suffixes in `ids`), so a term shared by a batch's images is one write, not one per image.
    Postings written before groups name one image each (`<created_at>#<image_id>`, `image_id`).
    Written and deleted by `chalicelib.repositories.images`; a search checks every hit against the
    image itself, so a posting left behind by a crash never shows a wrong image.
    """

    class Meta:
        table_name = "image_terms"
        billing_mode = "PAY_PER_REQUEST"

    term_key = UnicodeAttribute(hash_key=True)
    sort_key = UnicodeAttribute(range_key=True)
    job_id = UnicodeAttribute()
    ids = UnicodeSetAttribute(null=True)  # a group's images: `<generation>.<variation>` of job_id's
    image_id = UnicodeAttribute(null=True)  # a posting of one image (written before groups)


class ImageCountsModel(Model):
    """A workspace's images by status (the gallery's Total/Pass/Fail/Pending without reading the
    images): ADDed once per batch of image writes, and by each API action that changes statuses."""

    class Meta:
        table_name = "image_counts"
        billing_mode = "PAY_PER_REQUEST"

    workspace = UnicodeAttribute(hash_key=True)
    n_approved = NumberAttribute(default=0)
    n_qc_failed = NumberAttribute(default=0)
    n_processing = NumberAttribute(default=0)
    n_retry_pending = NumberAttribute(default=0)
    n_retry_failed = NumberAttribute(default=0)


class DeletionModel(Model):
    """A deletion running in the background (jobs, or images): what to delete and how far it got.

    The request hides what it deletes at once (a job leaves every list); the `delete_worker`
    function removes the objects, items, search postings and counts, and marks it `done`."""

    class Meta:
        table_name = "deletions"
        billing_mode = "PAY_PER_REQUEST"

    deletion_id = UnicodeAttribute(hash_key=True)
    workspace = UnicodeAttribute()
    kind = UnicodeAttribute()  # "jobs" | "images"
    status = UnicodeAttribute()  # "running" | "done" | "failed"
    ids = JSONAttribute()  # the job or image ids
    # Images chosen by a filter instead: {"filter": {...}, "cursor": where the worker goes on}.
    selection = JSONAttribute(null=True)
    total = NumberAttribute(default=0)  # jobs or images to delete
    done = NumberAttribute(default=0)
    images_deleted = NumberAttribute(default=0)
    error = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    finished_at = UTCDateTimeAttribute(null=True)


class LogLineModel(Model):
    """A job's log, append-only and ordered by sequence number."""

    class Meta:
        table_name = "logs"
        billing_mode = "PAY_PER_REQUEST"

    job_id = UnicodeAttribute(hash_key=True)
    seq = NumberAttribute(range_key=True)
    time = UTCDateTimeAttribute()
    level = UnicodeAttribute()  # "standard" | "debug"
    step = UnicodeAttribute(default="")
    message = UnicodeAttribute()


class SemaphoreModel(Model):
    """Per workspace: the `LOCK` item (owner, ticket counter) and FIFO queue items `Q#<ticket>`."""

    class Meta:
        table_name = "semaphore"
        billing_mode = "PAY_PER_REQUEST"

    workspace = UnicodeAttribute(hash_key=True)
    entry = UnicodeAttribute(range_key=True)
    owner = UnicodeAttribute(null=True)  # LOCK: the job holding the slot
    next_ticket = NumberAttribute(null=True)  # LOCK: last ticket handed out
    job_id = UnicodeAttribute(null=True)  # Q#: the waiting job
    attempt = NumberAttribute(null=True)  # Q#: which of its attempts waits (a resume is another)


class CheckpointModel(Model):
    """What a job has finished: per phase, the set of finished batch indexes."""

    class Meta:
        table_name = "checkpoints"
        billing_mode = "PAY_PER_REQUEST"

    job_id = UnicodeAttribute(hash_key=True)
    phase = UnicodeAttribute(range_key=True)
    done_batches = NumberSetAttribute(default=set)


class ConnectionModel(Model):
    """An open WebSocket connection and what it listens to."""

    class Meta:
        table_name = "connections"
        billing_mode = "PAY_PER_REQUEST"

    connection_id = UnicodeAttribute(hash_key=True)
    workspace = UnicodeAttribute()
    topics = UnicodeSetAttribute(default=set)
    connected_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute(null=True)  # DynamoDB deletes a connection whose disconnect was lost


class SubscriptionModel(Model):
    """Who listens to a topic: `job#<id>` (one job) or `all#<workspace>` (every job)."""

    class Meta:
        table_name = "subscriptions"
        billing_mode = "PAY_PER_REQUEST"

    topic = UnicodeAttribute(hash_key=True)
    connection_id = UnicodeAttribute(range_key=True)


class WorkspaceSettingsModel(Model):
    """Per workspace: the default configuration for new jobs and remembered export folders.
    (API keys are not here: they live in Secrets Manager.)"""

    class Meta:
        table_name = "settings"
        billing_mode = "PAY_PER_REQUEST"

    workspace = UnicodeAttribute(hash_key=True)
    default_config = JSONAttribute(null=True)
    export_folders = JSONAttribute(null=True)  # {"xlsx": "<folder>", "zip": "<folder>"}
    updated_at = UTCDateTimeAttribute(null=True)


class TemplateModel(Model):
    """A saved job-builder plan (an ordered list of phases) of a workspace."""

    class Meta:
        table_name = "templates"
        billing_mode = "PAY_PER_REQUEST"

    workspace = UnicodeAttribute(hash_key=True)
    template_id = UnicodeAttribute(range_key=True)
    name = UnicodeAttribute()
    phases = JSONAttribute()
    config = JSONAttribute(null=True)  # the blocks' parameters: a partial job configuration
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute(null=True)


class ExportModel(Model):
    """An export being built or ready: a job's .xlsx, or a ZIP of jobs or of images."""

    class Meta:
        table_name = "exports"
        billing_mode = "PAY_PER_REQUEST"

    export_id = UnicodeAttribute(hash_key=True)
    workspace = UnicodeAttribute()
    kind = UnicodeAttribute()  # "job_xlsx" | "jobs_zip" | "images_zip"
    status = UnicodeAttribute()  # "building" | "ready" | "failed"
    key = UnicodeAttribute(null=True)  # S3 key of the file
    progress = NumberAttribute(default=0)
    step = UnicodeAttribute(default="")
    error = UnicodeAttribute(null=True)
    # How the API answers its failure (with `error` as the message): {"status", "code", "field"}.
    failure = JSONAttribute(null=True)
    # What to build, kept for the function that builds it: {"job_id"} or {"ids"}, and the
    # custom folder to remember once it is written.
    request = JSONAttribute(null=True)
    created_at = UTCDateTimeAttribute()


class DurationModel(Model):
    """Measured durations of a workspace's finished jobs, per settings signature (see
    chalicelib/estimate/durations.py): what the estimate's ETA learns from."""

    class Meta:
        table_name = "durations"
        billing_mode = "PAY_PER_REQUEST"

    workspace = UnicodeAttribute(hash_key=True)
    signature = UnicodeAttribute(range_key=True)
    seconds_per_unit = JSONAttribute()  # {phase: seconds per unit of the phase}
    overhead_s = NumberAttribute(default=0)  # start, slot, finish: what no phase accounts for
    samples = NumberAttribute(default=0)
    job_id = UnicodeAttribute(null=True)  # the last job measured
    updated_at = UTCDateTimeAttribute()


class IdempotencyRecordModel(Model):
    """Powertools idempotency records (job starts with an Idempotency-Key); defined here so the
    local stack and the CDK app create the table like every other."""

    class Meta:
        table_name = "idempotency"
        billing_mode = "PAY_PER_REQUEST"

    id = UnicodeAttribute(hash_key=True)
    # Powertools writes the record's expiry (epoch seconds) here; DynamoDB deletes it then.
    expiration = TTLAttribute(null=True)


ALL_MODELS: dict[str, type[Model]] = {
    "jobs": JobModel,
    "job_live": JobLiveModel,
    "configs": ConfigModel,
    "images": ImageModel,
    "image_terms": ImageTermModel,
    "image_counts": ImageCountsModel,
    "deletions": DeletionModel,
    "logs": LogLineModel,
    "semaphore": SemaphoreModel,
    "checkpoints": CheckpointModel,
    "connections": ConnectionModel,
    "subscriptions": SubscriptionModel,
    "settings": WorkspaceSettingsModel,
    "templates": TemplateModel,
    "exports": ExportModel,
    "idempotency": IdempotencyRecordModel,
    "durations": DurationModel,
}


def bind_tables(settings: Settings) -> None:
    """Point every model at this deployment's tables and endpoint."""
    global _bound_to
    for short, model in ALL_MODELS.items():
        model.Meta.table_name = settings.table_name(short)
        model.Meta.region = settings.region
        model.Meta.host = settings.aws_endpoint
        model._connection = None  # PynamoDB caches the connection with the old host
    _bound_to = settings


def create_tables(settings: Settings) -> None:
    """Create every table that does not exist yet (local stack and tests)."""
    bind_tables(settings)
    for model in ALL_MODELS.values():
        if not model.exists():
            model.create_table(wait=True)
