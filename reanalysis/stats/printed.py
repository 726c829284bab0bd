"""Spread and P values as papers print them.

Pure functions that turn what a paper prints into numbers an analysis can use:

* an SD from a printed standard error (:func:`sd_from_se`) or confidence interval of a
  mean (:func:`sd_from_ci`);
* a mean and SD from a printed median with quartiles and/or range
  (:func:`estimate_mean`, :func:`estimate_sd`, :func:`mean_sd_from_median`), with the
  skewness test of Shi et al. (2023) telling when the normal-theory estimates are suspect;
* a printed P value read as the set of P values it admits (:func:`parse_printed_p`);
* the correlations r whose recomputed P lies in that set (:func:`correlation_interval`).

Choices recorded here:

* :func:`sd_from_ci` always uses the t distribution with n − 1 df. The Cochrane Handbook
  (section 6.5.2.2) uses t for small samples (fewer than 60 per group) and allows 1.96 for
  large ones; with t the large-sample case differs only in the third decimal of the
  divisor, and no sample-size cut-off has to be chosen.
* Median conversions need n ≥ 5 and strictly positive spreads (q1 < q3, minimum <
  maximum); metafor's ``conv.fivenum`` also declines n < 5.
* A printed "P = 0.0014" stands for the half-open rounding interval [0.00135, 0.00145)
  (round half up); a bound "P < 0.001" is taken at face value.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from reanalysis.errors import ReanalysisError
from reanalysis.stats.roots import brentq

Scenario = Literal["S1", "S2", "S3"]
MEAN_METHODS: tuple[str, ...] = ("luo",)
SD_METHODS: tuple[str, ...] = ("wan", "shi")
Relation = Literal["=", "<", "<=", ">", ">=", "ns"]
Bound = Literal["printed P", "search range"]
MIN_MEDIAN_N = 5

# --- argument checks ------------------------------------------------------------------


def _finite_array(value: ArrayLike, name: str, positive: bool = False) -> np.ndarray:
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ReanalysisError(f"{name} must be a number or numbers, got {value!r}") from None
    if not np.all(np.isfinite(array)) or (positive and np.any(array <= 0)):
        raise ReanalysisError(f"{name} must be finite{' and > 0' * positive}, got {value!r}")
    return array


def _whole_array(value: ArrayLike, name: str, minimum: int) -> np.ndarray:
    array = _finite_array(value, name)
    if np.any(array != np.round(array)) or np.any(array < minimum):
        raise ReanalysisError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    return array


def _probability(value: float, name: str) -> float:
    if not (isinstance(value, int | float) and 0 < value < 1):
        raise ReanalysisError(f"{name} must lie strictly between 0 and 1, got {value!r}")
    return float(value)


def _out(array: np.ndarray) -> float | np.ndarray:
    """A Python float for a scalar result, the array otherwise."""
    return float(array) if array.ndim == 0 else array


# --- SD from a printed SE or confidence interval ------------------------------------------


def sd_from_se(se: ArrayLike, n: ArrayLike) -> float | np.ndarray:
    """SD = SE·√n, the SD behind a printed standard error of a mean of n values.

    Cochrane Handbook 6.x, section 6.5.2.2.
    """
    se_ = _finite_array(se, "se", positive=True)
    n_ = _whole_array(n, "n", 2)
    return _out(se_ * np.sqrt(n_))  # Cochrane Handbook 6.5.2.2: SD = √N × SE


def sd_from_ci(
    low: ArrayLike, high: ArrayLike, n: ArrayLike, confidence_level: float = 0.95
) -> float | np.ndarray:
    """SD behind a printed confidence interval (low, high) of a mean of n values.

    SD = √n·(high − low) / (2·t), t the (1 + level)/2 quantile of t with n − 1 df.
    Cochrane Handbook 6.x, section 6.5.2.2, which uses t when n is small (say < 60) and
    3.92 = 2 × 1.96 for a large 95% interval; this function always uses t (see the module
    docstring), which tends to the normal value as n grows.
    """
    low_ = _finite_array(low, "low")
    high_ = _finite_array(high, "high")
    if np.any(high_ <= low_):
        raise ReanalysisError(f"high must exceed low, got low={low!r} and high={high!r}")
    n_ = _whole_array(n, "n", 2)
    # scipy.special.stdtrit is the ufunc behind stats.t.ppf (and ndtri behind norm.ppf).
    t = special.stdtrit(n_ - 1, (1 + _probability(confidence_level, "confidence_level")) / 2)
    return _out(np.sqrt(n_) * (high_ - low_) / (2 * t))  # Cochrane Handbook 6.5.2.2


# --- mean and SD from a median with quartiles and/or range -----------------------------------


@dataclass(frozen=True)
class MedianConversion:
    """Mean and SD estimated from a median with quartiles and/or range.

    ``scenario``: S1 {minimum, median, maximum}, S2 {q1, median, q3}, S3 all five.
    ``skewness`` is the test statistic of Shi et al. (2023) for the scenario (T1, T2 or
    T3, each ≥ 0) and ``skewness_critical`` its 5% critical value at this n;
    ``skewness_warning`` is True when the statistic reaches the critical value, i.e. the
    printed quantiles are too asymmetric for data from a normal distribution, on which
    the Luo, Wan and Shi estimators rest. Fields are floats, or arrays for array input.
    """

    mean: float | np.ndarray
    sd: float | np.ndarray
    scenario: Scenario
    method_mean: str
    method_sd: str
    skewness: float | np.ndarray
    skewness_critical: float | np.ndarray
    skewness_warning: bool | np.ndarray


@dataclass(frozen=True)
class _FiveNumbers:
    n: np.ndarray
    median: np.ndarray
    q1: np.ndarray | None
    q3: np.ndarray | None
    minimum: np.ndarray | None
    maximum: np.ndarray | None
    scenario: Scenario


def _pair(low: ArrayLike | None, high: ArrayLike | None, names: tuple[str, str]):
    if (low is None) != (high is None):
        given, missing = names if high is None else names[::-1]
        raise ReanalysisError(f"{missing} must be given with {given}, got {given} alone")
    if low is None:
        return None, None
    return _finite_array(low, names[0]), _finite_array(high, names[1])


def _five_numbers(n, median, q1, q3, minimum, maximum) -> _FiveNumbers:
    """Checks a median summary in one place and names its scenario."""
    n_ = _whole_array(n, "n", MIN_MEDIAN_N)
    median_ = _finite_array(median, "median")
    q1_, q3_ = _pair(q1, q3, ("q1", "q3"))
    minimum_, maximum_ = _pair(minimum, maximum, ("minimum", "maximum"))
    if q1_ is None and minimum_ is None:
        raise ReanalysisError(
            "a median summary needs q1 and q3, or minimum and maximum, or all four; got neither"
        )
    names = ("minimum", "q1", "median", "q3", "maximum")
    values = (minimum_, q1_, median_, q3_, maximum_)
    given = [(name, value) for name, value in zip(names, values, strict=True) if value is not None]
    for (low_name, low), (high_name, high) in itertools.pairwise(given):
        if np.any(low > high):
            raise ReanalysisError(
                f"{low_name} must not exceed {high_name}, got {low_name}={low.tolist()!r} "
                f"and {high_name}={high.tolist()!r}"
            )
    for low_name, low, high_name, high in (
        ("q1", q1_, "q3", q3_),
        ("minimum", minimum_, "maximum", maximum_),
    ):
        if low is not None and np.any(low >= high):
            raise ReanalysisError(
                f"{low_name} must be below {high_name} (a zero spread gives no SD), got "
                f"{low_name}={low.tolist()!r} and {high_name}={high.tolist()!r}"
            )
    scenario: Scenario = (
        "S3" if q1_ is not None and minimum_ is not None else ("S2" if q1_ is not None else "S1")
    )
    return _FiveNumbers(n_, median_, q1_, q3_, minimum_, maximum_, scenario)


def _xi(n: np.ndarray) -> np.ndarray:
    """ξ(n) = 2Φ⁻¹((n − 0.375)/(n + 0.25)): expected range of n standard normals (Blom)."""
    return 2 * special.ndtri((n - 0.375) / (n + 0.25))  # Wan et al. 2014, eq. (9)


def _eta(n: np.ndarray) -> np.ndarray:
    """η(n) = 2Φ⁻¹((0.75n − 0.125)/(n + 0.25)): expected IQR of n standard normals."""
    return 2 * special.ndtri((0.75 * n - 0.125) / (n + 0.25))  # Wan et al. 2014, eq. (16)


def _luo_mean(x: _FiveNumbers) -> np.ndarray:
    n, m = x.n, x.median
    if x.scenario == "S1":
        w = 4 / (4 + n**0.75)  # Luo et al. 2018, eq. (7): optimal weight of the mid-range
        return w * (x.minimum + x.maximum) / 2 + (1 - w) * m  # Luo et al. 2018, eq. (7)
    if x.scenario == "S2":
        w = 0.7 + 0.39 / n  # Luo et al. 2018, eq. (11): optimal weight of the mid-quartile range
        return w * (x.q1 + x.q3) / 2 + (1 - w) * m  # Luo et al. 2018, eq. (11)
    w1 = 2.2 / (2.2 + n**0.75)  # Luo et al. 2018, eq. (15)
    w2 = 0.7 - 0.72 / n**0.55  # Luo et al. 2018, eq. (15)
    return (  # Luo et al. 2018, eq. (15)
        w1 * (x.minimum + x.maximum) / 2 + w2 * (x.q1 + x.q3) / 2 + (1 - w1 - w2) * m
    )


def _sd(x: _FiveNumbers, method: str) -> np.ndarray:
    n = x.n
    if x.scenario == "S1":
        return (x.maximum - x.minimum) / _xi(n)  # Wan et al. 2014, eq. (9)
    if x.scenario == "S2":
        return (x.q3 - x.q1) / _eta(n)  # Wan et al. 2014, eq. (16)
    range_part = (x.maximum - x.minimum) / _xi(n)
    iqr_part = (x.q3 - x.q1) / _eta(n)
    if method == "wan":
        # Wan et al. 2014, eq. (12) with ξ(n), η(n) approximated as in eqs. (9) and (16)
        return (range_part + iqr_part) / 2
    w = 1 / (1 + 0.07 * n**0.6)  # Shi et al. 2020, eq. (10): approximate optimal weight
    return w * range_part + (1 - w) * iqr_part  # Shi et al. 2020, eq. (10)


def _check_method(method: str, options: tuple[str, ...], name: str) -> None:
    if method not in options:
        raise ReanalysisError(f"{name} must be one of {', '.join(options)}, got {method!r}")


def estimate_mean(
    n: ArrayLike,
    median: ArrayLike,
    q1: ArrayLike | None = None,
    q3: ArrayLike | None = None,
    minimum: ArrayLike | None = None,
    maximum: ArrayLike | None = None,
    method: str = "luo",
) -> float | np.ndarray:
    """Sample mean estimated from the median with the range (S1), quartiles (S2) or both (S3).

    ``method="luo"``: Luo D, Wan X, Liu J, Tong T. Optimally estimating the sample mean
    from the sample size, median, mid-range, and/or mid-quartile range. Stat Methods Med
    Res 2018;27(6):1785–1805, eqs. (7), (11), (15) — a weighted mean of the median, the
    mid-range and the mid-quartile range with weights depending on n:

    * S1: w = 4/(4 + n^0.75); mean = w·(min + max)/2 + (1 − w)·median
    * S2: w = 0.7 + 0.39/n; mean = w·(q1 + q3)/2 + (1 − w)·median
    * S3: w1 = 2.2/(2.2 + n^0.75), w2 = 0.7 − 0.72/n^0.55;
      mean = w1·(min + max)/2 + w2·(q1 + q3)/2 + (1 − w1 − w2)·median

    Vectorized: arrays broadcast; the scenario is fixed by which arguments are given.
    """
    _check_method(method, MEAN_METHODS, "method")
    return _out(np.asarray(_luo_mean(_five_numbers(n, median, q1, q3, minimum, maximum))))


def estimate_sd(
    n: ArrayLike,
    median: ArrayLike,
    q1: ArrayLike | None = None,
    q3: ArrayLike | None = None,
    minimum: ArrayLike | None = None,
    maximum: ArrayLike | None = None,
    method: str = "wan",
) -> float | np.ndarray:
    """Sample SD estimated from the range (S1), quartiles (S2) or both (S3).

    ``method="wan"``: Wan X, Wang W, Liu J, Tong T. BMC Med Res Methodol 2014;14:135,
    with ξ(n) = 2Φ⁻¹((n − 0.375)/(n + 0.25)) and η(n) = 2Φ⁻¹((0.75n − 0.125)/(n + 0.25)):

    * S1: SD = (max − min)/ξ(n)  (eq. 9)
    * S2: SD = (q3 − q1)/η(n)  (eq. 16)
    * S3: SD = ½·[(max − min)/ξ(n) + (q3 − q1)/η(n)]  (eq. 12 with eqs. 9 and 16)

    ``method="shi"``: Shi J, Luo D, Weng H, et al. Optimally estimating the sample standard
    deviation from the five-number summary. Res Synth Methods 2020;11(5):641–654, eq. (10):
    in S3, SD = w·(max − min)/ξ(n) + (1 − w)·(q3 − q1)/η(n) with w = 1/(1 + 0.07·n^0.6).
    Shi et al. derive their estimator for S3 only: in S1 or S2, with only the range or only
    the IQR, the weight is 1 or 0 and the form reduces to Wan's eq. (9) or (16), so "shi"
    equals "wan" there.

    The median is not used (it is checked to lie between the quantiles).
    """
    _check_method(method, SD_METHODS, "method")
    return _out(np.asarray(_sd(_five_numbers(n, median, q1, q3, minimum, maximum), method)))


def _skewness(x: _FiveNumbers) -> tuple[np.ndarray, np.ndarray]:
    """Shi et al. (2023) skewness test statistic and its 5% critical value at n.

    Shi J, Luo D, Wan X, et al. Detecting the skewness of data from the five-number
    summary and its application in meta-analysis. Stat Methods Med Res 2023;32(7):
    1338–1360. Statistics and critical values as implemented in metafor's ``conv.fivenum``
    (R/conv.fivenum.r), which attributes them to the published paper (its 2020 arXiv
    preprint had slightly different constants).
    """
    n = x.n
    if x.scenario != "S2":
        t1 = np.abs((x.minimum + x.maximum - 2 * x.median) / (x.maximum - x.minimum))
    if x.scenario != "S1":
        t2 = np.abs((x.q1 + x.q3 - 2 * x.median) / (x.q3 - x.q1))
    if x.scenario == "S1":
        return t1, 1 / np.log(n + 9) + 2.5 / (n + 1)  # Shi et al. 2023, test T1
    if x.scenario == "S2":
        return t2, 2.65 / np.sqrt(n) - 6 / n**2  # Shi et al. 2023, test T2
    t3 = np.maximum(2.65 * np.log(0.6 * n) / np.sqrt(n) * t1, t2)  # Shi et al. 2023, test T3
    return t3, 3 / np.sqrt(n) - 40 / n**3  # Shi et al. 2023, test T3


def mean_sd_from_median(
    n: ArrayLike,
    median: ArrayLike,
    q1: ArrayLike | None = None,
    q3: ArrayLike | None = None,
    minimum: ArrayLike | None = None,
    maximum: ArrayLike | None = None,
    mean_method: str = "luo",
    sd_method: str = "wan",
) -> MedianConversion:
    """Mean (:func:`estimate_mean`) and SD (:func:`estimate_sd`) with a skewness warning.

    ``method_sd`` records the formula actually used: "wan" when ``sd_method="shi"`` is
    asked for in S1 or S2, where Shi's form reduces to Wan's.
    """
    _check_method(mean_method, MEAN_METHODS, "mean_method")
    _check_method(sd_method, SD_METHODS, "sd_method")
    x = _five_numbers(n, median, q1, q3, minimum, maximum)
    statistic, critical = _skewness(x)
    warning = np.asarray(statistic >= critical)
    return MedianConversion(
        mean=_out(np.asarray(_luo_mean(x))),
        sd=_out(np.asarray(_sd(x, sd_method))),
        scenario=x.scenario,
        method_mean=mean_method,
        method_sd=sd_method if x.scenario == "S3" else "wan",
        skewness=_out(np.asarray(statistic)),
        skewness_critical=_out(np.asarray(critical)),
        skewness_warning=bool(warning) if warning.ndim == 0 else warning,
    )


# --- a printed P value --------------------------------------------------------------------

ACCEPTED_P_FORMS = (
    '"0.0014", "P = 0.0014", ".03", "p<0.001", "< 0.001", "<.001", "≤0.05", "P > 0.05", '
    '"P = 1.2e-4", "P = 1.2 × 10−4", "NS", "n.s."'
)
_SPACES = re.compile(r"[\s\u200b\u2060\ufeff]+")
_MINUSES = str.maketrans({c: "-" for c in "\u2212\u2010\u2011\u2012\u2013\u2014\ufe63\uff0d"})
_RELATIONS = {"=": "=", "<": "<", ">": ">"}
_RELATIONS |= dict.fromkeys(("<=", "=<", "≤", "⩽", "≦"), "<=")
_RELATIONS |= dict.fromkeys((">=", "=>", "≥", "⩾", "≧"), ">=")
_P_FORM = re.compile(
    r"(?:p(?:-?value)?)?"
    r"(?P<relation><=|>=|=<|=>|[=<>≤⩽≦≥⩾≧])?"
    r"(?:(?P<ns>n\.?s\.?)"
    r"|(?P<whole>[0-9]*)(?:\.(?P<fraction>[0-9]*))?"
    r"(?:(?:e|[x×*·]10\^?)(?P<exponent>[-+]?[0-9]+))?)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PrintedP:
    """A P value as printed, and the set of true P values the print admits.

    ``relation`` is "=", "<", "<=", ">", ">=" or "ns"; ``value`` the printed number (None
    for NS); ``decimals`` the printed decimal places (an exponent counts: "1.2e-4" has 5;
    None for NS). ``interval`` is (low, high) and ``closed`` says whether each end belongs
    to it:

    * "= 0.0014": [0.00135, 0.00145), the values that round (half up) to the print;
    * "< 0.001": (0, 0.001); "<= 0.05": (0, 0.05];
    * "> 0.05": (0.05, 1]; ">= 0.05": [0.05, 1];
    * "NS": [significance_level, 1].
    """

    text: str
    relation: Relation
    value: float | None
    decimals: int | None
    significance_level: float = 0.05

    @property
    def interval(self) -> tuple[float, float]:
        return self._bounds()[0]

    @property
    def closed(self) -> tuple[bool, bool]:
        return self._bounds()[1]

    def _bounds(self) -> tuple[tuple[float, float], tuple[bool, bool]]:
        if self.relation == "ns":
            return (self.significance_level, 1.0), (True, True)
        value, relation = self.value, self.relation
        if relation in ("<", "<="):
            return (0.0, value), (False, relation == "<=")
        if relation in (">", ">="):
            return (value, 1.0), (relation == ">=", True)
        # Decimal arithmetic so that the ends are the nearest doubles to the exact halves.
        printed, half = Decimal(repr(value)), Decimal(5).scaleb(-self.decimals - 1)
        low, high = max(printed - half, Decimal(0)), min(printed + half, Decimal(1))
        return (float(low), float(high)), (True, high == 1)

    def contains(self, p: ArrayLike) -> bool | np.ndarray:
        """Whether each P value is consistent with the print (ends as in ``closed``)."""
        p_ = np.asarray(p, dtype=float)
        (low, high), (low_closed, high_closed) = self._bounds()
        above = p_ >= low if low_closed else p_ > low
        below = p_ <= high if high_closed else p_ < high
        inside = above & below
        return bool(inside) if inside.ndim == 0 else inside


def parse_printed_p(text: str, significance_level: float = 0.05) -> PrintedP:
    """Read a P value as printed ("P = 0.0014", "<.001", "NS", …) into a :class:`PrintedP`.

    Spaces (including thin and no-break spaces), a leading "P"/"p", Unicode minus signs
    and ≤/≥ are tolerated; only ASCII digits are digits. ``significance_level`` is the
    level below which the paper would have called a result significant; it bounds "NS".
    """
    if not isinstance(text, str):
        raise ReanalysisError(f"text must be a string such as {ACCEPTED_P_FORMS}, got {text!r}")
    alpha = _probability(significance_level, "significance_level")
    compact = _SPACES.sub("", text).translate(_MINUSES)
    match = _P_FORM.fullmatch(compact)
    if match is None or not (match["ns"] or match["whole"] or match["fraction"]):
        raise ReanalysisError(
            f"text must be a printed P value such as {ACCEPTED_P_FORMS}, got {text!r}"
        )
    relation = _RELATIONS[match["relation"]] if match["relation"] else "="
    if match["ns"]:
        if relation != "=":
            raise ReanalysisError(f"text must print NS without a bound (as 'NS'), got {text!r}")
        return PrintedP(text, "ns", None, None, alpha)
    exponent = int(match["exponent"] or 0)
    number = Decimal(f"{match['whole'] or 0}.{match['fraction'] or 0}").scaleb(exponent)
    decimals = max(len(match["fraction"] or "") - exponent, 0)
    # A bound must leave some P in (0, 1]: "< 0", "<= 0" and "> 1" admit none.
    empty = (relation in ("<", "<=") and number == 0) or (relation == ">" and number == 1)
    # A bare "0" (no decimals) is no P value: "P = 0.000" is, meaning below 0.0005.
    bare_zero = relation == "=" and number == 0 and decimals == 0
    if not 0 <= number <= 1 or empty or bare_zero:
        raise ReanalysisError(f"text must print a P value between 0 and 1, got {text!r}")
    return PrintedP(text, relation, float(number), decimals, alpha)


# --- correlations consistent with a printed P ---------------------------------------------


@dataclass(frozen=True)
class CorrelationSegment:
    """One stretch [low, high] of r whose P lies in the printed interval.

    ``low_bound``/``high_bound`` say what ends it: "printed P" (P crosses an end of the
    printed interval there) or "search range" (the end of the range searched).
    """

    low: float
    high: float
    low_bound: Bound
    high_bound: Bound


@dataclass(frozen=True)
class CorrelationInterval:
    """The r in ``r_range`` where p(r) lies in ``p_interval``.

    ``segments`` in increasing r (several when p(r) is not monotone); ``low``, ``high``
    and their bounds describe the whole set from the start of its first segment to the end
    of its last; all four are None when the set is empty.
    """

    low: float | None
    high: float | None
    low_bound: Bound | None
    high_bound: Bound | None
    segments: tuple[CorrelationSegment, ...]
    p_interval: tuple[float, float]
    r_range: tuple[float, float]


def correlation_interval(
    p_of_r: Callable[[np.ndarray], ArrayLike],
    p_interval: tuple[float, float] | PrintedP,
    r_low: float,
    r_high: float,
    grid_points: int = 2001,
) -> CorrelationInterval:
    """The correlations r in [r_low, r_high] whose P, p_of_r(r), lies in ``p_interval``.

    ``p_of_r`` must accept an array of r and return an array of P values. A grid of
    ``grid_points`` values finds where p(r) enters and leaves the interval; each crossing
    is then refined with Brent's method (:func:`reanalysis.stats.roots.brentq`, xtol 1e-13),
    so segment ends are exact to about 1e-13 in r. A segment that begins and ends inside one
    grid cell is found when p(r) jumps across the whole interval within that cell (assumed
    monotone there); two crossings of the same end inside one cell are not seen, so a p(r)
    that wiggles faster than the grid needs more ``grid_points``. The open/closed ends of the
    P interval do not matter for a continuous p(r).
    """
    if isinstance(p_interval, PrintedP):
        p_interval = p_interval.interval
    p_lo, p_hi = (float(v) for v in p_interval)
    if not (math.isfinite(p_lo) and math.isfinite(p_hi) and p_lo <= p_hi):
        raise ReanalysisError(
            f"p_interval must be (low, high) with low <= high, got {p_interval!r}"
        )
    if not (math.isfinite(r_low) and math.isfinite(r_high) and r_low < r_high):
        raise ReanalysisError(
            f"r_low must be below r_high, both finite, got r_low={r_low!r} and r_high={r_high!r}"
        )
    if isinstance(grid_points, bool) or int(grid_points) != grid_points or grid_points < 2:
        raise ReanalysisError(f"grid_points must be a whole number >= 2, got {grid_points!r}")
    r = np.linspace(r_low, r_high, int(grid_points))
    p = np.asarray(p_of_r(r), dtype=float)
    if p.shape != r.shape or not np.all(np.isfinite(p)):
        bad = r[~np.isfinite(p)] if p.shape == r.shape else r
        raise ReanalysisError(
            f"p_of_r must return one finite P per r, got {p.shape} values and non-finite at "
            f"r={bad[:3].tolist()!r}"
        )
    side = np.where(p < p_lo, -1, np.where(p > p_hi, 1, 0))  # below, inside, above

    def crossing(a: float, b: float, target: float) -> float:
        gap = lambda x: float(np.asarray(p_of_r(np.array([x])), dtype=float)[0]) - target  # noqa: E731
        return brentq(gap, a, b, xtol=1e-13)

    def level(s: int) -> float:
        return p_lo if s < 0 else p_hi

    segments: list[CorrelationSegment] = []
    start: tuple[float, Bound] | None = (r_low, "search range") if side[0] == 0 else None
    for i in np.flatnonzero(side[:-1] != side[1:]):
        a, b, before, after = r[i], r[i + 1], side[i], side[i + 1]
        if before == 0:
            end = crossing(a, b, level(after))
            segments.append(CorrelationSegment(start[0], end, start[1], "printed P"))
            start = None
        elif after == 0:
            start = (crossing(a, b, level(before)), "printed P")
        else:  # p jumps across the whole interval inside this cell
            enter, leave = crossing(a, b, level(before)), crossing(a, b, level(after))
            segments.append(CorrelationSegment(enter, leave, "printed P", "printed P"))
    if start is not None:
        segments.append(CorrelationSegment(start[0], r_high, start[1], "search range"))
    ends = (
        (segments[0].low, segments[-1].high, segments[0].low_bound, segments[-1].high_bound)
        if segments
        else (None, None, None, None)
    )
    return CorrelationInterval(*ends, tuple(segments), (p_lo, p_hi), (float(r_low), float(r_high)))
