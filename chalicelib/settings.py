"""The one place that reads the environment.

Every deployment knob is an environment variable named here; the CDK app sets them per stage and
the local stack sets them for `imgfactory dev`. Resolution order: explicit argument > env > default.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache

ENV_STAGE = "IMGF_STAGE"
ENV_REGION = "AWS_DEFAULT_REGION"
ENV_AWS_ENDPOINT = "IMGF_AWS_ENDPOINT"
ENV_TABLE_PREFIX = "IMGF_TABLE_PREFIX"
ENV_BUCKET = "IMGF_BUCKET"
ENV_JOB_MACHINE_ARN = "IMGF_JOB_STATE_MACHINE_ARN"
ENV_WEBSOCKET_URL = "IMGF_WEBSOCKET_URL"
ENV_DEFAULT_WORKSPACE = "IMGF_DEFAULT_WORKSPACE"
ENV_IMAGES_PER_BATCH = "IMGF_IMAGES_PER_BATCH"
ENV_SLOT_RECHECK_S = "IMGF_SLOT_RECHECK_S"
ENV_TASK_TIMEOUT_S = "IMGF_TASK_TIMEOUT_S"
ENV_LOCAL = "IMGF_LOCAL"
# Provider endpoints; unset means the provider's public API (tests point them at local fakes).
ENV_RUNWARE_URL = "IMGF_RUNWARE_URL"
ENV_OPENAI_URL = "IMGF_OPENAI_URL"
ENV_PIAPI_URL = "IMGF_PIAPI_URL"
ENV_REMOVEBG_URL = "IMGF_REMOVEBG_URL"
ENV_PROVIDER_TIMEOUT_S = "IMGF_PROVIDER_TIMEOUT_S"
# The WebSocket API's management endpoint (https://<api>.execute-api.<region>.amazonaws.com/<stage>).
ENV_WEBSOCKET_MANAGEMENT_URL = "IMGF_WEBSOCKET_MANAGEMENT_URL"
# On AWS the functions cannot get the WebSocket API's URLs as variables (the API depends on the
# functions): the stack writes them into SSM String parameters and passes the parameters' names.
ENV_WEBSOCKET_MANAGEMENT_URL_PARAMETER = "IMGF_WEBSOCKET_MANAGEMENT_URL_PARAMETER"
ENV_WEBSOCKET_URL_PARAMETER = "IMGF_WEBSOCKET_URL_PARAMETER"
# The Cognito user pool whose ID tokens the API accepts, and the app client they are issued to.
ENV_USER_POOL_ID = "IMGF_USER_POOL_ID"
ENV_USER_POOL_CLIENT_ID = "IMGF_USER_POOL_CLIENT_ID"
# EventBridge Scheduler: where a scheduled job's one-time schedule lives, what it invokes (the
# `start_scheduled_job` function) and the role it invokes it with.
ENV_SCHEDULE_GROUP = "IMGF_SCHEDULE_GROUP"
ENV_SCHEDULER_TARGET_ARN = "IMGF_SCHEDULER_TARGET_ARN"
ENV_SCHEDULER_ROLE_ARN = "IMGF_SCHEDULER_ROLE_ARN"
# Exports are built by the `build_export` function, invoked asynchronously; the request waits
# this long for it before answering 202 with the export still `building`.
ENV_EXPORT_FUNCTION_ARN = "IMGF_EXPORT_FUNCTION_ARN"
ENV_EXPORT_WAIT_S = "IMGF_EXPORT_WAIT_S"
# Deletions (jobs, images) run in the `delete_worker` function, invoked asynchronously.
ENV_DELETE_FUNCTION_ARN = "IMGF_DELETE_FUNCTION_ARN"


@dataclass(frozen=True)
class Settings:
    stage: str = "dev"
    region: str = "us-east-1"
    aws_endpoint: str | None = None
    table_prefix: str = "imgfactory-dev"
    bucket: str = "imgfactory-dev-images"
    job_state_machine_arn: str = ""
    websocket_url: str | None = None
    # The workspace of jobs started straight on Step Functions without one (an operator's
    # `aws stepfunctions start-execution`); the local stack sets it to its dev user's.
    default_workspace: str = "default"
    # Images handled by one Lambda task: bigger batches mean fewer state transitions per image
    # (Step Functions bills transitions and caps history at 25,000 events per execution).
    images_per_batch: int = 10
    # A queued job re-checks the slot at least this often even if no wake-up reaches it.
    slot_recheck_s: int = 300
    # The longest the state machine waits on one of a job's short tasks (NextStep, FinishJob)
    # before it times the call out and makes it again: past the functions' own 60 s timeout on
    # AWS, so it only ends an invocation that was lost, never one still running.
    task_timeout_s: int = 90
    local: bool = False
    provider_urls: dict[str, str] = field(default_factory=dict)
    # The longest one provider call may take, whatever the job's polling timeout says: a task
    # must finish well inside Lambda's 15 minutes.
    provider_timeout_s: int = 300
    websocket_management_url: str | None = None
    # SSM parameter names, read when the URL itself is not set (see `websocket_url()`).
    websocket_management_url_parameter: str | None = None
    websocket_url_parameter: str | None = None
    user_pool_id: str = ""
    user_pool_client_id: str = ""
    schedule_group: str = "imgfactory-dev"
    scheduler_target_arn: str = ""
    scheduler_role_arn: str = ""
    export_function_arn: str = ""
    export_wait_s: int = 20  # well inside API Gateway's 29 seconds
    delete_function_arn: str = ""

    def table_name(self, short: str) -> str:
        return f"{self.table_prefix}-{short}"

    @property
    def token_issuer(self) -> str:
        """The `iss` of the pool's tokens (moto issues the same one as Cognito)."""
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.user_pool_id}"

    @property
    def jwks_url(self) -> str:
        """The pool's public keys: from Cognito, or from the local stack's moto server."""
        base = f"{self.aws_endpoint}/{self.user_pool_id}" if self.aws_endpoint else self.token_issuer
        return f"{base}/.well-known/jwks.json"

    def with_overrides(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def _int(env: dict[str, str], key: str, default: int) -> int:
    value = env.get(key)
    return int(value) if value not in (None, "") else default


def settings_from_env(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    stage = env.get(ENV_STAGE, "dev")
    prefix = env.get(ENV_TABLE_PREFIX, f"imgfactory-{stage}")
    return Settings(
        stage=stage,
        region=env.get(ENV_REGION, "us-east-1"),
        aws_endpoint=env.get(ENV_AWS_ENDPOINT) or None,
        table_prefix=prefix,
        bucket=env.get(ENV_BUCKET, f"{prefix}-images"),
        job_state_machine_arn=env.get(ENV_JOB_MACHINE_ARN, ""),
        websocket_url=env.get(ENV_WEBSOCKET_URL) or None,
        default_workspace=env.get(ENV_DEFAULT_WORKSPACE, "default"),
        images_per_batch=_int(env, ENV_IMAGES_PER_BATCH, 10),
        slot_recheck_s=_int(env, ENV_SLOT_RECHECK_S, 300),
        task_timeout_s=_int(env, ENV_TASK_TIMEOUT_S, 90),
        local=env.get(ENV_LOCAL, "") == "1",
        provider_timeout_s=_int(env, ENV_PROVIDER_TIMEOUT_S, 300),
        websocket_management_url=env.get(ENV_WEBSOCKET_MANAGEMENT_URL) or None,
        websocket_management_url_parameter=env.get(ENV_WEBSOCKET_MANAGEMENT_URL_PARAMETER) or None,
        websocket_url_parameter=env.get(ENV_WEBSOCKET_URL_PARAMETER) or None,
        user_pool_id=env.get(ENV_USER_POOL_ID, ""),
        user_pool_client_id=env.get(ENV_USER_POOL_CLIENT_ID, ""),
        schedule_group=env.get(ENV_SCHEDULE_GROUP, f"imgfactory-{stage}"),
        scheduler_target_arn=env.get(ENV_SCHEDULER_TARGET_ARN, ""),
        scheduler_role_arn=env.get(ENV_SCHEDULER_ROLE_ARN, ""),
        export_function_arn=env.get(ENV_EXPORT_FUNCTION_ARN, ""),
        export_wait_s=_int(env, ENV_EXPORT_WAIT_S, 20),
        delete_function_arn=env.get(ENV_DELETE_FUNCTION_ARN, ""),
        provider_urls={
            name: env[key]
            for name, key in (
                ("runware", ENV_RUNWARE_URL),
                ("openai", ENV_OPENAI_URL),
                ("piapi", ENV_PIAPI_URL),
                ("remove_bg", ENV_REMOVEBG_URL),
            )
            if env.get(key)
        },
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings of this process, read once (Lambda containers and the local stack alike)."""
    return settings_from_env()


@cache
def parameter_value(name: str) -> str:
    """An SSM String parameter the deployment wrote, read once per process."""
    from chalicelib import aws

    value: str = aws.client("ssm").get_parameter(Name=name)["Parameter"]["Value"]
    return value


def websocket_url(settings: Settings | None = None) -> str | None:
    """Where clients connect (`wss://...`): the setting, else the stack's SSM parameter."""
    settings = settings or get_settings()
    if settings.websocket_url:
        return settings.websocket_url
    return parameter_value(settings.websocket_url_parameter) if settings.websocket_url_parameter else None


def websocket_management_url(settings: Settings | None = None) -> str | None:
    """The WebSocket API's management endpoint (`https://...`), resolved like `websocket_url`."""
    settings = settings or get_settings()
    if settings.websocket_management_url:
        return settings.websocket_management_url
    name = settings.websocket_management_url_parameter
    return parameter_value(name) if name else None


def reset_settings() -> None:
    """Forget cached settings and clients (the local stack calls this after setting the env);
    the models follow the new settings on their next call."""
    get_settings.cache_clear()
    parameter_value.cache_clear()
    from chalicelib import aws, notify, secrets

    aws.reset_clients()
    notify.forget_senders()
    secrets.forget_cache()
