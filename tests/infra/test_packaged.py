"""What deploys, run: the function zip and layer from infra/cdk.out, each function with the
environment the template gives it, against the template's tables and state machines on moto.

Nothing of this checkout's Python path reaches the functions: each runs in its own interpreter
(`lambda_worker.py`) that sees only the standard library, the packaged code and boto3, as the
Lambda runtime does. The one change to the template's environment points the AWS endpoint at
moto. The layer's compiled packages must be builds for Lambda's Linux (manylinux / musllinux).
Every AWS call the functions make during the job is recorded as the IAM action it needs and held
against the role the function runs with (`infra.roles.ROLE_ACTIONS`), which moto does not enforce.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.infra.assembly import Assembly, synthesise_if_stale

pytestmark = [pytest.mark.infra, pytest.mark.slow]

ACCOUNT, REGION = "123456789012", "us-east-1"
PSEUDO = {
    "AWS::Partition": "aws",
    "AWS::Region": REGION,
    "AWS::AccountId": ACCOUNT,
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::StackName": "imgfactory-dev",
}
# What the Lambda runtime brings besides the standard library (its own boto3).
RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six.py", "urllib3")
# Wheel platform tags built for Lambda's Linux (glibc up to Amazon Linux 2023's 2.34, or musl).
LINUX_BUILD = re.compile(r"^(manylinux(1|2010|2014|_2_(\d+))|musllinux_\d+_\d+)_x86_64$")
AL2023_GLIBC_MINOR = 34


@pytest.fixture(scope="module")
def assembly() -> Assembly:
    return Assembly.load(synthesise_if_stale())


@pytest.fixture(scope="module")
def layer(assembly: Assembly, tmp_path_factory: pytest.TempPathFactory) -> Path:
    (properties,) = assembly.resources("AWS::Serverless::LayerVersion").values()
    return assembly.extract(properties["ContentUri"], tmp_path_factory.mktemp("layer") / "opt")


def site_packages(layer: Path) -> Path:
    (found,) = (layer / "python" / "lib").glob("python3.*/site-packages")
    return found


def wheel_tags(dist_info: Path) -> tuple[bool, list[str]]:
    """(pure Python?, the wheel's tags) from its WHEEL file."""
    lines = (dist_info / "WHEEL").read_text().splitlines()
    pure = any(line.strip().lower() == "root-is-purelib: true" for line in lines)
    return pure, [line.split(":", 1)[1].strip() for line in lines if line.startswith("Tag:")]


def is_lambda_linux_build(tag: str) -> bool:
    platform = tag.split("-")[-1]
    match = LINUX_BUILD.match(platform)
    return bool(match) and (match.group(3) is None or int(match.group(3)) <= AL2023_GLIBC_MINOR)


def test_every_compiled_package_in_the_layer_is_a_manylinux_or_musllinux_build(layer: Path) -> None:
    packages = site_packages(layer)
    owner_of: dict[str, str] = {}
    wrong: list[str] = []
    for dist_info in packages.glob("*.dist-info"):
        pure, tags = wheel_tags(dist_info)
        for line in (dist_info / "RECORD").read_text().splitlines():
            owner_of[line.split(",")[0]] = dist_info.name
        if not pure and not any(is_lambda_linux_build(tag) for tag in tags):
            wrong.append(f"{dist_info.name}: {tags}")
    compiled = [p.relative_to(packages).as_posix() for p in packages.rglob("*.so*")]
    assert compiled, "the layer has no compiled package at all: is Pillow still in it?"
    unowned = [path for path in compiled if path not in owner_of]
    assert not unowned, f"compiled files no wheel accounts for: {unowned}"
    assert not wrong, f"compiled for this machine, not for Lambda: {wrong}"


def test_the_check_recognises_a_wheel_built_on_this_machine() -> None:
    assert is_lambda_linux_build("cp312-cp312-manylinux_2_28_x86_64")
    assert is_lambda_linux_build("cp311-abi3-manylinux2014_x86_64")
    assert not is_lambda_linux_build("cp312-cp312-linux_x86_64")  # what a source build makes
    assert not is_lambda_linux_build("cp312-cp312-manylinux_2_39_x86_64")  # newer glibc than AL2023


# --- the job ------------------------------------------------------------------------------


def resolve(value: Any, names: dict[str, str], arns: dict[str, str]) -> Any:
    """A template value with Ref / Fn::GetAtt / Fn::Join / Fn::Sub worked out for this moto."""
    if isinstance(value, list):
        return [resolve(v, names, arns) for v in value]
    if not isinstance(value, dict):
        return value
    if "Ref" in value:
        return PSEUDO.get(value["Ref"]) or names[value["Ref"]]
    if "Fn::GetAtt" in value:
        logical_id, attribute = value["Fn::GetAtt"]
        assert attribute == "Arn", value
        return arns[logical_id]
    if "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(str(resolve(part, names, arns)) for part in parts)
    if "Fn::Sub" in value:
        text = value["Fn::Sub"] if isinstance(value["Fn::Sub"], str) else value["Fn::Sub"][0]

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if "." in name:
                return str(arns[name.split(".")[0]])
            return str(PSEUDO.get(name) or names[name])

        return re.sub(r"\$\{([^}]+)\}", substitute, text)
    return {k: resolve(v, names, arns) for k, v in value.items()}


class Deployment:
    """The template's resources the job uses, created in moto under names the template gives
    (tables, machines, parameters) or derived from logical ids (buckets, pools, APIs)."""

    def __init__(self, assembly: Assembly, endpoint: str) -> None:
        self.assembly, self.endpoint = assembly, endpoint
        functions = assembly.resources("AWS::Serverless::Function")
        self.function_names = {k: p.get("FunctionName", k) for k, p in functions.items()}
        self.names: dict[str, str] = {}
        self.arns: dict[str, str] = {}
        for logical_id, resource in assembly.template["Resources"].items():
            kind, properties = resource["Type"], resource.get("Properties", {})
            if kind == "AWS::Serverless::Function":
                name = self.function_names[logical_id]
                self.names[logical_id] = name
                self.arns[logical_id] = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"
            elif kind == "AWS::S3::Bucket":
                self.names[logical_id] = logical_id.lower()
                self.arns[logical_id] = f"arn:aws:s3:::{logical_id.lower()}"
            elif kind == "AWS::StepFunctions::StateMachine":
                arn = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{properties['StateMachineName']}"
                self.names[logical_id] = self.arns[logical_id] = arn
            elif kind == "AWS::IAM::Role":
                self.names[logical_id] = logical_id
                self.arns[logical_id] = f"arn:aws:iam::{ACCOUNT}:role/{logical_id}"
            else:
                self.names[logical_id] = logical_id
                self.arns[logical_id] = (
                    f"arn:aws:{kind.split('::')[1].lower()}:{REGION}:{ACCOUNT}:{logical_id}"
                )

    def client(self, service: str) -> Any:
        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id="packaged",
            aws_secret_access_key="packaged",
        )

    def create(self) -> None:
        dynamodb, s3, sfn, ssm = (self.client(s) for s in ("dynamodb", "s3", "stepfunctions", "ssm"))
        for table in self.assembly.resources("AWS::DynamoDB::Table").values():
            keys = ("TableName", "KeySchema", "AttributeDefinitions", "BillingMode")
            indexes = ("GlobalSecondaryIndexes", "LocalSecondaryIndexes")
            dynamodb.create_table(
                **{k: table[k] for k in keys}, **{k: table[k] for k in indexes if k in table}
            )
            if "TimeToLiveSpecification" in table:
                dynamodb.update_time_to_live(
                    TableName=table["TableName"], TimeToLiveSpecification=table["TimeToLiveSpecification"]
                )
        for logical_id in self.assembly.resources("AWS::S3::Bucket"):
            s3.create_bucket(Bucket=self.names[logical_id])
        for machine in self.assembly.resources("AWS::StepFunctions::StateMachine").values():
            sfn.create_state_machine(
                name=machine["StateMachineName"],
                definition=resolve(machine["DefinitionString"], self.names, self.arns),
                roleArn=f"arn:aws:iam::{ACCOUNT}:role/states",
            )
        for parameter in self.assembly.resources("AWS::SSM::Parameter").values():
            ssm.put_parameter(
                Name=parameter["Name"],
                Type=parameter["Type"],
                Value=resolve(parameter["Value"], self.names, self.arns),
            )

    def functions_config(self, code: Path, layer: Path, runtime: Path) -> dict[str, Any]:
        """What each worker runs: handler, code, layer and the template's environment."""
        functions: dict[str, Any] = {}
        for logical_id, function in self.assembly.resources("AWS::Serverless::Function").items():
            variables = resolve(function["Environment"]["Variables"], self.names, self.arns)
            name = self.function_names[logical_id]
            functions[name] = {
                "handler": function["Handler"],
                "task": str(code),
                "layer": str(layer),
                "environment": {
                    **variables,
                    "AWS_DEFAULT_REGION": REGION,
                    "AWS_REGION": REGION,
                    "AWS_ACCESS_KEY_ID": f"packaged-{name}",  # so its calls can be told apart
                    "AWS_SECRET_ACCESS_KEY": "packaged",
                    "AWS_LAMBDA_FUNCTION_NAME": name,
                    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.get("MemorySize", 128)),
                    "AWS_LAMBDA_FUNCTION_TIMEOUT": str(function.get("Timeout", 60)),
                    "LAMBDA_TASK_ROOT": str(code),
                    # The one change: AWS is moto. The app's own setting, and botocore's for any
                    # client built elsewhere, so nothing can reach a real account.
                    "IMGF_AWS_ENDPOINT": self.endpoint,
                    "AWS_ENDPOINT_URL": self.endpoint,
                },
            }
        return functions


