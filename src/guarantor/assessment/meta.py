"""What makes an assessment reproducible: the seed, a hash of every input, versions."""

from __future__ import annotations

import hashlib
import json
from importlib.resources import files
from typing import Any

from guarantor import __version__
from guarantor.assessment.assumptions import PARAMETER_AREAS
from guarantor.data import dataset_sources
from guarantor.data.updates import versions_in_use
from guarantor.data.user import UPDATABLE, copy_digest
from guarantor.model import Scenario


def canonical_json(data: Any) -> str:
    """JSON with sorted keys and fixed separators: equal data, equal bytes."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _parameter_bytes() -> bytes:
    root = files("guarantor.data")
    chunks: list[bytes] = [(root / "capabilities.toml").read_bytes()]
    for area in PARAMETER_AREAS:
        folder = root / area
        if folder.is_dir():
            for entry in sorted(folder.iterdir(), key=lambda e: e.name):
                if entry.is_file():
                    chunks.append(entry.name.encode() + b"\0" + entry.read_bytes())
    return b"\0\0".join(chunks)


def inputs_hash(scenario: Scenario, seed: int, options: dict[str, Any]) -> str:
    """SHA-256 over the resolved scenario, the seed, the options and the model parameters."""
    h = hashlib.sha256()
    h.update(canonical_json(scenario.model_dump(mode="json")).encode())
    h.update(canonical_json({"seed": seed, "options": options}).encode())
    h.update(_parameter_bytes())
    h.update("".join(copy_digest(d) for d in UPDATABLE.values()).encode())  # data in use
    return h.hexdigest()


def package_meta() -> dict[str, Any]:
    """The package's version and the dates of the datasets it ships."""
    return {
        "package_version": __version__,
        "data_versions": versions_in_use({d.id: d.date for d in dataset_sources()}),
    }
