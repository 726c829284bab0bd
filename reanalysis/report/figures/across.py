"""Figures across all trial files, drawn instead of the per-trial ones beyond
``DETAIL_TRIALS`` trial files: every arm's means, every comparison's power at its own n,
and every comparison's posterior probabilities. One panel per outcome (and unit), two
panels a row, so that like the per-trial figures they are 8 inches wide with text of at
least 9 pt."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
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
from reanalysis.report.figures.tasks import DETAIL_TRIALS, DrawnFigure, arm_points, power_points


def _panels(n: int) -> tuple[plt.Figure, list[Any]]:
    """A grid of ``n`` panels, two a row as in the per-trial figures, spare panels hidden."""
    ncols = min(2, n)
    nrows = -(-n // ncols)
    fig, axes = figure(nrows, ncols, figsize=(4.0 * ncols, 3.8 * nrows + 0.4), squeeze=False)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    return fig, list(axes.flat)[:n]


def arm_means(results: dict[str, Any], png: bool = False) -> DrawnFigure:
    """Every arm's mean at its last follow-up against its baseline mean, across trial files."""
    points = arm_points(results)
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
        ax.set_title(outcome_label(results, outcome), fontsize=10)
        ax.set_xlabel(f"baseline mean ({unit_label(unit)})")
        ax.set_ylabel(f"mean at last follow-up ({unit_label(unit)})")
        ax.legend(fontsize=9, loc="upper left")
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


def power_overview(results: dict[str, Any], png: bool = False) -> DrawnFigure:
    """Each comparison's power at its own n for its first design difference, by outcome."""
    by_outcome = power_points(results)
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
        ax.set_title(f"{outcome_label(results, outcome)}: {difference}", fontsize=10)
        ax.set_xlabel(f"mean {participants(results)} per arm")
        ax.set_ylabel(f"power (two-sided α = {records[0]['alpha']:g})")
    fig.suptitle(
        wrap_title(
            f"{under} of {count(total, 'comparison')} had under 80% power at their own n "
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
        ax.set_title(outcome_label(results, outcome), fontsize=10)
        ax.set_xlabel(f"P({records[0]['benefit_label']})")
        ax.set_ylabel(f"P({records[0]['harm_label']})")
    fig.suptitle(
        wrap_title(
            f"Neutral prior: harm beyond T more likely than not in {harm_total} of "
            f"{count(total, 'comparison')}, benefit beyond T in {benefit_total}",
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
