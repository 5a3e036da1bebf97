"""The state machines from stepfunctions/*.asl.json and the rule that starts the cleanup one.

Definitions go through `chalicelib.asl.render`, the call the local stack makes, so what runs
offline is what deploys. Each machine's role may invoke only the functions its definition names.
"""

from __future__ import annotations

from aws_cdk import ArnFormat, RemovalPolicy, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from chalicelib import asl
from chalicelib.settings import Settings
from infra.depends import depend_on_policy_only
from infra.nag import acknowledge_wildcards

# Execution ends that leave a job and its slot behind unless the cleanup machine runs.
CLEANUP_STATUSES = ("FAILED", "TIMED_OUT", "ABORTED")


def machine_name(settings: Settings, machine: str) -> str:
    """`imgfactory-<stage>-<machine>`, as the local stack names them."""
    return f"{settings.table_prefix}-{machine}"


def machine_arn(stack: Stack, name: str, resource: str = "stateMachine") -> str:
    """An ARN from the fixed name: the Lambdas need the job ARN and the job needs the Lambdas."""
    return stack.format_arn(
        service="states",
        resource=resource,
        resource_name=name,
        arn_format=ArnFormat.COLON_RESOURCE_NAME,
    )


def task_functions(machine: str) -> list[str]:
    """Chalice function names whose ARN placeholders appear in the machine's definition."""
    by_placeholder = {asl.placeholder_for(name): name for name in asl.TASK_FUNCTIONS}
    return sorted(by_placeholder[p] for p in asl.placeholders(machine))


def state_machines(
    scope: Construct,
    settings: Settings,
    functions: dict[str, lambda_.IFunction],
    log_retention: logs.RetentionDays,
) -> dict[str, sfn.StateMachine]:
    """Both machines, keyed like `asl.MACHINES`, each allowed to invoke only its own tasks,
    traced with X-Ray and logging every event (without execution data: inputs carry prompts)."""
    arns = {name: function.function_arn for name, function in functions.items()}
    substitutions = asl.function_substitutions(arns)
    machines: dict[str, sfn.StateMachine] = {}
    for machine in asl.MACHINES:
        state_machine = sfn.StateMachine(
            scope,
            f"{machine.capitalize()}StateMachine",
            state_machine_name=machine_name(settings, machine),
            definition_body=sfn.DefinitionBody.from_string(asl.render(machine, substitutions)),
            tracing_enabled=True,
            logs=sfn.LogOptions(
                destination=logs.LogGroup(
                    scope,
                    f"{machine.capitalize()}StateMachineLogs",
                    log_group_name=f"/aws/vendedlogs/states/{machine_name(settings, machine)}",
                    retention=log_retention,
                    removal_policy=RemovalPolicy.DESTROY,
                ),
                level=sfn.LogLevel.ALL,
                include_execution_data=False,
            ),
        )
        # Explicit, not grant_invoke: Chalice's functions are imported by ARN, and CDK refuses to
        # grant on an imported function once the stack has a concrete account.
        task_arns = [arns[name] for name in task_functions(machine)]
        state_machine.add_to_role_policy(
            iam.PolicyStatement(
                actions=["lambda:InvokeFunction"],
                resources=task_arns + [f"{arn}:*" for arn in task_arns],
            )
        )
        depend_on_policy_only(state_machine, state_machine.role)
        machines[machine] = state_machine
    return machines


def acknowledge_machine_wildcards(machines: dict[str, sfn.StateMachine]) -> None:
    for state_machine in machines.values():
        acknowledge_wildcards(
            state_machine,
            "X-Ray and CloudWatch Logs' log delivery take no resource (CDK's tracing and logging "
            "grants), and `<task function>:*` are the versions of this machine's own functions",
        )


def cleanup_rule(scope: Construct, job: sfn.IStateMachine, cleanup: sfn.IStateMachine) -> events.Rule:
    """On AWS, EventBridge does what the local stack's watcher does: clean up after a dead job."""
    return events.Rule(
        scope,
        "CleanupOnJobFailure",
        description="Start the cleanup machine when a job execution fails, times out or is aborted",
        event_pattern=events.EventPattern(
            source=["aws.states"],
            detail_type=["Step Functions Execution Status Change"],
            detail={"stateMachineArn": [job.state_machine_arn], "status": list(CLEANUP_STATUSES)},
        ),
        targets=[targets.SfnStateMachine(cleanup)],
    )
