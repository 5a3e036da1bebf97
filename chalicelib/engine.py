"""What each Task of `stepfunctions/job.asl.json` does. app.py wires them to Lambda functions.

Every handler is idempotent: Step Functions may retry a task, and a resumed job runs them again on
the same checkpoint.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from pynamodb.exceptions import PutError, UpdateError

from chalicelib import joblive, semaphore
from chalicelib.errors import ValidationError
from chalicelib.estimate import durations
from chalicelib.joblog import JobLog
from chalicelib.models import CheckpointModel, ConfigModel, ImageModel, JobModel
from chalicelib.phases import PhaseContext, available_phases, batch_runners, image_runners, once_runners
from chalicelib.plan import build_plan, compute_progress, step_text
from chalicelib.repositories import jobs as job_repo
from chalicelib.settings import get_settings
from chalicelib.statuses import JobStatus

logger = logging.getLogger(__name__)

# Batches handed to one Map state: a wave. Several per concurrent slot keeps the number of
# NextStep round trips (and state transitions) low; stop and pause are checked between images.
WAVE_PER_CONCURRENCY = 4


def default_phase_names(config: dict[str, Any]) -> list[str]:
    """The full generation plan for the settings.

    Processing runs before the quality check, except with background removal on: then it waits
    until QC has approved an image, so remove.bg is not paid for images QC rejects.
    """
    processing, ai = config["processing"], config["ai"]
    process = any(processing[k] for k in ("remove_bg", "convert", "enhance"))
    # With an approval step, processing waits for it too (see with_approval).
    deferred = (processing["remove_bg"] and ai["quality_check"]) or config.get("approval")
    wanted = ["prompts", "generate"]
    if process and not deferred:
        wanted.append("process")
    if ai["quality_check"]:
        wanted.append("quality_check")
    if process and "process" not in wanted:
        wanted.append("process")
    if ai["metadata"]:
        wanted.append("metadata")
    wanted.append("finalize")
    return wanted


def with_approval(names: list[str]) -> list[str]:
    """The plan with an approval step where SPEC §2 puts it, unless the plan places one itself:
    after generation and the quality check, before the work only worth doing on a batch someone
    accepted (post-processing, where remove.bg is paid per image; metadata; finalizing)."""
    if "approval" in names:
        return names
    anchors = [i for i, name in enumerate(names) if name in ("generate", "quality_check")]
    at = max(anchors) + 1 if anchors else 0
    return [*names[:at], "approval", *names[at:]]


def phase_names_for(config: dict[str, Any]) -> list[str]:
    from chalicelib import jobconfig  # its schema is costly to import; only registration needs it

    jobconfig.refuse_unbuilt(config)
    names = config.get("plan") or default_phase_names(config)
    if config["approval"]:
        names = with_approval(list(names))
    available = available_phases()
    for index, name in enumerate(names):
        if name not in available:
            raise ValidationError(f"the {name} phase is not available yet", field=f"plan[{index}]")
    return names


def new_job(
    workspace: str,
    config: dict[str, Any],
    *,
    job_id: str | None = None,
    config_id: str | None = None,
    parent_id: str | None = None,
    label: str | None = None,
    scheduled_at: datetime | None = None,
    queued_at: datetime | None = None,
) -> JobModel:
    """Create a job with its snapshot and fixed plan: queued now (with its FIFO ticket), or
    scheduled (it takes a ticket when its time comes, see `queue_scheduled_job`)."""
    from chalicelib import jobconfig
    from chalicelib.keywords import store_keywords

    settings = get_settings()
    job_id = job_id or uuid.uuid4().hex
    now = job_repo.utcnow()
    plan = build_plan(
        phase_names_for(config),
        config["generations"],
        config["variations"],
        settings.images_per_batch,
        config["parameters"]["max_concurrency"],
        prompts_in_parallel=writes_prompts_online(workspace),
    )
    if config_id is None:
        config_id = uuid.uuid4().hex
        config = store_keywords(config, config_id)
        ConfigModel(config_id, workspace=workspace, config=config, created_at=now, updated_at=now).save()
    job = JobModel(
        job_id,
        workspace=workspace,
        label=label or config["label"],
        status=JobStatus.QUEUED.value,
        config_id=config_id,
        parent_id=parent_id,
        snapshot=config,
        plan=[p.to_dict() for p in plan],
        images_planned=jobconfig.image_count(config),
        step="Queued",
        created_at=now,
        estimate=_estimate_of(workspace, config),
    )
    if scheduled_at is not None:
        return schedule_job(job, scheduled_at)
    return queue_job(job, queued_at)


def writes_prompts_online(workspace: str) -> bool:
    """Whether an OpenAI model writes the job's prompts (its key is set), one request each."""
    from chalicelib import secrets

    return "openai" in secrets.api_keys(workspace)


