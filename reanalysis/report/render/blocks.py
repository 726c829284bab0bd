"""The document model shared by every section: :class:`Block` and number formatting.

Numbers are formatted here, at the precision the source printed or a stated precision;
they are computed elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Block:
    """One element of the report: ``kind`` is h1, h2, h3, p, li, table, figure or note.

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
