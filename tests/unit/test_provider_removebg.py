"""remove.bg through real HTTP against the local fake: the upload, retries and their waits."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from PIL import Image

from chalicelib.errors import ProviderError
from chalicelib.providers.removebg import RemoveBgClient
from tests.fakes.fixtures import fake_removebg_fixture  # noqa: F401
from tests.fakes.servers import API_KEY, FakeRemoveBg, image_bytes


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def _client(fake: FakeRemoveBg, size: str = "auto", timeout_s: float = 5.0) -> tuple[RemoveBgClient, Sleeps]:
    sleeps = Sleeps()
    return RemoveBgClient(API_KEY, size, base_url=fake.base_url, sleep=sleeps, timeout_s=timeout_s), sleeps


def test_uploads_the_image_and_returns_a_transparent_png(fake_removebg: FakeRemoveBg) -> None:
    client, _ = _client(fake_removebg, size="4k")
    source = image_bytes(2, "jpg", (40, 30))
    result = Image.open(io.BytesIO(client.remove(source)))
    (request,) = fake_removebg.api_requests
    assert request.headers["x-api-key"] == API_KEY
    assert request.form == {"image_file": source, "size": b"4k"}
    assert (result.format, result.mode, result.size) == ("PNG", "RGBA", (40, 30))


@pytest.mark.parametrize(
    ("size", "sent"), [("preview", "preview"), ("full", "full"), ("50MP", "auto"), ("", "auto")]
)
def test_size_outside_the_api_falls_back_to_auto(fake_removebg: FakeRemoveBg, size: str, sent: str) -> None:
    client, _ = _client(fake_removebg, size=size)
    client.remove(image_bytes(0))
    assert fake_removebg.api_requests[0].form["size"] == sent.encode()


def test_is_a_bytes_to_bytes_callable(fake_removebg: FakeRemoveBg) -> None:
    remover: Callable[[bytes], bytes] = _client(fake_removebg)[0]
    assert remover(image_bytes(0)).startswith(b"\x89PNG")


def test_three_attempts_waiting_2_then_4_seconds(fake_removebg: FakeRemoveBg) -> None:
    fake_removebg.script(["500", "503", "502"])
    client, sleeps = _client(fake_removebg)
    with pytest.raises(ProviderError) as caught:
        client.remove(image_bytes(0))
    assert caught.value.retryable is True
    assert sleeps == [2.0, 4.0]
    assert len(fake_removebg.api_requests) == 3


def test_recovers_when_a_retry_succeeds(fake_removebg: FakeRemoveBg) -> None:
    fake_removebg.script(["429", "ok"])
    client, sleeps = _client(fake_removebg)
    assert client.remove(image_bytes(0)).startswith(b"\x89PNG")
    assert sleeps == [2.0]


def test_retry_after_is_capped_at_15_seconds(fake_removebg: FakeRemoveBg) -> None:
    fake_removebg.retry_after = "60"
    fake_removebg.script(["429", "ok"])
    client, sleeps = _client(fake_removebg)
    client.remove(image_bytes(0))
    assert sleeps == [15.0]


def test_402_fails_at_once(fake_removebg: FakeRemoveBg) -> None:
    fake_removebg.script(["402"])
    client, sleeps = _client(fake_removebg)
    with pytest.raises(ProviderError) as caught:
        client.remove(image_bytes(0))
    assert caught.value.retryable is False
    assert "HTTP 402: Insufficient credits (insufficient_credits)" in str(caught.value)
    assert sleeps == []
    assert len(fake_removebg.api_requests) == 1


@pytest.mark.parametrize("status", ["400", "403"])
def test_client_errors_fail_at_once(fake_removebg: FakeRemoveBg, status: str) -> None:
    fake_removebg.script([status])
    client, sleeps = _client(fake_removebg)
    with pytest.raises(ProviderError, match=f"HTTP {status}"):
        client.remove(image_bytes(0))
    assert sleeps == [] and len(fake_removebg.api_requests) == 1


def test_wrong_key_is_rejected_by_the_api(fake_removebg: FakeRemoveBg) -> None:
    client = RemoveBgClient("wrong", base_url=fake_removebg.base_url, sleep=Sleeps())
    with pytest.raises(ProviderError, match="HTTP 403"):
        client.remove(image_bytes(0))


def test_bytes_that_are_not_an_image_are_rejected_without_retry(fake_removebg: FakeRemoveBg) -> None:
    client, sleeps = _client(fake_removebg)
    with pytest.raises(ProviderError, match="Failed to read the image"):
        client.remove(b"not an image")
    assert sleeps == []


def test_timeout_is_retried_then_reported(fake_removebg: FakeRemoveBg) -> None:
    fake_removebg.script(["timeout"] * 3)
    client, sleeps = _client(fake_removebg, timeout_s=0.3)
    with pytest.raises(ProviderError, match="no response") as caught:
        client.remove(image_bytes(0))
    assert caught.value.retryable is True
    assert sleeps == [2.0, 4.0]


def test_json_reply_instead_of_an_image_is_an_error(fake_removebg: FakeRemoveBg) -> None:
    fake_removebg.script(["missing"])
    client, _ = _client(fake_removebg)
    with pytest.raises(ProviderError, match="expected image bytes"):
        client.remove(image_bytes(0))