def _estimate_of(workspace: str, config: dict[str, Any]) -> dict[str, Any] | None:
    """The estimate the job will be compared with when it finishes; a job starts without one
    rather than not at all if it cannot be made."""
    from chalicelib.estimate import service as estimate_service

    try:
        return estimate_service.compact(estimate_service.estimate_config(workspace, config))
    except Exception:  # noqa: BLE001 - an estimate must never stop a job from starting
        logger.exception("no estimate for a new job")
        return None


def schedule_job(job: JobModel, at: datetime) -> JobModel:
    job.status = JobStatus.SCHEDULED.value
    job.scheduled_at = at
    job.step = f"Scheduled for {at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    job.save(condition=JobModel.job_id.does_not_exist())
    joblive.create(job)
    with JobLog(job.job_id) as log:
        when = at.astimezone(UTC).isoformat()
        log.info(f"Job scheduled for {when}: {int(job.images_planned)} image(s) planned")
    return job


def queue_scheduled_job(job: JobModel) -> bool:
    """A scheduled job's time has come: it joins the end of its workspace's FIFO queue. False
    when it is no longer scheduled (cancelled meanwhile, or a repeated delivery)."""
    if job.status != JobStatus.SCHEDULED.value:
        return False
    ticket = semaphore.new_ticket(job.workspace)
    queued = job_repo.transition(
        job, JobStatus.QUEUED, JobModel.ticket.set(ticket), JobModel.step.set("Queued")
    )
    if not queued:
        return False
    semaphore.join_queue(job.workspace, job.job_id, ticket, attempt=int(job.attempt))
    with JobLog(job.job_id) as log:
        log.info("Scheduled time reached: job queued")
    return True


def queue_job(job: JobModel, queued_at: datetime | None = None) -> JobModel:
    """Save a new job in its workspace's FIFO queue, in its place for `queued_at` (now)."""
    job.ticket = semaphore.new_ticket(job.workspace, queued_at)
    job.save(condition=JobModel.job_id.does_not_exist())  # a retried task: PutError, it exists
    joblive.create(job)
    semaphore.join_queue(job.workspace, job.job_id, int(job.ticket), attempt=int(job.attempt))
    with JobLog(job.job_id) as log:
        log.info(f"Job queued: {int(job.images_planned)} image(s) planned in {len(job.plan)} phases")
    return job


def register_job(event: dict[str, Any]) -> dict[str, Any]:
    """First task: a job started through our API exists already; one started directly with
    `aws stepfunctions start-execution --input '{"config": {...}}'` is created here."""
    payload = event.get("input") or {}
    job_id = payload.get("job_id") or event["execution_name"]
    job = job_repo.find_job(job_id)
    if job is None:
        from chalicelib import jobconfig

        unknown = set(payload) - {"config", "workspace", "label"}
        workspace = payload.get("workspace") or get_settings().default_workspace
        try:
            if unknown:
                key = sorted(unknown)[0]
                raise ValidationError(f"{key} is an unknown key of the execution input", field=key)
            jobconfig.refuse_empty_keywords(payload.get("config"))
            config = jobconfig.normalize_config(payload.get("config") or {})
            started = _start_time(event.get("start_time"))
            job = new_job(workspace, config, job_id=job_id, label=payload.get("label"), queued_at=started)
        except ValidationError as err:
            _record_invalid_start(job_id, workspace, payload, err)
            semaphore.wake_next(workspace)  # a later start may be waiting for this one to register
            raise
        except PutError:
            job = job_repo.get_job(job_id)  # a retried task: the first attempt created it
    job.update(actions=[JobModel.execution_arn.set(str(event.get("execution_id") or ""))])
    settings = get_settings()
    return {
        "job_id": job_id,
        "slot_recheck_s": settings.slot_recheck_s,
        "task_timeout_s": settings.task_timeout_s,
    }


