"""Runware through real HTTP against the local fake: request shape, retries, top-ups, downloads."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from chalicelib.errors import ProviderError
from chalicelib.providers.base import ImageProvider, ImageRequest
from chalicelib.providers.runware import MAX_TOP_UPS, RunwareProvider, parse_lora
from tests.fakes.fixtures import fake_runware_fixture  # noqa: F401
from tests.fakes.servers import API_KEY, FakeRunware


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def _provider(
    fake: FakeRunware, timeout_s: float = 5.0, sleep: Sleeps | None = None, **parameters: Any
) -> RunwareProvider:
    params = {"model": "runware:101@1", "retry_attempts": 1, "retry_backoff_ms": 0, **parameters}
    return RunwareProvider(
        API_KEY,
        params,
        base_url=fake.base_url,
        timeout_s=timeout_s,
        sleep=sleep if sleep is not None else Sleeps(),
    )


def _request(**overrides: Any) -> ImageRequest:
    fields: dict[str, Any] = {"prompt": "red apples on a table", "width": 1024, "height": 768, "seed": 41}
    fields.update(overrides)
    return ImageRequest(**fields)


def test_is_an_image_provider(fake_runware: FakeRunware) -> None:
    assert isinstance(_provider(fake_runware), ImageProvider)


def test_one_post_asks_for_all_variations(fake_runware: FakeRunware) -> None:
    images = _provider(fake_runware, model="civitai:4384@128713").generate(_request(variations=3))
    assert len(fake_runware.api_requests) == 1
    (task,) = fake_runware.tasks
    assert task["taskType"] == "imageInference"
    assert task["numberResults"] == 3
    assert task["outputType"] == "URL"
    assert task["outputFormat"] == "PNG"
    assert (task["width"], task["height"], task["seed"]) == (1024, 768, 41)
    assert task["model"] == "civitai:4384@128713"
    assert fake_runware.api_requests[0].headers["authorization"] == f"Bearer {API_KEY}"
    assert len(images) == 3


def test_returns_decodable_images_with_consecutive_seeds(fake_runware: FakeRunware) -> None:
    images = _provider(fake_runware).generate(_request(variations=2, format="jpg"))
    assert [i.seed for i in images] == [41, 42]
    assert {(i.extension, i.content_type) for i in images} == {("jpg", "image/jpeg")}
    assert Image.open(io.BytesIO(images[0].data)).format == "JPEG"
    assert fake_runware.tasks[0]["outputFormat"] == "JPG"


def test_midjourney_flags_are_stripped_from_the_prompt(fake_runware: FakeRunware) -> None:
    _provider(fake_runware).generate(_request(prompt="a misty forest --ar 16:9 --v 6.1 --tile"))
    assert fake_runware.tasks[0]["positivePrompt"] == "a misty forest"


def test_blank_negative_prompt_is_omitted(fake_runware: FakeRunware) -> None:
    _provider(fake_runware).generate(_request(negative_prompt="   "))
    assert "negativePrompt" not in fake_runware.tasks[0]


def test_negative_prompt_is_sent_when_given(fake_runware: FakeRunware) -> None:
    _provider(fake_runware).generate(_request(negative_prompt="blurry, text"))
    assert fake_runware.tasks[0]["negativePrompt"] == "blurry, text"


ADVANCED = {"cfg_scale": 7.5, "steps": 30, "scheduler": "", "check_nsfw": True}


def test_advanced_values_are_sent_only_when_enabled(fake_runware: FakeRunware) -> None:
    _provider(fake_runware, advanced_enabled=True, advanced=ADVANCED).generate(_request())
    task = fake_runware.tasks[0]
    assert (task["CFGScale"], task["steps"], task["checkNSFW"]) == (7.5, 30, True)
    assert "scheduler" not in task  # empty values are not sent


def test_advanced_values_are_ignored_when_disabled(fake_runware: FakeRunware) -> None:
    _provider(fake_runware, advanced_enabled=False, advanced=ADVANCED).generate(_request())
    assert not {"CFGScale", "steps", "scheduler", "checkNSFW"} & set(fake_runware.tasks[0])


LORAS = ["civitai:58390@62833:0.8", "runware:12@1", "  "]


def test_lora_is_sent_only_when_enabled(fake_runware: FakeRunware) -> None:
    _provider(fake_runware, lora_enabled=True, lora=LORAS).generate(_request())
    assert fake_runware.tasks[0]["lora"] == [
        {"model": "civitai:58390@62833", "weight": 0.8},
        {"model": "runware:12@1", "weight": 1},
    ]


def test_lora_is_ignored_when_disabled(fake_runware: FakeRunware) -> None:
    _provider(fake_runware, lora_enabled=False, lora=LORAS).generate(_request())
    assert "lora" not in fake_runware.tasks[0]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("civitai:58390@62833:0.5", {"model": "civitai:58390@62833", "weight": 0.5}),
        ("civitai:58390@62833:10", {"model": "civitai:58390@62833", "weight": 10.0}),
        ("civitai:58390@62833:11", {"model": "civitai:58390@62833:11", "weight": 1}),
        ("civitai:58390@62833:-1", {"model": "civitai:58390@62833:-1", "weight": 1}),
        ("civitai:58390@62833", {"model": "civitai:58390@62833", "weight": 1}),
        ("mylora", {"model": "mylora", "weight": 1}),
    ],
)
def test_lora_weight_is_the_number_after_the_last_colon_when_in_range(line: str, expected: dict) -> None:
    assert parse_lora(line) == expected


def test_429_then_success_is_retried(fake_runware: FakeRunware) -> None:
    fake_runware.script(["429", "ok"])
    images = _provider(fake_runware, retry_attempts=2).generate(_request())
    assert len(images) == 1
    assert len(fake_runware.api_requests) == 2


def test_5xx_until_attempts_run_out_is_a_retryable_error(fake_runware: FakeRunware) -> None:
    fake_runware.script(["500"] * 3)
    with pytest.raises(ProviderError) as caught:
        _provider(fake_runware, retry_attempts=3).generate(_request())
    assert caught.value.retryable is True
    assert len(fake_runware.api_requests) == 3


def test_backoff_doubles_between_attempts(fake_runware: FakeRunware) -> None:
    fake_runware.script(["503", "503", "ok"])
    sleeps = Sleeps()
    _provider(fake_runware, sleep=sleeps, retry_attempts=3, retry_backoff_ms=250).generate(_request())
    assert sleeps == [0.25, 0.5]


def test_400_is_never_retried(fake_runware: FakeRunware) -> None:
    fake_runware.script(["400", "ok"])
    with pytest.raises(ProviderError) as caught:
        _provider(fake_runware, retry_attempts=5).generate(_request())
    assert caught.value.retryable is False
    assert len(fake_runware.api_requests) == 1
    assert "invalidParameter" in str(caught.value)


def test_request_the_api_rejects_is_not_retried(fake_runware: FakeRunware) -> None:
    with pytest.raises(ProviderError) as caught:
        _provider(fake_runware, retry_attempts=5).generate(_request(width=100))
    assert caught.value.retryable is False
    assert "width must be" in str(caught.value)
    assert len(fake_runware.api_requests) == 1


def test_wrong_api_key_fails_at_once(fake_runware: FakeRunware) -> None:
    provider = RunwareProvider("wrong", {"retry_attempts": 5}, base_url=fake_runware.base_url)
    with pytest.raises(ProviderError) as caught:
        provider.generate(_request())
    assert caught.value.retryable is False
    assert "HTTP 401" in str(caught.value)
    assert len(fake_runware.api_requests) == 1


def test_timeout_is_a_provider_error(fake_runware: FakeRunware) -> None:
    fake_runware.script(["timeout"])
    with pytest.raises(ProviderError) as caught:
        _provider(fake_runware, timeout_s=0.3).generate(_request())
    assert caught.value.retryable is True


@pytest.mark.parametrize("behaviour", ["malformed", "missing"])
def test_malformed_reply_is_a_provider_error(fake_runware: FakeRunware, behaviour: str) -> None:
    fake_runware.script([behaviour])
    with pytest.raises(ProviderError) as caught:
        _provider(fake_runware, retry_attempts=3).generate(_request())
    assert caught.value.retryable is False
    assert len(fake_runware.api_requests) == 1


def test_short_reply_is_topped_up_with_a_request_for_the_rest(fake_runware: FakeRunware) -> None:
    fake_runware.script(["short", "ok"])
    images = _provider(fake_runware).generate(_request(variations=4))
    assert len(images) == 4
    assert [t["numberResults"] for t in fake_runware.tasks] == [4, 1]
    assert fake_runware.tasks[1]["seed"] == 41 + 3
    assert fake_runware.tasks[0]["taskUUID"] != fake_runware.tasks[1]["taskUUID"]


def test_still_short_after_five_top_ups_is_an_error(fake_runware: FakeRunware) -> None:
    fake_runware.script(["none"] * (1 + MAX_TOP_UPS))
    with pytest.raises(ProviderError) as caught:
        _provider(fake_runware).generate(_request(variations=2))
    assert "0 of 2" in str(caught.value)
    assert len(fake_runware.api_requests) == 1 + MAX_TOP_UPS


def test_failed_download_is_retried(fake_runware: FakeRunware) -> None:
    fake_runware.script_downloads(["502", "ok"])
    images = _provider(fake_runware, retry_attempts=2).generate(_request())
    assert len(images) == 1
    assert len(fake_runware.download_requests) == 2


def test_missing_image_fails_without_retry(fake_runware: FakeRunware) -> None:
    fake_runware.script_downloads(["404"])
    with pytest.raises(ProviderError) as caught:
        _provider(fake_runware, retry_attempts=3).generate(_request())
    assert "download" in str(caught.value) and caught.value.retryable is False
    assert len(fake_runware.download_requests) == 1


def test_one_missing_download_fails_that_image_only(fake_runware: FakeRunware) -> None:
    from chalicelib.providers.base import GeneratedImage, ImageFailure

    fake_runware.script_downloads(["ok", "404", "ok"])
    first, second, third = _provider(fake_runware, retry_attempts=3).generate(_request(variations=3))
    assert isinstance(first, GeneratedImage) and isinstance(third, GeneratedImage)
    assert isinstance(second, ImageFailure)
    assert second.seed == first.seed + 1 and second.message.startswith("download failed:")
    assert "404" in second.message


def test_extension_comes_from_content_type_when_url_has_none(fake_runware: FakeRunware) -> None:
    fake_runware.urls_with_extension = False
    (image,) = _provider(fake_runware).generate(_request(format="webp"))
    assert (image.extension, image.content_type) == ("webp", "image/webp")


def test_svg_is_refused_before_any_request(fake_runware: FakeRunware) -> None:
    with pytest.raises(ProviderError):
        _provider(fake_runware).generate(_request(format="svg"))
    assert fake_runware.requests == []
