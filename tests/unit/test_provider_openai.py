"""OpenAI through real HTTP against the local fake: prompt, QC and metadata replies, and images."""

from __future__ import annotations

import base64
import io
from typing import Any

import pytest
from PIL import Image

from chalicelib.errors import ProviderError
from chalicelib.providers.base import ImageProvider, ImageRequest
from chalicelib.providers.openai import OpenAIClient, OpenAIImageProvider, image_size, split_tags
from tests.fakes.fixtures import fake_openai_fixture  # noqa: F401
from tests.fakes.servers import API_KEY, FakeOpenAI, image_bytes


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def _client(
    fake: FakeOpenAI, model: str = "gpt-4o", attempts: int = 1, timeout_s: float = 5.0
) -> OpenAIClient:
    return OpenAIClient(API_KEY, model, timeout_s, base_url=fake.base_url, attempts=attempts, sleep=Sleeps())


def _sent(fake: FakeOpenAI, index: int = -1) -> dict[str, Any]:
    return fake.chat_requests[index].json


# --- prompt writing ----------------------------------------------------------


def test_prompt_from_fenced_json(fake_openai: FakeOpenAI) -> None:
    fake_openai.reply('```json\n{"prompt": "red apples in a wicker basket, soft light"}\n```')
    assert _client(fake_openai).write_prompt("", "apples") == "red apples in a wicker basket, soft light"


def test_prompt_from_quoted_string(fake_openai: FakeOpenAI) -> None:
    fake_openai.reply('Prompt: "a lighthouse at dusk, long exposure"')
    assert _client(fake_openai).write_prompt("", "lighthouse") == "a lighthouse at dusk, long exposure"


def test_prompt_from_raw_text(fake_openai: FakeOpenAI) -> None:
    fake_openai.reply('  A "vintage" bicycle leaning on a brick wall  ')
    assert _client(fake_openai).write_prompt("", "bicycle") == 'A "vintage" bicycle leaning on a brick wall'


def test_prompt_from_json_inside_prose(fake_openai: FakeOpenAI) -> None:
    fake_openai.reply('Sure! Here it is: {"prompt": "fresh basil on a cutting board"}')
    assert _client(fake_openai).write_prompt("", "basil") == "fresh basil on a cutting board"


def test_prompt_json_without_prompt_key_is_an_error(fake_openai: FakeOpenAI) -> None:
    fake_openai.reply('{"text": "something"}')
    with pytest.raises(ProviderError) as caught:
        _client(fake_openai).write_prompt("", "x")
    assert caught.value.retryable is False and "'prompt'" in str(caught.value)


def test_template_placeholders_are_filled_in_the_system_message(fake_openai: FakeOpenAI) -> None:
    _client(fake_openai).write_prompt("Write a stock photo prompt about {keyword} (${{Subject}}).", "tea")
    messages = _sent(fake_openai)["messages"]
    assert messages[0] == {"role": "system", "content": "Write a stock photo prompt about tea (tea)."}
    assert messages[1] == {"role": "user", "content": "Keyword: tea"}


def test_csv_row_fills_column_placeholders(fake_openai: FakeOpenAI) -> None:
    _client(fake_openai).write_prompt("A ${{Subject}} in ${{Place}}", {"Subject": "fox", "Place": "snow"})
    assert _sent(fake_openai)["messages"][0]["content"] == "A fox in snow"


def test_blank_template_uses_the_built_in_json_prompt(fake_openai: FakeOpenAI) -> None:
    _client(fake_openai).write_prompt("  ", "tea")
    assert '{"prompt": "..."}' in _sent(fake_openai)["messages"][0]["content"]


def test_model_and_temperature_are_sent(fake_openai: FakeOpenAI) -> None:
    _client(fake_openai, model="gpt-4o-mini").write_prompt("", "tea")
    _client(fake_openai, model="gpt-5-mini").write_prompt("", "tea")
    assert (_sent(fake_openai, 0)["model"], _sent(fake_openai, 0)["temperature"]) == ("gpt-4o-mini", 0.7)
    assert _sent(fake_openai, 1)["temperature"] == 1.0


def test_from_parameters_takes_model_and_timeout() -> None:
    client = OpenAIClient.from_parameters(
        API_KEY, {"openai_model": "gpt-4.1", "enable_polling_timeout": False}
    )
    assert client.model == "gpt-4.1"
    assert client.timeout_s == 30


# --- quality check -----------------------------------------------------------


