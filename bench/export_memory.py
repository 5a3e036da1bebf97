"""Bench 5: peak Python memory of an image export ZIP, 20 images against 200.

Each image is a 1024×1024 PNG rendered by the local provider with film grain added, so it weighs
what a generated photo does (about 2 MB; 20 different renders, reused under new names past 20:
content does not change memory). The export streams the ZIP into an S3 multipart upload: one
8 MiB part is buffered at a time and each image is copied in 1 MiB chunks from `get_object`, so
the peak should not depend on how many images there are. tracemalloc counts this process's
Python allocations only, so S3 and DynamoDB are a moto server in a child process (its copy of the
upload is not ours). For contrast, the last column builds the same ZIP the simple way, whole in
memory. Goal: peak(200) ÷ peak(20) ≤ 1.2.
"""

from __future__ import annotations

import gc
import os
import socket
import subprocess
import sys
import time
import tracemalloc
import zipfile
from datetime import UTC, datetime
from io import BytesIO
from typing import Any

import requests
from common import markdown_table

SIZES = (20, 200)
DISTINCT = 20
# `make test` runs every bench at tiny sizes (bench/run_all.py --smoke): what changes there.
SMOKE = {"SIZES": (2, 4), "DISTINCT": 2}
MiB = 1024 * 1024


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_moto() -> tuple[subprocess.Popen, str]:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.get(f"{endpoint}/moto-api/", timeout=1)
            # Lambda as the local stack has it (no Docker): an invocation is accepted, not run.
            config = {"lambda": {"use_docker": False}}
            requests.post(f"{endpoint}/moto-api/config", json=config, timeout=5).raise_for_status()
            return server, endpoint
        except requests.ConnectionError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("moto server did not start")


def _point_settings_at(endpoint: str) -> None:
    from chalicelib import settings as s

    stage = f"benchexport{os.getpid()}"
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
    os.environ.update(
        {
            "AWS_DEFAULT_REGION": "us-east-1",
            s.ENV_STAGE: stage,
            s.ENV_AWS_ENDPOINT: endpoint,
            s.ENV_TABLE_PREFIX: f"imgfactory-{stage}",
            s.ENV_BUCKET: f"imgfactory-{stage}-images",
            s.ENV_LOCAL: "1",
            # The request only records the export; the bench runs the builder itself, in this
            # process, where tracemalloc sees it (moto's plain Lambda does not run our code).
            s.ENV_EXPORT_WAIT_S: "0",
            s.ENV_EXPORT_FUNCTION_ARN: "arn:aws:lambda:us-east-1:123456789012:function:bench-build_export",
        }
    )
    s.reset_settings()
    from chalicelib import aws, models

    models.create_tables(s.get_settings())
    aws.s3().create_bucket(Bucket=s.get_settings().bucket)


def _render(n: int) -> bytes:
    from PIL import Image

    from chalicelib.providers.base import ImageRequest
    from chalicelib.providers.local import LocalProvider

    request = ImageRequest(prompt=f"lighthouse at dawn, study {n}", width=1024, height=1024, seed=n)
    (png,) = LocalProvider().generate(request)
    render = Image.open(BytesIO(png.data)).convert("RGB")
    grain = Image.effect_noise((1024, 1024), 48).convert("RGB")
    out = BytesIO()
    Image.blend(render, grain, 0.3).save(out, format="PNG")
    return out.getvalue()


def _store_images(workspace: str, count: int, renders: list[bytes]) -> list[str]:
    """`count` PNGs in S3 with their image items; returns the image ids."""
    from chalicelib import aws
    from chalicelib.models import ImageModel

    job_id, ids = os.urandom(16).hex(), []
    with ImageModel.batch_write() as batch:
        for n in range(count):
            image_id = f"{job_id}.{n:05d}.00"
            key = f"jobs/{job_id}/original/{image_id}.png"
            aws.put_object(key, renders[n % len(renders)], "image/png")
            batch.save(
                ImageModel(
                    image_id,
                    job_id=job_id,
                    workspace=workspace,
                    generation=n,
                    variation=0,
                    keyword="lighthouse at dawn",
                    prompt=f"lighthouse at dawn, study {n}",
                    provider="local",
                    seed=n,
                    status="approved",
                    title=f"Lighthouse {n}",
                    description="A lighthouse at dawn",
                    tags=["lighthouse", "dawn", "sea"],
                    current_key=key,
                    created_at=datetime.now(UTC),
                )
            )
            ids.append(image_id)
    return ids


def _peak(action: Any) -> tuple[Any, int, float]:
    gc.collect()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = action()
        return result, tracemalloc.get_traced_memory()[1], time.perf_counter() - started
    finally:
        tracemalloc.stop()


def _whole_zip_in_memory(workspace: str, ids: list[str]) -> int:
    """The simple way, for contrast: every image read whole into a ZIP held in a BytesIO."""
    from chalicelib import aws
    from chalicelib.services.images import load_images

    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for image in load_images(workspace, ids):
            archive.writestr(f"images/{image.image_id}.png", aws.get_object(image.current_key))
    return len(buffer.getvalue())


def measure() -> dict[str, Any]:
    server, endpoint = _start_moto()
    try:
        _point_settings_at(endpoint)
        from chalicelib import aws
        from chalicelib.exports import build_export, export_images
        from chalicelib.settings import get_settings

        def export(workspace: str, ids: list[str]) -> Any:
            """What the export request records, then what `build_export` writes."""
            record = export_images(workspace, {"ids": ids})
            build_export({"export_id": record.export_id})
            record.refresh(consistent_read=True)
            assert record.status == "ready", record.error
            return record

        renders = [_render(n) for n in range(DISTINCT)]
        warm = _store_images("bench-warm", 2, renders)  # imports, clients, connections: before measuring
        export("bench-warm", warm)
        rows = []
        for count in SIZES:
            workspace = f"bench-{count}"
            ids = _store_images(workspace, count, renders)
            record, peak, seconds = _peak(lambda w=workspace, i=ids: export(w, i))
            head = aws.s3().head_object(Bucket=get_settings().bucket, Key=record.key)
            _, naive_peak, _ = _peak(lambda w=workspace, i=ids: _whole_zip_in_memory(w, i))
            rows.append(
                {
                    "images": count,
                    "zip_mb": head["ContentLength"] / 1e6,
                    "peak_mib": peak / MiB,
                    "naive_peak_mib": naive_peak / MiB,
                    "seconds": seconds,
                }
            )
        return {"rows": rows, "ratio": rows[1]["peak_mib"] / rows[0]["peak_mib"]}
    finally:
        server.terminate()
        server.wait(timeout=10)


def report(result: dict[str, Any]) -> str:
    rows = result["rows"]
    table = markdown_table(
        [
            "images",
            "ZIP size (MB)",
            "streamed export: peak (MiB)",
            "export time (s)",
            "whole ZIP in memory: peak (MiB)",
        ],
        [
            [
                row["images"],
                f"{row['zip_mb']:.1f}",
                f"{row['peak_mib']:.1f}",
                f"{row['seconds']:.2f}",
                f"{row['naive_peak_mib']:.1f}",
            ]
            for row in rows
        ],
    )
    verdict = "met" if result["ratio"] <= 1.2 else "missed"
    summary = markdown_table(
        [f"peak {rows[1]['images']} ÷ peak {rows[0]['images']}", "goal", "verdict"],
        [[f"{result['ratio']:.2f}", "≈ 1 (≤ 1.2)", verdict]],
    )
    return f"{table}\n\n{summary}"


if __name__ == "__main__":
    print(report(measure()))
