"""Reproducibility appendix: the command, Python and package versions, input checksums."""

from __future__ import annotations

from typing import Any

from reanalysis.report.render.blocks import Block


def blocks(results: dict[str, Any]) -> list[Block]:
    """The manifest as tables: package versions and the SHA-256 of each input file."""
    m = results["manifest"]
    packages = tuple((name, version) for name, version in sorted(m["packages"].items()))
    inputs = tuple((i["file"], i["sha256"]) for i in m["inputs"])
    return [
        Block("h2", "Reproducibility appendix"),
        Block("p", f"Made by `{m['command']}` with Python {m['python']}."),
        Block(
            "table",
            header=("package", "version"),
            rows=(("python", m["python"]), *packages),
            caption="Package versions",
        ),
        Block("table", header=("input file", "SHA-256"), rows=inputs, caption="Input files"),
    ]