def test_qc_sends_the_image_as_a_data_url(fake_openai: FakeOpenAI) -> None:
    fake_openai.reply('{"passed": true, "reason": "clean"}')
    _client(fake_openai).quality_check(image_bytes(3))
    parts = _sent(fake_openai)["messages"][1]["content"]
    url = parts[1]["image_url"]["url"]
    assert url.startswith("data:image/png;base64,")
    assert base64.b64decode(url.split(",", 1)[1]) == image_bytes(3)
    assert "watermark" in _sent(fake_openai)["messages"][0]["content"]


def test_qc_json_pass(fake_openai: FakeOpenAI) -> None:
    fake_openai.reply('```json\n{"passed": true, "reason": "No issues found"}\n```')
    assert _client(fake_openai).quality_check(image_bytes(0)) == (True, "No issues found")


def test_qc_json_fail_keeps_the_reason(fake_openai: FakeOpenAI) -> None:
    fake_openai.reply('{"passed": false, "reason": "Visible logo on the mug"}')
    assert _client(fake_openai).quality_check(image_bytes(0)) == (False, "Visible logo on the mug")


def test_custom_qc_prompt_replaces_the_built_in_one(fake_openai: FakeOpenAI) -> None:
    fake_openai.reply('{"passed": true, "reason": "ok"}')
    _client(fake_openai).quality_check(image_bytes(0), "Only reject cats.")
    assert _sent(fake_openai)["messages"][0]["content"] == "Only reject cats."


@pytest.mark.parametrize(
    ("reply", "passed"),
    [
        ("FAIL - the sign text is garbled.", False),
        ("The image is rejected: watermark in the corner.", False),
        ("PASS. The image looks clean and commercial.", True),
        ("passed: false, reason: celebrity likeness", False),
    ],
)
def test_qc_falls_back_to_pass_fail_words(fake_openai: FakeOpenAI, reply: str, passed: bool) -> None:
    fake_openai.reply(reply)
    verdict, reason = _client(fake_openai).quality_check(image_bytes(0))
    assert verdict is passed
    assert reason


def test_qc_reply_without_verdict_is_an_error(fake_openai: FakeOpenAI) -> None:
    fake_openai.reply("I cannot see the image clearly.")
    with pytest.raises(ProviderError, match="no pass/fail verdict"):
        _client(fake_openai).quality_check(image_bytes(0))


# --- metadata ----------------------------------------------------------------


METADATA_REPLY = (
    '{"new_title": "Red apples in a rustic basket", "new_description": "Fresh red apples.", '
    '"uploadTags": "apple, fruit,  red , Apple, harvest"}'
)


def test_metadata_upload_tags_string_becomes_a_list(fake_openai: FakeOpenAI) -> None:
    fake_openai.reply(METADATA_REPLY)
    result = _client(fake_openai).metadata(image_bytes(0), "red apples")
    assert result == {
        "title": "Red apples in a rustic basket",
        "description": "Fresh red apples.",
        "tags": ["apple", "fruit", "red", "harvest"],
    }


def test_metadata_accepts_tags_as_a_list(fake_openai: FakeOpenAI) -> None:
    fake_openai.reply('```\n{"new_title": "T", "new_description": "D", "tags": ["a", "b"]}\n```')
    assert _client(fake_openai).metadata(None, "p")["tags"] == ["a", "b"]


def test_metadata_without_image_sends_only_the_prompt(fake_openai: FakeOpenAI) -> None:
    fake_openai.reply(METADATA_REPLY)
    _client(fake_openai).metadata(None, "red apples")
    messages = _sent(fake_openai)["messages"]
    assert messages[1]["content"] == [
        {"type": "text", "text": "Prompt used to generate the image: red apples"}
    ]
    assert "exactly 15" in messages[0]["content"]


def test_metadata_with_image_sends_it(fake_openai: FakeOpenAI) -> None:
    fake_openai.reply(METADATA_REPLY)
    _client(fake_openai).metadata(image_bytes(0, "jpg"), "red apples", "Custom metadata rules")
    messages = _sent(fake_openai)["messages"]
    assert messages[0]["content"] == "Custom metadata rules"
    assert messages[1]["content"][1]["image_url"]["url"].startswith("data:image/jpeg;base64,")


@pytest.mark.parametrize(
    "reply",
    ['{"new_title": "T", "new_description": "D"}', "Title: apples. Tags: fruit", '{"new_title": ""}'],
)
def test_metadata_reply_missing_fields_fails_clearly(fake_openai: FakeOpenAI, reply: str) -> None:
    fake_openai.reply(reply)
    with pytest.raises(ProviderError, match="metadata reply") as caught:
        _client(fake_openai).metadata(None, "p")
    assert caught.value.retryable is False


