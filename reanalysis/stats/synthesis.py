"""Random-effects pooling across trials, and within-arm ratios of means.

The pure layer takes plain numbers: :func:`random_effects` pools effect estimates with
known sampling variances; :func:`ratio_of_means_change` gives the log ratio of means of
one arm before and after treatment. The trial layer that reads trial files and feeds
them to these functions is :mod:`reanalysis.analysis.synthesis`.

Choices recorded here:

* Cochran's Q and the DerSimonian–Laird moment estimate are computed as statsmodels'
  ``combine_effects`` computes them (without importing statsmodels, which imports pandas),
  and the DL τ² is truncated at zero, which statsmodels does not do. Its Paule–Mandel
  iteration is unreliable at full precision (see :func:`_tau2_pm`), and it has no REML,
  no prediction interval and no truncated I², so those are computed here; every
  random-effects quantity is recomputed from the truncated τ².
* I² follows metafor (Higgins & Thompson 2002, eq. 9 with the "typical" within-study
  variance): I² = 100·τ²/(τ² + s²), in percent. With τ² ≥ 0 it lies in [0, 100); for DL it
  equals max(0, (Q − df)/Q)·100.
* With fewer than three studies τ² is barely estimable and the prediction interval is
  not informative; :func:`random_effects` then issues :class:`FewStudiesWarning`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from scipy import special

from reanalysis.errors import ReanalysisError
from reanalysis.stats.protocol import ConfidenceInterval, ResultMixin, plain
from reanalysis.stats.roots import brentq

if TYPE_CHECKING:  # pandas is imported only by summary_frame, which returns a DataFrame
    import pandas as pd

METHODS = ("dl", "pm", "reml", "fe")
PREDICTIONS = ("z", "t")

# REML convergence, on a scale-free criterion: stop when a scoring step changes τ² by
# less than this fraction of (τ² + the smallest sampling variance).
_TOLERANCE = 1e-12
_MAXITER = 1000


class FewStudiesWarning(UserWarning):
    """Fewer than three studies: τ² and the prediction interval are unreliable."""


def _normal_quantile(confidence_level: float) -> float:
    _check_level(confidence_level)
    # scipy.special.ndtri, stdtrit and chdtrc are the ufuncs behind stats.norm.isf,
    # stats.t.isf and stats.chi2.sf: isf(q) is −ppf(q) for these symmetric laws.
    return float(-special.ndtri((1 - confidence_level) / 2))


def _t_quantile(confidence_level: float, df: int) -> float:
    _check_level(confidence_level)
    return float(-special.stdtrit(df, (1 - confidence_level) / 2))


def _check_level(confidence_level: float) -> None:
    if not 0 < confidence_level < 1:
        raise ReanalysisError(
            f"confidence_level must lie strictly between 0 and 1, got {confidence_level}"
        )


@dataclass(frozen=True, repr=False)
class PooledEstimate(ResultMixin):
    """A random-effects summary of k study estimates.

    Fields are computed at full precision; intervals are methods (any confidence level)
    and properties (95%, the keys of :meth:`to_dict`). ``statistic`` and ``pvalue`` are
    the Wald z-test of estimate = 0 (metafor's ``zval`` and ``pval``).
    """

    k: int
    estimate: float
    standard_error: float
    se_hksj: float
    tau2: float
    i2: float
    q: float
    q_p: float
    method: str
    measure: str
    prediction: str
    estimates: tuple[float, ...]
    variances: tuple[float, ...]
    weights: tuple[float, ...]
    labels: tuple[str, ...]

    _repr_fields: ClassVar = ("k", "estimate", "standard_error", "pvalue", "tau2", "i2")

    @property
    def se(self) -> float:
        """Deprecated alias of ``standard_error`` (the report's ``se`` key is read from it)."""
        return self.standard_error

    @property
    def df(self) -> int:
        """Degrees of freedom of Q and of the HKSJ interval, k − 1."""
        return self.k - 1

    @property
    def statistic(self) -> float:
        """Wald z = estimate / SE."""
        return self.estimate / self.standard_error

    @property
    def pvalue(self) -> float:
        """Two-sided p of the Wald z-test, 2·Φ(−|z|)."""
        return float(2 * special.ndtr(-abs(self.statistic)))

    def confidence_interval(self, confidence_level: float = 0.95) -> ConfidenceInterval:
        """Wald interval: estimate ± z·SE (DerSimonian & Laird 1986)."""
        half = _normal_quantile(confidence_level) * self.standard_error
        return ConfidenceInterval(self.estimate - half, self.estimate + half)

    def hksj_interval(self, confidence_level: float = 0.95) -> ConfidenceInterval:
        """Hartung–Knapp–Sidik–Jonkman interval: estimate ± t(k−1)·SE_HKSJ.

        Hartung & Knapp 2001 (Stat Med 20:3875), Sidik & Jonkman 2002 (Stat Med 21:3153):
        SE_HKSJ² = Σ wᵢ(yᵢ − μ̂)² / ((k − 1)·Σ wᵢ) with random-effects weights wᵢ.
        """
        half = _t_quantile(confidence_level, self.df) * self.se_hksj
        return ConfidenceInterval(self.estimate - half, self.estimate + half)

    def prediction_interval(self, confidence_level: float = 0.95) -> ConfidenceInterval:
        """Interval for the true effect in a new study: estimate ± c·√(SE² + τ²).

        ``prediction="z"``: c is the normal quantile (metafor's ``predict.rma`` default).
        ``prediction="t"``: c is the t(k − 2) quantile of Higgins, Thompson &
        Spiegelhalter 2009 (J R Stat Soc A 172:137), section 3.4.
        """
        if self.prediction == "t":
            critical = _t_quantile(confidence_level, self.k - 2)
        else:
            critical = _normal_quantile(confidence_level)
        half = critical * math.sqrt(self.standard_error**2 + self.tau2)
        return ConfidenceInterval(self.estimate - half, self.estimate + half)

    @property
    def ci_low(self) -> float:
        return self.confidence_interval()[0]

    @property
    def ci_high(self) -> float:
        return self.confidence_interval()[1]

    @property
    def ci_low_hksj(self) -> float:
        return self.hksj_interval()[0]

    @property
    def ci_high_hksj(self) -> float:
        return self.hksj_interval()[1]

    @property
    def pi_low(self) -> float:
        return self.prediction_interval()[0]

    @property
    def pi_high(self) -> float:
        return self.prediction_interval()[1]

    def to_dict(self, confidence_level: float = 0.95) -> dict[str, Any]:
        """The JSON keys of ``reanalysis pool``: the pooled estimate with its Wald, HKSJ and
        prediction intervals at ``confidence_level``, heterogeneity, and ``studies`` (label,
        estimate, standard error, Wald CI and weight of each study), which
        :func:`reanalysis.report.figures.pooled_forest` draws from. ``se`` repeats
        ``standard_error`` under the name the report reads."""
        studies = [
            {
                "label": label,
                "estimate": estimate,
                "standard_error": se,
                "se": se,
                "ci_low": low,
                "ci_high": high,
                "weight_percent": weight,
            }
            for label, estimate, se, low, high, weight in zip(
                self.labels, *self._study_columns(confidence_level), strict=True
            )
        ]
        ci = self.confidence_interval(confidence_level)
        hksj = self.hksj_interval(confidence_level)
        pi = self.prediction_interval(confidence_level)
        return plain(
            {
                "k": self.k,
                "estimate": self.estimate,
                "standard_error": self.standard_error,
                "se": self.standard_error,
                "statistic": self.statistic,
                "pvalue": self.pvalue,
                "df": self.df,
                "confidence_level": confidence_level,
                "ci_low": ci.low,
                "ci_high": ci.high,
                "ci_low_hksj": hksj.low,
                "ci_high_hksj": hksj.high,
                "tau2": self.tau2,
                "i2": self.i2,
                "q": self.q,
                "q_p": self.q_p,
                "pi_low": pi.low,
                "pi_high": pi.high,
                "method": self.method,
                "measure": self.measure,
                "prediction": self.prediction,
                "studies": studies,
            }
        )

    def summary_frame(self, confidence_level: float = 0.95) -> pd.DataFrame:
        """One row per study (estimate, SE, Wald CI, weight in percent) and the pooled row.

        The pooled row carries the random-effects estimate, its Wald CI and weight 100;
        the HKSJ and prediction intervals are in :meth:`to_dict`.
        """
        import pandas as pd

        y, se, low, high, weight = self._study_columns(confidence_level)
        pooled_low, pooled_high = self.confidence_interval(confidence_level)
        frame = pd.DataFrame(
            {
                "estimate": [*y, self.estimate],
                "se": [*se, self.standard_error],
                "ci_low": [*low, pooled_low],
                "ci_high": [*high, pooled_high],
                "weight_percent": [*weight, 100.0],
            },
            index=pd.Index([*self.labels, f"RE model ({self.method.upper()})"], name="study"),
        )
        return frame

    def _study_columns(self, confidence_level: float) -> tuple[np.ndarray, ...]:
        """Each study's estimate, SE, Wald CI ends and weight in percent, as arrays."""
        z = _normal_quantile(confidence_level)
        se = np.sqrt(np.asarray(self.variances))
        y = np.asarray(self.estimates)
        return y, se, y - z * se, y + z * se, 100 * np.asarray(self.weights)


def _as_vector(values: Sequence[float] | np.ndarray, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim != 1:
        raise ReanalysisError(f"{name} must be one-dimensional, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ReanalysisError(f"{name} must be finite numbers")
    return array


def _q_and_dl(y: np.ndarray, v: np.ndarray) -> tuple[float, float]:
    """Cochran's Q and the DerSimonian–Laird τ², truncated at 0.

    With wᵢ = 1/vᵢ: Q = Σwᵢ(yᵢ − ȳ)² = Σwᵢyᵢ² − (Σwᵢyᵢ)²/Σwᵢ (Cochran 1954, Biometrics
    10:101) and τ² = max(0, (Q − (k − 1)) / (Σwᵢ − Σwᵢ²/Σwᵢ)) (DerSimonian & Laird 1986,
    Control Clin Trials 7:177), in the order of operations of statsmodels'
    ``combine_effects``, so the numbers are the same to the last bit.
    """
    w = 1 / v
    w_total = w.sum()
    q = (w * y**2).sum() - (w * y).sum() ** 2 / w_total  # Cochran's Q, expanded
    c = w_total - (w**2).sum() / w_total  # DerSimonian & Laird 1986, the moment denominator
    # A negative moment estimate of τ² is not a variance.
    return float(q), max(0.0, float((q - (y.size - 1)) / c))


def _restricted_loglik(y: np.ndarray, v: np.ndarray, tau2: float) -> float:
    """REML log-likelihood of τ², up to a constant (Viechtbauer 2005, eq. 11)."""
    w = 1 / (v + tau2)
    mu = (w @ y) / w.sum()
    return -0.5 * float(np.log(v + tau2).sum() + math.log(w.sum()) + w @ (y - mu) ** 2)


def _tau2_reml(y: np.ndarray, v: np.ndarray, start: float) -> float:
    """REML τ²: the better of the scoring solution (:func:`_tau2_reml_scoring`) and the
    boundary τ² = 0, since the restricted likelihood can have an interior local maximum
    below its value at zero."""
    interior = _tau2_reml_scoring(y, v, start)
    if _restricted_loglik(y, v, 0.0) > _restricted_loglik(y, v, interior):
        return 0.0
    return interior


def _tau2_reml_scoring(y: np.ndarray, v: np.ndarray, start: float) -> float:
    """REML estimate of τ² by Fisher scoring (Viechtbauer 2005, J Educ Behav Stat 30:261).

    For the intercept-only model with P = W − w wᵀ/Σw and W = diag(1/(vᵢ + τ²)), the
    REML score is proportional to yᵀPPy − tr P and the scoring step is
    (yᵀPPy − tr P) / tr(PP), as in metafor's ``rma.uni``; τ² is kept at or above zero.
    Undamped scoring can circle the maximum for ever (metafor reports "did not
    converge" for y = (0, 0, 0, 0, 1.5), v = (2, 2, 2, 2, 0.25)). Each step moves towards
    higher likelihood, so once the score changes sign between two iterates they bracket
    a maximum, and Brent's method finishes the job on the score to machine precision.
    """

    def score_and_information(tau2: float) -> tuple[float, float]:
        w = 1 / (v + tau2)
        sum_w = w.sum()
        mu = (w @ y) / sum_w
        sum_w2 = (w**2).sum()
        trace_p = sum_w - sum_w2 / sum_w
        trace_pp = sum_w2 - 2 * (w**3).sum() / sum_w + (sum_w2 / sum_w) ** 2
        return float(w**2 @ (y - mu) ** 2 - trace_p), float(trace_pp)

    tau2 = start
    score, information = score_and_information(tau2)
    for _ in range(_MAXITER):
        if tau2 == 0 and score <= 0:
            return 0.0
        updated = max(0.0, tau2 + score / information)
        if abs(updated - tau2) <= _TOLERANCE * (updated + v.min()):
            return updated
        new_score, information = score_and_information(updated)
        if new_score * score < 0:
            low, high = sorted((tau2, updated))
            return brentq(
                lambda t: score_and_information(t)[0], low, high, xtol=np.finfo(float).tiny
            )
        tau2, score = updated, new_score
    raise ReanalysisError(f"REML estimate of tau2 did not converge in {_MAXITER} iterations")


def _tau2_pm(y: np.ndarray, v: np.ndarray) -> float:
    """Paule–Mandel τ² (Paule & Mandel 1982; DerSimonian & Kacker 2007, Contemp Clin
    Trials 28:105, section 2.3): the root of Q(τ²) = Σ wᵢ(yᵢ − μ̂)² = k − 1 with
    wᵢ = 1/(vᵢ + τ²), or 0 when Q(0) ≤ k − 1.

    Q(τ²) is strictly decreasing, and Q(U) ≤ Σ(yᵢ − ȳ)²/U = k − 1 at U = Σ(yᵢ − ȳ)²/(k − 1),
    so the root is bracketed in [0, U] and found by Brent's method to machine precision.
    statsmodels' iteration is not used here: asked for full precision, it resets τ² to 0
    when round-off leaves the estimating equation a hair below zero (seen on DerSimonian
    & Kacker's CLASP data), and at its default tolerance it stops about 1e-6 short.
    """
    k = len(y)

    def excess(tau2: float) -> float:
        w = 1 / (v + tau2)
        mu = (w @ y) / w.sum()
        return float(w @ (y - mu) ** 2) - (k - 1)

    if excess(0.0) <= 0:
        return 0.0
    upper = float(((y - y.mean()) ** 2).sum()) / (k - 1)
    return brentq(excess, 0.0, upper, xtol=np.finfo(float).tiny)


def random_effects(
    estimates: Sequence[float] | np.ndarray,
    variances: Sequence[float] | np.ndarray,
    method: str = "reml",
    prediction: str = "z",
    measure: str = "",
    labels: Sequence[str] | None = None,
) -> PooledEstimate:
    """Random-effects meta-analysis of k ≥ 2 estimates with known sampling variances.

    Model: yᵢ ~ N(μ, vᵢ + τ²). τ² by ``method``:

    * ``"dl"``: DerSimonian & Laird 1986 (Control Clin Trials 7:177), eq. 8:
      τ² = max(0, (Q − (k − 1)) / (Σw − Σw²/Σw)), w = 1/v.
    * ``"pm"``: Paule & Mandel 1982, as in DerSimonian & Kacker 2007.
    * ``"reml"``: restricted maximum likelihood (Viechtbauer 2005), metafor's default.
    * ``"fe"``: the common-effect (fixed-effect) model, τ² = 0: inverse-variance weights
      1/vᵢ (metafor ``method="FE"``); I² is then Higgins & Thompson's (2002, eq. 10)
      max(0, (Q − (k − 1))/Q), as metafor reports it for this model.

    Then μ̂ = Σwᵢyᵢ/Σwᵢ with wᵢ = 1/(vᵢ + τ²) and SE = 1/√Σwᵢ. Q = Σ(yᵢ − ȳ_FE)²/vᵢ
    (Cochran 1954) with p from χ²(k − 1). I² = 100·τ²/(τ² + s²),
    s² = (k − 1)Σ(1/vᵢ) / ((Σ1/vᵢ)² − Σ1/vᵢ²) (Higgins & Thompson 2002, eq. 9; metafor).

    Assumptions: the vᵢ are known (not estimated), studies are independent, and the true
    effects are normal around μ. ``prediction="t"`` needs k ≥ 3.

    DerSimonian & Kacker 2007 (Contemp Clin Trials 28:105), Tables 3 and 4, the six CLASP
    trials' log odds ratios: DL gives μ = −0.3240, SE 0.1540, τ = 0.2323.

    >>> import numpy as np
    >>> a, n1 = np.array([5, 5, 12, 69, 9, 313]), np.array([156, 303, 565, 1570, 103, 4659])
    >>> c, n2 = np.array([8, 17, 9, 94, 11, 352]), np.array([74, 303, 477, 1565, 105, 4650])
    >>> log_or = np.log(a * (n2 - c) / ((n1 - a) * c))
    >>> variance = 1 / a + 1 / (n1 - a) + 1 / c + 1 / (n2 - c)
    >>> pooled = random_effects(log_or, variance, method="dl")
    >>> round(pooled.estimate, 4), round(pooled.standard_error, 4), round(pooled.tau2**0.5, 4)
    (-0.324, 0.154, 0.2323)
    >>> lo, hi = pooled.confidence_interval()
    """
    y = _as_vector(estimates, "estimates")
    v = _as_vector(variances, "variances")
    if y.shape != v.shape:
        raise ReanalysisError(
            f"estimates and variances must have the same length, got {y.size} and {v.size}"
        )
    k = y.size
    if k < 2:
        raise ReanalysisError(f"estimates must hold at least 2 studies to pool, got {k}")
    if np.any(v <= 0):
        raise ReanalysisError("variances must all be > 0")
    if method not in METHODS:
        raise ReanalysisError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    if prediction not in PREDICTIONS:
        raise ReanalysisError(
            f"prediction must be one of {', '.join(PREDICTIONS)}, got {prediction!r}"
        )
    if prediction == "t" and k < 3:
        raise ReanalysisError(f"prediction='t' needs at least 3 studies (t has k-2 df), got {k}")
    if labels is None:
        labels = [f"study {i + 1}" for i in range(k)]
    if len(labels) != k:
        raise ReanalysisError(f"labels must name each of the {k} studies, got {len(labels)}")

    q, dl = _q_and_dl(y, v)
    if method == "fe":
        tau2 = 0.0
    elif method == "dl":
        tau2 = dl
    elif method == "pm":
        tau2 = _tau2_pm(y, v)
    else:
        tau2 = _tau2_reml(y, v, start=dl)

    w = 1 / (v + tau2)
    sum_w = w.sum()
    estimate = float((w @ y) / sum_w)
    se_hksj = math.sqrt(float(w @ (y - estimate) ** 2) / ((k - 1) * sum_w))
    w_fixed = 1 / v
    typical_variance = (k - 1) * w_fixed.sum() / (w_fixed.sum() ** 2 - (w_fixed**2).sum())
    if k < 3:
        warnings.warn(
            f"only {k} studies: tau2 and the prediction interval are unreliable",
            FewStudiesWarning,
            stacklevel=2,
        )
    return PooledEstimate(
        k=k,
        estimate=estimate,
        standard_error=float(1 / math.sqrt(sum_w)),
        se_hksj=se_hksj,
        tau2=tau2,
        i2=(
            100 * max(0.0, (q - (k - 1)) / q)
            if method == "fe" and q > 0
            else float(100 * tau2 / (tau2 + typical_variance))
        ),
        q=q,
        q_p=float(special.chdtrc(k - 1, q)),
        method=method,
        measure=measure,
        prediction=prediction,
        estimates=tuple(float(e) for e in y),
        variances=tuple(float(e) for e in v),
        weights=tuple(float(e) for e in w / sum_w),
        labels=tuple(labels),
    )


@dataclass(frozen=True, repr=False)
class LogRatioOfMeans(ResultMixin):
    """ln(mean_after / mean_before) within one arm, with its sampling variance."""

    estimate: float
    variance: float
    n: int
    correlation: float

    _record_fields: ClassVar = (
        "estimate",
        "variance",
        "standard_error",
        "ratio",
        "n",
        "correlation",
    )

    @property
    def standard_error(self) -> float:
        return math.sqrt(self.variance)

    @property
    def ratio(self) -> float:
        """The ratio of means, exp(estimate)."""
        return math.exp(self.estimate)

    def confidence_interval(self, confidence_level: float = 0.95) -> ConfidenceInterval:
        """Wald interval of the log ratio, estimate ± z·SE (the estimate's own scale)."""
        half = _normal_quantile(confidence_level) * self.standard_error
        return ConfidenceInterval(self.estimate - half, self.estimate + half)

    def ratio_interval(self, confidence_level: float = 0.95) -> ConfidenceInterval:
        """The Wald interval on the ratio scale, exp(estimate ± z·SE)."""
        low, high = self.confidence_interval(confidence_level)
        return ConfidenceInterval(math.exp(low), math.exp(high))


def ratio_of_means_change(
    mean_before: float,
    sd_before: float,
    mean_after: float,
    sd_after: float,
    n: int,
    correlation: float,
) -> LogRatioOfMeans:
    """Log ratio of means for a pre–post (dependent) design; metafor's ``ROMC``.

    Lajeunesse 2011 (Ecology 92:2049), eq. 6:
    ln RR = ln(m₂/m₁),
    var = sd₁²/(n·m₁²) + sd₂²/(n·m₂²) − 2·r·sd₁·sd₂/(n·m₁·m₂),
    with 1 = before, 2 = after and r the before–after correlation of the outcome.

    Assumptions: both means positive (a ratio-scale outcome), the same n at both times
    (completers), and the delta method is adequate (Lajeunesse 2011 advises
    mean/SD·√n ≥ 3, i.e. means well away from zero).
    """
    for name, value in (("mean_before", mean_before), ("mean_after", mean_after)):
        if not (math.isfinite(value) and value > 0):
            raise ReanalysisError(f"{name} must be > 0 for a ratio of means, got {value}")
    for name, value in (("sd_before", sd_before), ("sd_after", sd_after)):
        if not (math.isfinite(value) and value >= 0):
            raise ReanalysisError(f"{name} must be >= 0, got {value}")
    if isinstance(n, bool) or int(n) != n or n < 1:
        raise ReanalysisError(f"n must be a whole number >= 1, got {n}")
    if not -1 <= correlation <= 1:
        raise ReanalysisError(f"correlation must lie in [-1, 1], got {correlation}")
    variance = (
        sd_before**2 / (n * mean_before**2)
        + sd_after**2 / (n * mean_after**2)
        - 2 * correlation * sd_before * sd_after / (n * mean_before * mean_after)
    )
    return LogRatioOfMeans(
        estimate=math.log(mean_after / mean_before),
        variance=variance,
        n=int(n),
        correlation=correlation,
    )
