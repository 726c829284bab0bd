"""Consistency checks of numbers printed in trial reports.

Each check takes plain numbers and returns a :class:`CheckResult`: a verdict from
:data:`CHECK_VERDICTS` (``consistent``, ``inconsistent``, ``cannot tell``), the evidence in
one sentence, the assumptions the verdict rests on, and the numbers behind it. The data
layer (:mod:`reanalysis.analysis.claims`) fills in ``sources`` (file:line and PMID/DOI) with
``dataclasses.replace``.

Choices recorded here:

* A printed number stands for an interval: the printed value ± half a unit in its last
  printed digit (``rounding_interval``). Unit conversions and reported p-values are
  judged against these intervals, never against the printed point alone.
* Reported p-values of unnamed tests are matched with the change-score t-test: a
  within-arm p with the paired t-test (:func:`reanalysis.stats.effects.arm_change`), a
  between-arm p with the two-sample t-test on change
  (:func:`reanalysis.stats.correlation.implied_correlation`). Both depend on the
  unpublished pre–post correlation r, so a check reports the range of r that reproduces
  the p and compares it with a judged plausible range (:class:`PlausibleCorrelation`).
* Nothing is rounded inside a computation; evidence strings round for reading only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy import special

from reanalysis.errors import ReanalysisError
from reanalysis.stats.correlation import PlausibleCorrelation, implied_correlation
from reanalysis.stats.effects import (
    PrePost,
    _two_sample_moments,
    arm_change,
    difference_in_change,
)
from reanalysis.stats.estimates import _two_sided_p
from reanalysis.stats.roots import brentq
from reanalysis.units import convert

CheckVerdict = Literal["consistent", "inconsistent", "cannot tell"]
CHECK_VERDICTS: tuple[str, ...] = ("consistent", "inconsistent", "cannot tell")
RELATIONS: tuple[str, ...] = ("=", "<", "<=")

# The change-score test is undefined at |r| = 1 (zero change SD when the SDs are equal),
# so searches for r stop just inside.
_R_EDGE = 1e-9


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one consistency check.

    ``numbers`` holds the quantities behind the verdict at full precision; ``sources``
    names the data rows (file:line) and publications (PMID/DOI, location) checked.
    """

    name: str
    verdict: CheckVerdict
    evidence: str
    assumptions: tuple[str, ...]
    numbers: dict[str, float] = field(default_factory=dict)
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class ThresholdShare:
    """Share of a group below ``threshold`` under two distributions with the group's mean and SD.

    ``lognormal_mu`` and ``lognormal_sigma`` are the parameters of the log-normal matched
    by the method of moments.
    """

    threshold: float
    mean: float
    sd: float
    normal: float
    lognormal: float
    lognormal_mu: float
    lognormal_sigma: float


# --- argument checks ------------------------------------------------------------------


def _positive(value: float, name: str) -> float:
    if isinstance(value, bool) or not (math.isfinite(value) and value > 0):
        raise ReanalysisError(f"{name} must be a positive finite number, got {value!r}")
    return float(value)


def _finite(value: float, name: str) -> float:
    if isinstance(value, bool) or not math.isfinite(value):
        raise ReanalysisError(f"{name} must be a finite number, got {value!r}")
    return float(value)


def _decimals(value: int, name: str) -> int:
    if isinstance(value, bool) or int(value) != value or value < 0:
        raise ReanalysisError(f"{name} must be a whole number >= 0, got {value!r}")
    return int(value)


def _n(value: int, name: str) -> int:
    if isinstance(value, bool) or int(value) != value or value < 2:
        raise ReanalysisError(f"{name} must be a whole number >= 2, got {value!r}")
    return int(value)


# --- printed numbers ------------------------------------------------------------------


def printed_decimals(text: str) -> int:
    """Digits after the decimal point of a number as printed ("1.180" → 3, "12" → 0)."""
    text = text.strip()
    try:
        float(text)
    except ValueError:
        raise ReanalysisError(f"text must be a printed number, got {text!r}") from None
    if "e" in text.lower():
        raise ReanalysisError(f"text must be printed without an exponent, got {text!r}")
    return len(text.split(".")[1]) if "." in text else 0


def rounding_interval(printed: float, decimals: int) -> tuple[float, float]:
    """The values that print as ``printed`` at ``decimals`` digits: printed ± ½·10^−decimals.

    Assumes round-half-to-nearest; the closed interval also admits the two halfway
    points, whichever way the authors broke ties.
    """
    printed = _finite(printed, "printed")
    half = 0.5 * 10.0 ** -_decimals(decimals, "decimals")
    return printed - half, printed + half