def _start_time(value: Any) -> datetime | None:
    """`$$.Execution.StartTime` (ISO 8601), the moment a direct start joins the queue."""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _record_invalid_start(job_id: str, workspace: str, payload: dict[str, Any], err: ValidationError) -> None:
    """A direct start with a bad config still shows up in the console, failed, with the reason."""
    now = job_repo.utcnow()
    raw: dict[str, Any] = payload["config"] if isinstance(payload.get("config"), dict) else {}
    JobModel(
        job_id,
        workspace=workspace,
        label=str(raw.get("label") or f"Job {job_id[:8]}"),
        status=JobStatus.FAILED.value,
        snapshot={},
        plan=[],
        step="Invalid configuration",
        error=f"{err.field}: {err.message}" if err.field else err.message,
        created_at=now,
        finished_at=now,
    ).save()


def acquire_slot(event: dict[str, Any]) -> dict[str, Any] | None:
    """Take the slot or park the execution; the answer goes through the task token.

    The token is written on the job before anything is read (see `semaphore`): that write
    returns the job's status, so a cancel that came first is seen here, and one that comes
    after finds the token to answer."""
    from chalicelib import aws

    token = event["token"]
    job = JobModel(event["job_id"])
    try:
        job.update(actions=[JobModel.slot_token.set(token)], condition=JobModel.job_id.exists())
    except UpdateError:
        job_repo.get_job(event["job_id"])  # NotFoundError: a job deleted meanwhile fails the task
        raise
    if JobStatus(job.status).is_final:
        aws.send_task_success(token, {"acquired": False, "cancelled": True})
        return None
    attempt = int(job.attempt)
    state = semaphore.try_acquire(job.workspace, job.job_id, int(job.ticket), attempt=attempt)
    if state.acquired:
        if job.status != JobStatus.RUNNING.value:
            step = JobModel.step.set(step_text(job.plan, int(job.phase_index)))
            if job_repo.transition(job, JobStatus.RUNNING, step, *durations.slot_taken_actions(job)):
                with JobLog(job.job_id) as log:
                    log.info("Job started" if attempt == 1 else "Job resumed from its checkpoint")
            elif JobStatus(job.status).is_final:
                # Cancelled between the token's write and the slot: the slot goes back at once.
                # (Not final: an earlier round, answered late, has started the job already.)
                semaphore.release(job.workspace, job.job_id, None, attempt=attempt)
                aws.send_task_success(token, {"acquired": False, "cancelled": True})
                return None
        if not aws.send_task_success(token, {"acquired": True}):
            _answer_the_round_that_followed(job, token, attempt)
    elif job.step != (queued := f"Queued (position {state.position})"):  # a re-check writes only news
        try:  # only while queued: a round that looked before the slot was taken must not relabel it
            JobModel(job.job_id).update(
                actions=[JobModel.step.set(queued)], condition=JobModel.status == JobStatus.QUEUED.value
            )
        except UpdateError:
            pass
    return None


def _answer_the_round_that_followed(job: JobModel, token: str, attempt: int) -> None:
    """This round took the slot, but a wake-up answered its token first: the execution has gone
    on to another AcquireSlot round, which may have looked before the slot was ours and parked.
    Its token is on the job: tell it the slot is taken, while the slot is still this attempt's
    (a round that answers itself too is harmless: the second answer finds the token gone)."""
    from chalicelib import aws

    current = JobModel.get(job.job_id, consistent_read=True)
    if int(current.attempt) != attempt or JobStatus(current.status).is_final:
        return
    if semaphore.lock_of(job.workspace).owner != semaphore.owner_of(job.job_id, attempt):
        return
    if current.slot_token and current.slot_token != token:
        aws.send_task_success(current.slot_token, {"acquired": True})


