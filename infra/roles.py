"""The functions' IAM roles, in place of the one role Chalice would generate for all of them.

One role per kind of function (the REST API, the WebSocket handlers, the Step Functions tasks,
the scheduled start, the export builder and the deletion worker), each allowed only the actions its code calls
(`chalicelib.aws`, the models, `chalicelib.secrets`, `chalicelib.notify`, `chalicelib.settings`)
and only on this stack's resources. `ROLE_ACTIONS` is the reviewed list: tests/infra check
every role against it, and every function of the app must have a kind in `ROLE_OF_FUNCTION`.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import ArnFormat, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from constructs import Construct

from chalicelib import asl
from infra.nag import acknowledge_wildcards

# Chalice function name → the kind of role it runs with.
ROLE_OF_FUNCTION: dict[str, str] = {
    "api_handler": "api",
    "websocket_connect": "websocket",
    "websocket_message": "websocket",
    "websocket_disconnect": "websocket",
    "start_scheduled_job": "scheduled_start",
    "build_export": "export_builder",
    "delete_worker": "deletion_worker",
    **{name: "tasks" for name in asl.TASK_FUNCTIONS},
}

# What PynamoDB and Powertools' idempotency call: items, queries (counts too), batches.
ITEM_ACTIONS = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
TABLE_ACTIONS = [*ITEM_ACTIONS, "dynamodb:Query", "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem"]
LOG_ACTIONS = ["logs:CreateLogStream", "logs:PutLogEvents"]  # into the function's own log group
NOTIFY_ACTIONS = ["execute-api:ManageConnections", "ssm:GetParameter"]  # post to WebSocket clients

# Every action each kind of role is allowed, and why (the code that calls it).
ROLE_ACTIONS: dict[str, list[str]] = {
    # Routes: every table; images under presigned GET and deleted by prefix; start, stop and
    # answer jobs; workspaces' API keys; scheduled jobs' schedules; the export builder.
    "api": [
        *TABLE_ACTIONS,
        *LOG_ACTIONS,
        *NOTIFY_ACTIONS,
        "s3:GetObject",
        "s3:PutObject",
        "s3:DeleteObject",
        "s3:ListBucket",
        "states:StartExecution",
        "states:StopExecution",
        "states:DescribeExecution",
        "states:SendTaskSuccess",
        "secretsmanager:GetSecretValue",
        "secretsmanager:PutSecretValue",
        "secretsmanager:CreateSecret",
        "secretsmanager:DescribeSecret",
        "scheduler:CreateSchedule",
        "scheduler:DeleteSchedule",
        "scheduler:GetSchedule",
        "iam:PassRole",
        "lambda:InvokeFunction",  # the export builder and the deletion worker, asynchronously
    ],
    # Connect / subscribe / disconnect: connections, subscriptions and the job asked about.
    "websocket": [*TABLE_ACTIONS, *LOG_ACTIONS, *NOTIFY_ACTIONS],
    # Phases: images in and out of the bucket, waking the next queued job, the workspace's keys.
    "tasks": [
        *TABLE_ACTIONS,
        *LOG_ACTIONS,
        *NOTIFY_ACTIONS,
        "s3:GetObject",
        "s3:PutObject",
        "states:SendTaskSuccess",
        "states:DescribeExecution",
        "states:ListExecutions",  # a direct start not yet registered goes first (start_order)
        "secretsmanager:GetSecretValue",
    ],
    # A scheduled job's time came: start its execution as the API would.
    "scheduled_start": [*TABLE_ACTIONS, *LOG_ACTIONS, *NOTIFY_ACTIONS, "states:StartExecution"],
    # Reads images, writes the export by multipart upload (aborted on failure), checks existence.
    "export_builder": [
        *TABLE_ACTIONS,
        *LOG_ACTIONS,
        *NOTIFY_ACTIONS,
        "s3:GetObject",
        "s3:PutObject",
        "s3:AbortMultipartUpload",
        "s3:ListBucket",
    ],
}

ROLE_ACTIONS["deletion_worker"] = [
    # Deletes the recorded jobs' or images' items and objects, and invokes itself to carry on
    # past its time limit.
    *TABLE_ACTIONS,
    *LOG_ACTIONS,
    "s3:DeleteObject",
    "s3:ListBucket",
    "lambda:InvokeFunction",
]
# The functions a kind of role invokes (`lambda:InvokeFunction`), by Chalice name.
ROLE_INVOKES: dict[str, tuple[str, ...]] = {
    "api": ("build_export", "delete_worker"),
    "deletion_worker": ("delete_worker",),
}

# The tables a kind of role touches (all of them, but for the WebSocket handlers).
ROLE_TABLES: dict[str, tuple[str, ...] | None] = {"websocket": ("connections", "subscriptions", "jobs")}


@dataclass(frozen=True)
class RoleTargets:
    """The ARNs the roles' statements name: this stack's resources only."""

    tables: dict[str, dynamodb.Table]
    bucket: s3.IBucket
    job_machine: str
    job_executions: str
    secrets: str
    connections: str
    parameters: list[str]
    schedules: str
    scheduler_role: str
    functions: dict[str, str]  # Chalice name → ARN, of those some role invokes


class FunctionRoles(Construct):
    """One role per kind; `grant_logs` adds each function's log group to its role."""

    def __init__(self, scope: Stack, construct_id: str, *, stage: str, targets: RoleTargets) -> None:
        super().__init__(scope, construct_id)
        self.roles: dict[str, iam.Role] = {}
        for kind, actions in ROLE_ACTIONS.items():
            role = iam.Role(
                self,
                "".join(part.capitalize() for part in kind.split("_")),
                assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
                description=f"Image Factory {stage}: the {kind.replace('_', ' ')} functions",
            )
            invoked = [targets.functions[name] for name in ROLE_INVOKES.get(kind, ())]
            for statement in _statements(actions, targets, ROLE_TABLES.get(kind), invoked):
                role.add_to_policy(statement)
            self.roles[kind] = role

    def acknowledge_wildcards(self) -> None:
        """Once every statement is in (the log groups come last)."""
        acknowledge_wildcards(
            self,
            "Wildcards only within this stack's resources: the tables' indexes, objects of the "
            "bucket, executions of the job machine, the stage's secrets and schedules, the "
            "WebSocket API's connections",
        )

    def role_for(self, function_name: str) -> iam.Role:
        return self.roles[ROLE_OF_FUNCTION[function_name]]

    def grant_logs(self, function_name: str, log_group: logs.ILogGroup) -> None:
        self.role_for(function_name).add_to_policy(
            iam.PolicyStatement(actions=LOG_ACTIONS, resources=[log_group.log_group_arn])
        )


