"""Thin, lazily built AWS clients: the only place besides the models that talks to AWS.

Clients are created on first use (never at import time) and cached; the local stack points them at
its moto server through the settings' endpoint.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from chalicelib.settings import get_settings

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_stepfunctions import SFNClient

_CLIENT_CONFIG = Config(retries={"max_attempts": 4, "mode": "standard"}, max_pool_connections=32)


@cache
def client(service: str) -> Any:
    settings = get_settings()
    return boto3.client(
        service,
        region_name=settings.region,
        endpoint_url=settings.aws_endpoint,
        config=_CLIENT_CONFIG,
    )


def reset_clients() -> None:
    client.cache_clear()


def sfn() -> SFNClient:
    return client("stepfunctions")


def s3() -> S3Client:
    return client("s3")


# --- Step Functions -------------------------------------------------------------------------

TOKEN_GONE_ERRORS = {"TaskDoesNotExist", "TaskTimedOut", "InvalidToken"}


def start_execution(name: str, payload: dict[str, Any], machine_arn: str | None = None) -> str:
    arn = machine_arn or get_settings().job_state_machine_arn
    response = sfn().start_execution(stateMachineArn=arn, name=name, input=json.dumps(payload))
    return response["executionArn"]


def stop_execution(execution_arn: str, cause: str) -> None:
    try:
        sfn().stop_execution(executionArn=execution_arn, error="ForceStopped", cause=cause)
    except ClientError as err:
        if err.response["Error"]["Code"] not in {"ExecutionDoesNotExist", "ValidationException"}:
            raise


def send_task_success(token: str, output: dict[str, Any]) -> bool:
    """Answer a waiting task token; False when the waiting task is already gone."""
    try:
        sfn().send_task_success(taskToken=token, output=json.dumps(output))
        return True
    except ClientError as err:
        if err.response["Error"]["Code"] in TOKEN_GONE_ERRORS:
            return False
        raise


def execution_status(execution_arn: str) -> str:
    return sfn().describe_execution(executionArn=execution_arn)["status"]


# --- S3 -------------------------------------------------------------------------------------


def put_object(key: str, body: bytes, content_type: str) -> None:
    s3().put_object(Bucket=get_settings().bucket, Key=key, Body=body, ContentType=content_type)


def get_object(key: str) -> bytes:
    return s3().get_object(Bucket=get_settings().bucket, Key=key)["Body"].read()


def delete_prefix(prefix: str) -> int:
    """Delete every object under a prefix, 1,000 per request."""
    bucket = get_settings().bucket
    deleted = 0
    paginator = s3().get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
        keys = [{"Key": obj["Key"]} for obj in page.get("Contents", [])]
        if keys:
            s3().delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})
            deleted += len(keys)
    return deleted


def presigned_url(key: str, expires_s: int = 3600) -> str:
    return s3().generate_presigned_url(
        "get_object", Params={"Bucket": get_settings().bucket, "Key": key}, ExpiresIn=expires_s
    )


# --- EventBridge Scheduler ------------------------------------------------------------------


def create_one_time_schedule(name: str, at: datetime, payload: dict[str, Any]) -> None:
    """Invoke the scheduler target once at `at` (UTC) with `payload`; the schedule then deletes
    itself. Named after the job, so a second schedule for the same job is refused."""
    settings = get_settings()
    client("scheduler").create_schedule(
        Name=name,
        GroupName=settings.schedule_group,
        ScheduleExpression=f"at({at.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%S')})",
        ScheduleExpressionTimezone="UTC",
        FlexibleTimeWindow={"Mode": "OFF"},
        ActionAfterCompletion="DELETE",
        Target={
            "Arn": settings.scheduler_target_arn,
            "RoleArn": settings.scheduler_role_arn,
            "Input": json.dumps(payload),
            "RetryPolicy": {"MaximumRetryAttempts": 5, "MaximumEventAgeInSeconds": 3600},
        },
    )


def delete_schedule(name: str) -> None:
    """Drop a job's schedule; one that has fired (and deleted itself) is already gone."""
    try:
        client("scheduler").delete_schedule(Name=name, GroupName=get_settings().schedule_group)
    except ClientError as err:
        if err.response["Error"]["Code"] != "ResourceNotFoundException":
            raise


# --- Lambda ---------------------------------------------------------------------------------


def invoke_async(function_arn: str, payload: dict[str, Any]) -> None:
    """Hand work to another function without waiting for it (Lambda's `Event` invocation)."""
    client("lambda").invoke(FunctionName=function_arn, InvocationType="Event", Payload=json.dumps(payload))


# --- Cognito ----------------------------------------------------------------------------------

REFRESH_REFUSED_ERRORS = {"NotAuthorizedException", "InvalidParameterException", "UserNotFoundException"}


def refresh_id_token(client_id: str, refresh_token: str) -> tuple[str, int] | None:
    """A new ID token and its lifetime in seconds from a refresh token (REFRESH_TOKEN_AUTH, which
    needs no AWS credentials); None when Cognito refuses the refresh token."""
    try:
        result = client("cognito-idp").initiate_auth(
            ClientId=client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": refresh_token},
        )["AuthenticationResult"]
    except ClientError as err:
        if err.response["Error"]["Code"] in REFRESH_REFUSED_ERRORS:
            return None
        raise
    return result["IdToken"], int(result["ExpiresIn"])
