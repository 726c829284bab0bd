"""The drawing function of each kind of figure, by the name a
:class:`~reanalysis.report.figures.tasks.FigureTask` carries, and drawing one task."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reanalysis.report.figures import across, trials
from reanalysis.report.figures.base import apply_theme
from reanalysis.report.figures.tasks import DrawnFigure, FigureTask

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


def draw(results: dict[str, Any], task: FigureTask, png: bool = False) -> DrawnFigure:
    """Draw one figure with the report's theme, the same in any process."""
    apply_theme()
    return DRAWERS[task.draw](results, *task.args, png=png)
