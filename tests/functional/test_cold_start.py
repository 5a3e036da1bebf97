"""A fresh process (a Lambda cold start) finds its stage's tables from the environment alone,
with no call from the local stack."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from chalicelib import settings as env

COLD_PROCESS = textwrap.dedent(
    """
    from moto import mock_aws
    from pynamodb.connection import TableConnection

    with mock_aws():
        from chalicelib.models import JobModel

        schema = JobModel._get_schema()
        TableConnection("imgfactory-cold-jobs", region="us-east-1").create_table(
            attribute_definitions=schema["attribute_definitions"],
            key_schema=schema["key_schema"],
            global_secondary_indexes=schema["global_secondary_indexes"],
            billing_mode="PAY_PER_REQUEST",
        )
        try:
            JobModel.get("no-such-job")
        except Exception as err:
            print(type(err).__name__, err)
    """
)


def test_a_cold_process_uses_the_tables_its_environment_names() -> None:
    variables = {
        key: value for key, value in os.environ.items() if not key.startswith(("IMGF_", "AWS_", "MOTO_"))
    }
    variables.update(
        {
            env.ENV_STAGE: "cold",
            env.ENV_TABLE_PREFIX: "imgfactory-cold",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", COLD_PROCESS], env=variables, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    # The table exists under the stage's name: the item is simply missing (not "no table `jobs`").
    assert result.stdout.startswith("DoesNotExist"), result.stdout
