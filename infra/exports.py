"""The background workers: export requests invoke `build_export` and deletion requests
`delete_worker` asynchronously (`chalicelib.aws.invoke_async`), so every function is told their
ARNs, by their fixed names."""

from __future__ import annotations

from aws_cdk import Stack
from chalice.cdk import Chalice

from chalicelib import settings as env
from chalicelib.settings import Settings
from infra.functions import fix_function_name, fixed_function_arn

BUILDER_FUNCTION = "build_export"
DELETE_FUNCTION = "delete_worker"
WORKERS = {BUILDER_FUNCTION: env.ENV_EXPORT_FUNCTION_ARN, DELETE_FUNCTION: env.ENV_DELETE_FUNCTION_ARN}


def builder_environment(stack: Stack, settings: Settings) -> dict[str, str]:
    return {variable: fixed_function_arn(stack, settings, name) for name, variable in WORKERS.items()}


def wire_export_builder(chalice: Chalice, settings: Settings) -> None:
    """Name the workers (the API's role may invoke them, and the deletion worker itself, to carry
    on past its time limit: `infra.roles`)."""
    for name in WORKERS:
        fix_function_name(chalice, settings, name)
