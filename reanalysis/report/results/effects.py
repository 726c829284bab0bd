"""Effects of every comparison, and each reported P set against the summary statistics.

r comes from the folder's settings (``analysis.toml``: the configured r, else the midpoint
of the judged plausible range, else the documented default), each record saying which;
where a paper printed the between-arm P, the r that reproduces it is derived, and the
headline comparison uses that r everywhere (:func:`headline_comparisons`).
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from reanalysis.analysis import trial_effects
from reanalysis.analysis.arms import comparison_rows, prepost_at
from reanalysis.analysis.plausible import correlation_for, plausible_for
from reanalysis.data.folder import Dataset
from reanalysis.data.studies import ReportedResult
from reanalysis.data.trials import Trial
from reanalysis.report import tables
from reanalysis.report.results.common import (
    NUMERIC_FAILURES,
    Z_975,
    all_finite,
    failure_reason,
    interval,
    printed_mean_decimals,
    provenance,
    unique_in_order,
)
from reanalysis.stats import correlation
from reanalysis.stats.effects import small_sample_correction
from reanalysis.stats.prepost import pooled_baseline
from reanalysis.stats.split import split_sensitivity_records

# Curves of the r-sensitivity figures step r by 0.01.
FINE_CORRELATION_STEP = 0.01


def correlation_curve_grid(plausible: correlation.PlausibleCorrelation | None) -> tuple[float, ...]:
    """r in steps of 0.01 up to 0.99, from 0.5 or the plausible range's low end if lower."""
    low = 0.5 if plausible is None else min(0.5, math.floor(plausible.low * 10) / 10)
    steps = round((0.99 - low) / FINE_CORRELATION_STEP)
    return tuple(round(low + FINE_CORRELATION_STEP * i, 2) for i in range(steps + 1))


def in_sensitivity_table(r: float) -> bool:
    """Rows the report prints: the default grid, and tenths below it."""
    return r in correlation.DEFAULT_CORRELATION_GRID or (r < 0.5 and round(r * 10, 9) % 1 == 0)


# Morris 2008's variance of d_ppc2 (eq. 25) assumes equal pre- and post-test SDs; when an
# arm's follow-up SD is more than twice (or less than half) its baseline SD, it is not used.
SD_RATIO_LIMIT = 2.0


def _standardized_interval(
    trial: Trial, study: str, outcome: str, week: float, record: dict[str, Any]
) -> None:
    """d_ppc2's 95% CI, agreeing with the change-score test on whether it excludes zero.

    Morris 2008 eq. 25 where its assumption holds (pre and post SDs within a factor of 2 in
    each arm) and it agrees with the raw test about zero; otherwise the change-score
    t interval rescaled to d_ppc2's units (× c(df)/SD_pre,pooled, Morris 2008 eq. 8 with
    the SD treated as fixed), so that no standardized interval contradicts the raw one.
    """
    (t, _), (c, _) = (
        prepost_at(trial, outcome, arm, week, study)
        for arm in (record["treatment"], record["control"])
    )
    half = Z_975 * math.sqrt(record["dppc2_var"])
    morris = (record["dppc2"] - half, record["dppc2"] + half)
    raw = (record["md_change_ci_low"], record["md_change_ci_high"])
    ratios = [a.followup_sd / a.baseline_sd for a in (t, c)]
    unequal = [x for x in ratios if not 1 / SD_RATIO_LIMIT <= x <= SD_RATIO_LIMIT]
    excludes = [lo > 0 or hi < 0 for lo, hi in (morris, raw)]
    if not unequal and excludes[0] == excludes[1]:
        record |= {"dppc2_ci_low": morris[0], "dppc2_ci_high": morris[1]}
        record["dppc2_ci_method"] = "Morris 2008 eq. 25"
        return
    df = t.n + c.n - 2
    scale = small_sample_correction(df) / pooled_baseline(t, c)[1]
    low, high = sorted((raw[0] * scale, raw[1] * scale))
    record |= {"dppc2_ci_low": low, "dppc2_ci_high": high}
    why = (
        f"follow-up/baseline SD ratio {max(unequal, key=lambda x: abs(math.log(x))):.2f}"
        if unequal
        else "Morris 2008 eq. 25 disagreed with the change-score test about zero"
    )
    record["dppc2_ci_method"] = (
        f"change-score t interval rescaled by c(df)/pooled baseline SD ({why})"
    )


