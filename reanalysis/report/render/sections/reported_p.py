"""Reported p-values and the pre–post correlation: the r each reported p-value implies."""

from __future__ import annotations

from typing import Any

from reanalysis.report import tables
from reanalysis.report.render.blocks import (
    Block,
    fmt,
    fmt_ci,
    fmt_ci_of,
    fmt_fixed,
    fmt_mean,
    fmt_p,
    fmt_unit,
)


def blocks(results: dict[str, Any]) -> list[Block]:
    """For each reported between-arm p-value: implied r, results at that r, a grid over r."""
    if not results["reported_reanalyses"]:
        return []
    out = [
        Block("h2", "Reported p-values and the pre–post correlation"),
        Block(
            "p",
            "Papers print the arm means and SDs at baseline and follow-up but not the "
            "correlation r between them, which the SD of change depends on (Cochrane "
            "Handbook 6.5.2.8). For each reported between-arm p-value, the r that "
            "reproduces it exactly is found under the change-score t-test and under "
            "ANCOVA, and set against a judged plausible range for the measurement.",
        ),
    ]
    for x in results["reported_reanalyses"]:
        out += _reanalysis(x, results)
    return out


def _reanalysis(x: dict[str, Any], results: dict[str, Any]) -> list[Block]:
    unit = fmt_unit(x["unit"])
    out = [Block("h3", f"{x['study']}: {x['outcome']}, {x['comparison']}")]
    name = f"{x['study']}, {x['outcome']}"
    out.append(
        Block(
            "p",
            f"Reported P = {x['reported_p']:g} ({x['reported_source']}; test: "
            f"{x['reported_test']}). Arms {x['arms'][0]} (n {x['n'][0]}) and "
            f"{x['arms'][1]} (n {x['n'][1]})"
            + (", n assumed" if x["n_assumed"] else "")
            + f"; mean change {fmt_fixed(x['mean_change'][0], x['decimals'])} and "
            + f"{fmt_fixed(x['mean_change'][1], x['decimals'])} {unit}.",
        )
    )
    rows = []
    for analysis, found in x["implied"].items():
        roots = ", ".join(f"{r:.3f}" for r in found["roots"]) or "none"
        rows.append((analysis, roots, found["verdict"]))
    out.append(
        Block(
            "table",
            header=("analysis", "implied r", "verdict"),
            rows=tuple(rows),
            caption=f"{name}: the pre–post correlation that reproduces the reported P",
        )
    )
    if x["plausible_r"]:
        out.append(
            Block(
                "note",
                f"Plausible r [{x['plausible_r']['low']:g}, {x['plausible_r']['high']:g}]: "
                + x["plausible_r"]["justification"],
            )
        )
    at = x.get("at_implied_r")
    if at:
        out.append(
            Block(
                "table",
                header=("at the implied r = " + f"{at['r']:.3f}", "estimate (95% CI)", "p"),
                caption=f"{name}: estimates at the implied r = {at['r']:.3f}",
                rows=(
                    (
                        "difference in change (t-test)",
                        f"{fmt_mean(at, 'md_change', x)} {unit} ({fmt_ci(*at['md_change_ci'])})",
                        fmt_p(at["p_change"]),
                    ),
                    (
                        "ANCOVA, adjusted for baseline",
                        f"{fmt(at['ancova'])} {unit} ({fmt_ci(*at['ancova_ci'])})",
                        fmt_p(at["p_ancova"]),
                    ),
                    (
                        "final values, ignoring baseline",
                        f"{fmt_mean(at, 'final_difference_ignoring_baseline', x)} {unit}",
                        fmt_p(at["p_final_ignoring_baseline"]),
                    ),
                    (
                        "baseline difference between randomized arms",
                        f"{fmt_mean(at, 'baseline_difference', x)} {unit}",
                        fmt_p(at["p_baseline"]),
                    ),
                    (
                        "d_ppc2 (Morris 2008)",
                        f"{fmt(at['dppc2'])} ({fmt_ci(*at['dppc2_ci'])})",
                        "",
                    ),
                ),
            )
        )
    grid_rows = tuple(
        (
            f"{g['r']:.2f}",
            f"{fmt(g['md_change'])} ({fmt_ci_of(g, 'md_change')})",
            fmt_p(g["p_change"]),
            f"{fmt(g['ancova'])} ({fmt_ci_of(g, 'ancova')})",
            fmt_p(g["p_ancova"]),
            fmt(g["dppc2"]),
        )
        for g in tables.rows(x["grid"])
        if g["in_table"]
    )
    out.append(
        Block(
            "table",
            header=(
                "r",
                f"difference in change, {unit} (95% CI)",
                "p",
                f"ANCOVA, {unit} (95% CI)",
                "p",
                "d_ppc2",
            ),
            rows=grid_rows,
            caption=f"{name}: estimates across the pre–post correlation r",
        )
    )
    out.append(Block("figure", figure=f"correlation_{x['id']}"))
    split = x.get("split_sensitivity")
    if split:
        out.append(
            Block(
                "p",
                f"The per-arm n is assumed. Across splits of the {split['total_n']} "
                f"analysed {results.get('report', {}).get('participants', 'participants')} "
                f"(each arm 40–60%), at r = {split['r']:g}:",
            )
        )
        out.append(
            Block(
                "table",
                header=("n (arms)", "SE", "p at r", "implied r for the reported P"),
                caption=f"{name}: sensitivity to the assumed split between arms",
                rows=tuple(
                    (
                        f"{row['n_treatment']} / {row['n_control']}",
                        fmt(row["standard_error"]),
                        fmt_p(row["p_value"]),
                        "none" if row.get("implied_r") is None else f"{row['implied_r']:.4f}",
                    )
                    for row in split["rows"]
                ),
            )
        )
    return out
