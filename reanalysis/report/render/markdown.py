"""Render the document as Markdown, figures linked as ``figures/<name>.svg``."""

from __future__ import annotations

from typing import Any

from reanalysis.report.figures import DrawnFigure
from reanalysis.report.render.document import document


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(results: dict[str, Any], drawn: list[DrawnFigure]) -> str:
    """The report as Markdown; a figure not in ``drawn`` is left out."""
    figures = {f.name: f for f in drawn}
    out: list[str] = []
    for block in document(results):
        if block.kind == "h1":
            out.append(f"# {block.text}")
        elif block.kind == "h2":
            out.append(f"## {block.text}")
        elif block.kind == "h3":
            out.append(f"### {block.text}")
        elif block.kind == "p":
            out.append(block.text)
        elif block.kind == "note":
            out.append(f"> {block.text}")
        elif block.kind == "li":
            out.append(f"- {block.text}")
        elif block.kind == "table":
            out.append("| " + " | ".join(_md_cell(h) for h in block.header) + " |")
            out.append("|" + "---|" * len(block.header))
            out.extend("| " + " | ".join(_md_cell(c) for c in row) + " |" for row in block.rows)
        elif block.kind == "figure" and block.figure in figures:
            fig = figures[block.figure]
            out.append(f"![{fig.caption}](figures/{fig.name}.svg)\n\n*{fig.caption}*")
        out.append("")
    return "\n".join(out)
