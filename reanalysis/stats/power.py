"""Power, sample size and minimum detectable effect of a two-arm comparison of means.

Two audiences: a reviewer asks whether a trial *as designed* could have detected a
clinically relevant difference; a planner asks how many participants the next trial
needs. Both are answered by the design power of the two-sample t-test with pooled
variance, two-sided, the convention of statsmodels ``TTestIndPower`` and G*Power:

    power = P(T > c) + P(T < −c),  T ~ noncentral t(df, δ),
    df = n1 + n2 − 2,  δ = d·√(n1·n2/(n1 + n2)),  c = t₁₋α/₂(df)

(Cohen 1988, ch. 2; Faul et al. 2007, G*Power 3, Behav Res Methods 39:175). Both
rejection tails are counted, as statsmodels does. Assumptions: normal outcomes, equal
variances in the two arms, independent participants, and a standardized effect d that
is the *true* effect, fixed in advance.

**Observed ("post hoc") power is refused.** Plugging a trial's own observed effect into
the power formula gives a number that is a one-to-one function of the trial's p-value
and so adds nothing to it (Hoenig & Heisey 2001, Am Stat 55:19-24): a non-significant
result always has "low observed power". :func:`observed_power` raises to say so. Ask
instead what effect the trial could detect (:func:`minimum_detectable_effect`) or what
power it had for a difference fixed on clinical grounds (:func:`two_sample_power`).

Effects in the outcome's own units are standardized by the SD of the analysed quantity,
which depends on the analysis and on the pre–post correlation r (:func:`analysis_sd`):

* change from baseline: SD_change = √(SD₀² + SD₁² − 2·r·SD₀·SD₁) (Cochrane Handbook
  v6.4, 6.5.2.8);
* final value: SD₁;
* ANCOVA on baseline: SD₁·√(1 − r²) (Borm, Fransen & Lemmens 2007, J Clin Epidemiol
  60:1234-1238, whose sample size is the t-test's times the design factor 1 − r²).

With equal SDs the three variances relative to a final-value analysis are 1, 2(1 − r)
and 1 − r² (:func:`design_factor`; Frison & Pocock 1992, Stat Med 11:1685). Borm's
ANCOVA approximation keeps the t-test's df = n1 + n2 − 2 rather than the model's
n1 + n2 − 3; the difference is negligible beyond a handful of participants per arm.

The power function itself is evaluated in :mod:`reanalysis.stats.noncentral` (exact
noncentral t, with repairs where SciPy returns NaN). Sample sizes and minimum detectable
effects are roots of that power function found by Brent's method.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar, Literal, NoReturn

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from reanalysis.errors import ReanalysisError
from reanalysis.stats.effects import PrePost, change_score_sd
from reanalysis.stats.noncentral import one_sided_power, two_sided_power
from reanalysis.stats.protocol import ResultMixin, check_alternative
from reanalysis.stats.roots import brentq

Analysis = Literal["change", "final", "ancova"]
ANALYSES: tuple[str, ...] = ("change", "final", "ancova")

# Upper limits searched by the solvers before giving up; also the largest n per group
# accepted (no trial is larger, and beyond it n1·n2 approaches overflow).
_MAX_N = 1e9
_MAX_EFFECT = 1e4
# The largest |standardized effect| accepted: power is 1 long before, and beyond it the
# noncentrality d·√(n1·n2/(n1 + n2)) can overflow.
_MAX_ABS_EFFECT = 1e6
# The smallest alpha accepted: below it the critical t of a df = 2 test exceeds 1e7 and its
# square heads for overflow; no design tests at a smaller level.
_MIN_ALPHA = 1e-15
# Arms more unequal than 1000 to 1 (n2/n1) are refused when solving for n.
_MIN_RATIO = 1e-3


# --- argument checks ------------------------------------------------------------------


def _array(value: ArrayLike, name: str) -> np.ndarray:
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ReanalysisError(f"{name} must be a number or an array of numbers") from None
    if not np.all(np.isfinite(array)):
        raise ReanalysisError(f"{name} must be finite")
    return array


def _check_n(value: ArrayLike, name: str) -> np.ndarray:
    n = _array(value, name)
    if np.any(n < 2):
        raise ReanalysisError(f"{name} must be >= 2 per group, got {np.min(n):g}")
    if np.any(n > _MAX_N):
        raise ReanalysisError(f"{name} must be at most {_MAX_N:g} per group, got {np.max(n):g}")
    return n


def _check_effect(value: ArrayLike) -> np.ndarray:
    effect = _array(value, "effect_size")
    if np.any(np.abs(effect) > _MAX_ABS_EFFECT):
        raise ReanalysisError(
            f"effect_size must lie within ±{_MAX_ABS_EFFECT:g} (a standardized difference), "
            f"got {np.max(np.abs(effect)):g}"
        )
    return effect


def _check_probability(value: ArrayLike, name: str) -> np.ndarray:
    p = _array(value, name)
    if np.any((p <= 0) | (p >= 1)):
        raise ReanalysisError(f"{name} must lie strictly between 0 and 1")
    return p


def _check_alpha(value: ArrayLike) -> np.ndarray:
    alpha = _check_probability(value, "alpha")
    if np.any(alpha < _MIN_ALPHA):
        raise ReanalysisError(f"alpha must be at least {_MIN_ALPHA:g}, got {np.min(alpha):g}")
    return alpha


def _check_r(value: ArrayLike) -> np.ndarray:
    r = _array(value, "r")
    if np.any((r <= -1) | (r >= 1)):
        raise ReanalysisError("r must lie strictly between -1 and 1")
    return r


def _check_analysis(analysis: str) -> None:
    if analysis not in ANALYSES:
        raise ReanalysisError(f"analysis must be one of {', '.join(ANALYSES)}, got {analysis!r}")


def _check_positive(value: float, name: str) -> float:
    if not (math.isfinite(value) and value > 0):
        raise ReanalysisError(f"{name} must be a positive finite number, got {value!r}")
    return float(value)


# --- the analysis' SD -----------------------------------------------------------------


def design_factor(r: ArrayLike, analysis: Analysis) -> np.ndarray | float:
    """Variance of the analysis' effect estimate relative to a final-value comparison.

    final 1, change score 2(1 − r), ANCOVA 1 − r² (Frison & Pocock 1992, Stat Med
    11:1685, eqs. 2-4; Borm et al. 2007, J Clin Epidemiol 60:1234, design factor 1 − ρ²).
    Assumes equal SDs at baseline and follow-up and r the within-person correlation.
    Broadcasts over ``r``; required n scales by this factor.
    """
    _check_analysis(analysis)
    r = _check_r(r)
    factor = {"final": np.ones_like(r), "change": 2 * (1 - r), "ancova": 1 - r * r}[analysis]
    return float(factor) if factor.ndim == 0 else factor


def analysis_sd(analysis: Analysis, baseline_sd: float, followup_sd: float, r: float) -> float:
    """SD of the quantity the analysis compares between arms, in the outcome's units.

    change: √(SD₀² + SD₁² − 2·r·SD₀·SD₁) (Cochrane Handbook v6.4, 6.5.2.8); final: SD₁;
    ANCOVA: SD₁·√(1 − r²), the residual SD of follow-up on baseline (Borm et al. 2007).
    A difference Δ in those units is the standardized effect d = Δ / analysis_sd.
    """
    _check_analysis(analysis)
    baseline_sd = _check_positive(baseline_sd, "baseline_sd")
    followup_sd = _check_positive(followup_sd, "followup_sd")
    r = float(_check_r(r))
    if analysis == "change":
        return change_score_sd(baseline_sd, followup_sd, r)
    if analysis == "final":
        return followup_sd
    return followup_sd * math.sqrt(1 - r * r)


# --- the power function ---------------------------------------------------------------


def _power(
    effect: np.ndarray, n1: np.ndarray, n2: np.ndarray, alpha: np.ndarray, alternative: str
) -> np.ndarray:
    """Exact power for ``alternative`` on validated arrays; ``smaller`` is ``larger`` at −d."""
    if alternative == "two-sided":
        return two_sided_power(effect, n1, n2, alpha)
    return one_sided_power(effect if alternative == "larger" else -effect, n1, n2, alpha)


def power_grid(
    effect_size: ArrayLike,
    n1: ArrayLike,
    n2: ArrayLike,
    r: ArrayLike = 0.0,
    alpha: ArrayLike = 0.05,
    *,
    analysis: Analysis = "final",
    alternative: str = "two-sided",
) -> np.ndarray:
    """Power over a grid of designs, broadcasting like numpy, in one call.

    ``effect_size`` is Δ/σ, the difference in means over the SD of a single
    measurement (equal at baseline and follow-up); ``analysis`` and ``r`` turn it into
    the analysis' own standardized effect d / √design_factor(r, analysis)
    (:func:`design_factor`; Borm et al. 2007). With ``analysis="final"`` r has no effect.
    The power is the exact noncentral-t power of the pooled-variance two-sample t-test
    (module docstring), equal to statsmodels ``TTestIndPower().power(d, n1, alpha,
    ratio=n2/n1, alternative=...)`` wherever that is finite; no Python loop runs per cell.
    ``alternative`` is ``two-sided`` (default), ``larger`` (H1: d > 0) or ``smaller``.
    2 <= n1, n2 <= 1e9 (fractional allowed), 0 < alpha < 1, −1 < r < 1.

    d = 0.5 with 64 and with 86 per group: Cohen (1988, Table 2.4.1) needs 64 per group
    for power 0.80, and the G*Power reference manual prints 0.9032 for 86 per group:

    >>> power_grid(0.5, [64, 86], [64, 86]).round(4)
    array([0.8015, 0.9032])
    """
    _check_analysis(analysis)
    check_alternative(alternative)
    effect = _check_effect(effect_size)
    n1, n2 = _check_n(n1, "n1"), _check_n(n2, "n2")
    alpha = _check_alpha(alpha)
    if analysis != "final":
        effect = effect / np.sqrt(design_factor(r, analysis))
    else:
        _check_r(r)
    return _power(effect, n1, n2, alpha, alternative)


# --- scalar questions -----------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class PowerResult(ResultMixin):
    """Design power of a two-sample t-test for a given standardized effect.

    ``critical_value`` is t₁₋α/₂(df) two-sided, t₁₋α(df) one-sided.
    """

    power: float
    effect_size: float
    n1: float
    n2: float
    alpha: float
    df: float
    critical_value: float
    noncentrality: float
    alternative: str = "two-sided"

    _repr_fields: ClassVar = ("power", "effect_size", "n1", "n2", "alpha", "alternative")


@dataclass(frozen=True, repr=False)
class SampleSize(ResultMixin):
    """Participants needed for a target power; ``n2 = ratio · n_per_group``.

    ``n_per_group`` is the fractional root (the pwr / G*Power convention before
    rounding); ``n_per_group_ceil`` is the smallest whole n1 whose design (with
    ``n2_ceil`` = ⌈ratio·n1⌉) reaches the target, and ``achieved_power`` its power.
    """

    n_per_group: float
    n_per_group_ceil: int
    n2: float
    n2_ceil: int
    achieved_power: float
    effect_size: float
    power: float
    alpha: float
    ratio: float
    alternative: str = "two-sided"

    _repr_fields: ClassVar = ("n_per_group", "n_per_group_ceil", "achieved_power", "power")


@dataclass(frozen=True, repr=False)
class MinimumDetectableEffect(ResultMixin):
    """Smallest effect detected with the target power; in own units when an SD is given.

    ``effect_size`` is positive, except for ``alternative="smaller"``, whose effects are
    negative. ``difference`` = ``effect_size`` · ``outcome_sd`` and ``percent_of_baseline``
    = 100 · difference / ``baseline_mean`` are None when those inputs were not given.
    """

    effect_size: float
    difference: float | None
    percent_of_baseline: float | None
    n1: float
    n2: float
    power: float
    alpha: float
    alternative: str = "two-sided"

    _repr_fields: ClassVar = ("effect_size", "n1", "n2", "power", "alpha", "alternative")


def _scalar_power(
    effect: float, n1: float, n2: float, alpha: float, alternative: str = "two-sided"
) -> float:
    """:func:`_power` for one design, without array set-up (the solvers call it thousands
    of times). The operations of :func:`~reanalysis.stats.noncentral.two_sided_power` and
    :func:`~reanalysis.stats.noncentral.one_sided_power` in the same order on the same
    doubles, so the same result to the last bit; a NaN from SciPy (where those functions
    repair it) falls back to them."""
    e, m, n, a = (float(value) for value in (effect, n1, n2, alpha))
    df = m + n - 2.0
    ratio = math.sqrt(m * n / (m + n))
    if alternative == "two-sided":
        crit = -special.stdtrit(df, a / 2)
        delta = abs(e) * ratio
        power = 1.0 - special.ncfdtr(1.0, df, delta * delta, crit * crit)
    else:
        crit = -special.stdtrit(df, a)
        delta = (e if alternative == "larger" else -e) * ratio
        power = 1.0 - special.nctdtr(df, delta, crit)
    if math.isnan(power):
        arrays = (np.asarray(value, dtype=float) for value in (effect, n1, n2, alpha))
        return float(_power(*arrays, alternative))
    return float(power)


def _scalar(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ReanalysisError(f"{name} must be a number, got {value!r}")
    return float(value)


def _critical_value(df: float, alpha: float, alternative: str) -> float:
    """t₁₋α/₂(df) for a two-sided test, t₁₋α(df) for a one-sided one."""
    return float(-special.stdtrit(df, alpha / 2 if alternative == "two-sided" else alpha))


def two_sample_power(
    effect_size: float, n1: float, n2: float, alpha: float = 0.05, alternative: str = "two-sided"
) -> PowerResult:
    """Design power of the pooled-variance two-sample t-test (Cohen 1988, ch. 2).

    d = (μ1 − μ2)/σ must be fixed on external grounds (a clinically relevant
    difference), never the trial's own estimate (see :func:`observed_power`).
    Unequal arms allowed: statsmodels' ``ratio`` is n2/n1. ``alternative`` is
    ``two-sided`` (alpha split over both tails), ``larger`` (H1: μ1 − μ2 > 0, all of alpha
    in the upper tail) or ``smaller``.

    The G*Power reference manual (two groups, two-tailed, alpha .05, d = 0.5, 86 per group):
    power 0.9032, critical t(170) = 1.9740, noncentrality 3.2787. One-sided with 64 per
    group, R's ``pwr.t.test(n=64, d=0.5, alternative="greater")`` gives 0.878664:

    >>> two_sample_power(0.5, 86, 86)
    PowerResult(power=0.9032, effect_size=0.5, n1=86, n2=86, alpha=0.05, alternative='two-sided')
    >>> result = two_sample_power(0.5, 86, 86)
    >>> round(result.critical_value, 4), round(result.noncentrality, 4)
    (1.974, 3.2787)
    >>> round(two_sample_power(0.5, 64, 64, alternative="larger").power, 6)
    0.878664
    """
    effect = float(_check_effect(_scalar(effect_size, "effect_size")))
    n1 = float(_check_n(_scalar(n1, "n1"), "n1"))
    n2 = float(_check_n(_scalar(n2, "n2"), "n2"))
    alpha = float(_check_alpha(_scalar(alpha, "alpha")))
    check_alternative(alternative)
    df = n1 + n2 - 2
    return PowerResult(
        power=_scalar_power(effect, n1, n2, alpha, alternative),
        effect_size=effect,
        n1=n1,
        n2=n2,
        alpha=alpha,
        df=df,
        critical_value=_critical_value(df, alpha, alternative),
        noncentrality=effect * math.sqrt(n1 * n2 / (n1 + n2)),
        alternative=alternative,
    )


def _increasing_root(function, low: float, start: float, limit: float, what: str) -> float:
    """Root of an increasing function above ``low``: expand the bracket, then Brent's method."""
    high = start
    while function(high) < 0:
        if high >= limit:
            raise ReanalysisError(f"{what}: the solver did not converge below {limit:g}")
        low, high = high, min(2 * high, limit)
    return brentq(function, low, high, xtol=1e-12, rtol=4 * np.finfo(float).eps)


