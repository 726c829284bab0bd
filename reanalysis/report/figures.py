"""Figures for the report, drawn from the results mapping only (never from the data files).

One theme (seaborn ``whitegrid``, the colour-blind-safe ``colorblind`` palette), units on
every axis, and a title that states the finding. Output is deterministic: SVG with a
fixed hash salt and no date, text kept as text; PNG from Agg with fixed DPI and no
timestamp.
"""

from __future__ import annotations

import io
import multiprocessing
import os
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
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
    """A drawn figure: its file stem, SVG text, caption, alt text and optional PNG bytes.

    ``alt`` states the figure's finding for readers who cannot see it (it is the title,
    not the caption again).
    """

    name: str
    svg: str
    caption: str
    alt: str
    png: bytes | None = None


@dataclass(frozen=True)
class FigureTask:
    """One figure to draw: the drawing function's name and its arguments (picklable)."""

    draw: str
    args: tuple[Any, ...] = ()


def apply_theme() -> None:
    """The report's one theme; also pins what would otherwise vary between runs.

    ``text.parse_math`` is off so that a ``$`` in an arm or outcome name is printed as
    itself rather than read as mathtext.
    """
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
            "text.parse_math": False,
        }
    )


def colours(n: int) -> list[tuple[float, float, float]]:
    return sns.color_palette(PALETTE, n)


def figure(*args: Any, **kwargs: Any) -> tuple[plt.Figure, Any]:
    """``plt.subplots`` with constrained layout: laid out in the one draw of saving, so no
    extra pass for a tight bounding box, and titles are never clipped."""
    return plt.subplots(*args, layout="constrained", **kwargs)


def wrap_title(text: str, width: int = 70) -> str:
    """Break a long finding title into lines so it fits the figure: 70 characters of the
    12 pt bold title fill a 7-inch figure."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def save(fig: plt.Figure, name: str, caption: str, png: bool = False) -> DrawnFigure:
    """The figure as SVG text (and PNG bytes on request), closed after drawing once."""
    title = fig._suptitle.get_text() if fig._suptitle is not None else name
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    image = None
    if png:
        raw = io.BytesIO()
        fig.savefig(raw, format="png", dpi=PNG_DPI, metadata={"Software": None})
        image = raw.getvalue()
    plt.close(fig)
    alt = " ".join(title.split())
    return DrawnFigure(name=name, svg=buffer.getvalue(), caption=caption, alt=alt, png=image)


def outcome_label(results: Mapping[str, Any], outcome: str) -> str:
    """The outcome in words, from the folder's settings (``analysis.toml``)."""
    entry = results.get("outcomes", {}).get(outcome)
    return entry["label"] if entry else outcome.replace("_", " ")


def participants(results: Mapping[str, Any]) -> str:
    return results.get("report", {}).get("participants", "participants")


def unit_label(unit: str) -> str:
    return unit.replace("cm2", "cm²")


