"""Render the results mapping as Markdown and as one self-contained HTML page.

Both formats come from one document model (:func:`document`: headings, paragraphs,
tables, figures), so the two never disagree. Numbers are formatted here, at the
precision the source printed or a stated precision; they are computed elsewhere.
Every text is HTML-escaped on output, including text from data files.
"""

from __future__ import annotations

import base64
import html as html_lib
from dataclasses import dataclass, field
from typing import Any

from reanalysis.figures import DrawnFigure


@dataclass(frozen=True)
class Block:
    """One element of the report: ``kind`` is h1, h2, h3, p, table, figure or note."""

    kind: str
    text: str = ""
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    figure: str = ""
    classes: tuple[str, ...] = field(default_factory=tuple)


def fmt(value: float | None, digits: int = 3) -> str:
    """Fixed significant-digit formatting for the report; '—' for a missing value."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    return f"{value:.{digits}g}"


def fmt_p(p: float) -> str:
    """P-values: three significant digits, '< 0.0001' below that (APA style)."""
    return "< 0.0001" if p < 0.0001 else f"{p:.2g}" if p < 0.001 else f"{p:.3f}"


def fmt_fixed(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


def _trial_blocks(results: dict[str, Any]) -> list[Block]:
    blocks = [Block("h2", "The data as encoded")]
    for name, trial in sorted(results["trials"].items()):
        blocks.append(Block("h3", f"{trial['file']}"))
        rows = tuple(
            (
                r["study"],
                r["arm"],
                r["outcome"],
                r["timepoint"],
                f"{r['mean']:g} ± {r['sd']:g}" + (" (from SE)" if r["sd_from_se"] else ""),
                r["unit"],
                f"{r['n']}{' (assumed)' if r['n_assumed'] else ''}",
                str(r["row"]),
                r["source"],
                r["note"],
            )
            for r in trial["rows"]
        )
        blocks.append(
            Block(
                "table",
                header=(
                    "study",
                    "arm",
                    "outcome",
                    "timepoint",
                    "mean ± SD",
                    "unit",
                    "n",
                    "line",
                    "source",
                ),
                rows=rows,
            )
        )
        blocks.append(Block("figure", figure=f"before_after_{name}"))
    return blocks


def _study_blocks(results: dict[str, Any]) -> list[Block]:
    blocks = [Block("h2", "Studies and the analyst's assumptions")]
    for study_id, study in sorted(results["studies"].items()):
        fields = study["fields"]
        on_trt = fields.get("on_testosterone_therapy")
        blocks.append(Block("h3", study_id))
        blocks.append(Block("p", study["citation"]))
        facts = [
            ("design", fields.get("design", "—")),
            ("population", fields.get("population", "—")),
            ("intervention", fields.get("intervention", "—")),
            ("duration (weeks)", str(fields.get("duration_weeks", "—"))),
            ("on testosterone therapy", "—" if on_trt is None else ("yes" if on_trt else "no")),
        ]
        blocks.append(Block("table", header=("item", "value"), rows=tuple(facts)))
        for assumption in study["assumptions"]:
            blocks.append(
                Block(
                    "note",
                    f"Assumption — {assumption['what']}: {assumption['value']}. "
                    + assumption["reasoning"],
                )
            )
    return blocks


def _appendix_blocks(results: dict[str, Any]) -> list[Block]:
    m = results["manifest"]
    packages = tuple((name, version) for name, version in sorted(m["packages"].items()))
    inputs = tuple((i["file"], i["sha256"]) for i in m["inputs"])
    return [
        Block("h2", "Reproducibility appendix"),
        Block("p", f"Made by `{m['command']}` with Python {m['python']}."),
        Block("table", header=("package", "version"), rows=(("python", m["python"]), *packages)),
        Block("table", header=("input file", "SHA-256"), rows=inputs),
    ]


def document(results: dict[str, Any]) -> list[Block]:
    """The report in reading order."""
    blocks = [
        Block("h1", "Reanalysis: anastrozole and bone mineral density in men"),
        Block(
            "p",
            "Every number below is computed from the files in data/ and stored in results.json "
            "with its data file, line and source. Where a paper omits something, the "
            "assumption is stated and its consequences shown.",
        ),
    ]
    blocks += _study_blocks(results)
    blocks += _trial_blocks(results)
    blocks += _appendix_blocks(results)
    return blocks


# --- Markdown --------------------------------------------------------------------


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(results: dict[str, Any], drawn: list[DrawnFigure]) -> str:
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
        elif block.kind == "table":
            out.append("| " + " | ".join(_md_cell(h) for h in block.header) + " |")
            out.append("|" + "---|" * len(block.header))
            out.extend("| " + " | ".join(_md_cell(c) for c in row) + " |" for row in block.rows)
        elif block.kind == "figure" and block.figure in figures:
            fig = figures[block.figure]
            out.append(f"![{fig.caption}](figures/{fig.name}.svg)\n\n*{fig.caption}*")
        out.append("")
    return "\n".join(out)


# --- HTML ------------------------------------------------------------------------

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:1100px;
margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}
h1{font-size:1.7rem}h2{margin-top:2.2rem;border-bottom:2px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.8rem 0;font-size:.85rem;display:block;overflow-x:auto}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}tr:nth-child(even) td{background:#fafafa}
figure{margin:1rem 0}figure img{max-width:100%;height:auto}
figcaption{font-size:.85rem;color:#444}
.note{background:#fff8e1;border-left:4px solid #f0b400;padding:.4rem .8rem;font-size:.9rem}
.verdict-supported{background:#e3f2e1}.verdict-contradicted,.verdict-citation-error{background:#fde2e1}
.verdict-supported-with-caveats{background:#fff4d6}.verdict-not-supported-by-the-cited-data{background:#fde9d6}
.verdict-not-checkable-from-published-numbers{background:#eceff1}
code{background:#f3f3f3;padding:0 .2rem}
"""


def _e(text: str) -> str:
    return html_lib.escape(text, quote=True)


def html(results: dict[str, Any], drawn: list[DrawnFigure]) -> str:
    figures = {f.name: f for f in drawn}
    body: list[str] = []
    for block in document(results):
        if block.kind in ("h1", "h2", "h3"):
            body.append(f"<{block.kind}>{_e(block.text)}</{block.kind}>")
        elif block.kind == "p":
            body.append(f"<p>{_e(block.text)}</p>")
        elif block.kind == "note":
            body.append(f'<p class="note">{_e(block.text)}</p>')
        elif block.kind == "table":
            head = "".join(f"<th>{_e(h)}</th>" for h in block.header)
            rows = []
            for row in block.rows:
                css = ""
                if block.classes and len(block.classes) == len(block.rows):
                    css = f' class="{_e(block.classes[len(rows)])}"'
                rows.append(f"<tr{css}>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>")
            body.append(
                f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            )
        elif block.kind == "figure" and block.figure in figures:
            fig = figures[block.figure]
            data = base64.b64encode(fig.svg.encode("utf-8")).decode("ascii")
            body.append(
                f'<figure><img alt="{_e(fig.caption)}" src="data:image/svg+xml;base64,{data}">'
                f"<figcaption>{_e(fig.caption)}</figcaption></figure>"
            )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>reanalysis report</title>"
        f"<style>{CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )
