"""Random-effects pooling of trial files: per-file effects, pooled results, sensitivity to r.

The trial layer over :mod:`reanalysis.stats.synthesis`: :func:`study_effects` turns each
trial file into effects ready to pool (between-arm effects from
:func:`reanalysis.analysis.trial_effects.between_arm_effects`, or within-arm log ratios of
means), :func:`pool_trials` pools them, and :func:`correlation_sensitivity` repeats the
pooling across r, overall and per subgroup of arms.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from reanalysis.analysis.plausible import correlation_for
from reanalysis.analysis.trial_effects import between_arm_effects
from reanalysis.data.settings import Settings
from reanalysis.errors import ReanalysisError
from reanalysis.stats.effects import difference_in_change, dppc2, smcr_difference
from reanalysis.stats.synthesis import (
    FewStudiesWarning,
    PooledEstimate,
    _normal_quantile,
    random_effects,
    ratio_of_means_change,
)

BETWEEN_ARM_MEASURES = ("md_change", "dppc2", "smcr_diff")
MEASURES = (*BETWEEN_ARM_MEASURES, "romc")
FOLLOWUPS = ("last", "first")


@dataclass(frozen=True)
class StudyEffect:
    """One comparison (or, for ``romc``, one arm) of one trial file, ready to pool.

    ``label`` names it as ``trial: treatment vs control`` or ``trial: arm``; ``rows``
    are the file lines it was computed from; ``n_assumed`` flags an assumed n.
    """

    label: str
    trial: str
    study: str
    arm: str
    week: float
    estimate: float
    variance: float
    n_assumed: bool
    rows: tuple[int, ...]


def _chosen_study(trial: Any, outcome: str, prefer: Sequence[str]) -> str | None:
    """The first preferred study that reports ``outcome`` in this file, else the default."""
    for study in prefer:
        if any(m.study == study and m.outcome == outcome for m in trial.rows):
            return study
    return None


def default_correlation(outcome: str, settings: Settings | None = None) -> float:
    """The r the folder's settings give ``outcome`` (see :mod:`reanalysis.analysis.plausible`)."""
    return correlation_for(settings, outcome)[0]