def before_after(results: dict[str, Any], trial_name: str, png: bool = False) -> DrawnFigure:
    """Mean ± SD by timepoint for each arm and outcome of one trial file (its primary study).

    The baseline difference between arms stays visible because the y axis is not
    re-centred on each arm's baseline.
    """
    trial = results["trials"][trial_name]
    # Rows printed as change scores only have no mean ± SD at a visit to draw.
    rows = [r for r in trial["rows"] if r["mean"] is not None and r["sd"] is not None]
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
    ncols = min(2, len(panels))
    nrows = -(-len(panels) // ncols)
    fig, axes = figure(nrows, ncols, figsize=(4.0 * ncols, 3.4 * nrows), squeeze=False)
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
        ax.set_title(f"{outcome_label(results, outcome)} ({study})", fontsize=10)
        ax.set_xlabel("week (0 = baseline)")
        ax.set_ylabel(f"mean ± SD ({unit_label(panel_rows[0]['unit'])})")
        ax.legend(fontsize=9, loc="best")
    for ax in list(axes.flat)[len(panels) :]:
        ax.set_visible(False)
    assumed = any(r["n_assumed"] for r in rows)
    fig.suptitle(f"{trial_name}: arm means ± SD by timepoint as published")
    caption = (
        f"Arm means ± SD of every outcome in data/{trial_name}.csv, offset horizontally by arm."
        + (" * n assumed, not published." if assumed else "")
    )
    return save(fig, f"before_after_{trial_name}", caption, png)


def headline_tasks(results: dict[str, Any]) -> list[FigureTask]:
    """One before-and-after figure per reported treatment-vs-control result."""
    return [
        FigureTask("headline_before_after", (i,))
        for i, x in enumerate(results["reported_reanalyses"])
        if [results["trials"][x["trial"]]["arms"].get(a) for a in x["arms"]]
        == ["treatment", "control"]
    ]


def headline_before_after(results: dict[str, Any], index: int, png: bool = False) -> DrawnFigure:
    """A reported treatment-vs-control outcome before and after, arms side by side."""
    x = results["reported_reanalyses"][index]
    trial = results["trials"][x["trial"]]
    rows = [
        r
        for r in trial["rows"]
        if r["study"] == x["study"] and r["outcome"] == x["outcome"] and r["week"] in (0, x["week"])
    ]
    unit = unit_label(x["unit"])
    fig, ax = figure(figsize=(7, 4.6))
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
                fontsize=9,
                color=colour,
                va="center",
            )
    gap = x["baseline_mean"][0] - x["baseline_mean"][1]
    ax.set_xticks([0, x["week"]], ["baseline", f"week {x['week']:g}"])
    ax.set_xlim(-x["week"] * 0.15, x["week"] * 1.25)
    name = outcome_label(results, x["outcome"])
    ax.set_ylabel(f"{name}, mean ± SD ({unit})")
    ax.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.1))
    fig.suptitle(
        wrap_title(
            f"{name}: {x['arms'][0]} {x['mean_change'][0]:+.3f}, "
            f"{x['arms'][1]} {x['mean_change'][1]:+.3f} {unit}; "
            f"the arms differed by {gap:+.3f} at baseline"
        )
    )
    caption = (
        f"{x['study']}: arm means ± SD at baseline and follow-up as "
        f"published ({x['file']} lines {', '.join(map(str, x['rows']))}). The baseline gap "
        "between the randomized arms is larger than either arm's change."
        if abs(gap) > max(abs(c) for c in x["mean_change"])
        else f"{x['study']}: arm means ± SD at baseline and follow-up as published."
    )
    return save(fig, f"table_{x['id']}", caption, png)


def forest_tasks(results: dict[str, Any]) -> list[FigureTask]:
    """One forest per outcome, across every trial file that compares arms on it."""
    outcomes = dict.fromkeys(e["outcome"] for e in results["effects"] if e.get("dppc2") is not None)
    return [FigureTask("forest_between_arms", (outcome,)) for outcome in outcomes]


def _count(n: int, what: str) -> str:
    return f"{n} {what}" if n == 1 else f"{n} {what}s"


def forest_between_arms(results: dict[str, Any], outcome: str, png: bool = False) -> DrawnFigure:
    """d_ppc2 with 95% CI for every between-arm comparison of one outcome, in one call."""
    rows = [e for e in results["effects"] if e["outcome"] == outcome and e.get("dppc2") is not None]
    name = outcome_label(results, outcome)
    fig, ax = figure(figsize=(8, 0.55 * len(rows) + 1.8))
    y = np.arange(len(rows))[::-1]
    estimate = np.array([e["dppc2"] for e in rows])
    low = np.array([e["dppc2_ci_low"] for e in rows])
    high = np.array([e["dppc2_ci_high"] for e in rows])
    ax.errorbar(estimate, y, xerr=[estimate - low, high - estimate], fmt="s", capsize=4)
    labels = [
        f"{e['trial']}, week {e['week']:g}: {e['treatment']} − {e['control']}\n"
        f"(r = {e['r']:.3g}, {e['r_source']})"
        for e in rows
    ]
    ax.set_yticks(y, labels, fontsize=9)
    ax.axvline(0, color="0.4", linewidth=1)
    ax.set_xlabel("d_ppc2, standardized difference in change (baseline SD units)")
    below, above = int(np.sum(high < 0)), int(np.sum(low > 0))
    spanning = len(rows) - below - above
    fig.suptitle(
        wrap_title(
            f"{name}: of {_count(len(rows), 'comparison')}, {below} below zero, "
            f"{above} above zero, {spanning} spanning zero (95% CIs)"
        )
    )
    caption = (
        f"{name}: Morris (2008) d_ppc2 with normal-theory 95% CIs, treatment minus control "
        "(or first dose minus second), one row per comparison across trial files; r as in the "
        "effects table."
    )
    return save(fig, f"forest_{outcome}", caption, png)


def correlation_tasks(results: dict[str, Any]) -> list[FigureTask]:
    """One r-sensitivity figure per reported between-arm P."""
    return [
        FigureTask("correlation_sensitivity", (i,))
        for i in range(len(results["reported_reanalyses"]))
    ]


