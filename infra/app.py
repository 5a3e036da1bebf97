"""CDK entry point: `cdk deploy -c stage=prod` (run from infra/).

Puts the repository root on sys.path so the stack imports the same `chalicelib` the Lambdas run,
and gives Chalice's packager a region: it needs one to name the Lambda service principal.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aws_cdk as cdk  # noqa: E402

from chalicelib.settings import ENV_STAGE, settings_from_env  # noqa: E402
from infra.stack import ImageFactoryStack  # noqa: E402


def main() -> None:
    app = cdk.App()
    stage = app.node.try_get_context("stage") or "dev"
    region = os.environ.get("CDK_DEFAULT_REGION")
    os.environ.setdefault("AWS_DEFAULT_REGION", region or "us-east-1")
    ImageFactoryStack(
        app,
        stage,
        stack_name=f"imgfactory-{stage}",
        settings=settings_from_env({ENV_STAGE: stage}),
        console_origin=app.node.try_get_context("console_origin") or "*",
        env=cdk.Environment(account=os.environ.get("CDK_DEFAULT_ACCOUNT"), region=region),
    )
    app.synth()


if __name__ == "__main__":
    main()
