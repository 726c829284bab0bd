"""Studies and the analyst's assumptions: citation, design facts, stated assumptions."""

from __future__ import annotations

from typing import Any

from reanalysis.report.render.blocks import Block


def blocks(results: dict[str, Any]) -> list[Block]:
    """Per study: its citation, a table of design facts, and each assumption as a note."""
    out = [Block("h2", "Studies and the analyst's assumptions")]
    for study_id, study in sorted(results["studies"].items()):
        fields = study["fields"]
        out.append(Block("h3", study_id))
        out.append(Block("p", study["citation"]))
        facts = [
            ("design", fields.get("design", "—")),
            ("population", fields.get("population", "—")),
            ("intervention", fields.get("intervention", "—")),
            ("duration (weeks)", str(fields.get("duration_weeks", "—"))),
        ]
        # Yes/no characteristics a claims rule may test (e.g. the population's treatment),
        # named by the data, not the code.
        characteristics = fields.get("characteristics", {})
        facts += [
            (name.replace("_", " "), "yes" if value else "no")
            for name, value in characteristics.items()
            if isinstance(value, bool)
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