def correlation_sensitivity(results: dict[str, Any], index: int, png: bool = False) -> DrawnFigure:
    """p and d_ppc2 against r for a reported between-arm p, the implied r marked."""
    x = results["reported_reanalyses"][index]
    grid = x["grid"]
    rs = [g["r"] for g in grid]
    fig, (left, right) = figure(1, 2, figsize=(8, 4.2))
    blue, orange, green = colours(3)
    left.plot(rs, [g["p_change"] for g in grid], color=blue, label="change-score t-test")
    left.plot(rs, [g["p_ancova"] for g in grid], color=orange, label="ANCOVA")
    left.axhline(
        x["reported_p"], color="0.3", linestyle="--", label=f"reported P = {x['reported_p']:g}"
    )
    left.set_yscale("log")
    # Plain numbers: the default labels are mathtext, which the theme turns off.
    left.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    left.set_xlabel("pre–post correlation r")
    left.set_ylabel("two-sided p")
    right.plot(rs, [g["dppc2"] for g in grid], color=blue, label="d_ppc2 (does not depend on r)")
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
    implied = x["implied"]["change"]["implied_r"]
    for ax in (left, right):
        if x["plausible_r"]:
            ax.axvspan(
                x["plausible_r"]["low"],
                x["plausible_r"]["high"],
                color=green,
                alpha=0.15,
                label="plausible r",
            )
        if implied is not None:
            ax.axvline(implied, color=blue, linestyle=":", label=f"implied r = {implied:.3f}")
        ax.legend(fontsize=9, loc="best")
    name = outcome_label(results, x["outcome"])
    if implied is None:
        title = f"{x['study']} {name}: no r reproduces P = {x['reported_p']:g}"
    elif x["plausible_r"] is None:
        title = f"{x['study']} {name}: P = {x['reported_p']:g} needs r = {implied:.3f}"
    else:
        verdict = "inside" if x["implied"]["change"]["consistent"] else "outside"
        title = (
            f"{x['study']} {name}: P = {x['reported_p']:g} needs r = {implied:.3f}, "
            f"{verdict} the judged plausible range"
        )
    fig.suptitle(wrap_title(title))
    caption = (
        f"{x['study']}, {name}: the between-arm p-value (log scale) and d_ppc2 as the "
        "unreported pre–post correlation varies"
        + ("; the shaded band is the judged plausible range." if x["plausible_r"] else ".")
    )
    return save(fig, f"correlation_{x['id']}", caption, png)


def power_tasks(results: dict[str, Any]) -> list[FigureTask]:
    return [FigureTask("power_curves", (i,)) for i in range(len(results["power"]))]


def power_curves(results: dict[str, Any], index: int, png: bool = False) -> DrawnFigure:
    """Power against n per arm for each design difference, the trial's n marked."""
    x = results["power"][index]
    who = participants(results)
    fig, ax = figure(figsize=(8, 4.6))
    differences = list(dict.fromkeys(c["difference_label"] for c in x["curves"]))
    palette = dict(zip(differences, colours(len(differences)), strict=True))
    styles = {x["implied_r"]: "-", x["reference_r"]: "--"}
    for curve in x["curves"]:
        ax.plot(
            curve["n_per_arm"],
            curve["power"],
            color=palette[curve["difference_label"]],
            linestyle=styles.get(curve["r"], "-"),
            label=f"{curve['difference_label']}, r = {curve['r']:.3f}",
        )
    trial_n = (x["n_treatment"] + x["n_control"]) / 2
    ax.axvline(
        trial_n, color="0.3", linestyle=":", label=f"this trial (mean n {trial_n:g} per arm)"
    )
    ax.axhline(0.8, color="0.6", linewidth=0.8)
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
    ax.set_xlabel(f"{who} per arm (log scale)")
    ax.set_ylabel(f"power (two-sided α = {x['alpha']:g})")
    ax.set_ylim(0, 1)
    ax.legend(fontsize=9, loc="lower right")
    first = x["curves"][0]
    at_trial = x.get("power_at_trial_n")
    title = (
        f"{x['study']}: power to detect {first['difference_label']} was {at_trial:.0%} "
        f"at the trial's n and r = {first['r']:.3f}"
        if at_trial is not None
        else f"{x['study']}: design power against n per arm"
    )
    fig.suptitle(wrap_title(title))
    reference = f" and r = {x['reference_r']:g} (dashed)" if x["reference_r"] is not None else ""
    caption = (
        f"{x['study']}, {outcome_label(results, x['outcome'])}: exact power of the change-score "
        f"t-test against {who} per arm for each design difference, at the r the reported P "
        f"implies (solid){reference}; the dotted line marks the trial's n."
    )
    return save(fig, f"power_{x['id']}", caption, png)


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


