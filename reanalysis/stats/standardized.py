"""Standardized effects of pre–post–control trials from summary statistics.

Morris (2008) d_ppc2, Becker (1988) SMCR, SMCC (Gibbons, Hedeker & Davis 1993) per arm
and their differences between arms, and Hedges' g of final values or of any two groups,
each with its sampling variance, and the exact small-sample correction J (Hedges 1981).
:class:`~reanalysis.stats.prepost.PrePost` in, :class:`StandardizedEffect` out; the
t-tests and ANCOVA on the same arms are in :mod:`reanalysis.stats.effects`, which
re-exports every name here.

All computations are at full precision; nothing is rounded here.
"""

from __future__ import annotations

import math

from scipy import special

from reanalysis.errors import ReanalysisError
from reanalysis.stats.estimates import StandardizedEffect
from reanalysis.stats.prepost import (
    PrePost,
    _check_arm_summary,
    _check_correlation,
    change_score_sd,
)


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


def dppc2(
    treatment: PrePost, control: PrePost, r: float, r_control: float | None = None
) -> StandardizedEffect:
    """Morris (2008) d_ppc2: difference in mean change over the pooled baseline SD.

    d_ppc2 = c_P·[(M_post,T − M_pre,T) − (M_post,C − M_pre,C)] / SD_pre (Morris 2008,
    Organ Res Methods 11:364–386, eq. 8), SD_pre pooled over both arms' baselines
    (eq. 9), c_P the small-sample correction with df = n_T + n_C − 2 (eq. 10; the exact
    gamma form is used, see :func:`small_sample_correction`). Sampling variance (eq. 25,
    with the estimate in place of δ):
    σ² = 2·c_P²·(1−ρ)·((n_T+n_C)/(n_T·n_C))·((n_T+n_C−2)/(n_T+n_C−4))·
    (1 + δ²/(2(1−ρ)(n_T+n_C)/(n_T·n_C))) − δ².
    Assumes a common pre–post correlation ρ = ``r`` and equal pre and post SDs.

    With the control arm's own ``r_control`` (``r`` is then the treatment arm's), the
    factor 2(1−ρ)(n_T+n_C)/(n_T·n_C) = 2(1−ρ)(1/n_T + 1/n_C), the variance of the
    difference in change over σ², becomes 2[(1−ρ_T)/n_T + (1−ρ_C)/n_C]: each arm's
    change has variance 2σ²(1−ρᵢ) under equal pre and post SDs. This extension is ours;
    Morris (2008) treats a common ρ only. It equals eq. 25 when ρ_T = ρ_C.

    Morris (2008) Table 5, study 1: d_ppc2 = 0.77 (0.76845 to 5 digits, variance 0.11574,
    by eqs. 8-10 and 25 in R, tests/reference/api_examples.R):

    >>> treatment = PrePost(20, 30.6, 15.0, 38.5, 11.6)
    >>> control = PrePost(20, 23.1, 13.8, 19.7, 14.8)
    >>> dppc2(treatment, control, r=0.47)
    StandardizedEffect(estimate=0.7684, variance=0.1157, standard_error=0.3402)
    """
    r = _check_correlation(r)
    n_t, n_c = treatment.n, control.n
    df = n_t + n_c - 2
    if df <= 2:
        raise ReanalysisError(f"n_treatment + n_control must exceed 4 for d_ppc2, got {df + 2}")
    c = small_sample_correction(df)
    sd_pre = _pooled_sd(treatment.baseline_sd, n_t, control.baseline_sd, n_c)
    estimate = c * (treatment.mean_change - control.mean_change) / sd_pre
    if r_control is None:
        k = 2 * (1 - r) * (n_t + n_c) / (n_t * n_c)  # Morris 2008, eq. 25
    else:
        r_c = _check_correlation(r_control, "r_control")
        k = 2 * ((1 - r) / n_t + (1 - r_c) / n_c)  # eq. 25 with each arm's own ρ (see above)
    variance = c**2 * k * (df / (df - 2)) * (1 + estimate**2 / k) - estimate**2
    return StandardizedEffect(estimate, variance)


def smcr(arm: PrePost, r: float) -> StandardizedEffect:
    """Standardized mean change with raw-score (baseline SD) standardization.

    g = J(n−1)·(M_post − M_pre)/SD_pre (Becker 1988, Br J Math Stat Psychol 41:257–278),
    variance 2(1−r)/n + g²/(2n) (Becker 1988, as implemented in metafor's
    ``escalc(measure="SMCR")``; equation numbers not checked against the paper). The
    variance assumes equal pre and post SDs.

    Morris (2008) study 1, treatment arm; metafor's ``escalc("SMCR", m1i=38.5, m2i=30.6,
    sd1i=15, ni=20, ri=0.47)`` gives yi 0.505553, vi 0.0593896:

    >>> smcr(PrePost(20, 30.6, 15.0, 38.5, 11.6), r=0.47)
    StandardizedEffect(estimate=0.5056, variance=0.05939, standard_error=0.2437)
    """
    r = _check_correlation(r)
    g = small_sample_correction(arm.n - 1) * arm.mean_change / arm.baseline_sd
    return StandardizedEffect(g, 2 * (1 - r) / arm.n + g**2 / (2 * arm.n))


