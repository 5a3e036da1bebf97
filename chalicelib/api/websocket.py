"""The WebSocket API: connect with the token, subscribe to a job (or to all), get live messages.

Messages in: `{"action": "subscribe", "job_id": "<id>"}` or `{"action": "subscribe", "job_id": "*"}`,
and `unsubscribe` alike. Messages out (chalicelib.notify): `log`, `progress`, `status`, `image`,
each with `job_id`; plus `subscribed` / `error` replies to the client's own requests. Batches of a
job run side by side, so their `log` and `progress` messages may interleave: order log lines by
`seq`, and show the highest progress seen while the job runs.
"""

from __future__ import annotations

import json
from typing import Any

from chalice import Response
from chalice.app import WebsocketEvent

from chalicelib import notify
from chalicelib.auth import workspace_for_token
from chalicelib.errors import NotFoundError
from chalicelib.repositories import jobs as job_repo


def on_connect(event: WebsocketEvent) -> Response | None:
    params = event.to_dict().get("queryStringParameters") or {}
    workspace = workspace_for_token(params.get("token"))
    if workspace is None:
        return Response(
            {"error": {"code": "unauthorized", "message": "connect with ?token=<token>"}}, status_code=401
        )
    notify.add_connection(event.connection_id, workspace)
    return None


def on_disconnect(event: WebsocketEvent) -> None:
    notify.drop_connection(event.connection_id)


def on_message(event: WebsocketEvent) -> None:
    reply = handle_message(event.connection_id, event.body)
    sender = notify._sender()
    if sender is not None:
        sender.send(event.connection_id, json.dumps(reply))


def handle_message(connection_id: str, body: str) -> dict[str, Any]:
    workspace = notify.connection_workspace(connection_id)
    if workspace is None:
        return {"type": "error", "error": {"code": "unauthorized", "message": "connect again"}}
    try:
        message = json.loads(body)
    except ValueError:
        return {"type": "error", "error": {"code": "invalid_input", "message": "send JSON", "field": "body"}}
    action = message.get("action") if isinstance(message, dict) else None
    if action not in ("subscribe", "unsubscribe"):
        return {
            "type": "error",
            "error": {"code": "invalid_input", "message": "unknown action", "field": "action"},
        }
    job_id = message.get("job_id")
    if not isinstance(job_id, str) or not job_id:
        return {
            "type": "error",
            "error": {"code": "invalid_input", "message": "is required", "field": "job_id"},
        }
    if job_id == "*":
        topic = notify.all_topic(workspace)
    else:
        try:
            job_repo.get_job(job_id, workspace)
        except NotFoundError as err:
            return {"type": "error", "error": err.to_dict()}
        topic = notify.job_topic(job_id)
    if action == "subscribe":
        notify.subscribe(connection_id, topic)
    else:
        notify.unsubscribe(connection_id, topic)
    return {"type": f"{action}d", "job_id": job_id}
