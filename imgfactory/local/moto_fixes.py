"""Where moto's Step Functions differs from AWS in ways our jobs would notice, made to behave as
AWS does. Each fix is narrow, named after the AWS behaviour it restores, and installed once by
the local stack (never in the deployed code).

- A stopped execution stays stopped: moto lets an error raised while a Map state unwinds after
  StopExecution (its own `AttributeError` on the iteration's abort details) overwrite the
  stopped state, so the execution ends FAILED (`States.Runtime`) instead of ABORTED.
- A stopped execution is ABORTED at once: moto reports it only once its interpreter thread has
  unwound, which waits for any Lambda task still running (a batch rendering), so the execution
  read RUNNING, and nothing cleaned up after it, for as long as that task ran.
- Ended executions are reported to listeners (`on_execution_ended`), as EventBridge reports
  status changes on AWS: the local stack's watcher waits on them instead of listing every
  execution four times a second, which cost more CPU the more jobs the stack had run.
- A task that timed out records nothing more: moto runs each task in a thread of its own and,
  when the state's TimeoutSeconds passes, goes on without it, but the late call still appended
  its TaskSucceeded to the history (after ExecutionSucceeded, as the last event). On AWS a
  task's late result is discarded.
- An execution started without a name gets a UUID as its name, as on AWS (moto names it
  `None`, so every such execution would share one name and RegisterJob one job id).
- DynamoDB writes are atomic, as on AWS: moto checks a write's condition and applies it in two
  Python steps with no lock, so under the threaded server a conditional write, or a transaction
  of several, could interleave with another write between its check and its apply (the queue's
  moves are transactions racing with the semaphore's conditional writes). One lock around
  moto's write operations makes each one indivisible; reads are left free.

These fixes only make moto fast enough for a stack that serves many jobs in one process:
- The server's request dispatcher lists moto's package directory (about 200 `stat` calls) on
  every request while holding its one global lock; the list never changes, so it is read once.
- The interpreter parses each JSONPath (`$.job_id`, `$.slot_recheck_s`, …) afresh every time a
  state evaluates it, building a parser each time; parsed paths are kept and reused.
- The interpreter parses the whole state machine definition (ANTLR, in Python: about 0.1 s idle
  and most of a second on a busy machine) at every execution's start, before its first state: a
  fixed cost of every job. Each definition is parsed once, and each execution runs a deep copy
  of the parsed program, as it would a fresh parse (the parsed one is never run).
- The interpreter builds a new boto3 Lambda client for every Task state it runs; one client per
  region is built once and shared (boto3 clients are thread-safe), with a connection pool as
  large as the Maps' concurrency.
- A query reads the items of its key, not the whole table (`moto_key_index`): moto walked and
  sorted every item of a table for every query, so a stack got slower the more jobs it had run.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

_installed = False
# Called with (execution ARN, status) when an execution ends: what EventBridge's "Execution
# Status Change" events tell on AWS, so the local stack need not poll ListExecutions.
_ended_listeners: list[Callable[[str, str], None]] = []


def on_execution_ended(listener: Callable[[str, str], None]) -> Callable[[], None]:
    """Hear of every execution that ends; returns the function that stops listening."""
    _ended_listeners.append(listener)
    return lambda: _ended_listeners.remove(listener)


def _report_ended(execution: Any) -> None:
    status = getattr(execution.exec_status, "value", None)
    if status and status != "RUNNING":
        for listener in list(_ended_listeners):
            listener(str(execution.exec_arn), str(status))


def install() -> None:
    global _installed
    if _installed:
        return
    _keep_stopped_executions_stopped()
    _abort_stopped_executions_at_once()
    _report_ended_executions()
    _record_nothing_after_a_task_timed_out()
    _name_unnamed_executions()
    _make_dynamodb_writes_atomic()
    _index_dynamodb_queries()
    _list_moto_modules_once()
    _parse_each_json_path_once()
    _parse_each_definition_once()
    _share_one_lambda_client()
    _installed = True


def _list_moto_modules_once() -> None:
    import functools

    from moto import backends

    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = functools.cache(lambda: modules)  # type: ignore[assignment]


def _parse_each_json_path_once() -> None:
    import functools

    from moto.stepfunctions.parser.asl.component.common.path import result_path
    from moto.stepfunctions.parser.asl.utils import json_path

    json_path.parse = functools.lru_cache(maxsize=1024)(json_path.parse)  # type: ignore[attr-defined]
    result_path.parse = functools.lru_cache(maxsize=1024)(result_path.parse)  # type: ignore[attr-defined]


def _parse_each_definition_once() -> None:
    import copy
    import functools

    from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser
    from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker

    @functools.lru_cache(maxsize=64)
    def parsed(definition: str) -> Any:
        return AmazonStateLanguageParser.parse(definition)[0]

    def entrypoint(self: Any) -> Any:
        return copy.deepcopy(parsed(self._evaluation_details.state_machine_details.definition))

    ExecutionWorker._get_evaluation_entrypoint = entrypoint  # type: ignore[method-assign]


def _share_one_lambda_client() -> None:
    from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils

    clients: dict[tuple[str, str, str | None], Any] = {}
    lock = threading.Lock()

    def client_for(region: str, service: str, state_credentials: Any = None) -> Any:
        """moto's `boto_client_for`, which ignores `state_credentials` too, built once."""
        import boto3
        from botocore.config import Config
        from moto.core.models import botocore_stubber
        from moto.settings import moto_server_port
        from moto.stepfunctions.parser.asl.component.common.timeouts.timeout import TimeoutSeconds

        endpoint = None if botocore_stubber.enabled else f"http://localhost:{moto_server_port()}"
        key = (region, service, endpoint)
        with lock:  # boto3's default session builds clients one at a time
            if key not in clients:
                clients[key] = boto3.client(  # as moto builds it, with a pool for a Map's tasks
                    service,
                    region_name=region,
                    aws_access_key_id="ak",
                    aws_secret_access_key="sk",
                    endpoint_url=endpoint,
                    config=Config(
                        parameter_validation=False,
                        retries={"max_attempts": 0, "total_max_attempts": 1},
                        connect_timeout=TimeoutSeconds.DEFAULT_TIMEOUT_SECONDS,
                        read_timeout=TimeoutSeconds.DEFAULT_TIMEOUT_SECONDS,
                        max_pool_connections=64,
                    ),
                )
            return clients[key]

    lambda_eval_utils.boto_client_for = client_for  # type: ignore[assignment]


