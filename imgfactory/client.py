"""A small client for the Image Factory HTTP API (local stack or deployed)."""

from __future__ import annotations

from typing import Any

import requests


class ApiError(Exception):
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        error = body.get("error") or {}
        field = f" ({error['field']})" if error.get("field") else ""
        super().__init__(f"HTTP {status}: {error.get('message', body)}{field}")
        self.status = status
        self.body = body


class ApiClient:
    def __init__(self, base_url: str, token: str | None) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def request(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = self.session.request(method, f"{self.base_url}{path}", timeout=30, **kwargs)
        try:
            body = response.json()
        except ValueError:
            body = {"error": {"message": response.text[:200]}}
        if response.status_code >= 400:
            raise ApiError(response.status_code, body)
        return body

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        return self.request("GET", path, params={k: v for k, v in params.items() if v is not None})

    def post(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.request("POST", path, json=body or {})

    def download(self, url: str) -> bytes:
        response = requests.get(url, timeout=60)
        response.raise_for_status()
        return response.content
