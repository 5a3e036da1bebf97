"""Print the API's OpenAPI document, built from the Chalice app without a running server, so the
console's generated types (`src/api/schema.d.ts`) can be made and checked offline."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import app  # noqa: E402
from chalicelib.openapi import build_document  # noqa: E402

if __name__ == "__main__":
    json.dump(build_document(app.app), sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")