# Held by every DynamoDB write moto applies (and by the query index while it reads its map).
DYNAMODB_WRITE_LOCK = threading.RLock()


def _make_dynamodb_writes_atomic() -> None:
    import functools

    from moto.dynamodb.models import DynamoDBBackend

    lock = DYNAMODB_WRITE_LOCK

    def atomic(method: Any) -> Any:
        @functools.wraps(method)
        def locked(self: Any, *args: Any, **kwargs: Any) -> Any:
            with lock:
                return method(self, *args, **kwargs)

        return locked

    for name in ("put_item", "update_item", "delete_item", "transact_write_items", "batch_write_item"):
        setattr(DynamoDBBackend, name, atomic(getattr(DynamoDBBackend, name)))


def _index_dynamodb_queries() -> None:
    from imgfactory.local import moto_key_index

    moto_key_index.install(DYNAMODB_WRITE_LOCK)


def _keep_stopped_executions_stopped() -> None:
    from moto.stepfunctions.parser.asl.eval.environment import Environment
    from moto.stepfunctions.parser.asl.eval.program_state import ProgramStopped

    set_error, set_timed_out = Environment.set_error, Environment.set_timed_out

    def set_error_unless_stopped(self: Any, error: Any) -> None:
        if not isinstance(self.program_state(), ProgramStopped):
            set_error(self, error)

    def set_timed_out_unless_stopped(self: Any) -> None:
        if not isinstance(self.program_state(), ProgramStopped):
            set_timed_out(self)

    Environment.set_error = set_error_unless_stopped  # type: ignore[method-assign]
    Environment.set_timed_out = set_timed_out_unless_stopped  # type: ignore[method-assign]


def _abort_stopped_executions_at_once() -> None:
    import datetime

    from moto.stepfunctions.parser.api import ExecutionStatus
    from moto.stepfunctions.parser.backend.execution import Execution

    stop = Execution.stop

    def stop_and_abort(self: Any, stop_date: datetime.datetime, error: str | None, cause: str | None) -> None:
        was_running = self.exec_status == ExecutionStatus.RUNNING
        stop(self, stop_date, error, cause)
        if was_running:
            self.exec_status = ExecutionStatus.ABORTED
            self.stop_date = stop_date
            _report_ended(self)

    Execution.stop = stop_and_abort  # type: ignore[method-assign]


def _report_ended_executions() -> None:
    from moto.stepfunctions.parser.backend.execution import BaseExecutionWorkerCommunication

    reflect = BaseExecutionWorkerCommunication._reflect_execution_status

    def reflect_and_report(self: Any) -> None:
        reflect(self)
        _report_ended(self.execution)

    BaseExecutionWorkerCommunication._reflect_execution_status = reflect_and_report  # type: ignore[method-assign]


def _record_nothing_after_a_task_timed_out() -> None:
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
        state_task_service,
        state_task_service_callback,
    )
    from moto.stepfunctions.parser.asl.eval.program_state import ProgramEnded, ProgramTimedOut

    for cls in (state_task_service.StateTaskService, state_task_service_callback.StateTaskServiceCallback):
        after = cls.__dict__["_after_eval_execution"]

        def after_unless_ended(self: Any, env: Any, *args: Any, _after: Any = after, **kwargs: Any) -> None:
            # The task's frame is ended when its state's TimeoutSeconds passes; a stopped frame
            # (StopExecution) is left to moto's own unwinding, which the abort path relies on.
            if not isinstance(env._program_state, ProgramEnded | ProgramTimedOut):
                _after(self, env, *args, **kwargs)

        cls._after_eval_execution = after_unless_ended  # type: ignore[method-assign]


def _name_unnamed_executions() -> None:
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend

    start_execution = StepFunctionsParserBackend.start_execution

    def start_named(
        self: Any, state_machine_arn: str, name: str | None = None, *args: Any, **kwargs: Any
    ) -> Any:
        return start_execution(self, state_machine_arn, name or str(uuid.uuid4()), *args, **kwargs)

    StepFunctionsParserBackend.start_execution = start_named  # type: ignore[method-assign]
