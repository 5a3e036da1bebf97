"""Builds the clients a job needs, with the workspace's keys from Secrets Manager.

A feature backed by a paid API is used when its key is set; otherwise the offline fallback
(local images, offline background removal, heuristic QC and metadata) does the work.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from chalicelib import secrets
from chalicelib.errors import ValidationError
from chalicelib.providers.base import ImageProvider
from chalicelib.providers.http import timeout_for
from chalicelib.settings import get_settings

# Which key each generation provider needs.
PROVIDER_KEYS = {"runware": "runware", "openai": "openai", "midjourney": "piapi"}


class ProviderServices:
    def __init__(self, workspace: str, config: dict[str, Any]) -> None:
        self.workspace = workspace
        self.config = config
        self.parameters = config["parameters"]
        settings = get_settings()
        self.urls = settings.provider_urls
        self.timeout_s = min(timeout_for(self.parameters), float(settings.provider_timeout_s))

    @cached_property
    def keys(self) -> dict[str, str]:
        return secrets.api_keys(self.workspace)

    def _url(self, name: str, default: str) -> str:
        return self.urls.get(name, default)

    def require_key(self, provider: str) -> str:
        name = PROVIDER_KEYS[provider]
        key = self.keys.get(name)
        if not key:
            raise ValidationError(
                f"the {provider} provider needs the {name} API key: set it with PUT /api/settings",
                field="provider",
            )
        return key

    def image_provider(self) -> ImageProvider:
        name = self.config["provider"]
        if name == "local":
            from chalicelib.providers.local import LocalProvider

            return LocalProvider()
        if name == "runware":
            from chalicelib.providers import runware

            url = self._url("runware", runware.DEFAULT_BASE_URL)
            return runware.RunwareProvider(
                self.require_key(name), self.parameters, base_url=url, timeout_s=self.timeout_s
            )
        if name == "openai":
            from chalicelib.providers import openai

            url = self._url("openai", openai.DEFAULT_BASE_URL)
            return openai.OpenAIImageProvider(
                self.require_key(name), self.parameters, base_url=url, timeout_s=self.timeout_s
            )
        raise ValidationError(
            f"provider {name!r} generates through polling, not a direct call", field="provider"
        )

    def piapi(self) -> Any:
        from chalicelib.providers import midjourney

        return midjourney.PiapiClient(
            self.require_key("midjourney"),
            base_url=self._url("piapi", midjourney.DEFAULT_BASE_URL),
            attempts=self.parameters["retry_attempts"],
            backoff_ms=self.parameters["retry_backoff_ms"],
            timeout_s=self.timeout_s,
        )

    def openai(self) -> Any | None:
        """The OpenAI client for prompts, QC and metadata, or None to use the offline ones."""
        key = self.keys.get("openai")
        if not key:
            return None
        from chalicelib.providers import openai

        return openai.OpenAIClient(
            key,
            self.parameters["openai_model"],
            self.timeout_s,
            base_url=self._url("openai", openai.DEFAULT_BASE_URL),
            attempts=self.parameters["retry_attempts"],
            backoff_ms=self.parameters["retry_backoff_ms"],
        )

    def background_remover(self) -> Any | None:
        """remove.bg when its key is set; None means the offline remover."""
        key = self.keys.get("remove_bg")
        if not key:
            return None
        from chalicelib.providers import removebg

        return removebg.RemoveBgClient(
            key,
            self.config["processing"]["remove_bg_size"],
            base_url=self._url("remove_bg", removebg.DEFAULT_BASE_URL),
            timeout_s=self.timeout_s,
        )
