"""Figures for the report, drawn from the results mapping only (never from the data files).

One theme (seaborn ``whitegrid``, the colour-blind-safe ``colorblind`` palette), units on
every axis, and a title that states the finding. Output is deterministic: SVG with a
fixed hash salt and no date, text kept as text; PNG from Agg with fixed DPI and no
timestamp.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
from matplotlib.patches import Polygon
from scipy import stats

PNG_DPI = 110
PALETTE = "colorblind"


@dataclass(frozen=True)
class DrawnFigure:
    """A figure written to disk: its file stem, SVG text and the caption for the report."""

    name: str
    svg: str
    caption: str


def apply_theme() -> None:
    """The report's one theme; also pins what would otherwise vary between runs."""
    sns.set_theme(style="whitegrid", palette=PALETTE, context="notebook")
    matplotlib.rcParams.update(
        {
            "svg.hashsalt": "reanalysis",
            "svg.fonttype": "none",
            "font.family": "DejaVu Sans",
            "figure.dpi": PNG_DPI,
            "axes.titlesize": 11,
            "axes.titleweight": "bold",
            "figure.titlesize": 12,
            "figure.titleweight": "bold",
        }
    )


def colours(n: int) -> list[tuple[float, float, float]]:
    return sns.color_palette(PALETTE, n)


def save(fig: plt.Figure, out_dir: Path, name: str, caption: str) -> DrawnFigure:
    out_dir.mkdir(parents=True, exist_ok=True)
    svg_path = out_dir / f"{name}.svg"
    fig.savefig(svg_path, format="svg", metadata={"Date": None}, bbox_inches="tight")
    fig.savefig(
        out_dir / f"{name}.png",
        format="png",
        dpi=PNG_DPI,
        metadata={"Software": None},
        bbox_inches="tight",
    )
    plt.close(fig)
    return DrawnFigure(name=name, svg=svg_path.read_text(encoding="utf-8"), caption=caption)


def label(outcome: str) -> str:
    """An outcome id as words: ``pa_spine_bmd`` → ``PA spine BMD``."""
    words = outcome.replace("_", " ").split()
    upper = {"pa", "bmd", "dht", "lh", "ctx", "p1np"}
    return " ".join(w.upper() if w in upper else w for w in words)


def unit_label(unit: str) -> str:
    return unit.replace("cm2", "cm²")


def before_after(results: dict[str, Any], trial_name: str, out_dir: Path) -> DrawnFigure:
    """Mean ± SD by timepoint for each arm and outcome of one trial file (its primary study).

    The baseline difference between arms stays visible because the y axis is not
    re-centred on each arm's baseline.
    """
    trial = results["trials"][trial_name]
    rows = trial["rows"]
    primary = trial_name if trial_name in trial["studies"] else trial["studies"][0]
    outcomes = [o for o in trial["outcomes"] if any(r["outcome"] == o for r in rows)]
    panels = []
    for outcome in outcomes:
        study = (
            primary
            if any(r["outcome"] == outcome and r["study"] == primary for r in rows)
            else next(r["study"] for r in rows if r["outcome"] == outcome)
        )
        panels.append(
            (outcome, study, [r for r in rows if r["outcome"] == outcome and r["study"] == study])
        )
    arms = list(trial["arms"])
    palette = dict(zip(arms, colours(len(arms)), strict=True))
    ncols = min(3, len(panels))
    nrows = -(-len(panels) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 3.4 * nrows), squeeze=False)
    offsets = {arm: (i - (len(arms) - 1) / 2) * 0.8 for i, arm in enumerate(arms)}
    for ax, (outcome, study, panel_rows) in zip(axes.flat, panels, strict=False):
        for arm in arms:
            series = sorted((r for r in panel_rows if r["arm"] == arm), key=lambda r: r["week"])
            if not series:
                continue
            weeks = [r["week"] + offsets[arm] for r in series]
            ax.errorbar(
                weeks,
                [r["mean"] for r in series],
                yerr=[r["sd"] for r in series],
                marker="o",
                capsize=3,
                color=palette[arm],
                label=f"{arm} (n={series[0]['n']}{'*' if series[0]['n_assumed'] else ''})",
            )
        ax.set_title(f"{label(outcome)} ({study})", fontsize=9)
        ax.set_xlabel("week (0 = baseline)")
        ax.set_ylabel(f"mean ± SD ({unit_label(panel_rows[0]['unit'])})")
        ax.legend(fontsize=7, loc="best")
    for ax in list(axes.flat)[len(panels) :]:
        ax.set_visible(False)
    assumed = any(r["n_assumed"] for r in rows)
    fig.suptitle(f"{trial_name}: arm means ± SD by timepoint as published")
    fig.tight_layout()
    caption = (
        f"Arm means ± SD of every outcome in data/{trial_name}.csv, offset horizontally by arm."
        + (" * n assumed, not published." if assumed else "")
    )
    return save(fig, out_dir, f"before_after_{trial_name}", caption)


