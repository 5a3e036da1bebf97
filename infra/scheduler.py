"""Scheduled jobs: an EventBridge Scheduler group for the stage's one-time job schedules, the role
the scheduler invokes `start_scheduled_job` with, and the function's fixed name.

The API creates a schedule per scheduled job (`chalicelib.aws.create_one_time_schedule`), so
every function is told the target (by its fixed name, see `infra.functions`) and the role through
its environment.
"""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_scheduler as scheduler
from chalice.cdk import Chalice

from chalicelib.settings import Settings
from infra.functions import fix_function_name, fixed_function_arn

TARGET_FUNCTION = "start_scheduled_job"


def schedule_group_name(settings: Settings) -> str:
    return f"imgfactory-{settings.stage}"


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
        target = fixed_function_arn(stack, settings, TARGET_FUNCTION)
        self.role.add_to_policy(iam.PolicyStatement(actions=["lambda:InvokeFunction"], resources=[target]))

    def environment(self) -> dict[str, str]:
        from chalicelib import settings as env

        return {
            env.ENV_SCHEDULE_GROUP: schedule_group_name(self.settings),
            env.ENV_SCHEDULER_TARGET_ARN: fixed_function_arn(self.stack, self.settings, TARGET_FUNCTION),
            env.ENV_SCHEDULER_ROLE_ARN: self.role.role_arn,
        }

    def schedules_arn(self) -> str:
        """The stage's schedules, which the API creates and deletes (`infra.roles`)."""
        return self.stack.format_arn(
            service="scheduler",
            resource="schedule",
            resource_name=f"{schedule_group_name(self.settings)}/*",
        )

    def wire(self, chalice: Chalice) -> None:
        """Give the target function its fixed name (the API's role may create schedules in the
        group and pass only the scheduler's role: `infra.roles`)."""
        fix_function_name(chalice, self.settings, TARGET_FUNCTION)
