"""The local WebSocket endpoint: what API Gateway's WebSocket API does on AWS.

Each client connection becomes the same events API Gateway sends (`$connect`, `$default`,
`$disconnect`) and goes to the same Chalice handlers in app.py. Messages the application publishes
come back through `send`, the local stand-in for API Gateway's post-to-connection.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import uuid
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlparse

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

log = logging.getLogger("imgfactory.local")


class LocalWebsocketServer:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host, self.port = host, port
        self._loop = asyncio.new_event_loop()
        self._connections: dict[str, ServerConnection] = {}
        self._ids: dict[ServerConnection, str] = {}  # handshake → connection id
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="imgfactory-websocket", daemon=True)

    @property
    def url(self) -> str:
        return f"ws://{self.host}:{self.port}"

    def start(self) -> LocalWebsocketServer:
        from chalicelib import notify

        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the local WebSocket server did not start")
        notify.use_sender(self)
        return self

    def stop(self) -> None:
        from chalicelib import notify

        notify.use_sender(None)
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=5)

    # --- the sender the application publishes through -------------------------------------

    def send(self, connection_id: str, data: str) -> bool:
        connection = self._connections.get(connection_id)
        if connection is None:
            return False
        future = asyncio.run_coroutine_threadsafe(connection.send(data), self._loop)
        try:
            future.result(timeout=5)
            return True
        except (ConnectionClosed, TimeoutError, OSError):
            return False

    # --- the server ------------------------------------------------------------------------

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._serve())

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        async with serve(self._handle, self.host, self.port, process_request=self._connect) as server:
            self.port = list(server.sockets)[0].getsockname()[1] if not self.port else self.port
            self._ready.set()
            await self._stop.wait()

    def _event(
        self, route: str, connection_id: str, body: str | None = None, query: dict | None = None
    ) -> dict:
        event: dict[str, Any] = {
            "requestContext": {
                "routeKey": route,
                "eventType": {"$connect": "CONNECT", "$disconnect": "DISCONNECT"}.get(route, "MESSAGE"),
                "connectionId": connection_id,
                "domainName": f"{self.host}:{self.port}",
                "stage": "local",
                "apiId": "local",
            },
            "isBase64Encoded": False,
        }
        if body is not None:
            event["body"] = body
        if query is not None:
            event["queryStringParameters"] = query
        return event

    async def _call(self, route: str, event: dict) -> dict:
        import app as application

        handler = {"$connect": application.ws_connect, "$default": application.ws_message}.get(
            route, application.ws_disconnect
        )
        # Handlers do blocking AWS calls: keep them off the event loop.
        return await asyncio.to_thread(handler, event, None) or {}

    async def _connect(self, connection: ServerConnection, request: Request) -> Response | None:
        """`$connect` runs during the handshake: a refused client gets the HTTP status, as from
        API Gateway."""
        connection_id = uuid.uuid4().hex
        query = {k: v[0] for k, v in parse_qs(urlparse(request.path).query).items()}
        response = await self._call("$connect", self._event("$connect", connection_id, query=query))
        status = int(response.get("statusCode", 200))
        if status >= 400:
            return connection.respond(HTTPStatus(status), "connection refused: connect with ?token=<token>\n")
        self._ids[connection] = connection_id
        return None

    async def _handle(self, connection: ServerConnection) -> None:
        connection_id = self._ids.pop(connection)
        self._connections[connection_id] = connection
        try:
            async for message in connection:
                text = message if isinstance(message, str) else message.decode()
                await self._call("$default", self._event("$default", connection_id, body=text))
        except ConnectionClosed:
            pass
        finally:
            self._connections.pop(connection_id, None)
            try:
                await self._call("$disconnect", self._event("$disconnect", connection_id))
            except Exception:  # noqa: BLE001 - a failed cleanup must not kill the server
                log.exception("disconnect cleanup failed for %s", connection_id)
