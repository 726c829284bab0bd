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
# Up to this many trial files the report draws figures per trial and per comparison and
# shows every table open; beyond it, one figure across all trials replaces each kind of
# per-trial figure and the per-trial detail is folded, so the page stays readable and
# small (about 60 kB per inline figure: 100 trials drew 500 figures, 20 MB).
DETAIL_TRIALS = 10
# A threshold figure shows at most this many groups: those with the largest shares.
MAX_PANELS = 12


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


def wrap_title(text: str, fig: plt.Figure) -> str:
    """Break a finding title into lines that fit the figure's width, so that it is never
    clipped: the bold 12 pt DejaVu Sans title averages about 10 characters an inch (70
    fill a 7-inch figure); 8.5 an inch leaves room for wide letters and the layout's pad."""
    import textwrap

    return "\n".join(textwrap.wrap(text, int(8.5 * fig.get_figwidth()))) or text


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


def detailed(results: Mapping[str, Any]) -> bool:
    """Whether the report shows per-trial figures and open tables (:data:`DETAIL_TRIALS`)."""
    return len(results["trials"]) <= DETAIL_TRIALS


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
    fig.suptitle(wrap_title(f"{trial_name}: arm means ± SD by timepoint as published", fig))
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
            f"the arms differed by {gap:+.3f} at baseline",
            fig,
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
    # Half a row above and below, not matplotlib's 5% of the range (6 empty rows at 116).
    ax.set_ylim(-0.6, len(rows) - 0.4)
    if len(rows) > 20:  # a tall forest gets its scale at the top too
        ax.tick_params(axis="x", labeltop=True)
    ax.axvline(0, color="0.4", linewidth=1)
    ax.set_xlabel("d_ppc2, standardized difference in change (baseline SD units)")
    below, above = int(np.sum(high < 0)), int(np.sum(low > 0))
    spanning = len(rows) - below - above
    fig.suptitle(
        wrap_title(
            f"{name}: of {_count(len(rows), 'comparison')}, {below} below zero, "
            f"{above} above zero, {spanning} spanning zero (95% CIs)",
            fig,
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
    # Minor ticks are not drawn in this theme; not making them saves a third of the time.
    left.yaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    # Plain labels (0.001, 1e-06): with text.parse_math off, the default log labels would
    # print their mathtext source, "$\\mathdefault{10^{-3}}$".
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
    fig.suptitle(wrap_title(title, fig))
    caption = (
        f"{x['study']}, {name}: the between-arm p-value (log scale) and d_ppc2 as the "
        "unreported pre–post correlation varies"
        + ("; the shaded band is the judged plausible range." if x["plausible_r"] else ".")
    )
    return save(fig, f"correlation_{x['id']}", caption, png)


def power_tasks(results: dict[str, Any]) -> list[FigureTask]:
    if not detailed(results):
        return [FigureTask("power_overview")] if _power_points(results) else []
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
    ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
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
    fig.suptitle(wrap_title(title, fig))
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
            f"(95% CI {pooled['ratio_ci'][0]:.2f} to {pooled['ratio_ci'][1]:.2f}, r = {middle:g})",
            fig,
        )
    )
    caption = (
        f"{name}: log ratio of means (Lajeunesse 2011) of each treatment arm at its first "
        f"follow-up, REML pooled, r = {middle:g}; squares sized by weight, diamond the 95% CI, "
        f"grey bar the prediction interval. Hypothesis-generating (k = {pooled['k']})."
    )
    return save(fig, f"pooled_{h['outcome']}", caption, png)


