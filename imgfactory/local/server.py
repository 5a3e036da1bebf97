"""The local HTTP front door: `/api/*` through Chalice's local gateway, everything else from
`frontend/` (the console). Requests to the API carry the local user's bearer token."""

from __future__ import annotations

import hmac
import json
import mimetypes
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

FRONTEND_DIR = Path(__file__).resolve().parents[2] / "frontend"
PUBLIC_API_PATHS = {"/api/health", "/api/openapi.json"}


def _gateway() -> Any:
    from chalice.config import Config
    from chalice.local import LocalGateway

    import app as application

    return LocalGateway(application.app, Config.create(chalice_app=application.app, chalice_stage="local"))


class _Handler(BaseHTTPRequestHandler):
    server_version = "imgfactory-local"
    protocol_version = "HTTP/1.1"
    token: str = ""
    gateway: Any = None
    gateway_lock = threading.Lock()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def _send(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            if name.lower() not in ("content-length", "content-type"):
                self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json_error(self, status: int, code: str, message: str) -> None:
        body = json.dumps({"error": {"code": code, "message": message}}).encode()
        self._send(status, body, "application/json")

    def _authorized(self) -> bool:
        header = self.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(token.strip(), self.token)

    def _api(self) -> None:
        path = urlparse(self.path).path
        if path not in PUBLIC_API_PATHS and not self._authorized():
            self._json_error(401, "unauthorized", "send Authorization: Bearer <token>")
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k.lower(): v for k, v in self.headers.items()}
        from chalice.local import LocalGatewayException

        try:
            # Chalice keeps the current request on the app object: one request at a time.
            with self.gateway_lock:
                response = self.gateway.handle_request(self.command, self.path, headers, body)
        except LocalGatewayException as err:
            self._json_error(
                404 if err.CODE == 403 else err.CODE, "not_found", f"no route {self.command} {path}"
            )
            return
        raw = response["body"]
        payload = raw.encode() if isinstance(raw, str) else (raw or b"")
        headers_out = {k: v for k, v in response["headers"].items()}
        self._send(
            response["statusCode"], payload, headers_out.get("Content-Type", "application/json"), headers_out
        )

    def _static(self) -> None:
        path = urlparse(self.path).path
        relative = "index.html" if path in ("", "/") else path.lstrip("/")
        target = (FRONTEND_DIR / relative).resolve()
        if not target.is_relative_to(FRONTEND_DIR) or not target.is_file():
            target = FRONTEND_DIR / "index.html"  # the console routes on the client
        if not target.is_file():
            self._send(404, b"console not found", "text/plain")
            return
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        self._send(200, target.read_bytes(), content_type, {"Cache-Control": "no-store"})

    def _dispatch(self) -> None:
        if urlparse(self.path).path.startswith("/api/"):
            self._api()
        else:
            self._static()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _dispatch


class LocalApiServer:
    """Serves the API and the console on one port, in background threads."""

    def __init__(self, token: str, host: str = "127.0.0.1", port: int = 8000) -> None:
        handler = type("Handler", (_Handler,), {"token": token, "gateway": _gateway()})
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="imgfactory-api", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else host
        return f"http://{host}:{port}"

    def start(self) -> LocalApiServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
