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
    fold (``children`` behind the summary ``text``: folded in HTML, a heading in Markdown)."""

    kind: str
    text: str = ""
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    figure: str = ""
    classes: tuple[str, ...] = field(default_factory=tuple)
    children: tuple[Block, ...] = ()


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


def fmt_p(p: float) -> str:
    """P-values: three decimals, two significant digits below 0.01, '< 0.0001' below that."""
    return "< 0.0001" if p < 0.0001 else f"{p:.2g}" if p < 0.01 else f"{p:.3f}"


def fmt_fixed(value: float, decimals: int) -> str:
    """A mean or a difference of means, to the decimals the source printed."""
    return f"{value:.{decimals}f}"


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
    return fmt_ci(record[f"{prefix}_ci_low"], record[f"{prefix}_ci_high"])


def data_lines(record: dict[str, Any]) -> str:
    """``data/x.csv:2,3`` — the file and lines a record was computed from."""
    return f"{record['file']}:{','.join(map(str, record['rows']))}"


def verdict_class(verdict: str) -> str:
    """The CSS class of a table row carrying an audit verdict."""
    return "verdict-" + verdict.replace(" ", "-")