def _pending_batches(job: JobModel, phase: dict[str, Any]) -> list[int]:
    try:
        done = CheckpointModel.get(job.job_id, phase["name"], consistent_read=True).done_batches
    except CheckpointModel.DoesNotExist:
        done = set()
    return [b for b in range(phase["batches"]) if b not in done]


def next_step(event: dict[str, Any]) -> dict[str, Any]:
    job = job_repo.get_job(event["job_id"])
    joblive.fold(job)  # between waves the job item holds the figures of the batches run so far
    none = {"phase": "", "batches": [], "max_concurrency": 1, "timeout_s": NO_TIMEOUT_S}
    if job.control == "fail":
        return {"action": "fail", **none}
    if job.control in ("stop", "force") or JobStatus(job.status).is_final:
        return {"action": "finish", **none}  # final: cancelled while it was taking the slot
    if job.control == "pause":
        return {"action": "pause", **none}
    plan, index = job.plan, int(job.phase_index)
    while index < len(plan):
        phase = plan[index]
        pending = _pending_batches(job, phase)
        if pending:
            step = JobModel.step.set(step_text(plan, index))
            if index != int(job.phase_index) and not _advance(job, index, step):
                return {"action": "finish", **none}  # ended meanwhile (stopped from outside)
            if phase["name"] == "prompts" and not writes_prompts_online(job.workspace):
                _fill_prompts(job, phase, pending)
                index += 1
                continue
            concurrency = job.snapshot["parameters"]["max_concurrency"]
            if phase["name"] == "approval":
                return {
                    **none,
                    "action": "approval",
                    "phase": phase["name"],
                    "timeout_s": approval_timeout_s(job),
                }
            if phase["name"] in once_runners():
                return {**none, "action": "once", "phase": phase["name"]}
            wave = pending[: concurrency * WAVE_PER_CONCURRENCY]
            # Only Midjourney generation waits on its provider; other batches skip the Wait loop.
            polls = phase["name"] == "generate" and job.snapshot.get("provider") == "midjourney"
            return {
                **none,
                "action": "poll_batches" if polls else "batches",
                "phase": phase["name"],
                "batches": wave,
                "max_concurrency": concurrency,
            }
        index += 1
    if index != int(job.phase_index):
        _advance(job, index)
    return {"action": "finish", **none}


def _advance(job: JobModel, index: int, *more_actions: Any) -> bool:
    """Move the job to phase `index`, unless it ended meanwhile (an execution stopped from the
    AWS console while this task ran: its end wrote the step the user must keep seeing)."""
    actions = [
        JobModel.phase_index.set(index),
        JobModel.phase_units_done.set(0),
        *more_actions,
        *durations.phase_change_actions(job, index),
    ]
    unfinished = [s.value for s in JobStatus if not s.is_final]
    try:
        job.update(actions=actions, condition=JobModel.status.is_in(*unfinished))
    except UpdateError as err:
        if getattr(err, "cause_response_code", None) != "ConditionalCheckFailedException":
            raise
        job.refresh(consistent_read=True)
        return False
    return True


def _fill_prompts(job: JobModel, phase: dict[str, Any], pending: list[int]) -> None:
    """Prompts filled in offline (no OpenAI key) take microseconds each: NextStep writes them
    itself, batch by batch with their checkpoints, rather than start a Map of Lambda tasks."""
    from chalicelib.phases import prompts
    from chalicelib.plan import batch_generations

    ctx, _ = _context(job, phase["name"])
    try:
        with ctx.log:
            for batch in pending:
                prompts.run_batch(ctx, batch_generations(phase, batch, job.snapshot["generations"]))
                _checkpoint(job.job_id, phase["name"], batch)
    finally:
        ctx.tally.flush()


