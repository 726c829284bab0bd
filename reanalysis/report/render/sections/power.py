"""Power, minimum detectable effect and sample size, at stated differences (never observed)."""

from __future__ import annotations

from functools import partial
from typing import Any

from reanalysis.report import tables
from reanalysis.report.render.blocks import Block, across, fmt, fmt_mean, fmt_unit, folded

# The pre–post correlations tabulated in the power and the Bayesian sections.
POWER_TABLE_R = (0.5, 0.8, 0.9, 0.95, 0.97, 0.98, 0.99)


def _design_value(
    points: list[dict[str, Any]],
    solved_for: str,
    analysis: str,
    r: float,
    key: str,
    difference: float | None = None,
    target: float | None = None,
) -> Any:
    """``key`` of the first design point matching the arguments; None if there is none."""
    for p in points:
        if (
            p["solved_for"] == solved_for
            and p["analysis"] == analysis
            and abs(p["correlation"] - r) < 1e-9
            and (difference is None or abs(p["difference"] - difference) <= 1e-9 * difference)
            and (target is None or abs(p["power"] - target) < 1e-9)
        ):
            return p[key]
    return None


def blocks(results: dict[str, Any]) -> list[Block]:
    """Per comparison: power by r at each design difference, MDE, and n for a new trial."""
    if not results["power"]:
        return []
    out = [
        Block("h2", "Power, minimum detectable effect and sample size"),
        Block(
            "p",
            "Design power answers whether the trial could have detected a clinically "
            "relevant difference; it is computed for stated differences, never for the "
            "observed one ('observed power' restates the p-value: Hoenig & Heisey 2001). "
            "Exact two-sided power of the two-sample t-test from the noncentral t "
            "distribution (as statsmodels' TTestIndPower); the analysed SD is the change-"
            "score SD (Cochrane Handbook 6.5.2.8), the follow-up SD (final values) or the "
            "follow-up SD × √(1 − r²) (ANCOVA, Borm et al. 2007).",
        ),
    ]
    who = results.get("report", {}).get("participants", "participants")
    out += across(results, "power_overview")
    comparisons: list[Block] = []
    for x in results["power"]:
        if "error" in x:
            comparisons.append(
                Block("p", f"{x['id']}: power could not be computed ({x['error']}).")
            )
            continue
        comparisons += _power(x, results, who)
    return out + folded(results, comparisons)


def _power(x: dict[str, Any], results: dict[str, Any], who: str) -> list[Block]:
    unit = fmt_unit(x["unit"])
    value = partial(_design_value, tables.rows(x["design_points"]))
    label = results.get("outcomes", {}).get(x["outcome"], {}).get("label", x["outcome"])
    differences = list(zip(x["design_differences"], x["design_difference_labels"], strict=True))
    out = [Block("h3", f"{x['study']}: {label}, {' vs '.join(x['arms'])}")]
    finals = " and ".join(
        f"{fmt(value('power', 'final', POWER_TABLE_R[0], 'power', d), 2)} ({name})"
        for d, name in differences
    )
    out.append(
        Block(
            "p",
            f"n = {x['n_treatment']} / {x['n_control']}"
            + (" (assumed)" if x["n_assumed"] else "")
            + f", two-sided α = {x['alpha']:g}. Design differences: "
            + "; ".join(f"{name} = {fmt(d)} {unit}" for d, name in differences)
            + f" ({x['design_difference_source']}). Final values ignore r: their power is "
            + finals
            + ".",
        )
    )
    rows = []
    for r in POWER_TABLE_R:
        mde = value("difference", "change", r, "difference", target=0.8)
        if mde is None:
            continue
        mde_pct = value("difference", "change", r, "difference_pct", target=0.8)
        cells = [f"{r:g}"]
        for d, _ in differences:
            cells += [
                fmt(value("power", "change", r, "power", d), 2),
                fmt(value("power", "ancova", r, "power", d), 2),
            ]
        pct = f" ({mde_pct:.2f}%)" if mde_pct is not None else ""
        rows.append((*cells, f"{fmt(mde)} {unit}{pct}"))
    header = ["r"]
    for _, name in differences:
        header += [f"power, {name} (change)", f"power, {name} (ANCOVA)"]
    out.append(
        Block(
            "table",
            header=(*header, "MDE at 80% power (change)"),
            rows=tuple(rows),
            caption=f"{x['study']}, {label}: design power and minimum detectable effect by r",
        )
    )
    rows = []
    sample_r = [(x["r"], "implied" if x["implied_r"] is not None else "used")]
    if x["reference_r"] is not None and x["reference_r"] != x["r"]:
        sample_r.append((x["reference_r"], "reference"))
    for r, name in sample_r:
        for analysis in ("change", "ancova", "final"):
            rows.append(
                (
                    f"{r:.3f} ({name})",
                    analysis,
                    str(value("n", analysis, r, "n_per_group_ceil", target=0.8)),
                    str(value("n", analysis, r, "n_per_group_ceil", target=0.9)),
                )
            )
    pct = x["observed_difference_pct"]
    out.append(
        Block(
            "p",
            f"{who.capitalize()} per arm a new trial needs to detect the observed difference "
            f"in change, {fmt_mean(x, 'observed_difference')} {unit}"
            + (f" ({pct:.2f}% of baseline)" if pct is not None else "")
            + ". A published effect tends to overestimate the true one, so these numbers are "
            "optimistic.",
        )
    )
    out.append(
        Block(
            "table",
            header=("r", "analysis", "n per arm, 80% power", "n per arm, 90% power"),
            rows=tuple(rows),
            caption=f"{x['study']}, {label}: {who} per arm a new trial needs",
        )
    )
    out.append(Block("figure", figure=f"power_{x['id']}"))
    return out
