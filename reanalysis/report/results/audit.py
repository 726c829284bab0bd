"""The claims audit, the article's table, the consistency checks and threshold shares."""

from __future__ import annotations

from typing import Any

from reanalysis.analysis import claims, consistency
from reanalysis.data.folder import Dataset
from reanalysis.errors import ReanalysisError
from reanalysis.report.results.common import relative_name
from reanalysis.stats.checks import share_below
from reanalysis.units import convert


def article_table(
    audit_data: claims.AuditData, verdicts: tuple[claims.ClaimVerdict, ...]
) -> list[dict[str, Any]]:
    """The article's table cell by cell, beside the source row it was checked against."""
    by_id = {v.id: v for v in verdicts}
    rows = []
    for claim in audit_data.claims:
        if claim.get("check") not in ("table_value", "not_published"):
            continue
        verdict = by_id[claim["id"]]
        rows.append(
            {
                "id": claim["id"],
                "outcome": claim["outcome"],
                "arm": claim["arm"],
                "article_label": claim.get("label", ""),
                "article_value": claim.get("printed", "Not specified"),
                "verdict": str(verdict.verdict),
                "evidence": verdict.evidence,
                "sources": list(verdict.sources),
            }
        )
    return rows


def consistency_records(audit_data: claims.AuditData) -> list[dict[str, Any]]:
    """Every consistency check applied to the data, with its verdict and sources."""
    return [
        {
            "check": check.name.split(":", 1)[0],
            "name": check.name,
            "verdict": check.verdict,
            "evidence": check.evidence,
            "assumptions": list(check.assumptions),
            "numbers": dict(check.numbers),
            "sources": list(check.sources),
        }
        for check in consistency.checks_of(audit_data)
    ]


def threshold_records(dataset: Dataset) -> list[dict[str, Any]]:
    """The share of each group beyond its outcome's clinical cut-off (``analysis.toml``).

    For every row of an outcome with a configured ``threshold``: the share below (or
    above) it under a normal and a moment-matched log-normal distribution with the row's
    mean and SD (:func:`reanalysis.stats.checks.share_below`). A finding about the
    groups, not a check of the paper.
    """
    out = []
    for trial in dataset.trials.values():
        for m in trial.rows:
            o = dataset.settings.outcome(m.outcome)
            if o.threshold is None or m.mean <= 0:
                continue
            try:
                mean = convert(m.mean, m.unit, o.threshold_unit, o.molar_mass)
                sd = convert(m.sd, m.unit, o.threshold_unit, o.molar_mass)
                share = share_below(o.threshold, mean, sd)
            except (ReanalysisError, ArithmeticError, ValueError):
                # Units that do not convert, or numbers at the edge of floating point: the
                # share is not shown for that row (its effects still are).
                continue
            below = o.threshold_side == "below"
            out.append(
                {
                    "outcome": m.outcome,
                    "study": m.study,
                    "arm": m.arm,
                    "timepoint": m.timepoint,
                    "week": m.week,
                    "unit": o.threshold_unit,
                    "mean": mean,
                    "sd": sd,
                    "threshold": o.threshold,
                    "side": o.threshold_side,
                    "share_beyond_normal": share.normal if below else 1 - share.normal,
                    "share_beyond_lognormal": share.lognormal if below else 1 - share.lognormal,
                    "lognormal_mu": share.lognormal_mu,
                    "lognormal_sigma": share.lognormal_sigma,
                    "justification": o.threshold_justification,
                    "file": relative_name(trial.path, dataset.path),
                    "row": m.row,
                    "source": m.source,
                }
            )
    return out
