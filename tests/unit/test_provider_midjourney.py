"""Midjourney via PiAPI through real HTTP against the local fake: submit, poll, download."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from chalicelib.errors import ProviderError
from chalicelib.providers.midjourney import PiapiClient, PollResult
from tests.fakes.fixtures import fake_piapi_fixture  # noqa: F401
from tests.fakes.servers import API_KEY, FakePiapi


def _no_sleep(seconds: float) -> None:
    raise AssertionError(f"the client slept {seconds} s; waiting belongs to the state machine")


def _client(fake: FakePiapi, attempts: int = 1, timeout_s: float = 5.0) -> PiapiClient:
    return PiapiClient(
        API_KEY, base_url=fake.base_url, attempts=attempts, timeout_s=timeout_s, sleep=_no_sleep
    )


def test_submit_sends_an_imagine_task_and_returns_its_id(fake_piapi: FakePiapi) -> None:
    task_id = _client(fake_piapi).submit("a koi pond", aspect_ratio="16:9", process_mode="relax")
    (request,) = fake_piapi.api_requests
    assert request.headers["x-api-key"] == API_KEY
    assert request.json == {
        "model": "midjourney",
        "task_type": "imagine",
        "input": {"prompt": "a koi pond", "aspect_ratio": "16:9", "process_mode": "relax"},
    }
    assert task_id in fake_piapi.tasks


def test_submit_adds_the_version_flag(fake_piapi: FakePiapi) -> None:
    client = _client(fake_piapi)
    client.submit("a koi pond", version="6.1")
    client.submit("a koi pond", version="niji")
    prompts = [r.json["input"]["prompt"] for r in fake_piapi.api_requests]
    assert prompts == ["a koi pond --v 6.1", "a koi pond --niji 6"]


def test_unknown_process_mode_is_refused_before_any_request(fake_piapi: FakePiapi) -> None:
    with pytest.raises(ProviderError, match="process mode"):
        _client(fake_piapi).submit("p", process_mode="instant")
    assert fake_piapi.requests == []


def test_poll_reports_pending_until_completed(fake_piapi: FakePiapi) -> None:
    client = _client(fake_piapi)
    task_id = client.submit("a koi pond")
    fake_piapi.script_polls(["pending", "processing", "completed"])
    results = [client.poll(task_id) for _ in range(3)]
    assert [r.status for r in results] == ["pending", "pending", "completed"]
    assert results[0] == PollResult("pending")
    assert len(results[2].image_urls) == 4
    assert len(fake_piapi.poll_requests) == 3


def test_poll_reports_failure_with_the_task_error(fake_piapi: FakePiapi) -> None:
    client = _client(fake_piapi)
    task_id = client.submit("a koi pond")
    fake_piapi.script_polls(["failed"])
    assert client.poll(task_id) == PollResult("failed", error="prompt rejected by moderation")


def test_download_returns_a_png(fake_piapi: FakePiapi) -> None:
    client = _client(fake_piapi)
    urls = client.poll(client.submit("a koi pond")).image_urls
    image = client.download(urls[2], seed=5)
    assert (image.extension, image.content_type, image.seed) == ("png", "image/png", 5)
    assert Image.open(io.BytesIO(image.data)).size == (16, 16)


def test_download_is_retried_on_5xx(fake_piapi: FakePiapi) -> None:
    client = PiapiClient(API_KEY, base_url=fake_piapi.base_url, attempts=2, sleep=lambda s: None)
    urls = client.poll(client.submit("a koi pond")).image_urls
    fake_piapi.script_downloads(["500", "ok"])
    assert client.download(urls[0]).data
    assert len(fake_piapi.download_requests) == 2


def test_429_then_success_is_retried(fake_piapi: FakePiapi) -> None:
    fake_piapi.script(["429", "ok"])
    client = PiapiClient(API_KEY, base_url=fake_piapi.base_url, attempts=2, sleep=lambda s: None)
    assert client.submit("p")
    assert len(fake_piapi.api_requests) == 2


def test_5xx_until_attempts_run_out_is_retryable(fake_piapi: FakePiapi) -> None:
    fake_piapi.script(["500", "500"])
    client = PiapiClient(API_KEY, base_url=fake_piapi.base_url, attempts=2, sleep=lambda s: None)
    with pytest.raises(ProviderError) as caught:
        client.submit("p")
    assert caught.value.retryable is True
    assert len(fake_piapi.api_requests) == 2


def test_400_is_never_retried(fake_piapi: FakePiapi) -> None:
    fake_piapi.script(["400"])
    with pytest.raises(ProviderError) as caught:
        _client(fake_piapi, attempts=3).submit("p")
    assert caught.value.retryable is False
    assert len(fake_piapi.api_requests) == 1


def test_wrong_key_fails_at_once(fake_piapi: FakePiapi) -> None:
    client = PiapiClient("wrong", base_url=fake_piapi.base_url, attempts=3)
    with pytest.raises(ProviderError, match="HTTP 401: Invalid API key"):
        client.submit("p")
    assert len(fake_piapi.api_requests) == 1


def test_unknown_task_is_a_non_retryable_error(fake_piapi: FakePiapi) -> None:
    with pytest.raises(ProviderError, match="task not found") as caught:
        _client(fake_piapi).poll("no-such-task")
    assert caught.value.retryable is False


def test_timeout_is_a_provider_error(fake_piapi: FakePiapi) -> None:
    fake_piapi.script(["timeout"])
    with pytest.raises(ProviderError) as caught:
        _client(fake_piapi, timeout_s=0.3).submit("p")
    assert caught.value.retryable is True


@pytest.mark.parametrize("behaviour", ["malformed", "missing"])
def test_malformed_poll_reply_is_an_error(fake_piapi: FakePiapi, behaviour: str) -> None:
    client = _client(fake_piapi)
    task_id = client.submit("p")
    fake_piapi.script_polls([behaviour])
    with pytest.raises(ProviderError) as caught:
        client.poll(task_id)
    assert caught.value.retryable is False
