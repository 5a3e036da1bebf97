"""What an operator is told: failed or timed-out job executions and function errors, through one
SNS topic (the `AlarmTopicArn` output: subscribe an address or a pager to it)."""

from __future__ import annotations

from aws_cdk import CfnOutput, Duration, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_sns as sns
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from infra.nag import acknowledge

PERIOD = Duration.minutes(5)


class OperatorAlarms(Construct):
    def __init__(
        self,
        scope: Stack,
        construct_id: str,
        *,
        stage: str,
        job_machine: sfn.StateMachine,
        functions: dict[str, str],
    ) -> None:
        """`functions`: Chalice function name → deployed function name."""
        super().__init__(scope, construct_id)
        self.topic = sns.Topic(self, "Topic", display_name=f"Image Factory {stage} alarms", enforce_ssl=True)
        acknowledge(
            self.topic,
            "SNS2",
            "Alarm notifications carry only alarm names and states, and CloudWatch cannot publish "
            "to a topic encrypted with the AWS-managed SNS key",
        )
        action = actions.SnsAction(self.topic)
        for metric, what in (
            (job_machine.metric_failed(period=PERIOD), "failed"),
            (job_machine.metric_timed_out(period=PERIOD), "timed out"),
        ):
            self._alarm(
                f"JobExecutions{what.title().replace(' ', '')}", metric, f"job executions {what}", action
            )
        for name, function_name in functions.items():
            errors = cloudwatch.Metric(
                namespace="AWS/Lambda",
                metric_name="Errors",
                dimensions_map={"FunctionName": function_name},
                statistic="Sum",
                period=PERIOD,
            )
            self._alarm(f"{_camel(name)}Errors", errors, f"errors in {name}", action)
        CfnOutput(scope, "AlarmTopicArn", value=self.topic.topic_arn, description="Where alarms are sent")

    def _alarm(
        self, construct_id: str, metric: cloudwatch.IMetric, what: str, action: actions.SnsAction
    ) -> None:
        alarm = cloudwatch.Alarm(
            self,
            construct_id,
            metric=metric,
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=f"Image Factory: {what} in the last {PERIOD.to_minutes()} minutes",
        )
        alarm.add_alarm_action(action)


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))
