"""The shared HTTP helper: which failures are retried, how long it waits, what it reports."""

from __future__ import annotations

import socket

import pytest

from chalicelib.errors import ProviderError
from chalicelib.providers.http import RetryPolicy, download_image, image_extension, send, timeout_for
from tests.fakes.fixtures import fake_openai_fixture  # noqa: F401
from tests.fakes.servers import API_KEY, FakeOpenAI, image_bytes

CHAT_BODY = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}


class Sleeps(list[float]):
    """An injected sleep that records instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def _chat(fake: FakeOpenAI, policy: RetryPolicy, sleep: Sleeps, timeout_s: float = 5.0):
    return send(
        "POST",
        f"{fake.base_url}/chat/completions",
        policy=policy,
        timeout_s=timeout_s,
        sleep=sleep,
        service="OpenAI",
        json=CHAT_BODY,
        headers={"Authorization": f"Bearer {API_KEY}"},
    )


def test_delay_doubles_from_backoff_and_is_capped() -> None:
    policy = RetryPolicy(attempts=5, backoff_ms=2_000, max_backoff_ms=15_000)
    assert [policy.delay_s(n) for n in (1, 2, 3, 4)] == [2.0, 4.0, 8.0, 15.0]


def test_retry_after_wins_when_longer_but_stays_capped() -> None:
    policy = RetryPolicy(attempts=3, backoff_ms=1_000, max_backoff_ms=15_000)
    assert policy.delay_s(1, retry_after_s=5) == 5.0
    assert policy.delay_s(1, retry_after_s=0.2) == 1.0
    assert policy.delay_s(1, retry_after_s=600) == 15.0


def test_policy_from_parameters_clamps_to_documented_ranges() -> None:
    assert RetryPolicy.from_parameters({"retry_attempts": 9, "retry_backoff_ms": -5}).attempts == 5
    assert RetryPolicy.from_parameters({"retry_attempts": 0}).attempts == 1
    assert RetryPolicy.from_parameters({}).backoff_ms == 0
    assert RetryPolicy.from_parameters({"retry_backoff_ms": 90_000}).backoff_ms == 60_000


def test_timeout_is_polling_timeout_when_enabled_else_30_seconds() -> None:
    assert timeout_for({"enable_polling_timeout": True, "polling_timeout_min": 2}) == 120
    assert timeout_for({"enable_polling_timeout": False, "polling_timeout_min": 2}) == 30
    assert timeout_for({}) == 15 * 60


def test_429_is_retried_then_succeeds(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(["429", "ok"])
    sleeps = Sleeps()
    response = _chat(fake_openai, RetryPolicy(attempts=3, backoff_ms=500), sleeps)
    assert response.status_code == 200
    assert len(fake_openai.api_requests) == 2
    assert sleeps == [0.5]


def test_retry_after_header_is_honoured(fake_openai: FakeOpenAI) -> None:
    fake_openai.retry_after = "3"
    fake_openai.script(["429", "ok"])
    sleeps = Sleeps()
    _chat(fake_openai, RetryPolicy(attempts=2, backoff_ms=0), sleeps)
    assert sleeps == [3.0]


def test_5xx_until_attempts_run_out_raises_retryable_error(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(["500", "502", "503", "500"])
    sleeps = Sleeps()
    with pytest.raises(ProviderError) as caught:
        _chat(fake_openai, RetryPolicy(attempts=4, backoff_ms=100), sleeps)
    assert caught.value.retryable is True
    assert len(fake_openai.api_requests) == 4
    assert sleeps == [0.1, 0.2, 0.4]
    assert "HTTP 500" in str(caught.value) and "4 attempts" in str(caught.value)


def test_other_4xx_fails_at_once_with_the_providers_error_text(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(["400", "ok"])
    sleeps = Sleeps()
    with pytest.raises(ProviderError) as caught:
        _chat(fake_openai, RetryPolicy(attempts=5), sleeps)
    assert caught.value.retryable is False
    assert len(fake_openai.api_requests) == 1
    assert sleeps == []
    assert str(caught.value) == "OpenAI: HTTP 400: Invalid request"


def test_timeout_becomes_retryable_provider_error(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(["timeout"])
    with pytest.raises(ProviderError) as caught:
        _chat(fake_openai, RetryPolicy(attempts=1), Sleeps(), timeout_s=0.3)
    assert caught.value.retryable is True
    assert "no response within 0.3 s" in str(caught.value)


def test_timeout_then_success_is_retried(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(["timeout", "ok"])
    response = _chat(fake_openai, RetryPolicy(attempts=2), Sleeps(), timeout_s=0.3)
    assert response.status_code == 200


def test_dropped_connection_is_retried(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(["drop", "ok"])
    response = _chat(fake_openai, RetryPolicy(attempts=2), Sleeps())
    assert response.status_code == 200
    assert len(fake_openai.api_requests) == 2


def test_connection_refused_is_a_retryable_network_error() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sleeps = Sleeps()
    with pytest.raises(ProviderError) as caught:
        send("GET", f"http://127.0.0.1:{port}/", policy=RetryPolicy(attempts=2), timeout_s=1, sleep=sleeps)
    assert caught.value.retryable is True
    assert "network error" in str(caught.value)
    assert len(sleeps) == 1


def test_download_takes_extension_from_url(fake_openai: FakeOpenAI) -> None:
    url = fake_openai.host_image(image_bytes(0, "webp"), "image/webp", "webp")
    image = download_image(url, seed=4, default_format="png", policy=RetryPolicy(), timeout_s=5)
    assert (image.extension, image.content_type, image.seed) == ("webp", "image/webp", 4)
    assert image.data == image_bytes(0, "webp")


def test_download_is_retried_like_api_calls(fake_openai: FakeOpenAI) -> None:
    url = fake_openai.host_image(image_bytes(0), "image/png", "png")
    fake_openai.script_downloads(["503", "drop", "ok"])
    image = download_image(url, seed=0, default_format="png", policy=RetryPolicy(attempts=3), timeout_s=5)
    assert image.data == image_bytes(0)
    assert len(fake_openai.download_requests) == 3


def test_extension_falls_back_to_content_type_then_requested_format() -> None:
    assert image_extension("https://cdn/x/abc.JPEG?sig=1", "image/png", "webp") == "jpg"
    assert image_extension("https://cdn/x/abc", "image/webp; charset=binary", "png") == "webp"
    assert image_extension("https://cdn/x/abc", "application/octet-stream", "jpg") == "jpg"