def effect_records(
    dataset: Dataset, implied: dict[tuple, float] | None = None
) -> list[dict[str, Any]]:
    """Within- and between-arm effects of every outcome at every follow-up week.

    r is the one the settings give each outcome (with its source), except for a
    comparison whose paper printed its P: there, the r that reproduces it (``implied``,
    keyed by trial, study, outcome, week, treatment, control), as everywhere else in the
    report. The sensitivity to r is in :func:`reported_reanalyses` and
    :func:`sensitivity_records`.
    """
    implied = implied or {}
    records = []
    for name, trial in dataset.trials.items():
        for study in trial.studies:
            outcomes = unique_in_order(m.outcome for m in trial.rows if m.study == study)
            for outcome in outcomes:
                for week in trial.followup_weeks(outcome, study):
                    try:
                        result = trial_effects.between_arm_effects(
                            trial, outcome, week, study=study, settings=dataset.settings
                        )
                        computed = [
                            _at_implied(trial, study, outcome, week, record, implied, dataset)
                            for record in result.records()
                        ]
                        for record in computed:
                            if record.get("dppc2") is not None:
                                _standardized_interval(trial, study, outcome, week, record)
                        if not all_finite(computed):
                            raise ValueError("a result is not a finite number")
                    except NUMERIC_FAILURES as error:
                        rows = [m for m in trial.rows if m.study == study and m.outcome == outcome]
                        records.append(
                            {
                                "trial": name,
                                "study": study,
                                "outcome": outcome,
                                "week": week,
                                "comparison": "not_computed",
                                "treatment": None,
                                "control": None,
                                "error": failure_reason(error),
                            }
                            | provenance(rows, trial, dataset.path)
                        )
                        continue
                    for record in computed:
                        arms = [a for a in (record["treatment"], record["control"]) if a]
                        rows = comparison_rows(trial, study, outcome, arms, week)
                        records.append(
                            record
                            | provenance(rows, trial, dataset.path)
                            | {"trial": name, "decimals": printed_mean_decimals(rows)}
                        )
    return records


def _at_implied(trial, study, outcome, week, record, implied, dataset) -> dict[str, Any]:
    """The record again at the r its reported P implies, if the paper printed one."""
    key = (trial.name, study, outcome, week, record["treatment"], record["control"])
    if key not in implied or record["comparison"] == "within_arm_only":
        return record
    again = trial_effects.between_arm_effects(
        trial, outcome, week, r=implied[key], study=study, settings=dataset.settings
    )
    found = next(
        r
        for r in again.records()
        if (r["treatment"], r["control"]) == (record["treatment"], record["control"])
    )
    return found | {"r_source": "implied by the reported P"}


def implied_correlations(reanalyses: list[dict[str, Any]]) -> dict[tuple, float]:
    """The r each reported between-arm P implies, by comparison (for one r per result)."""
    return {
        (x["trial"], x["study"], x["outcome"], x["week"], *x["arms"]): x["implied"]["change"][
            "implied_r"
        ]
        for x in reanalyses
        if x["implied"]["change"]["implied_r"] is not None
    }


def _trial_reporting(dataset: Dataset, reported: ReportedResult) -> Trial | None:
    for trial in dataset.trials.values():
        if reported.study in trial.studies and reported.outcome in trial.outcomes:
            return trial
    return None


def _grid(first, second, plausible) -> dict[str, list[Any]]:
    """Every r-dependent result at each r of the curve grid, stored column-wise."""
    rows = correlation.correlation_grid_records(first, second, correlation_curve_grid(plausible))
    for row in rows:
        half_width = Z_975 * float(np.sqrt(row["dppc2_var"]))
        row["dppc2_ci_low"] = row["dppc2"] - half_width
        row["dppc2_ci_high"] = row["dppc2"] + half_width
        row["in_table"] = in_sensitivity_table(row["r"])
    return tables.columns(rows)


