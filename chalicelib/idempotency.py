"""Idempotent job starts: the same `Idempotency-Key` (per workspace) starts one job.

Powertools' idempotency utility keeps a record per key in DynamoDB: a repeat within an hour gets
the first answer again; a repeat while the first is still being handled is a 409; the same key
with a different body is a 400 (the body is part of the record's validation).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from chalicelib.errors import ConflictError, ValidationError

MAX_KEY_LENGTH = 200


@lru_cache(maxsize=4)
def _persistence(table_name: str) -> Any:
    # One persistence layer per table: it keeps the first config it is given.
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    from chalicelib import aws

    return DynamoDBPersistenceLayer(table_name=table_name, boto3_client=aws.client("dynamodb"))


def run_once(
    workspace: str,
    key: str,
    body: dict[str, Any],
    action: Callable[[], dict[str, Any]],
    lambda_context: Any = None,
) -> dict[str, Any]:
    """`action()`'s JSON result, computed once per (workspace, key)."""
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    from chalicelib.settings import get_settings

    if not key or len(key) > MAX_KEY_LENGTH:
        raise ValidationError(f"must be 1 to {MAX_KEY_LENGTH} characters", field="Idempotency-Key")
    config = IdempotencyConfig(event_key_jmespath="[workspace, key]", payload_validation_jmespath="body")
    if hasattr(lambda_context, "get_remaining_time_in_millis"):
        config.register_lambda_context(lambda_context)  # an interrupted start expires with the function

    @idempotent_function(
        data_keyword_argument="request",
        persistence_store=_persistence(get_settings().table_name("idempotency")),
        config=config,
        key_prefix="start_job",
    )
    def once(request: dict[str, Any]) -> dict[str, Any]:
        return action()

    try:
        return once(request={"workspace": workspace, "key": key, "body": body})
    except IdempotencyAlreadyInProgressError as err:
        raise ConflictError(
            "a request with this Idempotency-Key is still being handled", "Idempotency-Key"
        ) from err
    except IdempotencyValidationError as err:
        raise ValidationError(
            "was used before with a different request body", field="Idempotency-Key"
        ) from err
