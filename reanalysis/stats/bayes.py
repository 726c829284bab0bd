"""Bayesian reading of a between-arm effect: normal likelihood, conjugate normal prior.

The trial's estimate θ̂ with standard error s is read as a normal likelihood
θ̂ | θ ~ N(θ, s²); a normal prior θ ~ N(m, σ²) gives the normal posterior of
Spiegelhalter, Abrams & Myles 2004 (Bayesian Approaches to Clinical Trials and
Health-Care Evaluation, Wiley), eq. 3.15:

    precision  = 1/σ² + 1/s²
    mean       = (m/σ² + θ̂/s²) / precision
    sd         = 1/√precision

Sign convention: θ is treatment minus control. The posterior gives P(θ < −T), P(θ < 0),
P(θ > 0) and P(θ > T) for a clinically relevant threshold T > 0; which of them is
benefit and which harm depends on the outcome's direction, decided by the caller.

Named priors, all on the scale of the outcome and defined from T (z_p is the standard
normal p-quantile). ``sign`` (+1 or −1) is the direction of the effect under study, the
alternative hypothesis (e.g. −1 when the question is a loss):

* ``skeptical``: mean 0, SD T/z₀.₉₅, so P(θ beyond sign·T) = 5% — the skeptical prior of
  Spiegelhalter, Freedman & Parmar 1994 (J R Stat Soc A 157:357), section 7.2, with
  the clinically relevant difference T in place of the alternative hypothesis.
* ``enthusiastic``: mean sign·T, the same SD, so 5% of it lies on the other side of 0 —
  the enthusiastic prior of the same paper (section 7.3), centred on the alternative.
* ``neutral``: mean 0, SD 5T/z₀.₉₇₅, so 95% of the prior lies within ±5T: differences
  beyond five times the minimal important difference are judged improbable; the prior
  is weak next to a trial's likelihood.

A flat prior (``prior_sd=math.inf``) returns the likelihood as the posterior.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from scipy import special

from reanalysis.errors import ReanalysisError
from reanalysis.stats.protocol import ConfidenceInterval, ResultMixin, plain

PRIOR_NAMES = ("skeptical", "neutral", "enthusiastic")
# Neutral prior: 95% of its mass within this many thresholds of zero.
NEUTRAL_PRIOR_RANGE = 5.0


@dataclass(frozen=True)
class NormalPrior:
    """A normal prior on the effect, with the name it was built from."""

    mean: float
    sd: float
    name: str


def named_prior(name: str, threshold: float, sign: int = -1) -> NormalPrior:
    """The skeptical, neutral or enthusiastic prior for threshold T (see module docstring).

    ``sign`` is the direction of the alternative the enthusiastic prior is centred on.
    """
    _check_threshold(threshold)
    if sign not in (1, -1):
        raise ReanalysisError(f"sign must be 1 or -1, got {sign!r}")
    # scipy.special.ndtr and ndtri are the ufuncs behind stats.norm's cdf and ppf; sf(x)
    # is ndtr(−x), and loc and scale standardize as stats.norm does: (x − loc) / scale.
    z95 = float(special.ndtri(0.95))
    if name == "skeptical":
        return NormalPrior(mean=0.0, sd=threshold / z95, name=name)
    if name == "enthusiastic":
        return NormalPrior(mean=sign * threshold, sd=threshold / z95, name=name)
    if name == "neutral":
        z975 = float(special.ndtri(0.975))
        return NormalPrior(mean=0.0, sd=NEUTRAL_PRIOR_RANGE * threshold / z975, name=name)
    raise ReanalysisError(f"prior must be one of {', '.join(PRIOR_NAMES)} or MEAN,SD, got {name!r}")


def parse_prior(text: str, threshold: float, sign: int = -1) -> NormalPrior:
    """A prior from the CLI: a name from :data:`PRIOR_NAMES` or ``MEAN,SD``."""
    if text in PRIOR_NAMES:
        return named_prior(text, threshold, sign)
    parts = text.split(",")
    if len(parts) != 2:
        raise ReanalysisError(
            f"prior must be one of {', '.join(PRIOR_NAMES)} or MEAN,SD, got {text!r}"
        )
    try:
        mean, sd = (float(part) for part in parts)
    except ValueError:
        raise ReanalysisError(f"prior MEAN,SD must be two numbers, got {text!r}") from None
    _check_prior(mean, sd)
    return NormalPrior(mean=mean, sd=sd, name="custom")


def _check_threshold(threshold: float) -> None:
    if not (math.isfinite(threshold) and threshold > 0):
        raise ReanalysisError(f"threshold must be a finite number > 0, got {threshold}")


def _check_prior(mean: float, sd: float) -> None:
    if not math.isfinite(mean):
        raise ReanalysisError(f"prior mean must be finite, got {mean}")
    if math.isnan(sd) or sd <= 0:
        raise ReanalysisError(f"prior SD must be > 0 (math.inf for a flat prior), got {sd}")


@dataclass(frozen=True, repr=False)
class NormalPosterior(ResultMixin):
    """Prior, likelihood and posterior of a conjugate normal update.

    ``estimate`` and ``standard_error`` are the likelihood's (the trial's estimate);
    :meth:`confidence_interval` is the posterior's equal-tailed credible interval.
    """

    posterior_mean: float
    posterior_sd: float
    prior_mean: float
    prior_sd: float
    estimate: float
    standard_error: float
    threshold: float

    _repr_fields: ClassVar = ("posterior_mean", "posterior_sd", "prior_mean", "prior_sd")

    def credible_interval(self, credible_level: float = 0.95) -> ConfidenceInterval:
        """Equal-tailed posterior interval: mean ± z·sd."""
        if not 0 < credible_level < 1:
            raise ReanalysisError(
                f"credible_level must lie strictly between 0 and 1, got {credible_level}"
            )
        half = float(-special.ndtri((1 - credible_level) / 2)) * self.posterior_sd
        return ConfidenceInterval(self.posterior_mean - half, self.posterior_mean + half)

    def confidence_interval(self, confidence_level: float = 0.95) -> ConfidenceInterval:
        """The protocol's name for :meth:`credible_interval` (a posterior interval)."""
        return self.credible_interval(confidence_level)

    def probability_below(self, value: float) -> float:
        """Posterior P(θ < value)."""
        return float(special.ndtr((value - self.posterior_mean) / self.posterior_sd))

    @property
    def cri_low(self) -> float:
        return self.credible_interval()[0]

    @property
    def cri_high(self) -> float:
        return self.credible_interval()[1]

    @property
    def p_below_zero(self) -> float:
        """Posterior probability of any loss, P(θ < 0)."""
        return self.probability_below(0.0)

    @property
    def p_below_threshold(self) -> float:
        """Posterior probability of a difference below −T, P(θ < −T)."""
        return self.probability_below(-self.threshold)

    @property
    def p_above_zero(self) -> float:
        """Posterior P(θ > 0)."""
        return float(special.ndtr(-((0.0 - self.posterior_mean) / self.posterior_sd)))

    @property
    def p_above_threshold(self) -> float:
        """Posterior probability of a difference above T, P(θ > T)."""
        z = (self.threshold - self.posterior_mean) / self.posterior_sd
        return float(special.ndtr(-z))

    def to_dict(self, confidence_level: float = 0.95) -> dict[str, float | None]:
        """The JSON keys of ``reanalysis bayes``, plus the likelihood's ``estimate`` and
        ``standard_error`` (for :func:`reanalysis.report.figures.posterior_densities`); a flat
        prior's SD is None. ``cri_low`` and ``cri_high`` bound the credible interval at
        ``confidence_level``."""
        low, high = self.credible_interval(confidence_level)
        return plain(
            {
                "posterior_mean": self.posterior_mean,
                "posterior_sd": self.posterior_sd,
                "cri_low": low,
                "cri_high": high,
                "p_below_zero": self.p_below_zero,
                "p_below_threshold": self.p_below_threshold,
                "p_above_zero": self.p_above_zero,
                "p_above_threshold": self.p_above_threshold,
                "prior_mean": self.prior_mean,
                "prior_sd": None if math.isinf(self.prior_sd) else self.prior_sd,
                "threshold": self.threshold,
                "estimate": self.estimate,
                "standard_error": self.standard_error,
            }
        )