def runtime_packages(into: Path) -> Path:
    """boto3 and its dependencies, as the runtime has them, linked from this interpreter's."""
    into.mkdir()
    for name in RUNTIME_PACKAGES:
        (source,) = [Path(p) for p in sys.path if (Path(p) / name).exists()][:1]
        (into / name).symlink_to(source / name)
    return into


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_job_runs_to_completion_on_the_packaged_functions_with_the_templates_settings(
    assembly: Assembly, layer: Path, tmp_path: Path
) -> None:
    functions = assembly.resources("AWS::Serverless::Function")
    (code_uri,) = {json.dumps(f["CodeUri"], sort_keys=True) for f in functions.values()}
    code = assembly.extract(json.loads(code_uri), tmp_path / "task")
    runtime = runtime_packages(tmp_path / "runtime")
    config_path = tmp_path / "functions.json"
    calls_path = tmp_path / "calls.jsonl"
    port = free_port()
    aws = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).with_name("packaged_aws.py")),
            str(port),
            str(config_path),
            str(calls_path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert aws.stdout and aws.stdout.readline().strip() == "ready"
        deployment = Deployment(assembly, f"http://127.0.0.1:{port}")
        deployment.create()
        config_path.write_text(
            json.dumps(
                {"runtime": str(runtime), "functions": deployment.functions_config(code, layer, runtime)}
            )
        )
        machines = assembly.resources("AWS::StepFunctions::StateMachine").values()
        (job_machine,) = [m for m in machines if m["StateMachineName"].endswith("-job")]
        sfn = deployment.client("stepfunctions")
        job = {
            "workspace": "ws-packaged",
            "config": {
                "label": "packaged",
                "keywords": ["red fox", "blue lake"],
                "generations": 3,
                "ai": {"quality_check": False, "metadata": False},
            },
        }
        execution = sfn.start_execution(
            stateMachineArn=deployment.arns[_logical_id(assembly, job_machine)],
            name="packaged-job",
            input=json.dumps(job),
        )["executionArn"]
        deadline = time.monotonic() + 300
        status = "RUNNING"
        while status == "RUNNING" and time.monotonic() < deadline:
            time.sleep(0.5)
            status = sfn.describe_execution(executionArn=execution)["status"]
        described = sfn.describe_execution(executionArn=execution)
        assert status == "SUCCEEDED", described

        dynamodb = deployment.client("dynamodb")
        tables = {
            t["TableName"].rsplit("-", 1)[-1]: t["TableName"]
            for t in assembly.resources("AWS::DynamoDB::Table").values()
        }
        (stored_job,) = dynamodb.scan(TableName=tables["jobs"])["Items"]
        assert stored_job["status"]["S"] == "completed"
        assert stored_job["workspace"]["S"] == "ws-packaged"
        images = dynamodb.scan(TableName=tables["images"])["Items"]
        assert len(images) == 3
        assert {i["job_id"]["S"] for i in images} == {stored_job["job_id"]["S"]}
        bucket = resolve(
            next(iter(functions.values()))["Environment"]["Variables"]["IMGF_BUCKET"],
            deployment.names,
            deployment.arns,
        )
        keys = {o["Key"] for o in deployment.client("s3").list_objects_v2(Bucket=bucket).get("Contents", [])}
        assert {i["current_key"]["S"] for i in images} <= keys
        assert_roles_allow_what_the_code_called(assembly, deployment, calls_path)
    finally:
        assert aws.stdin
        aws.stdin.close()
        aws.wait(timeout=30)


# Calls whose IAM action is another one's: a transaction needs the item actions it is made of.
IMPLIED_ACTIONS = {
    "dynamodb:TransactWriteItems": ("dynamodb:UpdateItem",),
    "dynamodb:TransactGetItems": ("dynamodb:GetItem",),
}


def assert_roles_allow_what_the_code_called(assembly: Assembly, deployment: Any, calls_path: Path) -> None:
    """Every AWS call a packaged function made in the job is allowed by its role's reviewed list
    (moto does not enforce IAM, so a missing action would first show as AccessDenied on AWS)."""
    from infra.roles import ROLE_ACTIONS, ROLE_OF_FUNCTION
    from infra.stack import logical_id_of

    chalice_name = {
        deployment.function_names[logical_id_of(name)]: name
        for name in ROLE_OF_FUNCTION
        if logical_id_of(name) in deployment.function_names
    }
    calls = [json.loads(line) for line in calls_path.read_text().splitlines()]
    assert calls, "no call of a packaged function was recorded"
    refused: dict[str, set[str]] = {}
    for call in calls:
        name = chalice_name[call["function"]]
        allowed = set(ROLE_ACTIONS[ROLE_OF_FUNCTION[name]])
        for action in IMPLIED_ACTIONS.get(call["action"], (call["action"],)):
            if action not in allowed:
                refused.setdefault(name, set()).add(action)
    assert not refused, f"the code called what its role does not allow: {refused}"
    called = {chalice_name[c["function"]] for c in calls}
    assert {"acquire_slot", "run_batch", "finish_job"} <= called, called


def _logical_id(assembly: Assembly, properties: dict[str, Any]) -> str:
    return next(k for k, v in assembly.template["Resources"].items() if v.get("Properties") is properties)
