"""Bayesian reading of a trial's treatment − control difference in mean change.

The trial layer over :mod:`reanalysis.stats.bayes`: the likelihood is the change-score
estimate and its SE from :func:`reanalysis.analysis.trial_effects.between_arm_effects`;
the named priors are built from the threshold T, the outcome's minimal important
difference (``analysis.toml``, or the documented default: half the pooled baseline SD);
the outcome's direction turns P(θ < −T) and P(θ > T) into probabilities of benefit and
of harm beyond T. Every treatment-vs-control comparison can be read, or the one chosen
by ``treatment`` and ``control``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from reanalysis.analysis.trial_effects import Comparison, between_arm_effects
from reanalysis.data.settings import DEFAULT_SETTINGS, Settings
from reanalysis.data.trials import Trial
from reanalysis.errors import ReanalysisError
from reanalysis.stats.bayes import (
    PRIOR_NAMES,
    NormalPosterior,
    NormalPrior,
    normal_posterior,
    parse_prior,
)
from reanalysis.stats.prepost import PrePost, pooled_baseline


def comparisons(
    trial: Trial,
    outcome: str,
    r: float | None = None,
    study: str | None = None,
    *,
    treatment: str | None = None,
    control: str | None = None,
    settings: Settings | None = None,
) -> list[Comparison]:
    """The treatment-vs-control comparisons of ``outcome``, optionally one chosen pair."""
    effects = between_arm_effects(trial, outcome, r=r, study=study, settings=settings)
    pairs = [
        c
        for c in effects.comparisons
        if c.kind == "treatment_vs_control"
        and treatment in (None, c.treatment.arm)
        and control in (None, c.control.arm)
    ]
    if not pairs:
        available = ", ".join(
            f"{c.treatment.arm} vs {c.control.arm}"
            for c in effects.comparisons
            if c.kind == "treatment_vs_control"
        )
        wanted = f" {treatment or 'any treatment'} vs {control or 'any control'}"
        raise ReanalysisError(
            f"{trial.path}: no treatment-vs-control comparison{wanted} of {outcome!r}"
            + (f"; available: {available}" if available else "")
            + (f" ({'; '.join(effects.notes)})" if effects.notes else "")
        )
    return pairs


def _one(pairs: list[Comparison], trial: Trial, outcome: str) -> Comparison:
    if len(pairs) != 1:
        names = ", ".join(f"{c.treatment.arm} vs {c.control.arm}" for c in pairs)
        raise ReanalysisError(
            f"{trial.path}: {outcome!r} has {len(pairs)} treatment-vs-control comparisons "
            f"({names}); choose one with treatment and control"
        )
    return pairs[0]


def threshold_for(
    pair: Comparison, outcome: str, settings: Settings | None = None
) -> tuple[float, str]:
    """T, the outcome's minimal important difference in its unit, and where it came from.

    Percent-of-baseline and SD-based MIDs use the two arms' n-weighted baseline mean and
    pooled baseline SD.
    """
    return minimal_important_difference(pair.treatment.data, pair.control.data, outcome, settings)


def minimal_important_difference(
    treatment: PrePost, control: PrePost, outcome: str, settings: Settings | None = None
) -> tuple[float, str]:
    """The outcome's MID for two arms (see :func:`threshold_for`), and where it came from."""
    chosen = (settings or DEFAULT_SETTINGS).outcome(outcome)
    threshold, source = chosen.mid_for(*pooled_baseline(treatment, control))
    if not (math.isfinite(threshold) and threshold > 0):
        raise ReanalysisError(
            f"the minimal important difference of {outcome!r} is {threshold:g}; it must be "
            "> 0 (set minimal_important_difference in analysis.toml)"
        )
    return threshold, source