def headline_before_after(results: dict[str, Any], out_dir: Path) -> list[DrawnFigure]:
    """Each reported treatment-vs-control outcome before and after, arms side by side."""
    drawn = []
    for x in results["reported_reanalyses"]:
        trial = results["trials"][x["trial"]]
        if [trial["arms"].get(a) for a in x["arms"]] != ["treatment", "control"]:
            continue
        rows = [
            r
            for r in trial["rows"]
            if r["study"] == x["study"]
            and r["outcome"] == x["outcome"]
            and r["week"] in (0, x["week"])
        ]
        unit = unit_label(x["unit"])
        fig, ax = plt.subplots(figsize=(7, 4.2))
        # Arms offset by 2% of the follow-up so that their SD bars do not overlap.
        offsets = (-0.02 * x["week"], 0.02 * x["week"])
        for colour, arm, change, offset in zip(
            colours(2), x["arms"], x["mean_change"], offsets, strict=True
        ):
            series = sorted((r for r in rows if r["arm"] == arm), key=lambda r: r["week"])
            ax.errorbar(
                [r["week"] + offset for r in series],
                [r["mean"] for r in series],
                yerr=[r["sd"] for r in series],
                marker="o",
                capsize=4,
                color=colour,
                label=f"{arm} (n {series[-1]['n']}"
                + (", assumed" if series[-1]["n_assumed"] else "")
                + f"): change {change:+.3f} {unit}",
            )
            for r in series:
                ax.annotate(
                    r["printed"].split(" ± ")[0],
                    (r["week"] + offset, r["mean"]),
                    textcoords="offset points",
                    xytext=(14 if offset > 0 else -14, 0),
                    ha="left" if offset > 0 else "right",
                    fontsize=8,
                    color=colour,
                    va="center",
                )
        gap = x["baseline_mean"][0] - x["baseline_mean"][1]
        ax.set_xticks([0, x["week"]], ["baseline", f"week {x['week']:g}"])
        ax.set_xlim(-x["week"] * 0.15, x["week"] * 1.25)
        ax.set_ylabel(f"{label(x['outcome'])}, mean ± SD ({unit})")
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=2)
        fig.suptitle(
            f"{label(x['outcome'])}: {x['arms'][0]} {x['mean_change'][0]:+.3f}, "
            f"{x['arms'][1]} {x['mean_change'][1]:+.3f} {unit}; "
            f"the arms differed by {gap:+.3f} at baseline"
        )
        fig.tight_layout()
        caption = (
            f"The article's table ({x['study']}): arm means ± SD at baseline and follow-up as "
            f"published ({x['file']} lines {', '.join(map(str, x['rows']))}). The baseline gap "
            "between the randomized arms is larger than either arm's change."
            if abs(gap) > max(abs(c) for c in x["mean_change"])
            else f"{x['study']}: arm means ± SD at baseline and follow-up as published."
        )
        drawn.append(save(fig, out_dir, f"table_{x['id']}", caption))
    return drawn