def test_split_tags_handles_strings_and_lists() -> None:
    assert split_tags("a, b,,c , A") == ["a", "b", "c"]
    assert split_tags(["x", " y ", 3]) == ["x", "y", "3"]


# --- transport ---------------------------------------------------------------


def test_429_then_success_is_retried(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(["429", "ok"])
    fake_openai.reply('{"prompt": "p"}')
    assert _client(fake_openai, attempts=2).write_prompt("", "k") == "p"
    assert len(fake_openai.api_requests) == 2


def test_5xx_until_attempts_run_out_is_retryable(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(["500"] * 3)
    with pytest.raises(ProviderError) as caught:
        _client(fake_openai, attempts=3).write_prompt("", "k")
    assert caught.value.retryable is True
    assert len(fake_openai.api_requests) == 3


def test_400_is_never_retried(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(["400"])
    with pytest.raises(ProviderError) as caught:
        _client(fake_openai, attempts=3).write_prompt("", "k")
    assert caught.value.retryable is False
    assert len(fake_openai.api_requests) == 1


def test_wrong_key_is_rejected_with_openai_error_text(fake_openai: FakeOpenAI) -> None:
    client = OpenAIClient("sk-wrong", "gpt-4o", 5, base_url=fake_openai.base_url, attempts=3)
    with pytest.raises(ProviderError, match="HTTP 401: Incorrect API key provided"):
        client.write_prompt("", "k")
    assert len(fake_openai.api_requests) == 1


def test_timeout_is_a_provider_error(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(["timeout"])
    with pytest.raises(ProviderError, match="no response within 0.3 s"):
        _client(fake_openai, timeout_s=0.3).write_prompt("", "k")


@pytest.mark.parametrize("behaviour", ["malformed", "missing"])
def test_malformed_chat_reply_is_a_provider_error(fake_openai: FakeOpenAI, behaviour: str) -> None:
    fake_openai.script([behaviour])
    with pytest.raises(ProviderError) as caught:
        _client(fake_openai, attempts=3).write_prompt("", "k")
    assert caught.value.retryable is False
    assert len(fake_openai.api_requests) == 1


# --- image generation ----------------------------------------------------------


def _images(fake: FakeOpenAI, **parameters: Any) -> OpenAIImageProvider:
    return OpenAIImageProvider(API_KEY, parameters, base_url=fake.base_url, timeout_s=5, sleep=Sleeps())


def test_image_provider_is_an_image_provider(fake_openai: FakeOpenAI) -> None:
    assert isinstance(_images(fake_openai), ImageProvider)


def test_images_asks_for_variations_at_a_supported_size(fake_openai: FakeOpenAI) -> None:
    request = ImageRequest(prompt="a calm lake --ar 16:9", width=1920, height=1080, seed=9, variations=3)
    images = _images(fake_openai).generate(request)
    body = fake_openai.api_requests[0].json
    assert (body["model"], body["n"], body["size"], body["prompt"]) == (
        "gpt-image-1",
        3,
        "1536x1024",
        "a calm lake",
    )
    assert [i.seed for i in images] == [9, 10, 11]
    assert Image.open(io.BytesIO(images[0].data)).format == "PNG"


def test_images_over_ten_are_split_into_requests(fake_openai: FakeOpenAI) -> None:
    request = ImageRequest(prompt="p", width=512, height=512, seed=0, variations=12, format="jpg")
    images = _images(fake_openai).generate(request)
    assert [r.json["n"] for r in fake_openai.api_requests] == [10, 2]
    assert len(images) == 12 and images[0].extension == "jpg"
    assert fake_openai.api_requests[0].json["output_format"] == "jpeg"


def test_images_short_reply_is_a_retryable_error(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(["short"])
    with pytest.raises(ProviderError, match="returned 1 of 2") as caught:
        _images(fake_openai).generate(ImageRequest(prompt="p", width=512, height=512, seed=0, variations=2))
    assert caught.value.retryable is True


def test_images_missing_data_is_an_error(fake_openai: FakeOpenAI) -> None:
    fake_openai.script(["missing"])
    with pytest.raises(ProviderError, match="no 'data' list"):
        _images(fake_openai).generate(ImageRequest(prompt="p", width=512, height=512, seed=0))


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((1024, 1024), "1024x1024"),
        ((1200, 1000), "1024x1024"),
        ((1600, 900), "1536x1024"),
        ((768, 1344), "1024x1536"),
    ],
)
def test_image_size_is_the_closest_supported_shape(size: tuple[int, int], expected: str) -> None:
    assert image_size(*size) == expected
