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
            header=(
                "id",
                "section",
                "claim (paraphrased)",
                "verdict",
                "certainty",
                "evidence",
                "sources",
            ),
            rows=tuple(
                (
                    v["id"],
                    v["section"],
                    v["claim"],
                    v["verdict"],
                    v.get("certainty", ""),
                    v["evidence"],
                    "; ".join(v["sources"]),
                )
                for v in audit
            ),
            classes=tuple(verdict_class(v["verdict"]) for v in audit),
        ),
        *coverage_blocks(results),
    ]


def coverage_blocks(results: dict[str, Any]) -> list[Block]:
    """How much of the article's text was checked, and what was left out and why."""
    found = results.get("coverage")
    if not found:
        return []
    out = [
        Block("h3", "Coverage of the article"),
        Block(
            "p",
            f"Every quantitative statement of {found['article']} (mean ± SD, P values, "
            f"percentages, doses, durations, sample sizes, thresholds, table cells), found by "
            f"reanalysis extract: {found['summary']}.",
        ),
    ]
    if found["not_audited"]:
        out.append(
            Block(
                "table",
                header=("line", "statement", "not audited because"),
                rows=tuple((str(n["line"]), n["text"], n["reason"]) for n in found["not_audited"]),
            )
        )
    return out
