"""ImageFactoryStack: tables, bucket, users, the Chalice app, its state machines and their grants.

Names come from `chalicelib.settings` (the code the Lambdas run), resources from the models and
ASL files the local stack uses; what the stack creates is handed to the Lambdas as the stage's
environment variables (the WebSocket API's URLs, which would make a cycle, through SSM parameters
whose names they get), and each role gets only the actions on the resources it uses.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aws_cdk import CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_ssm as ssm
from chalice.cdk import Chalice
from chalice.utils import to_cfn_resource_name
from constructs import Construct

from chalicelib import asl, auth
from chalicelib import settings as env
from chalicelib.settings import Settings
from infra.alarms import OperatorAlarms
from infra.console import HostedConsole
from infra.exports import WORKERS, builder_environment, wire_export_builder
from infra.functions import fixed_function_arn
from infra.gateway_responses import add_error_responses
from infra.machines import (
    acknowledge_machine_wildcards,
    cleanup_rule,
    machine_arn,
    machine_name,
    state_machines,
)
from infra.nag import acknowledge, acknowledge_cdk_handlers
from infra.roles import ROLE_OF_FUNCTION, FunctionRoles, RoleTargets, secrets_arn
from infra.scheduler import JobScheduler
from infra.tables import model_tables

REPO_ROOT = Path(__file__).resolve().parent.parent
# What Chalice writes as every function's role until `_function_roles` sets each one's.
ROLE_SET_PER_FUNCTION = "arn:aws:iam::000000000000:role/set-per-function-by-infra-roles"
# How long the functions' and machines' logs are kept.
LOG_RETENTION = logs.RetentionDays.THREE_MONTHS
# What `chalice package` names the WebSocket API and its stage in the SAM template.
WEBSOCKET_API = "WebsocketAPI"
WEBSOCKET_STAGE = "WebsocketAPIStage"
WEBSOCKET_URL_OUTPUT = "WebsocketConnectEndpointURL"
# SSM parameters `/imgfactory/<stage>/<name>` holding the WebSocket API's URLs (`parameter_name`).
MANAGEMENT_URL_PARAMETER = "websocket-management-url"
WEBSOCKET_URL_PARAMETER = "websocket-url"
# What `chalice package` names the REST API and its handler in the SAM template.
REST_API = "RestAPI"
REST_HANDLER = "APIHandler"


class ImageFactoryStack(Stack):
    """One deployment (stage). The construct id is the Chalice stage, so `.chalice/config.json`'s
    entry for that stage applies as it does for `chalice deploy`."""

    def __init__(
        self, scope: Construct, id: str, *, settings: Settings, console_origin: str = "*", **kwargs: Any
    ) -> None:
        super().__init__(scope, id, **kwargs)
        self.tables = model_tables(self, settings)
        self.access_logs = self._access_logs()
        self.bucket = self._bucket(console_origin)
        self.user_pool, self.user_pool_client = self._users(settings)
        job_name = machine_name(settings, "job")
        self.scheduler = JobScheduler(self, settings)
        environment = function_environment(
            settings,
            self.bucket.bucket_name,
            machine_arn(self, job_name),
            self.user_pool.user_pool_id,
            self.user_pool_client.user_pool_client_id,
        )
        self.chalice = Chalice(
            self,
            "ChaliceApp",
            source_dir=str(REPO_ROOT),
            stage_config={
                # The stack's own roles (`infra.roles`) replace the one Chalice would generate;
                # Chalice needs an ARN to start from, each function's own is set below.
                "manage_iam_role": False,
                "iam_role_arn": ROLE_SET_PER_FUNCTION,
                # CloudFront (`infra.console`) is the API's edge: the API itself is regional.
                "api_gateway_endpoint_type": "REGIONAL",
                "environment_variables": {
                    **environment,
                    **self.scheduler.environment(),
                    **builder_environment(self, settings),
                },
            },
        )
        self._authorize_with_pool()
        self._size_functions(id)
        functions = {
            name: self.chalice.get_function(to_cfn_resource_name(name)) for name in asl.TASK_FUNCTIONS
        }
        self.machines = state_machines(self, settings, functions, LOG_RETENTION)
        cleanup_rule(self, self.machines["job"], self.machines["cleanup"])
        websocket_url = self.chalice.sam_template.get_output(WEBSOCKET_URL_OUTPUT).value
        self._websocket_parameters(settings, websocket_url)
        self.roles = self._function_roles(settings, job_name)
        self.scheduler.wire(self.chalice)
        wire_export_builder(self.chalice, settings)
        self.alarms = OperatorAlarms(
            self,
            "Alarms",
            stage=settings.stage,
            job_machine=self.machines["job"],
            functions=self.function_names,
        )
        rest_api = self.chalice.get_resource(REST_API)
        add_error_responses(rest_api)
        self.console = HostedConsole(
            self,
            "Console",
            rest_api_id=rest_api.ref,
            api_stage=rest_api.stage_name,
            access_logs=self.access_logs,
            log_retention=LOG_RETENTION,
        )
        self._acknowledge_findings()
        CfnOutput(self, "ApiUrl", value=self.chalice.sam_template.get_output("EndpointURL").value)
        CfnOutput(self, "WebsocketUrl", value=websocket_url)
        CfnOutput(self, "BucketName", value=self.bucket.bucket_name)
        CfnOutput(self, "JobStateMachineArn", value=self.machines["job"].state_machine_arn)
        CfnOutput(self, "UserPoolId", value=self.user_pool.user_pool_id)
        CfnOutput(self, "UserPoolClientId", value=self.user_pool_client.user_pool_client_id)

    def _function_roles(self, settings: Settings, job_name: str) -> FunctionRoles:
        """Every function runs with its kind's role and logs into its own group, kept
        `LOG_RETENTION`; a function without a kind in `ROLE_OF_FUNCTION` fails the synthesis."""
        api_id = self.chalice.get_resource(WEBSOCKET_API).ref
        roles = FunctionRoles(
            self,
            "FunctionRoles",
            stage=settings.stage,
            targets=RoleTargets(
                tables=self.tables,
                bucket=self.bucket,
                job_machine=machine_arn(self, job_name),
                job_executions=machine_arn(self, f"{job_name}:*", resource="execution"),
                secrets=secrets_arn(self, settings.stage),
                connections=self.format_arn(
                    service="execute-api",
                    resource=api_id,
                    resource_name=f"{self._websocket_stage()}/POST/@connections/*",
                ),
                parameters=[
                    self.format_arn(
                        service="ssm",
                        resource="parameter",
                        resource_name=parameter_name(settings, name).lstrip("/"),
                    )
                    for name in (MANAGEMENT_URL_PARAMETER, WEBSOCKET_URL_PARAMETER)
                ],
                schedules=self.scheduler.schedules_arn(),
                scheduler_role=self.scheduler.role.role_arn,
                functions={name: fixed_function_arn(self, settings, name) for name in WORKERS},
            ),
        )
        by_logical_id = {logical_id_of(name): name for name in ROLE_OF_FUNCTION}
        self.function_names: dict[str, str] = {}
        for child in self.chalice.sam_template.node.children:
            if getattr(child, "cfn_resource_type", None) != "AWS::Serverless::Function":
                continue
            logical_id = child.node.id
            if logical_id not in by_logical_id:
                raise ValueError(f"function {logical_id} has no role: add it to infra.roles.ROLE_OF_FUNCTION")
            name = by_logical_id[logical_id]
            function = self.chalice.get_resource(logical_id)
            function.add_property_override("Role", roles.role_for(name).role_arn)
            log_group = logs.LogGroup(
                self,
                f"{logical_id}Logs",
                log_group_name=f"/aws/lambda/{function.ref}",
                retention=LOG_RETENTION,
                removal_policy=RemovalPolicy.DESTROY,
            )
            roles.grant_logs(name, log_group)
            self.function_names[name] = function.ref
        return roles

    def _users(self, settings: Settings) -> tuple[cognito.UserPool, cognito.UserPoolClient]:
        """Who may sign in: users an administrator creates (no self sign-up), and the app client
        the console and the CLI sign in with (public: no secret; password, SRP and refresh)."""
        pool = cognito.UserPool(
            self,
            "Users",
            user_pool_name=f"imgfactory-{settings.stage}-users",
            self_sign_up_enabled=False,
            sign_in_aliases=cognito.SignInAliases(username=True, email=True),
            password_policy=cognito.PasswordPolicy(min_length=12),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            removal_policy=RemovalPolicy.RETAIN,
        )
        client = pool.add_client(
            "ConsoleClient",
            user_pool_client_name=f"imgfactory-{settings.stage}-console",
            generate_secret=False,
            auth_flows=cognito.AuthFlow(user_password=True, user_srp=True),
            id_token_validity=Duration.hours(1),
            refresh_token_validity=Duration.days(30),
            prevent_user_existence_errors=True,
        )
        return pool, client

    def _authorize_with_pool(self) -> None:
        """The app's routes name a placeholder pool (`chalicelib.auth.AUTHORIZER`): the app is
        imported before any pool exists. Point the REST API's Cognito authorizer at this one."""
        path = f"DefinitionBody.securityDefinitions.{auth.AUTHORIZER.name}.x-amazon-apigateway-authorizer"
        self.chalice.get_resource(REST_API).add_property_override(
            f"{path}.providerARNs", [self.user_pool.user_pool_arn]
        )

    def _access_logs(self) -> s3.Bucket:
        """Where S3 and CloudFront write their access logs (ACLs on: CloudFront's logs need them)."""
        bucket = s3.Bucket(
            self,
            "AccessLogs",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
            lifecycle_rules=[s3.LifecycleRule(id="ExpireLogs", expiration=Duration.days(90))],
            removal_policy=RemovalPolicy.RETAIN,
        )
        acknowledge(bucket, "S1", "The access log bucket itself: logging it into itself would loop")
        return bucket

    def _acknowledge_findings(self) -> None:
        """cdk-nag findings on what Chalice and CDK generate, or that do not apply (`infra.nag`)."""
        acknowledge(
            self.chalice,
            "APIG4",
            "WebSocket routes: $connect verifies the Cognito ID token itself (browsers cannot send "
            "an Authorization header on a WebSocket); $default and $disconnect serve only "
            "connections $connect accepted",
        )
        acknowledge(
            self.chalice,
            "APIG1",
            "The WebSocket stage: its handlers log every connection and message into their own log "
            "groups; stage access logs would need the account-wide API Gateway CloudWatch role",
        )
        acknowledge(
            self.user_pool,
            "COG1",
            "12 characters minimum without composition rules (NIST SP 800-63B); users are created "
            "by an administrator",
        )
        acknowledge(
            self.user_pool,
            "COG8",
            "No self sign-up: only administrator-created users, so the Plus tier's threat "
            "protection buys little for its per-user price",
        )
        acknowledge_cdk_handlers(self)
        self.roles.acknowledge_wildcards()
        acknowledge_machine_wildcards(self.machines)

    def _bucket(self, console_origin: str) -> s3.Bucket:
        """Private images and exports; the console fetches them by presigned GET."""
        return s3.Bucket(
            self,
            "Images",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            cors=[
                s3.CorsRule(
                    allowed_methods=[s3.HttpMethods.GET, s3.HttpMethods.HEAD],
                    allowed_origins=[console_origin],
                    allowed_headers=["*"],
                    max_age=3600,
                )
            ],
            lifecycle_rules=[
                s3.LifecycleRule(id="ExpireExports", prefix="exports/", expiration=Duration.days(7)),
                # Exports upload in parts: a builder that died mid-upload leaves parts behind.
                s3.LifecycleRule(
                    id="AbortIncompleteUploads", abort_incomplete_multipart_upload_after=Duration.days(1)
                ),
            ],
            removal_policy=RemovalPolicy.RETAIN,
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix="images/",
        )

    def _size_functions(self, stage: str) -> None:
        """Chalice reads per-function sizing only from the config entry of its own stage; a stage
        without one would silently get 60 s / 128 MB, so it borrows the dev stage's sizing."""
        stages = json.loads((REPO_ROOT / ".chalice" / "config.json").read_text()).get("stages", {})
        if stage in stages:
            return
        for name, config in stages.get("dev", {}).get("lambda_functions", {}).items():
            function = self.chalice.get_resource(to_cfn_resource_name(name))
            if "lambda_timeout" in config:
                function.add_property_override("Timeout", config["lambda_timeout"])
            if "lambda_memory_size" in config:
                function.add_property_override("MemorySize", config["lambda_memory_size"])

    def _websocket_stage(self) -> str:
        """The WebSocket API's API Gateway stage (`api_gateway_stage`, not the Chalice stage)."""
        stage: str = self.chalice.get_resource(WEBSOCKET_STAGE).stage_name
        return stage

    def _websocket_parameters(self, settings: Settings, websocket_url: str) -> None:
        """The API's URLs for the functions, which cannot get them as variables: the API depends
        on the functions. They get the parameters' fixed names instead (`function_environment`)."""
        api_id = self.chalice.get_resource(WEBSOCKET_API).ref
        domain = f"{api_id}.execute-api.{self.region}.{self.url_suffix}"
        parameters = [
            (
                "WebsocketManagementUrlParameter",
                MANAGEMENT_URL_PARAMETER,
                "management endpoint",
                f"https://{domain}/{self._websocket_stage()}",
            ),
            ("WebsocketUrlParameter", WEBSOCKET_URL_PARAMETER, "URL for clients", websocket_url),
        ]
        for construct_id, name, what, value in parameters:
            ssm.StringParameter(
                self,
                construct_id,
                parameter_name=parameter_name(settings, name),
                string_value=value,
                description=f"Image Factory {settings.stage}: the WebSocket API's {what}",
            )