def bayes_tasks(results: dict[str, Any]) -> list[FigureTask]:
    if not detailed(results):
        return [FigureTask("bayes_overview")] if results["bayes"] else []
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
            f"prior at r = {b['implied_r']:.3f} ({b['p_harm_range_text']} across the plausible r)",
            fig,
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
    every = [t for t in results["thresholds"] if t["outcome"] == outcome]
    # Beyond MAX_PANELS groups, the groups with the largest shares, in table order.
    shown = sorted(every, key=lambda t: -t["share_beyond_lognormal"])[:MAX_PANELS]
    rows = [t for t in every if t in shown]
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
            f"group ({worst['arm']}, {worst['timepoint']}; log-normal)",
            fig,
        )
    )
    caption = (
        f"{name}: distributions matched to each printed mean ± SD (normal, dashed; "
        f"moment-matched log-normal, solid, shaded {worst['side']} the cut-off), against the "
        f"{worst['threshold']:g} {unit_label(worst['unit'])} threshold of analysis.toml. "
        "Shares: normal / log-normal."
        + (
            f" The {len(rows)} of {len(every)} groups with the largest log-normal shares are "
            "shown; the table lists all."
            if len(rows) < len(every)
            else ""
        )
    )
    return save(fig, f"threshold_{outcome}", caption, png)


def trial_tasks(results: dict[str, Any]) -> list[FigureTask]:
    """One before/after figure per trial file that has a mean ± SD at some visit; beyond
    :data:`DETAIL_TRIALS` trial files, one figure of every arm's means instead."""
    if not detailed(results):
        return [FigureTask("arm_means")] if _arm_points(results) else []
    return [
        FigureTask("before_after", (name,))
        for name in sorted(results["trials"])
        if any(
            r["mean"] is not None and r["sd"] is not None for r in results["trials"][name]["rows"]
        )
    ]


# --- figures across all trials, drawn instead of per-trial ones beyond DETAIL_TRIALS ----


