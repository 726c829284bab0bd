"""Figures per trial file and per comparison, drawn up to ``DETAIL_TRIALS`` trial files
(beyond it, :mod:`reanalysis.report.figures.across` draws one figure across trials in place
of the before/after, power-curve and posterior figures)."""

from __future__ import annotations

from typing import Any

import matplotlib.ticker
import numpy as np

from reanalysis.report.figures.base import (
    colours,
    count,
    figure,
    outcome_label,
    participants,
    save,
    unit_label,
    wrap_title,
)
from reanalysis.report.figures.plots import pooled_forest, posterior_densities
from reanalysis.report.figures.tasks import MAX_PANELS, DrawnFigure
from reanalysis.report.render.blocks import fmt_prob, fmt_prob_range
from reanalysis.stats.densities import lognormal_pdf, normal_pdf


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
            f"{name}: of {count(len(rows), 'comparison')}, {below} below zero, "
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


def correlation_sensitivity(results: dict[str, Any], index: int, png: bool = False) -> DrawnFigure:
    """p and d_ppc2 against r for a reported between-arm p, the implied r marked."""
    x = results["reported_reanalyses"][index]
    grid = x["grid"]  # column-wise: one list per result, over r
    rs = grid["r"]
    fig, (left, right) = figure(1, 2, figsize=(8, 4.2))
    blue, orange, green = colours(3)
    left.plot(rs, grid["p_change"], color=blue, label="change-score t-test")
    left.plot(rs, grid["p_ancova"], color=orange, label="ANCOVA")
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
    right.plot(rs, grid["dppc2"], color=blue, label="d_ppc2 (does not depend on r)")
    right.fill_between(
        rs,
        grid["dppc2_ci_low"],
        grid["dppc2_ci_high"],
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
            results["power_n_per_arm"],
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
        ax.set_title(
            f"{posterior['prior']}:\nP({harm}) = {fmt_prob(posterior['p_harm'])}", fontsize=10
        )
        ax.get_legend().remove()
    # One legend below the panels: at 9 pt, one inside each narrow panel hid its curves.
    legends = [ax.get_legend_handles_labels() for ax in panels]
    handles, labels = max(legends, key=lambda legend: len(legend[1]))
    fig.legend(handles, labels, loc="outside lower center", ncols=len(labels), fontsize=9)
    neutral = next((p for p in posteriors if p["prior"] == "neutral"), posteriors[0])
    name = outcome_label(results, b["outcome"])
    fig.suptitle(
        wrap_title(
            f"{b['study']} {name}: P({harm}) = {fmt_prob(neutral['p_harm'])} under the neutral "
            f"prior at r = {b['implied_r']:.3f} ("
            + (fmt_prob_range(*b["p_harm_range"]) if b.get("p_harm_range") else "no range")
            + " across the plausible r)",
            fig,
        )
    )
    caption = (
        f"{b['study']}, {name}: prior (dotted), likelihood (dashed) and posterior "
        f"(solid) at r = {b['implied_r']:.3f}; T = {b['threshold']:.4g} {unit_label(b['unit'])}"
        f" ({b['threshold_source']})."
    )
    return save(fig, f"bayes_{b['id']}", caption, png)


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
        normal = normal_pdf(grid, t["mean"], t["sd"])
        lognormal = lognormal_pdf(grid, t["lognormal_mu"], t["lognormal_sigma"])
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
