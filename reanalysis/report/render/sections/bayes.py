"""A Bayesian reading: posteriors of the difference in change under stated priors."""

from __future__ import annotations

from typing import Any

from reanalysis.report.render.blocks import Block, fmt, fmt_ci, fmt_unit
from reanalysis.report.render.sections.power import POWER_TABLE_R


def blocks(results: dict[str, Any]) -> list[Block]:
    """Per outcome: posteriors at the implied r, and tail probabilities by r."""
    if not results["bayes"]:
        return []
    out = [
        Block("h2", "A Bayesian reading"),
        Block(
            "p",
            "Normal likelihood from the difference in change and its SE, conjugate normal "
            "prior (Spiegelhalter, Abrams & Myles 2004, eq. 3.15). T is 1% of the pooled "
            "baseline mean. Sceptical prior: mean 0, P(effect < −T) = 5%; enthusiastic: "
            "mean −T, P(effect > 0) = 5% (Spiegelhalter, Freedman & Parmar 1994); neutral: "
            "mean 0, 95% of its mass within ±5T (a judgement).",
        ),
    ]
    for b in results["bayes"]:
        unit = fmt_unit(b["unit"])
        out.append(Block("h3", f"{b['study']}: {b['outcome']}"))
        out.append(
            Block(
                "table",
                header=(
                    f"prior (r = {b['implied_r']:.3f}, implied)",
                    f"posterior mean, {unit} (95% CrI)",
                    "P(effect < 0)",
                    f"P(effect < −T), T = {fmt(b['threshold'])} {unit}",
                ),
                rows=tuple(
                    (
                        x["prior"],
                        f"{fmt(x['posterior_mean'])} ({fmt_ci(x['cri_low'], x['cri_high'])})",
                        f"{x['p_below_zero']:.3f}",
                        f"{x['p_below_threshold']:.3f}",
                    )
                    for x in b["at_implied_r"]
                ),
            )
        )
        out.append(Block("figure", figure=f"bayes_{b['id']}"))
        out.append(
            Block(
                "table",
                header=("r", "prior", "P(effect < 0)", "P(effect < −T)"),
                rows=tuple(
                    (
                        f"{x['r']:g}",
                        x["prior"],
                        f"{x['p_below_zero']:.3f}",
                        f"{x['p_below_threshold']:.3f}",
                    )
                    for x in b["by_r"]
                    if x["r"] in POWER_TABLE_R
                ),
            )
        )
    return out
