"""Result types of :mod:`reanalysis.stats.effects`: t-based estimates and standardized effects.

Each is a frozen dataclass with the package's result protocol
(:mod:`reanalysis.stats.protocol`): ``confidence_interval()`` returning a
:class:`~reanalysis.stats.protocol.ConfidenceInterval`, ``to_dict()``, ``to_frame()`` and a
one-line repr. A t-based result also answers a one-sided question
(:meth:`TTestResult.with_alternative`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from reanalysis.errors import ReanalysisError
from reanalysis.stats.protocol import ConfidenceInterval, ResultMixin, check_alternative


def _check_level(confidence_level: float) -> None:
    if not (math.isfinite(confidence_level) and 0 < confidence_level < 1):
        raise ReanalysisError(
            f"confidence_level must lie strictly between 0 and 1, got {confidence_level!r}"
        )


def _two_sided_p(statistic: ArrayLike, df: ArrayLike) -> np.ndarray:
    """2·P(T_df > |t|) through ``scipy.special.stdtr``, the ufunc behind ``stats.t.sf``."""
    return 2 * special.stdtr(df, -np.abs(statistic))


@dataclass(frozen=True, repr=False)
class TTestResult(ResultMixin):
    """A t-based estimate: ``estimate`` ± t(df)·``standard_error``.

    Unpacks like SciPy's ``TtestResult`` (``statistic, pvalue = result``) and, unlike
    ``scipy.stats.ttest_ind_from_stats``, carries df and a confidence interval.
    ``alternative`` is the test's: ``two-sided`` (the default), or ``larger`` / ``smaller``
    from :meth:`with_alternative`, which the p-value and the interval both follow.
    """

    estimate: float
    standard_error: float
    df: float
    statistic: float
    pvalue: float
    alternative: str = field(default="two-sided", kw_only=True)

    _repr_fields: ClassVar = ("estimate", "standard_error", "statistic", "pvalue", "df")

    def confidence_interval(self, confidence_level: float = 0.95) -> ConfidenceInterval:
        """estimate ± t(df)·SE; one-sided (to ±inf) under a one-sided alternative, as SciPy."""
        _check_level(confidence_level)
        # scipy.special.stdtrit is the ufunc behind stats.t.ppf (same value, lighter import).
        if self.alternative == "two-sided":
            half = special.stdtrit(self.df, 0.5 + confidence_level / 2) * self.standard_error
            return ConfidenceInterval(float(self.estimate - half), float(self.estimate + half))
        margin = float(special.stdtrit(self.df, confidence_level) * self.standard_error)
        if self.alternative == "larger":
            return ConfidenceInterval(self.estimate - margin, math.inf)
        return ConfidenceInterval(-math.inf, self.estimate + margin)

    def with_alternative(self, alternative: str) -> TTestResult:
        """The same test against ``alternative``: ``two-sided``, ``larger`` (H1: the
        difference is > 0; p = P(T ≥ t)) or ``smaller`` (p = P(T ≤ t)), T ~ t(df).

        >>> result = TTestResult(11.3, 4.5469, 38.0, 2.4852, 0.017466)
        >>> round(result.with_alternative("larger").pvalue, 4)  # half the two-sided p
        0.0087
        """
        check_alternative(alternative)
        if alternative == "two-sided":
            pvalue = _two_sided_p(self.statistic, self.df)
        else:
            sign = -1 if alternative == "larger" else 1
            pvalue = special.stdtr(self.df, sign * self.statistic)
        return replace(self, pvalue=float(pvalue), alternative=alternative)

    def __iter__(self) -> Iterator[float]:
        return iter((self.statistic, self.pvalue))


@dataclass(frozen=True, repr=False)
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


@dataclass(frozen=True, repr=False)
class ArmChange(ResultMixin):
    """Within-arm change from baseline for an assumed correlation ``correlation``.

    ``test`` is the paired t-test of mean change = 0 (df = n − 1); ``estimate``,
    ``standard_error``, ``statistic``, ``pvalue``, ``df`` and the interval are its. For a
    change printed as such (:func:`reanalysis.stats.effects.change_from_summary`),
    ``correlation`` is None unless known, and ``percent_change`` is None without a
    baseline mean.
    """

    n: int
    correlation: float | None
    mean_change: float
    change_sd: float
    percent_change: float | None
    test: TTestResult

    _record_fields: ClassVar = (
        "n",
        "correlation",
        "mean_change",
        "change_sd",
        "percent_change",
        "estimate",
        "standard_error",
        "statistic",
        "pvalue",
        "df",
    )
    _repr_fields: ClassVar = ("mean_change", "change_sd", "percent_change", "pvalue", "df")

    @property
    def estimate(self) -> float:
        return self.test.estimate

    @property
    def standard_error(self) -> float:
        return self.test.standard_error

    @property
    def statistic(self) -> float:
        return self.test.statistic

    @property
    def pvalue(self) -> float:
        return self.test.pvalue

    @property
    def df(self) -> float:
        return self.test.df

    def confidence_interval(self, confidence_level: float = 0.95) -> ConfidenceInterval:
        return self.test.confidence_interval(confidence_level)

    def with_alternative(self, alternative: str) -> ArmChange:
        """The same change, its paired test against ``alternative`` (see TTestResult)."""
        return replace(self, test=self.test.with_alternative(alternative))


@dataclass(frozen=True, repr=False)
class StandardizedEffect(ResultMixin):
    """A standardized mean difference with its large-sample sampling variance."""

    estimate: float
    variance: float

    _record_fields: ClassVar = ("estimate", "variance", "standard_error")

    @property
    def standard_error(self) -> float:
        return math.sqrt(self.variance)

    def confidence_interval(self, confidence_level: float = 0.95) -> ConfidenceInterval:
        """Normal-theory interval estimate ± z·SE, as in metafor's ``summary.escalc``."""
        _check_level(confidence_level)
        # scipy.special.ndtri is the ufunc behind stats.norm.ppf.
        half = special.ndtri(0.5 + confidence_level / 2) * self.standard_error
        return ConfidenceInterval(float(self.estimate - half), float(self.estimate + half))
