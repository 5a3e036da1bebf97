"""The synthesised stack: tables follow the models, machines are the rendered ASL, IAM stays narrow.

Expectations are derived from the PynamoDB models and the ASL files, so changing either keeps this
test in step. Chalice's packager writes chalice.out/ into the working directory: synthesis runs in
a temporary one.
"""

from __future__ import annotations

import json
import os
import re
from fnmatch import fnmatchcase
from typing import Any

import pytest

pytestmark = pytest.mark.infra
cdk = pytest.importorskip("aws_cdk")

from aws_cdk.assertions import Template  # noqa: E402
from cfnlint.api import lint_all  # noqa: E402
from chalice.utils import to_cfn_resource_name  # noqa: E402
from pynamodb.indexes import GlobalSecondaryIndex  # noqa: E402

from chalicelib import asl, auth, secrets  # noqa: E402
from chalicelib import settings as env  # noqa: E402
from chalicelib.api.common import PUBLIC_PATHS  # noqa: E402
from chalicelib.models import ALL_MODELS, ConnectionModel, SubscriptionModel  # noqa: E402
from chalicelib.settings import ENV_STAGE, settings_from_env  # noqa: E402
from infra.stack import LAMBDA_ROLE, REPO_ROOT, ImageFactoryStack  # noqa: E402

STAGE = "ci"  # not in .chalice/config.json: exercises the per-function sizing fallback
SETTINGS = settings_from_env({ENV_STAGE: STAGE})
PLACEHOLDER = re.compile(r"\$\{[A-Za-z0-9]+\}")
ARN = "arn:<AWS::Partition>:{service}:us-east-1:123456789012:{resource}"
MANAGEMENT_URL_PARAMETER = f"/imgfactory/{STAGE}/websocket-management-url"
WEBSOCKET_URL_PARAMETER = f"/imgfactory/{STAGE}/websocket-url"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    workdir = tmp_path_factory.mktemp("synth")
    # Chalice's packaging writes the stage's environment variables (CDK tokens) into os.environ;
    # put it back so the tests that run after these in the same process see their own settings.
    saved = dict(os.environ)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.chdir(workdir)
            patch.setenv("AWS_DEFAULT_REGION", "us-east-1")
            app = cdk.App(outdir=str(workdir / "cdk.out"))
            stack = ImageFactoryStack(
                app, STAGE, settings=SETTINGS, env=cdk.Environment(account="123456789012", region="us-east-1")
            )
            return Template.from_stack(stack).to_json()
    finally:
        os.environ.clear()
        os.environ.update(saved)


def resources(template: dict[str, Any], type_: str) -> dict[str, dict[str, Any]]:
    return {k: v["Properties"] for k, v in template["Resources"].items() if v["Type"] == type_}


def literal(value: Any, arn_for: dict[str, str] | None = None) -> str:
    """A string or Fn::Join as text; `Fn::GetAtt [X, Arn]` becomes `arn_for[X]` or `<X>`, `Ref X` `<X>`."""
    if isinstance(value, str):
        return value
    if "Fn::Join" in value:
        return "".join(literal(part, arn_for) for part in value["Fn::Join"][1])
    if "Fn::GetAtt" in value:
        return (arn_for or {}).get(value["Fn::GetAtt"][0], f"<{value['Fn::GetAtt'][0]}>")
    if "Ref" in value:
        return f"<{value['Ref']}>"
    return f"<{json.dumps(value)}>"


def key_schema(attributes: dict[str, Any]) -> list[dict[str, str]]:
    """HASH then RANGE, the order CDK writes KeySchema in."""
    keys = sorted(
        (a for a in attributes.values() if a.is_hash_key or a.is_range_key), key=lambda a: a.is_range_key
    )
    return [{"AttributeName": a.attr_name, "KeyType": "RANGE" if a.is_range_key else "HASH"} for a in keys]


