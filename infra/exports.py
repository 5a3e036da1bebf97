"""The export builder: export requests invoke `build_export` asynchronously
(`chalicelib.aws.invoke_async`), so every function is told its ARN, by its fixed name."""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from chalice.cdk import Chalice

from chalicelib import settings as env
from chalicelib.settings import Settings
from infra.functions import fix_function_name, fixed_function_arn

BUILDER_FUNCTION = "build_export"


def builder_environment(stack: Stack, settings: Settings) -> dict[str, str]:
    return {env.ENV_EXPORT_FUNCTION_ARN: fixed_function_arn(stack, settings, BUILDER_FUNCTION)}


def wire_export_builder(stack: Stack, settings: Settings, chalice: Chalice, lambda_role: iam.IRole) -> None:
    """Name the builder, and let the app's functions invoke it (and only it)."""
    fix_function_name(chalice, settings, BUILDER_FUNCTION)
    builder = fixed_function_arn(stack, settings, BUILDER_FUNCTION)
    lambda_role.add_to_principal_policy(
        iam.PolicyStatement(actions=["lambda:InvokeFunction"], resources=[builder])
    )
