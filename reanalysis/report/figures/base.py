"""The figures' shared ground: theme, figure and task types, saving, labels, and the
switch between per-trial figures and figures across trials (:func:`detailed`)."""

from __future__ import annotations

import hashlib
import io
import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import seaborn as sns

PNG_DPI = 110
PALETTE = "colorblind"
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


def apply_theme() -> None:
    """The report's one theme; also pins what would otherwise vary between runs.

    ``text.parse_math`` is off so that a ``$`` in an arm or outcome name is printed as
    itself rather than read as mathtext.
    """
    sns.set_theme(style="whitegrid", palette=PALETTE, context="notebook")
    matplotlib.rcParams.update(
        {
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
    )


def colours(n: int) -> list[tuple[float, float, float]]:
    return sns.color_palette(PALETTE, n)


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


def detailed(results: Mapping[str, Any]) -> bool:
    """Whether the report shows per-trial figures and open tables (:data:`DETAIL_TRIALS`)."""
    return len(results["trials"]) <= DETAIL_TRIALS


def participants(results: Mapping[str, Any]) -> str:
    return results.get("report", {}).get("participants", "participants")


def unit_label(unit: str) -> str:
    return unit.replace("cm2", "cm²")


def count(n: int, what: str) -> str:
    return f"{n} {what}" if n == 1 else f"{n} {what}s"