def _directed(effect_size: float, alternative: str) -> tuple[float, str]:
    """(effect, tail) with power increasing in effect: |d| two-sided, else d in H1's direction.

    A one-sided question is answered as ``larger`` with the sign of d flipped for
    ``smaller``; an effect against the alternative has power below alpha and no answer.
    """
    check_alternative(alternative)
    if alternative == "two-sided":
        return abs(effect_size), alternative
    directed = effect_size if alternative == "larger" else -effect_size
    if directed <= 0:
        sign = ">" if alternative == "larger" else "<"
        raise ReanalysisError(
            f"effect_size must be {sign} 0 for alternative={alternative!r}, got {effect_size:g}"
        )
    return directed, "larger"


def _whole_design_power(effect: float, n1: int, ratio: float, alpha: float, tail: str) -> float:
    """Power of the whole-number design n1, ⌈ratio·n1⌉ (G*Power rounds both arms up)."""
    return _scalar_power(effect, n1, math.ceil(ratio * n1), alpha, tail)


def sample_size_per_group(
    effect_size: float,
    power: float,
    alpha: float = 0.05,
    ratio: float = 1.0,
    alternative: str = "two-sided",
) -> SampleSize:
    """n1 (and n2 = ratio·n1) for the t-test to reach ``power`` at effect d.

    The root in n1 of power(d, n1, ratio·n1, alpha) = target (Cohen 1988, Table 2.4.1;
    statsmodels ``TTestIndPower.solve_power``), with n1, n2 >= 2. d = 0 has no answer,
    nor has an effect against a one-sided ``alternative``.

    Cohen (1988, Table 2.4.1): d = 0.5, power 0.80, two-tailed alpha .05 needs 64 per
    group; R's ``pwr.t.test`` gives n = 63.7656 (one-sided: 50.1508):

    >>> size = sample_size_per_group(0.5, 0.8)
    >>> round(size.n_per_group, 4), size.n_per_group_ceil
    (63.7656, 64)
    >>> round(sample_size_per_group(0.5, 0.8, alternative="larger").n_per_group, 4)
    50.1508
    """
    given = float(_check_effect(_scalar(effect_size, "effect_size")))
    target = float(_check_probability(_scalar(power, "power"), "power"))
    alpha = float(_check_alpha(_scalar(alpha, "alpha")))
    ratio = _check_positive(_scalar(ratio, "ratio"), "ratio")
    if not _MIN_RATIO <= ratio <= 1 / _MIN_RATIO:
        raise ReanalysisError(
            f"ratio must lie between {_MIN_RATIO:g} and {1 / _MIN_RATIO:g}, got {ratio:g}"
        )
    if given == 0:
        raise ReanalysisError("effect_size must be non-zero to solve for a sample size")
    effect, tail = _directed(given, alternative)
    if target <= alpha:
        raise ReanalysisError(f"power must exceed alpha ({alpha:g}), got {target:g}")
    smallest = max(2.0, 2.0 / ratio)
    if _scalar_power(effect, smallest, ratio * smallest, alpha, tail) >= target:
        raise ReanalysisError(
            f"effect_size {given:g} reaches power {target:g} with the minimum of "
            f"{smallest:g} per group; no smaller sample size exists"
        )

    def shortfall(n: float) -> float:
        return _scalar_power(effect, n, ratio * n, alpha, tail) - target

    n = _increasing_root(shortfall, smallest, 2 * smallest, _MAX_N, "n_per_group")
    # The smallest whole design (n1, ⌈ratio·n1⌉) reaching the target: ⌈n⌉ does, and
    # rounding n2 up (or a root a rounding error above a whole number) may let a
    # smaller n1 do too.
    n_ceil = max(math.ceil(n), math.ceil(smallest))
    while (
        n_ceil - 1 >= smallest
        and _whole_design_power(effect, n_ceil - 1, ratio, alpha, tail) >= target
    ):
        n_ceil -= 1
    n2_ceil = math.ceil(ratio * n_ceil)
    return SampleSize(
        n_per_group=n,
        n_per_group_ceil=n_ceil,
        n2=ratio * n,
        n2_ceil=n2_ceil,
        achieved_power=_whole_design_power(effect, n_ceil, ratio, alpha, tail),
        effect_size=effect if alternative == "two-sided" else given,
        power=target,
        alpha=alpha,
        ratio=ratio,
        alternative=alternative,
    )


