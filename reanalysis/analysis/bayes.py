"""Bayesian reading of a trial's treatment − control difference in mean change.

The trial layer over :mod:`reanalysis.stats.bayes`: the likelihood is the change-score
estimate and its SE from :func:`reanalysis.analysis.trial_effects.between_arm_effects`,
the named priors are built from a clinically relevant threshold T, and
:func:`posterior_by_correlation` shows how the posterior moves with r.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reanalysis.analysis.trial_effects import Comparison, TrialEffects, between_arm_effects
from reanalysis.data.trials import Trial
from reanalysis.errors import ReanalysisError
from reanalysis.stats.bayes import (
    PRIOR_NAMES,
    NormalPosterior,
    NormalPrior,
    normal_posterior,
    parse_prior,
)

# Units for which the default threshold (1% of the baseline mean) is defined: BMD.
THRESHOLD_UNITS = ("g/cm2", "g/cm²")
DEFAULT_THRESHOLD_FRACTION = 0.01


def _comparison(
    trial: Trial, outcome: str, r: float | None, study: str | None
) -> tuple[TrialEffects, Comparison]:
    effects = between_arm_effects(trial, outcome, r=r, study=study)
    pairs = [c for c in effects.comparisons if c.kind == "treatment_vs_control"]
    if len(pairs) != 1:
        raise ReanalysisError(
            f"{trial.path}: a Bayesian reading needs exactly one treatment-vs-control "
            f"comparison of {outcome!r}, found {len(pairs)}"
            + (f" ({'; '.join(effects.notes)})" if effects.notes else "")
        )
    return effects, pairs[0]


def default_threshold(trial: Trial, outcome: str, study: str | None = None) -> float:
    """T = 1% of the baseline mean, for BMD: a 1% difference in change from baseline.

    The baseline mean is the n-weighted mean of the two compared arms' baseline means
    (the trial's pooled baseline). Defined only for BMD (unit g/cm²); other outcomes need
    an explicit threshold.
    """
    effects, pair = _comparison(trial, outcome, None, study)
    if effects.unit not in THRESHOLD_UNITS:
        raise ReanalysisError(
            f"no default threshold for {outcome!r} (unit {effects.unit}); give --threshold"
        )
    t, c = pair.treatment.data, pair.control.data
    baseline = (t.n * t.baseline_mean + c.n * c.baseline_mean) / (t.n + c.n)
    return DEFAULT_THRESHOLD_FRACTION * baseline


def trial_posterior(
    trial: Trial,
    outcome: str,
    prior: str | NormalPrior = "neutral",
    r: float | None = None,
    threshold: float | None = None,
    study: str | None = None,
) -> NormalPosterior:
    """Bayesian reading of a trial's treatment − control difference in mean change.

    The likelihood is the change-score estimate and its SE at the last follow-up
    (:func:`reanalysis.stats.effects.difference_in_change` via ``between_arm_effects``), for
    correlation ``r`` (default: the midpoint of the outcome's plausible range).
    ``prior`` is a name from :data:`PRIOR_NAMES`, ``MEAN,SD`` text or a
    :class:`NormalPrior`; ``threshold`` defaults to :func:`default_threshold`.
    """
    _, pair = _comparison(trial, outcome, r, study)
    if threshold is None:
        threshold = default_threshold(trial, outcome, study)
    if isinstance(prior, str):
        prior = parse_prior(prior, threshold)
    return normal_posterior(
        pair.change.estimate, pair.change.standard_error, prior.mean, prior.sd, threshold
    )


def posterior_by_correlation(
    trial: Trial,
    outcome: str,
    correlations: Sequence[float],
    priors: Sequence[str] = PRIOR_NAMES,
    threshold: float | None = None,
    study: str | None = None,
) -> list[dict[str, Any]]:
    """How the posterior and its probabilities move with r, for each named prior.

    One record per (r, prior): ``r``, ``prior`` and the keys of
    :meth:`NormalPosterior.to_dict`. The SE of the difference in change shrinks as r
    rises, so the likelihood sharpens and the prior matters less.
    """
    if len(correlations) == 0:
        raise ReanalysisError("correlations must hold at least one value")
    if threshold is None:
        threshold = default_threshold(trial, outcome, study)
    records = []
    for r in correlations:
        for name in priors:
            posterior = trial_posterior(trial, outcome, name, r, threshold, study)
            records.append({"r": float(r), "prior": name, **posterior.to_dict()})
    return records