def smcc(arm: PrePost, r: float) -> StandardizedEffect:
    """Standardized mean change with change-score standardization.

    g = J(n−1)·(M_post − M_pre)/SD_change, SD_change from :func:`change_score_sd`;
    variance 1/n + g²/(2n) (Gibbons, Hedeker & Davis 1993, J Educ Stat 18:271–279;
    metafor's ``escalc(measure="SMCC")``).

    Morris (2008) study 1, treatment arm; metafor's ``escalc("SMCC", m1i=38.5, m2i=30.6,
    sd1i=11.6, sd2i=15, ni=20, ri=0.47)`` gives yi 0.541664, vi 0.0573350:

    >>> smcc(PrePost(20, 30.6, 15.0, 38.5, 11.6), r=0.47)
    StandardizedEffect(estimate=0.5417, variance=0.05733, standard_error=0.2394)
    """
    sd = change_score_sd(arm.baseline_sd, arm.followup_sd, r)
    return smcc_from_change(arm.mean_change, sd, arm.n)


def smcc_from_change(mean_change: float, change_sd: float, n: int) -> StandardizedEffect:
    """SMCC from a printed mean change and SD of the change (no r needed).

    g = J(n−1)·mean change/SD_change, variance 1/n + g²/(2n) (Gibbons, Hedeker & Davis
    1993; metafor's ``escalc(measure="SMCC")``).
    """
    _check_arm_summary(mean_change, change_sd, n, ("mean_change", "change_sd", "n"))
    g = small_sample_correction(n - 1) * mean_change / change_sd
    return StandardizedEffect(g, 1 / n + g**2 / (2 * n))


def smcr_difference(
    treatment: PrePost, control: PrePost, r: float, r_control: float | None = None
) -> StandardizedEffect:
    """Difference of per-arm SMCR values, g_T − g_C, variances summed (independent arms).

    Becker 1988; Morris 2008, eq. 4 (d_ppc1) when each arm uses its own baseline SD.
    ``r_control``: the control arm's own r (``r`` is then the treatment arm's).
    """
    t, c = smcr(treatment, r), smcr(control, r if r_control is None else r_control)
    return StandardizedEffect(t.estimate - c.estimate, t.variance + c.variance)


def smcc_difference(
    treatment: PrePost, control: PrePost, r: float, r_control: float | None = None
) -> StandardizedEffect:
    """Difference of per-arm SMCC values, variances summed (independent arms).

    ``r_control``: the control arm's own r (``r`` is then the treatment arm's).
    """
    t, c = smcc(treatment, r), smcc(control, r if r_control is None else r_control)
    return StandardizedEffect(t.estimate - c.estimate, t.variance + c.variance)


def hedges_g_final(treatment: PrePost, control: PrePost) -> StandardizedEffect:
    """Hedges' g on follow-up values, ignoring baseline.

    g = J(n_T+n_C−2)·(M_post,T − M_post,C)/SD_pooled,post (Hedges 1981, J Educ Stat
    6:107–128); variance 1/n_T + 1/n_C + g²/(2(n_T+n_C)) (Hedges & Olkin 1985, ch. 5;
    metafor's ``escalc(measure="SMD")``).

    Morris (2008) study 1, follow-up values; metafor's ``escalc("SMD", m1i=38.5, m2i=19.7,
    sd1i=11.6, sd2i=14.8, n1i=20, n2i=20)`` gives yi 1.38577, vi 0.124005:

    >>> treatment = PrePost(20, 30.6, 15.0, 38.5, 11.6)
    >>> control = PrePost(20, 23.1, 13.8, 19.7, 14.8)
    >>> hedges_g_final(treatment, control)
    StandardizedEffect(estimate=1.386, variance=0.124, standard_error=0.3521)
    """
    return hedges_g(
        treatment.followup_mean,
        treatment.followup_sd,
        treatment.n,
        control.followup_mean,
        control.followup_sd,
        control.n,
    )


def hedges_g(
    mean1: float, sd1: float, n1: int, mean2: float, sd2: float, n2: int
) -> StandardizedEffect:
    """Hedges' g of two independent groups (first − second) from their means, SDs and n.

    g = J(n1+n2−2)·(M1 − M2)/SD_pooled (Hedges 1981, J Educ Stat 6:107–128); variance
    1/n1 + 1/n2 + g²/(2(n1+n2)) (Hedges & Olkin 1985, ch. 5; metafor's
    ``escalc(measure="SMD")``).
    """
    _check_arm_summary(mean1, sd1, n1, ("mean1", "sd1", "n1"))
    _check_arm_summary(mean2, sd2, n2, ("mean2", "sd2", "n2"))
    sd = _pooled_sd(sd1, n1, sd2, n2)
    g = small_sample_correction(n1 + n2 - 2) * (mean1 - mean2) / sd
    return StandardizedEffect(g, 1 / n1 + 1 / n2 + g**2 / (2 * (n1 + n2)))
