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
    power,
    reported_p,
    studies,
    summary,
    synthesis,
    trial_data,
)

TITLE = "Reanalysis: anastrozole and bone mineral density in men"

SECTIONS: tuple[Callable[[dict[str, Any]], list[Block]], ...] = (
    summary.blocks,
    article_table.blocks,
    effects.blocks,
    reported_p.blocks,
    power.blocks,
    consistency.blocks,
    audit.blocks,
    synthesis.blocks,
    bayes.blocks,
    methods.blocks,
    studies.blocks,
    trial_data.blocks,
    appendix.blocks,
)


def document(results: dict[str, Any]) -> list[Block]:
    """The report in reading order."""
    blocks = [
        Block("h1", TITLE),
        Block(
            "p",
            "Every number below is computed from the files in data/ and stored in results.json "
            "with its data file, line and source. Where a paper omits something, the "
            "assumption is stated and its consequences shown.",
        ),
    ]
    for section in SECTIONS:
        blocks += section(results)
    return blocks