def normal_posterior(
    estimate: float,
    standard_error: float,
    prior_mean: float,
    prior_sd: float,
    threshold: float,
) -> NormalPosterior:
    """Conjugate normal–normal update (Spiegelhalter, Abrams & Myles 2004, eq. 3.15).

    Assumptions: the estimate is approximately normal with a known standard error (large
    samples; the SE is treated as exact), and the prior is normal. ``prior_sd=math.inf``
    is a flat prior: the posterior is then the likelihood N(estimate, SE²).

    Worked by hand: prior N(0, 2²) and an estimate of 3 with SE 1 give posterior precision
    1/4 + 1 = 5/4, mean 3/(5/4) = 2.4 and SD √(4/5) = 0.8944.

    >>> normal_posterior(3.0, 1.0, prior_mean=0.0, prior_sd=2.0, threshold=1.0)
    NormalPosterior(posterior_mean=2.4, posterior_sd=0.8944, prior_mean=0, prior_sd=2)
    """
    if not math.isfinite(estimate):
        raise ReanalysisError(f"estimate must be finite, got {estimate}")
    if not (math.isfinite(standard_error) and standard_error > 0):
        raise ReanalysisError(f"standard_error must be a finite number > 0, got {standard_error}")
    _check_prior(prior_mean, prior_sd)
    _check_threshold(threshold)
    try:
        data_precision = 1 / standard_error**2
        prior_precision = 0.0 if math.isinf(prior_sd) else 1 / prior_sd**2
    except (OverflowError, ZeroDivisionError):  # SD² beyond the range of a double
        raise ReanalysisError(
            f"standard_error ({standard_error:g}) and prior_sd ({prior_sd:g}) must lie between "
            "about 1e-150 and 1e150, where their squares are finite doubles"
        ) from None
    precision = prior_precision + data_precision
    return NormalPosterior(
        posterior_mean=(prior_precision * prior_mean + data_precision * estimate) / precision,
        posterior_sd=1 / math.sqrt(precision),
        prior_mean=prior_mean,
        prior_sd=prior_sd,
        estimate=estimate,
        standard_error=standard_error,
        threshold=threshold,
    )
