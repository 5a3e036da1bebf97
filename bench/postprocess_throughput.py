"""Bench 4: post-processing throughput of `process_image` ÷ the bare Pillow operations.

Eight deterministic 1024×1024 RGBA images (a transparent frame around a plain backdrop with
gradient and noisy shapes) go through background removal (the offline remover), trim, enhance
(sharpening 5, saturation 1.4) and conversion to JPG quality 70 on white, once through
`process_image` and once as the same Pillow calls written out in one straight loop (decode, the
same remover function, alpha-box crop, the same sharpen filter, Color enhance, flatten, JPEG save).
The second row hands the remover to `process_image` as a bytes → bytes callable, as the remove.bg
client is, against a loop that makes the same call. Figures are images per second, median of 5
rounds; the ratio is taken within each round. Goal: ≥ 0.9.
"""

from __future__ import annotations

import io
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from common import markdown_table
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageOps

from chalicelib.processing import (
    offline_remove_background,
    offline_remove_background_image,
    process_image,
)

SIZE = 1024
IMAGES = 8
ROUNDS = 5
# `make test` runs every bench at tiny sizes (bench/run_all.py --smoke): what changes there.
SMOKE = {"IMAGES": 1, "SIZE": 256}
SMOKE_ARGS = {"rounds": 1}
SETTINGS = {
    "remove_bg": True,
    "trim_transparent": True,
    "enhance": True,
    "sharpening": 5.0,
    "saturation": 1.4,
    "convert": True,
    "convert_format": "jpg",
    "jpg_quality": 70,
    "jpg_background": "white",
}
_OPAQUE = [0] * 51 + [255] * 205


def test_image(seed: int) -> bytes:
    """A product-shot-like RGBA PNG: transparent frame, plain backdrop, shaded and noisy shapes."""
    rng = random.Random(seed)
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    margin = rng.randint(24, 96)
    backdrop = tuple(rng.randint(200, 250) for _ in range(3))
    ImageDraw.Draw(image).rounded_rectangle(
        (margin, margin, SIZE - margin, SIZE - margin), radius=64, fill=(*backdrop, 255)
    )
    gradient = Image.linear_gradient("L").resize((SIZE, SIZE)).rotate(rng.randint(0, 359))
    dark, light = (tuple(rng.randint(0, 160) for _ in range(3)) for _ in range(2))
    shading = ImageOps.colorize(gradient, dark, light)
    noise = Image.effect_noise((SIZE, SIZE), 24).convert("RGB")
    texture = Image.blend(shading, noise, 0.25)
    mask = Image.new("L", (SIZE, SIZE), 0)
    draw = ImageDraw.Draw(mask)
    centre = SIZE // 2 + rng.randint(-80, 80)
    radius = rng.randint(180, 300)
    draw.ellipse((centre - radius, centre - radius, centre + radius, centre + radius), fill=255)
    for _ in range(3):
        x, y = rng.randint(250, 700), rng.randint(250, 700)
        draw.polygon(
            [(x, y), (x + rng.randint(60, 200), y + 40), (x + 30, y + rng.randint(60, 200))], fill=255
        )
    image.paste(texture, (0, 0), mask)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def bare_pipeline(data: bytes, remover: Callable[[bytes], bytes] | None) -> bytes:
    """The same work as `process_image` with SETTINGS, as plain Pillow calls."""
    if remover is None:
        image = offline_remove_background_image(Image.open(io.BytesIO(data)))
    else:
        image = Image.open(io.BytesIO(remover(data)))
    image = image.crop(image.getchannel("A").point(_OPAQUE).getbbox())
    sharpened = image.filter(ImageFilter.UnsharpMask(1.0, 150, 2))
    sharpened.putalpha(image.getchannel("A"))
    image = ImageEnhance.Color(sharpened).enhance(1.4)
    flat = Image.new("RGB", image.size, (255, 255, 255))
    flat.paste(image, (0, 0), image)
    buffer = io.BytesIO()
    flat.save(buffer, format="JPEG", quality=70)
    return buffer.getvalue()


def product_pipeline(data: bytes, remover: Callable[[bytes], bytes] | None) -> bytes:
    return process_image(data, SETTINGS, remove_background=remover).data


def _round(images: list[bytes], remover: Callable[[bytes], bytes] | None) -> tuple[float, float]:
    """Seconds spent by each side on all images; the two run image by image, taking turns to go
    first, so that a change in machine speed during the round hits both alike."""
    spent = {product_pipeline: 0.0, bare_pipeline: 0.0}
    for index, data in enumerate(images):
        order = (product_pipeline, bare_pipeline) if index % 2 == 0 else (bare_pipeline, product_pipeline)
        for pipeline in order:
            started = time.perf_counter()
            pipeline(data, remover)
            spent[pipeline] += time.perf_counter() - started
    return spent[product_pipeline], spent[bare_pipeline]


def _compare(images: list[bytes], remover: Callable[[bytes], bytes] | None, rounds: int) -> dict[str, float]:
    _round(images[:2], remover)  # warm up
    products, bares, ratios = [], [], []
    for _ in range(rounds):
        product_s, bare_s = _round(images, remover)
        products.append(len(images) / product_s)
        bares.append(len(images) / bare_s)
        ratios.append(bare_s / product_s)
    return {
        "product_ips": statistics.median(products),
        "bare_ips": statistics.median(bares),
        "ratio": statistics.median(ratios),
    }


def measure(rounds: int = ROUNDS) -> dict[str, Any]:
    images = [test_image(seed) for seed in range(IMAGES)]
    in_memory = _compare(images, None, rounds)
    callable_ = _compare(images, offline_remove_background, rounds)
    return {"in_memory": in_memory, "callable": callable_, "ratio": in_memory["ratio"]}


def report(result: dict[str, Any]) -> str:
    rows = [
        ("offline remover in memory (default)", result["in_memory"]),
        ("remover as bytes → bytes callable", result["callable"]),
    ]
    return markdown_table(
        [
            "1024² RGBA → remove bg, trim, enhance, JPG q70",
            "process_image (img/s)",
            "bare Pillow (img/s)",
            "ratio",
            "goal",
        ],
        [
            [name, f"{row['product_ips']:.1f}", f"{row['bare_ips']:.1f}", f"{row['ratio']:.2f}", "≥ 0.9"]
            for name, row in rows
        ],
    )


if __name__ == "__main__":
    print(report(measure()))
