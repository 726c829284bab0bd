"""Figures for the report, drawn from the results mapping only (never from the data files).

One theme (seaborn ``whitegrid``, the colour-blind-safe ``colorblind`` palette), units on
every axis, and a title that states the finding. Output is deterministic: SVG with a
fixed hash salt and no date, text kept as text; PNG from Agg with fixed DPI and no
timestamp.

Modules: :mod:`~reanalysis.report.figures.base` (theme, types, saving, labels),
:mod:`~reanalysis.report.figures.plots` (a pooled forest and a posterior's densities, also
for notebooks), :mod:`~reanalysis.report.figures.trials` (per trial file and per
comparison), :mod:`~reanalysis.report.figures.across` (across all trial files, beyond
``DETAIL_TRIALS`` of them) and :mod:`~reanalysis.report.figures.drawing` (which figures, and
drawing them in parallel).
"""

from reanalysis.report.figures.base import (
    DETAIL_TRIALS,
    DrawnFigure,
    FigureTask,
    apply_theme,
    detailed,
)
from reanalysis.report.figures.drawing import draw_all, plan
from reanalysis.report.figures.plots import pooled_forest, posterior_densities

__all__ = [
    "DETAIL_TRIALS",
    "DrawnFigure",
    "FigureTask",
    "apply_theme",
    "detailed",
    "draw_all",
    "plan",
    "pooled_forest",
    "posterior_densities",
]
