"""infra/cdk.out as `make synth` writes it, synthesised again only when an input is newer.

Synthesis packages the app with Chalice: minutes the first time (it downloads the layer's
manylinux wheels), seconds once `.chalice/deployments` holds them. The tests read what deploys:
the template, the function zip and the layer.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "infra" / "cdk.out"
INPUTS = [
    "app.py",
    "requirements.txt",
    ".chalice/config.json",
    "chalicelib",
    "stepfunctions",
    "infra",
    "frontend/dist",
]


def _newest_input() -> float:
    newest = 0.0
    for name in INPUTS:
        path = ROOT / name
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        for file in files:
            if OUT in file.parents or "__pycache__" in file.parts or "chalice.out" in file.parts:
                continue
            newest = max(newest, file.stat().st_mtime)
    return newest


@contextmanager
def packaging_lock() -> Iterator[None]:
    """One Chalice packaging at a time: test processes share `.chalice/deployments`, where the
    first one writes the layer it downloads."""
    (ROOT / ".chalice" / "deployments").mkdir(parents=True, exist_ok=True)
    with open(ROOT / ".chalice" / "deployments" / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def synthesise_if_stale() -> Path:
    with packaging_lock():
        manifest = OUT / "manifest.json"
        if manifest.exists() and manifest.stat().st_mtime >= _newest_input():
            return OUT
        environment = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "1"}
        command = [sys.executable, "app.py"]
        subprocess.run(command, cwd=ROOT / "infra", env=environment, check=True, timeout=1800)
    return OUT


@dataclass(frozen=True)
class Assembly:
    """One synthesised stack: its template and the asset files its resources name."""

    out: Path
    template: dict[str, Any]
    assets: dict[str, Path]  # asset object key → file in cdk.out

    @classmethod
    def load(cls, out: Path) -> Assembly:
        manifest = json.loads((out / "manifest.json").read_text())
        (stack,) = [a for a in manifest["artifacts"].values() if a["type"] == "aws:cloudformation:stack"]
        template = json.loads((out / stack["properties"]["templateFile"]).read_text())
        (assets_file,) = [a for a in manifest["artifacts"].values() if a["type"] == "cdk:asset-manifest"]
        files = json.loads((out / assets_file["properties"]["file"]).read_text())["files"]
        assets = {
            destination["objectKey"]: out / asset["source"]["path"]
            for asset in files.values()
            for destination in asset["destinations"].values()
        }
        return cls(out, template, assets)

    def resources(self, type_: str) -> dict[str, dict[str, Any]]:
        return {k: v["Properties"] for k, v in self.template["Resources"].items() if v["Type"] == type_}

    def extract(self, location: dict[str, Any], into: Path) -> Path:
        """Unzip the asset a `CodeUri` / `ContentUri` names (once)."""
        source = self.assets[location["Key"]]
        if not into.exists():
            with zipfile.ZipFile(source) as archive:
                archive.extractall(into)
        return into