def _plausible_record(plausible: correlation.PlausibleCorrelation | None) -> dict | None:
    if plausible is None:
        return None
    return {"low": plausible.low, "high": plausible.high, "justification": plausible.justification}


def reported_reanalyses(dataset: Dataset) -> list[dict[str, Any]]:
    """Each reported between-arm P = x set against the summary statistics.

    For every printed two-arm p-value (``relation = "="``) whose arms have data: the r
    that reproduces it under the change-score t-test and under ANCOVA, with a verdict
    against the judged plausible range; every r-dependent result over a grid of r; and,
    where the per-arm n is an assumption, p and implied r across other splits of the
    same total n.
    """
    out = []
    for study in dataset.studies.values():
        for reported in study.reported:
            if reported.statistic != "p" or reported.relation != "=" or len(reported.arms) != 2:
                continue
            trial = _trial_reporting(dataset, reported)
            if trial is None:
                continue
            try:
                record = _reanalysis(dataset, trial, reported)
            except NUMERIC_FAILURES as error:
                record = {"id": reported.id, "error": failure_reason(error)}
            if not all_finite(record):
                record = {"id": reported.id, "error": "a result is not a finite number"}
            out.append(record)
    return out


def _reanalysis(dataset: Dataset, trial: Trial, reported: ReportedResult) -> dict[str, Any]:
    """One reported between-arm P set against the summary statistics (see above)."""
    chosen = trial.study_for(reported.outcome, reported.study)
    week = reported.week or trial.followup_weeks(reported.outcome, chosen)[-1]
    (first, first_row), (second, second_row) = (
        prepost_at(trial, reported.outcome, arm, week, chosen) for arm in reported.arms
    )
    plausible = plausible_for(dataset.settings, reported.outcome)
    implied = {}
    for analysis in correlation.ANALYSES:
        found = correlation.implied_correlation(
            first, second, reported_p=reported.value, analysis=analysis, plausible=plausible
        )
        implied[analysis] = trial_effects.implied_p_record(found)
    record: dict[str, Any] = {
        "id": reported.id,
        "study": reported.study,
        "trial": trial.name,
        "outcome": reported.outcome,
        "unit": first_row.unit,
        "week": week,
        "arms": list(reported.arms),
        "comparison": reported.comparison,
        "reported_p": reported.value,
        "reported_test": reported.test,
        "reported_source": reported.source,
        "n": [first.n, second.n],
        "n_assumed": first_row.n_assumed or second_row.n_assumed,
        "mean_change": [first.mean_change, second.mean_change],
        "baseline_mean": [first.baseline_mean, second.baseline_mean],
        "plausible_r": _plausible_record(plausible),
        "implied": implied,
        "grid": _grid(first, second, plausible),
    }
    change_r = implied["change"]["implied_r"]
    if change_r is not None:
        at = trial_effects.between_arm_effects(
            trial, reported.outcome, week, r=change_r, study=chosen
        )
        pair = next(
            c for c in at.comparisons if (c.treatment.arm, c.control.arm) == tuple(reported.arms)
        )
        ancova = pair.ancova
        record["at_implied_r"] = {
            "r": change_r,
            "md_change": pair.change.estimate,
            "md_change_ci": interval(pair.change.confidence_interval()),
            "p_change": pair.change.pvalue,
            "ancova": ancova.estimate,
            "ancova_ci": interval(ancova.confidence_interval()),
            "p_ancova": ancova.pvalue,
            "final_difference_ignoring_baseline": pair.final.estimate,
            "p_final_ignoring_baseline": pair.final.pvalue,
            "baseline_difference": pair.baseline.estimate,
            "p_baseline": pair.baseline.pvalue,
            "dppc2": pair.dppc2.estimate,
            "dppc2_ci": interval(pair.dppc2.confidence_interval()),
        }
    if record["n_assumed"]:
        total = first.n + second.n
        r_split = correlation_for(dataset.settings, reported.outcome)[0]
        split = split_sensitivity_records(total, first, second, r_split, reported_p=reported.value)
        record["split_sensitivity"] = {"total_n": total, "r": r_split, "rows": split}
    rows = comparison_rows(trial, chosen, reported.outcome, reported.arms, week)
    record["decimals"] = printed_mean_decimals(rows)
    return record | provenance(rows, trial, dataset.path)