def response_tasks(results: dict[str, Any]) -> list[FigureTask]:
    return [
        FigureTask("pooled_response", (i,))
        for i, h in enumerate(results["synthesis"]["treatment_response"])
        if any(x["group"] == "all" and "studies" in x for x in h["by_r"])
    ]


def pooled_response(results: dict[str, Any], index: int, png: bool = False) -> DrawnFigure:
    """Forest plot of an outcome's ratio of means across treatment arms (middle r)."""
    h = results["synthesis"]["treatment_response"][index]
    rs = sorted({x["r"] for x in h["by_r"]})
    middle = rs[len(rs) // 2]
    pooled = next(x for x in h["by_r"] if x["r"] == middle and x["group"] == "all")
    name = outcome_label(results, h["outcome"])
    fig, ax = figure(figsize=(7.0, 1.6 + 0.45 * (len(pooled["studies"]) + 2)))
    pooled_forest(pooled, xlabel="log ratio of means, follow-up / baseline", ax=ax)
    fig.suptitle(
        wrap_title(
            f"{name} on treatment: follow-up mean {pooled['ratio']:.2f}× baseline "
            f"(95% CI {pooled['ratio_ci'][0]:.2f} to {pooled['ratio_ci'][1]:.2f}, r = {middle:g})"
        )
    )
    caption = (
        f"{name}: log ratio of means (Lajeunesse 2011) of each treatment arm at its first "
        f"follow-up, REML pooled, r = {middle:g}; squares sized by weight, diamond the 95% CI, "
        f"grey bar the prediction interval. Hypothesis-generating (k = {pooled['k']})."
    )
    return save(fig, f"pooled_{h['outcome']}", caption, png)


def bayes_tasks(results: dict[str, Any]) -> list[FigureTask]:
    return [FigureTask("bayes_densities", (i,)) for i in range(len(results["bayes"]))]


def bayes_densities(results: dict[str, Any], index: int, png: bool = False) -> DrawnFigure:
    """Prior, likelihood and posterior under each named prior, at the r used."""
    b = results["bayes"][index]
    posteriors = b["at_implied_r"]
    fig, axes = figure(1, len(posteriors), figsize=(min(8, 4 * len(posteriors)), 3.8), sharey=True)
    harm = b["harm_label"]
    panels = list(np.atleast_1d(axes))
    for ax, posterior in zip(panels, posteriors, strict=True):
        posterior_densities(
            posterior, xlabel=f"difference in change ({unit_label(b['unit'])})", ax=ax
        )
        ax.set_title(f"{posterior['prior']}:\nP({harm}) = {posterior['p_harm']:.2f}", fontsize=10)
        ax.get_legend().remove()
    # One legend below the panels: at 9 pt, one inside each narrow panel hid its curves.
    legends = [ax.get_legend_handles_labels() for ax in panels]
    handles, labels = max(legends, key=lambda legend: len(legend[1]))
    fig.legend(handles, labels, loc="outside lower center", ncols=len(labels), fontsize=9)
    neutral = next((p for p in posteriors if p["prior"] == "neutral"), posteriors[0])
    name = outcome_label(results, b["outcome"])
    fig.suptitle(
        wrap_title(
            f"{b['study']} {name}: P({harm}) = {neutral['p_harm']:.2f} under the neutral "
            f"prior at r = {b['implied_r']:.3f} ({b['p_harm_range_text']} across the plausible r)"
        )
    )
    caption = (
        f"{b['study']}, {name}: prior (dotted), likelihood (dashed) and posterior "
        f"(solid) at r = {b['implied_r']:.3f}; T = {b['threshold']:.4g} {unit_label(b['unit'])}"
        f" ({b['threshold_source']})."
    )
    return save(fig, f"bayes_{b['id']}", caption, png)


def threshold_tasks(results: dict[str, Any]) -> list[FigureTask]:
    outcomes = dict.fromkeys(t["outcome"] for t in results.get("thresholds", []))
    return [FigureTask("threshold_shares", (outcome,)) for outcome in outcomes]


def threshold_shares(results: dict[str, Any], outcome: str, png: bool = False) -> DrawnFigure:
    """Distributions matched to each group's mean ± SD of one outcome against its cut-off."""
    rows = [t for t in results["thresholds"] if t["outcome"] == outcome]
    ncols = min(2, len(rows))
    nrows = -(-len(rows) // ncols)
    fig, axes = figure(nrows, ncols, figsize=(4.0 * ncols, 3.0 * nrows + 0.6), squeeze=False)
    blue, orange = colours(2)
    upper = max(t["mean"] + 4 * t["sd"] for t in rows)
    grid = np.linspace(upper / 600, upper, 600)
    name, who = outcome_label(results, outcome), participants(results)
    for ax, t in zip(axes.flat, rows, strict=False):
        cut = t["threshold"]
        normal = stats.norm.pdf(grid, t["mean"], t["sd"])
        lognormal = stats.lognorm.pdf(grid, t["lognormal_sigma"], scale=np.exp(t["lognormal_mu"]))
        ax.plot(grid, normal, color=blue, linestyle="--", label="normal")
        ax.plot(grid, lognormal, color=orange, label="log-normal")
        beyond = grid < cut if t["side"] == "below" else grid > cut
        ax.fill_between(grid, lognormal, where=beyond, color=orange, alpha=0.3)
        ax.axvline(cut, color="0.2", linewidth=1)
        ax.set_title(
            f"{t['study']}\n{t['arm']}, {t['timepoint']}: {t['share_beyond_normal']:.0%} / "
            f"{t['share_beyond_lognormal']:.0%} {t['side']} {cut:g}",
            fontsize=9,
        )
        ax.set_xlabel(f"{name} ({unit_label(t['unit'])})")
        ax.set_yticks([])
        ax.legend(fontsize=9, loc="upper right")
    for ax in list(axes.flat)[len(rows) :]:
        ax.set_visible(False)
    worst = max(rows, key=lambda t: t["share_beyond_lognormal"])
    fig.suptitle(
        wrap_title(
            f"{name}: group means hide {who} {worst['side']} {worst['threshold']:g} "
            f"{unit_label(worst['unit'])}: up to {worst['share_beyond_lognormal']:.0%} of one "
            f"group ({worst['arm']}, {worst['timepoint']}; log-normal)"
        )
    )
    caption = (
        f"{name}: distributions matched to each printed mean ± SD (normal, dashed; "
        f"moment-matched log-normal, solid, shaded {worst['side']} the cut-off), against the "
        f"{worst['threshold']:g} {unit_label(worst['unit'])} threshold of analysis.toml. "
        "Shares: normal / log-normal."
    )
    return save(fig, f"threshold_{outcome}", caption, png)


def trial_tasks(results: dict[str, Any]) -> list[FigureTask]:
    """One before/after figure per trial file that has a mean ± SD at some visit."""
    return [
        FigureTask("before_after", (name,))
        for name in sorted(results["trials"])
        if any(
            r["mean"] is not None and r["sd"] is not None for r in results["trials"][name]["rows"]
        )
    ]


# Figures in report order: each planner lists the figures its data supports.
PLANNERS: tuple[Callable[[dict[str, Any]], list[FigureTask]], ...] = (
    trial_tasks,
    headline_tasks,
    forest_tasks,
    correlation_tasks,
    power_tasks,
    threshold_tasks,
    response_tasks,
    bayes_tasks,
)
DRAWERS: dict[str, Callable[..., DrawnFigure]] = {
    "before_after": before_after,
    "headline_before_after": headline_before_after,
    "forest_between_arms": forest_between_arms,
    "correlation_sensitivity": correlation_sensitivity,
    "power_curves": power_curves,
    "threshold_shares": threshold_shares,
    "pooled_response": pooled_response,
    "bayes_densities": bayes_densities,
}

# Worker state: set before the pool forks, so the results are inherited, not pickled.
_STATE: dict[str, Any] = {}


def _draw(task: FigureTask) -> DrawnFigure:
    apply_theme()
    return DRAWERS[task.draw](_STATE["results"], *task.args, png=_STATE["png"])


def plan(results: dict[str, Any]) -> list[FigureTask]:
    """Every figure the results support, in report order."""
    return [task for planner in PLANNERS for task in planner(results)]


def draw_all(
    results: dict[str, Any], *, png: bool = False, workers: int | None = None
) -> list[DrawnFigure]:
    """Draw every figure, one process-pool task per figure, in report order.

    Each figure is drawn from the same results with the same theme whichever process
    draws it, so the output is byte-identical to a serial build (``workers=1``).
    """
    tasks = plan(results)
    _STATE.update(results=results, png=png)
    workers = min(len(tasks), workers or os.cpu_count() or 1)
    try:
        if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
            return [_draw(task) for task in tasks]
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            return list(pool.map(_draw, tasks))
    finally:
        _STATE.clear()
