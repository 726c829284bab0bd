"""Shares beyond a clinical cut-off: what group means hide about individuals."""

from __future__ import annotations

from typing import Any

from reanalysis.report.render.blocks import Block, fmt, fmt_unit, fold


def blocks(results: dict[str, Any]) -> list[Block]:
    """Per outcome with a configured threshold: each group's estimated share beyond it."""
    rows = results.get("thresholds", [])
    if not rows:
        return []
    out = [
        Block("h2", "Shares beyond a clinical cut-off"),
        Block(
            "p",
            "A group mean on the safe side of a cut-off can hide many individuals on the other "
            "side. Each share assumes the group's values follow a normal, or a log-normal "
            "distribution matched to the printed mean and SD (method of moments); the two "
            "bracket a symmetric and a right-skewed shape. These are findings about the "
            "groups, not checks of the papers.",
        ),
    ]
    labels = {k: v["label"] for k, v in results.get("outcomes", {}).items()}
    for outcome in dict.fromkeys(t["outcome"] for t in rows):
        group = [t for t in rows if t["outcome"] == outcome]
        first = group[0]
        unit = fmt_unit(first["unit"])
        out.append(
            Block(
                "h3",
                f"{labels.get(outcome, outcome)}: {first['side']} {fmt(first['threshold'])} {unit}",
            )
        )
        if first.get("justification"):
            out.append(Block("note", f"Cut-off: {first['justification']}"))
        table = Block(
            "table",
            header=(
                "study",
                "arm",
                "timepoint",
                f"mean ± SD ({unit})",
                f"share {first['side']} (normal)",
                f"share {first['side']} (log-normal)",
                "data",
            ),
            rows=tuple(
                (
                    t["study"],
                    t["arm"],
                    t["timepoint"],
                    f"{fmt(t['mean'])} ± {fmt(t['sd'])}",
                    f"{t['share_beyond_normal']:.0%}",
                    f"{t['share_beyond_lognormal']:.0%}",
                    f"{t['file']}:{t['row']}",
                )
                for t in group
            ),
        )
        out += fold(results, f"Every group ({len(group)})", [table])
        out.append(Block("figure", figure=f"threshold_{outcome}"))
    return out
