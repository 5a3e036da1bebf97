"""cdk-nag's AwsSolutions findings this stack accepts, each named with its rule and why it does
not apply here. tests/infra apply the rules and fail on any other error.

cdk-nag reports each wildcard of a policy as its own finding (`IAM5[Resource::<text>]`), and CDK
acknowledges findings by exact id: `acknowledge_wildcards` names every wildcard a construct's
policies hold, once the stack is complete, with the one reason that covers them all.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import Acknowledgment, Stack, Validations
from aws_cdk import aws_iam as iam
from constructs import IConstruct

# CDK's own function behind `BucketDeployment` (console files): its runtime, managed policy and
# wildcards are aws-cdk-lib's, not this app's.
BUCKET_DEPLOYMENT_HANDLER = "Custom::CDKBucketDeployment"


def acknowledge(construct: IConstruct, rule: str, reason: str) -> None:
    Validations.of(construct).acknowledge(
        Acknowledgment(id=f"AwsSolutions::AwsSolutions-{rule}", reason=reason)
    )


def _as_text(value: Any) -> str:
    """A resolved value as cdk-nag prints it: `<X.Arn>` for GetAtt, `<X>` for Ref, joins joined."""
    if isinstance(value, str):
        return value
    if "Fn::GetAtt" in value:
        return "<{}.{}>".format(*value["Fn::GetAtt"])
    if "Ref" in value:
        return f"<{value['Ref']}>"
    if "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return str(separator).join(_as_text(part) for part in parts)
    return str(value)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def acknowledge_wildcards(construct: IConstruct, reason: str) -> None:
    """Acknowledge `AwsSolutions-IAM5` for each wildcard in the policies under `construct`."""
    stack = Stack.of(construct)
    for node in construct.node.find_all():
        if not isinstance(node, iam.CfnPolicy):
            continue
        document = stack.resolve(node.policy_document)
        for statement in document.get("Statement", []):
            findings = [f"Action::{a}" for a in _as_list(statement.get("Action", [])) if "*" in a]
            findings += [
                f"Resource::{text}"
                for text in map(_as_text, _as_list(statement.get("Resource", [])))
                if "*" in text
            ]
            for finding in findings:
                acknowledge(construct, f"IAM5[{finding}]", reason)


def acknowledge_cdk_handlers(stack: Stack) -> None:
    for child in stack.node.children:
        if child.node.id.startswith(BUCKET_DEPLOYMENT_HANDLER):
            reason = "aws-cdk-lib's BucketDeployment handler, which copies the console's files"
            acknowledge(child, "L1", f"{reason}: its runtime is pinned by aws-cdk-lib")
            acknowledge(
                child,
                "IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
                f"{reason}: it logs with AWSLambdaBasicExecutionRole",
            )
            acknowledge_wildcards(child, f"{reason}: it reads the asset and writes the console bucket")
