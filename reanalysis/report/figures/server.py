"""Imported by the fork server that draws the report's figures (see
:mod:`reanalysis.report.figures.drawing`), never by the report itself.

Importing it loads matplotlib and every drawing function and draws one small
figure, so that fonts and text layout are loaded once, in the server, while the results
are being computed in the main process; every worker forked from the server inherits
them. It ends by freezing the garbage collector's view of what it loaded (``gc.freeze``,
meant for processes that fork without exec): forked workers then share those pages
instead of copying them, and the server exits without collecting them one by one.
"""

import gc

from reanalysis.report.figures.base import apply_theme, figure, save
from reanalysis.report.figures.drawers import DRAWERS  # noqa: F401  (loaded for the workers)


def _warm_up() -> None:
    apply_theme()
    fig, ax = figure(figsize=(5, 3.5))
    ax.errorbar([1, 2], [1, 2], yerr=[0.5, 0.5], marker="o", capsize=3, label="warm-up")
    ax.set_yscale("log")
    ax.set_title("warm-up", fontsize=9)
    ax.legend(fontsize=7)
    fig.suptitle("warm-up")
    save(fig, "warm-up", "")


_warm_up()
gc.freeze()