def _statements(
    actions: list[str], targets: RoleTargets, tables: tuple[str, ...] | None, invoked: list[str]
) -> list[iam.PolicyStatement]:
    """The statements for `actions`, each action on the resources it acts on."""
    chosen = [t for short, t in targets.tables.items() if tables is None or short in tables]
    table_arns = [arn for t in chosen for arn in (t.table_arn, f"{t.table_arn}/index/*")]
    bucket, objects = targets.bucket.bucket_arn, targets.bucket.arn_for_objects("*")
    resources_of = {
        "dynamodb": table_arns,
        "s3:ListBucket": [bucket],
        "s3": [objects],
        "states:StartExecution": [targets.job_machine],
        "states:SendTaskSuccess": [targets.job_machine],
        "states:ListExecutions": [targets.job_machine],
        "states": [targets.job_executions],
        "secretsmanager": [targets.secrets],
        "scheduler": [targets.schedules],
        "iam:PassRole": [targets.scheduler_role],
        "lambda": invoked,
        "execute-api": [targets.connections],
        "ssm": targets.parameters,
    }
    grouped: dict[tuple[str, ...], list[str]] = {}
    for action in actions:
        if action in LOG_ACTIONS:
            continue  # per function, in grant_logs
        resources = resources_of.get(action) or resources_of[action.split(":")[0]]
        grouped.setdefault(tuple(resources), []).append(action)
    statements = []
    for resources, grouped_actions in grouped.items():
        conditions = None
        if grouped_actions == ["iam:PassRole"]:
            conditions = {"StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}}
        statements.append(
            iam.PolicyStatement(actions=grouped_actions, resources=list(resources), conditions=conditions)
        )
    return statements


def secrets_arn(stack: Stack, stage: str) -> str:
    """`imgfactory/<stage>/<workspace>/api-keys` (+ Secrets Manager's random suffix)."""
    return stack.format_arn(
        service="secretsmanager",
        resource="secret",
        resource_name=f"imgfactory/{stage}/*",
        arn_format=ArnFormat.COLON_RESOURCE_NAME,
    )
