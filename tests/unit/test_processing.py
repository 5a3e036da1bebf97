"""Post-processing with Pillow (reference §2 processing settings, §3 "Processing")."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw

from chalicelib.processing import (
    ProcessingError,
    make_thumbnail,
    offline_remove_background,
    output_extension,
    process_image,
)

BACKDROP = (235, 238, 240)
DISC = (200, 40, 50)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def _disc_on_backdrop(size: int = 200) -> Image.Image:
    """A red disc in the middle of a plain backdrop, like a generated product shot."""
    image = Image.new("RGB", (size, size), BACKDROP)
    ImageDraw.Draw(image).ellipse((size // 4, size // 4, size * 3 // 4, size * 3 // 4), fill=DISC)
    return image


def _cutout(size: int = 200) -> Image.Image:
    """An opaque detailed square in a transparent frame (box 50..150)."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rectangle((50, 50, 149, 149), fill=(40, 120, 200, 255))
    draw.ellipse((70, 70, 130, 130), fill=(250, 200, 30, 255))
    return image


def _detailed(size: int = 128) -> Image.Image:
    """A noisy colourful RGB image, for encoders and filters to act on."""
    image = Image.effect_noise((size, size), 60).convert("RGB")
    ImageDraw.Draw(image).rectangle((10, 10, 60, 90), fill=(30, 160, 90))
    return image


def _same_pixels(a: Image.Image, b: Image.Image) -> bool:
    return a.size == b.size and a.convert("RGBA").tobytes() == b.convert("RGBA").tobytes()


def _fake_remover(calls: list[bytes]):
    def remove(data: bytes) -> bytes:
        calls.append(data)
        return _png(_cutout())

    return remove


def test_jpg_conversion_produces_a_jpeg() -> None:
    result = process_image(_png(_detailed()), {"convert": True, "convert_format": "jpg"})
    assert (_open(result.data).format, result.extension, result.content_type) == ("JPEG", "jpg", "image/jpeg")


def test_jpg_quality_setting_changes_the_file_size() -> None:
    data = _png(_detailed())
    low = process_image(data, {"convert": True, "convert_format": "jpg", "jpg_quality": 30})
    high = process_image(data, {"convert": True, "convert_format": "jpg", "jpg_quality": 95})
    assert len(low.data) < len(high.data)


@pytest.mark.parametrize(("background", "expected"), [("white", 255), ("black", 0)])
def test_jpg_flattens_transparency_onto_the_jpg_background(background: str, expected: int) -> None:
    settings = {"convert": True, "convert_format": "jpg", "jpg_background": background}
    corner = _open(process_image(_png(_cutout()), settings).data).getpixel((2, 2))
    assert all(abs(channel - expected) <= 3 for channel in corner)


def test_webp_conversion_keeps_alpha() -> None:
    result = process_image(_png(_cutout()), {"convert": True, "convert_format": "webp"})
    image = _open(result.data)
    assert (image.format, image.mode, result.extension) == ("WEBP", "RGBA", "webp")
    assert image.getpixel((2, 2))[3] == 0 and image.getpixel((100, 100))[3] == 255


def test_png_conversion_is_lossless() -> None:
    source = _detailed()
    result = process_image(_png(source), {"convert": True, "convert_format": "png"})
    assert _same_pixels(_open(result.data), source)


def test_trim_crops_to_the_opaque_box() -> None:
    result = process_image(_png(_cutout()), {"trim_transparent": True})
    assert (result.width, result.height) == (100, 100)
    assert _open(result.data).size == (100, 100)


def test_trim_ignores_nearly_transparent_pixels() -> None:
    image = _cutout()
    image.putpixel((5, 5), (255, 0, 0, 50))  # at the threshold: still transparent for trim
    result = process_image(_png(image), {"trim_transparent": True})
    assert (result.width, result.height) == (100, 100)


def test_trim_of_a_fully_transparent_image_fails_in_stage_trim() -> None:
    blank = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    with pytest.raises(ProcessingError) as failure:
        process_image(_png(blank), {"trim_transparent": True})
    assert failure.value.stage == "trim"


def test_enhance_changes_pixels() -> None:
    source = _detailed()
    result = process_image(_png(source), {"enhance": True, "sharpening": 5, "saturation": 1.4})
    assert not _same_pixels(_open(result.data), source)


def test_saturation_alone_changes_a_colourful_image() -> None:
    source = _disc_on_backdrop()
    result = process_image(_png(source), {"enhance": True, "sharpening": 0, "saturation": 1.8})
    assert not _same_pixels(_open(result.data), source)


