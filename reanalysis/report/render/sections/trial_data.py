"""The data as encoded: every row of every trial file, with its source."""

from __future__ import annotations

from typing import Any

from reanalysis.report.render.blocks import Block, folded


def blocks(results: dict[str, Any]) -> list[Block]:
    """Per trial file: its rows as printed, and the before–after figure."""
    out = [Block("h2", "The data as encoded"), Block("figure", figure="arm_means")]
    files: list[Block] = []
    for name, trial in sorted(results["trials"].items()):
        files.append(Block("h3", f"{trial['file']}"))
        rows = tuple(
            (
                r["study"],
                r["arm"],
                r["outcome"],
                r["timepoint"],
                r["printed"] + (" (SD from SE)" if r["sd_from_se"] else ""),
                r["unit"],
                f"{r['n']}{' (assumed)' if r['n_assumed'] else ''}",
                str(r["row"]),
                r["source"],
                r["note"],
            )
            for r in trial["rows"]
        )
        files.append(
            Block(
                "table",
                header=(
                    "study",
                    "arm",
                    "outcome",
                    "timepoint",
                    "mean ± SD",
                    "unit",
                    "n",
                    "line",
                    "source",
                ),
                rows=rows,
            )
        )
        files.append(Block("figure", figure=f"before_after_{name}"))
    return out + folded(results, files)