def forest_between_arms(results: dict[str, Any], out_dir: Path) -> list[DrawnFigure]:
    """d_ppc2 with 95% CI for every between-arm comparison in every trial file."""
    rows = [e for e in results["effects"] if e.get("dppc2") is not None]
    if not rows:
        return []
    fig, ax = plt.subplots(figsize=(8, 0.55 * len(rows) + 1.6))
    palette = colours(len(rows))
    labels = []
    for i, e in enumerate(rows):
        y = len(rows) - 1 - i
        ax.errorbar(
            e["dppc2"],
            y,
            xerr=[[e["dppc2"] - e["dppc2_ci_low"]], [e["dppc2_ci_high"] - e["dppc2"]]],
            fmt="s",
            color=palette[i],
            capsize=4,
        )
        labels.append(
            f"{e['trial']}: {label(e['outcome'])}, week {e['week']:g}\n"
            f"{e['treatment']} − {e['control']} (r = {e['r']:.3g}, {e['r_source']})"
        )
    ax.set_yticks(range(len(rows) - 1, -1, -1), labels, fontsize=8)
    ax.axvline(0, color="0.4", linewidth=1)
    ax.set_xlabel("d_ppc2, standardized difference in change (baseline SD units)")
    negative = sum(e["dppc2_ci_high"] < 0 for e in rows)
    fig.suptitle(f"Between-arm effects: {negative} of {len(rows)} 95% CIs lie wholly below zero")
    fig.tight_layout()
    caption = (
        "Morris (2008) d_ppc2 with normal-theory 95% CIs, treatment minus control (or first "
        "dose minus second); r as in the effects table."
    )
    return [save(fig, out_dir, "forest_between_arms", caption)]


def correlation_sensitivity(results: dict[str, Any], out_dir: Path) -> list[DrawnFigure]:
    """p and d_ppc2 against r for each reported between-arm p, implied r marked."""
    drawn = []
    for x in results["reported_reanalyses"]:
        grid = x["grid"]
        rs = [g["r"] for g in grid]
        fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
        blue, orange, green = colours(3)
        left.plot(rs, [g["p_change"] for g in grid], color=blue, label="change-score t-test")
        left.plot(rs, [g["p_ancova"] for g in grid], color=orange, label="ANCOVA")
        left.axhline(
            x["reported_p"], color="0.3", linestyle="--", label=f"reported P = {x['reported_p']:g}"
        )
        left.set_yscale("log")
        left.set_xlabel("pre–post correlation r")
        left.set_ylabel("two-sided p")
        right.plot(
            rs, [g["dppc2"] for g in grid], color=blue, label="d_ppc2 (does not depend on r)"
        )
        right.fill_between(
            rs,
            [g["dppc2_ci_low"] for g in grid],
            [g["dppc2_ci_high"] for g in grid],
            color=blue,
            alpha=0.2,
            label="95% CI (narrows as r rises)",
        )
        right.axhline(0, color="0.4", linewidth=1)
        right.set_xlabel("pre–post correlation r")
        right.set_ylabel("d_ppc2 (baseline SD units)")
        for ax in (left, right):
            if x["plausible_r"]:
                ax.axvspan(
                    x["plausible_r"]["low"],
                    x["plausible_r"]["high"],
                    color=green,
                    alpha=0.15,
                    label="plausible r",
                )
            implied = x["implied"]["change"]["implied_r"]
            if implied is not None:
                ax.axvline(implied, color=blue, linestyle=":", label=f"implied r = {implied:.3f}")
            ax.legend(fontsize=7, loc="best")
        implied = x["implied"]["change"]["implied_r"]
        verdict = "consistent with" if x["implied"]["change"]["consistent"] else "outside"
        title = (
            f"{x['study']} {label(x['outcome'])}: P = {x['reported_p']:g} needs r = {implied:.3f}, "
            f"{verdict} the plausible range"
            if implied is not None
            else f"{x['study']} {label(x['outcome'])}: no r reproduces P = {x['reported_p']:g}"
        )
        fig.suptitle(title)
        fig.tight_layout()
        caption = (
            f"{x['study']}, {x['outcome']}: the between-arm p-value (log scale) and d_ppc2 as the "
            "unreported pre–post correlation varies; the shaded band is the judged plausible range."
        )
        drawn.append(save(fig, out_dir, f"correlation_{x['id']}", caption))
    return drawn


