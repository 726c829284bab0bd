"""The drawn figures' shared ground: theme, new figures, saving, labels."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Mapping
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from cycler import cycler
from matplotlib.colors import to_rgb

from reanalysis.report.figures.tasks import DrawnFigure

PNG_DPI = 110
# seaborn's colour-blind-safe "colorblind" palette (seaborn 0.13.2, palettes.py).
COLORBLIND = (
    "#0173b2",
    "#de8f05",
    "#029e73",
    "#d55e00",
    "#cc78bc",
    "#ca9161",
    "#fbafe4",
    "#949494",
    "#ece133",
    "#56b4e9",
)
# seaborn 0.13.2's theme, set_theme(style="whitegrid", context="notebook"), written out:
# the figure server would otherwise import seaborn, and with it pandas and scipy.stats
# (0.5 s of the report's start-up, issue 16). tests/test_figures.py checks it against
# seaborn's axes_style("whitegrid") and plotting_context("notebook"), and that a figure
# drawn with it is byte-identical to one drawn after seaborn's set_theme. Left out:
# "image.cmap": "rocket", a colormap only seaborn registers (no figure draws an image).
WHITEGRID_NOTEBOOK: dict[str, Any] = {
    # axes_style("whitegrid")
    "figure.facecolor": "white",
    "axes.labelcolor": ".15",
    "xtick.direction": "out",
    "ytick.direction": "out",
    "xtick.color": ".15",
    "ytick.color": ".15",
    "axes.axisbelow": True,
    "grid.linestyle": "-",
    "text.color": ".15",
    "font.family": ["sans-serif"],
    "font.sans-serif": [
        "Arial",
        "DejaVu Sans",
        "Liberation Sans",
        "Bitstream Vera Sans",
        "sans-serif",
    ],
    "lines.solid_capstyle": "round",
    "patch.edgecolor": "w",
    "patch.force_edgecolor": True,
    "xtick.top": False,
    "ytick.right": False,
    "axes.grid": True,
    "axes.facecolor": "white",
    "axes.edgecolor": ".8",
    "grid.color": ".8",
    "axes.spines.left": True,
    "axes.spines.bottom": True,
    "axes.spines.right": True,
    "axes.spines.top": True,
    "xtick.bottom": False,
    "ytick.left": False,
    # plotting_context("notebook")
    "axes.linewidth": 1.25,
    "grid.linewidth": 1,
    "lines.linewidth": 1.5,
    "lines.markersize": 6,
    "patch.linewidth": 1,
    "xtick.major.width": 1.25,
    "ytick.major.width": 1.25,
    "xtick.minor.width": 1,
    "ytick.minor.width": 1,
    "xtick.major.size": 6,
    "ytick.major.size": 6,
    "xtick.minor.size": 4,
    "ytick.minor.size": 4,
    "font.size": 12,
    "axes.labelsize": 12,
    "axes.titlesize": 12,
    "xtick.labelsize": 11,
    "ytick.labelsize": 11,
    "legend.fontsize": 11,
    "legend.title_fontsize": 12,
}


# The report's own settings over the theme; they also pin what would otherwise vary
# between runs. ``text.parse_math`` is off so that a ``$`` in an arm or outcome name is
# printed as itself rather than read as mathtext.
REPORT_SETTINGS: dict[str, Any] = {
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


def apply_theme() -> None:
    """The report's one theme: seaborn's whitegrid with the colorblind palette, then
    :data:`REPORT_SETTINGS`."""
    matplotlib.rcParams.update(WHITEGRID_NOTEBOOK)
    matplotlib.rcParams["axes.prop_cycle"] = cycler(color=colours(len(COLORBLIND)))
    matplotlib.rcParams.update(REPORT_SETTINGS)


def colours(n: int) -> list[tuple[float, float, float]]:
    """The first ``n`` colours of the palette, repeating it beyond its 10 (as seaborn does)."""
    return [to_rgb(COLORBLIND[i % len(COLORBLIND)]) for i in range(n)]


def figure(*args: Any, **kwargs: Any) -> tuple[plt.Figure, Any]:
    """``plt.subplots`` with constrained layout: laid out in the one draw of saving, so no
    extra pass for a tight bounding box, and titles are never clipped."""
    return plt.subplots(*args, layout="constrained", **kwargs)


def wrap_title(text: str, fig: plt.Figure) -> str:
    """Break a finding title into lines that fit the figure's width, so that it is never
    clipped: the bold 12 pt DejaVu Sans title averages about 10 characters an inch (70
    fill a 7-inch figure); 8.5 an inch leaves room for wide letters and the layout's pad."""
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


def participants(results: Mapping[str, Any]) -> str:
    return results.get("report", {}).get("participants", "participants")


def unit_label(unit: str) -> str:
    return unit.replace("cm2", "cm²")


def count(n: int, what: str) -> str:
    return f"{n} {what}" if n == 1 else f"{n} {what}s"
