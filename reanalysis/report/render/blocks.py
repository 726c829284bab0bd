"""The document model shared by every section: :class:`Block` and number formatting.

Numbers are formatted here, at the precision the source printed or a stated precision;
they are computed elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from reanalysis.report.figures import detailed


@dataclass(frozen=True)
class Block:
    """One element of the report: ``kind`` is h1, h2, h3, p, li, table, figure, note or
    fold (``children`` behind the summary ``text``: folded in HTML, a heading in Markdown).

    A table has as many cells in every row as in its ``header`` (a Markdown viewer drops
    the cells beyond the header's, an HTML page shows them without a heading), one class
    per row or none, and a ``caption`` naming it where the heading above it does not.
    """

    kind: str
    text: str = ""
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    figure: str = ""
    classes: tuple[str, ...] = field(default_factory=tuple)
    caption: str = ""
    children: tuple[Block, ...] = ()

    def __post_init__(self) -> None:
        if self.kind != "table":
            return
        for number, row in enumerate(self.rows, start=1):
            if len(row) != len(self.header):
                raise ValueError(
                    f"table {self.caption or self.header!r}: row {number} has {len(row)} "
                    f"cells, expected {len(self.header)} (one per header cell)"
                )
        if self.classes and len(self.classes) != len(self.rows):
            raise ValueError(
                f"table {self.caption or self.header!r}: {len(self.classes)} row classes "
                f"for {len(self.rows)} rows, expected one per row or none"
            )


def folded(results: dict[str, Any], blocks: list[Block]) -> list[Block]:
    """Each h3 and the blocks after it (up to the next h3) as one fold under the heading's
    text, when the report folds per-trial detail (more than ``DETAIL_TRIALS`` trial files);
    otherwise ``blocks`` unchanged. Blocks before the first h3 stay open."""
    if detailed(results):
        return blocks
    out: list[Block] = []
    for block in blocks:
        if block.kind == "h3":
            out.append(Block("fold", block.text))
        elif out and out[-1].kind == "fold":
            out[-1] = replace(out[-1], children=(*out[-1].children, block))
        else:
            out.append(block)
    return out


def fold(results: dict[str, Any], summary: str, blocks: list[Block]) -> list[Block]:
    """``blocks`` in one fold under ``summary`` when the report folds per-trial detail."""
    return blocks if detailed(results) else [Block("fold", summary, children=tuple(blocks))]


def across(results: dict[str, Any], figure: str) -> list[Block]:
    """The figure across all trials that replaces a section's per-trial figures when the
    report folds per-trial detail; no block otherwise."""
    return [] if detailed(results) else [Block("figure", figure=figure)]


def fmt(value: float | None, digits: int = 3) -> str:
    """Fixed significant-digit formatting for the report; '—' for a missing value."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    # '#' keeps trailing zeros (-0.0130 beside -0.0472); a bare trailing point is dropped,
    # and large numbers are printed whole rather than in exponent form.
    text = f"{value:#.{digits}g}"
    return f"{value:.0f}" if "e+" in text else text.removesuffix(".")


def fmt_p(p: float | None) -> str:
    """P-values: three decimals, two significant digits below 0.01, '< 0.0001' below that;
    '—' where there is none (e.g. no baseline printed)."""
    if p is None:
        return "—"
    return "< 0.0001" if p < 0.0001 else f"{p:.2g}" if p < 0.01 else f"{p:.3f}"


def fmt_prob(p: float) -> str:
    """A probability to two decimals, but never a false certainty: '< 0.01', '> 0.99'."""
    if p < 0.005:
        return "< 0.01"
    if p > 0.995:
        return "> 0.99"
    return f"{p:.2f}"


def fmt_share(p: float) -> str:
    """A share or a power in percent: '< 1%' and '> 99%' at the ends."""
    if p < 0.005:
        return "< 1%"
    if p > 0.995:
        return "> 99%"
    return f"{p:.0%}"


def fmt_prob_range(low: float, high: float) -> str:
    """A range of probabilities, or one value when both ends print alike."""
    a, b = fmt_prob(low), fmt_prob(high)
    return a if a == b else f"{a} to {b}"


def fmt_fixed(value: float | None, decimals: int) -> str:
    """A mean or a difference of means, to the decimals the source printed ('—' if none)."""
    return "—" if value is None else f"{value:.{decimals}f}"


def fmt_mean(record: dict[str, Any], key: str, precision: dict[str, Any] | None = None) -> str:
    """``record[key]`` to the printed decimals of ``precision`` (default: the record)."""
    return fmt_fixed(record[key], (precision or record)["decimals"])


def fmt_unit(unit: str) -> str:
    """A unit as printed: ``cm2`` becomes ``cm²``."""
    return unit.replace("cm2", "cm²")


def fmt_ci(low: float, high: float, digits: int = 3) -> str:
    """An interval as ``low to high``, each to ``digits`` significant digits."""
    return f"{fmt(low, digits)} to {fmt(high, digits)}"


def fmt_ci_of(record: dict[str, Any], prefix: str) -> str:
    """The interval stored as ``{prefix}_ci_low`` and ``{prefix}_ci_high`` in ``record``."""
    return fmt_ci(record.get(f"{prefix}_ci_low"), record.get(f"{prefix}_ci_high"))


def data_lines(record: dict[str, Any]) -> str:
    """``data/x.csv:2,3`` — the file and lines a record was computed from."""
    return f"{record['file']}:{','.join(map(str, record['rows']))}"


def verdict_class(verdict: str) -> str:
    """The CSS class of a table row carrying an audit verdict (its ``verdict`` column is
    shown with an icon: see :data:`VERDICT_ICONS`)."""
    return "verdict-" + verdict.replace(" ", "-")


# The icon of each verdict class, so that a verdict never rests on colour alone; the HTML
# page gives each a colour from Okabe and Ito's colour-blind-safe palette.
VERDICT_ICONS: dict[str, str] = {
    "verdict-supported": "✓",
    "verdict-supported-with-caveats": "⚠",
    "verdict-not-supported-by-the-cited-data": "⊘",
    "verdict-contradicted": "✗",
    "verdict-citation-error": "✗",
    "verdict-not-checkable-from-published-numbers": "?",
}


def verdict_column(block: Block) -> int | None:
    """The column of a table shown with verdict icons: the one headed ``verdict``, in a
    table whose rows carry verdict classes."""
    if block.classes and "verdict" in block.header:
        return block.header.index("verdict")
    return None
