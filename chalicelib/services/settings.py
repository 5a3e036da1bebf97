"""Workspace settings: the default configuration for new jobs, and the write-only API keys.

The default configuration lives in DynamoDB; API keys go only to Secrets Manager (SPEC §8: the
desktop kept them in plain text in its settings store) and come back only masked.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from chalicelib import jobconfig, secrets
from chalicelib.errors import ValidationError
from chalicelib.models import WorkspaceSettingsModel
from chalicelib.services import default_keywords

SETTINGS_KEYS = {"default_config", "api_keys"}
KEY_MAX_LEN = 4096
_MASK = "••••"


def _item(workspace: str) -> WorkspaceSettingsModel | None:
    try:
        return WorkspaceSettingsModel.get(workspace, consistent_read=True)
    except WorkspaceSettingsModel.DoesNotExist:
        return None


def stored_default_config(workspace: str) -> dict[str, Any] | None:
    item = _item(workspace)
    return item.default_config if item is not None else None


def workspace_settings(workspace: str) -> dict[str, Any]:
    """What GET /api/settings shows: a complete default config, masked keys, export folders."""
    item = _item(workspace)
    default = copy.deepcopy(item.default_config) if item is not None and item.default_config else None
    if default is not None:
        default["keywords_file"] = default_keywords.public_view(default.get("keywords_file"))
    return {
        "default_config": default or {**copy.deepcopy(jobconfig.DEFAULTS), "label": None},
        "api_keys": secrets.masked(secrets.api_keys(workspace)),
        "export_folders": (item.export_folders if item is not None else None) or {},
    }


def update_settings(workspace: str, body: dict[str, Any]) -> dict[str, Any]:
    """PUT /api/settings. Everything is checked before anything is written.

    `default_config` replaces the stored one (keys it leaves out take the built-in defaults;
    null resets to them); `api_keys` changes only the keys it names (null or "" clears one).
    """
    unknown = sorted(set(body) - SETTINGS_KEYS)
    if unknown:
        raise ValidationError(
            f"{unknown[0]} is an unknown key; allowed: api_keys, default_config", field=unknown[0]
        )
    keys = _checked_keys(body["api_keys"]) if "api_keys" in body else None
    if "default_config" in body:
        raw = body["default_config"]
        default, entries = (None, None) if raw is None else _checked_default(raw, _stored_file(workspace))
        if default is not None and entries is not None:  # checked: now the upload may be stored
            default["keywords_file"]["key"] = default_keywords.store_entries(workspace, entries)
        action = (
            WorkspaceSettingsModel.default_config.remove()
            if default is None
            else WorkspaceSettingsModel.default_config.set(default)
        )
        WorkspaceSettingsModel(workspace).update(
            actions=[action, WorkspaceSettingsModel.updated_at.set(datetime.now(UTC))]
        )
    if keys:
        secrets.store_api_keys(workspace, keys)
    return workspace_settings(workspace)


def _stored_file(workspace: str) -> dict[str, Any] | None:
    default = stored_default_config(workspace)
    return (default or {}).get("keywords_file")


def _checked_default(raw: Any, stored_file: dict[str, Any] | None) -> tuple[dict[str, Any], list | None]:
    """A complete config, and the entries of a keywords file uploaded with it (to store once
    everything is checked). Its label stays unset unless given, so new jobs get a dated one."""
    field = "default_config.keywords_file"
    upload = raw.get("keywords_file") if isinstance(raw, dict) else None
    kept = default_keywords.kept_file(upload, stored_file, field)
    if default_keywords.is_reference(upload):
        raw = {**raw, "keywords_file": None}
    try:
        config = jobconfig.normalize_config(raw)
    except ValidationError as err:
        path = "default_config" if err.field in (None, "config") else f"default_config.{err.field}"
        named = bool(err.field) and err.message.startswith(f"{err.field} ")
        message = f"default_config.{err.message}" if named else f"default_config: {err.message}"
        raise ValidationError(message, field=path) from err
    try:  # as for a job: a default no job could use is refused
        jobconfig.refuse_unbuilt(config)
    except ValidationError as err:
        raise ValidationError(f"default_config.{err.message}", field=f"default_config.{err.field}") from err
    label = raw.get("label")
    config["label"] = label.strip() if isinstance(label, str) and label.strip() else None
    entries = None
    if kept is not None:
        if kept.get("columns"):
            default_keywords.check_template(config["prompt_template"], kept["columns"], field)
        config["keywords_file"] = kept
    elif config["keywords_file"] is not None:
        entries, config["keywords_file"] = default_keywords.parse_upload(
            config["keywords_file"], config["prompt_template"], field
        )
    return config, entries


def _checked_keys(raw: Any) -> dict[str, str | None]:
    if not isinstance(raw, dict):
        raise ValidationError("must be an object of key name to key (or null to clear it)", field="api_keys")
    keys: dict[str, str | None] = {}
    for name, value in raw.items():
        path = f"api_keys.{name}"
        if name not in secrets.KEY_NAMES:
            raise ValidationError(f"is not a key name; names: {', '.join(secrets.KEY_NAMES)}", field=path)
        if value is not None and not isinstance(value, str):
            raise ValidationError("must be a string, or null or empty to clear the key", field=path)
        value = (value or "").strip()
        if value.startswith(_MASK):
            # A client that sends back what GET showed would otherwise replace the key by its mask.
            raise ValidationError(
                "is a masked key: send the key itself, or leave it out to keep it", field=path
            )
        if len(value) > KEY_MAX_LEN:
            raise ValidationError(f"must be at most {KEY_MAX_LEN} characters", field=path)
        keys[name] = value or None
    return keys


def config_with_defaults(workspace: str, config: Any) -> Any:
    """A job's `config` laid over the workspace's default configuration, ready to normalise.

    Objects merge key by key; anything else in `config` (lists included) replaces the default.
    A non-object is returned unchanged so that normalisation reports it.
    """
    default = stored_default_config(workspace)
    if not default or not isinstance(config, dict):
        return config
    stored_file = default.get("keywords_file")
    if default_keywords.applies_to(config, stored_file) and "keywords_file" in config:
        config = {**config, "keywords_file": None}  # the default's file: attached once normalised
    return _merge({**default, "keywords_file": None}, config)


def with_default_keywords_file(workspace: str, raw: Any, config: dict[str, Any]) -> dict[str, Any]:
    """A new job's normalised `config` with the default configuration's keywords file, when its
    raw config names no file of its own and no keywords (see `default_keywords.applies_to`)."""
    stored_file = _stored_file(workspace)
    if stored_file is None or not default_keywords.applies_to(raw, stored_file):
        return config
    if stored_file.get("columns"):
        default_keywords.check_template(config["prompt_template"], stored_file["columns"], "keywords_file")
    return {**config, "keywords": [], "keywords_file": copy.deepcopy(stored_file)}


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged
