"""Power, minimum detectable effect and sample size, at stated differences (never observed)."""

from __future__ import annotations

from functools import partial
from typing import Any

from reanalysis.report.render.blocks import Block, fmt, fmt_mean, fmt_unit

# The pre–post correlations tabulated in the power and the Bayesian sections.
POWER_TABLE_R = (0.5, 0.8, 0.9, 0.95, 0.97, 0.98, 0.99)


def _design_value(
    points: list[dict[str, Any]],
    solved_for: str,
    analysis: str,
    r: float,
    key: str,
    pct: float | None = None,
    target: float | None = None,
) -> Any:
    """``key`` of the first design point matching the arguments; None if there is none."""
    for p in points:
        if (
            p["solved_for"] == solved_for
            and p["analysis"] == analysis
            and abs(p["correlation"] - r) < 1e-9
            and (pct is None or abs(p["difference_pct"] - pct) < 1e-9)
            and (target is None or abs(p["power"] - target) < 1e-9)
        ):
            return p[key]
    return None


def blocks(results: dict[str, Any]) -> list[Block]:
    """Per outcome: power by r at 1% and 2% of baseline, MDE, and n for a new trial."""
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
    for x in results["power"]:
        out += _power(x)
    return out


def _power(x: dict[str, Any]) -> list[Block]:
    unit = fmt_unit(x["unit"])
    value = partial(_design_value, x["design_points"])
    out = [Block("h3", f"{x['study']}: {x['outcome']}")]
    out.append(
        Block(
            "p",
            f"n = {x['n_treatment']} / {x['n_control']}"
            + (" (assumed)" if x["n_assumed"] else "")
            + f", two-sided α = {x['alpha']:g}; 1% of the pooled baseline mean is "
            f"{fmt(x['baseline_mean'] / 100)} {unit}. Final values ignore r: their power "
            f"is {fmt(value('power', 'final', POWER_TABLE_R[0], 'power', 1.0), 2)} (1%) "
            f"and {fmt(value('power', 'final', POWER_TABLE_R[0], 'power', 2.0), 2)} (2%).",
        )
    )
    rows = []
    for r in POWER_TABLE_R:
        mde = value("difference", "change", r, "difference", target=0.8)
        if mde is None:
            continue
        mde_pct = value("difference", "change", r, "difference_pct", target=0.8)
        rows.append(
            (
                f"{r:g}",
                fmt(value("power", "change", r, "power", 1.0), 2),
                fmt(value("power", "ancova", r, "power", 1.0), 2),
                fmt(value("power", "change", r, "power", 2.0), 2),
                fmt(value("power", "ancova", r, "power", 2.0), 2),
                f"{fmt(mde)} {unit} ({mde_pct:.2f}%)",
            )
        )
    out.append(
        Block(
            "table",
            header=(
                "r",
                "power, 1% (change)",
                "power, 1% (ANCOVA)",
                "power, 2% (change)",
                "power, 2% (ANCOVA)",
                "MDE at 80% power (change)",
            ),
            rows=tuple(rows),
        )
    )
    rows = []
    for r, label in ((x["implied_r"], "implied"), (x["reference_r"], "reference")):
        for analysis in ("change", "ancova", "final"):
            rows.append(
                (
                    f"{r:.3f} ({label})",
                    analysis,
                    str(value("n", analysis, r, "n_per_group_ceil", target=0.8)),
                    str(value("n", analysis, r, "n_per_group_ceil", target=0.9)),
                )
            )
    out.append(
        Block(
            "p",
            f"Men per arm a new trial needs to detect the observed difference in change, "
            f"{fmt_mean(x, 'observed_difference')} {unit} "
            f"({x['observed_difference_pct']:.2f}% of "
            "baseline). A published effect tends to overestimate the true one, so these "
            "numbers are optimistic.",
        )
    )
    out.append(
        Block(
            "table",
            header=("r", "analysis", "n per arm, 80% power", "n per arm, 90% power"),
            rows=tuple(rows),
        )
    )
    out.append(Block("figure", figure=f"power_{x['id']}"))
    return out
