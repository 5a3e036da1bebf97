"""Functions other functions call by ARN (the scheduler's target, the export builder).

A function's own environment cannot refer to the function (CloudFormation would see a cycle), so
these get a fixed name, `imgfactory-<stage>-<name>`, and everyone is told the ARN built from it.
"""

from __future__ import annotations

from aws_cdk import ArnFormat, Stack
from chalice.cdk import Chalice
from chalice.utils import to_cfn_resource_name

from chalicelib.settings import Settings


def fixed_function_name(settings: Settings, name: str) -> str:
    return f"imgfactory-{settings.stage}-{name}"


def fixed_function_arn(stack: Stack, settings: Settings, name: str) -> str:
    return stack.format_arn(
        service="lambda",
        resource="function",
        resource_name=fixed_function_name(settings, name),
        arn_format=ArnFormat.COLON_RESOURCE_NAME,
    )


def fix_function_name(chalice: Chalice, settings: Settings, name: str) -> None:
    function = chalice.get_resource(to_cfn_resource_name(name))
    function.add_property_override("FunctionName", fixed_function_name(settings, name))
