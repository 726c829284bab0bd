"""Figures for the report, drawn from the results mapping only (never from the data files).

One theme (seaborn's ``whitegrid`` with its colour-blind-safe ``colorblind`` palette, written
out in :mod:`~reanalysis.report.figures.base` so that drawing does not import seaborn), units on
every axis, and a title that states the finding. Output is deterministic: SVG with a
fixed hash salt and no date, text kept as text; PNG from Agg with fixed DPI and no
timestamp.

Modules: :mod:`~reanalysis.report.figures.tasks` (which figures, planned from the results;
no matplotlib), :mod:`~reanalysis.report.figures.base` (theme, saving, labels),
:mod:`~reanalysis.report.figures.plots` (a pooled forest and a posterior's densities, also
for notebooks), :mod:`~reanalysis.report.figures.trials` (per trial file and per
comparison), :mod:`~reanalysis.report.figures.across` (across all trial files, beyond
``DETAIL_TRIALS`` of them), :mod:`~reanalysis.report.figures.drawers` (each kind's drawing
function) and :mod:`~reanalysis.report.figures.drawing` (drawing them all in parallel).
Importing this package does not import matplotlib; the plots for notebooks load it when
first used.
"""

from __future__ import annotations

from typing import Any

from reanalysis.report.figures.drawing import draw_all, start_server, stop_server
from reanalysis.report.figures.tasks import (
    DETAIL_TRIALS,
    DrawnFigure,
    FigureTask,
    detailed,
    plan,
)

__all__ = [
    "DETAIL_TRIALS",
    "DrawnFigure",
    "FigureTask",
    "detailed",
    "draw_all",
    "plan",
    "pooled_forest",
    "posterior_densities",
    "start_server",
    "stop_server",
]


def __getattr__(name: str) -> Any:
    # PEP 562: the notebook plots import matplotlib, so they load on first use.
    if name in ("pooled_forest", "posterior_densities"):
        from reanalysis.report.figures import plots

        return getattr(plots, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