def _context(job: JobModel, phase_name: str) -> tuple[PhaseContext, dict[str, Any]]:
    index = next(i for i, p in enumerate(job.plan) if p["name"] == phase_name)
    log = JobLog(job.job_id, debug=bool(job.snapshot.get("debug")), step=phase_name)
    return PhaseContext(job=job, config=job.snapshot, log=log, phase_index=index), job.plan[index]


def _checkpoint(job_id: str, phase: str, batch: int) -> None:
    CheckpointModel(job_id, phase).update(actions=[CheckpointModel.done_batches.add({batch})])


def run_batch(event: dict[str, Any]) -> dict[str, Any]:
    from chalicelib.plan import batch_generations

    job = job_repo.get_job(event["job_id"])
    ctx, phase = _context(job, event["phase"])
    batch = int(event["batch"])
    joblive.note_retry(job.job_id, phase["name"], event.get("retry"))
    if job.control:
        return {"done": False, "wait_s": 0}
    try:
        with ctx.log:
            if phase["name"] in image_runners():
                outcome: bool | int = image_runners()[phase["name"]](ctx, batch_images(job, phase, batch))
            else:
                generations = batch_generations(phase, batch, job.snapshot["generations"])
                outcome = batch_runners()[phase["name"]](ctx, generations)
    finally:  # the images written so far are searchable and counted, even if the batch failed
        ctx.postings.flush()
        ctx.tally.flush()
    if outcome is True:
        _checkpoint(job.job_id, phase["name"], batch)
    wait_s = outcome if isinstance(outcome, int) and not isinstance(outcome, bool) else 0
    return {"done": outcome is True, "wait_s": wait_s}


def batch_images(job: JobModel, phase: dict[str, Any], batch: int) -> list[ImageModel]:
    """The images one batch of a per-image phase works on, in order."""
    from chalicelib.phases.generate import image_id
    from chalicelib.plan import batch_generations

    if job.retry:
        share = batch_generations(phase, batch, len(job.retry["image_ids"]))
        ids = job.retry["image_ids"][share.start : share.stop]
        found = {image.image_id: image for image in ImageModel.batch_get(ids)}
        return [found[i] for i in ids if i in found]
    generations = batch_generations(phase, batch, job.snapshot["generations"])
    variations = job.snapshot["variations"]
    first = image_id(job.job_id, generations.start, 0)
    last = image_id(job.job_id, generations.stop - 1, variations - 1)
    return list(ImageModel.by_job.query(job.job_id, ImageModel.image_id.between(first, last)))


def run_phase(event: dict[str, Any]) -> dict[str, Any]:
    job = job_repo.get_job(event["job_id"])
    ctx, phase = _context(job, event["phase"])
    joblive.note_retry(job.job_id, phase["name"], event.get("retry"))
    try:
        with ctx.log:
            once_runners()[phase["name"]](ctx)
    finally:
        ctx.postings.flush()
        ctx.tally.flush()
    _checkpoint(job.job_id, phase["name"], 0)
    return {"done": True}


def _hold(event: dict[str, Any], status: JobStatus, message: str, *, still_held: Any) -> JobModel:
    """Park the execution on its task token (stored on the job for whoever lets it go on) with
    the job in `status`; answer the token at once if `still_held(job)` is already false."""
    from chalicelib import aws

    job = job_repo.get_job(event["job_id"])
    job.update(actions=[JobModel.park_token.set(event["token"])])
    if job_repo.transition(job, status, JobModel.step.set(status.label)):
        with JobLog(job.job_id) as log:
            log.info(message)
    job.refresh(consistent_read=True)
    if not still_held(job):
        aws.send_task_success(event["token"], {"held": False})
    return job


def park_job(event: dict[str, Any]) -> None:
    """Hold a paused job until `resume` (or a stop) answers its token."""
    message = "Job paused at a checkpoint"
    _hold(event, JobStatus.PAUSED, message, still_held=lambda job: job.control == "pause")


