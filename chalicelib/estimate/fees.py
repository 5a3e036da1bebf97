"""Provider fees of a job: what image generation, OpenAI calls and remove.bg charge, from the one
price table (`provider_prices.json`, with the date its figures were taken).

Offline parts cost nothing: the local provider, and prompts, QC, metadata and background removal
when the workspace has no key for the paid service (the job then uses the offline version).
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path
from typing import Any

from chalicelib.jobconfig import MIDJOURNEY_IMAGES_PER_TASK, image_count, parse_dimensions

PRICES_FILE = Path(__file__).with_name("provider_prices.json")


@cache
def price_table() -> dict[str, Any]:
    return json.loads(PRICES_FILE.read_text())


def _mean_megapixels(config: dict[str, Any]) -> float:
    sizes = parse_dimensions(config["parameters"]["dimensions"])
    return sum(w * h for w, h in sizes) / len(sizes) / (1024 * 1024)


def _line(provider: str, model: str, what: str, units: float, unit_usd: float) -> dict[str, Any]:
    return {
        "provider": provider,
        "model": model,
        "what": what,
        "units": units,
        "unit_usd": round(unit_usd, 6),
        "usd": round(units * unit_usd, 6),
    }


def generation_fee(config: dict[str, Any], images: int) -> dict[str, Any] | None:
    provider = config["provider"]
    table = price_table()["generate"].get(provider)
    if table is None:
        return None
    if provider == "midjourney":
        model = config["parameters"]["process_mode"]
        tasks = config["generations"] * math.ceil(config["variations"] / MIDJOURNEY_IMAGES_PER_TASK)
        return _line(provider, model, "imagine tasks", tasks, table["models"].get(model, table["default"]))
    model = config["parameters"]["model"] if provider != "openai" else _openai_image_model(config)
    unit = table.get("models", {}).get(model, table["default"])
    if table.get("per_megapixel"):
        unit *= _mean_megapixels(config)
    return _line(provider, model if provider != "local" else "local", "images", images, unit)


def _openai_image_model(config: dict[str, Any]) -> str:
    model = str(config["parameters"]["model"])
    return model if model in price_table()["generate"]["openai"]["models"] else "gpt-image-1"


def provider_fees(config: dict[str, Any], keys: set[str], phases: list[str]) -> dict[str, Any]:
    """Fees by provider and model for a job of these settings; `keys` names the API keys the
    workspace has (which decides whether prompts, QC, metadata and remove.bg are paid calls)."""
    images = image_count(config)
    lines = []
    generated = generation_fee(config, images) if "generate" in phases else None
    if generated and generated["unit_usd"] > 0:
        lines.append(generated)
    if "openai" in keys:
        chat = price_table()["openai_chat"]
        model = config["parameters"]["openai_model"]
        prices = chat["models"].get(model, chat["default"])
        if "prompts" in phases and config.get("prompt_template") is not None:
            lines.append(_line("openai", model, "prompts written", config["generations"], prices["prompt"]))
        if "quality_check" in phases:
            lines.append(_line("openai", model, "images checked", images, prices["quality_check"]))
        if "metadata" in phases:
            lines.append(_line("openai", model, "images described", images, prices["metadata"]))
    if "remove_bg" in keys and config["processing"]["remove_bg"] and "process" in phases:
        table = price_table()["remove_bg"]
        size = config["processing"]["remove_bg_size"]
        lines.append(
            _line(
                "remove_bg", size, "backgrounds removed", images, table["models"].get(size, table["default"])
            )
        )
    by_provider: dict[str, float] = {}
    for line in lines:
        key = f"{line['provider']}/{line['model']}"
        by_provider[key] = round(by_provider.get(key, 0.0) + line["usd"], 6)
    return {
        "total_usd": round(sum(line["usd"] for line in lines), 6),
        "by_provider_model": by_provider,
        "lines": lines,
        "prices_date": price_table()["date"],
    }