def minimum_detectable_effect(
    n1: float,
    n2: float,
    power: float,
    alpha: float = 0.05,
    *,
    outcome_sd: float | None = None,
    baseline_mean: float | None = None,
    alternative: str = "two-sided",
) -> MinimumDetectableEffect:
    """Smallest effect the t-test detects with probability ``power``.

    The root in d > 0 of power(d, n1, n2, alpha) = target (Cohen 1988, ch. 2); it
    exists for alpha < power < 1. For ``alternative="smaller"`` the effect is −d. With
    ``outcome_sd`` (the analysis' SD, see :func:`analysis_sd`) it is also given in the
    outcome's units, and with ``baseline_mean`` as a percentage of baseline
    (Δ% = 100·Δ/baseline mean).

    64 per group, power 0.80, two-sided alpha .05: d = 0.499069 (Cohen's Table 2.4.1
    lists 64 per group for d = 0.5; R's ``pwr.t.test`` power solved for d to 1e-14,
    tests/reference/api_examples.R):

    >>> round(minimum_detectable_effect(64, 64, 0.8).effect_size, 6)
    0.499069
    """
    n1 = float(_check_n(_scalar(n1, "n1"), "n1"))
    n2 = float(_check_n(_scalar(n2, "n2"), "n2"))
    target = float(_check_probability(_scalar(power, "power"), "power"))
    alpha = float(_check_alpha(_scalar(alpha, "alpha")))
    check_alternative(alternative)
    tail = "two-sided" if alternative == "two-sided" else "larger"
    if target <= alpha:
        raise ReanalysisError(f"power must exceed alpha ({alpha:g}), got {target:g}")
    if baseline_mean is not None and outcome_sd is None:
        raise ReanalysisError("baseline_mean needs outcome_sd to express the effect in units")

    def shortfall(d: float) -> float:
        return _scalar_power(d, n1, n2, alpha, tail) - target

    d = _increasing_root(shortfall, 0.0, 1.0, _MAX_EFFECT, "minimum detectable effect")
    if alternative == "smaller":
        d = -d
    difference = percent = None
    if outcome_sd is not None:
        difference = d * _check_positive(_scalar(outcome_sd, "outcome_sd"), "outcome_sd")
        if baseline_mean is not None:
            mean = _scalar(baseline_mean, "baseline_mean")
            if not math.isfinite(mean) or mean == 0:
                raise ReanalysisError(f"baseline_mean must be finite and non-zero, got {mean!r}")
            percent = 100 * difference / mean
    return MinimumDetectableEffect(d, difference, percent, n1, n2, target, alpha, alternative)