def logical_id_of(function_name: str) -> str:
    """The function's resource in Chalice's template (the REST handler is spelt its own way)."""
    return REST_HANDLER if function_name == "api_handler" else to_cfn_resource_name(function_name)


def parameter_name(settings: Settings, name: str) -> str:
    """`/imgfactory/<stage>/<name>`: fixed, so the functions can be told it before it exists."""
    return f"/imgfactory/{settings.stage}/{name}"


def function_environment(
    settings: Settings, bucket: str, job_machine_arn: str, user_pool_id: str, user_pool_client_id: str
) -> dict[str, str]:
    """The variables `settings_from_env` reads in a Lambda; AWS_DEFAULT_REGION is Lambda's own."""
    return {
        env.ENV_USER_POOL_ID: user_pool_id,
        env.ENV_USER_POOL_CLIENT_ID: user_pool_client_id,
        env.ENV_STAGE: settings.stage,
        env.ENV_TABLE_PREFIX: settings.table_prefix,
        env.ENV_BUCKET: bucket,
        env.ENV_JOB_MACHINE_ARN: job_machine_arn,
        env.ENV_SLOT_RECHECK_S: str(settings.slot_recheck_s),
        env.ENV_IMAGES_PER_BATCH: str(settings.images_per_batch),
        env.ENV_DEFAULT_WORKSPACE: settings.default_workspace,
        env.ENV_WEBSOCKET_MANAGEMENT_URL_PARAMETER: parameter_name(settings, MANAGEMENT_URL_PARAMETER),
        env.ENV_WEBSOCKET_URL_PARAMETER: parameter_name(settings, WEBSOCKET_URL_PARAMETER),
    }
