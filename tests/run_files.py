"""The files of a run folder, to compare two runs byte for byte."""

from __future__ import annotations

import json
from pathlib import Path


def run_files(folder: Path) -> dict[str, bytes]:
    """Every file of a run folder; of the manifest, all but how the run was invoked."""
    found = {str(p.relative_to(folder)): p.read_bytes()
             for p in sorted(folder.rglob("*")) if p.is_file()}
    manifest = json.loads(found["manifest.json"])
    manifest.pop("invocation")
    found["manifest.json"] = json.dumps(manifest, sort_keys=True).encode()
    return found
