"""The pre–post correlation for comparisons without a reported P: results across r."""

from __future__ import annotations

from typing import Any

from reanalysis.report import tables
from reanalysis.report.render.blocks import Block, fmt, fmt_ci, fmt_p, fmt_unit, folded


def _estimate(row: dict[str, Any], key: str) -> str:
    return f"{fmt(row[key])} ({fmt_ci(row[f'{key}_ci_low'], row[f'{key}_ci_high'])})"


def blocks(results: dict[str, Any]) -> list[Block]:
    """Per comparison: the difference in change and its p under each r of the grid."""
    records = results.get("sensitivity", [])
    if not records:
        return []
    out = [
        Block("h2", "Sensitivity to the pre–post correlation"),
        Block(
            "p",
            "Papers rarely print the correlation r between baseline and follow-up, yet the SE "
            "of a change score depends on it (Cochrane Handbook 6.5.2.8). Without a reported "
            "P to derive it from, each comparison is shown across r; the r used elsewhere "
            "is stated with its source.",
        ),
    ]
    labels = {k: v["label"] for k, v in results.get("outcomes", {}).items()}
    comparisons: list[Block] = []
    for x in records:
        unit = fmt_unit(x["unit"])
        comparisons.append(
            Block(
                "h3",
                f"{x['study']}: {labels.get(x['outcome'], x['outcome'])}, {' vs '.join(x['arms'])}",
            )
        )
        plausible = x["plausible_r"]
        comparisons.append(
            Block(
                "p",
                f"r used: {x['r']:.3g} ({x['r_source']})."
                + (
                    f" Judged plausible: {plausible['low']:g} to {plausible['high']:g}."
                    if plausible
                    else " No plausible range is configured (analysis.toml r_range)."
                ),
            )
        )
        comparisons.append(
            Block(
                "table",
                header=(
                    "r",
                    f"difference in change, {unit} (95% CI)",
                    "p (change, Student t)",
                    f"ANCOVA, {unit} (95% CI)",
                    "p (ANCOVA)",
                ),
                rows=tuple(
                    (
                        f"{g['r']:g}",
                        _estimate(g, "md_change"),
                        fmt_p(g["p_change"]),
                        _estimate(g, "ancova"),
                        fmt_p(g["p_ancova"]),
                    )
                    for g in tables.rows(x["grid"])
                    if g["in_table"]
                ),
            )
        )
        comparisons.append(Block("figure", figure=f"correlation_{x['id']}"))
    return out + folded(results, comparisons)
