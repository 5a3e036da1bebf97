"""The local stack's state on disk, so `imgfactory dev` finds everything where it was.

moto keeps its services in memory and has no persistence of its own, so this module snapshots
the backends that hold a user's data: DynamoDB (jobs, configs, images, logs, settings, templates,
exports), Secrets Manager (API keys), Cognito (the pool, its app client, users and refresh tokens)
and EventBridge Scheduler (scheduled jobs). The S3 backend is pickled with each object stored once
in a file of its own (`objects/`), so a snapshot writes only the objects that are new since the
last one. Step Functions is not kept: an execution is a thread of the process that stopped.

Snapshots are taken every few seconds when something changed (and on shutdown), while a gate
holds back requests to the services being copied, so a snapshot is consistent. Requests that
run our code (Lambda invokes, Step Functions) never wait at the gate. A `kill -9` loses at most
what changed since the last snapshot: a few seconds of work.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import pickle
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

log = logging.getLogger("imgfactory.local")

#: moto backends whose whole state is kept.
SERVICES = ("dynamodb", "secretsmanager", "cognitoidp", "scheduler", "s3")
#: Credential-scope names of requests that may run our code inside them: never held at the gate.
UNGATED = frozenset({"lambda", "states"})
DYNAMODB_READS = frozenset(
    {
        "GetItem",
        "BatchGetItem",
        "Query",
        "Scan",
        "DescribeTable",
        "ListTables",
        "DescribeTimeToLive",
        "TransactGetItems",
        "DescribeContinuousBackups",
    }
)
JSON_READS = frozenset({"GetSecretValue", "DescribeSecret", "ListSecrets", "DescribeUserPool"})
SNAPSHOT = "backends.pkl"
FORMAT = 1
_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/[^/]+/([^/]+)/aws4_request")
_QUERY_SCOPE = re.compile(
    r"X-Amz-Credential=[^&]*?(?:/|%2F)\d{8}(?:/|%2F)[^/%&]+(?:/|%2F)([a-z0-9-]+)(?:/|%2F)"
)


class Gate:
    """Requests to the kept services pass while it is open; a snapshot closes it, waits for the
    requests inside to finish, copies, and opens it again. It also notes whether any request
    may have changed something since the last snapshot."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._inside = 0
        self._closed = False
        self.dirty = False

    def wrap(self, app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
        def gated(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            service = service_of(environ)
            if service in UNGATED:
                return app(environ, start_response)
            with self._passing():
                if mutates(service, environ):
                    self.dirty = True
                return list(app(environ, start_response))  # the body is read inside the gate

        return gated

    @contextmanager
    def _passing(self) -> Any:
        with self._cond:
            while self._closed:
                self._cond.wait()
            self._inside += 1
        try:
            yield
        finally:
            with self._cond:
                self._inside -= 1
                self._cond.notify_all()

    @contextmanager
    def closed(self) -> Any:
        with self._cond:
            self._closed = True
            while self._inside:
                self._cond.wait()
        try:
            yield
        finally:
            with self._cond:
                self._closed = False
                self._cond.notify_all()


def service_of(environ: dict[str, Any]) -> str | None:
    """The AWS service a request is signed for (its SigV4 credential scope), None if unsigned."""
    found = _SCOPE.search(environ.get("HTTP_AUTHORIZATION") or "")
    if found is None:
        found = _QUERY_SCOPE.search(environ.get("QUERY_STRING") or "")
    return found.group(1) if found else None


def mutates(service: str | None, environ: dict[str, Any]) -> bool:
    method = environ.get("REQUEST_METHOD", "GET")
    target = (environ.get("HTTP_X_AMZ_TARGET") or "").rpartition(".")[2]
    if service == "dynamodb":
        return target not in DYNAMODB_READS
    if target:
        return target not in JSON_READS
    return method not in ("GET", "HEAD")


class _Pickler(pickle.Pickler):
    """Pickles a backend, writing each S3 object to a file of its own (once) and referring to it,
    and leaving out Cognito's signing key (the same key file moto ships; loaded again)."""

    def __init__(self, buffer: io.BytesIO, objects: Path, referenced: set[str]) -> None:
        super().__init__(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        self.objects = objects
        self.referenced = referenced

    def persistent_id(self, obj: Any) -> Any:
        from joserfc import jwk
        from moto.s3.models import FakeKey

        if isinstance(obj, jwk.RSAKey):
            return ("cognito-key",)
        if isinstance(obj, FakeKey):
            name = _object_name(obj)
            path = self.objects / name
            if not path.exists():
                temporary = path.with_suffix(".tmp")
                temporary.write_bytes(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))
                os.replace(temporary, path)
            self.referenced.add(name)
            return ("s3-object", name)
        return None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: Any, objects: Path) -> None:
        super().__init__(file)
        self.objects = objects

    def persistent_load(self, pid: Any) -> Any:
        if pid[0] == "cognito-key":
            from joserfc import jwk
            from moto.utilities.utils import load_resource

            return jwk.RSAKey.import_key(load_resource("cognitoidp/resources/jwks-private.json"))
        if pid[0] == "s3-object":
            return pickle.loads((self.objects / pid[1]).read_bytes())
        raise pickle.UnpicklingError(f"unknown reference {pid!r}")


def _object_name(key: Any) -> str:
    """One file per stored version of an object: a new put makes a new FakeKey and a new file."""
    identity = f"{key.bucket_name}\0{key.name}\0{key.etag}\0{key.last_modified.timestamp()}\0{key.version_id}"
    return hashlib.sha256(identity.encode()).hexdigest()[:40] + ".pkl"


class StateStore:
    """`directory` holds the last snapshot (`backends.pkl`, replaced atomically) and the S3
    objects it refers to (`objects/`)."""

    def __init__(self, directory: Path, gate: Gate, min_interval_s: float = 2.0) -> None:
        self.directory = directory
        self.objects = directory / "objects"
        self.gate = gate
        self.min_interval_s = min_interval_s
        self.meta: dict[str, Any] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._save_lock = threading.Lock()
        self.last_duration_s = 0.0

    @property
    def exists(self) -> bool:
        return (self.directory / SNAPSHOT).is_file()

    def restore(self) -> dict[str, Any] | None:
        """Put the snapshot's backends in place of moto's (before anything else is created);
        returns what the stack noted beside them, or None when there is no usable snapshot (an
        unreadable one is moved aside and the stack starts afresh)."""
        if not self.exists:
            return None
        import moto
        from moto.backends import get_backend

        try:
            with (self.directory / SNAPSHOT).open("rb") as file:
                data = _Unpickler(file, self.objects).load()
            if data.get("format") != FORMAT or data.get("moto") != moto.__version__:
                raise ValueError(f"written by another version (moto {data.get('moto')})")
        except Exception as err:  # noqa: BLE001 - a bad snapshot must not stop the stack
            aside = self.directory.with_name(f"{self.directory.name}.unreadable-{int(time.time())}")
            shutil.move(str(self.directory), aside)
            print(f"imgfactory dev: the saved local state could not be read ({err}); moved to {aside}")
            return None
        for name, loaded in data["backends"].items():
            live = get_backend(name)  # type: ignore[call-overload]
            live.clear()
            live.update(loaded)
        self.meta = dict(data.get("meta") or {})
        return self.meta

    def save(self) -> None:
        """One consistent snapshot, written next to the last one and then put in its place."""
        import moto
        from moto.backends import get_backend

        with self._save_lock:
            started = time.monotonic()
            self.objects.mkdir(parents=True, exist_ok=True)
            referenced: set[str] = set()
            buffer = io.BytesIO()
            with self.gate.closed():
                self.gate.dirty = False
                backends = {name: get_backend(name) for name in SERVICES}  # type: ignore[call-overload]
                data = {"format": FORMAT, "moto": moto.__version__, "meta": self.meta, "backends": backends}
                _Pickler(buffer, self.objects, referenced).dump(data)
            temporary = self.directory / f"{SNAPSHOT}.tmp"
            with temporary.open("wb") as file:
                file.write(buffer.getbuffer())
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self.directory / SNAPSHOT)
            for stale in self.objects.iterdir():
                if stale.name not in referenced and stale.suffix == ".pkl":
                    stale.unlink(missing_ok=True)
            self.last_duration_s = time.monotonic() - started

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="imgfactory-state", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._interval()):
            if self.gate.dirty:
                try:
                    self.save()
                except Exception:  # noqa: BLE001 - keep snapshotting after a passing error
                    log.exception("saving the local state failed")

    def _interval(self) -> float:
        """Every couple of seconds, but never spending more than a tenth of the time on it."""
        return max(self.min_interval_s, 10 * self.last_duration_s)

    def stop(self) -> None:
        """Stop snapshotting, after a last snapshot of everything."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self.save()


class GatedMotoServer(ThreadedMotoServer):
    """moto's threaded server with the snapshot gate in front of its WSGI app."""

    def __init__(self, gate: Gate, **options: Any) -> None:
        super().__init__(**options)
        self._gate = gate

    def _server_entry(self) -> None:
        app = self._gate.wrap(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(
            self._ip_address, self._port, app, True, request_handler=MotoRequestHandler
        )
        self._server_ready_event.set()
        self._server.serve_forever()
