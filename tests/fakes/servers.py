"""Local stand-ins for Runware, OpenAI, PiAPI and remove.bg: real HTTP on 127.0.0.1.

Each fake speaks its API's documented request and reply shapes, rejects requests a real service
would reject (wrong key, missing or mistyped fields: 400/401/403 in that service's error shape),
and records every request so tests can assert on what was sent and how often.

Tests script the replies with a queue of behaviours, one consumed per API request (the default,
when the queue is empty, is ``"ok"``):

- ``"ok"``: a valid reply.
- ``"NNN"`` (``"429"``, ``"500"``, ``"400"``, ``"402"``...): that status with the service's error body
  (and ``Retry-After: <retry_after>`` on 429 when ``retry_after`` is set).
- ``"timeout"``: sleep ``slow_s`` (longer than the client's timeout), then answer ``ok``.
- ``"drop"``: close the connection without answering (a network error).
- ``"malformed"``: 200 with a body that is not JSON; ``"missing"``: 200 with JSON lacking the fields.
- Service specific: Runware/OpenAI images ``"short"`` (one image fewer than asked) and ``"none"``;
  PiAPI polls ``"pending"``, ``"processing"``, ``"completed"``, ``"failed"`` (``script_polls``).

Image URLs the fakes hand out are served by the same server under ``/images/`` with their own
queue (``script_downloads``), so download retries can be tested too.

``latency_s`` makes every API request take that long (a provider rendering), and the fake counts
the API requests it is serving at once (``in_flight``, highest seen: ``max_in_flight``), so a test
or a bench sees from outside how many requests the product keeps in flight.
"""

from __future__ import annotations

import base64
import io
import json
import re
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

from PIL import Image

API_KEY = "test-key"

_FORMATS = {"png": ("PNG", "image/png"), "jpg": ("JPEG", "image/jpeg"), "webp": ("WEBP", "image/webp")}


@lru_cache(maxsize=64)
def image_bytes(index: int = 0, fmt: str = "png", size: tuple[int, int] = (16, 16)) -> bytes:
    """A real, small, decodable image whose colour depends on ``index``."""
    color = ((index * 70) % 256, (index * 130 + 60) % 256, (index * 30 + 120) % 256)
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=_FORMATS[fmt][0])
    return buffer.getvalue()


