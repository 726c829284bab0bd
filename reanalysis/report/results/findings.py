"""The opening of the report: the article's claims with verdicts, and a summary of findings.

Summary of findings (Cochrane Handbook 14.1): per headline comparison, the participants
and studies, the effect in the outcome's unit with its 95% CI at the one r used for that
comparison everywhere, and its certainty (:mod:`reanalysis.analysis.certainty`).
"""

from __future__ import annotations

from typing import Any

from reanalysis.analysis.certainty import rate_certainty
from reanalysis.analysis.claims import AuditData

# Verdicts listed first in the opening table: what a reviewer must act on.
_ORDER = (
    "contradicted",
    "citation error",
    "mislabelled timepoint",
    "not supported by the cited data",
    "supported with caveats",
    "not checkable from published numbers",
    "supported",
)


def _reason(evidence: str, limit: int = 220) -> str:
    """The evidence, cut at a word boundary: a one-line reason (the audit has it whole)."""
    if len(evidence) <= limit:
        return evidence
    return evidence[:limit].rsplit(" ", 1)[0] + " …"


def verdict_table(audit: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every claim and reference field: plain words, verdict, certainty, reason, source."""
    rank = {v: i for i, v in enumerate(_ORDER)}
    rows = [
        {
            "id": v["id"],
            "claim": v["claim"],
            "section": v["section"],
            "verdict": v["verdict"],
            "certainty": v.get("certainty", ""),
            "reason": _reason(v["evidence"]),
            "source": v["sources"][0] if v["sources"] else "",
        }
        for v in audit
    ]
    return sorted(rows, key=lambda r: rank.get(r["verdict"], len(_ORDER)))


def _indirect(data: AuditData, study_id: str) -> tuple[str, ...]:
    """Characteristics the article's claims give their population and the study lacked."""
    reasons = []
    study = data.studies.get(study_id)
    for spec in data.specs:
        wanted = spec.population
        if wanted is None or study is None or study_id not in spec.cited():
            continue
        had = study.characteristic(wanted.characteristic)
        if had is not None and had != wanted.required:
            name = wanted.characteristic.replace("_", " ")
            reasons.append(
                f"the article's claims concern people for whom '{name}' is "
                f"{'yes' if wanted.required else 'no'}; for {study_id}'s participants it is "
                f"{'yes' if had else 'no'}"
            )
    return tuple(dict.fromkeys(reasons))


def _sentence(direction: str | None, estimate: float, ci: list[float], unit: str, arms) -> str:
    """A direction-aware reading of a difference (treatment − control)."""
    treatment, control = arms
    low, high = ci
    span = f"{estimate:+.3g} {unit} (95% CI {low:.3g} to {high:.3g})"
    if low <= 0 <= high:
        return f"No clear difference between {treatment} and {control}: {span}."
    if direction is None:
        side = "higher" if estimate > 0 else "lower"
        return f"{side.capitalize()} on {treatment} than on {control}: {span}."
    favours = treatment if (estimate > 0) == (direction == "higher_is_better") else control
    better = "higher" if direction == "higher_is_better" else "lower"
    return f"{better.capitalize()} is better: {span} favours {favours}."


def _last_comparisons(effects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Treatment-vs-control records at each trial's last follow-up of the outcome."""
    last: dict[tuple, float] = {}
    for e in effects:
        key = (e["trial"], e["study"], e["outcome"])
        last[key] = max(last.get(key, e["week"]), e["week"])
    return [
        e
        for e in effects
        if e["comparison"] == "treatment_vs_control"
        and e["week"] == last[(e["trial"], e["study"], e["outcome"])]
        and e.get("estimate") is not None
    ]


def summary_of_findings(
    data: AuditData,
    effects: list[dict[str, Any]],
    bayes: list[dict[str, Any]],
    synthesis: dict[str, Any],
) -> list[dict[str, Any]]:
    """One row per treatment-vs-control comparison at its last follow-up, with its
    certainty and the downgrades' reasons. The effect is the record's primary analysis
    (change from baseline; the printed change scores; or final values when nothing else
    was printed) at the r the record states."""
    thresholds = {(b["trial"], b["outcome"], *b["arms"]): b["threshold"] for b in bayes}
    pooled = {b["outcome"]: b for b in synthesis["between_arms"] if b.get("poolable")}
    rows = []
    for e in _last_comparisons(effects):
        arms = [e["treatment"], e["control"]]
        ci = [e["estimate_ci_low"], e["estimate_ci_high"]]
        study = data.studies.get(e["study"])
        settings = data.settings.outcome(e["outcome"])
        between = pooled.get(e["outcome"])
        mid = thresholds.get((e["trial"], e["outcome"], *arms))
        if mid is None:
            mid = settings.minimal_important_difference
        participants = e["n_treatment"] + e["n_control"]
        n_assumed = bool(e.get("treatment_n_assumed") or e.get("control_n_assumed"))
        certainty = rate_certainty(
            randomized=study.meta.randomized if study else None,
            completed=study.meta.completed if study else None,
            n_assumed=n_assumed,
            baseline_difference=e.get("baseline_difference"),
            estimate=e["estimate"],
            ci=(ci[0], ci[1]),
            minimal_important_difference=mid,
            participants=participants,
            indirect=_indirect(data, e["study"]),
            i2=between["i2"] if between else None,
            trials=between["k"] if between else 1,
        )
        rows.append(
            {
                "trial": e["trial"],
                "outcome": e["outcome"],
                "label": settings.label,
                "unit": e["unit"],
                "study": e["study"],
                "arms": arms,
                "week": e["week"],
                "participants": participants,
                "n_assumed": n_assumed,
                "analysis": e["analysis"],
                "r": e["r"],
                "r_source": e["r_source"],
                "estimate": e["estimate"],
                "ci": ci,
                "pvalue": e["p_value"],
                "minimal_important_difference": mid,
                "reading": _sentence(settings.direction, e["estimate"], ci, e["unit"], arms),
                "certainty": certainty.to_dict(),
                "file": e["file"],
                "rows": e["rows"],
                "sources": e["sources"],
            }
        )
    return rows
