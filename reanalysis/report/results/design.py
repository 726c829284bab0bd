"""Design power and the Bayesian reading of every headline comparison.

Power is design power at the outcome's minimal important difference (in its unit), or at
the percentages of baseline that ``analysis.toml`` configures — never the trial's
"observed power", which only restates its p-value (Hoenig & Heisey 2001). The Bayesian
reading turns the same difference into probabilities of benefit and of harm beyond it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from reanalysis.analysis import bayes, power
from reanalysis.analysis.arms import prepost_at
from reanalysis.analysis.plausible import plausible_for
from reanalysis.data.folder import Dataset
from reanalysis.report import tables
from reanalysis.report.results.common import NUMERIC_FAILURES, all_finite, failure_reason
from reanalysis.stats import correlation
from reanalysis.stats.bayes import PRIOR_NAMES
from reanalysis.stats.power import pooled_analysis_sd, power_grid, two_sample_power

# The n per arm of every power curve, stored once in results.json (``power_n_per_arm``).
CURVE_N_PER_ARM = tuple(range(5, 401))


def _arms(dataset: Dataset, h: dict[str, Any]):
    trial = dataset.trials[h["trial"]]
    return tuple(
        prepost_at(trial, h["outcome"], arm, h["week"], h["study"])[0] for arm in h["arms"]
    )


def _differences(dataset: Dataset, h: dict[str, Any], treatment, control):
    """(absolute differences, percent differences, labels) for the design power."""
    o = dataset.settings.outcome(h["outcome"])
    if o.power_differences_percent:
        pct = tuple(o.power_differences_percent)
        return (), pct, [f"{p:g}% of baseline" for p in pct], "configured"
    mid, source = bayes.minimal_important_difference(
        treatment, control, h["outcome"], dataset.settings
    )
    return (mid,), (), [f"MID {mid:.4g} {h['unit']}"], source


def power_analyses(dataset: Dataset, headlines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Design power, MDE and next-trial n for each headline comparison.

    Powers across r (the default grid); sample sizes target the observed difference in
    change at the comparison's r and at the outcome's ``reference_r`` if configured;
    curves give power at each n per arm of :data:`CURVE_N_PER_ARM` for the figure, and
    ``power_at_trial_n`` is the exact power at the trial's own n for the first design
    difference at the r used. ``design_points`` is stored column-wise
    (:mod:`reanalysis.report.tables`).
    """
    return guarded(headlines, lambda h: _power(dataset, h))


def guarded(items: list[dict[str, Any]], compute) -> list[dict[str, Any]]:
    """``compute`` on each headline; a failure becomes ``{"id", "error"}`` and the rest go on."""
    out = []
    for h in items:
        try:
            record = compute(h)
            if not all_finite(record):
                raise ValueError("a result is not a finite number")
        except NUMERIC_FAILURES as error:
            record = {"id": h["id"], "outcome": h["outcome"], "error": failure_reason(error)}
        out.append(record)
    return out