def reported_p_interval(relation: str, value: float, decimals: int) -> tuple[float, float]:
    """The p-values a printed "P = value" or "P < value" admits.

    "=": the rounding interval of the printed value; "<" or "<=": (0, value].
    """
    if relation not in RELATIONS:
        raise ReanalysisError(f"relation must be one of {', '.join(RELATIONS)}, got {relation!r}")
    value = _finite(value, "value")
    if not 0 < value < 1:
        raise ReanalysisError(f"value must lie strictly between 0 and 1, got {value!r}")
    if relation == "=":
        low, high = rounding_interval(value, decimals)
        return max(low, 0.0), min(high, 1.0)
    return 0.0, value


def _describe_p(relation: str, value: float) -> str:
    return f"P {relation} {value:g}"


# --- a. reported p-values ---------------------------------------------------------------


def _r_where_p_equals(p_of_r, target: float) -> float | None:
    """The r in (−1, 1) where a p-value decreasing in r equals ``target``.

    None when ``target`` lies outside the p-values attained over (−1, 1).
    """
    low, high = -1 + _R_EDGE, 1 - _R_EDGE
    p_low, p_high = p_of_r(low), p_of_r(high)
    if not p_high <= target <= p_low:
        return None
    return brentq(lambda r: math.log(p_of_r(r)) - math.log(target), low, high, xtol=1e-14)


def _r_range(p_of_r, p_interval: tuple[float, float]) -> tuple[float, float] | None:
    """Range of r in (−1, 1) whose p lies in ``p_interval``, for p decreasing in r."""
    p_lo, p_hi = p_interval
    r_min, r_max = -1 + _R_EDGE, 1 - _R_EDGE
    p_at_min, p_at_max = p_of_r(r_min), p_of_r(r_max)
    if p_at_max > p_hi or p_at_min < p_lo:
        return None
    low = r_min if p_at_min <= p_hi else _r_where_p_equals(p_of_r, p_hi)
    high = r_max if p_lo <= 0 or p_at_max >= p_lo else _r_where_p_equals(p_of_r, p_lo)
    return low, high


def _correlation_verdict(
    r_range: tuple[float, float] | None, plausible: PlausibleCorrelation
) -> CheckVerdict:
    if r_range is None:
        return "inconsistent"
    low, high = r_range
    if low <= plausible.high and high >= plausible.low:
        return "consistent"
    return "cannot tell"


def _format_range(r_range: tuple[float, float] | None) -> str:
    if r_range is None:
        return "no r in (−1, 1)"
    return f"r from {r_range[0]:.4f} to {r_range[1]:.4f}"


def recompute_within_arm_p(
    arm: PrePost,
    relation: str,
    reported_p: float,
    plausible: PlausibleCorrelation,
    *,
    p_decimals: int = 0,
    mean_decimals: int | None = None,
) -> CheckResult:
    """Can a paired t-test on these summary statistics give the reported within-arm p?

    The paired t-test of mean change = 0 (Student 1908) with the change SD
    √(SD₁² + SD₂² − 2·r·SD₁·SD₂) (Cochrane Handbook v6.4, 6.5.2.8) on n − 1 df; p falls
    as r rises, so the p-values admitted by the printed P (:func:`reported_p_interval`)
    map to one range of r. With ``mean_decimals`` the two printed means may each be off
    by half a unit in their last digit, which widens the range (the printed SDs are
    taken as exact). Verdict: ``inconsistent`` when no r in (−1, 1) reproduces the
    P; ``consistent`` when the range meets ``plausible``; else ``cannot tell``.
    Assumes the paper used a paired t-test (or a test that agrees with it) on the same
    participants at both visits.
    """
    p_interval = reported_p_interval(relation, reported_p, p_decimals)
    change = arm.mean_change
    if mean_decimals is None:
        changes = (change,)
    else:
        half = 0.5 * 10.0 ** -_decimals(mean_decimals, "mean_decimals")
        changes = (change - 2 * half, change, change + 2 * half)
    ranges = []
    for delta in changes:
        if delta == 0:
            continue
        shifted = PrePost(
            arm.n, arm.baseline_mean, arm.baseline_sd, arm.baseline_mean + delta, arm.followup_sd
        )

        def p_of_r(r: float, shifted: PrePost = shifted) -> float:
            return arm_change(shifted, r).test.pvalue

        ranges.append(_r_range(p_of_r, p_interval))
    found = [r for r in ranges if r is not None]
    r_range = (min(r[0] for r in found), max(r[1] for r in found)) if found else None
    printed_range = _r_range(lambda r: arm_change(arm, r).test.pvalue, p_interval)
    verdict = _correlation_verdict(r_range, plausible)
    at_zero = arm_change(arm, 0.0).test.pvalue
    evidence = (
        f"paired t on n = {arm.n}, mean change {change:.4g}: {_describe_p(relation, reported_p)} "
        f"needs {_format_range(r_range)}"
        + (" within the rounding of the printed means" if mean_decimals is not None else "")
        + f"; judged plausible r [{plausible.low:g}, {plausible.high:g}] ({verdict})"
    )
    numbers = {
        "mean_change": change,
        "p_at_r0": at_zero,
        "p_at_plausible_low": arm_change(arm, plausible.low).test.pvalue,
        "p_at_plausible_high": arm_change(arm, plausible.high).test.pvalue,
    }
    if r_range is not None:
        numbers |= {"r_low": r_range[0], "r_high": r_range[1]}
    if printed_range is not None:
        numbers |= {"r_low_printed": printed_range[0], "r_high_printed": printed_range[1]}
    return CheckResult(
        name="within_arm_p",
        verdict=verdict,
        evidence=evidence,
        assumptions=(
            "the unnamed test is a paired t-test on the same participants at both visits",
            f"n = {arm.n} at both visits",
            f"plausible r: {plausible.justification}",
        ),
        numbers=numbers,
    )


