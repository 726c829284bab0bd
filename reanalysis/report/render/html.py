"""Render the document as one self-contained HTML page (figures inline as SVG data URIs).

Every text is HTML-escaped on output, including text from data files. The page reads on
a laptop, on a phone and on paper without script:

- structure: ``<header>`` (title and opening paragraphs), ``<nav>``, ``<main>`` with one
  ``<section>`` per h2; each table has a ``<caption>`` (its own, or the heading above it,
  then visually hidden) and ``<th scope="col">``; each figure's ``alt`` states its finding.
- phones: a wide table (more than six columns, or four with prose in a cell) becomes a
  stack of cards, one per row, each cell labelled by its column (``data-label``); other
  tables wrap, and scroll inside their own box if they must, never the page; tapping a
  figure shows it at full size (``:target``).
- print: tables at full width with wrapping and repeated headers, no scroll boxes, no
  navigation, no breaks inside rows or figures, links not expanded.
- verdicts: a text badge with an icon in the verdict cell, coloured from Okabe and Ito's
  palette (black text on each fill, contrast at least 5:1), beside a row tint.
"""

from __future__ import annotations

import base64
import html as html_lib
import re
from dataclasses import dataclass, field
from typing import Any

from reanalysis.report.figures import DrawnFigure
from reanalysis.report.render.blocks import VERDICT_ICONS, Block, verdict_column
from reanalysis.report.render.document import document

# On a narrow screen a table becomes cards when it has more than STACK_COLUMNS columns, or
# at least PROSE_COLUMNS with a cell of prose (over PROSE_CHARACTERS): a grid of short
# numbers reads better as a table than as cards.
STACK_COLUMNS = 6
PROSE_COLUMNS = 4
PROSE_CHARACTERS = 32
# A token this long in a table cell may break at the places BREAK_AFTER finds (see _cell).
LONG_TOKEN = 16
BREAK_AFTER = re.compile(r"(?<=[_.:,])(?=.)|(?<=\w/)(?=\w)")

# Okabe & Ito (2008), "Color Universal Design": bluish green #009E73, yellow #F0E442,
# orange #E69F00, vermillion #D55E00, sky blue #56B4E9. Black text on these fills has a
# contrast of 6.1, 15.9, 9.3, 5.4 and 9.1 to 1 (WCAG 2.1 relative luminance; 4.5 required).
CSS = """
*,::before,::after{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:1300px;
margin:1.5rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a;overflow-wrap:break-word}
h1{font-size:1.7rem;line-height:1.25;margin:.5rem 0}
h2{margin-top:2.2rem;border-bottom:2px solid #ddd;padding-bottom:.2rem;line-height:1.25}
h3{line-height:1.3}
p,li,figcaption,h1,h2,h3,caption{overflow-wrap:anywhere}
.table-scroll{overflow-x:auto;margin:.8rem 0}
table{border-collapse:collapse;font-size:.85rem}
caption{text-align:left;font-weight:600;padding:0 0 .3rem}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}tbody tr:nth-child(even) td{background:#fafafa}
.visually-hidden{position:absolute;width:1px;height:1px;margin:-1px;padding:0;
overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
figure{margin:1rem 0}figure img{max-width:100%;height:auto;display:block}
figure a{display:block}
figcaption{font-size:.85rem;color:#444}
.figure-size,.figure-fit{display:none;margin-left:.4rem}
figure:target .figure-frame{overflow-x:auto}figure:target img{max-width:none}
.note{background:#fff8e1;border-left:4px solid #E69F00;padding:.4rem .8rem;font-size:.9rem}
.badge{display:inline-block;padding:0 .4rem;border-radius:.6rem;font-weight:600;
color:#000;print-color-adjust:exact;-webkit-print-color-adjust:exact}
.badge.verdict-supported{background:#009E73}
.badge.verdict-supported-with-caveats{background:#F0E442}
.badge.verdict-not-supported-by-the-cited-data{background:#E69F00}
.badge.verdict-contradicted,.badge.verdict-citation-error{background:#D55E00}
.badge.verdict-not-checkable-from-published-numbers{background:#56B4E9}
tr.verdict-supported td{background:#e6f5f0}
tr.verdict-supported-with-caveats td{background:#fdfbe3}
tr.verdict-not-supported-by-the-cited-data td{background:#fcf1dc}
tr.verdict-contradicted td,tr.verdict-citation-error td{background:#fbe9dd}
tr.verdict-not-checkable-from-published-numbers td{background:#eaf4fb}
code{background:#f3f3f3;padding:0 .2rem}
nav ol{columns:2;column-gap:2rem;font-size:.9rem;margin:.6rem 0}
.top{font-size:.8rem;text-align:right;margin:1.5rem 0 0}
.finding{border-left:4px solid #0072B2;padding:.2rem .8rem;margin:.6rem 0}
details{margin:.4rem 0}summary{cursor:pointer;font-weight:600}
@media (max-width:40rem){
body{margin:.8rem auto;padding:0 .75rem}h1{font-size:1.4rem}
nav ol{columns:1;padding-left:1.6rem}
table{font-size:.8rem}th,td{padding:.2rem .3rem}
.table-scroll:not(.cards){margin-left:-.75rem;margin-right:-.75rem}
.figure-size{display:inline}figure:target .figure-size{display:none}
figure:target .figure-fit{display:inline}
table.stack,table.stack tbody,table.stack tr,table.stack td{display:block}
table.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
table.stack caption{display:block}
table.stack tr{border:1px solid #ccc;border-radius:4px;margin:0 0 .6rem;padding:.15rem .5rem}
table.stack tbody tr:nth-child(even) td{background:none}
table.stack tr[class^=verdict] td{background:none}
table.stack tr.verdict-supported{border-left:6px solid #009E73}
table.stack tr.verdict-supported-with-caveats{border-left:6px solid #F0E442}
table.stack tr.verdict-not-supported-by-the-cited-data{border-left:6px solid #E69F00}
table.stack tr.verdict-contradicted,table.stack tr.verdict-citation-error{
border-left:6px solid #D55E00}
table.stack tr.verdict-not-checkable-from-published-numbers{border-left:6px solid #56B4E9}
table.stack td{display:grid;grid-template-columns:minmax(5.5rem,30%) minmax(0,1fr);
gap:.6rem;border:0;border-bottom:1px solid #eee;padding:.25rem 0;overflow-wrap:anywhere}
table.stack td:last-child{border-bottom:0}
table.stack td:empty{display:none}
table.stack td::before{content:attr(data-label);font-weight:600;color:#444}
}
@media print{
@page{margin:12mm}
body{max-width:none;margin:0;padding:0;font-size:9.5pt;line-height:1.35}
h1{font-size:15pt}h2{font-size:13pt;margin-top:1.2rem}h3{font-size:11pt}
h1,h2,h3{break-after:avoid}
nav,.top,.figure-size,.figure-fit{display:none}
.table-scroll{overflow:visible}
table{width:100%;font-size:7.5pt;line-height:1.25}
thead{display:table-header-group}
th,td{padding:1px 3px}
tr,figure,.note,.finding{break-inside:avoid}
figure img{max-height:23cm;width:auto;margin:0 auto}
a{color:inherit;text-decoration:none}
}
"""


