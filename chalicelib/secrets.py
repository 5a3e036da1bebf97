"""Provider API keys: only ever in AWS Secrets Manager, one secret per workspace.

Never written to DynamoDB, snapshots, logs, exports or responses; shown masked (`••••abcd`).
"""

from __future__ import annotations

import json
import time

from botocore.exceptions import ClientError

from chalicelib import aws
from chalicelib.settings import get_settings

KEY_NAMES = ("openai", "runware", "remove_bg", "piapi")
_CACHE_S = 60.0
_cache: dict[str, tuple[float, dict[str, str]]] = {}


def secret_id(workspace: str) -> str:
    return f"imgfactory/{get_settings().stage}/{workspace}/api-keys"


def api_keys(workspace: str) -> dict[str, str]:
    """The workspace's keys (cached briefly: a batch asks for them once per image phase)."""
    cached = _cache.get(workspace)
    if cached and time.monotonic() - cached[0] < _CACHE_S:
        return cached[1]
    try:
        raw = aws.client("secretsmanager").get_secret_value(SecretId=secret_id(workspace))["SecretString"]
        keys = {k: v for k, v in json.loads(raw).items() if k in KEY_NAMES and v}
    except ClientError as err:
        if err.response["Error"]["Code"] != "ResourceNotFoundException":
            raise
        keys = {}
    _cache[workspace] = (time.monotonic(), keys)
    return keys


def api_key(workspace: str, name: str) -> str | None:
    return api_keys(workspace).get(name)


def store_api_keys(workspace: str, updates: dict[str, str | None]) -> dict[str, str | None]:
    """Set (or, with None/"", clear) some keys; returns the masked view of all of them."""
    keys = dict(api_keys(workspace))
    for name, value in updates.items():
        if value:
            keys[name] = value
        else:
            keys.pop(name, None)
    client = aws.client("secretsmanager")
    body = json.dumps(keys)
    try:
        client.put_secret_value(SecretId=secret_id(workspace), SecretString=body)
    except ClientError as err:
        if err.response["Error"]["Code"] != "ResourceNotFoundException":
            raise
        client.create_secret(Name=secret_id(workspace), SecretString=body)
    _cache.pop(workspace, None)
    return masked(keys)


def mask(value: str) -> str:
    return "••••" + value[-4:] if len(value) > 4 else "••••"


def masked(keys: dict[str, str]) -> dict[str, str | None]:
    return {name: (mask(keys[name]) if keys.get(name) else None) for name in KEY_NAMES}


def forget_cache() -> None:
    _cache.clear()