def await_approval(event: dict[str, Any]) -> None:
    """Hold the job at its approval step until approve, reject or a stop answers its token."""
    job = job_repo.get_job(event["job_id"])
    message = (
        f"Waiting for approval: {int(job.images_ok)} of {int(job.images_planned)} image(s) "
        "ready for review; approve to go on, reject to fail the job"
    )
    if job.snapshot.get("approval_timeout_h"):
        deadline = job_repo.utcnow() + timedelta(seconds=approval_timeout_s(job))
        job.update(actions=[JobModel.approval_deadline.set(deadline)])
        action = "approved" if job.snapshot.get("approval_timeout_action") == "approve" else "rejected"
        message += f"; {action} by default at {deadline:%Y-%m-%d %H:%M:%S} UTC"
    _hold(
        event,
        JobStatus.WAITING_FOR_APPROVAL,
        message,
        still_held=lambda job: (
            not job.control
            and job.status == JobStatus.WAITING_FOR_APPROVAL.value
            and not approval_given(job.job_id)
        ),
    )


NO_TIMEOUT_S = 99_999_999  # Step Functions' own default: a task without a timeout


def approval_timeout_s(job: JobModel) -> int:
    """How long WaitForApproval may hold (its TimeoutSecondsPath): the job's approval_timeout_h."""
    hours = (job.snapshot or {}).get("approval_timeout_h")
    return max(1, round(float(hours) * 3600)) if hours else NO_TIMEOUT_S


def approval_timed_out(event: dict[str, Any]) -> dict[str, Any]:
    """WaitForApproval timed out (its Catch of States.Timeout): the job's default action applies,
    unless a person decided first (the decision is on the job before its token is answered)."""
    job = job_repo.get_job(event["job_id"])
    if job.status != JobStatus.WAITING_FOR_APPROVAL.value or job.control or approval_given(job.job_id):
        return {"applied": None}
    hours = float(job.snapshot.get("approval_timeout_h") or 0)
    action = job.snapshot.get("approval_timeout_action") or "reject"
    verdict = "approved" if action == "approve" else "rejected"
    message = f"Approval timed out after {hours:g} h: {verdict} by default"
    job.update(actions=[JobModel.park_token.remove()])
    if action == "approve":
        record_approval(job.job_id)
        step = step_text(job.plan, int(job.phase_index) + 1)
        if not job_repo.transition(job, JobStatus.RUNNING, JobModel.step.set(step)):
            return {"applied": None}
    else:
        if not job_repo.set_control(job, "fail", JobStatus.WAITING_FOR_APPROVAL):
            return {"applied": None}
        job.update(actions=[JobModel.error.set(message)])
    with JobLog(job.job_id) as log:
        log.info(message)
    return {"applied": action}


def approval_given(job_id: str) -> bool:
    try:
        return 0 in CheckpointModel.get(job_id, "approval", consistent_read=True).done_batches
    except CheckpointModel.DoesNotExist:
        return False


def record_approval(job_id: str) -> None:
    _checkpoint(job_id, "approval", 0)


def finish_job(event: dict[str, Any]) -> dict[str, Any]:
    """Set the final status and free the slot."""
    job = job_repo.get_job(event["job_id"])
    if _is_earlier_attempt(job, event.get("execution_name")):  # ended by a force stop: only its slot
        semaphore.release(
            job.workspace, job.job_id, None, attempt=attempt_of(event["execution_name"], job.job_id)
        )
        return {"status": job.status}
    attempt, ticket = int(job.attempt), _ticket(job)  # this attempt's, whatever a resume does next
    joblive.fold(job)
    if not JobStatus(job.status).is_final:
        if job.control in ("stop", "force"):
            target = JobStatus.CANCELLED
        elif int(job.images_ok) > 0:
            target = JobStatus.COMPLETED
        else:
            target = JobStatus.FAILED
        extra = [JobModel.control.remove(), JobModel.step.set(target.label)]
        if target is JobStatus.FAILED:
            extra.append(JobModel.error.set("No image was produced"))
        if target is JobStatus.COMPLETED:
            _learn_durations(job)  # before the status: whoever sees it completed sees what it taught
        else:  # before the status too: whoever sees the job ended sees its images final, counted
            unfinished = "No image was produced" if target is JobStatus.FAILED else None
            _settle(job, job.error or unfinished or _unfinished_message(target.value))
        if job_repo.transition(job, target, *extra, attempt=attempt):
            with JobLog(job.job_id) as log:
                log.info(f"Job {target.value}")
    elif job.status != JobStatus.COMPLETED.value:  # completed: finalize approved what was left
        _settle(job, job.error or _unfinished_message(job.status))
    semaphore.release(job.workspace, job.job_id, ticket, attempt=attempt)
    return {"status": job.status}


