"""A Bayesian reading: posteriors of the difference in change under stated priors."""

from __future__ import annotations

from typing import Any

from reanalysis.report import tables
from reanalysis.report.render.blocks import (
    Block,
    across,
    fmt,
    fmt_ci,
    fmt_prob,
    fmt_prob_range,
    fmt_unit,
    folded,
)
from reanalysis.report.render.sections.power import POWER_TABLE_R


def blocks(results: dict[str, Any]) -> list[Block]:
    """Per comparison: posteriors at the r used, and tail probabilities by r."""
    if not results["bayes"]:
        return []
    out = [
        Block("h2", "A Bayesian reading"),
        Block(
            "p",
            "Normal likelihood from the difference in change and its SE, conjugate normal "
            "prior (Spiegelhalter, Abrams & Myles 2004, eq. 3.15). T is the outcome's "
            "minimal important difference. Skeptical prior: mean 0, 5% of its mass beyond "
            "T in the direction under study; enthusiastic: centred on that direction at T, "
            "5% of its mass on the other side of 0 (Spiegelhalter, Freedman & Parmar 1994); "
            "neutral: mean 0, 95% of its mass within ±5T (a judgement).",
        ),
    ]
    out += across(results, "bayes_overview")
    comparisons: list[Block] = []
    for b in results["bayes"]:
        unit = fmt_unit(b["unit"])
        label = results.get("outcomes", {}).get(b["outcome"], {}).get("label", b["outcome"])
        harm, benefit = b["harm_label"], b["benefit_label"]
        spread = fmt_prob_range(*b["p_harm_range"]) if b.get("p_harm_range") else "not available"
        comparisons.append(Block("h3", f"{b['study']}: {label}, {' vs '.join(b['arms'])}"))
        comparisons.append(
            Block(
                "p",
                f"T = {fmt(b['threshold'])} {unit} ({b['threshold_source']}); r = "
                f"{b['implied_r']:.3f} ({b['r_source']}). Under the neutral prior P({harm}) "
                f"is {spread} across the judged plausible r.",
            )
        )
        comparisons.append(
            Block(
                "table",
                header=(
                    "prior",
                    f"posterior mean, {unit} (95% CrI)",
                    f"P({benefit})",
                    f"P({harm})",
                ),
                rows=tuple(
                    (
                        x["prior"],
                        f"{fmt(x['posterior_mean'])} ({fmt_ci(x['cri_low'], x['cri_high'])})",
                        fmt_prob(x["p_benefit"]),
                        fmt_prob(x["p_harm"]),
                    )
                    for x in b["at_implied_r"]
                ),
                caption=f"{b['study']}, {label}: posterior under each prior at r = "
                f"{b['implied_r']:.3f}",
            )
        )
        comparisons.append(Block("figure", figure=f"bayes_{b['id']}"))
        comparisons.append(
            Block(
                "table",
                header=("r", "prior", f"P({benefit})", f"P({harm})"),
                rows=tuple(
                    (f"{x['r']:g}", x["prior"], fmt_prob(x["p_benefit"]), fmt_prob(x["p_harm"]))
                    for x in tables.rows(b["by_r"])
                    if x["r"] in POWER_TABLE_R
                ),
                caption=f"{b['study']}, {label}: posterior probabilities across r",
            )
        )
    return out + folded(results, comparisons)