def test_every_model_has_an_on_demand_table_keyed_like_the_model(template: dict[str, Any]) -> None:
    tables = {t["TableName"]: t for t in resources(template, "AWS::DynamoDB::Table").values()}
    assert set(tables) == {SETTINGS.table_name(short) for short in ALL_MODELS}
    for short, model in ALL_MODELS.items():
        table = tables[SETTINGS.table_name(short)]
        indexes = [v for v in vars(model).values() if isinstance(v, GlobalSecondaryIndex)]
        keyed = [model.get_attributes()] + [index.Meta.attributes for index in indexes]
        types = {
            (a.attr_name, a.attr_type)
            for attrs in keyed
            for a in attrs.values()
            if a.is_hash_key or a.is_range_key
        }
        assert table["KeySchema"] == key_schema(model.get_attributes())
        assert {(d["AttributeName"], d["AttributeType"]) for d in table["AttributeDefinitions"]} == types
        assert {
            gsi["IndexName"]: (gsi["KeySchema"], gsi["Projection"]["ProjectionType"])
            for gsi in table.get("GlobalSecondaryIndexes", [])
        } == {
            i.Meta.index_name: (key_schema(i.Meta.attributes), i.Meta.projection.projection_type)
            for i in indexes
        }
        assert table["BillingMode"] == "PAY_PER_REQUEST"
        assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    # The WebSocket API's tables come from the models like the rest.
    assert {ALL_MODELS["connections"], ALL_MODELS["subscriptions"]} == {ConnectionModel, SubscriptionModel}


def test_state_machines_deploy_the_rendered_asl_with_no_placeholder_left(template: dict[str, Any]) -> None:
    machines = {
        m["StateMachineName"]: m for m in resources(template, "AWS::StepFunctions::StateMachine").values()
    }
    arn_for = {to_cfn_resource_name(name): f"arn:fn:{name}" for name in asl.TASK_FUNCTIONS}
    expected_arns = {name: f"arn:fn:{name}" for name in asl.TASK_FUNCTIONS}
    assert set(machines) == {f"imgfactory-{STAGE}-{machine}" for machine in asl.MACHINES}
    for machine in asl.MACHINES:
        definition = literal(machines[f"imgfactory-{STAGE}-{machine}"]["DefinitionString"], arn_for)
        assert not PLACEHOLDER.search(definition)
        rendered = asl.render(machine, asl.function_substitutions(expected_arns))
        assert json.loads(definition) == json.loads(rendered)


def test_cleanup_rule_starts_cleanup_on_failed_timed_out_or_aborted_job(template: dict[str, Any]) -> None:
    machines = {
        m["StateMachineName"]: k for k, m in resources(template, "AWS::StepFunctions::StateMachine").items()
    }
    (rule,) = resources(template, "AWS::Events::Rule").values()
    pattern = rule["EventPattern"]
    assert pattern["source"] == ["aws.states"]
    assert pattern["detail-type"] == ["Step Functions Execution Status Change"]
    assert sorted(pattern["detail"]["status"]) == ["ABORTED", "FAILED", "TIMED_OUT"]
    assert pattern["detail"]["stateMachineArn"] == [{"Ref": machines[f"imgfactory-{STAGE}-job"]}]
    assert [t["Arn"] for t in rule["Targets"]] == [{"Ref": machines[f"imgfactory-{STAGE}-cleanup"]}]


def allow_statements(template: dict[str, Any]) -> list[dict[str, Any]]:
    documents = [p["PolicyDocument"] for p in resources(template, "AWS::IAM::Policy").values()]
    for role in resources(template, "AWS::IAM::Role").values():
        documents += [p["PolicyDocument"] for p in role.get("Policies", [])]
    return [s for doc in documents for s in doc["Statement"] if s["Effect"] == "Allow"]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_no_iam_statement_allows_every_action_or_every_resource(template: dict[str, Any]) -> None:
    for statement in allow_statements(template):
        assert "*" not in as_list(statement["Action"]), statement
        assert "*" not in as_list(statement["Resource"]), statement


