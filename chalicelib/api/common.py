"""Request helpers shared by the route blueprints."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.auth import AUTHORIZER
from chalicelib.errors import ImageFactoryError, PayloadTooLargeError, ValidationError

log = logging.getLogger("imgfactory.api")


def _claims(request: Request) -> dict[str, Any]:
    """What the authorizer verified: API Gateway's Cognito authorizer on AWS, the local stack's
    server offline (chalicelib.auth either way)."""
    claims: dict[str, Any] = ((request.context or {}).get("authorizer") or {}).get("claims") or {}
    return claims


def workspace_of(request: Request) -> str:
    """The caller's workspace: the Cognito subject (`sub`) of the verified ID token."""
    return str(_claims(request)["sub"])


#: The largest request body the API reads (a job with an uploaded keywords file is the biggest
#: thing a client sends); Lambda takes at most 6 MB, API Gateway at most 10 MB.
MAX_BODY_BYTES = 5 * 1024 * 1024
#: How deeply a request body may nest: a job configuration goes four levels deep.
MAX_BODY_DEPTH = 32


def json_body(request: Request) -> dict[str, Any]:
    raw = request.raw_body
    if not raw:
        return {}
    import json

    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLargeError(
            f"the request body is larger than {MAX_BODY_BYTES // (1024 * 1024)} MB", field="body"
        )
    try:
        body = json.loads(raw)
    except RecursionError as err:
        raise ValidationError(_TOO_DEEP, field="body") from err
    except ValueError as err:
        raise ValidationError(f"the request body is not valid JSON: {err}", field="body") from err
    if not isinstance(body, dict):
        raise ValidationError("the request body must be a JSON object", field="body")
    if _depth_exceeds(body, MAX_BODY_DEPTH):
        raise ValidationError(_TOO_DEEP, field="body")
    return body


_TOO_DEEP = f"the request body nests deeper than {MAX_BODY_DEPTH} levels"


def _depth_exceeds(value: Any, limit: int) -> bool:
    """Whether `value` nests objects or arrays more than `limit` deep (no recursion, so a deep
    body cannot exhaust the stack of the code checking it)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        for child in children:
            if isinstance(child, dict | list):
                if depth + 1 > limit:
                    return True
                stack.append((child, depth + 1))
    return False


def query(request: Request) -> dict[str, str]:
    return dict(request.query_params or {})


def int_param(params: dict[str, str], name: str, minimum: int, maximum: int) -> int | None:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = int(raw)  # type: ignore[arg-type]
    except ValueError as err:
        raise ValidationError(f"must be an integer from {minimum} to {maximum}", field=name) from err
    if not minimum <= value <= maximum:
        raise ValidationError(f"must be an integer from {minimum} to {maximum}", field=name)
    return value


def error_response(status: int, code: str, message: str, field: str | None = None) -> Response:
    error = {"code": code, "message": message}
    if field:
        error["field"] = field
    return Response({"error": error}, status_code=status)


#: Chalice's own error answers ({"Code", "Message"}): the code we answer in their place.
_FRAMEWORK_CODES = {
    "MethodNotAllowedError": "method_not_allowed",
    "UnsupportedMediaType": "unsupported_media_type",
    "BadRequest": "bad_request",
    "BadRequestError": "bad_request",
    "NotFoundError": "not_found",
    "RequestTimeoutError": "request_timeout",
    "TooManyRequestsError": "too_many_requests",
    "InternalServerError": "internal_error",
}


def error_envelope(event: Any, get_response: Callable[[Any], Response]) -> Response:
    """Chalice middleware: the errors Chalice answers itself (405 for a method a route lacks, 415
    for a content type it does not take, its own 500) in the API's one error shape,
    `{"error": {"code", "message"}}`, headers (such as `Allow`) kept. Runs on Lambda as locally."""
    response = get_response(event)
    body = response.body
    if response.status_code >= 400 and isinstance(body, dict) and set(body) == {"Code", "Message"}:
        code = _FRAMEWORK_CODES.get(str(body["Code"]), "error")
        message = str(body["Message"])
        if code == "internal_error":
            message = "something went wrong on our side"
        response.body = {"error": {"code": code, "message": message}}
        response.headers = {**response.headers, "Content-Type": "application/json"}
    return response


PUBLIC_PATHS = frozenset({"/api/health", "/api/openapi.json", "/api/auth/refresh"})


def authenticated(request: Request) -> bool:
    """Whether the request arrives with an identity an authorizer verified. The authorizer refuses
    a bad token before the view runs; this refuses a request that reached a private view without
    one (Chalice's own local gateway lets a request with no Authorization header through)."""
    return bool(_claims(request).get("sub"))


def route(bp: Blueprint, path: str, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`bp.route` with authentication (the Cognito authorizer on every private route) and the one
    mapping of domain errors to JSON error responses.

    (Chalice turns a view's exception into its own 500 before any middleware sees it, so the
    mapping wraps the view itself.)
    """

    def register(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def mapped(*args: Any, **kwargs: Any) -> Any:
            if path not in PUBLIC_PATHS and not authenticated(bp.current_request):
                return error_response(
                    401, "unauthorized", "sign in: this request carries no verified identity"
                )
            try:
                return view(*args, **kwargs)
            except ImageFactoryError as err:
                return error_response(err.http_status, err.code, err.message, err.field)
            except Exception:
                log.exception("unhandled error in %s %s", options.get("methods"), path)
                return error_response(500, "internal_error", "something went wrong on our side")

        auth = {} if path in PUBLIC_PATHS else {"authorizer": AUTHORIZER}
        bp.route(path, **auth, **options)(mapped)
        return view

    return register


def time_zone(params: dict[str, str]) -> Any:
    """The user's time zone (`tz`, an IANA name; UTC when absent): dates are filtered in it."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = params.get("tz") or "UTC"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise ValidationError("must be a time zone name such as Europe/Paris", field="tz") from err


def date_param(params: dict[str, str], name: str, *, end_of_day: bool) -> Any:
    """`YYYY-MM-DD` (a whole day in the user's zone, inclusive) or an ISO 8601 time; → UTC."""
    from datetime import UTC, datetime, time, timedelta

    raw = params.get(name)
    if not raw:
        return None
    zone = time_zone(params)
    try:
        if len(raw) == 10:
            day = datetime.strptime(raw, "%Y-%m-%d").date()
            moment = datetime.combine(day, time.min, tzinfo=zone)
            if end_of_day:
                moment += timedelta(days=1, microseconds=-1)
        else:
            moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=zone)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError) as err:
        raise ValidationError("must be a date (YYYY-MM-DD) or an ISO 8601 time", field=name) from err
