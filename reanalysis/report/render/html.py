"""Render the document as one self-contained HTML page (figures inline as SVG data URIs).

Every text is HTML-escaped on output, including text from data files.
"""

from __future__ import annotations

import base64
import html as html_lib
from typing import Any

from reanalysis.report.figures import DrawnFigure
from reanalysis.report.render.blocks import Block
from reanalysis.report.render.document import document

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:1300px;
margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}
h1{font-size:1.7rem}h2{margin-top:2.2rem;border-bottom:2px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.8rem 0;font-size:.85rem;display:block;overflow-x:auto}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top;
overflow-wrap:anywhere}
p,li,figcaption,h1,h2,h3{overflow-wrap:anywhere}
th{background:#f3f3f3}tr:nth-child(even) td{background:#fafafa}
figure{margin:1rem 0}figure img{max-width:100%;height:auto}
figcaption{font-size:.85rem;color:#444}
.note{background:#fff8e1;border-left:4px solid #f0b400;padding:.4rem .8rem;font-size:.9rem}
tr.verdict-supported td{background:#e3f2e1}
tr.verdict-contradicted td,tr.verdict-citation-error td{background:#fde2e1}
tr.verdict-supported-with-caveats td{background:#fff4d6}
tr.verdict-not-supported-by-the-cited-data td{background:#fde9d6}
tr.verdict-not-checkable-from-published-numbers td{background:#eceff1}
code{background:#f3f3f3;padding:0 .2rem}
nav ol{columns:2;font-size:.9rem}.top{font-size:.8rem;text-align:right;margin:1.5rem 0 0}
.finding{border-left:4px solid #0173b2;padding:.2rem .8rem;margin:.6rem 0}
details{margin:.4rem 0}summary{cursor:pointer;font-weight:600}
"""


def _e(text: str) -> str:
    return html_lib.escape(text, quote=True)


def _anchor(text: str) -> str:
    """A stable id for a heading: lower case, words joined by hyphens."""
    words = "".join(c if c.isalnum() else " " for c in text.lower()).split()
    return "-".join(words)


def _table(block: Block) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in block.header)
    rows = []
    for row in block.rows:
        css = ""
        if block.classes and len(block.classes) == len(block.rows):
            css = f' class="{_e(block.classes[len(rows)])}"'
        rows.append(f"<tr{css}>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _element(block: Block, figures: dict[str, DrawnFigure]) -> str | None:
    """One block other than h2 as HTML; None for a figure that was not drawn."""
    if block.kind in ("h1", "h3"):
        return f"<{block.kind}>{_e(block.text)}</{block.kind}>"
    if block.kind == "p":
        return f"<p>{_e(block.text)}</p>"
    if block.kind == "note":
        return f'<p class="note">{_e(block.text)}</p>'
    if block.kind == "li":
        return f'<p class="finding">{_e(block.text)}</p>'
    if block.kind == "table":
        return _table(block)
    if block.kind == "fold":
        inner = (_element(child, figures) for child in block.children)
        return (
            f"<details><summary>{_e(block.text)}</summary>\n"
            + "\n".join(html for html in inner if html is not None)
            + "\n</details>"
        )
    if block.kind == "figure" and block.figure in figures:
        fig = figures[block.figure]
        data = base64.b64encode(fig.svg.encode("utf-8")).decode("ascii")
        return (
            f'<figure><img alt="{_e(fig.alt)}" src="data:image/svg+xml;base64,{data}">'
            f"<figcaption>{_e(fig.caption)}</figcaption></figure>"
        )
    return None


def html(results: dict[str, Any], drawn: list[DrawnFigure]) -> str:
    """The report as HTML: a contents list after the opening paragraph, CSS inline."""
    figures = {f.name: f for f in drawn}
    blocks = document(results)
    sections = [b.text for b in blocks if b.kind == "h2"]
    contents = "".join(f'<li><a href="#{_anchor(text)}">{_e(text)}</a></li>' for text in sections)
    body: list[str] = []
    for block in blocks:
        if block.kind == "h2":
            if not body[-1].startswith("<nav"):
                body.append('<p class="top"><a href="#contents">contents ↑</a></p>')
            body.append(f'<h2 id="{_anchor(block.text)}">{_e(block.text)}</h2>')
            continue
        element = _element(block, figures)
        if element is not None:
            body.append(element)
        if block.kind == "p" and len(body) == 2:
            body.append(f'<nav id="contents"><ol>{contents}</ol></nav>')
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(results.get('report', {}).get('title', 'Reanalysis'))}</title>"
        f"<style>{CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )
