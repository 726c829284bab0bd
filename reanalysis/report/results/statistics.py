"""Every reported statistic beside its recomputation, statcheck-style.

statcheck (Nuijten et al. 2016, Behav Res Methods 48:1205) recomputes each reported p
from its test statistic and flags inconsistencies, and "decision errors" where the
recomputed p falls on the other side of α. Papers here print no test statistic, so the
p is recomputed from the summary statistics across the judged plausible pre–post r. A
decision error is flagged only when every p in that range lies on the other side of α
from the printed P; when the range straddles α, some plausible r agrees with the printed
decision, so it is "no (depends on r)".
"""

from __future__ import annotations

from typing import Any

from reanalysis.data.folder import Dataset


def _significant(relation: str, value: float, alpha: float) -> bool | None:
    """Whether the printed P claims significance at α (None when it cannot tell)."""
    if relation in ("<", "<="):
        return True if value <= alpha else None
    if relation in (">", ">="):
        return False if value >= alpha else None
    return value < alpha


def decision_error(relation: str, value: float, p_range: tuple[float, float], alpha: float) -> str:
    """``no``, ``no (depends on r)`` or ``yes``: does every p recomputed across the plausible
    r disagree with the printed P about significance at ``alpha``?"""
    claimed = _significant(relation, value, alpha)
    if claimed is None:
        return "no"
    low, high = p_range
    agrees = (high < alpha) if claimed else (low >= alpha)
    if agrees:
        return "no"
    disagrees = (low >= alpha) if claimed else (high < alpha)
    return "yes" if disagrees else "no (depends on r)"


def reported_statistics(
    dataset: Dataset, consistency: list[dict[str, Any]], alpha: float
) -> list[dict[str, Any]]:
    """One row per reported P: printed, the r reproducing it, p across plausible r, verdict."""
    checks = [c for c in consistency if c["check"] in ("within_arm_p", "between_arm_p")]
    rows = []
    for study in dataset.studies.values():
        for result in study.reported:
            if result.statistic != "p":
                continue
            key = f"{study.id} {result.id}"
            check = next((c for c in checks if key in c["name"]), None)
            row: dict[str, Any] = {
                "study": study.id,
                "id": result.id,
                "comparison": result.comparison,
                "test": result.test,
                "printed": f"P {result.relation} {result.value:g}",
                "source": result.source,
                "alpha": alpha,
            }
            numbers = check["numbers"] if check else {}
            if check is None or "p_at_plausible_low" not in numbers:
                rows.append(row | {"consistent": check["verdict"] if check else "cannot tell"})
                continue
            p_range = (numbers["p_at_plausible_high"], numbers["p_at_plausible_low"])
            row |= {
                "r_low": numbers.get("r_low"),
                "r_high": numbers.get("r_high"),
                "p_recomputed_low": p_range[0],
                "p_recomputed_high": p_range[1],
                "consistent": check["verdict"],
                "decision_error": decision_error(result.relation, result.value, p_range, alpha),
            }
            rows.append(row)
    return rows