def _unfinished_message(status: str) -> str:
    return f"Job {status} before this image was finished"


def _settle(job: JobModel, message: str) -> None:
    """Fail the images the ending job leaves unfinished (chalicelib.settle)."""
    from chalicelib.settle import settle_images  # Pillow: only on a job's end

    settle_images(job, message)


def _learn_durations(job: JobModel) -> None:
    """A completed job teaches the estimate how long its settings take (never blocks the finish)."""
    from chalicelib.estimate.service import workspace_keys

    try:
        durations.learn(job, workspace_keys(job.workspace), finished_at=job_repo.utcnow())
    except Exception:  # noqa: BLE001 - the job is done whatever the estimate learns
        logger.exception("could not learn from job %s", job.job_id)


def _ticket(job: JobModel) -> int | None:
    return int(job.ticket) if job.ticket is not None else None


def fail_batch(event: dict[str, Any]) -> None:
    """Record a failed batch: the job will fail once the wave has drained (see NextStep)."""
    message = describe_error(event.get("error") or {})
    job = job_repo.find_job(event["job_id"])
    if job is None:
        return
    with JobLog(job.job_id, debug=_debug(job), step=event.get("phase", "")) as log:
        log.info(
            f"Batch {int(event.get('batch', 0)) + 1} of {event.get('phase')} failed; the job stops "
            "once the batches running now end, and can be resumed from its checkpoint"
        )
        log.debug_line(f"Batch {int(event.get('batch', 0)) + 1}: {message}")
    job_repo.set_control(job, "fail", JobStatus.RUNNING, JobStatus.PAUSED)
    try:  # the first failure is the one reported
        job.update(actions=[JobModel.error.set(message[:2000])], condition=JobModel.error.does_not_exist())
    except UpdateError:
        pass


def fail_job(event: dict[str, Any]) -> None:
    state = event.get("state") or {}
    job_id = state.get("job_id") or (state.get("input") or {}).get("job_id") or event.get("execution_name")
    job = job_repo.find_job(job_id) if job_id else None
    if job is None:  # RegisterJob itself failed: a later start may be waiting for it to register
        semaphore.wake_next(str(state.get("workspace") or get_settings().default_workspace))
        return
    if _is_earlier_attempt(job, event.get("execution_name")):  # ended by a force stop: only its slot
        semaphore.release(
            job.workspace, job.job_id, None, attempt=attempt_of(event["execution_name"], job.job_id)
        )
        return
    error = state.get("error")
    message = describe_error(error) if error else (job.error or "Failed")
    mark_ended(job, message)


def _debug(job: JobModel) -> bool:
    return bool((job.snapshot or {}).get("debug"))


#: Why a job ended that are plain sentences already, and so stand in the Standard log as they are.
PLAIN_ENDINGS = ("No image was produced", "Rejected at the approval step", "Execution ")


def ended_line(message: str) -> str:
    """The Standard line of a failed job: its reason when that is a plain sentence, else what
    the user can do (the technical reason goes to a Debug line and the job's error)."""
    if message.startswith(PLAIN_ENDINGS):
        return f"Job failed: {message}"
    return "Job failed; see the job's error for why, and resume it to go on from its checkpoint"