def recompute_between_arm_p(
    treatment: PrePost,
    control: PrePost,
    relation: str,
    reported_p: float,
    plausible: PlausibleCorrelation,
    *,
    p_decimals: int = 0,
) -> CheckResult:
    """Can a two-sample t-test on change give the reported between-arm p?

    Student's t on the change scores (:func:`reanalysis.stats.effects.difference_in_change`),
    each arm's change SD from the common pre–post r (Cochrane Handbook v6.4, 6.5.2.8);
    the ends of the printed P's interval are matched by
    :func:`reanalysis.stats.correlation.implied_correlation`. Verdict as in
    :func:`recompute_within_arm_p`. Assumes the test compared change from baseline
    between arms with the same r in both, and that the n are right.
    """
    p_low, p_high = reported_p_interval(relation, reported_p, p_decimals)
    ends = []
    for target in (p_high, p_low):
        if target <= 0:
            ends.append(1 - _R_EDGE)
            continue
        implied = implied_correlation(treatment, control, reported_p=target, plausible=plausible)
        ends.append(implied.roots[0] if implied.roots else None)
    point = implied_correlation(treatment, control, reported_p=reported_p, plausible=plausible)
    r_range = None if None in ends else (ends[0], ends[1])
    verdict = _correlation_verdict(r_range, plausible)
    estimate = treatment.mean_change - control.mean_change
    numbers = {
        "difference_in_change": estimate,
        "p_at_r0": difference_in_change(treatment, control, 0.0).pvalue,
        "p_at_plausible_low": difference_in_change(treatment, control, plausible.low).pvalue,
        "p_at_plausible_high": difference_in_change(treatment, control, plausible.high).pvalue,
    }
    if point.roots:
        numbers["implied_r"] = point.roots[0]
    if r_range is not None:
        numbers |= {"r_low": r_range[0], "r_high": r_range[1]}
    evidence = (
        f"two-sample t on change (n {treatment.n}/{control.n}), difference {estimate:.4g}: "
        f"{_describe_p(relation, reported_p)} needs {_format_range(r_range)}; judged "
        f"plausible r [{plausible.low:g}, {plausible.high:g}] ({verdict})"
    )
    return CheckResult(
        name="between_arm_p",
        verdict=verdict,
        evidence=evidence,
        assumptions=(
            "the unnamed test is Student's t on change from baseline (ANCOVA would differ)",
            f"n = {treatment.n} and {control.n}",
            "the same pre–post r in both arms",
            f"plausible r: {plausible.justification}",
        ),
        numbers=numbers,
    )


# --- b. baseline balance ---------------------------------------------------------------