def trial_posterior(
    trial: Trial,
    outcome: str,
    prior: str | NormalPrior = "neutral",
    r: float | None = None,
    threshold: float | None = None,
    study: str | None = None,
    *,
    treatment: str | None = None,
    control: str | None = None,
    settings: Settings | None = None,
) -> NormalPosterior:
    """Bayesian reading of one treatment − control difference in mean change.

    The likelihood is the change-score estimate and its SE at the last follow-up, for
    correlation ``r`` (default: the outcome's settings). ``prior`` is a name from
    :data:`PRIOR_NAMES`, ``MEAN,SD`` text or a :class:`NormalPrior`; ``threshold``
    defaults to the minimal important difference (:func:`threshold_for`).

    Study 1 of Morris (2008) at r = 0.47 (difference in change 11.3, SE 4.54695) with a
    N(0, 10²) prior: posterior mean 9.36402 and SD 4.13915 (R, tests/reference/
    api_examples.R):

    >>> import pandas as pd
    >>> from reanalysis.data.trials import load_trial
    >>> frame = pd.DataFrame({
    ...     "study": "morris1", "arm": ["training"] * 2 + ["control"] * 2,
    ...     "role": ["treatment"] * 2 + ["control"] * 2, "outcome": "score",
    ...     "unit": "points", "timepoint": ["pre", "post"] * 2, "week": [0, 8] * 2,
    ...     "n": 20, "mean": [30.6, 38.5, 23.1, 19.7], "sd": [15.0, 11.6, 13.8, 14.8],
    ...     "source": "Morris 2008, Table 5 data, study 1"})
    >>> trial_posterior(load_trial(frame, name="morris1"), "score", "0,10", r=0.47, threshold=5)
    NormalPosterior(posterior_mean=9.364, posterior_sd=4.139, prior_mean=0, prior_sd=10)
    """
    pairs = comparisons(
        trial, outcome, r, study, treatment=treatment, control=control, settings=settings
    )
    return _posterior(_one(pairs, trial, outcome), outcome, prior, threshold, settings)


def _posterior(
    pair: Comparison,
    outcome: str,
    prior: str | NormalPrior,
    threshold: float | None,
    settings: Settings | None,
) -> NormalPosterior:
    if threshold is None:
        threshold, _ = threshold_for(pair, outcome, settings)
    if isinstance(prior, str):
        sign = (settings or DEFAULT_SETTINGS).outcome(outcome).alternative_sign
        prior = parse_prior(prior, threshold, sign)
    return normal_posterior(
        pair.change.estimate, pair.change.standard_error, prior.mean, prior.sd, threshold
    )


def benefit_and_harm(posterior: dict[str, Any], direction: str | None) -> dict[str, Any]:
    """P(benefit beyond T) and P(harm beyond T) by the outcome's direction, with labels.

    Without a direction, "harm" is read as a decrease (θ < −T) and "benefit" as an
    increase, and the labels say "lower"/"higher" instead.
    """
    lower_better = direction == "lower_is_better"
    if direction is None:
        labels = ("higher by more than T", "lower by more than T")
    else:
        labels = ("benefit beyond T", "harm beyond T")
    benefit = posterior["p_below_threshold"] if lower_better else posterior["p_above_threshold"]
    harm = posterior["p_above_threshold"] if lower_better else posterior["p_below_threshold"]
    return {
        "p_benefit": benefit,
        "p_harm": harm,
        "benefit_label": labels[0],
        "harm_label": labels[1],
    }


def posterior_by_correlation(
    trial: Trial,
    outcome: str,
    correlations: Sequence[float],
    priors: Sequence[str] = PRIOR_NAMES,
    threshold: float | None = None,
    study: str | None = None,
    *,
    treatment: str | None = None,
    control: str | None = None,
    settings: Settings | None = None,
) -> list[dict[str, Any]]:
    """How the posterior and its probabilities move with r, for each named prior.

    One record per (r, prior): ``r``, ``prior`` and the keys of
    :meth:`NormalPosterior.to_dict`. The SE of the difference in change shrinks as r
    rises, so the likelihood sharpens and the prior matters less.
    """
    if len(correlations) == 0:
        raise ReanalysisError("correlations must hold at least one value")
    records = []
    for r in correlations:
        # One comparison per r, whatever the prior: the likelihood does not depend on it.
        pairs = comparisons(
            trial, outcome, r, study, treatment=treatment, control=control, settings=settings
        )
        pair = _one(pairs, trial, outcome)
        for name in priors:
            posterior = _posterior(pair, outcome, name, threshold, settings)
            records.append({"r": float(r), "prior": name, **posterior.to_dict()})
    return records
