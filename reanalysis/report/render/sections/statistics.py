"""Every reported statistic beside its recomputation (statcheck-style)."""

from __future__ import annotations

from typing import Any

from reanalysis.report.render.blocks import Block, fmt_p


def blocks(results: dict[str, Any]) -> list[Block]:
    """One row per printed P: reported, recomputed across plausible r, verdict, decision."""
    rows = results.get("reported_statistics", [])
    if not rows:
        return []
    alpha = rows[0]["alpha"]
    table = []
    for x in rows:
        if "p_recomputed_low" in x:
            recomputed = f"{fmt_p(x['p_recomputed_low'])} to {fmt_p(x['p_recomputed_high'])}"
            r = f"{x['r_low']:.3f} to {x['r_high']:.3f}" if x.get("r_low") is not None else "no r"
        else:
            recomputed, r = "—", "—"
        table.append(
            (
                f"{x['study']}: {x['comparison']}",
                x["printed"],
                x["test"],
                r,
                recomputed,
                x["consistent"],
                x.get("decision_error", "—"),
            )
        )
    return [
        Block("h2", "Reported statistics, recomputed"),
        Block(
            "p",
            "Each P the papers printed, recomputed from their summary statistics "
            "(statcheck-style, Nuijten et al. 2016). The papers name no test, so a "
            "t-test on change scores (paired within an arm, Student's between arms) is "
            "assumed, and the recomputed p is shown across the judged plausible pre–post r. "
            f"A decision error (α = {alpha:g}) means no plausible r gives a p on the same side "
            "of α as the printed P.",
        ),
        Block(
            "table",
            header=(
                "comparison",
                "reported",
                "test named",
                "r reproducing it",
                "p across plausible r",
                "consistent",
                "decision error",
            ),
            rows=tuple(table),
        ),
    ]