def baseline_balance(
    treatment_mean: float,
    treatment_sd: float,
    treatment_n: int,
    control_mean: float,
    control_sd: float,
    control_n: int,
    *,
    extreme: float = 0.001,
) -> CheckResult:
    """The p-value of a baseline difference between randomized arms (a Carlisle-style check).

    Student's two-sample t from summary statistics (scipy.stats.ttest_ind_from_stats,
    equal variances). Under randomization such p-values are uniform on (0, 1)
    (Carlisle 2017, Anaesthesia 72:944–952), so a p below ``extreme`` or above
    1 − ``extreme`` is ``inconsistent`` with chance imbalance; anything else is
    ``consistent``. One variable can only flag a gross anomaly: it cannot show that
    randomization worked, and a p in the middle says nothing about fabrication. Arms of
    completers, not of randomized participants, can also differ through dropout.
    """
    extreme = _finite(extreme, "extreme")
    if not 0 < extreme < 0.5:
        raise ReanalysisError(f"extreme must lie strictly between 0 and 0.5, got {extreme!r}")
    for name, value in (("treatment_mean", treatment_mean), ("control_mean", control_mean)):
        _finite(value, name)
    difference = treatment_mean - control_mean
    # The arithmetic of scipy.stats.ttest_ind_from_stats (1.17) in the same order, without
    # importing scipy.stats: SDs as 0-d arrays, which numpy squares as x·x, as scipy does
    # (Python's float ** 2 calls pow, which can differ in the last bit). As in scipy, an SD
    # whose square overflows gives SE = inf, so t = 0 and p = 1, not an error.
    _, standard_error, df = _two_sample_moments(
        difference,
        np.asarray(_positive(treatment_sd, "treatment_sd")),
        _n(treatment_n, "treatment_n"),
        np.asarray(_positive(control_sd, "control_sd")),
        _n(control_n, "control_n"),
        welch=False,
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic = float(difference / standard_error)
    p = float(_two_sided_p(statistic, df))
    verdict: CheckVerdict = "consistent" if extreme <= p <= 1 - extreme else "inconsistent"
    return CheckResult(
        name="baseline_balance",
        verdict=verdict,
        evidence=(
            f"baseline difference {difference:.4g} (t = {statistic:.3g}, "
            f"df {treatment_n + control_n - 2}, p = {p:.3g}); chance imbalance is "
            f"{'plausible' if verdict == 'consistent' else 'implausible'} "
            f"(flag below {extreme:g} or above {1 - extreme:g})"
        ),
        assumptions=(
            "one baseline variable: the check can flag a gross anomaly, not prove balance",
            f"n = {treatment_n} and {control_n}",
            "normal data with equal variances (Student's t)",
        ),
        numbers={"difference": difference, "statistic": statistic, "pvalue": p},
    )


# --- c. one cohort in two reports --------------------------------------------------------


def cross_report_agreement(
    value_a: float,
    unit_a: str,
    decimals_a: int,
    value_b: float,
    unit_b: str,
    decimals_b: int,
    molar_mass: float | None = None,
) -> CheckResult:
    """Do two reports of one number agree after unit conversion, within their rounding?

    Each printed value stands for its rounding interval (:func:`rounding_interval`);
    report A's interval is converted to report B's unit with
    :func:`reanalysis.units.convert` (``molar_mass`` in g/mol, needed between mass and
    amount units) and the two intervals must overlap. Assumes both are the same quantity
    of the same participants at the same visit, and that the authors converted with the
    exact molar mass.
    """
    low_a, high_a = rounding_interval(value_a, decimals_a)
    low_b, high_b = rounding_interval(value_b, decimals_b)
    low, high = (convert(v, unit_a, unit_b, molar_mass) for v in (low_a, high_a))
    point = convert(value_a, unit_a, unit_b, molar_mass)
    overlap = low <= high_b and high >= low_b
    verdict: CheckVerdict = "consistent" if overlap else "inconsistent"
    back = convert(value_b, unit_b, unit_a, molar_mass)
    return CheckResult(
        name="cross_report",
        verdict=verdict,
        evidence=(
            f"{value_a:g} {unit_a} = {point:.4g} {unit_b} (rounding interval "
            f"{low:.4g}–{high:.4g}); the other report prints {value_b:g} {unit_b} "
            f"({low_b:.4g}–{high_b:.4g}, i.e. {back:.4g} {unit_a}): "
            + ("the intervals overlap" if overlap else "the intervals do not overlap")
        ),
        assumptions=(
            "the same quantity, participants and visit in both reports",
            "conversion by the exact molar mass; papers may have used a rounded factor",
        ),
        numbers={
            "converted": point,
            "converted_low": low,
            "converted_high": high,
            "other_low": low_b,
            "other_high": high_b,
        },
    )


# --- d. SD or SE ------------------------------------------------------------------------


def sd_or_se(spread: float, n: int, plausible_low: float, plausible_high: float) -> CheckResult:
    """Is an unlabelled ± an SD? Read as an SE it implies SD = SE·√n (Cochrane 6.5.2.2).

    ``consistent`` (with an SD): the ± is a plausible SD and the SE reading is not;
    ``inconsistent``: the ± is too small for an SD but the SE reading is plausible;
    ``cannot tell``: both readings, or neither, are plausible. The plausible SD range
    of the measurement is a judgement supplied by the caller, with its justification.
    """
    spread = _positive(spread, "spread")
    n = _n(n, "n")
    low, high = (
        _positive(plausible_low, "plausible_low"),
        _positive(plausible_high, "plausible_high"),
    )
    if low >= high:
        raise ReanalysisError(
            "plausible_low must be below plausible_high, "
            f"got {plausible_low!r} and {plausible_high!r}"
        )
    implied = spread * math.sqrt(n)
    as_sd, as_se = low <= spread <= high, low <= implied <= high
    if as_sd and not as_se:
        verdict: CheckVerdict = "consistent"
    elif as_se and not as_sd:
        verdict = "inconsistent"
    else:
        verdict = "cannot tell"
    reading = {
        "consistent": "the ± reads as an SD",
        "inconsistent": "the ± reads as an SE, not an SD",
        "cannot tell": "either reading is possible" if as_sd else "neither reading is plausible",
    }[verdict]
    return CheckResult(
        name="sd_or_se",
        verdict=verdict,
        evidence=(
            f"± {spread:g} as an SE with n = {n} implies SD {implied:.3g}; plausible SD "
            f"{low:g}–{high:g}: {reading}"
        ),
        assumptions=(f"n = {n}", "the plausible SD range is a judgement (see its justification)"),
        numbers={"sd_if_se": implied, "plausible_low": low, "plausible_high": high},
    )


# --- e. thresholds ----------------------------------------------------------------------


def share_below(threshold: float, mean: float, sd: float) -> ThresholdShare:
    """Share of a group below ``threshold`` under a normal and a log-normal distribution.

    Normal: Φ((threshold − mean)/sd). Log-normal matched by the method of moments:
    σ² = ln(1 + sd²/mean²), μ = ln(mean) − σ²/2 (Johnson, Kotz & Balakrishnan 1994,
    Continuous Univariate Distributions vol. 1, eq. 14.8a–b inverted), share
    Φ((ln threshold − μ)/σ). Assumes the group's values follow the distribution; the
    two bracket a symmetric and a right-skewed shape.
    """
    threshold = _positive(threshold, "threshold")
    mean, sd = _positive(mean, "mean"), _positive(sd, "sd")
    sigma2 = math.log1p((sd / mean) ** 2)
    mu = math.log(mean) - sigma2 / 2
    sigma = math.sqrt(sigma2)
    return ThresholdShare(
        threshold=threshold,
        mean=mean,
        sd=sd,
        # scipy.special.ndtr is the ufunc behind stats.norm.cdf.
        normal=float(special.ndtr((threshold - mean) / sd)),
        lognormal=float(special.ndtr((math.log(threshold) - mu) / sigma)),
        lognormal_mu=mu,
        lognormal_sigma=sigma,
    )


def threshold_check(
    threshold: float, mean: float, sd: float, *, material_share: float = 0.10
) -> CheckResult:
    """Does the group mean alone tell on which side of a cut-off the participants were?

    The mean alone suggests every man sits on its side of ``threshold``; the shares
    from :func:`share_below` say how many participants sit on the other side. ``consistent``:
    under both distributions fewer than ``material_share`` cross over; ``inconsistent``:
    under both at least ``material_share`` do; ``cannot tell``: the two disagree.
    """
    material_share = _finite(material_share, "material_share")
    if not 0 < material_share < 0.5:
        raise ReanalysisError(
            f"material_share must lie strictly between 0 and 0.5, got {material_share!r}"
        )
    share = share_below(threshold, mean, sd)
    above = mean >= threshold
    crossing = (
        (1 - share.normal, 1 - share.lognormal) if not above else (share.normal, share.lognormal)
    )
    material = [c >= material_share for c in crossing]
    verdict: CheckVerdict = (
        "inconsistent" if all(material) else "consistent" if not any(material) else "cannot tell"
    )
    side = "above" if above else "below"
    other = "below" if above else "above"
    return CheckResult(
        name="threshold",
        verdict=verdict,
        evidence=(
            f"mean {mean:g} ± {sd:g} is {side} {threshold:g}; an estimated "
            f"{100 * crossing[0]:.1f}% (normal) or {100 * crossing[1]:.1f}% (log-normal) of "
            f"participants are {other} it"
        ),
        assumptions=(
            "values follow a normal or a log-normal distribution with the printed mean and SD",
            "the ± is an SD",
            f"a share of {material_share:g} or more on the other side is material",
        ),
        numbers={
            "share_below_normal": share.normal,
            "share_below_lognormal": share.lognormal,
            "lognormal_mu": share.lognormal_mu,
            "lognormal_sigma": share.lognormal_sigma,
        },
    )
