"""Which figures the report draws, planned from the results alone: the figure and task
types, the per-trial/across-trials switch (:func:`detailed`) and one planner per kind of
figure. Nothing here imports matplotlib, so the report's text can be rendered, and the
figures planned, without loading it."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

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

    @property
    def file_stem(self) -> str:
        """The figure's file name without suffix: its name with anything but letters,
        digits, ``_``, ``.`` and ``-`` replaced, so an outcome id such as ``a/b`` or
        ``x$y`` cannot make a path; a hash of the name keeps two such names apart."""
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", self.name).strip(".") or "figure"
        if safe == self.name:
            return safe
        return f"{safe}-{hashlib.sha256(self.name.encode('utf-8')).hexdigest()[:8]}"


@dataclass(frozen=True)
class FigureTask:
    """One figure to draw: the drawing function's name and its arguments (picklable)."""

    draw: str
    args: tuple[Any, ...] = ()


def detailed(results: Mapping[str, Any]) -> bool:
    """Whether the report shows per-trial figures and open tables (:data:`DETAIL_TRIALS`)."""
    return len(results["trials"]) <= DETAIL_TRIALS


def arm_points(results: dict[str, Any]) -> dict[tuple[str, str], list[tuple[float, float, str]]]:
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


def power_points(results: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Power records with a power at the trial's own n, by outcome."""
    by_outcome: dict[str, list[dict[str, Any]]] = {}
    for x in results["power"]:
        if x.get("power_at_trial_n") is not None:
            by_outcome.setdefault(x["outcome"], []).append(x)
    return by_outcome


def trial_tasks(results: dict[str, Any]) -> list[FigureTask]:
    """One before/after figure per trial file that has a mean ± SD at some visit; beyond
    :data:`DETAIL_TRIALS` trial files, one figure of every arm's means instead."""
    if not detailed(results):
        return [FigureTask("arm_means")] if arm_points(results) else []
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
        return [FigureTask("power_overview")] if power_points(results) else []
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


def plan(results: dict[str, Any]) -> list[FigureTask]:
    """Every figure the results support, in report order."""
    return [task for planner in PLANNERS for task in planner(results)]


# Panels of the drawers that always draw the same number; the others are counted below.
_FIXED_PANELS = {"correlation_sensitivity": 2, "bayes_densities": 3}


def panels_of(results: dict[str, Any], task: FigureTask) -> int:
    """Panels (or, for a forest, every 8 rows) a figure holds: a proxy for its drawing time."""
    if task.draw == "before_after":
        return len(results["trials"][task.args[0]]["outcomes"])
    if task.draw == "threshold_shares":
        rows = sum(t["outcome"] == task.args[0] for t in results["thresholds"])
        return min(rows, MAX_PANELS)
    if task.draw == "forest_between_arms":
        return 1 + sum(e["outcome"] == task.args[0] for e in results["effects"]) // 8
    return _FIXED_PANELS.get(task.draw, 1)