def power_curves(results: dict[str, Any], out_dir: Path) -> list[DrawnFigure]:
    """Power against n per arm for each clinically relevant difference, the trial's n marked."""
    drawn = []
    for x in results["power"]:
        fig, ax = plt.subplots(figsize=(8, 4.2))
        differences = sorted({c["difference_pct"] for c in x["curves"]})
        palette = dict(zip(differences, colours(len(differences)), strict=True))
        styles = {x["implied_r"]: "-", x["reference_r"]: "--"}
        for curve in x["curves"]:
            ax.plot(
                curve["n_per_arm"],
                curve["power"],
                color=palette[curve["difference_pct"]],
                linestyle=styles.get(curve["r"], "-"),
                label=f"{curve['difference_pct']:g}% of baseline, r = {curve['r']:.3f}",
            )
        trial_n = (x["n_treatment"] + x["n_control"]) / 2
        ax.axvline(
            trial_n, color="0.3", linestyle=":", label=f"this trial (mean n {trial_n:g} per arm)"
        )
        ax.axhline(0.8, color="0.6", linewidth=0.8)
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
        ax.set_xlabel("men per arm (log scale)")
        ax.set_ylabel("power (two-sided α = 0.05)")
        ax.set_ylim(0, 1)
        ax.legend(fontsize=7, loc="lower right")
        at_trial = [
            c for c in x["curves"] if c["r"] == x["implied_r"] and c["difference_pct"] == 1.0
        ]
        if at_trial:
            c = at_trial[0]
            i = min(range(len(c["n_per_arm"])), key=lambda k: abs(c["n_per_arm"][k] - trial_n))
            title = (
                f"{x['study']}: power to detect a 1% difference was about {c['power'][i]:.0%} "
                f"at the implied r"
            )
        else:
            title = f"{x['study']}: design power against n per arm"
        fig.suptitle(title)
        fig.tight_layout()
        caption = (
            f"{x['study']}, {x['outcome']}: exact power of the change-score t-test against "
            "men per arm for differences of 1% and 2% of the pooled baseline mean, at the "
            "implied r (solid) and r = 0.9 (dashed); the dotted line marks the trial's n."
        )
        drawn.append(save(fig, out_dir, f"power_{x['id']}", caption))
    return drawn


def pooled_forest(pooled: Mapping[str, Any], xlabel: str = "Effect", ax: Any = None) -> Any:
    """Forest plot of a pooled summary (the mapping of ``synthesis.PooledEstimate.to_dict``).

    One row per study: a square with area proportional to its random-effects weight and
    its 95% Wald CI; then the pooled diamond spanning the 95% CI, and the prediction
    interval as a bar through it. A dashed line marks zero. Returns the Figure.
    """
    studies = pooled["studies"]
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.0, 1.2 + 0.45 * (len(studies) + 2)))
    else:
        fig = ax.figure
    largest = max(s["weight_percent"] for s in studies)
    rows = range(len(studies) + 1, 1, -1)
    for row, study in zip(rows, studies, strict=True):
        ax.plot([study["ci_low"], study["ci_high"]], [row, row], color="black", lw=1)
        ax.scatter(
            [study["estimate"]],
            [row],
            marker="s",
            s=120 * study["weight_percent"] / largest,
            color="black",
            zorder=3,
        )
    ax.plot([pooled["pi_low"], pooled["pi_high"]], [0, 0], color="grey", lw=3, zorder=1)
    diamond = [
        (pooled["ci_low"], 0),
        (pooled["estimate"], 0.3),
        (pooled["ci_high"], 0),
        (pooled["estimate"], -0.3),
    ]
    ax.add_patch(Polygon(diamond, closed=True, color="black", zorder=2))
    ax.axvline(0, color="grey", ls="--", lw=0.8)
    labels = [f"{s['label']} ({s['weight_percent']:.1f}%)" for s in studies]
    pooled_label = f"RE model ({pooled['method'].upper()}), k = {pooled['k']}; bar: 95% PI"
    ax.set_yticks([*rows, 0], [*labels, pooled_label])
    ax.set_ylim(-1, len(studies) + 2)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    return fig


