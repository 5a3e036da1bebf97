"""The offline Pillow provider and the provider registry."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageStat

from chalicelib.errors import ValidationError
from chalicelib.providers import ImageRequest, LocalProvider, get_provider

PROMPT = "A high-quality commercial stock photograph of red apples"


def _request(**overrides: object) -> ImageRequest:
    fields: dict = {"prompt": PROMPT, "width": 320, "height": 240, "seed": 7}
    fields.update(overrides)
    return ImageRequest(**fields)


def _open(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def test_same_prompt_and_seed_give_identical_bytes() -> None:
    provider = LocalProvider()
    assert provider.generate(_request())[0].data == provider.generate(_request())[0].data


def test_different_seed_gives_different_image() -> None:
    provider = LocalProvider()
    assert provider.generate(_request(seed=7))[0].data != provider.generate(_request(seed=8))[0].data


def test_different_prompt_gives_different_image() -> None:
    provider = LocalProvider()
    other = provider.generate(_request(prompt="a mountain lake at dawn"))[0].data
    assert provider.generate(_request())[0].data != other


def test_image_has_exact_requested_size() -> None:
    image = _open(LocalProvider().generate(_request(width=333, height=127))[0].data)
    assert image.size == (333, 127)


def test_output_is_png() -> None:
    result = LocalProvider().generate(_request())[0]
    assert (result.content_type, result.extension) == ("image/png", "png")
    assert _open(result.data).format == "PNG"


def test_returns_one_image_per_variation_with_consecutive_seeds() -> None:
    results = LocalProvider().generate(_request(variations=3))
    assert [r.seed for r in results] == [7, 8, 9]
    assert len({r.data for r in results}) == 3


def test_image_is_not_near_uniform() -> None:
    image = _open(LocalProvider().generate(_request())[0].data).convert("L")
    assert ImageStat.Stat(image).stddev[0] > 15


def test_registry_returns_local_provider() -> None:
    provider = get_provider("local")
    assert isinstance(provider, LocalProvider)
    assert provider.name == "local"


def test_registry_rejects_unknown_provider_on_provider_field() -> None:
    with pytest.raises(ValidationError) as raised:
        get_provider("runware")
    assert raised.value.field == "provider"
