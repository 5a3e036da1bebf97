"""An offline provider that draws abstract images with Pillow.

It lets the whole pipeline (and its tests, demos and load tests) run with no
API key and no network, while still producing real, varied PNG files.
"""

from __future__ import annotations

import colorsys
import hashlib
import io
import math
import random

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from chalicelib.providers.base import GeneratedImage, ImageRequest

Color = tuple[int, int, int]

# The gradient is computed on a small grid and upscaled: smooth, and far
# cheaper than computing every pixel in Python.
_GRID = 32
# Shape layers are drawn at a fraction of the size and upscaled, which both
# softens their edges and keeps the blur cheap.
_SOFT_SCALE = 4
_CRISP_SCALE = 2


class LocalProvider:
    """Deterministic abstract art: same (prompt, seed) gives byte-identical PNG.

    The palette comes from a hash of the prompt and the layout from
    ``random.Random(seed)``, so a different prompt or seed gives a different
    image. The requested ``format`` and ``negative_prompt`` are ignored: local
    output is always PNG.
    """

    name = "local"

    def generate(self, request: ImageRequest) -> list[GeneratedImage]:
        """Render ``request.variations`` images, variation i with seed ``request.seed + i``."""
        images = []
        for i in range(request.variations):
            seed = request.seed + i
            image = render(request.prompt, seed, request.width, request.height)
            buffer = io.BytesIO()
            # Level 1: the default level costs several times more CPU for a few % of size.
            image.save(buffer, format="PNG", compress_level=1)
            images.append(
                GeneratedImage(
                    data=buffer.getvalue(),
                    content_type="image/png",
                    extension="png",
                    seed=seed,
                    picture=image,
                )
            )
        return images


def render(prompt: str, seed: int, width: int, height: int) -> Image.Image:
    """Draw one RGB image; pure function of its arguments."""
    palette = _palette(prompt)
    rng = random.Random(seed)

    image = _gradient(palette[:3], rng, width, height)
    # All decoration is stacked at half size and blended onto the full-size
    # background once: "over" is associative, so this looks the same as
    # blending layer by layer, at a fraction of the full-resolution work.
    overlay = _soft_layer(palette, rng, width, height, _SOFT_SCALE)
    overlay = overlay.resize(_scaled(width, height, _CRISP_SCALE), Image.Resampling.BILINEAR)
    overlay.alpha_composite(_crisp_layer(palette, rng, width, height, _CRISP_SCALE))
    overlay.alpha_composite(_vignette(overlay.size))
    overlay = overlay.resize(image.size, Image.Resampling.BILINEAR)
    # Pasting through its own alpha is "over" onto an opaque background, and
    # keeps the image RGB (no RGBA round trip).
    image.paste(overlay, (0, 0), overlay)
    _caption(image, prompt)
    return image


