"""Effects: between-arm differences (change, ANCOVA, final values, d_ppc2) and within-arm change."""

from __future__ import annotations

from typing import Any

from reanalysis.report.render.blocks import (
    Block,
    data_lines,
    fmt,
    fmt_ci_of,
    fmt_mean,
    fmt_p,
    fmt_unit,
    fold,
)


def blocks(results: dict[str, Any]) -> list[Block]:
    """The effects section: one table between arms, one within arms, and the forest plot."""
    labels = {k: v["label"] for k, v in results.get("outcomes", {}).items()}
    out = [
        Block("h2", "Effects"),
        Block(
            "p",
            "Differences are treatment minus control (or first dose minus second). The "
            "change-score t-test assumes equal variances (Welch in its own column); ANCOVA "
            "adjusts follow-up for baseline with the pooled within-arm slope. Each row says "
            "which r it uses and where it came from: the r a reported P implies, the r of "
            "analysis.toml, the midpoint of its judged plausible range, or the default 0.5 "
            "(assumed); the sections below show how results move with r.",
        ),
    ]
    between = [e for e in results["effects"] if e["comparison"] != "within_arm_only"]
    if between:
        out.append(Block("h3", "Between arms"))
        rows = []
        for e in between:
            unit = fmt_unit(e["unit"])
            rows.append(
                (
                    f"{e['trial']}: {labels.get(e['outcome'], e['outcome'])} at week {e['week']:g}",
                    f"{e['treatment']} − {e['control']}",
                    f"{e['n_treatment']} / {e['n_control']}"
                    + (" (assumed)" if e.get("treatment_n_assumed") else ""),
                    f"{fmt(e['r'])} ({e['r_source']})",
                    f"{fmt_mean(e, 'md_change')} {unit} ({fmt_ci_of(e, 'md_change')})",
                    f"{fmt_p(e['p_change'])} / {fmt_p(e['p_change_welch'])}",
                    f"{fmt(e['ancova_estimate'])} ({fmt_ci_of(e, 'ancova')}); "
                    f"p {fmt_p(e['p_ancova'])}",
                    f"{fmt_mean(e, 'final_difference_ignoring_baseline')}; "
                    f"p {fmt_p(e['p_final_ignoring_baseline'])}",
                    f"{fmt_mean(e, 'baseline_difference')}; p {fmt_p(e['p_baseline'])}",
                    f"{fmt(e['dppc2'])} ({fmt_ci_of(e, 'dppc2')})",
                    data_lines(e),
                )
            )
        table = Block(
            "table",
            header=(
                "outcome",
                "comparison",
                "n",
                "r",
                "difference in change (95% CI)",
                "p change (Student / Welch)",
                "ANCOVA (95% CI)",
                "final values, ignoring baseline",
                "baseline difference",
                "d_ppc2 (95% CI)",
                "data",
            ),
            rows=tuple(rows),
        )
        out += fold(results, f"Every between-arm comparison ({len(rows)})", [table])
        for outcome in dict.fromkeys(e["outcome"] for e in between if e.get("dppc2") is not None):
            out.append(Block("figure", figure=f"forest_{outcome}"))
    within = [e for e in results["effects"] if e["comparison"] == "within_arm_only"]
    if within:
        out.append(Block("h3", "Within arms (control values not published)"))
        within_rows = tuple(
            (
                f"{e['trial']} ({e['study']})",
                e["treatment"],
                f"{labels.get(e['outcome'], e['outcome'])} ({fmt_unit(e['unit'])})",
                f"week {e['week']:g}",
                f"{fmt_mean(e, 'treatment_baseline_mean')} → "
                f"{fmt_mean(e, 'treatment_followup_mean')}",
                f"{fmt_mean(e, 'treatment_mean_change')} ({fmt_ci_of(e, 'treatment_change')})",
                f"{e['treatment_percent_change']:+.1f}%",
                f"{fmt(e['r'])} ({e['r_source']})",
                fmt_p(e["treatment_p_within"]),
                data_lines(e),
            )
            for e in within
        )
        table = Block(
            "table",
            header=(
                "trial (report)",
                "arm",
                "outcome",
                "follow-up",
                "baseline → follow-up",
                "mean change (95% CI)",
                "% change",
                "r",
                "paired t p",
                "data",
            ),
            rows=within_rows,
        )
        out += fold(results, f"Every within-arm change ({len(within_rows)})", [table])
    return out
