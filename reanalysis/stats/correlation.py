"""The pre–post correlation r: results across r, and the r a reported result implies.

Papers rarely print the within-person correlation between baseline and follow-up, yet
every analysis of change depends on it (:mod:`reanalysis.stats.effects`). This module
scans r (:func:`correlation_grid`), recovers the r that reproduces a reported p, t or CI
(:func:`implied_correlation`) or the interval of r a printed, rounded P admits
(:func:`correlation_for_printed_p`); :mod:`reanalysis.stats.split` shows how p and the
implied r move across splits of a known total n. An arm whose own r is known (from its
printed change SD, a supplement or IPD) keeps it while the other arm's r is sought.
Results are numbers and status codes; wording them is the analysis layer's job
(:func:`reanalysis.analysis.trial_effects.correlation_verdict`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np
from scipy import special

from reanalysis.errors import ReanalysisError
from reanalysis.stats.effects import (
    PrePost,
    TTestResult,
    _ancova_moments,
    _change_moments,
    _check_correlation,
    _check_standard_error,
    _Moments,
    _two_sided_p,
    ancova_from_summary,
    difference_in_change,
    dppc2,
    smcc_difference,
    smcr_difference,
)
from reanalysis.stats.printed import (
    CorrelationInterval,
    PrintedP,
    correlation_interval,
    parse_printed_p,
)
from reanalysis.stats.protocol import ResultMixin
from reanalysis.stats.roots import brentq, minimize_bounded

if TYPE_CHECKING:  # pandas is imported only by the functions that return a DataFrame
    import pandas as pd

Analysis = Literal["change", "ancova"]
ANALYSES: tuple[str, ...] = ("change", "ancova")

# How an implied correlation stands against the plausible range (see ImpliedCorrelation.status).
ImpliedStatus = Literal["no_root", "no_range", "consistent", "inconsistent"]

# Correlations shown by default in a sensitivity grid: the issue asks for at least
# 0.5 to 0.99; steps of 0.05, then finer near 1 where change-score SEs move fastest.
DEFAULT_CORRELATION_GRID: tuple[float, ...] = (
    0.5,
    0.55,
    0.6,
    0.65,
    0.7,
    0.75,
    0.8,
    0.85,
    0.9,
    0.95,
    0.97,
    0.98,
    0.99,
)

# Open interval searched for an implied correlation: |r| = 1 makes change SDs
# degenerate, so the search stops just inside.
_R_EDGE = 1e-9
# Points scanned for sign changes before brentq refines each root: ANCOVA p is not
# monotone in r, so it can have two roots.
_R_SCAN_POINTS = 2001
# The smallest normal double: below it stdtr's p-values lose precision and then
# underflow to 0, so a smaller target p cannot be matched.
_SMALLEST_P = float(np.finfo(float).tiny)


# --- result types --------------------------------------------------------------


@dataclass(frozen=True)
class PlausibleCorrelation:
    """A judged range for a pre–post correlation, with the reasoning behind it."""

    measurement: str
    low: float
    high: float
    justification: str

    def contains(self, r: float) -> bool:
        return self.low <= r <= self.high


@dataclass(frozen=True, repr=False)
class ImpliedCorrelation(ResultMixin):
    """The correlation(s) that reproduce a reported statistic exactly.

    ``roots`` holds every r in (−1, 1) that reproduces it (the change-score test has at
    most one; ANCOVA can have two); ``attainable`` is the range of the matched quantity
    over r in (−1, 1), shown when no r reproduces the target.
    """

    analysis: str
    target: str
    target_value: float
    roots: tuple[float, ...]
    attainable: tuple[float, float]
    plausible: PlausibleCorrelation | None

    _record_fields: ClassVar = (
        "analysis",
        "target",
        "target_value",
        "roots",
        "attainable",
        "status",
        "consistent",
    )
    _repr_fields: ClassVar = ("target", "target_value", "roots", "status")

    @property
    def correlation(self) -> float:
        """The implied r: the single root, or the one in the plausible range, else the largest."""
        if not self.roots:
            low, high = self.attainable
            raise ReanalysisError(
                f"no correlation in (-1, 1) reproduces {self.target} = {self.target_value:g} "
                f"under the {self.analysis} analysis; attainable range {low:.3g} to {high:.3g}"
            )
        inside = [r for r in self.roots if self.plausible and self.plausible.contains(r)]
        return (inside or sorted(self.roots))[-1]

    @property
    def consistent(self) -> bool | None:
        """True when some root lies in the plausible range; None without a range."""
        if self.plausible is None:
            return None
        return any(self.plausible.contains(r) for r in self.roots)

    @property
    def status(self) -> ImpliedStatus:
        """``no_root`` (no r reproduces the target), ``no_range`` (roots but no plausible
        range to judge them), else ``consistent`` or ``inconsistent`` with the range."""
        if not self.roots:
            return "no_root"
        if self.plausible is None:
            return "no_range"
        return "consistent" if self.consistent else "inconsistent"


# --- scans and roots -----------------------------------------------------------


def correlation_grid(
    treatment: PrePost,
    control: PrePost,
    correlations: Sequence[float] = DEFAULT_CORRELATION_GRID,
    welch: bool = False,
) -> pd.DataFrame:
    """Every r-dependent result across a grid of correlations, one row per r.

    Columns: r, md_change, md_change_se, md_change_ci_low/high, p_change, ancova,
    ancova_se, ancova_ci_low/high, p_ancova, dppc2, dppc2_var, smcr_diff, smcr_diff_var,
    smcc_diff, smcc_diff_var (summary_frame style, for notebooks); the rows of
    :func:`correlation_grid_records`.
    """
    import pandas as pd

    return pd.DataFrame(correlation_grid_records(treatment, control, correlations, welch))


def correlation_grid_records(
    treatment: PrePost,
    control: PrePost,
    correlations: Sequence[float] = DEFAULT_CORRELATION_GRID,
    welch: bool = False,
) -> list[dict[str, float]]:
    """:func:`correlation_grid` as one dict of Python floats per r, without pandas."""
    if len(correlations) == 0:
        raise ReanalysisError("correlations must hold at least one value")
    rows = []
    for r in correlations:
        change = difference_in_change(treatment, control, r, welch=welch)
        ancova = ancova_from_summary(treatment, control, r)
        d, dr, dc = (
            dppc2(treatment, control, r),
            smcr_difference(treatment, control, r),
            smcc_difference(treatment, control, r),
        )
        ci_change, ci_ancova = change.confidence_interval(), ancova.confidence_interval()
        row = {
            "r": r,
            "md_change": change.estimate,
            "md_change_se": change.standard_error,
            "md_change_ci_low": ci_change.low,
            "md_change_ci_high": ci_change.high,
            "p_change": change.pvalue,
            "ancova": ancova.estimate,
            "ancova_se": ancova.standard_error,
            "ancova_ci_low": ci_ancova.low,
            "ancova_ci_high": ci_ancova.high,
            "p_ancova": ancova.pvalue,
            "dppc2": d.estimate,
            "dppc2_var": d.variance,
            "smcr_diff": dr.estimate,
            "smcr_diff_var": dr.variance,
            "smcc_diff": dc.estimate,
            "smcc_diff_var": dc.variance,
        }
        rows.append({key: float(value) for key, value in row.items()})
    return rows


def _check_analysis(analysis: str) -> None:
    if analysis not in ANALYSES:
        raise ReanalysisError(f"analysis must be one of {', '.join(ANALYSES)}, got {analysis!r}")


def between_arm_test(
    treatment: PrePost, control: PrePost, r: float, analysis: str, welch: bool = False
) -> TTestResult:
    """The between-arm test at ``r``: the change-score t-test or ANCOVA from summaries."""
    _check_analysis(analysis)
    if analysis == "change":
        return difference_in_change(treatment, control, r, welch=welch)
    return ancova_from_summary(treatment, control, r)


def _between_arm_moments(
    treatment: PrePost,
    control: PrePost,
    r: np.ndarray,
    analysis: str,
    welch: bool,
    treatment_r: float | None = None,
    control_r: float | None = None,
) -> _Moments:
    """(estimate, SE, df) of the between-arm test at every r of a checked array.

    An arm with its own ``treatment_r``/``control_r`` keeps it; the other takes each r.
    """
    if treatment_r is None and control_r is None:
        r_t, r_c = r, None
    else:
        r_t = r if treatment_r is None else np.asarray(treatment_r)
        r_c = r if control_r is None else np.asarray(control_r)
    if analysis == "change":
        moments = _change_moments(treatment, control, r_t, welch, r_c)
    else:
        moments = _ancova_moments(treatment, control, r_t, r_c)[:3]
    _check_standard_error(moments[1])
    return moments


def _fixed_correlations(
    treatment_r: float | None, control_r: float | None
) -> tuple[float | None, float | None]:
    """Checks the arms' own r: each in (−1, 1), and at most one of them (else nothing is left
    to imply)."""
    if treatment_r is not None and control_r is not None:
        raise ReanalysisError(
            "treatment_r and control_r are both given: both arms have their own r, so no r "
            "is left to imply from a reported result"
        )
    return (
        None if treatment_r is None else _check_correlation(treatment_r, "treatment_r"),
        None if control_r is None else _check_correlation(control_r, "control_r"),
    )


def implied_correlation(
    treatment: PrePost,
    control: PrePost,
    *,
    reported_p: float | None = None,
    reported_t: float | None = None,
    reported_ci: tuple[float, float] | None = None,
    analysis: Analysis = "change",
    welch: bool = False,
    plausible: PlausibleCorrelation | None = None,
    treatment_r: float | None = None,
    control_r: float | None = None,
) -> ImpliedCorrelation:
    """The r in (−1, 1) at which the between-arm test reproduces a reported result.

    Give exactly one of ``reported_p`` (two-sided), ``reported_t`` (its sign is
    ignored) or ``reported_ci`` (a 95% CI of the same difference; matched through its
    half-width, SE = (high − low)/(2·t₀.₉₇₅,df)). The analysis is the change-score
    t-test (:func:`difference_in_change`) or ANCOVA (:func:`ancova_from_summary`). The
    r range is scanned for sign changes and each root refined with Brent's method
    (:func:`reanalysis.stats.roots.brentq`); the change-score test is monotone in r, ANCOVA
    need not be.
    The scan evaluates all 2001 points in one vectorized call of the formulas that
    :func:`difference_in_change` and :func:`ancova_from_summary` use; brentq evaluates
    the same formulas at single points. ``reported_p`` must be at least 2.2e-308.
    ``plausible`` supplies the range for the verdict. ``treatment_r`` or ``control_r``
    (at most one) is an arm's own known r: that arm keeps it and the r sought is the
    other arm's.

    Morris (2008) study 1: at r = 0.47 the change-score t-test gives p = 0.01747 (R,
    tests/reference/api_examples.R; see :func:`difference_in_change`), so a paper printing
    that p implies r = 0.47:

    >>> treatment = PrePost(20, 30.6, 15.0, 38.5, 11.6)
    >>> control = PrePost(20, 23.1, 13.8, 19.7, 14.8)
    >>> implied = implied_correlation(treatment, control, reported_p=0.01747)
    >>> round(implied.correlation, 2), implied.status
    (0.47, 'no_range')
    """
    given = [x is not None for x in (reported_p, reported_t, reported_ci)]
    if sum(given) != 1:
        raise ReanalysisError("give exactly one of reported_p, reported_t and reported_ci")
    _check_analysis(analysis)
    fixed = _fixed_correlations(treatment_r, control_r)

    # Each quantity takes an array of r: the whole scan is one vectorized call, and
    # brentq evaluates the same function at a single r.
    def moments(r: np.ndarray) -> _Moments:
        return _between_arm_moments(treatment, control, r, analysis, welch, *fixed)

    if reported_p is not None:
        if not (math.isfinite(reported_p) and 0 < reported_p < 1):
            raise ReanalysisError(
                f"reported_p must lie strictly between 0 and 1, got {reported_p!r}"
            )
        if reported_p < _SMALLEST_P:
            raise ReanalysisError(
                f"reported_p must be at least {_SMALLEST_P:g}, below which a double "
                f"underflows, got {reported_p!r}"
            )
        target, value = "p", float(reported_p)

        # log p keeps the scan well conditioned when p spans many orders of magnitude.
        # With large n and r near ±1, p can underflow to 0 far from any root: log 0 = −inf
        # still lies below every target, so it is kept rather than warned about.
        def quantity(r: np.ndarray) -> np.ndarray:
            estimate, se, df = moments(r)
            with np.errstate(divide="ignore"):
                return np.log(_two_sided_p(estimate / se, df))

        goal = math.log(value)
    elif reported_t is not None:
        if not (math.isfinite(reported_t) and reported_t != 0):
            raise ReanalysisError(
                f"reported_t must be a non-zero finite number, got {reported_t!r}"
            )
        target, value = "|t|", abs(float(reported_t))

        def quantity(r: np.ndarray) -> np.ndarray:
            estimate, se, _df = moments(r)
            return np.abs(estimate / se)

        goal = value
    else:
        low, high = reported_ci  # type: ignore[misc]
        if not (math.isfinite(low) and math.isfinite(high) and low < high):
            raise ReanalysisError(
                f"reported_ci must be (low, high) with low < high, got {reported_ci!r}"
            )
        target, value = "95% CI half-width", (high - low) / 2

        def quantity(r: np.ndarray) -> np.ndarray:
            _estimate, se, df = moments(r)
            return special.stdtrit(df, 0.975) * se

        goal = value

    def excess(r: float) -> float:
        return float(quantity(np.asarray(r))) - goal

    grid = np.linspace(-1 + _R_EDGE, 1 - _R_EDGE, _R_SCAN_POINTS)
    values = quantity(grid) - goal
    roots = []
    for i in np.flatnonzero(np.sign(values[:-1]) * np.sign(values[1:]) <= 0):
        if values[i] == 0:
            roots.append(float(grid[i]))
        elif values[i + 1] != 0:
            roots.append(brentq(excess, grid[i], grid[i + 1], xtol=1e-14))
    attained = values + goal
    if target == "p":
        attained = np.exp(attained)
    return ImpliedCorrelation(
        analysis=analysis,
        target=target,
        target_value=value,
        roots=tuple(sorted(set(roots))),
        attainable=(float(attained.min()), float(attained.max())),
        plausible=plausible,
    )


@dataclass(frozen=True)
class PrintedPCorrelation:
    """The correlations whose exact P prints as a reported, rounded P.

    ``interval`` holds the r in (−1, 1) whose P lies in the printed P's interval (e.g.
    "0.005" admits [0.0045, 0.0055)); ``exact`` the :class:`ImpliedCorrelation` of the
    printed value itself ("=" only; its roots give exactly that P); ``correlation`` the r
    to use: the root (as :attr:`ImpliedCorrelation.correlation` chooses among several),
    else, when no r gives
    the printed value exactly but some r print as it, the r in the interval whose P is
    nearest the printed value (on the log scale); None for a bound ("<", ">") or NS, which
    admit a range and no point. ``attainable`` is the range of P over the r scanned.
    """

    printed: PrintedP
    analysis: str
    interval: CorrelationInterval
    exact: ImpliedCorrelation | None
    correlation: float | None
    attainable: tuple[float, float]
    plausible: PlausibleCorrelation | None

    @property
    def roots(self) -> tuple[float, ...]:
        """The r giving exactly the printed value (empty for a bound, NS or no such r)."""
        return () if self.exact is None else self.exact.roots

    @property
    def low(self) -> float | None:
        """The lowest r admitted, or None when the set reaches r = −1 (a one-sided bound)."""
        bounded = self.interval.low_bound == "printed P"
        return self.interval.low if bounded else None

    @property
    def high(self) -> float | None:
        """The highest r admitted, or None when the set reaches r = 1 (a one-sided bound)."""
        bounded = self.interval.high_bound == "printed P"
        return self.interval.high if bounded else None

    @property
    def consistent(self) -> bool | None:
        """True when some admitted r lies in the plausible range; None without a range."""
        if self.plausible is None:
            return None
        low, high = self.plausible.low, self.plausible.high
        return any(s.low <= high and s.high >= low for s in self.interval.segments)


def correlation_for_printed_p(
    treatment: PrePost,
    control: PrePost,
    printed: PrintedP | str,
    *,
    analysis: Analysis = "change",
    welch: bool = False,
    plausible: PlausibleCorrelation | None = None,
    treatment_r: float | None = None,
    control_r: float | None = None,
) -> PrintedPCorrelation:
    """The r whose exact between-arm P is consistent with a P as printed.

    ``printed`` is a :class:`~reanalysis.stats.printed.PrintedP` or its text ("0.0014",
    "<0.001", "NS"; :func:`~reanalysis.stats.printed.parse_printed_p`). The exact p(r) of
    the change-score t-test or ANCOVA (the formulas of :func:`implied_correlation`) is
    inverted over its rounding interval or bound by
    :func:`~reanalysis.stats.printed.correlation_interval` (a 2001-point scan refined by
    brentq). ANCOVA p(r) is not monotone, so a printed "0.005" can be attainable (some r
    give P in [0.0045, 0.0055)) although no r gives exactly 0.005.
    """
    if isinstance(printed, str):
        printed = parse_printed_p(printed)
    _check_analysis(analysis)
    fixed = _fixed_correlations(treatment_r, control_r)

    def p_of_r(r: np.ndarray) -> np.ndarray:
        estimate, se, df = _between_arm_moments(treatment, control, r, analysis, welch, *fixed)
        return _two_sided_p(estimate / se, df)

    found = correlation_interval(p_of_r, printed, -1 + _R_EDGE, 1 - _R_EDGE, _R_SCAN_POINTS)
    scanned = p_of_r(np.linspace(-1 + _R_EDGE, 1 - _R_EDGE, _R_SCAN_POINTS))
    exact, chosen = None, None
    value = printed.value
    if printed.relation == "=" and value is not None and _SMALLEST_P <= value < 1:
        exact = implied_correlation(
            treatment,
            control,
            reported_p=value,
            analysis=analysis,
            welch=welch,
            plausible=plausible,
            treatment_r=treatment_r,
            control_r=control_r,
        )
        if exact.roots:
            chosen = exact.correlation
        elif found.segments:
            chosen = _nearest_p(p_of_r, found, value)
    return PrintedPCorrelation(
        printed=printed,
        analysis=analysis,
        interval=found,
        exact=exact,
        correlation=chosen,
        attainable=(float(scanned.min()), float(scanned.max())),
        plausible=plausible,
    )


def _nearest_p(p_of_r, found: CorrelationInterval, target: float) -> float:
    """The r in the admitted segments whose P is nearest ``target`` on the log scale.

    Each segment is scanned at 201 points and the best cell refined by bounded Brent
    minimisation of |log p(r) − log target| (xatol 1e-12;
    :func:`reanalysis.stats.roots.minimize_bounded`).
    """
    goal = math.log(target)

    def gap(r: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore"):
            return np.abs(np.log(p_of_r(np.atleast_1d(r))) - goal)

    best = (math.inf, math.nan)
    for segment in found.segments:
        grid = np.linspace(segment.low, segment.high, 201)
        i = int(np.argmin(gap(grid)))
        low, high = grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)]
        refined_r, refined_gap = minimize_bounded(
            lambda r: float(gap(r)[0]), low, high, xatol=1e-12
        )
        for distance, r in ((float(gap(grid[i])[0]), float(grid[i])), (refined_gap, refined_r)):
            best = min(best, (float(distance), float(r)))
    return best[1]
