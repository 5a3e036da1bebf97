"""A small client for the Image Factory HTTP API (local stack or deployed)."""

from __future__ import annotations

import re
from typing import Any

import requests


def _error_message(body: dict[str, Any]) -> str:
    """The readable part of an error body: ours (`{"error": {...}}`) or a gateway's own."""
    error = body.get("error")
    if isinstance(error, dict) and error.get("message"):
        field = f" ({error['field']})" if error.get("field") else ""
        return f"{error['message']}{field}"
    for key in ("message", "Message"):  # API Gateway and Chalice's local gateway
        if body.get(key):
            return str(body[key])
    return str(error or body)


def _reason(err: requests.RequestException) -> str:
    """`connection refused`, `timed out`, … rather than urllib3's nested repr."""
    if isinstance(err, requests.Timeout):
        return "timed out"
    found = re.search(r"\[Errno -?\d+\] ([^'\")]+)", str(err))
    return found.group(1).strip().lower() if found else type(err).__name__


class ApiError(Exception):
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(f"HTTP {status}: {_error_message(body)}")
        self.status = status
        self.body = body


class ApiUnreachable(requests.ConnectionError):
    """No answer from the API at all (nothing listening, DNS, timeout)."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"cannot reach {url}: {reason}")
        self.url = url
        self.reason = reason


class ApiClient:
    """With a refresh token, a call refused with 401 (the ID token's hour is up) gets a new ID
    token from `POST /api/auth/refresh` and is sent once more, so a long `run` or `logs --follow`
    keeps going."""

    def __init__(self, base_url: str, token: str | None, refresh_token: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.refresh_token = refresh_token
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def request(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            return self._request(method, path, **kwargs)
        except ApiError as err:
            if err.status != 401 or not self._refresh():
                raise
        return self._request(method, path, **kwargs)

    def _refresh(self) -> bool:
        if not self.refresh_token:
            return False
        try:
            answer = self._request("POST", "/api/auth/refresh", json={"refresh_token": self.refresh_token})
        except ApiError:
            return False
        self.session.headers["Authorization"] = f"Bearer {answer['token']}"
        return True

    def _request(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = self.session.request(method, f"{self.base_url}{path}", timeout=30, **kwargs)
        except (requests.ConnectionError, requests.Timeout) as err:
            raise ApiUnreachable(self.base_url, _reason(err)) from err
        try:
            body = response.json()
        except ValueError:
            if response.status_code < 400 and not response.text.strip():
                return {}  # e.g. 204 No Content
            body = {"error": {"message": response.text[:200] or response.reason}}
        if not isinstance(body, dict):
            body = {"error": {"message": str(body)[:200]}}
        if response.status_code >= 400:
            raise ApiError(response.status_code, body)
        return body

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        return self.request("GET", path, params={k: v for k, v in params.items() if v is not None})

    def post(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.request("POST", path, json=body or {})

    def delete(self, path: str) -> dict[str, Any]:
        return self.request("DELETE", path)

    def download(self, url: str) -> bytes:
        response = requests.get(url, timeout=60)
        response.raise_for_status()
        return response.content
