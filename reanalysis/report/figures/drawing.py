"""Which figures the report draws (one planner per kind, in report order) and drawing them
all in a process pool."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from reanalysis.report.figures import across, trials
from reanalysis.report.figures.base import (
    MAX_PANELS,
    DrawnFigure,
    FigureTask,
    apply_theme,
    detailed,
    figure,
    save,
)


def trial_tasks(results: dict[str, Any]) -> list[FigureTask]:
    """One before/after figure per trial file that has a mean ± SD at some visit; beyond
    :data:`DETAIL_TRIALS` trial files, one figure of every arm's means instead."""
    if not detailed(results):
        return [FigureTask("arm_means")] if across.arm_points(results) else []
    return [
        FigureTask("before_after", (name,))
        for name in sorted(results["trials"])
        if any(
            r["mean"] is not None and r["sd"] is not None for r in results["trials"][name]["rows"]
        )
    ]


def headline_tasks(results: dict[str, Any]) -> list[FigureTask]:
    """One before-and-after figure per reported treatment-vs-control result."""
    return [
        FigureTask("headline_before_after", (i,))
        for i, x in enumerate(results["reported_reanalyses"])
        if [results["trials"][x["trial"]]["arms"].get(a) for a in x["arms"]]
        == ["treatment", "control"]
    ]


def forest_tasks(results: dict[str, Any]) -> list[FigureTask]:
    """One forest per outcome, across every trial file that compares arms on it."""
    outcomes = dict.fromkeys(e["outcome"] for e in results["effects"] if e.get("dppc2") is not None)
    return [FigureTask("forest_between_arms", (outcome,)) for outcome in outcomes]


def correlation_tasks(results: dict[str, Any]) -> list[FigureTask]:
    """One r-sensitivity figure per reported between-arm P."""
    return [
        FigureTask("correlation_sensitivity", (i,))
        for i in range(len(results["reported_reanalyses"]))
    ]


def power_tasks(results: dict[str, Any]) -> list[FigureTask]:
    if not detailed(results):
        return [FigureTask("power_overview")] if across.power_points(results) else []
    return [FigureTask("power_curves", (i,)) for i in range(len(results["power"]))]


def threshold_tasks(results: dict[str, Any]) -> list[FigureTask]:
    outcomes = dict.fromkeys(t["outcome"] for t in results.get("thresholds", []))
    return [FigureTask("threshold_shares", (outcome,)) for outcome in outcomes]


def response_tasks(results: dict[str, Any]) -> list[FigureTask]:
    return [
        FigureTask("pooled_response", (i,))
        for i, h in enumerate(results["synthesis"]["treatment_response"])
        if any(x["group"] == "all" and "studies" in x for x in h["by_r"])
    ]


def bayes_tasks(results: dict[str, Any]) -> list[FigureTask]:
    if not detailed(results):
        return [FigureTask("bayes_overview")] if results["bayes"] else []
    return [FigureTask("bayes_densities", (i,)) for i in range(len(results["bayes"]))]


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
    "before_after": trials.before_after,
    "headline_before_after": trials.headline_before_after,
    "forest_between_arms": trials.forest_between_arms,
    "correlation_sensitivity": trials.correlation_sensitivity,
    "power_curves": trials.power_curves,
    "threshold_shares": trials.threshold_shares,
    "pooled_response": trials.pooled_response,
    "bayes_densities": trials.bayes_densities,
    "arm_means": across.arm_means,
    "power_overview": across.power_overview,
    "bayes_overview": across.bayes_overview,
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
