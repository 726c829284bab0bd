"""Pooling across trial files: between-arm effects and each outcome's response on treatment."""

from __future__ import annotations

import math
import warnings
from typing import Any

from reanalysis.analysis import synthesis
from reanalysis.analysis.plausible import correlation_for, plausible_for
from reanalysis.data.folder import Dataset
from reanalysis.report.results.common import NUMERIC_FAILURES, failure_reason, unique_in_order
from reanalysis.stats.synthesis import FewStudiesWarning


def _arm_regimens(dataset: Dataset) -> dict[str, str]:
    regimens: dict[str, str] = {}
    for study in dataset.studies.values():
        regimens |= study.get("arm_regimen", {})
    return regimens


def response_correlations(dataset: Dataset, outcome: str) -> tuple[float, ...]:
    """r at the low end, middle and high end of the judged plausible range (or the one r)."""
    plausible = plausible_for(dataset.settings, outcome)
    if plausible is None:
        return (correlation_for(dataset.settings, outcome)[0],)
    return (plausible.low, (plausible.low + plausible.high) / 2, plausible.high)


def synthesis_records(
    dataset: Dataset, implied: dict[tuple, float] | None = None
) -> dict[str, Any]:
    """Random-effects pooling across trial files.

    Between arms: d_ppc2 (unit-free, so files printing different units pool) of each
    treatment arm against its control at the last follow-up, for every outcome, each
    comparison at its own r (its reported P's, its arms' own, or the settings'), by REML
    random effects beside the common-effect model; an
    outcome with fewer than two such comparisons is recorded as not poolable, with the
    reason. Within arms: each treatment arm's ratio of means from baseline to its first
    follow-up (Lajeunesse 2011), pooled and per regimen (``arm_regimen`` in
    ``studies.toml``), at the low, middle and high end of the plausible r.
    """
    files = list(dataset.trials.values())
    prefer = [sid for sid, study in dataset.studies.items() if study.get("preferred_report")]
    outcomes = unique_in_order(o for t in files for o in t.outcomes)
    between = []
    for outcome in outcomes:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FewStudiesWarning)
                pooled = synthesis.pool_trials(
                    files,
                    outcome,
                    "dppc2",
                    prefer_studies=prefer,
                    settings=dataset.settings,
                    implied=implied,
                )
                common = synthesis.pool_trials(
                    files,
                    outcome,
                    "dppc2",
                    method="fe",
                    prefer_studies=prefer,
                    settings=dataset.settings,
                    implied=implied,
                )
        except NUMERIC_FAILURES as error:
            reason = failure_reason(error)
            between.append({"outcome": outcome, "poolable": False, "reason": reason})
            continue
        fixed = common.confidence_interval()
        between.append(
            {"outcome": outcome, "poolable": True}
            | pooled.to_dict()
            | {
                "common_effect": {
                    "estimate": common.estimate,
                    "standard_error": common.standard_error,
                    "ci_low": fixed.low,
                    "ci_high": fixed.high,
                    "i2": common.i2,
                }
            }
        )
    regimens = _arm_regimens(dataset)
    response = []
    for outcome in outcomes:
        grid = response_correlations(dataset, outcome)
        try:
            found = synthesis.study_effects(
                files, outcome, "romc", r=grid[0], followup="first", prefer_studies=prefer
            )
        except NUMERIC_FAILURES:
            continue
        if len(found) < 2 or not all(e.arm in regimens for e in found):
            continue
        try:
            records = synthesis.correlation_sensitivity(
                files,
                outcome,
                "romc",
                grid,
                {e.arm: regimens[e.arm] for e in found},
                followup="first",
                prefer_studies=prefer,
            )
        except NUMERIC_FAILURES:
            continue
        for record in records:
            record["ratio"] = math.exp(record["estimate"])
            record["ratio_ci"] = [math.exp(record["ci_low"]), math.exp(record["ci_high"])]
        arms = [
            {
                "label": e.label,
                "trial": e.trial,
                "study": e.study,
                "arm": e.arm,
                "regimen": regimens[e.arm],
                "week": e.week,
                "rows": list(e.rows),
                "n_assumed": e.n_assumed,
            }
            for e in found
        ]
        response.append({"outcome": outcome, "arms": arms, "by_r": records})
    return {"between_arms": between, "treatment_response": response, "preferred_reports": prefer}
