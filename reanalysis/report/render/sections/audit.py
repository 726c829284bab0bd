"""Claims and citations audit: each claim of the article with a verdict computed from data/."""

from __future__ import annotations

from typing import Any

from reanalysis.report.render.blocks import Block, verdict_class


def blocks(results: dict[str, Any]) -> list[Block]:
    """The audit table, introduced by the count of each verdict."""
    audit = results["audit"]
    if not audit:
        return []
    counts: dict[str, int] = {}
    for v in audit:
        counts[v["verdict"]] = counts.get(v["verdict"], 0) + 1
    summary = "; ".join(f"{verdict}: {n}" for verdict, n in sorted(counts.items()))
    return [
        Block("h2", "Claims and citations audit"),
        Block(
            "p",
            f"{len(audit)} claims and reference fields of the article, each paraphrased, with a "
            f"verdict computed from data/ ({summary}). The verdict vocabulary: supported; "
            "supported with caveats; not supported by the cited data; contradicted; citation "
            "error; not checkable from published numbers.",
        ),
        Block(
            "table",
            header=("id", "section", "claim (paraphrased)", "verdict", "evidence", "sources"),
            rows=tuple(
                (
                    v["id"],
                    v["section"],
                    v["claim"],
                    v["verdict"],
                    v["evidence"],
                    "; ".join(v["sources"]),
                )
                for v in audit
            ),
            classes=tuple(verdict_class(v["verdict"]) for v in audit),
        ),
    ]