def _e(text: str) -> str:
    return html_lib.escape(text, quote=True)


def _cell(text: str) -> str:
    """Escaped cell text where a long token may break, so that it does not set its column's
    width: an id, a snake_case name or a file with its lines after ``_ . : ,`` and after a
    ``/`` between letters or digits (markup quoted from a data file stays one piece); a
    checksum, with none of these, every ``LONG_TOKEN`` characters."""
    pieces = []
    for token in re.split(r"(\s+)", text):
        parts = [token]
        if len(token) >= LONG_TOKEN:
            parts = re.split(BREAK_AFTER, token)
        if len(parts) == 1 and len(token) >= 2 * LONG_TOKEN:
            parts = re.findall(f".{{1,{LONG_TOKEN}}}", token)
        pieces.append("<wbr>".join(_e(part) for part in parts))
    return "".join(pieces)


def _anchor(text: str) -> str:
    """A stable id for a heading: lower case, words joined by hyphens."""
    words = "".join(c if c.isalnum() else " " for c in text.lower()).split()
    return "-".join(words)


def _table(block: Block, caption: str, caption_shown: bool) -> str:
    """A table in its own scroll box; cells labelled by their column for the card layout."""
    verdict = verdict_column(block)
    stack = len(block.header) > STACK_COLUMNS or (
        len(block.header) >= PROSE_COLUMNS
        and any(len(cell) > PROSE_CHARACTERS for row in block.rows for cell in row)
    )
    head = "".join(f'<th scope="col">{_e(h)}</th>' for h in block.header)
    labels = [f' data-label="{_e(h)}"' if stack else "" for h in block.header]
    rows = []
    for index, row in enumerate(block.rows):
        css = block.classes[index] if block.classes else ""
        cells = []
        for column, cell in enumerate(row):
            text = _cell(cell)
            if column == verdict and css in VERDICT_ICONS:
                text = (
                    f'<span class="badge {css}"><span aria-hidden="true">'
                    f"{VERDICT_ICONS[css]}</span> {text}</span>"
                )
            if stack and "<" in text:
                # In a card the cell is a grid of its label and one box holding its text.
                # Plain text is that box by itself (an anonymous grid item); text with
                # markup (<wbr>, a badge) is wrapped, or each piece would be a grid item.
                text = f"<span>{text}</span>"
            cells.append(f"<td{labels[column]}>{text}</td>")
        attribute = f' class="{_e(css)}"' if css else ""
        rows.append(f"<tr{attribute}>" + "".join(cells) + "</tr>")
    hidden = "" if caption_shown else ' class="visually-hidden"'
    box, table = ("table-scroll cards", ' class="stack"') if stack else ("table-scroll", "")
    return (
        f'<div class="{box}"><table{table}><caption{hidden}>{_e(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def _figure(fig: DrawnFigure) -> str:
    """A figure whose image, tapped, opens at its full size in a sideways-scrolling frame."""
    data = base64.b64encode(fig.svg.encode("utf-8")).decode("ascii")
    ident = f"figure-{_anchor(fig.name)}"
    return (
        f'<figure id="{ident}"><div class="figure-frame"><a href="#{ident}">'
        f'<img alt="{_e(fig.alt)}" src="data:image/svg+xml;base64,{data}"></a></div>'
        f'<figcaption id="{ident}-caption">{_e(fig.caption)}'
        f'<a class="figure-size" href="#{ident}">full size</a>'
        f'<a class="figure-fit" href="#{ident}-caption">fit to screen</a>'
        "</figcaption></figure>"
    )


@dataclass
class _Captions:
    """A table's caption: its own, else the heading above it (an h3's or a fold's summary),
    numbered from the second table under the same text so that no two captions repeat."""

    heading: str = ""
    seen: dict[str, int] = field(default_factory=dict)

    def of(self, block: Block) -> str:
        caption = block.caption or self.heading
        self.seen[caption] = self.seen.get(caption, 0) + 1
        return caption if self.seen[caption] == 1 else f"{caption} ({self.seen[caption]})"


def _element(block: Block, figures: dict[str, DrawnFigure], captions: _Captions) -> str | None:
    """One block other than h2 as HTML (a fold as ``<details>`` holding its blocks); None
    for a figure that was not drawn."""
    if block.kind in ("h1", "h3"):
        captions.heading = block.text
        return f"<{block.kind}>{_e(block.text)}</{block.kind}>"
    if block.kind == "p":
        return f"<p>{_e(block.text)}</p>"
    if block.kind == "note":
        return f'<p class="note">{_e(block.text)}</p>'
    if block.kind == "li":
        return f'<p class="finding">{_e(block.text)}</p>'
    if block.kind == "table":
        return _table(block, captions.of(block), caption_shown=bool(block.caption))
    if block.kind == "fold":
        captions.heading = block.text
        inner = (_element(child, figures, captions) for child in block.children)
        return (
            f"<details><summary>{_e(block.text)}</summary>\n"
            + "\n".join(html for html in inner if html is not None)
            + "\n</details>"
        )
    if block.kind == "figure" and block.figure in figures:
        return _figure(figures[block.figure])
    return None


def html(results: dict[str, Any], drawn: list[DrawnFigure]) -> str:
    """The report as HTML: header, contents, then the sections in ``<main>``; CSS inline."""
    figures = {f.name: f for f in drawn}
    blocks = document(results)
    sections = [b.text for b in blocks if b.kind == "h2"]
    contents = "".join(f'<li><a href="#{_anchor(text)}">{_e(text)}</a></li>' for text in sections)
    # The header holds the title and the paragraphs before the first other block.
    opening = 1
    while opening < len(blocks) and blocks[opening].kind == "p":
        opening += 1
    header = [f"<h1>{_e(blocks[0].text)}</h1>"] if blocks and blocks[0].kind == "h1" else []
    header += [f"<p>{_e(b.text)}</p>" for b in blocks[len(header) : opening]]
    nav = f'<nav id="contents" aria-label="Contents"><ol>{contents}</ol></nav>'
    # The contents follow the first section (the summary of findings), so that a reader on
    # a phone meets the verdicts on the first screen, not a list of links.
    body: list[str] = []
    sections_closed = 0
    in_section = False
    captions = _Captions()
    for block in blocks[opening:]:
        if block.kind == "h2":
            if in_section:
                body.append(
                    '<p class="top"><a href="#contents">contents ↓</a></p></section>'
                    if sections_closed == 0
                    else '<p class="top"><a href="#contents">contents ↑</a></p></section>'
                )
                sections_closed += 1
                if sections_closed == 1:
                    body.append(nav)
            in_section = True
            ident = _anchor(block.text)
            body.append(f'<section aria-labelledby="{ident}">')
            body.append(f'<h2 id="{ident}">{_e(block.text)}</h2>')
            captions.heading = block.text
            continue
        element = _element(block, figures, captions)
        if element is not None:
            body.append(element)
    if in_section:
        body.append("</section>")
    if sections_closed == 0:
        body.append(nav)
    title = _e(results.get("report", {}).get("title", "Reanalysis"))
    return "\n".join(
        [
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{title}</title><style>{CSS}</style></head><body>",
            "<header>",
            *header,
            "</header>",
            "<main>",
            *body,
            "</main>\n</body></html>\n",
        ]
    )
