"""DynamoDB tables built from the PynamoDB models, so AWS and the local stack cannot drift.

The key schema and indexes come from `Model._get_schema()`: the very dict PynamoDB's
`create_table` sends when the local stack creates its tables. Change a model and both follow.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct
from pynamodb.models import Model

from chalicelib.models import ALL_MODELS
from chalicelib.settings import Settings

_TYPES = {
    "S": dynamodb.AttributeType.STRING,
    "N": dynamodb.AttributeType.NUMBER,
    "B": dynamodb.AttributeType.BINARY,
}


def _keys(key_schema: Sequence[Mapping[str, Any]], types: dict[str, str]) -> dict[str, Any]:
    """CDK partition/sort key arguments from a DynamoDB KeySchema."""
    keys: dict[str, Any] = {}
    for key in key_schema:
        name = key["AttributeName"]
        arg = "partition_key" if key["KeyType"] == "HASH" else "sort_key"
        keys[arg] = dynamodb.Attribute(name=name, type=_TYPES[types[name]])
    return keys


def _projection(projection: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "projection_type": dynamodb.ProjectionType(projection["ProjectionType"]),
        "non_key_attributes": projection.get("NonKeyAttributes"),
    }


def model_table(scope: Construct, id: str, model: type[Model], table_name: str) -> dynamodb.Table:
    """One on-demand table with point-in-time recovery, keyed and indexed like `model`."""
    schema = model._get_schema()  # what create_table sends; no public equivalent
    types = {d["AttributeName"]: d["AttributeType"] for d in schema["attribute_definitions"]}
    for index in schema["global_secondary_indexes"] + schema["local_secondary_indexes"]:
        types.update({d["AttributeName"]: d["AttributeType"] for d in index["attribute_definitions"]})
    table = dynamodb.Table(
        scope,
        id,
        table_name=table_name,
        billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
            point_in_time_recovery_enabled=True
        ),
        # Records that expire (a model's TTLAttribute) are deleted by DynamoDB.
        time_to_live_attribute=ttl.attr_name if (ttl := model._ttl_attribute()) else None,
        **_keys(schema["key_schema"], types),
    )
    for index in schema["global_secondary_indexes"]:
        table.add_global_secondary_index(
            index_name=index["index_name"],
            **_keys(index["key_schema"], types),
            **_projection(index["projection"]),
        )
    for index in schema["local_secondary_indexes"]:
        sort_key = _keys(index["key_schema"], types)["sort_key"]
        table.add_local_secondary_index(
            index_name=index["index_name"], sort_key=sort_key, **_projection(index["projection"])
        )
    return table


def model_tables(scope: Construct, settings: Settings) -> dict[str, dynamodb.Table]:
    """Every table in `ALL_MODELS`, named `Settings.table_name(short)` as the app expects."""
    return {
        short: model_table(scope, f"{short.capitalize()}Table", model, settings.table_name(short))
        for short, model in ALL_MODELS.items()
    }
