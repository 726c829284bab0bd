"""What could not be computed, and why: the report goes on without it."""

from __future__ import annotations

from typing import Any

from reanalysis.report.render.blocks import Block


def blocks(results: dict[str, Any]) -> list[Block]:
    """One row per comparison or section that failed, with its one-line reason."""
    failed = results.get("not_computed", [])
    if not failed:
        return []
    return [
        Block("h2", "Not computed"),
        Block(
            "p",
            f"{len(failed)} result(s) could not be computed from the printed numbers (for "
            "example n = 2 leaves no degrees of freedom for a small-sample correction, or a "
            "number overflows); everything else in the report stands.",
        ),
        Block(
            "table",
            header=("section", "what", "reason"),
            rows=tuple(
                (
                    f["section"],
                    ", ".join(
                        str(f[k]) for k in ("id", "trial", "outcome") if f.get(k) is not None
                    ),
                    f["error"],
                )
                for f in failed
            ),
        ),
    ]