def posterior_densities(
    posterior: Mapping[str, Any], xlabel: str = "Effect", ax: Any = None
) -> Any:
    """Prior, likelihood and posterior densities (the mapping of
    ``bayes.NormalPosterior.to_dict``), with 0 and −T marked. Returns the Figure.

    The likelihood is drawn as the N(estimate, SE²) density; a flat prior is not drawn.
    """
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.0, 3.5))
    else:
        fig = ax.figure
    curves = [("likelihood", posterior["estimate"], posterior["standard_error"], "--")]
    if posterior["prior_sd"] is not None:
        curves.insert(0, ("prior", posterior["prior_mean"], posterior["prior_sd"], ":"))
    curves.append(("posterior", posterior["posterior_mean"], posterior["posterior_sd"], "-"))
    threshold = posterior["threshold"]
    centres = [mean for _, mean, _, _ in curves] + [0.0, -threshold]
    # A vague prior would flatten the plot: the x range follows the likelihood and posterior.
    spread = 4 * max(sd for name, _, sd, _ in curves if name != "prior") + threshold
    grid = np.linspace(min(centres) - spread, max(centres) + spread, 801)
    for name, mean, sd, style in curves:
        ax.plot(grid, stats.norm.pdf(grid, mean, sd), ls=style, color="black", label=name)
    ax.axvline(0, color="grey", lw=0.8)
    ax.axvline(-threshold, color="grey", lw=0.8, ls="-.", label=f"−T = {-threshold:.4g}")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("Density")
    ax.legend(frameon=False)
    return fig


