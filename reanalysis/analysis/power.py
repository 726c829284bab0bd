"""A trial's design power, minimum detectable effect and next-trial sample size.

The trial layer over :mod:`reanalysis.stats.power`: :func:`trial_arms` reads a trial's
treatment and control arm, and :func:`trial_power_analysis` answers, for a grid of r
and each analysis (change, final value, ANCOVA), what the trial as run could detect and
how many participants a new trial needs. Observed ("post hoc") power is refused
(:func:`reanalysis.stats.power.observed_power`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING, Any

from reanalysis.analysis.arms import prepost_at
from reanalysis.data.trials import Trial
from reanalysis.errors import ReanalysisError
from reanalysis.stats.effects import PrePost
from reanalysis.stats.power import (
    ANALYSES,
    _check_positive,
    _check_probability,
    _check_r,
    _pooled,
    _scalar_power,
    minimum_detectable_effect,
    pooled_analysis_sd,
    sample_size_per_group,
)

if TYPE_CHECKING:  # pandas is imported only by summary_frame, which returns a DataFrame
    import pandas as pd


@dataclass(frozen=True)
class DesignPoint:
    """One design: which quantity was solved for, under which analysis and r.

    ``solved_for`` is ``power`` (given difference and n), ``difference`` (the minimum
    detectable difference at the target power and n) or ``n`` (per arm, equal arms,
    for the difference at the target power; ``n_per_group_ceil`` is then its whole
    number). Differences are in the outcome's units and as a percentage of the pooled
    baseline mean; ``effect_size`` = difference / ``outcome_sd``.
    """

    solved_for: str
    analysis: str
    correlation: float
    outcome_sd: float
    n_treatment: float
    n_control: float
    n_per_group_ceil: int | None
    difference: float
    difference_pct: float | None
    effect_size: float
    power: float


# DesignPoint's float columns: a DataFrame column of them holds floats even where an
# int was given (a MID of 1 in analysis.toml), and the records match it.
_FLOAT_FIELDS = frozenset(
    f.name for f in fields(DesignPoint) if f.type in ("float", "float | None")
)


@dataclass(frozen=True)
class TrialPowerAnalysis:
    """A trial's design power, minimum detectable effect and next-trial sample size.

    ``observed_difference`` is the difference in mean change (treatment − control),
    used only as the target of a *future* trial: a published effect tends to
    overestimate the true one, so those sample sizes are optimistic.
    """

    n_treatment: int
    n_control: int
    alpha: float
    baseline_mean: float
    observed_difference: float
    observed_difference_pct: float | None
    power: tuple[DesignPoint, ...]
    minimum_detectable: tuple[DesignPoint, ...]
    sample_size: tuple[DesignPoint, ...]

    def records(self) -> list[dict[str, Any]]:
        """All design points as dicts, in the order power, MDE, sample size.

        The rows of :meth:`summary_frame` without pandas: float fields are Python floats,
        ``n_per_group_ceil`` and ``difference_pct`` are None where they do not apply.
        """
        rows = [asdict(p) for p in (*self.power, *self.minimum_detectable, *self.sample_size)]
        for row in rows:
            row.update({k: float(row[k]) for k in _FLOAT_FIELDS if row[k] is not None})
        return rows

    def summary_frame(self) -> pd.DataFrame:
        """All design points, one row each, in the order power, MDE, sample size."""
        import pandas as pd

        frame = pd.DataFrame(self.records(), columns=[f.name for f in fields(DesignPoint)])
        frame["n_per_group_ceil"] = frame["n_per_group_ceil"].astype("Int64")
        return frame


def trial_power_analysis(
    treatment: PrePost,
    control: PrePost,
    *,
    correlations: Sequence[float],
    differences_pct: Sequence[float] = (),
    differences: Sequence[float] = (),
    target_powers: Sequence[float] = (0.8, 0.9),
    sample_size_correlations: Sequence[float] = (),
    alpha: float = 0.05,
) -> TrialPowerAnalysis:
    """Power of a two-arm pre–post trial as run, its MDE, and n per arm for a new trial.

    For each r in ``correlations`` and each analysis (change, final, ANCOVA):
    the power of the trial's n to detect each difference in ``differences`` (in the
    outcome's unit, e.g. the minimal important difference) and each ``differences_pct``
    percent of the pooled baseline mean (Δ = pct/100 · baseline mean, a between-arm
    difference in percent change), and the minimum detectable difference at each
    target power. For each r in ``sample_size_correlations`` (e.g. the implied r from
    :func:`reanalysis.stats.correlation.implied_correlation`, and 0.9): n per arm,
    equal arms, to detect the observed difference in change at each target power. The
    analysis' SD is pooled over arms (:func:`reanalysis.stats.power.analysis_sd`). The
    trial's own power for its observed difference is not computed
    (:func:`reanalysis.stats.power.observed_power`).
    """
    if not correlations:
        raise ReanalysisError("correlations must list at least one r")
    for r in (*correlations, *sample_size_correlations):
        _check_r(r)
    for pct in differences_pct:
        _check_positive(pct, "differences_pct")
    for difference in differences:
        _check_positive(difference, "differences")
    for target in target_powers:
        _check_probability(target, "target_powers")
    alpha = float(_check_probability(alpha, "alpha"))
    weights = (treatment.n, control.n)
    baseline_mean = _pooled((treatment.baseline_mean, control.baseline_mean), weights)
    if baseline_mean == 0 and differences_pct:
        raise ReanalysisError("the pooled baseline mean is 0: percentages of it are undefined")
    observed = treatment.mean_change - control.mean_change
    n_t, n_c = float(treatment.n), float(control.n)

    def point(solved_for, analysis, r, sd, n1, n2, n_ceil, difference, power):
        return DesignPoint(
            solved_for=solved_for,
            analysis=analysis,
            correlation=float(r),
            outcome_sd=sd,
            n_treatment=n1,
            n_control=n2,
            n_per_group_ceil=n_ceil,
            difference=difference,
            difference_pct=100 * difference / baseline_mean if baseline_mean else None,
            effect_size=difference / sd,
            power=power,
        )

    powers, mdes, sizes = [], [], []
    for r in correlations:
        for analysis in ANALYSES:
            sd = pooled_analysis_sd(analysis, treatment, control, r)
            absolute = [pct / 100 * abs(baseline_mean) for pct in differences_pct]
            for difference in (*absolute, *differences):
                p = _scalar_power(difference / sd, n_t, n_c, alpha)
                powers.append(point("power", analysis, r, sd, n_t, n_c, None, difference, p))
            for target in target_powers:
                mde = minimum_detectable_effect(n_t, n_c, target, alpha, outcome_sd=sd)
                difference = mde.difference
                mdes.append(
                    point("difference", analysis, r, sd, n_t, n_c, None, difference, target)
                )
    for r in sample_size_correlations:
        for analysis in ANALYSES:
            sd = pooled_analysis_sd(analysis, treatment, control, r)
            for target in target_powers:
                size = sample_size_per_group(observed / sd, target, alpha)
                n = size.n_per_group
                sizes.append(
                    point("n", analysis, r, sd, n, n, size.n_per_group_ceil, observed, target)
                )
    return TrialPowerAnalysis(
        n_treatment=treatment.n,
        n_control=control.n,
        alpha=alpha,
        baseline_mean=baseline_mean,
        observed_difference=observed,
        observed_difference_pct=100 * observed / baseline_mean if baseline_mean else None,
        power=tuple(powers),
        minimum_detectable=tuple(mdes),
        sample_size=tuple(sizes),
    )


def trial_arms(trial: Trial, outcome: str, *, study: str | None = None) -> tuple[PrePost, PrePost]:
    """The trial's treatment and control arm at baseline and the last follow-up.

    n is the follow-up row's n (the analysed completers), as in
    :func:`reanalysis.analysis.trial_effects.between_arm_effects`. Needs one arm of each role.
    """
    chosen = trial.study_for(outcome, study)
    weeks = trial.followup_weeks(outcome, chosen)
    if not weeks:
        raise ReanalysisError(f"{trial.path}: outcome {outcome!r} has no follow-up rows")
    arms = {}
    for role in ("treatment", "control"):
        reporting = [
            arm for arm in trial.arms_reporting(outcome, chosen) if trial.role(arm) == role
        ]
        if len(reporting) != 1:
            raise ReanalysisError(
                f"{trial.path}: a power analysis needs exactly one {role} arm with "
                f"{outcome!r} data, found {len(reporting)}"
            )
        arms[role], _ = prepost_at(trial, outcome, reporting[0], weeks[-1], chosen)
    return arms["treatment"], arms["control"]