def observed_power(*args: object, **kwargs: object) -> NoReturn:
    """Refused: "observed power" only restates the p-value (Hoenig & Heisey 2001).

    Power computed from a trial's own observed effect is a decreasing function of its
    p-value (p = 0.05 gives about 50% two-sided), so it cannot say whether a
    non-significant trial was informative. Use :func:`minimum_detectable_effect` or
    :func:`two_sample_power` at a clinically chosen difference instead.
    """
    raise ReanalysisError(
        "observed (post hoc) power is not computed: it is a function of the p-value and "
        "adds nothing to it (Hoenig & Heisey 2001, Am Stat 55:19); use the minimum "
        "detectable effect or the power for a clinically chosen difference"
    )


# --- two arms pooled -----------------------------------------------------------------


def _pooled(values: tuple[float, float], weights: tuple[float, float]) -> float:
    return (values[0] * weights[0] + values[1] * weights[1]) / (weights[0] + weights[1])


def pooled_analysis_sd(analysis: str, treatment: PrePost, control: PrePost, r: float) -> float:
    """Pooled SD of the analysed quantity: per-arm SDs (:func:`analysis_sd`) pooled on n − 1."""
    variances = tuple(
        analysis_sd(analysis, arm.baseline_sd, arm.followup_sd, r) ** 2
        for arm in (treatment, control)
    )
    return math.sqrt(_pooled(variances, (treatment.n - 1, control.n - 1)))
