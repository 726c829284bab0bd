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

Numerics: both tails at once. |T| > c exactly when T² > c², and T² follows a
noncentral F distribution with 1 and df degrees of freedom and noncentrality δ², so

    power = 1 − F_F(c²; 1, df, δ²)

(T = (Z + δ)/S with S² = χ²_df/df, so T² = χ'²₁(δ²)/(χ²_df/df), which is the
definition of the noncentral F), evaluated by ``scipy.special.ncfdtr`` (Boost; the
series of Abramowitz & Stegun 26.6.20). One call per cell instead of statsmodels' two
noncentral t CDFs takes about 7 times less CPU on the benchmark grid, and is more
accurate where ``nctdtr`` loses precision (df = 2, δ = 7212, alpha 2.59e-8: the
``nctdtr`` tail is 2.7e-9 from an independent integral, ``ncfdtr`` about 1e-13).
Where ``ncfdtr`` returns NaN (Boost, noncentrality δ between about 35 and 66) the two
tails are computed separately with ``scipy.special.nctdtr``, the function statsmodels
calls. In scipy 1.17 that too returns NaN for some far-tail arguments (scipy issue
#25470, Boost.Math issue #1430), and statsmodels then returns NaN power and can return
a wrong root from ``solve_power``. Here a NaN tail is recomputed by reflection,
F(x; δ) = 1 − F(−x; −δ), and, if still NaN, by quadrature over the chi distribution of
the SD estimate, F(x; δ) = E[Φ(x·S − δ)]. Tails provably below 1e-13 are set to 0
without evaluation (bounds in :func:`_tails`). Sample sizes and minimum detectable
effects are roots of that power function found by Brent's method.
"""

from __future__ import annotations

import itertools
import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal, NoReturn

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from reanalysis.errors import ReanalysisError
from reanalysis.stats.effects import PrePost, change_score_sd

Analysis = Literal["change", "final", "ancova"]
ANALYSES: tuple[str, ...] = ("change", "final", "ancova")

# A tail probability below this is set to 0 without evaluating it (absolute error).
_NEGLIGIBLE = 1e-13
# Φ(−7.5) = 3.2e-14 < _NEGLIGIBLE: the minor tail is skipped beyond this noncentrality.
_MINOR_TAIL_DELTA = 7.5
# δ − c beyond which the major-tail bound Φ(−(δ − c)/2) can fall below _NEGLIGIBLE.
_MAJOR_TAIL_GAP = 14.0
# Grids smaller than this are evaluated in one piece; larger ones are split over threads
# (scipy's ufuncs release the GIL).
_PARALLEL_CELLS = 1 << 16
# Upper limits searched by the solvers before giving up.
_MAX_N = 1e9
_MAX_EFFECT = 1e4


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
    return n


def _check_probability(value: ArrayLike, name: str) -> np.ndarray:
    p = _array(value, name)
    if np.any((p <= 0) | (p >= 1)):
        raise ReanalysisError(f"{name} must lie strictly between 0 and 1")
    return p


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


def _chi_mixture_cdf(df: float, delta: float, x: float) -> float:
    """F(x; df, δ) = E[Φ(x·S − δ)], S = √(χ²_df / df), integrated over S's quantiles."""
    from scipy import integrate

    def integrand(u: float) -> float:
        return float(special.ndtr(x * math.sqrt(special.chdtri(df, u) / df) - delta))

    value, _error = integrate.quad(integrand, 0.0, 1.0, epsabs=1e-16, epsrel=1e-10, limit=200)
    return min(max(value, 0.0), 1.0)


def _noncentral_t_cdf(df: np.ndarray, delta: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Noncentral t CDF on flat arrays, with the NaN repair described in the module."""
    cdf = special.nctdtr(df, delta, x)
    bad = np.flatnonzero(np.isnan(cdf))
    if bad.size:
        cdf[bad] = 1.0 - special.nctdtr(df[bad], -delta[bad], -x[bad])
        for i in bad[np.isnan(cdf[bad])]:
            cdf[i] = _chi_mixture_cdf(df[i], delta[i], x[i])
    return cdf


def _tails(df: np.ndarray, delta: np.ndarray, crit: np.ndarray) -> np.ndarray:
    """Two-sided power on flat arrays with δ ≥ 0 as two noncentral t tails: P(T > c) + P(T < −c)."""
    power = np.ones_like(delta)
    # Major tail 1 − P(T ≤ c) = 1 − E[Φ(c·S − δ)]. For any s1 > 0,
    # P(T ≤ c) ≤ Φ(c·s1 − δ) + P(S > s1); with c·s1 = (c + δ)/2 this is
    # Φ(−(δ − c)/2) + P(χ²_df > df·s1²). Cells where it is negligible keep power 1.
    exact = np.ones(delta.shape, dtype=bool)
    far = np.flatnonzero(delta - crit > _MAJOR_TAIL_GAP)
    if far.size:
        s1 = (1 + delta[far] / crit[far]) / 2
        bound = special.ndtr((crit[far] - delta[far]) / 2) + special.chdtrc(
            df[far], df[far] * s1 * s1
        )
        exact[far[bound < _NEGLIGIBLE]] = False
    i = np.flatnonzero(exact)
    power[i] = 1.0 - _noncentral_t_cdf(df[i], delta[i], crit[i])
    # Minor tail P(T < −c) = P(Z + δ < −c·S) <= P(Z < −δ) = Φ(−δ).
    j = np.flatnonzero(delta < _MINOR_TAIL_DELTA)
    power[j] += _noncentral_t_cdf(df[j], delta[j], -crit[j])
    return power


def _power_cells(df: np.ndarray, delta: np.ndarray, crit: np.ndarray) -> np.ndarray:
    """Two-sided power on flat arrays: P(|T| > c) = P(T² > c²), T² ~ noncentral F(1, df, δ²).

    One ``ncfdtr`` call (Abramowitz & Stegun 26.6.20) instead of two ``nctdtr`` tails;
    cells where it returns NaN (Boost, δ between about 35 and 66) fall back to
    :func:`_tails`.
    """
    power = 1.0 - special.ncfdtr(1.0, df, delta * delta, crit * crit)
    bad = np.flatnonzero(np.isnan(power))
    if bad.size:
        power[bad] = _tails(df[bad], delta[bad], crit[bad])
    return power


def _usable_cpus() -> int:
    """CPUs this process may run on (its affinity mask where the system has one, so that
    ``taskset`` or a container's CPU set limits the threads), else all of them."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _two_sided_power(
    effect_size: np.ndarray, n1: np.ndarray, n2: np.ndarray, alpha: np.ndarray
) -> np.ndarray:
    """Exact two-sided power on validated, broadcastable arrays (statsmodels' convention)."""
    df = n1 + n2 - 2.0
    # Critical values depend on (df, alpha) only: computed before broadcasting to the grid.
    crit = -special.stdtrit(df, alpha / 2)
    # The test is symmetric in the sign of d, so both tails are evaluated with δ >= 0.
    delta = np.abs(effect_size) * np.sqrt(n1 * n2 / (n1 + n2))
    shape = np.broadcast_shapes(delta.shape, df.shape, crit.shape)
    flat = [np.broadcast_to(a, shape).ravel() for a in (df, delta, crit)]
    size = flat[0].size
    workers = min(_usable_cpus(), 4)
    if size < _PARALLEL_CELLS or workers == 1:
        return _power_cells(*flat).reshape(shape)
    bounds = np.linspace(0, size, workers + 1).astype(int)
    pieces = [[a[lo:hi] for a in flat] for lo, hi in itertools.pairwise(bounds)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        parts = list(pool.map(lambda piece: _power_cells(*piece), pieces))
    return np.concatenate(parts).reshape(shape)


def power_grid(
    effect_size: ArrayLike,
    n1: ArrayLike,
    n2: ArrayLike,
    r: ArrayLike = 0.0,
    alpha: ArrayLike = 0.05,
    *,
    analysis: Analysis = "final",
) -> np.ndarray:
    """Two-sided power over a grid of designs, broadcasting like numpy, in one call.

    ``effect_size`` is Δ/σ, the difference in means over the SD of a single
    measurement (equal at baseline and follow-up); ``analysis`` and ``r`` turn it into
    the analysis' own standardized effect d / √design_factor(r, analysis)
    (:func:`design_factor`; Borm et al. 2007). With ``analysis="final"`` r has no effect.
    The power is the exact noncentral-t power of the pooled-variance two-sample t-test
    (module docstring), equal to statsmodels ``TTestIndPower().power(d, n1, alpha,
    ratio=n2/n1)`` wherever that is finite; no Python loop runs per cell.
    n1, n2 >= 2 (fractional allowed), 0 < alpha < 1, −1 < r < 1.
    """
    _check_analysis(analysis)
    effect = _array(effect_size, "effect_size")
    n1, n2 = _check_n(n1, "n1"), _check_n(n2, "n2")
    alpha = _check_probability(alpha, "alpha")
    if analysis != "final":
        effect = effect / np.sqrt(design_factor(r, analysis))
    else:
        _check_r(r)
    return _two_sided_power(effect, n1, n2, alpha)


# --- scalar questions -----------------------------------------------------------------


@dataclass(frozen=True)
class PowerResult:
    """Design power of a two-sided two-sample t-test for a given standardized effect."""

    power: float
    effect_size: float
    n1: float
    n2: float
    alpha: float
    df: float
    critical_value: float
    noncentrality: float


@dataclass(frozen=True)
class SampleSize:
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


@dataclass(frozen=True)
class MinimumDetectableEffect:
    """Smallest |effect| detected with the target power; in own units when an SD is given.

    ``difference`` = ``effect_size`` · ``outcome_sd`` and ``percent_of_baseline`` =
    100 · difference / ``baseline_mean`` are None when those inputs were not given.
    """

    effect_size: float
    difference: float | None
    percent_of_baseline: float | None
    n1: float
    n2: float
    power: float
    alpha: float


def _scalar_power(effect_size: float, n1: float, n2: float, alpha: float) -> float:
    """:func:`_two_sided_power` for one design, without array set-up (the solvers call it
    thousands of times). The same operations in the same order on the same doubles, so
    the same result to the last bit: whole n are multiplied and added exactly, as numpy
    does with int64, before the conversion to float."""
    df = float(n1 + n2) - 2.0
    crit = -special.stdtrit(df, alpha / 2)
    delta = abs(effect_size) * math.sqrt(float(n1 * n2) / float(n1 + n2))
    power = 1.0 - special.ncfdtr(1.0, df, delta * delta, crit * crit)
    if math.isnan(power):
        return float(_tails(np.array([df]), np.array([float(delta)]), np.array([crit]))[0])
    return float(power)


def _scalar(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ReanalysisError(f"{name} must be a number, got {value!r}")
    return float(value)


def two_sample_power(effect_size: float, n1: float, n2: float, alpha: float = 0.05) -> PowerResult:
    """Design power of the two-sided pooled-variance t-test (Cohen 1988, ch. 2).

    d = (μ1 − μ2)/σ must be fixed on external grounds (a clinically relevant
    difference), never the trial's own estimate (see :func:`observed_power`).
    Unequal arms allowed: statsmodels' ``ratio`` is n2/n1.
    """
    effect = float(_array(_scalar(effect_size, "effect_size"), "effect_size"))
    n1 = float(_check_n(_scalar(n1, "n1"), "n1"))
    n2 = float(_check_n(_scalar(n2, "n2"), "n2"))
    alpha = float(_check_probability(_scalar(alpha, "alpha"), "alpha"))
    df = n1 + n2 - 2
    return PowerResult(
        power=_scalar_power(effect, n1, n2, alpha),
        effect_size=effect,
        n1=n1,
        n2=n2,
        alpha=alpha,
        df=df,
        critical_value=float(-special.stdtrit(df, alpha / 2)),
        noncentrality=effect * math.sqrt(n1 * n2 / (n1 + n2)),
    )


def _increasing_root(function, low: float, start: float, limit: float, what: str) -> float:
    """Root of an increasing function above ``low``: expand the bracket, then brentq."""
    from scipy import optimize

    high = start
    while function(high) < 0:
        if high >= limit:
            raise ReanalysisError(f"{what}: the solver did not converge below {limit:g}")
        low, high = high, min(2 * high, limit)
    return optimize.brentq(function, low, high, xtol=1e-12, rtol=4 * np.finfo(float).eps)


def _whole_design_power(effect: float, n1: int, ratio: float, alpha: float) -> float:
    """Power of the whole-number design n1, ⌈ratio·n1⌉ (G*Power rounds both arms up)."""
    return _scalar_power(effect, n1, math.ceil(ratio * n1), alpha)


def sample_size_per_group(
    effect_size: float, power: float, alpha: float = 0.05, ratio: float = 1.0
) -> SampleSize:
    """n1 (and n2 = ratio·n1) for the two-sided t-test to reach ``power`` at effect d.

    The root in n1 of power(d, n1, ratio·n1, alpha) = target (Cohen 1988, Table 2.4.1;
    statsmodels ``TTestIndPower.solve_power``), with n1, n2 >= 2. d = 0 has no answer.
    """
    effect = abs(float(_array(_scalar(effect_size, "effect_size"), "effect_size")))
    target = float(_check_probability(_scalar(power, "power"), "power"))
    alpha = float(_check_probability(_scalar(alpha, "alpha"), "alpha"))
    ratio = _check_positive(_scalar(ratio, "ratio"), "ratio")
    if effect == 0:
        raise ReanalysisError("effect_size must be non-zero to solve for a sample size")
    if target <= alpha:
        raise ReanalysisError(f"power must exceed alpha ({alpha:g}), got {target:g}")
    smallest = max(2.0, 2.0 / ratio)
    if _scalar_power(effect, smallest, ratio * smallest, alpha) >= target:
        raise ReanalysisError(
            f"effect_size {effect:g} reaches power {target:g} with the minimum of "
            f"{smallest:g} per group; no smaller sample size exists"
        )

    def shortfall(n: float) -> float:
        return _scalar_power(effect, n, ratio * n, alpha) - target

    n = _increasing_root(shortfall, smallest, 2 * smallest, _MAX_N, "n_per_group")
    # The smallest whole design (n1, ⌈ratio·n1⌉) reaching the target: ⌈n⌉ does, and
    # rounding n2 up (or a root a rounding error above a whole number) may let a
    # smaller n1 do too.
    n_ceil = max(math.ceil(n), math.ceil(smallest))
    while (
        n_ceil - 1 >= smallest and _whole_design_power(effect, n_ceil - 1, ratio, alpha) >= target
    ):
        n_ceil -= 1
    n2_ceil = math.ceil(ratio * n_ceil)
    return SampleSize(
        n_per_group=n,
        n_per_group_ceil=n_ceil,
        n2=ratio * n,
        n2_ceil=n2_ceil,
        achieved_power=_whole_design_power(effect, n_ceil, ratio, alpha),
        effect_size=effect,
        power=target,
        alpha=alpha,
        ratio=ratio,
    )


def minimum_detectable_effect(
    n1: float,
    n2: float,
    power: float,
    alpha: float = 0.05,
    *,
    outcome_sd: float | None = None,
    baseline_mean: float | None = None,
) -> MinimumDetectableEffect:
    """Smallest |d| the two-sided t-test detects with probability ``power``.

    The root in d > 0 of power(d, n1, n2, alpha) = target (Cohen 1988, ch. 2); it
    exists for alpha < power < 1. With ``outcome_sd`` (the analysis' SD, see
    :func:`analysis_sd`) it is also given in the outcome's units, and with
    ``baseline_mean`` as a percentage of baseline (Δ% = 100·Δ/baseline mean).
    """
    n1 = float(_check_n(_scalar(n1, "n1"), "n1"))
    n2 = float(_check_n(_scalar(n2, "n2"), "n2"))
    target = float(_check_probability(_scalar(power, "power"), "power"))
    alpha = float(_check_probability(_scalar(alpha, "alpha"), "alpha"))
    if target <= alpha:
        raise ReanalysisError(f"power must exceed alpha ({alpha:g}), got {target:g}")
    if baseline_mean is not None and outcome_sd is None:
        raise ReanalysisError("baseline_mean needs outcome_sd to express the effect in units")

    def shortfall(d: float) -> float:
        return _scalar_power(d, n1, n2, alpha) - target

    d = _increasing_root(shortfall, 0.0, 1.0, _MAX_EFFECT, "minimum detectable effect")
    difference = percent = None
    if outcome_sd is not None:
        difference = d * _check_positive(_scalar(outcome_sd, "outcome_sd"), "outcome_sd")
        if baseline_mean is not None:
            mean = _scalar(baseline_mean, "baseline_mean")
            if not math.isfinite(mean) or mean == 0:
                raise ReanalysisError(f"baseline_mean must be finite and non-zero, got {mean!r}")
            percent = 100 * difference / mean
    return MinimumDetectableEffect(d, difference, percent, n1, n2, target, alpha)


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