def lambda_role_grants(template: dict[str, Any], service: str) -> set[tuple[str, str]]:
    """(action, resource as text) the Lambda role's policies allow for one service's actions."""
    policies = [
        p for p in resources(template, "AWS::IAM::Policy").values() if LAMBDA_ROLE in json.dumps(p["Roles"])
    ]
    statements = [s for p in policies for s in p["PolicyDocument"]["Statement"]]
    return {
        (action, literal(resource))
        for s in statements
        for action in as_list(s["Action"])
        if action.startswith(f"{service}:")
        for resource in as_list(s["Resource"])
    }


def test_lambda_role_may_drive_only_the_job_machine(template: dict[str, Any]) -> None:
    granted = lambda_role_grants(template, "states")
    machine = f"arn:<AWS::Partition>:states:us-east-1:123456789012:stateMachine:imgfactory-{STAGE}-job"
    execution = f"arn:<AWS::Partition>:states:us-east-1:123456789012:execution:imgfactory-{STAGE}-job:*"
    assert granted == {
        ("states:StartExecution", machine),
        ("states:SendTaskSuccess", machine),
        ("states:SendTaskFailure", machine),
        ("states:StopExecution", execution),
        ("states:DescribeExecution", execution),
    }


def test_lambda_role_may_use_only_the_stages_api_key_secrets(
    template: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    granted = lambda_role_grants(template, "secretsmanager")
    prefix = ARN.format(service="secretsmanager", resource=f"secret:imgfactory/{STAGE}/*")
    assert granted == {
        (f"secretsmanager:{action}", prefix)
        for action in ("GetSecretValue", "PutSecretValue", "CreateSecret", "DescribeSecret")
    }
    # The pattern covers the ids chalicelib.secrets uses (plus Secrets Manager's random suffix) in
    # this stage only.
    monkeypatch.setattr(secrets, "get_settings", lambda: SETTINGS)
    arn = ARN.format(service="secretsmanager", resource=f"secret:{secrets.secret_id('default')}-AbC123")
    assert fnmatchcase(arn, prefix)
    assert not fnmatchcase(arn.replace(f"/{STAGE}/", f"/{STAGE}x/"), prefix)


def test_lambda_role_may_post_only_to_the_websocket_apis_connections(template: dict[str, Any]) -> None:
    assert lambda_role_grants(template, "execute-api") == {
        (
            "execute-api:ManageConnections",
            ARN.format(service="execute-api", resource="<WebsocketAPI>/api/POST/@connections/*"),
        )
    }


def test_functions_find_the_websocket_urls_in_ssm_parameters(template: dict[str, Any]) -> None:
    parameters = {p["Name"]: p for p in resources(template, "AWS::SSM::Parameter").values()}
    assert set(parameters) == {MANAGEMENT_URL_PARAMETER, WEBSOCKET_URL_PARAMETER}
    assert all(p["Type"] == "String" for p in parameters.values())
    # The management endpoint of the API Gateway stage Chalice deploys (not the Chalice stage).
    assert (
        literal(parameters[MANAGEMENT_URL_PARAMETER]["Value"])
        == "https://<WebsocketAPI>.execute-api.us-east-1.<AWS::URLSuffix>/api"
    )
    assert parameters[WEBSOCKET_URL_PARAMETER]["Value"] == template["Outputs"]["WebsocketUrl"]["Value"]
    assert parameters[WEBSOCKET_URL_PARAMETER]["Value"]["Fn::Sub"].startswith("wss://${WebsocketAPI}.")
    # The functions get only the names: a value would depend on the API, which depends on them.
    for function in resources(template, "AWS::Serverless::Function").values():
        variables = function["Environment"]["Variables"]
        assert variables[env.ENV_WEBSOCKET_MANAGEMENT_URL_PARAMETER] == MANAGEMENT_URL_PARAMETER
        assert variables[env.ENV_WEBSOCKET_URL_PARAMETER] == WEBSOCKET_URL_PARAMETER
        assert env.ENV_WEBSOCKET_MANAGEMENT_URL not in variables
    assert lambda_role_grants(template, "ssm") == {
        ("ssm:GetParameter", ARN.format(service="ssm", resource=f"parameter{name}"))
        for name in (MANAGEMENT_URL_PARAMETER, WEBSOCKET_URL_PARAMETER)
    }


def test_each_state_machine_role_invokes_only_its_own_task_functions(template: dict[str, Any]) -> None:
    machines = resources(template, "AWS::StepFunctions::StateMachine").values()
    policies = resources(template, "AWS::IAM::Policy").values()
    for machine in asl.MACHINES:
        (state_machine,) = (m for m in machines if m["StateMachineName"] == f"imgfactory-{STAGE}-{machine}")
        role = state_machine["RoleArn"]["Fn::GetAtt"][0]
        statements = [
            s for p in policies if {"Ref": role} in p["Roles"] for s in p["PolicyDocument"]["Statement"]
        ]
        assert {a for s in statements for a in as_list(s["Action"])} == {"lambda:InvokeFunction"}
        invoked = {literal(r) for s in statements for r in as_list(s["Resource"])}
        names = [
            to_cfn_resource_name(n)
            for n in asl.TASK_FUNCTIONS
            if asl.placeholder_for(n) in asl.placeholders(machine)
        ]
        assert invoked == {f"<{n}>" for n in names} | {f"<{n}>:*" for n in names}


def test_functions_get_the_stage_environment_and_config_sizing(template: dict[str, Any]) -> None:
    functions = resources(template, "AWS::Serverless::Function")
    for function in functions.values():
        variables = function["Environment"]["Variables"]
        assert variables["IMGF_STAGE"] == STAGE
        assert variables["IMGF_TABLE_PREFIX"] == SETTINGS.table_prefix
        assert literal(variables["IMGF_JOB_STATE_MACHINE_ARN"]).endswith(
            f":stateMachine:imgfactory-{STAGE}-job"
        )
        assert set(variables) >= {"IMGF_BUCKET", "IMGF_SLOT_RECHECK_S", "IMGF_IMAGES_PER_BATCH"}
    dev = json.loads((REPO_ROOT / ".chalice" / "config.json").read_text())["stages"]["dev"]
    for name, sizing in dev["lambda_functions"].items():
        assert functions[to_cfn_resource_name(name)]["Timeout"] == sizing["lambda_timeout"]


def test_bucket_is_private_encrypted_and_expires_exports(template: dict[str, Any]) -> None:
    (bucket,) = [b for b in resources(template, "AWS::S3::Bucket").values() if "LifecycleConfiguration" in b]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert "GET" in bucket["CorsConfiguration"]["CorsRules"][0]["AllowedMethods"]
    (rule,) = bucket["LifecycleConfiguration"]["Rules"]
    assert (rule["Prefix"], rule["ExpirationInDays"]) == ("exports/", 7)


def test_outputs_name_the_apis_bucket_job_machine_and_user_pool(template: dict[str, Any]) -> None:
    assert {"ApiUrl", "WebsocketUrl", "BucketName", "JobStateMachineArn"} <= set(template["Outputs"])
    (pool,) = resources(template, "AWS::Cognito::UserPool")
    (client,) = resources(template, "AWS::Cognito::UserPoolClient")
    assert template["Outputs"]["UserPoolId"]["Value"] == {"Ref": pool}
    assert template["Outputs"]["UserPoolClientId"]["Value"] == {"Ref": client}


def test_users_are_created_by_an_admin_and_sign_in_with_a_public_client(template: dict[str, Any]) -> None:
    ((pool_id, pool),) = resources(template, "AWS::Cognito::UserPool").items()
    (client,) = resources(template, "AWS::Cognito::UserPoolClient").values()
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert client["UserPoolId"] == {"Ref": pool_id}
    assert client["GenerateSecret"] is False
    assert set(client["ExplicitAuthFlows"]) == {
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
    }


def test_functions_verify_tokens_of_the_pool_and_its_client(template: dict[str, Any]) -> None:
    (pool,) = resources(template, "AWS::Cognito::UserPool")
    (client,) = resources(template, "AWS::Cognito::UserPoolClient")
    for function in resources(template, "AWS::Serverless::Function").values():
        variables = function["Environment"]["Variables"]
        assert variables[env.ENV_USER_POOL_ID] == {"Ref": pool}
        assert variables[env.ENV_USER_POOL_CLIENT_ID] == {"Ref": client}


def test_the_rest_apis_authorizer_is_the_pool_and_guards_every_private_method(
    template: dict[str, Any],
) -> None:
    (pool,) = resources(template, "AWS::Cognito::UserPool")
    (api,) = resources(template, "AWS::Serverless::Api").values()
    definition = api["DefinitionBody"]
    authorizer = definition["securityDefinitions"][auth.AUTHORIZER.name]
    assert authorizer["x-amazon-apigateway-authorizer"] == {
        "type": "cognito_user_pools",
        "providerARNs": [{"Fn::GetAtt": [pool, "Arn"]}],
    }
    assert auth.PLACEHOLDER_POOL_ARN not in json.dumps(template)
    methods = [
        (path, method, operation)
        for path, operations in definition["paths"].items()
        for method, operation in operations.items()
        if method != "options"
    ]
    assert len({path for path, _, _ in methods}) > len(PUBLIC_PATHS)
    for path, method, operation in methods:
        expected = [] if path in PUBLIC_PATHS else [{auth.AUTHORIZER.name: []}]
        assert operation.get("security", []) == expected, (method, path)


def test_template_has_no_cfn_lint_errors(template: dict[str, Any]) -> None:
    # Cognito user pools exist in every commercial region but not in China, CloudFront's origin
    # access control not in GovCloud: the stack needs them, so those regions are out.
    errors = [
        m
        for m in lint_all(json.dumps(template))
        if m.rule.id.startswith("E")
        and not (m.rule.id == "E3006" and ("in 'cn-" in m.message or "in 'us-gov-" in m.message))
    ]
    assert not errors, [f"{m.rule.id} {m.message}" for m in errors]


def test_scheduled_jobs_have_a_group_a_named_target_and_a_role_that_invokes_only_it(
    template: dict[str, Any],
) -> None:
    groups = resources(template, "AWS::Scheduler::ScheduleGroup")
    assert [group["Name"] for group in groups.values()] == [f"imgfactory-{STAGE}"]
    functions = resources(template, "AWS::Serverless::Function")
    target = functions[to_cfn_resource_name("start_scheduled_job")]
    assert target["FunctionName"] == f"imgfactory-{STAGE}-start_scheduled_job"
    variables = target["Environment"]["Variables"]
    assert literal(variables["IMGF_SCHEDULER_TARGET_ARN"]).endswith(
        f":function:imgfactory-{STAGE}-start_scheduled_job"
    )
    assert variables["IMGF_SCHEDULE_GROUP"] == f"imgfactory-{STAGE}"

    roles = resources(template, "AWS::IAM::Role")
    scheduler_roles = [
        name
        for name, role in roles.items()
        if role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"].get("Service")
        == "scheduler.amazonaws.com"
    ]
    assert len(scheduler_roles) == 1
    assert variables["IMGF_SCHEDULER_ROLE_ARN"] == {"Fn::GetAtt": [scheduler_roles[0], "Arn"]}
    invokes = [
        statement
        for policy in resources(template, "AWS::IAM::Policy").values()
        if any(role.get("Ref") == scheduler_roles[0] for role in policy["Roles"])
        for statement in policy["PolicyDocument"]["Statement"]
    ]
    assert [s["Action"] for s in invokes] == ["lambda:InvokeFunction"]
    assert literal(invokes[0]["Resource"]).endswith(f":function:imgfactory-{STAGE}-start_scheduled_job")


def test_lambda_role_may_manage_only_the_stages_schedules_and_pass_only_the_scheduler_role(
    template: dict[str, Any],
) -> None:
    statements = [
        statement
        for policy in resources(template, "AWS::IAM::Policy").values()
        for statement in policy["PolicyDocument"]["Statement"]
        if "scheduler:CreateSchedule" in statement["Action"] or statement["Action"] == "iam:PassRole"
    ]
    create = next(s for s in statements if "scheduler:CreateSchedule" in s["Action"])
    assert literal(create["Resource"]).endswith(f":schedule/imgfactory-{STAGE}/*")
    pass_role = next(s for s in statements if s["Action"] == "iam:PassRole")
    assert pass_role["Condition"] == {"StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}}
    assert "Fn::GetAtt" in pass_role["Resource"]


def test_functions_may_invoke_the_named_export_builder_and_only_it(template: dict[str, Any]) -> None:
    functions = resources(template, "AWS::Serverless::Function")
    builder = functions[to_cfn_resource_name("build_export")]
    assert builder["FunctionName"] == f"imgfactory-{STAGE}-build_export"
    assert builder["Timeout"] == 900  # exports are not bound by API Gateway's 29 seconds
    for function in functions.values():
        arn = literal(function["Environment"]["Variables"]["IMGF_EXPORT_FUNCTION_ARN"])
        assert arn.endswith(f":function:imgfactory-{STAGE}-build_export")
    invokes = [
        statement
        for policy in resources(template, "AWS::IAM::Policy").values()
        for statement in policy["PolicyDocument"]["Statement"]
        if statement["Action"] == "lambda:InvokeFunction" and "build_export" in literal(statement["Resource"])
    ]
    assert len(invokes) == 1


def test_functions_may_invoke_the_named_deletion_worker(template: dict[str, Any]) -> None:
    functions = resources(template, "AWS::Serverless::Function")
    worker = functions[to_cfn_resource_name("delete_worker")]
    assert worker["FunctionName"] == f"imgfactory-{STAGE}-delete_worker"
    assert worker["Timeout"] == 900  # deletions are not bound by API Gateway's 29 seconds
    for function in functions.values():
        arn = literal(function["Environment"]["Variables"]["IMGF_DELETE_FUNCTION_ARN"])
        assert arn.endswith(f":function:imgfactory-{STAGE}-delete_worker")
    invokes = [
        statement
        for policy in resources(template, "AWS::IAM::Policy").values()
        for statement in policy["PolicyDocument"]["Statement"]
        if statement["Action"] == "lambda:InvokeFunction"
        and "delete_worker" in json.dumps(statement["Resource"])
    ]
    assert len(invokes) == 1


def test_the_console_is_served_by_cloudfront_with_the_api_under_the_same_domain(
    template: dict[str, Any],
) -> None:
    (distribution,) = resources(template, "AWS::CloudFront::Distribution").values()
    config = distribution["DistributionConfig"]
    assert config["DefaultRootObject"] == "index.html"
    (api_behaviour,) = config["CacheBehaviors"]
    assert api_behaviour["PathPattern"] == "/api/*"
    assert set(api_behaviour["AllowedMethods"]) >= {"GET", "POST", "PATCH", "PUT", "DELETE"}
    origins = {origin["Id"]: origin for origin in config["Origins"]}
    api_origin = origins[api_behaviour["TargetOriginId"]]
    assert literal(api_origin["DomainName"]).startswith("<RestAPI>.execute-api.")
    assert api_origin["OriginPath"] == "/api"  # the REST API's stage; routes start with /api
    default_origin = origins[config["DefaultCacheBehavior"]["TargetOriginId"]]
    assert "OriginAccessControlId" in default_origin  # the console bucket stays private
    types = [item["Type"] for item in template["Resources"].values()]
    assert types.count("Custom::CDKBucketDeployment") == 1
    assert "ConsoleUrl" in template["Outputs"]
