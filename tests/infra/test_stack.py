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

from cdk_nag import AwsSolutionsChecks  # noqa: E402
from cfnlint.api import lint_all  # noqa: E402
from chalice.utils import to_cfn_resource_name  # noqa: E402
from pynamodb.indexes import GlobalSecondaryIndex  # noqa: E402

from chalicelib import asl, auth, secrets  # noqa: E402
from chalicelib import settings as env  # noqa: E402
from chalicelib.api.common import PUBLIC_PATHS  # noqa: E402
from chalicelib.models import ALL_MODELS, ConnectionModel, SubscriptionModel  # noqa: E402
from chalicelib.settings import ENV_STAGE, settings_from_env  # noqa: E402
from infra.app import new_app  # noqa: E402
from infra.roles import ROLE_ACTIONS, ROLE_OF_FUNCTION  # noqa: E402
from infra.stack import REPO_ROOT, ImageFactoryStack  # noqa: E402
from tests.infra.assembly import packaging_lock  # noqa: E402

STAGE = "ci"  # not in .chalice/config.json: exercises the per-function sizing fallback
SETTINGS = settings_from_env({ENV_STAGE: STAGE})
PLACEHOLDER = re.compile(r"\$\{[A-Za-z0-9]+\}")
# The feature flags make the partition concrete, as in a new CDK app.
ARN = "arn:aws:{service}:us-east-1:123456789012:{resource}"
MANAGEMENT_URL_PARAMETER = f"/imgfactory/{STAGE}/websocket-management-url"
WEBSOCKET_URL_PARAMETER = f"/imgfactory/{STAGE}/websocket-url"


@pytest.fixture(scope="module")
def synthesised(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], list[str]]:
    """The stack as `make synth` builds it (cdk.json's feature flags), checked by cdk-nag's
    AwsSolutions rules: the template, and the errors cdk-nag reports that nothing acknowledges."""
    workdir = tmp_path_factory.mktemp("synth")
    out = workdir / "cdk.out"
    # Chalice's packaging writes the stage's environment variables (CDK tokens) into os.environ;
    # put it back so the tests that run after these in the same process see their own settings.
    saved = dict(os.environ)
    errors: list[str] = []
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.chdir(workdir)
            patch.setenv("AWS_DEFAULT_REGION", "us-east-1")
            app = new_app(outdir=str(out))
            cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
            with packaging_lock():
                ImageFactoryStack(
                    app,
                    STAGE,
                    settings=SETTINGS,
                    env=cdk.Environment(account="123456789012", region="us-east-1"),
                )
            try:
                app.synth()
            except Exception as err:  # noqa: BLE001 - a failed validation is what the nag test reports
                errors.append(str(err))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    report = json.loads((out / "validation-report.json").read_text())
    errors += [
        f"{v['ruleName']}: {[c['constructPath'] for c in v['violatingConstructs']]}"
        for plugin in report["pluginReports"]
        for v in plugin["violations"]
        if v["severity"] in ("error", "fatal")
    ]
    return json.loads((out / f"{STAGE}.template.json").read_text()), errors


@pytest.fixture(scope="module")
def template(synthesised: tuple[dict[str, Any], list[str]]) -> dict[str, Any]:
    return synthesised[0]


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


# The only actions AWS scopes no other way than `*`: X-Ray, CloudWatch metrics, log delivery.
STAR_ACTIONS = {
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "cloudwatch:PutMetricData",
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
}


def policy_documents(value: Any) -> list[dict[str, Any]]:
    """Every policy document anywhere in a template: policies, roles' inline policies, managed
    policies, resource policies (bucket, topic, ...), SAM functions' own."""
    if isinstance(value, list):
        return [doc for item in value for doc in policy_documents(item)]
    if not isinstance(value, dict):
        return []
    found = [value] if "Statement" in value and "Version" in value else []
    return found + [doc for item in value.values() for doc in policy_documents(item)]


def allow_statements(template: dict[str, Any]) -> list[dict[str, Any]]:
    documents = policy_documents(template["Resources"])
    return [s for doc in documents for s in as_list(doc["Statement"]) if s["Effect"] == "Allow"]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_the_policy_reader_sees_inline_role_policies() -> None:
    role = {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "Policies": [
                {
                    "PolicyName": "p",
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
                    },
                }
            ]
        },
    }
    assert allow_statements({"Resources": {"Role": role}}) == [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}
    ]