def _panels(count: int) -> tuple[plt.Figure, list[Any]]:
    """A grid of up to three panels a row, spare panels hidden."""
    ncols = min(3, count)
    nrows = -(-count // ncols)
    fig, axes = figure(nrows, ncols, figsize=(4.4 * ncols, 3.8 * nrows + 0.4), squeeze=False)
    for ax in list(axes.flat)[count:]:
        ax.set_visible(False)
    return fig, list(axes.flat)[:count]


def _arm_points(results: dict[str, Any]) -> dict[tuple[str, str], list[tuple[float, float, str]]]:
    """(baseline mean, mean at the last follow-up, role) of every arm and study, by
    (outcome, unit): arms measured in different units are never drawn on one axis."""
    points: dict[tuple[str, str], list[tuple[float, float, str]]] = {}
    for trial in results["trials"].values():
        series: dict[tuple[str, str, str, str], list[dict[str, Any]]] = {}
        # Rows printed as change scores only have no mean at a visit to draw.
        for r in (r for r in trial["rows"] if r["mean"] is not None):
            series.setdefault((r["study"], r["outcome"], r["unit"], r["arm"]), []).append(r)
        for (_, outcome, unit, arm), rows in series.items():
            baseline = [r for r in rows if r["week"] == 0]
            last = max(rows, key=lambda r: r["week"])
            if baseline and last["week"] > 0:
                role = trial["arms"][arm]
                points.setdefault((outcome, unit), []).append(
                    (baseline[0]["mean"], last["mean"], role)
                )
    return points


def arm_means(results: dict[str, Any], png: bool = False) -> DrawnFigure:
    """Every arm's mean at its last follow-up against its baseline mean, across trial files."""
    points = _arm_points(results)
    fig, axes = _panels(len(points))
    palette = dict(zip(("treatment", "control"), colours(2), strict=True))
    for ax, ((outcome, unit), xy) in zip(axes, points.items(), strict=True):
        low = min(min(b, f) for b, f, _ in xy)
        high = max(max(b, f) for b, f, _ in xy)
        ax.plot([low, high], [low, high], color="0.5", linestyle="--", linewidth=1)
        for role in ("treatment", "control"):
            arms = [(b, f) for b, f, r in xy if r == role]
            if arms:
                median = float(np.median([f - b for b, f in arms]))
                label = f"{role} arms (median change {median:+.3g})"
                ax.scatter(*zip(*arms, strict=True), s=14, color=palette[role], label=label)
        ax.set_title(outcome_label(results, outcome), fontsize=9)
        ax.set_xlabel(f"baseline mean ({unit_label(unit)})")
        ax.set_ylabel(f"mean at last follow-up ({unit_label(unit)})")
        ax.legend(fontsize=7, loc="upper left")
    arms = sum(len(xy) for xy in points.values())
    fig.suptitle(
        wrap_title(
            f"{arms} arms of {len(results['trials'])} trial files: mean at the last follow-up "
            "against baseline (points off the dashed line changed)",
            fig,
        )
    )
    caption = (
        "Arm means at baseline and at each arm's last follow-up as published, one point per "
        f"arm, study and outcome. With more than {DETAIL_TRIALS} trial files this figure "
        "replaces the per-trial figures; every row is in the data section's tables."
    )
    return save(fig, "arm_means", caption, png)


def _power_points(results: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Power records with a power at the trial's own n, by outcome."""
    by_outcome: dict[str, list[dict[str, Any]]] = {}
    for x in results["power"]:
        if x.get("power_at_trial_n") is not None:
            by_outcome.setdefault(x["outcome"], []).append(x)
    return by_outcome


def power_overview(results: dict[str, Any], png: bool = False) -> DrawnFigure:
    """Each comparison's power at its own n for its first design difference, by outcome."""
    by_outcome = _power_points(results)
    fig, axes = _panels(len(by_outcome))
    blue = colours(1)[0]
    total = under = 0
    for ax, (outcome, records) in zip(axes, by_outcome.items(), strict=True):
        n = [(x["n_treatment"] + x["n_control"]) / 2 for x in records]
        power = [x["power_at_trial_n"] for x in records]
        total += len(power)
        under += sum(p < 0.8 for p in power)
        ax.scatter(n, power, s=14, color=blue)
        ax.axhline(0.8, color="0.6", linewidth=0.8)
        ax.set_ylim(-0.02, 1.02)
        labels = sorted({x["design_difference_labels"][0] for x in records})
        difference = labels[0] if len(labels) == 1 else "each comparison's design difference"
        ax.set_title(f"{outcome_label(results, outcome)}: {difference}", fontsize=9)
        ax.set_xlabel(f"mean {participants(results)} per arm")
        ax.set_ylabel(f"power (two-sided α = {records[0]['alpha']:g})")
    fig.suptitle(
        wrap_title(
            f"{under} of {_count(total, 'comparison')} had under 80% power at their own n "
            "for their outcome's design difference",
            fig,
        )
    )
    caption = (
        "Exact power of the change-score t-test at each comparison's own n and r, for the first "
        "design difference of its outcome (analysis.toml); one point per comparison, the grey "
        f"line at 80%. With more than {DETAIL_TRIALS} trial files this figure replaces the "
        "power curves of each comparison; the power section's tables give every number."
    )
    return save(fig, "power_overview", caption, png)


def bayes_overview(results: dict[str, Any], png: bool = False) -> DrawnFigure:
    """Each comparison's posterior P(benefit) and P(harm) beyond T (neutral prior), by outcome."""
    by_outcome: dict[str, list[dict[str, Any]]] = {}
    for b in results["bayes"]:
        by_outcome.setdefault(b["outcome"], []).append(b)
    fig, axes = _panels(len(by_outcome))
    blue = colours(1)[0]
    harm_total = benefit_total = total = 0
    for ax, (outcome, records) in zip(axes, by_outcome.items(), strict=True):
        neutral = [
            next((p for p in b["at_implied_r"] if p["prior"] == "neutral"), b["at_implied_r"][0])
            for b in records
        ]
        benefit = [p["p_benefit"] for p in neutral]
        harm = [p["p_harm"] for p in neutral]
        total += len(neutral)
        harm_total += sum(p > 0.5 for p in harm)
        benefit_total += sum(p > 0.5 for p in benefit)
        ax.plot([0, 1], [1, 0], color="0.6", linestyle=":", linewidth=1)
        ax.scatter(benefit, harm, s=14, color=blue)
        ax.set_xlim(-0.02, 1.02)
        ax.set_ylim(-0.02, 1.02)
        ax.set_title(outcome_label(results, outcome), fontsize=9)
        ax.set_xlabel(f"P({records[0]['benefit_label']})")
        ax.set_ylabel(f"P({records[0]['harm_label']})")
    fig.suptitle(
        wrap_title(
            f"Neutral prior: harm beyond T more likely than not in {harm_total} of "
            f"{_count(total, 'comparison')}, benefit beyond T in {benefit_total}",
            fig,
        )
    )
    caption = (
        "Posterior probabilities of a difference in change beyond the outcome's minimal "
        "important difference T in either direction, under the neutral prior at each "
        "comparison's r; one point per comparison (the dotted line: the two sum to 1). With "
        f"more than {DETAIL_TRIALS} trial files this figure replaces the per-comparison "
        "densities; the Bayesian section's tables give every prior."
    )
    return save(fig, "bayes_overview", caption, png)


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
    "arm_means": arm_means,
    "power_overview": power_overview,
    "bayes_overview": bayes_overview,
}

# Worker state: set before the pool forks, so the results are inherited, not pickled.
_STATE: dict[str, Any] = {}


def _draw(task: FigureTask) -> DrawnFigure:
    apply_theme()
    return DRAWERS[task.draw](_STATE["results"], *task.args, png=_STATE["png"])


def plan(results: dict[str, Any]) -> list[FigureTask]:
    """Every figure the results support, in report order."""
    return [task for planner in PLANNERS for task in planner(results)]


# Panels of the drawers that always draw the same number; the others are counted below.
_FIXED_PANELS = {"correlation_sensitivity": 2, "bayes_densities": 3}


def _panels_of(results: dict[str, Any], task: FigureTask) -> int:
    """Panels (or, for a forest, every 8 rows) a figure holds: a proxy for its drawing time."""
    if task.draw == "before_after":
        return len(results["trials"][task.args[0]]["outcomes"])
    if task.draw == "threshold_shares":
        rows = sum(t["outcome"] == task.args[0] for t in results["thresholds"])
        return min(rows, MAX_PANELS)
    if task.draw == "forest_between_arms":
        return 1 + sum(e["outcome"] == task.args[0] for e in results["effects"]) // 8
    return _FIXED_PANELS.get(task.draw, 1)


def _warm_up() -> None:
    """Draw one small figure so that fonts and text layout are loaded once, in the parent,
    and inherited by every worker instead of loaded by each (about 0.4 s each)."""
    apply_theme()
    fig, ax = figure(figsize=(5, 3.5))
    ax.errorbar([1, 2], [1, 2], yerr=[0.5, 0.5], marker="o", capsize=3, label="warm-up")
    ax.set_yscale("log")
    ax.set_title("warm-up", fontsize=9)
    ax.legend(fontsize=7)
    fig.suptitle("warm-up")
    save(fig, "warm-up", "")


def draw_all(
    results: dict[str, Any], *, png: bool = False, workers: int | None = None
) -> list[DrawnFigure]:
    """Draw every figure, one process-pool task per figure, returned in report order.

    Each figure is drawn from the same results with the same theme whichever process
    draws it, so the output is byte-identical to a serial build (``workers=1``). Tasks
    are handed out largest first (by panels), so that no worker is left with a large
    figure at the end while the others idle.
    """
    tasks = plan(results)
    _STATE.update(results=results, png=png)
    workers = min(len(tasks), workers or os.cpu_count() or 1)
    try:
        if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
            return [_draw(task) for task in tasks]
        _warm_up()
        order = sorted(range(len(tasks)), key=lambda i: -_panels_of(results, tasks[i]))
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            drawn = dict(zip(order, pool.map(_draw, [tasks[i] for i in order]), strict=True))
        return [drawn[i] for i in range(len(tasks))]
    finally:
        _STATE.clear()