def pooled_hormones(results: dict[str, Any], out_dir: Path) -> list[DrawnFigure]:
    """Forest plot of each hormone's ratio of means across anastrozole arms (middle r)."""
    drawn = []
    for h in results["synthesis"]["hormone_response"]:
        rs = sorted({x["r"] for x in h["by_r"]})
        middle = rs[len(rs) // 2]
        pooled = next(x for x in h["by_r"] if x["r"] == middle and x["group"] == "all")
        if "studies" not in pooled:
            continue
        fig = pooled_forest(pooled, xlabel="log ratio of means, follow-up / baseline")
        fig.suptitle(
            f"{label(h['outcome'])} on anastrozole: follow-up mean {pooled['ratio']:.2f}× "
            f"baseline (r = {middle:g})"
        )
        fig.tight_layout()
        caption = (
            f"{label(h['outcome'])}: log ratio of means (Lajeunesse 2011) of each anastrozole "
            f"arm at its first follow-up, REML pooled, r = {middle:g}; squares sized by weight, "
            "diamond the 95% CI, grey bar the prediction interval. Hypothesis-generating (k < 5)."
        )
        drawn.append(save(fig, out_dir, f"pooled_{h['outcome']}", caption))
    return drawn


def bayes_densities(results: dict[str, Any], out_dir: Path) -> list[DrawnFigure]:
    """Prior, likelihood and posterior under each named prior, at the implied r."""
    drawn = []
    for b in results["bayes"]:
        posteriors = b["at_implied_r"]
        fig, axes = plt.subplots(
            1, len(posteriors), figsize=(4 * len(posteriors), 3.4), sharey=True
        )
        for ax, posterior in zip(axes, posteriors, strict=True):
            posterior_densities(
                posterior, xlabel=f"difference in change ({unit_label(b['unit'])})", ax=ax
            )
            ax.set_title(
                f"{posterior['prior']}: P(loss > T) = {posterior['p_below_threshold']:.2f}",
                fontsize=9,
            )
            ax.legend(fontsize=7, frameon=False)
        neutral = next((p for p in posteriors if p["prior"] == "neutral"), posteriors[0])
        fig.suptitle(
            f"{b['study']} {label(b['outcome'])}: P(anastrozole loss beyond 1% of baseline) = "
            f"{neutral['p_below_threshold']:.2f} under the neutral prior"
        )
        fig.tight_layout()
        caption = (
            f"{b['study']}, {b['outcome']}: prior (dotted), likelihood (dashed) and posterior "
            f"(solid) at the implied r = {b['implied_r']:.3f}; −T marks a loss of 1% of the "
            "pooled baseline mean."
        )
        drawn.append(save(fig, out_dir, f"bayes_{b['id']}", caption))
    return drawn


def estradiol_threshold(results: dict[str, Any], out_dir: Path) -> list[DrawnFigure]:
    """Distributions matched to each estradiol mean ± SD against the cut-off."""
    checks = [
        c for c in results["consistency"] if c["check"] == "threshold" and "mean" in c["numbers"]
    ]
    if not checks:
        return []
    ncols = min(4, len(checks))
    nrows = -(-len(checks) // ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(3.6 * ncols, 2.9 * nrows), squeeze=False, sharex=True
    )
    blue, orange = colours(2)
    upper = max(c["numbers"]["mean"] + 4 * c["numbers"]["sd"] for c in checks)
    grid = np.linspace(0.01, upper, 600)
    for ax, c in zip(axes.flat, checks, strict=False):
        x = c["numbers"]
        cut = x["threshold"]
        normal = stats.norm.pdf(grid, x["mean"], x["sd"])
        lognormal = stats.lognorm.pdf(grid, x["lognormal_sigma"], scale=np.exp(x["lognormal_mu"]))
        ax.plot(grid, normal, color=blue, linestyle="--", label="normal")
        ax.plot(grid, lognormal, color=orange, label="log-normal")
        ax.fill_between(grid, lognormal, where=grid < cut, color=orange, alpha=0.3)
        ax.axvline(cut, color="0.2", linewidth=1)
        study, arm, _, week = c["name"].split(": ", 1)[1].split(", cut-off")[0].split(", ")
        ax.set_title(
            f"{study}\n{arm}, {week}: {x['share_below_normal']:.0%} / "
            f"{x['share_below_lognormal']:.0%} below {cut:g}",
            fontsize=8,
        )
        ax.set_xlabel("estradiol (pg/mL)")
        ax.set_yticks([])
        ax.legend(fontsize=6, loc="upper right")
    for ax in list(axes.flat)[len(checks) :]:
        ax.set_visible(False)
    worst = max(checks, key=lambda c: c["numbers"]["share_below_lognormal"])
    fig.suptitle(
        f"Group means hide men below {worst['numbers']['threshold']:g} pg/mL: up to "
        f"{worst['numbers']['share_below_lognormal']:.0%} on anastrozole (log-normal)"
    )
    fig.tight_layout()
    caption = (
        "Estradiol distributions matched to each printed mean ± SD (normal, dashed; "
        "moment-matched log-normal, solid, shaded below the cut-off), against the 10 pg/mL "
        "threshold attributed to Finkelstein 2016. Shares: normal / log-normal."
    )
    return [save(fig, out_dir, "estradiol_threshold", caption)]


FIGURES: list[Callable[[dict[str, Any], Path], list[DrawnFigure]]] = [
    lambda results, out: [before_after(results, name, out) for name in sorted(results["trials"])],
    headline_before_after,
    forest_between_arms,
    correlation_sensitivity,
    power_curves,
    estradiol_threshold,
    pooled_hormones,
    bayes_densities,
]


def draw_all(results: dict[str, Any], out_dir: Path) -> list[DrawnFigure]:
    """Draw every figure the results support, in report order."""
    apply_theme()
    drawn: list[DrawnFigure] = []
    for draw in FIGURES:
        drawn.extend(draw(results, out_dir))
    return drawn