def _power(dataset: Dataset, h: dict[str, Any]) -> dict[str, Any]:
    treatment, control = _arms(dataset, h)
    o = dataset.settings.outcome(h["outcome"])
    sample_size_r = tuple(dict.fromkeys(r for r in (h["r"], o.reference_r) if r is not None))
    absolute, pct, labels, source = _differences(dataset, h, treatment, control)
    analysis = power.trial_power_analysis(
        treatment,
        control,
        correlations=correlation.DEFAULT_CORRELATION_GRID,
        differences_pct=pct,
        differences=absolute,
        sample_size_correlations=sample_size_r,
    )
    n_grid = np.array(CURVE_N_PER_ARM)
    curves = []
    differences = [p / 100 * abs(analysis.baseline_mean) for p in pct] + list(absolute)
    for r in sample_size_r:
        pooled_sd = pooled_analysis_sd("change", treatment, control, r)
        for difference, label, percent in zip(
            differences, labels, [*pct, *([None] * len(absolute))], strict=True
        ):
            curve = {
                "r": r,
                "difference": difference,
                "difference_label": label,
                "analysis": "change",
                "power": power_grid(difference / pooled_sd, n_grid, n_grid).tolist(),
            }
            if percent is not None:
                curve["difference_pct"] = percent
            curves.append(curve)
    sd_at_r = pooled_analysis_sd("change", treatment, control, h["r"])
    at_trial = two_sample_power(differences[0] / sd_at_r, treatment.n, control.n).power
    return {
        "id": h["id"],
        "trial": h["trial"],
        "study": h["study"],
        "outcome": h["outcome"],
        "unit": h["unit"],
        "arms": h["arms"],
        "n_treatment": analysis.n_treatment,
        "n_control": analysis.n_control,
        "n_assumed": h["n_assumed"],
        "alpha": analysis.alpha,
        "baseline_mean": analysis.baseline_mean,
        "observed_difference": analysis.observed_difference,
        "observed_difference_pct": analysis.observed_difference_pct,
        "decimals": h["decimals"],
        "r": h["r"],
        "r_source": h["r_source"],
        "implied_r": h["implied_r"],
        "reference_r": o.reference_r,
        "design_differences": differences,
        "design_difference_labels": labels,
        "design_difference_source": source,
        "power_at_trial_n": at_trial,
        "design_points": tables.columns(analysis.records()),
        "curves": curves,
        "file": h["file"],
        "rows": h["rows"],
        "sources": h["sources"],
    }


def bayes_records(dataset: Dataset, headlines: list[dict[str, Any]]) -> list[dict]:
    """Posterior of each headline difference under the three named priors.

    At the comparison's r (the implied r where a P was reported) and across r; with the
    probabilities of benefit and of harm beyond the minimal important difference T, and
    the range of P(harm) under the neutral prior across the judged plausible r. ``by_r``
    is stored column-wise (:mod:`reanalysis.report.tables`).
    """
    return guarded(headlines, lambda h: _bayes(dataset, h))


def _bayes(dataset: Dataset, h: dict[str, Any]) -> dict[str, Any]:
    trial = dataset.trials[h["trial"]]
    outcome, (treatment, control) = h["outcome"], h["arms"]
    o = dataset.settings.outcome(outcome)
    pair_options = {"treatment": treatment, "control": control, "settings": dataset.settings}
    pairs = bayes.comparisons(trial, outcome, h["r"], h["study"], **pair_options)
    threshold, source = bayes.threshold_for(pairs[0], outcome, dataset.settings)
    at_r = []
    for record in bayes.posterior_by_correlation(
        trial, outcome, [h["r"]], PRIOR_NAMES, threshold, h["study"], **pair_options
    ):
        del record["r"]
        at_r.append(record | bayes.benefit_and_harm(record, o.direction))
    by_r = bayes.posterior_by_correlation(
        trial,
        outcome,
        correlation.DEFAULT_CORRELATION_GRID,
        threshold=threshold,
        study=h["study"],
        **pair_options,
    )
    for record in by_r:
        record |= bayes.benefit_and_harm(record, o.direction)
    plausible = plausible_for(dataset.settings, outcome)
    neutral = [
        b["p_harm"]
        for b in by_r
        if b["prior"] == "neutral"
        and (plausible is None or plausible.low <= b["r"] <= plausible.high)
    ]
    labels = bayes.benefit_and_harm(at_r[0], o.direction)
    return {
        "id": h["id"],
        "trial": h["trial"],
        "study": h["study"],
        "outcome": outcome,
        "unit": h["unit"],
        "arms": h["arms"],
        "threshold": threshold,
        "threshold_source": source,
        "direction": o.direction,
        "alternative": o.bayes_alternative,
        "implied_r": h["r"],
        "r_source": h["r_source"],
        "harm_label": labels["harm_label"],
        "benefit_label": labels["benefit_label"],
        "p_harm_range": [min(neutral), max(neutral)] if neutral else None,
        "at_implied_r": at_r,
        "by_r": tables.columns(by_r),
        "file": h["file"],
        "rows": h["rows"],
        "sources": h["sources"],
    }
