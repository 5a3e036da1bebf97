"""Post-processing of generated images with Pillow: background removal, trim, enhance, encode.

The order and the settings are the desktop product's (reference §2, §3 "Processing"). An image is
decoded once and every step works on that one Image, because at 1024² a needless decode, copy or
mode conversion costs as much as a step itself. Each step raises ProcessingError naming its stage,
so a failed image shows the desktop's category ("Trim failed", "Conversion failed", ...).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageChops, ImageEnhance, ImageFilter, ImageStat

from chalicelib.jobconfig import DEFAULTS

#: PNG/JPG bytes in → RGBA PNG bytes out (the remove.bg client, or the offline remover).
BackgroundRemover = Callable[[bytes], bytes]

STAGES = ("remove_bg", "trim", "enhancement", "convert", "save_final")
CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}
BACKGROUNDS = {"white": (255, 255, 255), "black": (0, 0, 0)}
_EXTENSIONS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}

#: Sharp's trim threshold: a pixel with alpha at or below it counts as transparent.
TRIM_THRESHOLD = 50
#: Sharp's sharpen sigma per sharpening level; Pillow's blur radius is the same sigma.
SHARPEN_SIGMA_PER_LEVEL = 0.2
#: Strength and noise floor of the unsharp mask: Pillow's usual strength; a floor of 2 levels keeps
#: flat areas (and JPEG sizes) from picking up grain.
_SHARPEN_PERCENT = 150
_SHARPEN_THRESHOLD = 2
PNG_COMPRESS_LEVEL = 6
THUMBNAIL_QUALITY = 80

#: Offline remover: a pixel is background-coloured when no channel differs from the border's
#: median colour by more than this; it is background when it is also connected to the border.
BACKGROUND_TOLERANCE = 32
#: Connectivity is searched on a mask at most this big (milliseconds, not seconds, in Python-free
#: Pillow ops), seeded from a coarser level each _PYRAMID_STEP times smaller.
_SEARCH_SIDE = 256
_COARSEST_SIDE = 64
_PYRAMID_STEP = 4
_BORDER_WIDTH = 2
#: The cut edge is softened by a 3×3 box blur: the 1 px ramp of a radius-1 Gaussian at a third of
#: the cost (Pillow's Gaussian is three box passes).
_FEATHER = ImageFilter.BoxBlur(1)

_VISIBLE_LUT = [0] * (TRIM_THRESHOLD + 1) + [255] * (255 - TRIM_THRESHOLD)
_CLOSE_LUT = [255] * (BACKGROUND_TOLERANCE + 1) + [0] * (255 - BACKGROUND_TOLERANCE)
_ALL_LUT = [0] * 255 + [255]
_ANY_LUT = [0] + [255] * 255


class ProcessingError(Exception):
    """A processing step failed; `stage` (one of STAGES) picks the image's failure category."""

    def __init__(self, stage: str, message: str) -> None:
        super().__init__(stage, message)  # both in args, so the error survives pickling
        self.stage = stage
        self.message = message

    def __str__(self) -> str:
        return f"{self.stage}: {self.message}"

    @property
    def reason(self) -> str:
        """The desktop's failure reason for the image, e.g. "processing_failed:trim"."""
        return f"processing_failed:{self.stage}"


@dataclass(frozen=True)
class ProcessedImage:
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int


def process_image(
    data: bytes,
    processing: dict[str, Any],
    *,
    remove_background: BackgroundRemover | None = None,
    source_extension: str = "png",
) -> ProcessedImage:
    """Apply the enabled steps in the desktop's order (remove bg → trim → enhance) and encode once.

    Missing settings take the job defaults. Without a `remove_background` callable the offline
    remover runs on the decoded image (no PNG round trip). With nothing to do the source bytes come
    back untouched, so a JPEG is never re-compressed for nothing.
    """
    settings = {**DEFAULTS["processing"], **processing}
    extension = output_extension(settings, source_extension)
    encode_stage = "convert" if settings["convert"] else "save_final"
    if not any(settings[key] for key in ("remove_bg", "trim_transparent", "enhance", "convert")):
        untouched = _untouched(data, extension)
        if untouched is not None:
            return untouched
    image = _load(data, settings, remove_background, encode_stage)
    if settings["trim_transparent"]:
        with _stage("trim"):
            image = _trim(image)
    if settings["enhance"]:
        with _stage("enhancement"):
            image = _enhance(image, float(settings["sharpening"]), float(settings["saturation"]))
    with _stage(encode_stage):
        encoded = _encode(image, extension, settings)
    return ProcessedImage(encoded, CONTENT_TYPES[extension], extension, image.width, image.height)


def output_extension(processing: dict[str, Any], source_extension: str) -> str:
    """The Convert target when Convert is on; else the source's if png/jpg/webp; else png."""
    if processing.get("convert"):
        return _known_extension(str(processing.get("convert_format") or "png"))
    return _known_extension(source_extension)


