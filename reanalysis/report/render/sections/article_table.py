"""The article's table beside the source: each printed cell, its label and a verdict."""

from __future__ import annotations

from typing import Any

from reanalysis.report.render.blocks import Block, verdict_class


def blocks(results: dict[str, Any]) -> list[Block]:
    """The article's table as figures (treatment against control) and as a verdict table."""
    rows = results["article_table"]
    if not rows:
        return []
    figures = [
        Block("figure", figure=f"table_{x['id']}")
        for x in results["reported_reanalyses"]
        if results["trials"][x["trial"]]["arms"].get(x["arms"][1]) == "control"
    ]
    return [
        Block("h2", "The article's table beside the source"),
        *figures,
        Block(
            "p",
            "Each cell of the article's table, the label it printed, and what the source "
            "row says. Verdicts are computed from the data (see the audit below).",
        ),
        Block(
            "table",
            header=("cell", "arm", "article's label", "article's value", "verdict", "source says"),
            rows=tuple(
                (
                    r["outcome"],
                    r["arm"],
                    r["article_label"],
                    r["article_value"],
                    r["verdict"],
                    r["evidence"],
                )
                for r in rows
            ),
            classes=tuple(verdict_class(r["verdict"]) for r in rows),
        ),
    ]