def comparison_id(trial: str, outcome: str, treatment: str, control: str) -> str:
    """A file-name-safe id for a comparison without a reported result."""
    raw = f"{trial}_{outcome}_{treatment}_vs_{control}"
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", raw)


def headline_comparisons(
    dataset: Dataset, effects: list[dict[str, Any]], reanalyses: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Every treatment-vs-control comparison at its last follow-up, with the one r it uses.

    Where the paper printed the between-arm P, r is the one that reproduces it (``implied``);
    otherwise the settings' r with its source. Power, Bayes and r-sensitivity use these.
    """
    out = []
    covered = set()
    for x in reanalyses:
        trial = dataset.trials[x["trial"]]
        implied = x["implied"]["change"]["implied_r"]
        if [trial.role(a) for a in x["arms"]] != ["treatment", "control"] or implied is None:
            continue
        covered.add((x["trial"], x["study"], x["outcome"], *x["arms"]))
        out.append(
            {
                "id": x["id"],
                "trial": x["trial"],
                "study": x["study"],
                "outcome": x["outcome"],
                "unit": x["unit"],
                "week": x["week"],
                "arms": list(x["arms"]),
                "r": implied,
                "r_source": "implied by the reported P",
                "implied_r": implied,
                "n_assumed": x["n_assumed"],
                "decimals": x["decimals"],
                "file": x["file"],
                "rows": x["rows"],
                "sources": x["sources"],
            }
        )
    last_week: dict[tuple[str, str, str], float] = {}
    for e in effects:
        key = (e["trial"], e["study"], e["outcome"])
        last_week[key] = max(last_week.get(key, e["week"]), e["week"])
    for e in effects:
        # Power, Bayes and the r sensitivity need both arms' baseline and follow-up means
        # and SDs; change-only and follow-up-only comparisons stay in the effects table.
        if e["comparison"] != "treatment_vs_control" or e.get("dppc2") is None:
            continue
        key = (e["trial"], e["study"], e["outcome"], e["treatment"], e["control"])
        if key in covered or e["week"] != last_week[key[:3]]:
            continue
        covered.add(key)
        out.append(
            {
                "id": comparison_id(e["trial"], e["outcome"], e["treatment"], e["control"]),
                "trial": e["trial"],
                "study": e["study"],
                "outcome": e["outcome"],
                "unit": e["unit"],
                "week": e["week"],
                "arms": [e["treatment"], e["control"]],
                "r": e["r"],
                "r_source": e["r_source"],
                "implied_r": None,
                "n_assumed": bool(e.get("treatment_n_assumed") or e.get("control_n_assumed")),
                "decimals": e["decimals"],
                "file": e["file"],
                "rows": e["rows"],
                "sources": e["sources"],
            }
        )
    return out


def sensitivity_records(
    dataset: Dataset, headlines: list[dict[str, Any]], reanalyses: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """For each headline comparison without a reported P: every r-dependent result over r."""
    reported = {x["id"] for x in reanalyses}
    out = []
    for h in headlines:
        if h["id"] in reported:
            continue
        trial = dataset.trials[h["trial"]]
        try:
            (first, _), (second, _) = (
                prepost_at(trial, h["outcome"], arm, h["week"], h["study"]) for arm in h["arms"]
            )
            plausible = plausible_for(dataset.settings, h["outcome"])
            grid = _grid(first, second, plausible)
            if not all_finite(grid):
                raise ValueError("a result is not a finite number")
        except NUMERIC_FAILURES as error:
            out.append({"id": h["id"], "outcome": h["outcome"], "error": failure_reason(error)})
            continue
        out.append(
            {
                "id": h["id"],
                "trial": h["trial"],
                "study": h["study"],
                "outcome": h["outcome"],
                "unit": h["unit"],
                "arms": h["arms"],
                "r": h["r"],
                "r_source": h["r_source"],
                "plausible_r": _plausible_record(plausible),
                "grid": grid,
                "file": h["file"],
                "rows": h["rows"],
                "sources": h["sources"],
            }
        )
    return out