def _known_extension(name: str) -> str:
    extension = name.lower().lstrip(".")
    extension = "jpg" if extension == "jpeg" else extension
    return extension if extension in CONTENT_TYPES else "png"


def make_thumbnail(data: bytes, max_side: int = 384, picture: Image.Image | None = None) -> bytes:
    """A small JPEG for the gallery: aspect kept, transparency flattened on white. `picture`,
    when the caller has the decoded image already, saves decoding `data` again."""
    with _stage("save_final"):
        if picture is not None:
            source = picture.copy()
        else:
            source = Image.open(io.BytesIO(data))
            source.draft("RGB", (max_side, max_side))  # a JPEG decodes straight at a reduced scale
        image = _normalise(source)
        image.thumbnail((max_side, max_side))
        buffer = io.BytesIO()
        _flatten(image, "white").save(buffer, format="JPEG", quality=THUMBNAIL_QUALITY)
        return buffer.getvalue()


def offline_remove_background(data: bytes) -> bytes:
    """The offline BackgroundRemover: PNG/JPG bytes → RGBA PNG bytes (fast PNG level: an
    intermediate that is decoded again at once)."""
    cutout = offline_remove_background_image(_decode(data))
    buffer = io.BytesIO()
    cutout.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def offline_remove_background_image(image: Image.Image) -> Image.Image:
    """Make the plain background transparent: the pixels close to the border's median colour that
    are connected to the border (so a subject of the same colour inside stays), edge feathered.

    No ML: it suits generated stock images on a plain backdrop, not photos on busy scenes.
    Already-transparent pixels count as background and stay transparent. Returns a new RGBA image.
    """
    image = _normalise(image)
    alpha = image.getchannel("A") if image.mode == "RGBA" else None
    visible = alpha.point(_VISIBLE_LUT) if alpha is not None else None
    close = _close_to(image, _border_colour(image, visible))
    if visible is not None:
        close = ImageChops.lighter(close, ImageChops.invert(visible))
    cut = ImageChops.invert(_connected_to_border(close)).filter(_FEATHER)
    out = image.copy() if image.mode == "RGBA" else image.convert("RGBA")
    out.putalpha(cut if alpha is None else ImageChops.darker(cut, alpha))
    return out


@contextmanager
def _stage(name: str) -> Iterator[None]:
    """Wrap any failure inside a step as ProcessingError(name)."""
    try:
        yield
    except ProcessingError:
        raise
    except Exception as exc:
        raise ProcessingError(name, str(exc) or type(exc).__name__) from exc


def _load(
    data: bytes, settings: dict[str, Any], remover: BackgroundRemover | None, encode_stage: str
) -> Image.Image:
    """Decode once; background removal is part of loading because a remover takes raw bytes."""
    if settings["remove_bg"]:
        with _stage("remove_bg"):
            if remover is None:
                return offline_remove_background_image(_decode(data))
            return _decode(remover(data))
    first = "trim" if settings["trim_transparent"] else "enhancement" if settings["enhance"] else encode_stage
    with _stage(first):
        return _decode(data)


def _decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()  # fail here, in the right stage, rather than lazily in a later one
    return _normalise(image)


def _normalise(image: Image.Image) -> Image.Image:
    """RGB or RGBA, the only modes the steps handle; the usual ones pass through without a copy."""
    if image.mode in ("RGB", "RGBA"):
        return image
    transparent = "A" in image.getbands() or "transparency" in image.info
    return image.convert("RGBA" if transparent else "RGB")


def _untouched(data: bytes, extension: str) -> ProcessedImage | None:
    """The source as it is, when it already is a readable image in the output format."""
    try:
        image = Image.open(io.BytesIO(data))
    except Exception:
        return None  # the encode step decodes it again and reports the error
    if _EXTENSIONS.get(image.format or "") != extension:
        return None
    return ProcessedImage(data, CONTENT_TYPES[extension], extension, image.width, image.height)


def _trim(image: Image.Image) -> Image.Image:
    """Crop to the box of pixels with alpha above TRIM_THRESHOLD (Sharp's trim)."""
    if image.mode != "RGBA":
        return image
    box = image.getchannel("A").point(_VISIBLE_LUT).getbbox()
    if box is None:
        raise ValueError("nothing left to keep: the image is fully transparent")
    return image if box == (0, 0, *image.size) else image.crop(box)


def _enhance(image: Image.Image, sharpening: float, saturation: float) -> Image.Image:
    """Sharpen with sigma 0.2 × level, then scale saturation; level 0 and saturation 1 do nothing."""
    radius = SHARPEN_SIGMA_PER_LEVEL * sharpening
    if radius > 0:
        sharpened = image.filter(ImageFilter.UnsharpMask(radius, _SHARPEN_PERCENT, _SHARPEN_THRESHOLD))
        if image.mode == "RGBA":
            sharpened.putalpha(image.getchannel("A"))  # a sharpened alpha would undo the feathered edge
        image = sharpened
    if saturation != 1:
        image = ImageEnhance.Color(image).enhance(saturation)
    return image


