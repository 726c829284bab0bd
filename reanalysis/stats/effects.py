"""Effect sizes for pre–post–control trials from summary statistics.

Papers usually print, for each arm, the mean and SD at baseline and at follow-up, but
not the within-person correlation ``r`` between the two. Every analysis of change
depends on it, so every function here takes ``r`` as an explicit argument
(:mod:`reanalysis.stats.correlation` recovers the ``r`` that reproduces a reported p, t
or CI, and scans results across r).

:class:`PrePost` in, frozen result dataclasses out: per-arm change, between-arm t-tests
on change, final and baseline values, ANCOVA from summary statistics (closed form and a
pseudo-individual-data OLS cross-check), and standardized effects (Morris 2008 d_ppc2,
Becker 1988 SMCR, SMCC, Hedges' g). The trial layer that reads trial files is
:mod:`reanalysis.analysis.trial_effects`.

All computations are at full precision; nothing is rounded here.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from reanalysis.errors import ReanalysisError

# --- input and result types ------------------------------------------------------


@dataclass(frozen=True)
class PrePost:
    """One arm's summary statistics: n, and mean and SD at baseline and at follow-up."""

    n: int
    baseline_mean: float
    baseline_sd: float
    followup_mean: float
    followup_sd: float

    def __post_init__(self) -> None:
        if isinstance(self.n, bool) or int(self.n) != self.n or self.n < 2:
            raise ReanalysisError(f"n must be a whole number >= 2, got {self.n!r}")
        for name in ("baseline_mean", "followup_mean"):
            if not math.isfinite(getattr(self, name)):
                raise ReanalysisError(f"{name} must be finite, got {getattr(self, name)!r}")
        for name in ("baseline_sd", "followup_sd"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise ReanalysisError(f"{name} must be a positive finite number, got {value!r}")

    @property
    def mean_change(self) -> float:
        return self.followup_mean - self.baseline_mean

    def rescaled(self, factor: float) -> PrePost:
        """The same arm in another unit (every mean and SD times ``factor`` > 0)."""
        if not (math.isfinite(factor) and factor > 0):
            raise ReanalysisError(f"factor must be a positive finite number, got {factor!r}")
        return replace(
            self,
            baseline_mean=self.baseline_mean * factor,
            baseline_sd=self.baseline_sd * factor,
            followup_mean=self.followup_mean * factor,
            followup_sd=self.followup_sd * factor,
        )


@dataclass(frozen=True)
class ConfidenceInterval:
    low: float
    high: float


@dataclass(frozen=True)
class TTestResult:
    """A t-based estimate: ``estimate`` ± t(df)·``standard_error``.

    Unpacks like SciPy's ``TtestResult`` (``statistic, pvalue = result``) and, unlike
    ``scipy.stats.ttest_ind_from_stats``, carries df and a confidence interval.
    """

    estimate: float
    standard_error: float
    df: float
    statistic: float
    pvalue: float

    def confidence_interval(self, confidence_level: float = 0.95) -> ConfidenceInterval:
        _check_level(confidence_level)
        # scipy.special.stdtrit is the ufunc behind stats.t.ppf (same value, lighter import).
        half = special.stdtrit(self.df, 0.5 + confidence_level / 2) * self.standard_error
        return ConfidenceInterval(self.estimate - half, self.estimate + half)

    def __iter__(self) -> Iterator[float]:
        return iter((self.statistic, self.pvalue))


@dataclass(frozen=True)
class AncovaResult(TTestResult):
    """Baseline-adjusted difference in follow-up means (treatment − control).

    ``slope`` is the pooled within-arm regression of follow-up on baseline;
    ``final_difference`` and ``baseline_difference`` are the unadjusted differences in
    means, so ``estimate = final_difference − slope·baseline_difference``.
    """

    slope: float
    final_difference: float
    baseline_difference: float
    residual_sd: float


@dataclass(frozen=True)
class ArmChange:
    """Within-arm change from baseline for an assumed correlation ``correlation``.

    ``test`` is the paired t-test of mean change = 0 (df = n − 1).
    """

    n: int
    correlation: float
    mean_change: float
    change_sd: float
    percent_change: float
    test: TTestResult


@dataclass(frozen=True)
class StandardizedEffect:
    """A standardized mean difference with its large-sample sampling variance."""

    estimate: float
    variance: float

    @property
    def standard_error(self) -> float:
        return math.sqrt(self.variance)

    def confidence_interval(self, confidence_level: float = 0.95) -> ConfidenceInterval:
        """Normal-theory interval estimate ± z·SE, as in metafor's ``summary.escalc``."""
        _check_level(confidence_level)
        # scipy.special.ndtri is the ufunc behind stats.norm.ppf.
        half = special.ndtri(0.5 + confidence_level / 2) * self.standard_error
        return ConfidenceInterval(self.estimate - half, self.estimate + half)


# --- argument checks ----------------------------------------------------------------


def _check_correlation(r: float, name: str = "r") -> float:
    if isinstance(r, bool) or not isinstance(r, (int, float, np.floating)):
        raise ReanalysisError(f"{name} must be a number in (-1, 1), got {r!r}")
    if not (math.isfinite(r) and -1 < r < 1):
        raise ReanalysisError(f"{name} must lie strictly between -1 and 1, got {r!r}")
    return float(r)


def _check_level(confidence_level: float) -> None:
    if not (math.isfinite(confidence_level) and 0 < confidence_level < 1):
        raise ReanalysisError(
            f"confidence_level must lie strictly between 0 and 1, got {confidence_level!r}"
        )


def _check_standard_error(standard_error: ArrayLike) -> None:
    se = np.asarray(standard_error)
    bad = ~((se > 0) & np.isfinite(se))
    if np.any(bad):
        raise ReanalysisError(
            f"standard error must be positive and finite, got {float(se[bad][0])!r} "
            "(a correlation this close to 1 leaves no variability in change)"
        )


def _two_sided_p(statistic: ArrayLike, df: ArrayLike) -> np.ndarray:
    """2·P(T_df > |t|) through ``scipy.special.stdtr``, the ufunc behind ``stats.t.sf``."""
    return 2 * special.stdtr(df, -np.abs(statistic))


def _t_result(estimate: ArrayLike, standard_error: ArrayLike, df: ArrayLike) -> TTestResult:
    """The scalar t result of (estimate, SE, df) as returned by the ``_*_moments`` helpers."""
    _check_standard_error(standard_error)
    statistic = float(estimate / standard_error)
    pvalue = float(_two_sided_p(statistic, df))
    return TTestResult(float(estimate), float(standard_error), float(df), statistic, pvalue)


# --- per arm --------------------------------------------------------------------------


def change_score_sd(sd_baseline: float, sd_followup: float, r: float) -> float:
    """SD of the change from baseline, imputed from the two SDs and their correlation.

    SD_change = √(SD_baseline² + SD_final² − 2·r·SD_baseline·SD_final)
    (Cochrane Handbook v6.4, section 6.5.2.8; Follmann et al. 1992; Abrams et al. 2005).
    Assumes r is the within-person correlation of baseline and follow-up in this arm.
    """
    r = _check_correlation(r)
    for name, value in (("sd_baseline", sd_baseline), ("sd_followup", sd_followup)):
        if not (math.isfinite(value) and value > 0):
            raise ReanalysisError(f"{name} must be a positive finite number, got {value!r}")
    return float(_change_sd(sd_baseline, sd_followup, np.asarray(r)))


def _change_sd(sd_baseline: float, sd_followup: float, r: np.ndarray) -> np.ndarray:
    """:func:`change_score_sd` for an array of already checked r (one formula for both)."""
    return np.sqrt(sd_baseline**2 + sd_followup**2 - 2 * r * sd_baseline * sd_followup)


def correlation_from_change_sd(sd_baseline: float, sd_followup: float, sd_change: float) -> float:
    """The pre–post correlation implied by three reported SDs.

    Corr = (SD_baseline² + SD_final² − SD_change²) / (2·SD_baseline·SD_final)
    (Cochrane Handbook v6.4, section 6.5.2.8), the inverse of :func:`change_score_sd`.
    """
    for name, value in (
        ("sd_baseline", sd_baseline),
        ("sd_followup", sd_followup),
        ("sd_change", sd_change),
    ):
        if not (math.isfinite(value) and value > 0):
            raise ReanalysisError(f"{name} must be a positive finite number, got {value!r}")
    r = (sd_baseline**2 + sd_followup**2 - sd_change**2) / (2 * sd_baseline * sd_followup)
    if not -1 <= r <= 1:
        raise ReanalysisError(
            f"sd_change = {sd_change!r} is impossible for SDs {sd_baseline!r} and "
            f"{sd_followup!r}: it implies a correlation of {r:.4g}, outside [-1, 1]"
        )
    return r


def arm_change(arm: PrePost, r: float) -> ArmChange:
    """Mean change, its SD for correlation ``r``, percent change and the paired t-test.

    Change SD by :func:`change_score_sd` (Cochrane Handbook 6.5.2.8); paired t =
    mean change / (SD_change/√n) on n − 1 df (Student 1908). Percent change is the change
    in means relative to the baseline mean, 100·(M_post − M_pre)/M_pre, which is not the
    mean of individual percent changes.
    """
    if arm.baseline_mean == 0:
        raise ReanalysisError("baseline_mean must be non-zero to express a percent change")
    sd = change_score_sd(arm.baseline_sd, arm.followup_sd, r)
    test = _t_result(arm.mean_change, sd / math.sqrt(arm.n), arm.n - 1)
    return ArmChange(
        n=arm.n,
        correlation=float(r),
        mean_change=arm.mean_change,
        change_sd=sd,
        percent_change=100 * arm.mean_change / arm.baseline_mean,
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


def _change_moments(treatment: PrePost, control: PrePost, r: np.ndarray, welch: bool) -> _Moments:
    sd_t = _change_sd(treatment.baseline_sd, treatment.followup_sd, r)
    sd_c = _change_sd(control.baseline_sd, control.followup_sd, r)
    estimate = treatment.mean_change - control.mean_change
    return _two_sample_moments(estimate, sd_t, treatment.n, sd_c, control.n, welch)


def difference_in_change(
    treatment: PrePost, control: PrePost, r: float, welch: bool = False
) -> TTestResult:
    """Difference in mean change (treatment − control) and its two-sample t-test.

    Each arm's change SD comes from :func:`change_score_sd` with the same ``r``. The
    default is Student's equal-variance t on the change scores, df = n1 + n2 − 2; with
    ``welch=True`` Welch's t with Satterthwaite df (Welch 1947). Assumes independent
    arms and normally distributed changes.
    """
    r = _check_correlation(r)
    return _t_result(*_change_moments(treatment, control, np.asarray(r), welch))


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


def ancova_from_summary(treatment: PrePost, control: PrePost, r: float) -> AncovaResult:
    """ANCOVA of follow-up on arm and baseline, computed exactly from summary statistics.

    With the pooled within-arm sums of squares and products
    Sxx = Σ(nᵢ−1)·SD_pre,ᵢ², Sxy = Σ(nᵢ−1)·r·SD_pre,ᵢ·SD_post,ᵢ, Syy = Σ(nᵢ−1)·SD_post,ᵢ²,
    the common slope is b = Sxy/Sxx and the adjusted difference is
    (ȳ_T − ȳ_C) − b·(x̄_T − x̄_C). Its variance is
    s²·(1/n_T + 1/n_C + (x̄_T − x̄_C)²/Sxx) with s² = (Syy − Sxy²/Sxx)/(n_T + n_C − 3)
    (one-way ANCOVA with a common slope, e.g. Snedecor & Cochran, Statistical Methods,
    analysis of covariance; the summary-data form of Papadimitropoulou et al. 2019,
    Res Synth Methods 10:178–190). The last term
    is the baseline-imbalance term. Assumes the same r and a common slope in both arms.
    """
    r = _check_correlation(r)
    fit = _ancova_moments(treatment, control, np.asarray(r))
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


def _ancova_moments(treatment: PrePost, control: PrePost, r: np.ndarray) -> _AncovaMoments:
    """:func:`ancova_from_summary` for an array of already checked r (one formula for both)."""
    n_t, n_c = treatment.n, control.n
    sxx = (n_t - 1) * treatment.baseline_sd**2 + (n_c - 1) * control.baseline_sd**2
    syy = (n_t - 1) * treatment.followup_sd**2 + (n_c - 1) * control.followup_sd**2
    sxy = r * (
        (n_t - 1) * treatment.baseline_sd * treatment.followup_sd
        + (n_c - 1) * control.baseline_sd * control.followup_sd
    )
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
    (Papadimitropoulou et al. 2019, Res Synth Methods 10:178–190, "pseudo IPD"). Any
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


# --- standardized effects -------------------------------------------------------------


def small_sample_correction(df: float) -> float:
    """Exact bias correction J(m) = Γ(m/2) / (√(m/2)·Γ((m−1)/2)).

    Hedges 1981 (J Educ Stat 6:107–128), the exact form of the factor that Morris 2008
    eq. 10 approximates by 1 − 3/(4m − 1); metafor's ``.cmicalc``. Computed through
    log-gamma so that large df do not overflow.
    """
    if not (math.isfinite(df) and df > 1):
        raise ReanalysisError(f"df must be greater than 1, got {df!r}")
    return math.exp(special.gammaln(df / 2) - special.gammaln((df - 1) / 2)) / math.sqrt(df / 2)


def _pooled_sd(sd1: float, n1: int, sd2: float, n2: int) -> float:
    return math.sqrt(((n1 - 1) * sd1**2 + (n2 - 1) * sd2**2) / (n1 + n2 - 2))


def dppc2(treatment: PrePost, control: PrePost, r: float) -> StandardizedEffect:
    """Morris (2008) d_ppc2: difference in mean change over the pooled baseline SD.

    d_ppc2 = c_P·[(M_post,T − M_pre,T) − (M_post,C − M_pre,C)] / SD_pre (Morris 2008,
    Organ Res Methods 11:364–386, eq. 8), SD_pre pooled over both arms' baselines
    (eq. 9), c_P the small-sample correction with df = n_T + n_C − 2 (eq. 10; the exact
    gamma form is used, see :func:`small_sample_correction`). Sampling variance (eq. 25,
    with the estimate in place of δ):
    σ² = 2·c_P²·(1−ρ)·((n_T+n_C)/(n_T·n_C))·((n_T+n_C−2)/(n_T+n_C−4))·
    (1 + δ²/(2(1−ρ)(n_T+n_C)/(n_T·n_C))) − δ².
    Assumes a common pre–post correlation ρ = ``r`` and equal pre and post SDs.
    """
    r = _check_correlation(r)
    n_t, n_c = treatment.n, control.n
    df = n_t + n_c - 2
    if df <= 2:
        raise ReanalysisError(f"n_treatment + n_control must exceed 4 for d_ppc2, got {df + 2}")
    c = small_sample_correction(df)
    sd_pre = _pooled_sd(treatment.baseline_sd, n_t, control.baseline_sd, n_c)
    estimate = c * (treatment.mean_change - control.mean_change) / sd_pre
    k = 2 * (1 - r) * (n_t + n_c) / (n_t * n_c)
    variance = c**2 * k * (df / (df - 2)) * (1 + estimate**2 / k) - estimate**2
    return StandardizedEffect(estimate, variance)


def smcr(arm: PrePost, r: float) -> StandardizedEffect:
    """Standardized mean change with raw-score (baseline SD) standardization.

    g = J(n−1)·(M_post − M_pre)/SD_pre (Becker 1988, Br J Math Stat Psychol 41:257–278),
    variance 2(1−r)/n + g²/(2n) (Becker 1988, as implemented in metafor's
    ``escalc(measure="SMCR")``; equation numbers not checked against the paper). The
    variance assumes equal pre and post SDs.
    """
    r = _check_correlation(r)
    g = small_sample_correction(arm.n - 1) * arm.mean_change / arm.baseline_sd
    return StandardizedEffect(g, 2 * (1 - r) / arm.n + g**2 / (2 * arm.n))


def smcc(arm: PrePost, r: float) -> StandardizedEffect:
    """Standardized mean change with change-score standardization.

    g = J(n−1)·(M_post − M_pre)/SD_change, SD_change from :func:`change_score_sd`;
    variance 1/n + g²/(2n) (Gibbons, Hedeker & Davis 1993, J Educ Stat 18:271–279;
    metafor's ``escalc(measure="SMCC")``).
    """
    sd = change_score_sd(arm.baseline_sd, arm.followup_sd, r)
    g = small_sample_correction(arm.n - 1) * arm.mean_change / sd
    return StandardizedEffect(g, 1 / arm.n + g**2 / (2 * arm.n))


def smcr_difference(treatment: PrePost, control: PrePost, r: float) -> StandardizedEffect:
    """Difference of per-arm SMCR values, g_T − g_C, variances summed (independent arms).

    Becker 1988; Morris 2008, eq. 4 (d_ppc1) when each arm uses its own baseline SD.
    """
    t, c = smcr(treatment, r), smcr(control, r)
    return StandardizedEffect(t.estimate - c.estimate, t.variance + c.variance)


def smcc_difference(treatment: PrePost, control: PrePost, r: float) -> StandardizedEffect:
    """Difference of per-arm SMCC values, variances summed (independent arms)."""
    t, c = smcc(treatment, r), smcc(control, r)
    return StandardizedEffect(t.estimate - c.estimate, t.variance + c.variance)


def hedges_g_final(treatment: PrePost, control: PrePost) -> StandardizedEffect:
    """Hedges' g on follow-up values, ignoring baseline.

    g = J(n_T+n_C−2)·(M_post,T − M_post,C)/SD_pooled,post (Hedges 1981, J Educ Stat
    6:107–128); variance 1/n_T + 1/n_C + g²/(2(n_T+n_C)) (Hedges & Olkin 1985, ch. 5;
    metafor's ``escalc(measure="SMD")``).
    """
    n_t, n_c = treatment.n, control.n
    sd = _pooled_sd(treatment.followup_sd, n_t, control.followup_sd, n_c)
    g = (
        small_sample_correction(n_t + n_c - 2)
        * (treatment.followup_mean - control.followup_mean)
        / sd
    )
    return StandardizedEffect(g, 1 / n_t + 1 / n_c + g**2 / (2 * (n_t + n_c)))
