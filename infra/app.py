"""CDK entry point: `make synth` (writes infra/cdk.out) or `cdk deploy -c stage=prod` (from infra/).

Puts the repository root on sys.path so the stack imports the same `chalicelib` the Lambdas run,
and gives Chalice's packager a region: it needs one to name the Lambda service principal.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aws_cdk as cdk  # noqa: E402

from chalicelib.settings import ENV_STAGE, settings_from_env  # noqa: E402
from infra.stack import ImageFactoryStack  # noqa: E402

CDK_JSON = Path(__file__).resolve().parent / "cdk.json"
# Chalice packages for the interpreter it runs in (runtime and wheels): see infra/README.md.
LAMBDA_PYTHON = (3, 12)


def new_app(outdir: str | None = None, **context: Any) -> cdk.App:
    """An app with cdk.json's context (the feature flags), as the CDK CLI would give it, so a
    synthesis without the CLI (`make synth`, the tests) builds the same template."""
    if sys.version_info[:2] != LAMBDA_PYTHON:
        raise SystemExit(
            f"synthesise with Python {'.'.join(map(str, LAMBDA_PYTHON))}, the functions' runtime "
            f"(this is {sys.version.split()[0]}): `make synth` uses the project's venv"
        )
    defaults = json.loads(CDK_JSON.read_text())["context"]
    # The CLI names its output directory; without it the app would write to a temporary one.
    outdir = outdir or os.environ.get("CDK_OUTDIR") or str(CDK_JSON.parent / "cdk.out")
    return cdk.App(outdir=outdir, context={**defaults, **context})


def main() -> None:
    app = new_app()
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