def test_no_policy_allows_every_action_or_any_arn_wildcard_or_a_star_resource_but_the_few(
    template: dict[str, Any],
) -> None:
    statements = allow_statements(template)
    assert len(statements) > 20
    for statement in statements:
        actions = as_list(statement["Action"])
        assert "*" not in actions and not any(a.endswith(":*") for a in actions), statement
        texts = [literal(r) for r in as_list(statement.get("Resource", []))]
        assert not any(t.startswith("arn:*") or ":*:" in t.split("/")[0] for t in texts), statement
        if "*" in texts:
            assert set(actions) <= STAR_ACTIONS, statement
    assert "arn:*" not in json.dumps(template)


def role_of_kind(template: dict[str, Any], kind: str) -> str:
    (logical_id,) = [
        name
        for name, role in resources(template, "AWS::IAM::Role").items()
        if role.get("Description") == f"Image Factory {STAGE}: the {kind.replace('_', ' ')} functions"
    ]
    return logical_id


def role_statements(template: dict[str, Any], logical_id: str) -> list[dict[str, Any]]:
    policies = [
        p for p in resources(template, "AWS::IAM::Policy").values() if {"Ref": logical_id} in p["Roles"]
    ]
    inline = resources(template, "AWS::IAM::Role")[logical_id].get("Policies", [])
    return [s for p in [*policies, *inline] for s in as_list(p["PolicyDocument"]["Statement"])]


@pytest.mark.parametrize("kind", sorted(ROLE_ACTIONS))
def test_each_function_role_allows_exactly_the_actions_its_code_calls(
    template: dict[str, Any], kind: str
) -> None:
    statements = role_statements(template, role_of_kind(template, kind))
    assert {a for s in statements for a in as_list(s["Action"])} == set(ROLE_ACTIONS[kind])
    assert all(s["Effect"] == "Allow" for s in statements)


def test_every_function_runs_with_the_role_of_its_kind_and_chalice_makes_none(
    template: dict[str, Any],
) -> None:
    functions = resources(template, "AWS::Serverless::Function")
    expected = {
        ("APIHandler" if name == "api_handler" else to_cfn_resource_name(name)): kind
        for name, kind in ROLE_OF_FUNCTION.items()
    }
    assert set(functions) == set(expected)
    for logical_id, function in functions.items():
        assert function["Role"] == {"Fn::GetAtt": [role_of_kind(template, expected[logical_id]), "Arn"]}
        assert "Policies" not in function
    lambda_roles = [
        r
        for r in resources(template, "AWS::IAM::Role").values()
        if "lambda.amazonaws.com" in json.dumps(r["AssumeRolePolicyDocument"])
    ]
    # The five kinds, and CDK's BucketDeployment handler.
    assert len(lambda_roles) == len(ROLE_ACTIONS) + 1


def test_the_websocket_handlers_touch_only_connections_subscriptions_and_jobs(
    template: dict[str, Any],
) -> None:
    statements = role_statements(template, role_of_kind(template, "websocket"))
    tables = {
        literal(r).split(">")[0].lstrip("<")
        for s in statements
        if any(a.startswith("dynamodb:") for a in as_list(s["Action"]))
        for r in as_list(s["Resource"])
    }
    names = {k: v["TableName"] for k, v in resources(template, "AWS::DynamoDB::Table").items()}
    assert {names[t] for t in tables} == {
        SETTINGS.table_name(s) for s in ("connections", "subscriptions", "jobs")
    }


def test_each_function_logs_into_its_own_group_with_a_retention(template: dict[str, Any]) -> None:
    groups = resources(template, "AWS::Logs::LogGroup")
    named = {literal(g["LogGroupName"]): g for g in groups.values() if "LogGroupName" in g}
    for logical_id, _function in resources(template, "AWS::Serverless::Function").items():
        group = named[f"/aws/lambda/<{logical_id}>"]
        assert group["RetentionInDays"] >= 30
    assert all("RetentionInDays" in g for g in groups.values())
    for function in resources(template, "AWS::Lambda::Function").values():  # CDK's own
        assert "LoggingConfig" in function


