"""Effect sizes for pre–post–control trials from summary statistics.

Papers usually print, for each arm, the mean and SD at baseline and at follow-up, but
not the within-person correlation ``r`` between the two. Every analysis of change
depends on it, so every function here takes ``r`` as an explicit argument
(:mod:`reanalysis.stats.correlation` recovers the ``r`` that reproduces a reported p, t
or CI, and scans results across r).

:class:`PrePost` in, frozen result dataclasses out: per-arm change, between-arm t-tests
on change, final and baseline values, and ANCOVA from summary statistics (closed form and
a pseudo-individual-data OLS cross-check). :class:`PrePost` and :func:`change_score_sd`
live in :mod:`reanalysis.stats.prepost`, the standardized effects (Morris 2008 d_ppc2,
Becker 1988 SMCR, SMCC, Hedges' g) in :mod:`reanalysis.stats.standardized`; both are
re-exported here, so every effect on plain numbers imports from this module. The trial
layer that reads trial files is :mod:`reanalysis.analysis.trial_effects`.

All computations are at full precision; nothing is rounded here.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from reanalysis.errors import ReanalysisError
from reanalysis.stats.estimates import (
    AncovaResult,
    ArmChange,
    StandardizedEffect,
    TTestResult,
    _two_sided_p,
)
from reanalysis.stats.prepost import (
    PrePost,
    _change_sd,
    _check_arm_summary,
    _check_correlation,
    change_score_sd,
    correlation_from_change_sd,
)
from reanalysis.stats.standardized import (
    dppc2,
    hedges_g,
    hedges_g_final,
    small_sample_correction,
    smcc,
    smcc_difference,
    smcc_from_change,
    smcr,
    smcr_difference,
)

__all__ = [
    "AncovaResult",
    "ArmChange",
    "PrePost",
    "StandardizedEffect",
    "TTestResult",
    "ancova_from_summary",
    "ancova_pseudo_ipd",
    "arm_change",
    "baseline_difference",
    "change_from_summary",
    "change_pseudo_ipd",
    "change_score_sd",
    "correlation_from_change_sd",
    "difference_in_change",
    "dppc2",
    "final_value_difference",
    "hedges_g",
    "hedges_g_final",
    "mean_difference",
    "pseudo_individual_data",
    "small_sample_correction",
    "smcc",
    "smcc_difference",
    "smcc_from_change",
    "smcr",
    "smcr_difference",
]


# --- argument checks ----------------------------------------------------------------


def _check_standard_error(standard_error: ArrayLike) -> None:
    se = np.asarray(standard_error)
    bad = ~((se > 0) & np.isfinite(se))
    if np.any(bad):
        raise ReanalysisError(
            f"standard error must be positive and finite, got {float(se[bad][0])!r} "
            "(a correlation this close to 1 leaves no variability in change)"
        )


def _t_result(estimate: ArrayLike, standard_error: ArrayLike, df: ArrayLike) -> TTestResult:
    """The scalar t result of (estimate, SE, df) as returned by the ``_*_moments`` helpers."""
    _check_standard_error(standard_error)
    statistic = float(estimate / standard_error)
    pvalue = float(_two_sided_p(statistic, df))
    return TTestResult(float(estimate), float(standard_error), float(df), statistic, pvalue)


# --- per arm --------------------------------------------------------------------------


def arm_change(arm: PrePost, r: float) -> ArmChange:
    """Mean change, its SD for correlation ``r``, percent change and the paired t-test.

    Change SD by :func:`change_score_sd` (Cochrane Handbook 6.5.2.8); paired t =
    mean change / (SD_change/√n) on n − 1 df (Student 1908). Percent change is the change
    in means relative to the baseline mean, 100·(M_post − M_pre)/M_pre, which is not the
    mean of individual percent changes.

    Morris (2008) study 1, treatment arm, r = 0.47: change 7.9 = 100·7.9/30.6 = 25.82% of
    baseline, change SD √(15² + 11.6² − 2·0.47·15·11.6) = 14, paired t = 2.5236 on 19 df,
    p = 0.020685 (R, tests/reference/api_examples.R):

    >>> arm_change(PrePost(20, 30.6, 15.0, 38.5, 11.6), r=0.47)
    ArmChange(mean_change=7.9, change_sd=14, percent_change=25.82, pvalue=0.02069, df=19)
    """
    if arm.baseline_mean == 0:
        raise ReanalysisError("baseline_mean must be non-zero to express a percent change")
    sd = change_score_sd(arm.baseline_sd, arm.followup_sd, r)
    return change_from_summary(arm.n, arm.mean_change, sd, arm.baseline_mean, float(r))


def change_from_summary(
    n: int,
    mean_change: float,
    change_sd: float,
    baseline_mean: float | None = None,
    correlation: float | None = None,
) -> ArmChange:
    """One arm's change from its printed summary: mean change, SD of the change and n.

    Paired t = mean change / (SD_change/√n) on n − 1 df (Student 1908). Percent change
    100·change/baseline mean when a non-zero ``baseline_mean`` is given, else None;
    ``correlation`` is recorded as given (None when the printed change SD was used alone).
    """
    _check_arm_summary(mean_change, change_sd, n, ("mean_change", "change_sd", "n"))
    test = _t_result(mean_change, change_sd / math.sqrt(n), n - 1)
    percent = None if not baseline_mean else 100 * mean_change / baseline_mean
    return ArmChange(
        n=n,
        correlation=correlation,
        mean_change=mean_change,
        change_sd=change_sd,
        percent_change=percent,
        test=test,
    )


# --- between arms -------------------------------------------------------------------


# (estimate, standard error, df): the array form shared by the scalar tests and the
# vectorized scan of implied_correlation, so that both evaluate one formula.
_Moments = tuple[ArrayLike, np.ndarray, ArrayLike]


def _two_sample_moments(
    estimate: float, sd1: ArrayLike, n1: int, sd2: ArrayLike, n2: int, welch: bool
) -> _Moments:
    """Two-sample t on summary statistics: pooled (Student) or Welch–Satterthwaite."""
    if welch:
        v1, v2 = sd1**2 / n1, sd2**2 / n2
        df = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
        return estimate, np.sqrt(v1 + v2), df
    df = n1 + n2 - 2
    pooled = ((n1 - 1) * sd1**2 + (n2 - 1) * sd2**2) / df
    return estimate, np.sqrt(pooled * (1 / n1 + 1 / n2)), df


def _two_sample(
    estimate: float, sd1: float, n1: int, sd2: float, n2: int, welch: bool
) -> TTestResult:
    return _t_result(*_two_sample_moments(estimate, sd1, n1, sd2, n2, welch))


def _change_moments(
    treatment: PrePost,
    control: PrePost,
    r: np.ndarray,
    welch: bool,
    r_control: np.ndarray | None = None,
) -> _Moments:
    sd_t = _change_sd(treatment.baseline_sd, treatment.followup_sd, r)
    sd_c = _change_sd(
        control.baseline_sd, control.followup_sd, r if r_control is None else r_control
    )
    estimate = treatment.mean_change - control.mean_change
    return _two_sample_moments(estimate, sd_t, treatment.n, sd_c, control.n, welch)


def difference_in_change(
    treatment: PrePost,
    control: PrePost,
    r: float,
    welch: bool = False,
    r_control: float | None = None,
) -> TTestResult:
    """Difference in mean change (treatment − control) and its two-sample t-test.

    Each arm's change SD comes from :func:`change_score_sd` with ``r``, or with the
    control arm's own ``r_control`` when given (``r`` is then the treatment arm's). The
    default is Student's equal-variance t on the change scores, df = n1 + n2 − 2; with
    ``welch=True`` Welch's t with Satterthwaite df (Welch 1947). Assumes independent
    arms and normally distributed changes.

    Morris (2008) study 1 at r = 0.47; R's two-sample t on the change scores' summaries
    gives 11.3, SE 4.54695, t 2.48518, p 0.0174664, 95% CI 2.09519 to 20.5048
    (tests/reference/api_examples.R):

    >>> treatment = PrePost(20, 30.6, 15.0, 38.5, 11.6)
    >>> control = PrePost(20, 23.1, 13.8, 19.7, 14.8)
    >>> result = difference_in_change(treatment, control, r=0.47)
    >>> result
    TTestResult(estimate=11.3, standard_error=4.547, statistic=2.485, pvalue=0.01747, df=38)
    >>> lo, hi = result.confidence_interval()
    >>> round(lo, 4), round(hi, 4)
    (2.0952, 20.5048)
    """
    r = _check_correlation(r)
    r_c = None if r_control is None else np.asarray(_check_correlation(r_control, "r_control"))
    return _t_result(*_change_moments(treatment, control, np.asarray(r), welch, r_c))


def mean_difference(
    mean1: float,
    sd1: float,
    n1: int,
    mean2: float,
    sd2: float,
    n2: int,
    welch: bool = False,
) -> TTestResult:
    """Difference in means (first − second) of two independent groups, and its t-test.

    The summary-data entry point (statsmodels' ``effectsize_smd`` order): Student's
    pooled-variance t on n1 + n2 − 2 df, or Welch's t with Satterthwaite df
    (``welch=True``; Welch 1947). Used for final values and for change scores printed as
    such (mean change and its SD per arm).
    """
    _check_arm_summary(mean1, sd1, n1, ("mean1", "sd1", "n1"))
    _check_arm_summary(mean2, sd2, n2, ("mean2", "sd2", "n2"))
    return _two_sample(mean1 - mean2, sd1, n1, sd2, n2, welch)


def final_value_difference(
    treatment: PrePost, control: PrePost, welch: bool = False
) -> TTestResult:
    """Difference in follow-up means (treatment − control), ignoring baseline.

    Two-sample t on the follow-up values (Student, or Welch with ``welch=True``). It
    ignores each man's baseline, so any baseline imbalance passes straight into it.
    """
    return _two_sample(
        treatment.followup_mean - control.followup_mean,
        treatment.followup_sd,
        treatment.n,
        control.followup_sd,
        control.n,
        welch,
    )


def baseline_difference(treatment: PrePost, control: PrePost, welch: bool = False) -> TTestResult:
    """Difference in baseline means (treatment − control) between randomized arms.

    Under randomization any difference is chance, so its p-value tests nothing about
    the treatment (CONSORT 2010, item 15); it is shown to size the imbalance that
    ANCOVA adjusts for.
    """
    return _two_sample(
        treatment.baseline_mean - control.baseline_mean,
        treatment.baseline_sd,
        treatment.n,
        control.baseline_sd,
        control.n,
        welch,
    )


def ancova_from_summary(
    treatment: PrePost, control: PrePost, r: float, r_control: float | None = None
) -> AncovaResult:
    """ANCOVA of follow-up on arm and baseline, computed exactly from summary statistics.

    With the pooled within-arm sums of squares and products
    Sxx = Σ(nᵢ−1)·SD_pre,ᵢ², Sxy = Σ(nᵢ−1)·rᵢ·SD_pre,ᵢ·SD_post,ᵢ, Syy = Σ(nᵢ−1)·SD_post,ᵢ²,
    the common slope is b = Sxy/Sxx and the adjusted difference is
    (ȳ_T − ȳ_C) − b·(x̄_T − x̄_C). Its variance is
    s²·(1/n_T + 1/n_C + (x̄_T − x̄_C)²/Sxx) with s² = (Syy − Sxy²/Sxx)/(n_T + n_C − 3)
    (one-way ANCOVA with a common slope, e.g. Snedecor & Cochran, Statistical Methods,
    analysis of covariance; the summary-data form of Papadimitropoulou et al. 2019,
    Res Synth Methods 10:178–190). The last term
    is the baseline-imbalance term. rᵢ is ``r`` in both arms, or ``r`` in the treatment
    arm and ``r_control`` in the control arm: each arm's within-arm sum of products is
    (nᵢ−1)·rᵢ·SD_pre,ᵢ·SD_post,ᵢ whatever the other arm's r, so two different r's enter
    Sxy exactly as pooled within-group regression does with individual data (Snedecor &
    Cochran, analysis of covariance). The model still assumes a common slope b.

    Morris (2008) study 1 at r = 0.47; R's ``lm(post ~ group + pre)`` on pseudo individual
    data with exactly these moments (``MASS::mvrnorm(empirical = TRUE)``) gives 15.5906,
    SE 3.90731, t 3.99012, p 0.000300173 (tests/reference/api_examples.R):

    >>> treatment = PrePost(20, 30.6, 15.0, 38.5, 11.6)
    >>> control = PrePost(20, 23.1, 13.8, 19.7, 14.8)
    >>> ancova_from_summary(treatment, control, r=0.47)
    AncovaResult(estimate=15.59, standard_error=3.907, statistic=3.99, pvalue=0.0003002, df=37)
    """
    r = _check_correlation(r)
    r_c = None if r_control is None else np.asarray(_check_correlation(r_control, "r_control"))
    fit = _ancova_moments(treatment, control, np.asarray(r), r_c)
    base = _t_result(fit.estimate, fit.standard_error, fit.df)
    return AncovaResult(
        estimate=base.estimate,
        standard_error=base.standard_error,
        df=base.df,
        statistic=base.statistic,
        pvalue=base.pvalue,
        slope=float(fit.slope),
        final_difference=fit.final_difference,
        baseline_difference=fit.baseline_difference,
        residual_sd=float(np.sqrt(fit.residual_variance)),
    )


class _AncovaMoments(NamedTuple):
    estimate: np.ndarray
    standard_error: np.ndarray
    df: int
    slope: np.ndarray
    residual_variance: np.ndarray
    final_difference: float
    baseline_difference: float


def _ancova_moments(
    treatment: PrePost, control: PrePost, r: np.ndarray, r_control: np.ndarray | None = None
) -> _AncovaMoments:
    """:func:`ancova_from_summary` for an array of already checked r (one formula for both)."""
    n_t, n_c = treatment.n, control.n
    sxx = (n_t - 1) * treatment.baseline_sd**2 + (n_c - 1) * control.baseline_sd**2
    syy = (n_t - 1) * treatment.followup_sd**2 + (n_c - 1) * control.followup_sd**2
    cross_t = (n_t - 1) * treatment.baseline_sd * treatment.followup_sd
    cross_c = (n_c - 1) * control.baseline_sd * control.followup_sd
    # One r: r·(both cross products), as before; two r's: each arm's own (see above).
    sxy = r * (cross_t + cross_c) if r_control is None else r * cross_t + r_control * cross_c
    slope = sxy / sxx
    df = n_t + n_c - 3
    residual_variance = (syy - sxy**2 / sxx) / df
    baseline_gap = treatment.baseline_mean - control.baseline_mean
    final_gap = treatment.followup_mean - control.followup_mean
    estimate = final_gap - slope * baseline_gap
    se = np.sqrt(residual_variance * (1 / n_t + 1 / n_c + baseline_gap**2 / sxx))
    return _AncovaMoments(estimate, se, df, slope, residual_variance, final_gap, baseline_gap)


def pseudo_individual_data(arm: PrePost, r: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Baseline and follow-up vectors of length n with exactly the arm's means, SDs and r.

    Two standard-normal draws are centred, the second is made orthogonal to the first,
    both are scaled to SD 1 (n − 1 divisor), and follow-up = r·z₁ + √(1−r²)·z₂
    (Papadimitropoulou et al. 2019, Res Synth Methods 10:360–375, "pseudo IPD"). Any
    statistic that depends only on first and second moments is then reproduced exactly.
    """
    r = _check_correlation(r)
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((2, arm.n))
    z -= z.mean(axis=1, keepdims=True)
    z[1] -= (z[1] @ z[0]) / (z[0] @ z[0]) * z[0]
    z /= z.std(axis=1, ddof=1, keepdims=True)
    baseline = arm.baseline_mean + arm.baseline_sd * z[0]
    followup = arm.followup_mean + arm.followup_sd * (r * z[0] + math.sqrt(1 - r**2) * z[1])
    return baseline, followup


def ancova_pseudo_ipd(
    treatment: PrePost, control: PrePost, r: float, seed: int = 0
) -> AncovaResult:
    """ANCOVA fitted by statsmodels OLS on pseudo individual data (cross-check).

    Builds :func:`pseudo_individual_data` for each arm and fits
    follow-up ~ 1 + treatment + baseline; the treatment coefficient, its SE, t and p
    must equal :func:`ancova_from_summary` (Papadimitropoulou et al. 2019).
    """
    import statsmodels.api as sm

    x_t, y_t = pseudo_individual_data(treatment, r, seed)
    x_c, y_c = pseudo_individual_data(control, r, seed + 1)
    baseline = np.concatenate([x_t, x_c])
    followup = np.concatenate([y_t, y_c])
    group = np.concatenate([np.ones(treatment.n), np.zeros(control.n)])
    design = np.column_stack([np.ones_like(group), group, baseline])
    fit = sm.OLS(followup, design).fit()
    return AncovaResult(
        estimate=float(fit.params[1]),
        standard_error=float(fit.bse[1]),
        df=float(fit.df_resid),
        statistic=float(fit.tvalues[1]),
        pvalue=float(fit.pvalues[1]),
        slope=float(fit.params[2]),
        final_difference=float(y_t.mean() - y_c.mean()),
        baseline_difference=float(x_t.mean() - x_c.mean()),
        residual_sd=math.sqrt(fit.scale),
    )


def change_pseudo_ipd(treatment: PrePost, control: PrePost, r: float, seed: int = 0) -> TTestResult:
    """Difference in change fitted by statsmodels OLS on pseudo individual data (cross-check).

    Regresses each pseudo participant's change on a treatment indicator; equals
    :func:`difference_in_change` with ``welch=False``.
    """
    import statsmodels.api as sm

    x_t, y_t = pseudo_individual_data(treatment, r, seed)
    x_c, y_c = pseudo_individual_data(control, r, seed + 1)
    change = np.concatenate([y_t - x_t, y_c - x_c])
    group = np.concatenate([np.ones(treatment.n), np.zeros(control.n)])
    fit = sm.OLS(change, np.column_stack([np.ones_like(group), group])).fit()
    return TTestResult(
        estimate=float(fit.params[1]),
        standard_error=float(fit.bse[1]),
        df=float(fit.df_resid),
        statistic=float(fit.tvalues[1]),
        pvalue=float(fit.pvalues[1]),
    )