@dataclass
class Recorded:
    """One request as the fake received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    json: Any = None
    form: dict[str, bytes] = field(default_factory=dict)


@dataclass
class Reply:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False

    @classmethod
    def of_json(cls, status: int, payload: Any, **headers: str) -> Reply:
        return cls(status, json.dumps(payload).encode(), "application/json", dict(headers))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that timed out and hung up is expected here: stay quiet."""


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.server.fake._serve(self)

    def do_POST(self) -> None:  # noqa: N802
        self.server.fake._serve(self)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output clean."""


class FakeServer:
    """Common machinery: a threaded server, request log, behaviour queues and image hosting."""

    def __init__(self, api_key: str = API_KEY, slow_s: float = 1.0) -> None:
        self.api_key = api_key
        self.slow_s = slow_s
        self.retry_after: str | None = None
        self.requests: list[Recorded] = []
        self.crashes: list[str] = []
        self._script: deque[str] = deque()
        self._downloads: deque[str] = deque()
        self._images: dict[str, tuple[bytes, str]] = {}
        self._lock = threading.Lock()
        self.latency_s = 0.0
        self.in_flight = 0
        self.max_in_flight = 0
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        # A short poll interval keeps shutdown (once per test) from costing half a second.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.01,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def script(self, behaviours: Iterable[str] | str) -> None:
        """Queue behaviours for the next API requests, one each."""
        with self._lock:
            self._script.extend([behaviours] if isinstance(behaviours, str) else behaviours)

    def script_downloads(self, behaviours: Iterable[str] | str) -> None:
        """Queue behaviours for the next image downloads, one each."""
        with self._lock:
            self._downloads.extend([behaviours] if isinstance(behaviours, str) else behaviours)

    @property
    def api_requests(self) -> list[Recorded]:
        return [r for r in self.requests if not r.path.startswith("/images/")]

    @property
    def download_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path.startswith("/images/")]

    def host_image(self, data: bytes, content_type: str, extension: str | None) -> str:
        """Serve ``data`` at a new URL under /images/, with or without an extension."""
        name = uuid.uuid4().hex + (f".{extension}" if extension else "")
        with self._lock:
            self._images[name] = (data, content_type)
        return f"{self.url}/images/{name}"

    # --- to be specialised -------------------------------------------------

    def error_body(self, status: int, message: str) -> Any:
        return {"error": message}

    def handle(self, request: Recorded, behaviour: str) -> Reply:
        raise NotImplementedError

    def check(self, request: Recorded) -> Reply | None:
        """A rejection when the request is not one the real service would accept."""
        return None

    # --- machinery -----------------------------------------------------------

    def next_behaviour(self, request: Recorded) -> str:
        """The scripted behaviour for an API request that passed ``check``."""
        return self._next(self._script)

    def _next(self, queue: deque[str], default: str = "ok") -> str:
        with self._lock:
            return queue.popleft() if queue else default

    def _serve(self, handler: _Handler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        request = Recorded(
            method=handler.command,
            path=handler.path,
            headers={k.lower(): v for k, v in handler.headers.items()},
            body=body,
        )
        if "json" in request.headers.get("content-type", ""):
            try:
                request.json = json.loads(body)
            except ValueError:
                request.json = None
        download = request.path.startswith("/images/")
        with self._lock:
            self.requests.append(request)
            if not download:
                self.in_flight += 1
                self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            try:
                if download:
                    reply = self._download(request, self._next(self._downloads))
                else:
                    rejection = self.check(request)
                    if rejection is None and self.latency_s:
                        time.sleep(self.latency_s)
                    reply = rejection or self._behave(request, self.next_behaviour(request))
            except Exception as err:  # a bug in the fake: answer, and let the fixture fail the test
                self.crashes.append(f"{request.method} {request.path}: {err!r}")
                reply = Reply(599, f"fake server bug: {err!r}".encode(), "text/plain")
            self._send(handler, reply)
        finally:
            if not download:
                with self._lock:
                    self.in_flight -= 1

    def reset_counts(self) -> None:
        """Forget the requests seen and the highest in-flight count (between measured jobs)."""
        with self._lock:
            self.requests.clear()
            self.max_in_flight = self.in_flight

    def _behave(self, request: Recorded, behaviour: str) -> Reply:
        if behaviour == "timeout":
            time.sleep(self.slow_s)
            behaviour = "ok"
        if behaviour == "drop":
            return Reply(0, drop=True)
        if behaviour == "malformed":
            return Reply(200, b'{"data": [ this is not json', "application/json")
        if behaviour.isdigit():
            status = int(behaviour)
            headers = {"Retry-After": self.retry_after} if status == 429 and self.retry_after else {}
            return Reply.of_json(status, self.error_body(status, _REASONS.get(status, "error")), **headers)
        return self.handle(request, behaviour)

    def _download(self, request: Recorded, behaviour: str) -> Reply:
        if behaviour == "timeout":
            time.sleep(self.slow_s)
        if behaviour == "drop":
            return Reply(0, drop=True)
        if behaviour.isdigit():
            return Reply(int(behaviour), b"error", "text/plain")
        if behaviour == "empty":
            return Reply(200, b"", "image/png")
        found = self._images.get(request.path.removeprefix("/images/"))
        if found is None:
            return Reply(404, b"no such image", "text/plain")
        return Reply(200, found[0], found[1])

    def _send(self, handler: _Handler, reply: Reply) -> None:
        if reply.drop:
            handler.close_connection = True
            return
        try:
            handler.send_response(reply.status)
            handler.send_header("Content-Type", reply.content_type)
            handler.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(reply.body)
        except OSError:  # the client gave up (timeout) and closed the socket
            pass

    def _reject(self, status: int, message: str) -> Reply:
        return Reply.of_json(status, self.error_body(status, message))


_REASONS = {
    400: "Invalid request",
    401: "Invalid API key",
    402: "Insufficient credits",
    403: "Forbidden",
    404: "Not found",
    429: "Rate limit exceeded",
    500: "Internal server error",
    502: "Bad gateway",
    503: "Service unavailable",
}


def _bearer_ok(request: Recorded, api_key: str) -> bool:
    return request.headers.get("authorization") == f"Bearer {api_key}"


class FakeRunware(FakeServer):
    """``POST /v1`` with a list of ``imageInference`` tasks; images hosted here by URL."""

    _TASK_FIELDS = {
        "taskType",
        "taskUUID",
        "positivePrompt",
        "negativePrompt",
        "model",
        "width",
        "height",
        "numberResults",
        "outputType",
        "outputFormat",
        "seed",
        "CFGScale",
        "steps",
        "scheduler",
        "checkNSFW",
        "lora",
    }

    def __init__(self, api_key: str = API_KEY, slow_s: float = 1.0) -> None:
        super().__init__(api_key, slow_s)
        self.urls_with_extension = True

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    @property
    def tasks(self) -> list[dict[str, Any]]:
        """Every task received, in order (one per valid request)."""
        return [r.json[0] for r in self.api_requests if isinstance(r.json, list) and r.json]

    def error_body(self, status: int, message: str) -> Any:
        return {"errors": [{"code": _runware_code(status), "message": message}]}

    def check(self, request: Recorded) -> Reply | None:
        if request.method != "POST" or request.path != "/v1":
            return self._reject(404, f"no route {request.method} {request.path}")
        if not _bearer_ok(request, self.api_key):
            return self._reject(401, "Invalid API key")
        tasks = request.json
        if not isinstance(tasks, list) or not tasks:
            return self._reject(400, "The request body must be a non-empty JSON array of tasks")
        for task in tasks:
            problem = self._task_problem(task)
            if problem:
                return self._reject(400, problem)
        return None

    def _task_problem(self, task: Any) -> str | None:
        if not isinstance(task, dict):
            return "Each task must be an object"
        unknown = set(task) - self._TASK_FIELDS
        if unknown:
            return f"Unsupported parameters: {sorted(unknown)}"
        if task.get("taskType") != "imageInference":
            return "taskType must be imageInference"
        try:
            uuid.UUID(str(task.get("taskUUID")))
        except ValueError:
            return "taskUUID must be a UUIDv4"
        if not isinstance(task.get("positivePrompt"), str) or len(task["positivePrompt"].strip()) < 2:
            return "positivePrompt is required"
        if "negativePrompt" in task and not (
            isinstance(task["negativePrompt"], str) and task["negativePrompt"].strip()
        ):
            return "negativePrompt must be a non-empty string when present"
        if not isinstance(task.get("model"), str) or not task["model"]:
            return "model is required"
        for side in ("width", "height"):
            value = task.get(side)
            if not isinstance(value, int) or not 128 <= value <= 2048 or value % 8:
                return f"{side} must be an integer from 128 to 2048, a multiple of 8"
        if not isinstance(task.get("numberResults"), int) or not 1 <= task["numberResults"] <= 20:
            return "numberResults must be an integer from 1 to 20"
        if task.get("outputType") not in ("URL", "base64Data", "dataURI"):
            return "outputType must be URL, base64Data or dataURI"
        if task.get("outputFormat", "JPG") not in ("PNG", "JPG", "WEBP"):
            return "outputFormat must be PNG, JPG or WEBP"
        if "seed" in task and not isinstance(task["seed"], int):
            return "seed must be an integer"
        if "lora" in task:
            loras = task["lora"]
            if not isinstance(loras, list) or not all(
                isinstance(x, dict)
                and isinstance(x.get("model"), str)
                and isinstance(x.get("weight"), int | float)
                for x in loras
            ):
                return "lora must be a list of {model, weight}"
        return None

    def handle(self, request: Recorded, behaviour: str) -> Reply:
        if behaviour == "missing":
            return Reply.of_json(200, {"result": "nothing here"})
        data = []
        for task in request.json:
            count = task["numberResults"]
            if behaviour == "short":
                count -= 1
            elif behaviour == "none":
                count = 0
            ext = task.get("outputFormat", "JPG").lower()
            for i in range(count):
                image_uuid = str(uuid.uuid4())
                url = self.host_image(
                    image_bytes(i, ext), _FORMATS[ext][1], ext if self.urls_with_extension else None
                )
                data.append(
                    {
                        "taskType": "imageInference",
                        "taskUUID": task["taskUUID"],
                        "imageUUID": image_uuid,
                        "imageURL": url,
                        "seed": task.get("seed", 1000) + i,
                    }
                )
        return Reply.of_json(200, {"data": data})


def _runware_code(status: int) -> str:
    return {400: "invalidParameter", 401: "invalidApiKey", 429: "rateLimitExceeded"}.get(
        status, "serverError"
    )


class FakeOpenAI(FakeServer):
    """``/v1/chat/completions`` (replies queued with ``reply``) and ``/v1/images/generations``."""

    DEFAULT_REPLY = '{"prompt": "a default prompt from the fake"}'
    _SIZES = ("auto", "256x256", "512x512", "1024x1024", "1536x1024", "1024x1536", "1792x1024", "1024x1792")

    def __init__(self, api_key: str = API_KEY, slow_s: float = 1.0) -> None:
        super().__init__(api_key, slow_s)
        self._replies: deque[str] = deque()

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    def reply(self, *contents: str) -> None:
        """Queue the assistant message contents for the next ``ok`` chat replies."""
        with self._lock:
            self._replies.extend(contents)

    def error_body(self, status: int, message: str) -> Any:
        kind = {401: "invalid_api_key", 429: "rate_limit_exceeded"}.get(status, "invalid_request_error")
        return {"error": {"message": message, "type": kind, "param": None, "code": kind}}

    def check(self, request: Recorded) -> Reply | None:
        if request.method != "POST" or request.path not in ("/v1/chat/completions", "/v1/images/generations"):
            return self._reject(404, f"Invalid URL ({request.method} {request.path})")
        if not _bearer_ok(request, self.api_key):
            return self._reject(401, "Incorrect API key provided")
        body = request.json
        if not isinstance(body, dict):
            return self._reject(400, "We could not parse the JSON body of your request.")
        if not isinstance(body.get("model"), str) or not body["model"]:
            return self._reject(400, "you must provide a model parameter")
        problem = (
            self._chat_problem(body) if request.path.endswith("completions") else self._images_problem(body)
        )
        return self._reject(400, problem) if problem else None

    def _chat_problem(self, body: dict[str, Any]) -> str | None:
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            return "'messages' must be a non-empty array"
        for message in messages:
            if not isinstance(message, dict) or message.get("role") not in ("system", "user", "assistant"):
                return "each message needs a role of system, user or assistant"
            content = message.get("content")
            if isinstance(content, str):
                continue
            if not isinstance(content, list) or not content:
                return "message content must be a string or a non-empty array of parts"
            for part in content:
                if part.get("type") == "text" and isinstance(part.get("text"), str):
                    continue
                url = (part.get("image_url") or {}).get("url", "") if part.get("type") == "image_url" else ""
                if not re.match(r"^data:image/(png|jpeg|webp|gif);base64,[A-Za-z0-9+/=]+$", url):
                    return "invalid content part: expected text or an image_url data URL"
                base64.b64decode(url.split(",", 1)[1], validate=True)
        temperature = body.get("temperature", 1)
        if not isinstance(temperature, int | float) or not 0 <= temperature <= 2:
            return "temperature must be between 0 and 2"
        return None

    def _images_problem(self, body: dict[str, Any]) -> str | None:
        if not isinstance(body.get("prompt"), str) or not body["prompt"].strip():
            return "prompt is required"
        if not isinstance(body.get("n", 1), int) or not 1 <= body.get("n", 1) <= 10:
            return "n must be an integer from 1 to 10"
        if body.get("size", "auto") not in self._SIZES:
            return f"Invalid size {body.get('size')!r}"
        if body.get("output_format", "png") not in ("png", "jpeg", "webp"):
            return "output_format must be png, jpeg or webp"
        return None

    @property
    def chat_requests(self) -> list[Recorded]:
        return [r for r in self.api_requests if r.path == "/v1/chat/completions"]

    def handle(self, request: Recorded, behaviour: str) -> Reply:
        if request.path == "/v1/images/generations":
            return self._generate_images(request.json, behaviour)
        if behaviour == "missing":
            return Reply.of_json(200, {"id": "chatcmpl-1", "choices": []})
        with self._lock:
            content = self._replies.popleft() if self._replies else self.DEFAULT_REPLY
        return Reply.of_json(
            200,
            {
                "id": "chatcmpl-" + uuid.uuid4().hex[:12],
                "object": "chat.completion",
                "created": int(time.time()),
                "model": request.json["model"],
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
            },
        )

    def _generate_images(self, body: dict[str, Any], behaviour: str) -> Reply:
        if behaviour == "missing":
            return Reply.of_json(200, {"created": int(time.time())})
        count = body.get("n", 1) - (1 if behaviour == "short" else 0)
        fmt = {"jpeg": "jpg"}.get(body.get("output_format", "png"), body.get("output_format", "png"))
        data = [{"b64_json": base64.b64encode(image_bytes(i, fmt)).decode()} for i in range(count)]
        return Reply.of_json(200, {"created": int(time.time()), "data": data})


class FakePiapi(FakeServer):
    """``POST /api/v1/task`` (imagine) and ``GET /api/v1/task/{id}``; polls use ``script_polls``."""

    def __init__(self, api_key: str = API_KEY, slow_s: float = 1.0) -> None:
        super().__init__(api_key, slow_s)
        self._polls: deque[str] = deque()
        self.tasks: dict[str, dict[str, Any]] = {}

    @property
    def base_url(self) -> str:
        return self.url

    def script_polls(self, behaviours: Iterable[str] | str) -> None:
        """Queue behaviours for the next task polls; default ``completed``."""
        with self._lock:
            self._polls.extend([behaviours] if isinstance(behaviours, str) else behaviours)

    @property
    def poll_requests(self) -> list[Recorded]:
        return [r for r in self.api_requests if r.method == "GET"]

    def error_body(self, status: int, message: str) -> Any:
        return {"code": status, "data": {}, "message": message}

    def check(self, request: Recorded) -> Reply | None:
        is_submit = request.method == "POST" and request.path == "/api/v1/task"
        is_poll = request.method == "GET" and request.path.startswith("/api/v1/task/")
        if not (is_submit or is_poll):
            return self._reject(404, f"no route {request.method} {request.path}")
        if request.headers.get("x-api-key") != self.api_key:
            return self._reject(401, "Invalid API key")
        if is_poll:
            if request.path.rsplit("/", 1)[-1] not in self.tasks:
                return self._reject(404, "task not found")
            return None
        body = request.json
        if (
            not isinstance(body, dict)
            or body.get("model") != "midjourney"
            or body.get("task_type") != "imagine"
        ):
            return self._reject(400, "model must be midjourney and task_type imagine")
        task_input = body.get("input")
        if not isinstance(task_input, dict) or not str(task_input.get("prompt") or "").strip():
            return self._reject(400, "input.prompt is required")
        if not re.fullmatch(r"\d+:\d+", str(task_input.get("aspect_ratio", "1:1"))):
            return self._reject(400, "input.aspect_ratio must look like 16:9")
        if task_input.get("process_mode", "fast") not in ("relax", "fast", "turbo"):
            return self._reject(400, "input.process_mode must be relax, fast or turbo")
        return None

    def next_behaviour(self, request: Recorded) -> str:
        return self._next(self._polls, "completed") if request.method == "GET" else self._next(self._script)

    def handle(self, request: Recorded, behaviour: str) -> Reply:
        if behaviour == "missing":
            return Reply.of_json(200, {"code": 200, "message": "success"})
        if request.method == "POST":
            task_id = str(uuid.uuid4())
            task = {
                "task_id": task_id,
                "model": "midjourney",
                "task_type": "imagine",
                "input": request.json["input"],
            }
            self.tasks[task_id] = task
            return Reply.of_json(
                200, {"code": 200, "data": {**task, "status": "pending"}, "message": "success"}
            )
        task = self.tasks[request.path.rsplit("/", 1)[-1]]
        status = "completed" if behaviour == "ok" else behaviour
        data: dict[str, Any] = {**task, "status": status, "output": {}, "error": {"code": 0, "message": ""}}
        if status == "completed":
            urls = [self.host_image(image_bytes(i), "image/png", "png") for i in range(4)]
            data["output"] = {"image_url": urls[0], "image_urls": urls}
        elif status == "failed":
            data["error"] = {"code": 10000, "message": "prompt rejected by moderation"}
        return Reply.of_json(200, {"code": 200, "data": data, "message": "success"})


class FakeRemoveBg(FakeServer):
    """``POST /v1.0/removebg`` (multipart ``image_file`` + ``size``) → a transparent PNG."""

    _SIZES = ("auto", "preview", "small", "regular", "medium", "hd", "full", "4k", "50MP")

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1.0"

    def error_body(self, status: int, message: str) -> Any:
        code = {400: "invalid_request", 402: "insufficient_credits", 403: "auth_failed", 429: "rate_limit"}
        return {"errors": [{"title": message, "code": code.get(status, "server_error")}]}

    def check(self, request: Recorded) -> Reply | None:
        if request.method != "POST" or request.path != "/v1.0/removebg":
            return self._reject(404, f"no route {request.method} {request.path}")
        if request.headers.get("x-api-key") != self.api_key:
            return self._reject(403, "Missing or invalid API key")
        request.form = _multipart(request.headers.get("content-type", ""), request.body)
        image = request.form.get("image_file")
        if not image:
            return self._reject(400, "No image given: send image_file, image_url or image_file_b64")
        try:
            Image.open(io.BytesIO(image)).verify()
        except Exception:  # any decoding error is "not an image" to the API
            return self._reject(400, "Failed to read the image")
        if request.form.get("size", b"auto").decode() not in self._SIZES:
            return self._reject(400, "Invalid size")
        return None

    def handle(self, request: Recorded, behaviour: str) -> Reply:
        if behaviour == "missing":
            return Reply.of_json(200, {"data": {}})
        source = Image.open(io.BytesIO(request.form["image_file"]))
        cutout = Image.new("RGBA", source.size, (0, 0, 0, 0))
        buffer = io.BytesIO()
        cutout.save(buffer, format="PNG")
        return Reply(200, buffer.getvalue(), "image/png")


def _multipart(content_type: str, body: bytes) -> dict[str, bytes]:
    """The form fields of a multipart body, by name."""
    if not content_type.startswith("multipart/form-data"):
        return {}
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
    )
    fields: dict[str, bytes] = {}
    for part in message.iter_parts():  # type: ignore[attr-defined]
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if isinstance(name, str) and isinstance(payload, bytes):
            fields[name] = payload
    return fields