def _between_arm_study_effects(
    trial: Any,
    outcome: str,
    measure: str,
    r: float | None,
    week: float | None,
    study: str | None,
    settings: Settings | None = None,
    implied: Mapping[tuple, float] | None = None,
) -> list[StudyEffect]:
    """Each treatment arm vs the control at ``week``, via :func:`between_arm_effects`.

    With ``r`` None each comparison uses its own r: the r its reported P implies
    (``implied``, keyed by trial, study, outcome, week, treatment, control), else each
    arm's own r from its data, else the outcome's settings. When several treatment arms
    share one control, the control's n is divided evenly among the comparisons so that it
    is not counted twice (Cochrane Handbook v6.4, section 23.3.4); means and SDs are
    unchanged.
    """
    effects = between_arm_effects(trial, outcome, week, r=r, study=study, settings=settings)
    # A comparison needs both arms' baseline and follow-up means and SDs to be pooled here;
    # change-only and follow-up-only arms are left out (the effects table shows them).
    pairs = [
        c
        for c in effects.comparisons
        if c.kind == "treatment_vs_control"
        and c.treatment.data is not None
        and c.control.data is not None
    ]
    sharing = {c.control.arm: sum(p.control.arm == c.control.arm for p in pairs) for c in pairs}
    found = []
    for c in pairs:
        control = c.control.data
        if sharing[c.control.arm] > 1:
            control = replace(control, n=max(2, control.n // sharing[c.control.arm]))
        treatment = c.treatment.data
        key = (trial.name, effects.study, outcome, effects.week, c.treatment.arm, c.control.arm)
        if r is not None:
            r_t, r_c = r, r
        elif implied and key in implied:
            r_t = r_c = implied[key]
        else:
            r_t, r_c = c.treatment.change.correlation, c.control.change.correlation
        if measure == "md_change":
            result = difference_in_change(treatment, control, r_t, r_control=r_c)
            estimate, variance = result.estimate, result.standard_error**2
        else:
            compute = dppc2 if measure == "dppc2" else smcr_difference
            effect = compute(treatment, control, r_t, r_control=r_c)
            estimate, variance = effect.estimate, effect.variance
        rows = [
            m.row
            for arm in (c.treatment.arm, c.control.arm)
            for m in trial.series(outcome, arm, effects.study)
            if m.week in (0.0, effects.week)
        ]
        found.append(
            StudyEffect(
                label=f"{trial.name}: {c.treatment.arm} vs {c.control.arm}",
                trial=trial.name,
                study=effects.study,
                arm=c.treatment.arm,
                week=effects.week,
                estimate=estimate,
                variance=variance,
                n_assumed=c.treatment.n_assumed or c.control.n_assumed,
                rows=tuple(sorted(rows)),
            )
        )
    return found


def _ratio_study_effects(
    trial: Any, outcome: str, r: float, followup: str, study: str | None
) -> list[StudyEffect]:
    """Each treatment arm's log ratio of means, baseline to its first or last follow-up."""
    chosen = trial.study_for(outcome, study)
    found = []
    for arm in trial.arms_reporting(outcome, chosen):
        if trial.role(arm) != "treatment":
            continue
        series = trial.series(outcome, arm, chosen)
        followups = [m for m in series if m.week > 0]
        if not followups or series[0].week != 0:
            continue
        base, end = series[0], followups[0] if followup == "first" else followups[-1]
        ratio = ratio_of_means_change(base.mean, base.sd, end.mean, end.sd, end.n, r)
        found.append(
            StudyEffect(
                label=f"{trial.name}: {arm}",
                trial=trial.name,
                study=chosen,
                arm=arm,
                week=end.week,
                estimate=ratio.estimate,
                variance=ratio.variance,
                n_assumed=base.n_assumed or end.n_assumed,
                rows=(base.row, end.row),
            )
        )
    return found


def study_effects(
    trials: Sequence[Any],
    outcome: str,
    measure: str,
    r: float | None = None,
    followup: str = "last",
    prefer_studies: Sequence[str] = (),
    settings: Settings | None = None,
    implied: Mapping[tuple, float] | None = None,
) -> tuple[StudyEffect, ...]:
    """The per-file effects that :func:`pool_trials` pools.

    ``measure``: ``md_change`` (difference in mean change, variance = SE² of the
    change-score t-test), ``dppc2`` (Morris 2008, eq. 8 and 25) or ``smcr_diff``
    (Becker 1988) for each treatment arm vs control, from
    :func:`reanalysis.analysis.trial_effects.between_arm_effects`; or ``romc``, each
    treatment arm's log ratio of means from baseline (:func:`ratio_of_means_change`).
    ``followup`` picks the last (default) or first follow-up week. With ``r`` None, each
    between-arm comparison uses its own r (its reported P's, its arms' own, or the
    settings'; see :func:`_between_arm_study_effects`) and ``romc`` the settings' r.
    ``prefer_studies`` names studies (reports) to use in files that hold several.
    """
    if measure not in MEASURES:
        raise ReanalysisError(f"measure must be one of {', '.join(MEASURES)}, got {measure!r}")
    if followup not in FOLLOWUPS:
        raise ReanalysisError(f"followup must be one of {', '.join(FOLLOWUPS)}, got {followup!r}")
    if r is not None and not -1 < r < 1:
        raise ReanalysisError(f"r must lie strictly between -1 and 1, got {r}")
    found: list[StudyEffect] = []
    for trial in trials:
        if outcome not in trial.outcomes:
            continue
        study = _chosen_study(trial, outcome, prefer_studies)
        if measure == "romc":
            ratio_r = r if r is not None else default_correlation(outcome, settings)
            found += _ratio_study_effects(trial, outcome, ratio_r, followup, study)
        else:
            weeks = trial.followup_weeks(outcome, study)
            week = weeks[0] if followup == "first" and weeks else None
            found += _between_arm_study_effects(
                trial, outcome, measure, r, week, study, settings, implied
            )
    return tuple(found)


def pool_trials(
    trials: Sequence[Any],
    outcome: str,
    measure: str,
    r: float | None = None,
    method: str = "reml",
    prediction: str = "z",
    followup: str = "last",
    prefer_studies: Sequence[str] = (),
    settings: Settings | None = None,
    implied: Mapping[tuple, float] | None = None,
) -> PooledEstimate:
    """Random-effects pooling of :func:`study_effects` across trial files (``method="fe"``:
    the common-effect model). With ``r`` None each comparison uses its own r.

    Raises ReanalysisError when fewer than two comparisons have data (e.g. when the
    control arm's values were not published).

    Studies 1-3 of Morris (2008), each a trial file, d_ppc2 at a common r = 0.5: metafor's
    ``rma(yi, vi, method="REML")`` on Morris's eqs. 8-10 and 25 gives 0.834582, SE
    0.172489, τ² = 0, p = 1.3084e-06 (tests/reference/api_examples.R):

    >>> import pandas as pd
    >>> from reanalysis.data.trials import load_trial
    >>> studies = {  # (pre mean, pre SD, post mean, post SD, n): training, then control
    ...     "morris1": [(30.6, 15.0, 38.5, 11.6, 20), (23.1, 13.8, 19.7, 14.8, 20)],
    ...     "morris2": [(23.5, 3.1, 26.8, 4.1, 50), (24.9, 4.1, 25.3, 3.3, 42)],
    ...     "morris3": [(0.5, 0.1, 0.7, 0.1, 9), (0.6, 0.2, 0.6, 0.2, 9)]}
    >>> def trial(name, arms):
    ...     rows = [{"study": name, "arm": role, "role": role, "outcome": "score",
    ...              "unit": "points", "timepoint": time, "week": week, "n": n,
    ...              "mean": mean, "sd": sd, "source": "Morris 2008, Table 5 data"}
    ...             for role, (pre, sd0, post, sd1, n) in zip(("treatment", "control"), arms)
    ...             for time, week, mean, sd in (("pre", 0, pre, sd0), ("post", 8, post, sd1))]
    ...     return load_trial(pd.DataFrame(rows), name=name)
    >>> trials = [trial(name, arms) for name, arms in studies.items()]
    >>> pool_trials(trials, "score", "dppc2", r=0.5)
    PooledEstimate(k=3, estimate=0.8346, standard_error=0.1725, pvalue=1.308e-06, tau2=0, i2=0)
    """
    found = study_effects(trials, outcome, measure, r, followup, prefer_studies, settings, implied)
    if len(found) < 2:
        names = ", ".join(t.name for t in trials)
        raise ReanalysisError(
            f"{measure} of {outcome!r} can be computed for {len(found)} comparison(s) in "
            f"{names}; pooling needs at least 2"
        )
    return random_effects(
        [e.estimate for e in found],
        [e.variance for e in found],
        method=method,
        prediction=prediction,
        measure=measure,
        labels=[e.label for e in found],
    )


def _single_study_record(effect: StudyEffect, confidence_level: float) -> dict[str, Any]:
    """A subgroup of one: its own estimate and Wald CI; nothing to pool."""
    se = math.sqrt(effect.variance)
    half = _normal_quantile(confidence_level) * se
    return {
        "k": 1,
        "estimate": effect.estimate,
        "standard_error": se,
        "se": se,
        "ci_low": effect.estimate - half,
        "ci_high": effect.estimate + half,
        "labels": [effect.label],
    }


def _group_record(
    found: Sequence[StudyEffect], method: str, measure: str, confidence_level: float
) -> dict[str, Any]:
    if len(found) == 1:
        return _single_study_record(found[0], confidence_level)
    with warnings.catch_warnings():
        # The record says k; the reader is told via ``few_studies`` instead.
        warnings.simplefilter("ignore", FewStudiesWarning)
        pooled = random_effects(
            [e.estimate for e in found],
            [e.variance for e in found],
            method=method,
            measure=measure,
            labels=[e.label for e in found],
        )
    record = pooled.to_dict(confidence_level)
    record["labels"] = list(pooled.labels)
    return record


def correlation_sensitivity(
    trials: Sequence[Any],
    outcome: str,
    measure: str,
    correlations: Sequence[float],
    subgroup_of_arm: Mapping[str, str] | None = None,
    method: str = "reml",
    followup: str = "last",
    prefer_studies: Sequence[str] = (),
    confidence_level: float = 0.95,
) -> list[dict[str, Any]]:
    """Pooled results at each r, overall (group ``all``) and per subgroup of arms.

    ``subgroup_of_arm`` maps arm names to a subgroup label (e.g. a dose); each subgroup
    with two or more arms is pooled by :func:`random_effects`, a subgroup of one reports
    that arm's own estimate and Wald CI. Each record carries ``r``, ``group``, the keys
    of :meth:`PooledEstimate.to_dict` (only k, estimate, its standard error, ci_low and
    ci_high for k = 1), ``labels`` and ``few_studies`` (k < 3: τ² and the prediction
    interval unreliable, hypothesis-generating only). Intervals are at ``confidence_level``.
    """
    if len(correlations) == 0:
        raise ReanalysisError("correlations must hold at least one value")
    records = []
    for r in correlations:
        found = study_effects(trials, outcome, measure, r, followup, prefer_studies)
        if not found:
            raise ReanalysisError(f"no {measure} of {outcome!r} can be computed from these files")
        groups: dict[str, list[StudyEffect]] = {"all": list(found)}
        if subgroup_of_arm:
            unassigned = [e.arm for e in found if e.arm not in subgroup_of_arm]
            if unassigned:
                raise ReanalysisError(
                    f"subgroup_of_arm must assign every arm; missing {', '.join(unassigned)}"
                )
            for effect in found:
                groups.setdefault(subgroup_of_arm[effect.arm], []).append(effect)
        for group, members in groups.items():
            record = {"r": float(r), "group": group, "outcome": outcome}
            record |= _group_record(members, method, measure, confidence_level)
            record["few_studies"] = record["k"] < 3
            records.append(record)
    return records