def lambda_role_grants(template: dict[str, Any], service: str) -> set[tuple[str, str]]:
    """(action, resource as text) the function roles allow for one service's actions."""
    statements = [s for kind in ROLE_ACTIONS for s in role_statements(template, role_of_kind(template, kind))]
    return {
        (action, literal(resource))
        for s in statements
        for action in as_list(s["Action"])
        if action.startswith(f"{service}:")
        for resource in as_list(s["Resource"])
    }


def test_functions_may_drive_only_the_job_machine(template: dict[str, Any]) -> None:
    granted = lambda_role_grants(template, "states")
    machine = ARN.format(service="states", resource=f"stateMachine:imgfactory-{STAGE}-job")
    execution = ARN.format(service="states", resource=f"execution:imgfactory-{STAGE}-job:*")
    assert granted == {
        ("states:StartExecution", machine),
        ("states:SendTaskSuccess", machine),
        ("states:ListExecutions", machine),
        ("states:StopExecution", execution),
        ("states:DescribeExecution", execution),
    }


def test_functions_may_use_only_the_stages_api_key_secrets(
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


def test_functions_may_post_only_to_the_websocket_apis_connections(template: dict[str, Any]) -> None:
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
        # Besides invoking its tasks, only tracing and log delivery (which take `*`).
        assert {a for s in statements for a in as_list(s["Action"])} - STAR_ACTIONS == {
            "lambda:InvokeFunction"
        }
        statements = [s for s in statements if "lambda:InvokeFunction" in as_list(s["Action"])]
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
    (bucket,) = [b for b in resources(template, "AWS::S3::Bucket").values() if "CorsConfiguration" in b]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert "GET" in bucket["CorsConfiguration"]["CorsRules"][0]["AllowedMethods"]
    rules = {rule["Id"]: rule for rule in bucket["LifecycleConfiguration"]["Rules"]}
    assert (rules["ExpireExports"]["Prefix"], rules["ExpireExports"]["ExpirationInDays"]) == ("exports/", 7)
    # Exports upload in parts: parts of an upload that never completed go after a day.
    assert rules["AbortIncompleteUploads"]["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 1}
    assert "Prefix" not in rules["AbortIncompleteUploads"]


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


def test_template_has_no_cfn_lint_errors_or_warnings(template: dict[str, Any]) -> None:
    # Cognito user pools exist in every commercial region but not in China, CloudFront's origin
    # access control not in GovCloud: the stack needs them, so those regions are out.
    errors = [
        m
        for m in lint_all(json.dumps(template))
        if m.rule.id[0] in "EW"
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
    assert invoked_functions(template, "api") == {
        ARN.format(service="lambda", resource=f"function:imgfactory-{STAGE}-{name}")
        for name in ("build_export", "delete_worker")
    }


def invoked_functions(template: dict[str, Any], kind: str) -> set[str]:
    return {
        literal(r)
        for s in role_statements(template, role_of_kind(template, kind))
        if "lambda:InvokeFunction" in as_list(s["Action"])
        for r in as_list(s["Resource"])
    }


def test_functions_may_invoke_the_named_deletion_worker(template: dict[str, Any]) -> None:
    functions = resources(template, "AWS::Serverless::Function")
    worker = functions[to_cfn_resource_name("delete_worker")]
    assert worker["FunctionName"] == f"imgfactory-{STAGE}-delete_worker"
    assert worker["Timeout"] == 900  # deletions are not bound by API Gateway's 29 seconds
    for function in functions.values():
        arn = literal(function["Environment"]["Variables"]["IMGF_DELETE_FUNCTION_ARN"])
        assert arn.endswith(f":function:imgfactory-{STAGE}-delete_worker")
    # The API starts it; it invokes itself to carry on; no other function role invokes anything.
    worker_arn = ARN.format(service="lambda", resource=f"function:imgfactory-{STAGE}-delete_worker")
    assert invoked_functions(template, "deletion_worker") == {worker_arn}
    assert worker_arn in invoked_functions(template, "api")
    for kind in set(ROLE_ACTIONS) - {"api", "deletion_worker"}:
        assert not invoked_functions(template, kind)


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


def test_cdk_nag_finds_no_unacknowledged_error(synthesised: tuple[dict[str, Any], list[str]]) -> None:
    assert not synthesised[1]


def test_expiring_records_have_a_ttl(template: dict[str, Any]) -> None:
    tables = {t["TableName"]: t for t in resources(template, "AWS::DynamoDB::Table").values()}
    expected = {"idempotency": "expiration", "connections": "expires_at"}
    for short, attribute in expected.items():
        ttl = tables[SETTINGS.table_name(short)]["TimeToLiveSpecification"]
        assert ttl == {"AttributeName": attribute, "Enabled": True}
        assert ALL_MODELS[short]._ttl_attribute().attr_name == attribute  # what the code writes


def test_state_machines_log_every_event_and_are_traced(template: dict[str, Any]) -> None:
    groups = resources(template, "AWS::Logs::LogGroup")
    for machine in resources(template, "AWS::StepFunctions::StateMachine").values():
        assert machine["TracingConfiguration"] == {"Enabled": True}
        logging = machine["LoggingConfiguration"]
        assert logging["Level"] == "ALL"
        (destination,) = logging["Destinations"]
        group = destination["CloudWatchLogsLogGroup"]["LogGroupArn"]["Fn::GetAtt"][0]
        assert groups[group]["RetentionInDays"] >= 30


def test_failed_or_timed_out_jobs_and_function_errors_alarm_to_the_output_topic(
    template: dict[str, Any],
) -> None:
    (topic,) = resources(template, "AWS::SNS::Topic")
    assert template["Outputs"]["AlarmTopicArn"]["Value"] == {"Ref": topic}
    alarms = list(resources(template, "AWS::CloudWatch::Alarm").values())
    assert all(a["AlarmActions"] == [{"Ref": topic}] for a in alarms)
    states = {a["MetricName"] for a in alarms if a["Namespace"] == "AWS/States"}
    assert states == {"ExecutionsFailed", "ExecutionsTimedOut"}
    erroring = {literal(a["Dimensions"][0]["Value"]) for a in alarms if a["Namespace"] == "AWS/Lambda"}
    assert erroring == {f"<{k}>" for k in resources(template, "AWS::Serverless::Function")}


def test_the_rest_api_is_regional_behind_the_stacks_cloudfront(template: dict[str, Any]) -> None:
    (api,) = resources(template, "AWS::Serverless::Api").values()
    assert api["EndpointConfiguration"] == "REGIONAL"
    (distribution,) = resources(template, "AWS::CloudFront::Distribution").values()
    assert distribution["DistributionConfig"]["Logging"]  # access logs, like both buckets'
    buckets = [b for b in resources(template, "AWS::S3::Bucket").values() if "LoggingConfiguration" in b]
    assert len(buckets) == 2


def test_cdk_json_sets_every_feature_flag_a_new_app_gets() -> None:
    import tarfile
    from pathlib import Path

    import aws_cdk

    (bundle,) = (Path(aws_cdk.__file__).parent / "_jsii").glob("aws-cdk-lib@*.jsii.tgz")
    with tarfile.open(bundle) as archive:
        member = archive.extractfile("package/recommended-feature-flags.json")
        assert member is not None
        recommended = json.load(member)
    context = json.loads((REPO_ROOT / "infra" / "cdk.json").read_text())["context"]
    assert {k: context.get(k) for k in recommended} == recommended


def test_api_gateways_own_answers_are_in_the_apis_error_shape(template: dict[str, Any]) -> None:
    """A route or method the API lacks, a bad token, a body too large: API Gateway answers these
    itself, and says so in `{"error": {"code", "message"}}` (a missing route as a 404)."""
    (api,) = resources(template, "AWS::Serverless::Api").values()
    responses = api["DefinitionBody"]["x-amazon-apigateway-gateway-responses"]
    assert {
        "MISSING_AUTHENTICATION_TOKEN",
        "UNAUTHORIZED",
        "REQUEST_TOO_LARGE",
        "DEFAULT_4XX",
        "DEFAULT_5XX",
    } <= set(responses)
    assert responses["MISSING_AUTHENTICATION_TOKEN"]["statusCode"] == "404"
    for response_type, response in responses.items():
        body = json.loads(response["responseTemplates"]["application/json"])
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, response_type
