"""The pre–post correlation r: results across r, and the r a reported result implies.

Papers rarely print the within-person correlation between baseline and follow-up, yet
every analysis of change depends on it (:mod:`reanalysis.stats.effects`). This module
scans r (:func:`correlation_grid`), recovers the r that reproduces a reported p, t or CI
(:func:`implied_correlation`), and shows how p and the implied r move across splits of a
known total n (:func:`split_sensitivity`). Results are numbers and status codes; wording
them is the analysis layer's job (:func:`reanalysis.analysis.trial_effects.correlation_verdict`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

import numpy as np
from scipy import special

from reanalysis.errors import ReanalysisError
from reanalysis.stats.effects import (
    PrePost,
    TTestResult,
    _ancova_moments,
    _change_moments,
    _check_standard_error,
    _Moments,
    _two_sided_p,
    ancova_from_summary,
    difference_in_change,
    dppc2,
    smcc_difference,
    smcr_difference,
)

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


@dataclass(frozen=True)
class ImpliedCorrelation:
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
    smcc_diff, smcc_diff_var (summary_frame style, for notebooks and the report).
    """
    import pandas as pd

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
        rows.append(
            {
                "r": float(r),
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
        )
    return pd.DataFrame(rows)


def _check_analysis(analysis: str) -> None:
    if analysis not in ANALYSES:
        raise ReanalysisError(f"analysis must be one of {', '.join(ANALYSES)}, got {analysis!r}")


def _between_arm_test(
    treatment: PrePost, control: PrePost, r: float, analysis: str, welch: bool
) -> TTestResult:
    _check_analysis(analysis)
    if analysis == "change":
        return difference_in_change(treatment, control, r, welch=welch)
    return ancova_from_summary(treatment, control, r)


def _between_arm_moments(
    treatment: PrePost, control: PrePost, r: np.ndarray, analysis: str, welch: bool
) -> _Moments:
    """(estimate, SE, df) of the between-arm test at every r of a checked array."""
    if analysis == "change":
        moments = _change_moments(treatment, control, r, welch)
    else:
        moments = _ancova_moments(treatment, control, r)[:3]
    _check_standard_error(moments[1])
    return moments


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
) -> ImpliedCorrelation:
    """The r in (−1, 1) at which the between-arm test reproduces a reported result.

    Give exactly one of ``reported_p`` (two-sided), ``reported_t`` (its sign is
    ignored) or ``reported_ci`` (a 95% CI of the same difference; matched through its
    half-width, SE = (high − low)/(2·t₀.₉₇₅,df)). The analysis is the change-score
    t-test (:func:`difference_in_change`) or ANCOVA (:func:`ancova_from_summary`). The
    r range is scanned for sign changes and each root refined with Brent's method
    (scipy.optimize.brentq); the change-score test is monotone in r, ANCOVA need not be.
    The scan evaluates all 2001 points in one vectorized call of the formulas that
    :func:`difference_in_change` and :func:`ancova_from_summary` use; brentq evaluates
    the same formulas at single points. ``reported_p`` must be at least 2.2e-308.
    ``plausible`` supplies the range for the verdict.
    """
    from scipy import optimize

    given = [x is not None for x in (reported_p, reported_t, reported_ci)]
    if sum(given) != 1:
        raise ReanalysisError("give exactly one of reported_p, reported_t and reported_ci")
    _check_analysis(analysis)

    # Each quantity takes an array of r: the whole scan is one vectorized call, and
    # brentq evaluates the same function at a single r.
    def moments(r: np.ndarray) -> _Moments:
        return _between_arm_moments(treatment, control, r, analysis, welch)

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
            roots.append(optimize.brentq(excess, grid[i], grid[i + 1], xtol=1e-14))
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


def split_sensitivity(
    total_n: int,
    treatment: PrePost,
    control: PrePost,
    r: float,
    *,
    treatment_n: Sequence[int] | None = None,
    reported_p: float | None = None,
    analysis: Analysis = "change",
    welch: bool = False,
) -> pd.DataFrame:
    """How the p-value (and the implied r) move across splits of a known total n.

    For each treatment-arm n in ``treatment_n`` (default: every split with each arm
    between 40% and 60% of ``total_n``, a judgement about plausible imbalance under 1:1
    randomization with dropout), both arms keep their means and SDs and take n_T and
    total_n − n_T. Columns: n_treatment, n_control, estimate, standard_error, p_value
    (at ``r``), and implied_r when ``reported_p`` is given (the unique or plausible root,
    absent when no r reproduces it).
    """
    import pandas as pd

    if isinstance(total_n, bool) or int(total_n) != total_n or total_n < 4:
        raise ReanalysisError(f"total_n must be a whole number >= 4, got {total_n!r}")
    if treatment_n is None:
        treatment_n = range(math.ceil(0.4 * total_n), math.floor(0.6 * total_n) + 1)
    rows = []
    for n_t in treatment_n:
        n_c = total_n - n_t
        if n_t < 2 or n_c < 2:
            raise ReanalysisError(
                f"treatment_n must leave at least 2 in each arm of {total_n}, got {n_t}"
            )
        t, c = replace(treatment, n=n_t), replace(control, n=n_c)
        result = _between_arm_test(t, c, r, analysis, welch)
        row = {
            "n_treatment": n_t,
            "n_control": n_c,
            "estimate": result.estimate,
            "standard_error": result.standard_error,
            "p_value": result.pvalue,
        }
        if reported_p is not None:
            implied = implied_correlation(
                t, c, reported_p=reported_p, analysis=analysis, welch=welch
            )
            row["implied_r"] = implied.correlation if implied.roots else None
        rows.append(row)
    frame = pd.DataFrame(rows)
    if "implied_r" in frame:
        # keep "no r reproduces it" as None rather than letting pandas turn it into NaN
        frame["implied_r"] = pd.Series([row["implied_r"] for row in rows], dtype=object)
    return frame
