"""Consistency checks: the printed numbers against each other, grouped by kind of check."""

from __future__ import annotations

from typing import Any

from reanalysis.report.render.blocks import Block, folded

CHECK_TITLES = {
    "within_arm_p": "Reported within-arm p-values, recomputed",
    "between_arm_p": "Reported between-arm p-values, recomputed",
    "reported_p": "Other reported p-values",
    "baseline_balance": "Baseline balance between randomized arms",
    "cross_report_mean": "One cohort in two reports: means after unit conversion",
    "cross_report_sd": "One cohort in two reports: SDs after unit conversion",
    "cross_report_se": "One cohort in two reports: SEs after unit conversion",
    "sd_or_se": "SD or SE: what reading ± as an SE would imply",
    "threshold": "Share of each group beyond a cut-off",
}


def blocks(results: dict[str, Any]) -> list[Block]:
    """One table per kind of check, with its assumptions numbered once beneath it."""
    checks = results["consistency"]
    if not checks:
        return []
    counts: dict[str, int] = {}
    for c in checks:
        counts[c["verdict"]] = counts.get(c["verdict"], 0) + 1
    out = [
        Block("h2", "Consistency checks"),
        Block(
            "p",
            f"{len(checks)} checks of the printed numbers against each other ("
            + "; ".join(f"{v}: {n}" for v, n in sorted(counts.items()))
            + "). A printed number stands for its rounding interval. Baseline-balance "
            "p-values between randomized arms (a Carlisle-style check) can flag data too "
            "balanced or too unbalanced to be chance, but one variable cannot show fraud "
            "and a small p alone is expected one time in twenty.",
        ),
    ]
    # Many checks share long assumptions (e.g. the plausible-r reasoning): number each
    # distinct assumption once per section and cite it by number in the table.
    kinds: list[Block] = []
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for c in checks:
        by_kind.setdefault(c["check"], []).append(c)
    for kind, rows in by_kind.items():
        numbers = {
            a: i for i, a in enumerate(dict.fromkeys(a for c in rows for a in c["assumptions"]), 1)
        }
        kinds.append(Block("h3", CHECK_TITLES.get(kind, kind)))
        kinds.append(
            Block(
                "table",
                header=("check", "verdict", "evidence", "assumptions", "sources"),
                rows=tuple(
                    (
                        c["name"].split(": ", 1)[-1],
                        c["verdict"],
                        c["evidence"],
                        ", ".join(f"A{numbers[a]}" for a in c["assumptions"]),
                        "; ".join(c["sources"]),
                    )
                    for c in rows
                ),
                classes=tuple(_check_class(c["verdict"]) for c in rows),
            )
        )
        kinds += [Block("note", f"A{i}: {text}") for text, i in numbers.items()]
    return out + folded(results, kinds)


def _check_class(verdict: str) -> str:
    """Consistency verdicts coloured as the audit verdicts they correspond to."""
    return {
        "consistent": "verdict-supported",
        "inconsistent": "verdict-contradicted",
    }.get(verdict, "verdict-not-checkable-from-published-numbers")
