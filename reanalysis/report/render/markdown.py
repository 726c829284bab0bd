"""Render the document as Markdown, figures linked as ``figures/<name>.svg``."""

from __future__ import annotations

from typing import Any

from reanalysis.report.escape import md_cell, md_text
from reanalysis.report.figures import DrawnFigure
from reanalysis.report.render.blocks import VERDICT_ICONS, Block, verdict_column
from reanalysis.report.render.document import document


def _rows(block: Block) -> list[str]:
    """A table's rows, its verdicts led by their icon; as many cells per row as the header
    has (:class:`Block` refuses any other shape, which a Markdown viewer would truncate)."""
    verdict = verdict_column(block)
    lines = []
    for index, row in enumerate(block.rows):
        cells = [md_cell(c) for c in row]
        icon = VERDICT_ICONS.get(block.classes[index]) if verdict is not None else None
        if icon:
            cells[verdict] = f"{icon} {cells[verdict]}"
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def markdown(results: dict[str, Any], drawn: list[DrawnFigure]) -> str:
    """The report as Markdown; a figure not in ``drawn`` is left out."""
    figures = {f.name: f for f in drawn}
    out: list[str] = []
    for block in document(results):
        if block.kind == "h1":
            out.append(f"# {md_text(block.text)}")
        elif block.kind == "h2":
            out.append(f"## {md_text(block.text)}")
        elif block.kind == "h3":
            out.append(f"### {md_text(block.text)}")
        elif block.kind == "p":
            out.append(md_text(block.text))
        elif block.kind == "note":
            out.append(f"> {md_text(block.text)}")
        elif block.kind == "li":
            out.append(f"- {md_text(block.text)}")
        elif block.kind == "table":
            if block.caption:
                out += [f"**{md_text(block.caption)}**", ""]
            out.append("| " + " | ".join(md_cell(h) for h in block.header) + " |")
            out.append("|" + "---|" * len(block.header))
            out.extend(_rows(block))
        elif block.kind == "figure" and block.figure in figures:
            fig = figures[block.figure]
            # The image's address is the package's own figure name, never data text.
            out.append(f"![{md_cell(fig.alt)}](figures/{fig.name}.svg)\n\n{md_text(fig.caption)}")
        out.append("")
    return "\n".join(out)
