"""Plots of one result mapping, for the report and for notebooks: a pooled forest and a
posterior's densities. Each draws on a given axes or on a new figure and returns the Figure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Polygon

from reanalysis.stats.densities import normal_pdf


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
        ax.plot(grid, normal_pdf(grid, mean, sd), ls=style, color="black", label=name)
    ax.axvline(0, color="grey", lw=0.8)
    ax.axvline(-threshold, color="grey", lw=0.8, ls="-.", label=f"−T = {-threshold:.4g}")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("Density")
    ax.legend(frameon=False)
    return fig
