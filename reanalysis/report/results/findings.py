"""The opening of the report: the article's claims with verdicts, and a summary of findings.

Summary of findings (Cochrane Handbook 14.1): per headline comparison, the participants
and studies, the effect in the outcome's unit with its 95% CI at the one r used for that
comparison everywhere, and its certainty (:mod:`reanalysis.analysis.certainty`).
"""

from __future__ import annotations

from typing import Any

from reanalysis.analysis import trial_effects
from reanalysis.analysis.certainty import rate_certainty
from reanalysis.analysis.claims import AuditData
from reanalysis.report.results.common import interval

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


def summary_of_findings(
    data: AuditData,
    headlines: list[dict[str, Any]],
    bayes: list[dict[str, Any]],
    synthesis: dict[str, Any],
) -> list[dict[str, Any]]:
    """One row per headline comparison, with its certainty and the downgrades' reasons."""
    thresholds = {b["id"]: b["threshold"] for b in bayes}
    pooled = {b["outcome"]: b for b in synthesis["between_arms"] if b.get("poolable")}
    rows = []
    for h in headlines:
        trial = data.trials[h["trial"]]
        effects = trial_effects.between_arm_effects(
            trial, h["outcome"], h["week"], r=h["r"], study=h["study"]
        )
        pair = next(c for c in effects.comparisons if [c.treatment.arm, c.control.arm] == h["arms"])
        ci = interval(pair.change.confidence_interval())
        study = data.studies.get(h["study"])
        settings = data.settings.outcome(h["outcome"])
        between = pooled.get(h["outcome"])
        certainty = rate_certainty(
            randomized=study.meta.randomized if study else None,
            completed=study.meta.completed if study else None,
            n_assumed=h["n_assumed"],
            baseline_difference=pair.baseline.estimate,
            estimate=pair.change.estimate,
            ci=(ci[0], ci[1]),
            minimal_important_difference=thresholds.get(h["id"]),
            participants=pair.treatment.data.n + pair.control.data.n,
            indirect=_indirect(data, h["study"]),
            i2=between["i2"] if between else None,
            trials=between["k"] if between else 1,
        )
        rows.append(
            {
                "id": h["id"],
                "outcome": h["outcome"],
                "label": settings.label,
                "unit": h["unit"],
                "study": h["study"],
                "arms": h["arms"],
                "participants": pair.treatment.data.n + pair.control.data.n,
                "n_assumed": h["n_assumed"],
                "r": h["r"],
                "r_source": h["r_source"],
                "estimate": pair.change.estimate,
                "ci": ci,
                "pvalue": pair.change.pvalue,
                "test": "Student's t on change from baseline (equal variances)",
                "minimal_important_difference": thresholds.get(h["id"]),
                "reading": _sentence(
                    settings.direction, pair.change.estimate, ci, h["unit"], h["arms"]
                ),
                "certainty": certainty.to_dict(),
                "file": h["file"],
                "rows": h["rows"],
                "sources": h["sources"],
            }
        )
    return rows
