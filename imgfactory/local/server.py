"""The local HTTP front door: `/api/*` through Chalice's local gateway, everything else from
`frontend/dist/` (the console, built by `make console`).

Chalice's local gateway only decodes a Cognito token; ours verifies it (`chalicelib.auth`) and puts
the claims where API Gateway's Cognito authorizer does, so a private route sees the same request
context offline as deployed and a forged, expired or foreign token gets 401.

Every answer the server gives itself (a route or method it lacks, a body too large, a malformed
request line) is the API's JSON error shape, as the gateway responses make API Gateway's
deployed. The listen backlog is sized for bursts of hundreds of connections at once.
"""

from __future__ import annotations

import json
import mimetypes
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from chalice import CognitoUserPoolAuthorizer
from chalice.local import LocalGateway, LocalGatewayAuthorizer, LocalGatewayException, NotAuthorizedError

FRONTEND_DIR = Path(__file__).resolve().parents[2] / "frontend" / "dist"
#: Connections the kernel queues before the server accepts them (the stdlib's default is 5,
#: which resets connections of a burst); the kernel caps it at net.core.somaxconn.
LISTEN_BACKLOG = 1024
STATIC_METHODS = ("GET", "HEAD")


class CognitoAuthorizer(LocalGatewayAuthorizer):
    """What API Gateway does for a route with a Cognito user pool authorizer: refuse the request
    unless its Authorization header holds a valid ID token, else pass the token's claims on."""

    def authorize(self, raw_path: str, lambda_event: Any, lambda_context: Any) -> Any:
        from chalicelib import auth

        route_entry = self._route_for_event(lambda_event)
        if route_entry is None or not isinstance(route_entry.authorizer, CognitoUserPoolAuthorizer):
            return super().authorize(raw_path, lambda_event, lambda_context)
        headers = {k.lower(): v for k, v in (lambda_event.get("headers") or {}).items()}
        claims = auth.verified_claims(auth.bearer_token(headers.get("authorization")))
        if claims is None:
            raise NotAuthorizedError({}, b'{"message": "Unauthorized"}')
        principal = claims.get("cognito:username", claims["sub"])
        lambda_event["requestContext"]["authorizer"] = {"claims": claims, "principalId": principal}
        return lambda_event, lambda_context


def _gateway() -> Any:
    from chalice.config import Config

    import app as application

    gateway = LocalGateway(application.app, Config.create(chalice_app=application.app, chalice_stage="local"))
    gateway._authorizer = CognitoAuthorizer(application.app)  # the one authorizer a gateway has
    return gateway


class _Handler(BaseHTTPRequestHandler):
    server_version = "imgfactory-local"
    protocol_version = "HTTP/1.1"
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

    def _json_error(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        body = json.dumps({"error": {"code": code, "message": message}}).encode()
        self._send(status, body, "application/json", headers)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """What the standard library answers by itself (a method no `do_` handles, a request line
        or header it cannot parse), in the API's error shape rather than an HTML page."""
        self.close_connection = True
        if code == HTTPStatus.NOT_IMPLEMENTED and getattr(self, "path", None):
            self._method_not_allowed()
            return
        status = HTTPStatus(code)
        self._json_error(code, status.phrase.lower().replace(" ", "_"), message or status.description)

    def _allowed_methods(self, path: str) -> list[str] | None:
        """The methods the route at `path` takes; None when there is no such route."""
        if not path.startswith("/api/"):
            return list(STATIC_METHODS)
        try:
            matched = self.gateway.event_converter._route_matcher.match_route(path)
        except ValueError:
            return None
        return sorted(self.gateway._app_object.routes[matched.route])

    def _method_not_allowed(self) -> None:
        self.close_connection = True  # a body it may carry is not read
        path = urlparse(self.path).path
        allowed = self._allowed_methods(path)
        if allowed is None:
            self._json_error(404, "not_found", f"no route {path}")
            return
        self._json_error(
            405,
            "method_not_allowed",
            f"{self.command} is not allowed on {path}; allowed: {', '.join(allowed)}",
            {"Allow": ", ".join(allowed)},
        )

    def _body(self) -> bytes | None:
        """The request body, or None after answering 400/413 (a body too large is never read)."""
        from chalicelib.api.common import MAX_BODY_BYTES

        raw = self.headers.get("Content-Length") or "0"
        try:
            length = int(raw)
            if length < 0:
                raise ValueError(raw)
        except ValueError:
            self.close_connection = True
            self._json_error(400, "bad_request", "Content-Length must be a number of bytes")
            return None
        if length > MAX_BODY_BYTES:
            self.close_connection = True
            self._json_error(
                413,
                "payload_too_large",
                f"the request body is larger than {MAX_BODY_BYTES // (1024 * 1024)} MB",
            )
            return None
        return self.rfile.read(length) if length else b""

    def _api(self) -> None:
        path = urlparse(self.path).path
        body = self._body()
        if body is None:
            return
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            # Chalice keeps the current request on the app object: one request at a time.
            with self.gateway_lock:
                response = self.gateway.handle_request(self.command, self.path, headers, body or None)
        except NotAuthorizedError:
            self._json_error(
                401, "unauthorized", "send Authorization: Bearer <ID token of a user of this stack>"
            )
            return
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
            self._send(404, b"console not built: run `make console` (make run builds it)", "text/plain")
            return
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        self._send(200, target.read_bytes(), content_type, {"Cache-Control": "no-store"})

    def _dispatch(self) -> None:
        if urlparse(self.path).path.startswith("/api/"):
            self._api()
        elif self.command in STATIC_METHODS:
            self._static()
        else:
            self._method_not_allowed()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _dispatch
    # No route takes them and no CORS is configured (the console is served from the API's own
    # origin): 405 with `Allow`, not the preflight answer Chalice's local gateway makes up.
    do_OPTIONS = do_TRACE = _method_not_allowed


class _Server(ThreadingHTTPServer):
    request_queue_size = LISTEN_BACKLOG
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up before its answer (a browser leaving a page, a cancelled fetch)
        is not an error of ours: no traceback for it. Anything else is printed as before."""
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


class LocalApiServer:
    """Serves the API and the console on one port, in background threads."""

    def __init__(self, host: str = "127.0.0.1", port: int = 8000) -> None:
        handler = type("Handler", (_Handler,), {"gateway": _gateway()})
        self.httpd = _Server((host, port), handler)
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
