"""How notify finds the WebSocket API on AWS: the management URL setting, else the SSM parameter the
stack writes (read once per process); `settings.websocket_url()` resolves the client URL alike.

SSM is moto's in-process mock. Other tests in this process talk to a moto server through the
environment and the cached settings, so these build their own Settings and patch the lookups
instead of touching os.environ, and clear every cache they fill.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest

from chalicelib import aws, notify
from chalicelib import settings as settings_module
from chalicelib.settings import (
    ENV_AWS_ENDPOINT,
    ENV_STAGE,
    ENV_WEBSOCKET_MANAGEMENT_URL,
    ENV_WEBSOCKET_MANAGEMENT_URL_PARAMETER,
    ENV_WEBSOCKET_URL,
    ENV_WEBSOCKET_URL_PARAMETER,
    Settings,
    settings_from_env,
)

REGION = "us-east-1"
MANAGEMENT_URL = "https://abc123.execute-api.us-east-1.amazonaws.com/api"
WEBSOCKET_URL = "wss://abc123.execute-api.us-east-1.amazonaws.com/api/"
# Parameters live in the session stack's moto server (never moto's in-process mock: it would reset
# the backends that server shares with this process). Unique per run, so runs do not collide.
_RUN = uuid.uuid4().hex[:8]
MANAGEMENT_PARAMETER = f"/imgfactory/unit-{_RUN}/websocket-management-url"
URL_PARAMETER = f"/imgfactory/unit-{_RUN}/websocket-url"

UseSettings = Callable[[dict[str, str]], Settings]


def _forget() -> None:
    settings_module.parameter_value.cache_clear()
    notify.forget_senders()
    aws.reset_clients()


@pytest.fixture
def use_settings(monkeypatch: pytest.MonkeyPatch, stack: Any) -> Iterator[UseSettings]:
    """Make `get_settings()` return Settings built from the given variables (and no local sender)."""

    def use(variables: dict[str, str]) -> Settings:
        base = {ENV_STAGE: "unit", "AWS_DEFAULT_REGION": REGION, ENV_AWS_ENDPOINT: stack.endpoint}
        settings = settings_from_env({**base, **variables})
        monkeypatch.setattr(settings_module, "get_settings", lambda: settings)
        monkeypatch.setattr(aws, "get_settings", lambda: settings)  # imported by name there
        return settings

    monkeypatch.setattr(notify, "_local_sender", None)
    _forget()
    yield use
    monkeypatch.undo()  # the real aws.client and get_settings again, then drop what these built
    _forget()


def _no_aws(service: str) -> None:
    raise AssertionError(f"unexpected {service} call")


def _ssm() -> Any:
    return boto3.client("ssm", region_name=REGION, endpoint_url=os.environ[ENV_AWS_ENDPOINT])


def _put_parameter(name: str, value: str) -> None:
    _ssm().put_parameter(Name=name, Value=value, Type="String", Overwrite=True)


def test_management_url_setting_gives_an_api_gateway_sender_without_ssm(
    use_settings: UseSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_settings(
        {ENV_WEBSOCKET_MANAGEMENT_URL: MANAGEMENT_URL, ENV_WEBSOCKET_MANAGEMENT_URL_PARAMETER: "/unused"}
    )
    monkeypatch.setattr(aws, "client", _no_aws)
    sender = notify._sender()
    assert isinstance(sender, notify.ApiGatewaySender)
    assert sender.client.meta.endpoint_url == MANAGEMENT_URL
    assert sender.client.meta.region_name == REGION


def test_parameter_name_alone_reads_the_endpoint_from_ssm_once(use_settings: UseSettings) -> None:
    _put_parameter(MANAGEMENT_PARAMETER, MANAGEMENT_URL)
    use_settings({ENV_WEBSOCKET_MANAGEMENT_URL_PARAMETER: MANAGEMENT_PARAMETER})
    sender = notify._sender()
    assert isinstance(sender, notify.ApiGatewaySender)
    assert sender.client.meta.endpoint_url == MANAGEMENT_URL
    # Read once per process: later publishes neither ask SSM again nor build another client.
    _ssm().delete_parameter(Name=MANAGEMENT_PARAMETER)
    assert notify._sender() is sender


def test_unreadable_parameter_means_no_live_updates_not_a_failed_task(use_settings: UseSettings) -> None:
    use_settings({ENV_WEBSOCKET_MANAGEMENT_URL_PARAMETER: MANAGEMENT_PARAMETER})  # never written
    assert notify._sender() is None
    notify.publish("default", "job-1", [{"type": "log", "message": "hello"}])  # does not raise


def test_no_endpoint_and_no_parameter_means_no_sender(
    use_settings: UseSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_settings({})
    monkeypatch.setattr(aws, "client", _no_aws)
    assert notify._sender() is None
    assert settings_module.websocket_url() is None


def test_local_sender_wins(use_settings: UseSettings, monkeypatch: pytest.MonkeyPatch) -> None:
    use_settings({ENV_WEBSOCKET_MANAGEMENT_URL: MANAGEMENT_URL})
    local = object()
    monkeypatch.setattr(notify, "_local_sender", local)
    assert notify._sender() is local


def test_websocket_url_setting_wins_over_the_parameter(
    use_settings: UseSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_settings({ENV_WEBSOCKET_URL: "ws://127.0.0.1:8001/ws", ENV_WEBSOCKET_URL_PARAMETER: URL_PARAMETER})
    monkeypatch.setattr(aws, "client", _no_aws)
    assert settings_module.websocket_url() == "ws://127.0.0.1:8001/ws"


def test_websocket_url_comes_from_the_stacks_parameter(use_settings: UseSettings) -> None:
    _put_parameter(URL_PARAMETER, WEBSOCKET_URL)
    settings = use_settings({ENV_WEBSOCKET_URL_PARAMETER: URL_PARAMETER})
    assert settings_module.websocket_url() == WEBSOCKET_URL
    assert settings_module.websocket_url(settings) == WEBSOCKET_URL