def describe_error(error: dict[str, Any]) -> str:
    """A readable error from Step Functions' {Error, Cause} (the cause is often Lambda's JSON)."""
    import json

    cause = error.get("Cause") or ""
    try:
        parsed = json.loads(cause)
        cause = parsed.get("errorMessage") or cause
    except (ValueError, AttributeError):
        pass
    name = error.get("Error") or "Error"
    return f"{name}: {cause}" if cause else name


STOPPED_OUTSIDE = "stopped outside Image Factory"


def mark_ended(job: JobModel, message: str, *, aborted: bool = False, settle: bool = True) -> None:
    """An execution ended abnormally, slot released: failed, or cancelled when it was stopped
    (a force stop of ours, or `aborted`: StopExecution from the AWS CLI or console); the images
    left unfinished fail (`settle=False` leaves that to the cleanup path that follows, for a
    caller that must answer quickly)."""
    attempt, ticket = int(job.attempt), _ticket(job)  # this attempt's, whatever a resume does next
    joblive.fold(job)
    if settle:  # before the status: whoever sees the job ended sees its images final, counted
        job.refresh(consistent_read=True)
        if int(job.attempt) != attempt:  # resumed meanwhile: the new attempt owns the job now
            semaphore.release(job.workspace, job.job_id, None, attempt=attempt)
            return
        _settle(job, job.error or message)
    if not JobStatus(job.status).is_final:
        forced = job.control == "force"
        target = JobStatus.CANCELLED if forced or aborted else JobStatus.FAILED
        if forced:
            step, line = target.label, "Job force-stopped"
        elif aborted:
            step, line = f"{target.label} ({STOPPED_OUTSIDE})", f"Job cancelled: {STOPPED_OUTSIDE}"
        else:
            step, line = target.label, ended_line(message)
        extra = [JobModel.control.remove(), JobModel.step.set(step)]
        if target is JobStatus.FAILED:
            extra.append(JobModel.error.set(message[:2000]))
        if job_repo.transition(job, target, *extra, attempt=attempt):
            with JobLog(job.job_id, debug=_debug(job)) as log:
                log.info(line)
                if target is JobStatus.FAILED:
                    log.debug_line(f"Job failed: {message}")
    semaphore.release(job.workspace, job.job_id, ticket, attempt=attempt)


def cleanup_execution(event: dict[str, Any]) -> None:
    """EventBridge "Execution Status Change" (FAILED, TIMED_OUT, ABORTED) for a job execution."""
    import json

    detail = event.get("detail") or {}
    raw_input = detail.get("input") or "{}"
    try:
        payload = json.loads(raw_input) if isinstance(raw_input, str) else raw_input
    except ValueError:
        payload = {}
    job_id = (payload or {}).get("job_id") or detail.get("name")
    job = job_repo.find_job(job_id) if job_id else None
    if job is None:
        return
    if attempt_of(detail.get("name") or "", job.job_id) != int(job.attempt):
        return  # an earlier attempt of a job that has since been resumed
    if job.execution_arn and detail.get("executionArn") and job.execution_arn != detail["executionArn"]:
        return
    status = str(detail.get("status") or "ended")
    mark_ended(job, f"Execution {status.lower()}", aborted=status == "ABORTED")


def _is_earlier_attempt(job: JobModel, execution_name: str | None) -> bool:
    """True for the late last task of an execution the job has been resumed from: its attempt
    was ended (and its slot released) by whoever stopped it, and the job now belongs to the
    resumed execution."""
    return bool(execution_name) and attempt_of(str(execution_name), job.job_id) != int(job.attempt)


def attempt_of(execution_name: str, job_id: str) -> int:
    """Executions are named `<job id>` (first attempt) and `<job id>-<attempt>` (resumes)."""
    suffix = execution_name[len(job_id) + 1 :] if execution_name.startswith(f"{job_id}-") else ""
    return int(suffix) if suffix.isdigit() else 1


def progress_of(job: JobModel) -> int:
    return compute_progress(
        job.plan or [],
        int(job.phase_index),
        int(job.phase_units_done),
        finished=job.status == JobStatus.COMPLETED.value,
        images_planned=int(job.images_planned),
    )