def _encode(image: Image.Image, extension: str, settings: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    if extension == "jpg":
        flat = _flatten(image, settings["jpg_background"])
        flat.save(buffer, format="JPEG", quality=int(settings["jpg_quality"]))
    elif extension == "webp":
        image.save(buffer, format="WEBP", quality=int(settings["webp_quality"]))
    else:
        image.save(buffer, format="PNG", optimize=False, compress_level=PNG_COMPRESS_LEVEL)
    return buffer.getvalue()


def _flatten(image: Image.Image, background: str) -> Image.Image:
    """JPEG has no alpha: composite onto the JPG background colour (legacy values → white)."""
    if image.mode != "RGBA":
        return image
    canvas = Image.new("RGB", image.size, BACKGROUNDS.get(background, BACKGROUNDS["white"]))
    canvas.paste(image, (0, 0), image)
    return canvas


def _border_colour(image: Image.Image, visible: Image.Image | None) -> tuple[int, int, int]:
    """Per-channel median of the visible pixels in a thin ring just inside the visible box."""
    box = visible.getbbox() if visible is not None else (0, 0, *image.size)
    if box is None:
        return BACKGROUNDS["white"]
    histogram: list[int] = []
    for strip in _ring(box, _BORDER_WIDTH):
        mask = visible.crop(strip) if visible is not None else None
        part = image.crop(strip).histogram(mask)
        histogram = part if not histogram else [a + b for a, b in zip(histogram, part, strict=True)]
    red, green, blue = ImageStat.Stat(histogram).median[:3]
    return int(red), int(green), int(blue)


def _ring(box: tuple[int, int, int, int], width: int) -> list[tuple[int, int, int, int]]:
    """Four strips `width` thick along the inside edges of `box`."""
    left, top, right, bottom = box
    return [
        (left, top, right, min(top + width, bottom)),
        (left, max(bottom - width, top), right, bottom),
        (left, top, min(left + width, right), bottom),
        (max(right - width, left), top, right, bottom),
    ]


def _close_to(image: Image.Image, colour: tuple[int, int, int]) -> Image.Image:
    """255 where no colour channel is more than BACKGROUND_TOLERANCE from `colour`."""
    reference = Image.new(image.mode, image.size, colour + (255,) * (len(image.getbands()) - 3))
    red, green, blue = ImageChops.difference(image, reference).split()[:3]
    return ImageChops.lighter(ImageChops.lighter(red, green), blue).point(_CLOSE_LUT)


def _connected_to_border(close: Image.Image) -> Image.Image:
    """The part of the `close` mask connected to the image border (a flood fill from the edges).

    The fill runs on shrunken masks where a pixel counts only if its whole block is close, coarse
    first, each level seeding the next; a last step back at full size takes the close pixels within
    one block of the filled region, which restores the exact outline.
    """
    factor = -(-max(close.size) // _SEARCH_SIDE)
    levels = [_shrink(close, factor)]
    while max(levels[-1].size) > _COARSEST_SIDE:
        levels.append(_shrink(levels[-1], _PYRAMID_STEP))
    reached = _border_of(levels[-1])
    for level in reversed(levels):
        seed = ImageChops.lighter(reached.resize(level.size, Image.Resampling.NEAREST), _border_of(level))
        reached = _fill(ImageChops.darker(seed, level), level)
    near = _dilate(reached).resize(close.size, Image.Resampling.NEAREST)
    return ImageChops.darker(near, close)


def _shrink(mask: Image.Image, factor: int) -> Image.Image:
    """A mask `factor` times smaller, set only where every pixel of the block was set."""
    return mask if factor <= 1 else mask.reduce(factor).point(_ALL_LUT)


def _border_of(mask: Image.Image) -> Image.Image:
    """The mask's outermost ring of pixels, the seeds of the fill."""
    ring = mask.copy()
    width, height = mask.size
    if width > 2 and height > 2:
        ring.paste(0, (1, 1, width - 1, height - 1))
    return ring


def _fill(seed: Image.Image, mask: Image.Image) -> Image.Image:
    """Grow `seed` inside `mask` one pixel (8-connected) per round until it stops changing."""
    while True:
        grown = ImageChops.darker(_dilate(seed), mask)
        if grown.tobytes() == seed.tobytes():
            return grown
        seed = grown


def _dilate(mask: Image.Image) -> Image.Image:
    """Set every pixel next to a set one (a 3×3 box blur is non-zero exactly there, and fast)."""
    return mask.filter(ImageFilter.BoxBlur(1)).point(_ANY_LUT)
