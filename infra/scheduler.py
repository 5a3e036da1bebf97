"""Scheduled jobs: an EventBridge Scheduler group for the stage's one-time job schedules, the role
the scheduler invokes `start_scheduled_job` with, and the function's fixed name.

The API creates a schedule per scheduled job (`chalicelib.aws.create_one_time_schedule`), so
every function is told the target and the role through its environment. The target's ARN is
built from the function's fixed name rather than taken from the function itself: the function's
own environment cannot refer to the function.
"""

from __future__ import annotations

from aws_cdk import ArnFormat, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_scheduler as scheduler
from chalice.cdk import Chalice
from chalice.utils import to_cfn_resource_name

from chalicelib.settings import Settings

TARGET_FUNCTION = "start_scheduled_job"


def target_function_name(settings: Settings) -> str:
    return f"imgfactory-{settings.stage}-{TARGET_FUNCTION}"


def schedule_group_name(settings: Settings) -> str:
    return f"imgfactory-{settings.stage}"


def target_function_arn(stack: Stack, settings: Settings) -> str:
    return stack.format_arn(
        service="lambda",
        resource="function",
        resource_name=target_function_name(settings),
        arn_format=ArnFormat.COLON_RESOURCE_NAME,
    )


class JobScheduler:
    """The schedule group and the scheduler's invoke role; made before the Chalice app, whose
    functions' environment names them."""

    def __init__(self, stack: Stack, settings: Settings) -> None:
        self.stack, self.settings = stack, settings
        self.group = scheduler.CfnScheduleGroup(stack, "JobSchedules", name=schedule_group_name(settings))
        self.role = iam.Role(
            stack,
            "SchedulerRole",
            assumed_by=iam.ServicePrincipal("scheduler.amazonaws.com"),
            description=f"Image Factory {settings.stage}: EventBridge Scheduler starts scheduled jobs",
        )
        self.role.add_to_policy(
            iam.PolicyStatement(
                actions=["lambda:InvokeFunction"], resources=[target_function_arn(stack, settings)]
            )
        )

    def environment(self) -> dict[str, str]:
        from chalicelib import settings as env

        return {
            env.ENV_SCHEDULE_GROUP: schedule_group_name(self.settings),
            env.ENV_SCHEDULER_TARGET_ARN: target_function_arn(self.stack, self.settings),
            env.ENV_SCHEDULER_ROLE_ARN: self.role.role_arn,
        }

    def wire(self, chalice: Chalice, lambda_role: iam.IRole) -> None:
        """Give the target function its fixed name, and let the app's functions create and
        delete schedules in the group (passing only the scheduler's role)."""
        function = chalice.get_resource(to_cfn_resource_name(TARGET_FUNCTION))
        function.add_property_override("FunctionName", target_function_name(self.settings))
        schedules = self.stack.format_arn(
            service="scheduler",
            resource="schedule",
            resource_name=f"{schedule_group_name(self.settings)}/*",
        )
        lambda_role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["scheduler:CreateSchedule", "scheduler:DeleteSchedule", "scheduler:GetSchedule"],
                resources=[schedules],
            )
        )
        lambda_role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["iam:PassRole"],
                resources=[self.role.role_arn],
                conditions={"StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}},
            )
        )
