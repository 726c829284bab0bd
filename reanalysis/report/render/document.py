"""The report in reading order: the title, an opening paragraph, then each section."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reanalysis.report.render.blocks import Block
from reanalysis.report.render.sections import (
    appendix,
    article_table,
    audit,
    bayes,
    consistency,
    effects,
    methods,
    not_computed,
    power,
    references,
    reported_p,
    sensitivity,
    statistics,
    studies,
    summary,
    synthesis,
    thresholds,
    trial_data,
)

SECTIONS: tuple[Callable[[dict[str, Any]], list[Block]], ...] = (
    summary.blocks,
    article_table.blocks,
    statistics.blocks,
    effects.blocks,
    not_computed.blocks,
    reported_p.blocks,
    sensitivity.blocks,
    power.blocks,
    thresholds.blocks,
    consistency.blocks,
    audit.blocks,
    synthesis.blocks,
    bayes.blocks,
    methods.blocks,
    studies.blocks,
    trial_data.blocks,
    references.blocks,
    appendix.blocks,
)


def document(results: dict[str, Any]) -> list[Block]:
    """The report in reading order."""
    report = results.get("report", {})
    blocks = [Block("h1", report.get("title", "Reanalysis"))]
    if report.get("question"):
        blocks.append(Block("p", report["question"]))
    blocks.append(
        Block(
            "p",
            "Every number below is computed from the data folder's files and stored in "
            "results.json with its data file, line and source. Where a paper omits "
            "something, the assumption is stated and its consequences shown.",
        )
    )
    for section in SECTIONS:
        blocks += section(results)
    return blocks