def test_enhance_with_level_zero_and_saturation_one_leaves_pixels_unchanged() -> None:
    source = _detailed()
    result = process_image(_png(source), {"enhance": True, "sharpening": 0, "saturation": 1})
    assert _same_pixels(_open(result.data), source)


def test_sharpening_keeps_the_alpha_channel() -> None:
    source = _cutout()
    result = process_image(_png(source), {"enhance": True, "sharpening": 10, "saturation": 1})
    assert _open(result.data).getchannel("A").tobytes() == source.getchannel("A").tobytes()


def test_remove_bg_uses_the_given_remover() -> None:
    calls: list[bytes] = []
    data = _png(_detailed())
    result = process_image(data, {"remove_bg": True}, remove_background=_fake_remover(calls))
    assert calls == [data]
    assert _same_pixels(_open(result.data), _cutout())


def test_remover_exception_becomes_a_remove_bg_processing_error() -> None:
    def broken(data: bytes) -> bytes:
        raise TimeoutError("remove.bg did not answer")

    with pytest.raises(ProcessingError) as failure:
        process_image(_png(_detailed()), {"remove_bg": True}, remove_background=broken)
    assert failure.value.stage == "remove_bg"
    assert "remove.bg did not answer" in failure.value.message
    assert failure.value.reason == "processing_failed:remove_bg"


def test_remove_bg_is_skipped_when_off() -> None:
    calls: list[bytes] = []
    process_image(
        _png(_detailed()), {"remove_bg": False, "convert": True}, remove_background=_fake_remover(calls)
    )
    assert calls == []


def test_undecodable_data_fails_in_the_encode_stage() -> None:
    with pytest.raises(ProcessingError) as converting:
        process_image(b"not an image", {"convert": True, "convert_format": "jpg"})
    with pytest.raises(ProcessingError) as saving:
        process_image(b"not an image", {})
    assert (converting.value.stage, saving.value.stage) == ("convert", "save_final")


def test_nothing_to_do_returns_the_source_bytes() -> None:
    data = _png(_detailed())
    result = process_image(data, {}, source_extension="png")
    assert (result.data, result.extension, result.width) == (data, "png", 128)


def test_offline_remover_makes_the_border_background_transparent() -> None:
    cutout = _open(offline_remove_background(_png(_disc_on_backdrop())))
    assert cutout.mode == "RGBA"
    assert all(cutout.getpixel(xy)[3] == 0 for xy in [(0, 0), (199, 0), (0, 199), (199, 199), (100, 10)])


def test_offline_remover_keeps_the_central_disc_opaque() -> None:
    cutout = _open(offline_remove_background(_png(_disc_on_backdrop())))
    assert cutout.getpixel((100, 100)) == (*DISC, 255)
    assert cutout.getpixel((60, 100))[3] == 255


def test_offline_remover_keeps_backdrop_coloured_areas_inside_the_subject() -> None:
    image = _disc_on_backdrop()
    ImageDraw.Draw(image).ellipse((90, 90, 110, 110), fill=BACKDROP)  # a hole not linked to the border
    cutout = _open(offline_remove_background(_png(image)))
    assert cutout.getpixel((100, 100))[3] == 255


def test_default_remover_is_the_offline_one() -> None:
    result = process_image(_png(_disc_on_backdrop()), {"remove_bg": True, "trim_transparent": True})
    assert (result.width, result.height) == pytest.approx((100, 100), abs=4)


@pytest.mark.parametrize(
    ("processing", "source", "expected"),
    [
        ({"convert": True, "convert_format": "webp"}, "png", "webp"),
        ({"convert": True, "convert_format": "jpg"}, "webp", "jpg"),
        ({"convert": False, "convert_format": "jpg"}, "webp", "webp"),
        ({"convert": False}, "JPEG", "jpg"),
        ({"convert": False}, ".jpg", "jpg"),
        ({"convert": False}, "gif", "png"),
        ({}, "svg", "png"),
    ],
)
def test_output_extension_follows_convert_then_source(processing: dict, source: str, expected: str) -> None:
    assert output_extension(processing, source) == expected


def test_thumbnail_fits_the_max_side_and_keeps_aspect() -> None:
    thumbnail = _open(make_thumbnail(_png(Image.new("RGB", (1000, 500), "navy")), max_side=200))
    assert (thumbnail.format, thumbnail.size) == ("JPEG", (200, 100))


def test_thumbnail_flattens_transparency_on_white() -> None:
    thumbnail = _open(make_thumbnail(_png(_cutout()), max_side=100))
    assert thumbnail.mode == "RGB"
    assert all(channel >= 250 for channel in thumbnail.getpixel((1, 1)))
