"""Studies and the analyst's assumptions: citation, design facts, stated assumptions."""

from __future__ import annotations

from typing import Any

from reanalysis.report.render.blocks import Block


def blocks(results: dict[str, Any]) -> list[Block]:
    """Per study: its citation, a table of design facts, and each assumption as a note."""
    out = [Block("h2", "Studies and the analyst's assumptions")]
    for study_id, study in sorted(results["studies"].items()):
        fields = study["fields"]
        on_trt = fields.get("on_testosterone_therapy")
        out.append(Block("h3", study_id))
        out.append(Block("p", study["citation"]))
        facts = [
            ("design", fields.get("design", "—")),
            ("population", fields.get("population", "—")),
            ("intervention", fields.get("intervention", "—")),
            ("duration (weeks)", str(fields.get("duration_weeks", "—"))),
            ("on testosterone therapy", "—" if on_trt is None else ("yes" if on_trt else "no")),
        ]
        out.append(Block("table", header=("item", "value"), rows=tuple(facts)))
        for assumption in study["assumptions"]:
            out.append(
                Block(
                    "note",
                    f"Assumption — {assumption['what']}: {assumption['value']}. "
                    + assumption["reasoning"],
                )
            )
    return out