def _scaled(width: int, height: int, scale: int) -> tuple[int, int]:
    """A reduced layer size, never empty."""
    return max(1, width // scale), max(1, height // scale)


def _palette(prompt: str) -> list[Color]:
    """Five harmonious colours from the prompt's hash: three for the background, two accents."""
    digest = hashlib.sha256(prompt.encode("utf-8")).digest()
    hue = digest[0] / 255
    spread = 0.06 + digest[1] / 255 * 0.18  # analogous neighbours
    saturation = 0.45 + digest[2] / 255 * 0.35
    accent_hue = hue + 0.42 + digest[3] / 255 * 0.16  # near-complementary

    def hsv(h: float, s: float, v: float) -> Color:
        r, g, b = colorsys.hsv_to_rgb(h % 1.0, min(s, 1.0), min(v, 1.0))
        return (round(r * 255), round(g * 255), round(b * 255))

    return [
        hsv(hue, saturation * 0.7, 0.95),
        hsv(hue + spread, saturation, 0.75),
        hsv(hue + 2 * spread, saturation * 1.1, 0.35),
        hsv(accent_hue, saturation * 1.1, 0.95),
        hsv(accent_hue + spread, saturation * 0.5, 1.0),
    ]


def _gradient(colors: list[Color], rng: random.Random, width: int, height: int) -> Image.Image:
    """A three-stop linear gradient at a seeded angle, built on a small grid and upscaled."""
    angle = rng.uniform(0, 2 * math.pi)
    dx, dy = math.cos(angle), math.sin(angle)
    # Project the grid onto the direction and normalise to 0..1.
    corners = [x * dx + y * dy for x in (0, 1) for y in (0, 1)]
    low, span = min(corners), (max(corners) - min(corners)) or 1.0
    c0, c1, c2 = colors
    pixels = []
    for gy in range(_GRID):
        y = gy / (_GRID - 1)
        for gx in range(_GRID):
            t = ((gx / (_GRID - 1)) * dx + y * dy - low) / span
            a, b, u = (c0, c1, t * 2) if t < 0.5 else (c1, c2, t * 2 - 1)
            pixels.append(tuple(round(a[k] + (b[k] - a[k]) * u) for k in range(3)))
    small = Image.new("RGB", (_GRID, _GRID))
    small.putdata(pixels)
    return small.resize((width, height), Image.Resampling.BILINEAR)


def _soft_layer(palette: list[Color], rng: random.Random, width: int, height: int, scale: int) -> Image.Image:
    """Large translucent blurred blobs, like out-of-focus light."""
    w, h = _scaled(width, height, scale)
    layer = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for _ in range(rng.randint(5, 9)):
        color = rng.choice(palette)
        radius = rng.uniform(0.08, 0.3) * min(w, h)
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        stretch = rng.uniform(0.6, 1.6)
        box = (cx - radius * stretch, cy - radius, cx + radius * stretch, cy + radius)
        draw.ellipse(box, fill=(*color, rng.randint(60, 140)))
    return layer.filter(ImageFilter.GaussianBlur(max(1.0, min(w, h) / 40)))


def _crisp_layer(
    palette: list[Color], rng: random.Random, width: int, height: int, scale: int
) -> Image.Image:
    """A few sharper polygons, rings and discs that give the image structure."""
    w, h = _scaled(width, height, scale)
    layer = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    size = min(w, h)
    for _ in range(rng.randint(3, 6)):
        color = (*rng.choice(palette[1:]), rng.randint(90, 190))
        cx, cy = rng.uniform(0.1, 0.9) * w, rng.uniform(0.1, 0.9) * h
        radius = rng.uniform(0.05, 0.18) * size
        kind = rng.choice(("polygon", "ring", "disc"))
        if kind == "polygon":
            sides = rng.randint(3, 6)
            draw.regular_polygon((cx, cy, radius), sides, rotation=rng.uniform(0, 360), fill=color)
        elif kind == "ring":
            box = (cx - radius, cy - radius, cx + radius, cy + radius)
            draw.ellipse(box, outline=color, width=max(1, round(radius / 6)))
        else:
            box = (cx - radius, cy - radius, cx + radius, cy + radius)
            draw.ellipse(box, fill=color)
    return layer.filter(ImageFilter.GaussianBlur(0.6))


def _vignette(size: tuple[int, int]) -> Image.Image:
    """Translucent black at the corners, for a photographic look."""
    mask = Image.radial_gradient("L").resize(size, Image.Resampling.BILINEAR)
    # radial_gradient is 0 at the centre and ~181 at the corners; keep it subtle.
    mask = mask.point(lambda v: max(0, min(110, (v - 90) * 2)))
    shade = Image.new("RGBA", size, (0, 0, 0, 255))
    shade.putalpha(mask)
    return shade


def _caption(image: Image.Image, prompt: str) -> None:
    """The first words of the prompt, small, bottom-left, so a file can be told apart at a glance."""
    width, height = image.size
    words = prompt.split()[:6]
    if width < 128 or height < 64 or not words:
        return
    font_size = max(10, min(width, height) // 48)
    try:
        font: ImageFont.ImageFont | ImageFont.FreeTypeFont = ImageFont.load_default(size=font_size)
    except (TypeError, OSError):  # Pillow without FreeType: bitmap font, fixed size.
        font = ImageFont.load_default()
    margin = max(4, font_size // 2)
    draw = ImageDraw.Draw(image)

    # Drop words until the caption fits; give up if even one word does not.
    text = " ".join(words)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    while right - left > width - 4 * margin:
        words.pop()
        if not words:
            return
        text = " ".join(words) + "…"
        left, top, right, bottom = draw.textbbox((0, 0), text, font=font)

    box = (
        int(margin),
        int(height - margin - (bottom - top) - margin),
        int(margin + (right - left) + margin * 2),
        int(height - margin),
    )
    image.paste((0, 0, 0), box, Image.new("L", (box[2] - box[0], box[3] - box[1]), 110))
    draw.text(
        (box[0] + margin - left, box[1] + margin // 2 - top),
        text,
        font=font,
        fill=(240, 240, 240),
    )
