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


def _lines(block: Block, figures: dict[str, DrawnFigure]) -> list[str]:
    """One block as Markdown lines (a fold: its summary as a heading, then its blocks)."""
    if block.kind == "h1":
        return [f"# {md_text(block.text)}", ""]
    if block.kind == "h2":
        return [f"## {md_text(block.text)}", ""]
    if block.kind in ("h3", "fold"):
        heading = [f"### {md_text(block.text)}", ""]
        return heading + [line for child in block.children for line in _lines(child, figures)]
    if block.kind == "p":
        return [md_text(block.text), ""]
    if block.kind == "note":
        return [f"> {md_text(block.text)}", ""]
    if block.kind == "li":
        return [f"- {md_text(block.text)}", ""]
    if block.kind == "table":
        caption = [f"**{md_text(block.caption)}**", ""] if block.caption else []
        return [
            *caption,
            "| " + " | ".join(md_cell(h) for h in block.header) + " |",
            "|" + "---|" * len(block.header),
            *_rows(block),
            "",
        ]
    if block.kind == "figure" and block.figure in figures:
        fig = figures[block.figure]
        # The image's address is a file stem made safe (letters, digits, _ . -), never raw
        # data text.
        return [f"![{md_cell(fig.alt)}](figures/{fig.file_stem}.svg)\n\n{md_text(fig.caption)}", ""]
    return [""]


def markdown(results: dict[str, Any], drawn: list[DrawnFigure]) -> str:
    """The report as Markdown; a figure not in ``drawn`` is left out."""
    figures = {f.name: f for f in drawn}
    return "\n".join(line for block in document(results) for line in _lines(block, figures))
