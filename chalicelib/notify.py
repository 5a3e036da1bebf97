"""Live updates: `log`, `progress`, `status` and `image` messages to WebSocket subscribers.

On AWS messages go through the WebSocket API's management endpoint; the local stack plugs its own
WebSocket server in as the sender. Connections that are gone are dropped on the way. Subscriber
lists are cached for a second, so a busy job does not query them for every image.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from functools import cache
from typing import Any, Protocol

from chalicelib.models import ConnectionModel, SubscriptionModel

log = logging.getLogger("imgfactory.notify")
_CACHE_S = 1.0


class Sender(Protocol):
    def send(self, connection_id: str, data: str) -> bool:
        """Deliver one message; False when the connection is gone."""


class ApiGatewaySender:
    """Posts through API Gateway's management API (the deployed WebSocket API)."""

    def __init__(self, endpoint_url: str) -> None:
        import boto3

        from chalicelib.settings import get_settings

        self.client = boto3.client(
            "apigatewaymanagementapi", endpoint_url=endpoint_url, region_name=get_settings().region
        )

    def send(self, connection_id: str, data: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.post_to_connection(ConnectionId=connection_id, Data=data.encode())
            return True
        except ClientError as err:
            if err.response["Error"]["Code"] in ("GoneException", "ForbiddenException"):
                return False
            raise


_local_sender: Sender | None = None
_cache: dict[str, tuple[float, list[str]]] = {}
_cache_lock = threading.Lock()


def use_sender(sender: Sender | None) -> None:
    """The local stack's WebSocket server registers itself here."""
    global _local_sender
    _local_sender = sender


def _sender() -> Sender | None:
    if _local_sender is not None:
        return _local_sender
    from chalicelib import settings

    try:  # on AWS the endpoint comes from an SSM parameter the stack writes
        url = settings.websocket_management_url()
    except Exception:  # noqa: BLE001 - no live updates rather than a failed task
        log.exception("could not resolve the WebSocket management endpoint")
        return None
    return _api_gateway_sender(url) if url else None


@cache
def _api_gateway_sender(endpoint_url: str) -> ApiGatewaySender:
    """One management API client per endpoint and process, not one per message."""
    return ApiGatewaySender(endpoint_url)


def forget_senders() -> None:
    _api_gateway_sender.cache_clear()


def job_topic(job_id: str) -> str:
    return f"job#{job_id}"


def all_topic(workspace: str) -> str:
    return f"all#{workspace}"


def _subscribers(topic: str) -> list[str]:
    now = time.monotonic()
    with _cache_lock:
        cached = _cache.get(topic)
        if cached and now - cached[0] < _CACHE_S:
            return cached[1]
    found = [item.connection_id for item in SubscriptionModel.query(topic)]
    with _cache_lock:
        _cache[topic] = (now, found)
    return found


def forget_cache() -> None:
    with _cache_lock:
        _cache.clear()


def publish(workspace: str, job_id: str, messages: list[dict[str, Any]]) -> None:
    """Send messages about a job to everyone subscribed to it or to all of its workspace's jobs.

    Never fails the caller: a job must not stop because a browser went away.
    """
    if not messages:
        return
    sender = _sender()
    if sender is None:
        return
    try:
        connections = set(_subscribers(job_topic(job_id))) | set(_subscribers(all_topic(workspace)))
        for connection_id in connections:
            for message in messages:
                if not sender.send(connection_id, json.dumps({**message, "job_id": job_id})):
                    drop_connection(connection_id)
                    break
    except Exception:  # noqa: BLE001 - live updates are best effort; the API still has everything
        log.exception("could not publish to WebSocket subscribers of job %s", job_id)


# --- connections ----------------------------------------------------------------------------


# API Gateway closes a WebSocket connection after two hours at most: a record whose disconnect
# never arrived expires (DynamoDB TTL) a little after that.
CONNECTION_LIFETIME_S = 2 * 3600 + 600


def add_connection(connection_id: str, workspace: str) -> None:
    from datetime import UTC, datetime, timedelta

    now = datetime.now(UTC)
    ConnectionModel(
        connection_id,
        workspace=workspace,
        connected_at=now,
        expires_at=now + timedelta(seconds=CONNECTION_LIFETIME_S),
    ).save()


def subscribe(connection_id: str, topic: str) -> None:
    SubscriptionModel(topic, connection_id).save()
    ConnectionModel(connection_id).update(actions=[ConnectionModel.topics.add({topic})])
    with _cache_lock:
        _cache.pop(topic, None)


def unsubscribe(connection_id: str, topic: str) -> None:
    SubscriptionModel(topic, connection_id).delete()
    ConnectionModel(connection_id).update(actions=[ConnectionModel.topics.delete({topic})])
    with _cache_lock:
        _cache.pop(topic, None)


def drop_connection(connection_id: str) -> None:
    try:
        connection = ConnectionModel.get(connection_id)
    except ConnectionModel.DoesNotExist:
        return
    for topic in connection.topics or set():
        SubscriptionModel(topic, connection_id).delete()
        with _cache_lock:
            _cache.pop(topic, None)
    connection.delete()


def connection_workspace(connection_id: str) -> str | None:
    try:
        return ConnectionModel.get(connection_id).workspace
    except ConnectionModel.DoesNotExist:
        return None
