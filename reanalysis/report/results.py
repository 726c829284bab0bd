"""Every number the report shows, computed from ``data/`` into one JSON-ready mapping.

This is the one place where the analysis modules (trial effects, power, claims,
consistency, synthesis, bayes) meet all of the data; figures and the report read only
what :func:`build_results` returns (and ``results.json`` stores), never the data files
or the API directly.

Each record carries its provenance: the data file (relative to the project), the line
numbers of the rows it was computed from, and the sources those rows cite.

Floats are stored with 12 significant digits (:func:`normalize`), so the file is
byte-identical across runs and machines that agree to that precision.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import math
import platform
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

from reanalysis.analysis import bayes, claims, consistency, power, synthesis, trial_effects
from reanalysis.analysis.arms import comparison_rows, prepost_at
from reanalysis.analysis.plausible import MEASUREMENT_OF_OUTCOME, PLAUSIBLE_CORRELATIONS
from reanalysis.data.studies import ReportedResult, Study
from reanalysis.data.trials import Measurement, Trial
from reanalysis.errors import ReanalysisError
from reanalysis.stats import checks, correlation
from reanalysis.stats.bayes import PRIOR_NAMES
from reanalysis.stats.effects import ConfidenceInterval
from reanalysis.stats.power import pooled_analysis_sd, power_grid
from reanalysis.stats.synthesis import FewStudiesWarning

SIGNIFICANT_DIGITS = 12
MANIFEST_PACKAGES = (
    "numpy",
    "pandas",
    "scipy",
    "statsmodels",
    "matplotlib",
    "seaborn",
)
STUDIES_FILE = "studies.toml"
# r for an outcome with no judged plausible range (a trial added to data/ with a new
# outcome): 0.5, the Cochrane Handbook's break-even point (6.5.2.8) below which change
# scores are less precise than final values. Marked as assumed in every record.
UNKNOWN_OUTCOME_R = 0.5
Z_975 = float(stats.norm.ppf(0.975))
# Clinically relevant differences in BMD change for design power: 1% and 2% of baseline.
POWER_DIFFERENCES_PCT = (1.0, 2.0)
# A conventional high correlation for DXA BMD a year apart, beside the implied one.
REFERENCE_R = 0.9
CURVE_N_MIN, CURVE_N_MAX = 5, 400
# Pre–post correlations for the hormone-response synthesis: low, middle and high ends of
# the judged plausible range for sex steroids on treatment (PLAUSIBLE_CORRELATIONS).
HORMONE_R_GRID = (0.2, 0.5, 0.8)
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


def normalize(value: Any) -> Any:
    """Round floats to 12 significant digits, recursively; refuse NaN and infinity."""
    if isinstance(value, bool) or value is None or isinstance(value, str | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"non-finite number in results: {value}")
        return float(f"{value:.{SIGNIFICANT_DIGITS}g}")
    if isinstance(value, dict):
        return {str(k): normalize(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normalize(v) for v in value]
    if hasattr(value, "item"):  # numpy scalar
        return normalize(value.item())
    raise TypeError(f"cannot store {type(value).__name__} in results")


def relative_name(path: Path, data_dir: Path) -> str:
    """``data/<file>``: stable across clones, unlike an absolute path."""
    return f"{data_dir.name}/{path.name}"


def provenance(rows: Iterable[Measurement], trial: Trial, data_dir: Path) -> dict[str, Any]:
    """Data file, line numbers and distinct sources of the rows a number came from."""
    rows = list(rows)
    return {
        "file": relative_name(trial.path, data_dir),
        "rows": sorted({m.row for m in rows}),
        "sources": sorted({m.source for m in rows}),
    }


def printed_mean_decimals(rows: Iterable[Measurement]) -> int:
    """Decimals of the most precise printed mean: differences of means are shown to it."""
    return max(checks.printed_decimals(m.printed_mean) for m in rows)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def input_files(data_dir: Path) -> list[Path]:
    """Every file the report is computed from: trial CSVs and the TOML metadata."""
    return sorted(p for p in data_dir.iterdir() if p.is_file() and not p.name.startswith("."))


def manifest(data_dir: Path, command: str) -> dict[str, Any]:
    """Package versions, SHA-256 of every input file, and the command that made the report."""
    return {
        "command": command,
        "python": platform.python_version(),
        "packages": {
            name: importlib.metadata.version(name) for name in ("reanalysis", *MANIFEST_PACKAGES)
        },
        "inputs": [
            {"file": relative_name(p, data_dir), "sha256": sha256(p)} for p in input_files(data_dir)
        ],
    }


def measurement_record(m: Measurement, trial: Trial, data_dir: Path) -> dict[str, Any]:
    return {
        "study": m.study,
        "arm": m.arm,
        "role": m.role,
        "outcome": m.outcome,
        "unit": m.unit,
        "timepoint": m.timepoint,
        "week": m.week,
        "n": m.n,
        "n_assumed": m.n_assumed,
        "mean": m.mean,
        "sd": m.sd,
        "sd_from_se": m.sd_from_se,
        "printed": m.printed,
        "note": m.note,
        "file": relative_name(trial.path, data_dir),
        "row": m.row,
        "source": m.source,
    }


def study_records(studies: dict[str, Study], data_dir: Path) -> dict[str, Any]:
    records = {}
    for study_id, study in studies.items():
        fields = {k: v for k, v in study.fields.items() if k not in ("reported", "assumptions")}
        records[study_id] = {
            "citation": study.citation(),
            "fields": fields,
            "assumptions": list(study.get("assumptions", [])),
            "reported": [
                {
                    "id": r.id,
                    "outcome": r.outcome,
                    "arms": list(r.arms),
                    "comparison": r.comparison,
                    "statistic": r.statistic,
                    "relation": r.relation,
                    "value": r.value,
                    "test": r.test,
                    "source": r.source,
                    "file": f"{data_dir.name}/{STUDIES_FILE}",
                }
                for r in study.reported
            ],
        }
    return records


def effect_records(trials: dict[str, Trial], data_dir: Path) -> list[dict[str, Any]]:
    """Within- and between-arm effects of every outcome at every follow-up week.

    r is the midpoint of the outcome's judged plausible range (``r_source = assumed``);
    the sensitivity to r is in :func:`reported_reanalyses`.
    """
    records = []
    for name, trial in trials.items():
        for study in trial.studies:
            outcomes = _unique_in_order(m.outcome for m in trial.rows if m.study == study)
            for outcome in outcomes:
                for week in trial.followup_weeks(outcome, study):
                    known = outcome in MEASUREMENT_OF_OUTCOME
                    r = None if known else UNKNOWN_OUTCOME_R
                    result = trial_effects.between_arm_effects(
                        trial, outcome, week, r=r, study=study
                    )
                    for record in result.records():
                        if not known:
                            record["r_source"] = "assumed: no plausible range recorded"
                        if record.get("dppc2") is not None:
                            half = Z_975 * math.sqrt(record["dppc2_var"])
                            record["dppc2_ci_low"] = record["dppc2"] - half
                            record["dppc2_ci_high"] = record["dppc2"] + half
                        arms = [a for a in (record["treatment"], record["control"]) if a]
                        rows = comparison_rows(trial, study, outcome, arms, week)
                        records.append(
                            record
                            | provenance(rows, trial, data_dir)
                            | {"trial": name, "decimals": printed_mean_decimals(rows)}
                        )
    return records


def _interval(ci: ConfidenceInterval) -> list[float]:
    return [ci.low, ci.high]


def _unique_in_order(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _trial_reporting(trials: dict[str, Trial], reported: ReportedResult) -> Trial | None:
    for trial in trials.values():
        if reported.study in trial.studies and reported.outcome in trial.outcomes:
            return trial
    return None


def reported_reanalyses(
    trials: dict[str, Trial], studies: dict, data_dir: Path
) -> list[dict[str, Any]]:
    """Each reported between-arm P = x set against the summary statistics.

    For every printed two-arm p-value (``relation = "="``) whose arms have data: the r
    that reproduces it under the change-score t-test and under ANCOVA, with a verdict
    against the judged plausible range; every r-dependent result over a grid of r; and,
    where the per-arm n is an assumption, p and implied r across other splits of the
    same total n.
    """
    out = []
    for study in studies.values():
        for reported in study.reported:
            if reported.statistic != "p" or reported.relation != "=" or len(reported.arms) != 2:
                continue
            trial = _trial_reporting(trials, reported)
            if trial is None:
                continue
            chosen = trial.study_for(reported.outcome, reported.study)
            week = reported.week or trial.followup_weeks(reported.outcome, chosen)[-1]
            (first, first_row), (second, second_row) = (
                prepost_at(trial, reported.outcome, arm, week, chosen) for arm in reported.arms
            )
            measurement = MEASUREMENT_OF_OUTCOME.get(reported.outcome)
            plausible = PLAUSIBLE_CORRELATIONS[measurement] if measurement else None
            implied = {}
            for analysis in correlation.ANALYSES:
                found = correlation.implied_correlation(
                    first, second, reported_p=reported.value, analysis=analysis, plausible=plausible
                )
                implied[analysis] = trial_effects.implied_p_record(found)
            grid = correlation.correlation_grid(first, second, correlation_curve_grid(plausible))
            grid["dppc2_ci_low"] = grid["dppc2"] - Z_975 * np.sqrt(grid["dppc2_var"])
            grid["dppc2_ci_high"] = grid["dppc2"] + Z_975 * np.sqrt(grid["dppc2_var"])
            grid["in_table"] = [in_sensitivity_table(r) for r in grid["r"]]
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
                "plausible_r": None
                if plausible is None
                else {
                    "low": plausible.low,
                    "high": plausible.high,
                    "justification": plausible.justification,
                },
                "implied": implied,
                "grid": grid.to_dict(orient="records"),
            }
            change_r = implied["change"]["implied_r"]
            if change_r is not None:
                at = trial_effects.between_arm_effects(
                    trial, reported.outcome, week, r=change_r, study=chosen
                )
                pair = next(
                    c
                    for c in at.comparisons
                    if (c.treatment.arm, c.control.arm) == tuple(reported.arms)
                )
                ancova = pair.ancova
                record["at_implied_r"] = {
                    "r": change_r,
                    "md_change": pair.change.estimate,
                    "md_change_ci": _interval(pair.change.confidence_interval()),
                    "p_change": pair.change.pvalue,
                    "ancova": ancova.estimate,
                    "ancova_ci": _interval(ancova.confidence_interval()),
                    "p_ancova": ancova.pvalue,
                    "final_difference_ignoring_baseline": pair.final.estimate,
                    "p_final_ignoring_baseline": pair.final.pvalue,
                    "baseline_difference": pair.baseline.estimate,
                    "p_baseline": pair.baseline.pvalue,
                    "dppc2": pair.dppc2.estimate,
                    "dppc2_ci": _interval(pair.dppc2.confidence_interval()),
                }
            if record["n_assumed"]:
                total = first.n + second.n
                mid = (plausible.low + plausible.high) / 2 if plausible else 0.5
                split = correlation.split_sensitivity(
                    total, first, second, mid, reported_p=reported.value
                )
                record["split_sensitivity"] = {
                    "total_n": total,
                    "r": mid,
                    "rows": split.to_dict(orient="records"),
                }
            rows = comparison_rows(trial, chosen, reported.outcome, reported.arms, week)
            record["decimals"] = printed_mean_decimals(rows)
            out.append(record | provenance(rows, trial, data_dir))
    return out


def power_analyses(
    trials: dict[str, Trial], reanalyses: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Design power, MDE and next-trial n for each treatment-vs-control reanalysis.

    Powers are for differences of 1% and 2% of the pooled baseline mean across r (design
    power, not the trial's "observed power", which is refused: Hoenig & Heisey 2001);
    sample sizes target the observed difference in change under the implied r and under
    r = 0.9; curves give power against n per arm for the figure.
    """
    out = []
    for x in reanalyses:
        trial = trials[x["trial"]]
        roles = [trial.role(arm) for arm in x["arms"]]
        implied = x["implied"]["change"]["implied_r"]
        if roles != ["treatment", "control"] or implied is None:
            continue
        treatment, control = power.trial_arms(trial, x["outcome"], study=x["study"])
        sample_size_r = (implied, REFERENCE_R)
        analysis = power.trial_power_analysis(
            treatment,
            control,
            correlations=correlation.DEFAULT_CORRELATION_GRID,
            differences_pct=POWER_DIFFERENCES_PCT,
            sample_size_correlations=sample_size_r,
        )
        n_grid = np.arange(CURVE_N_MIN, CURVE_N_MAX + 1)
        curves = []
        for r in sample_size_r:
            pooled_sd = pooled_analysis_sd("change", treatment, control, r)
            for pct in POWER_DIFFERENCES_PCT:
                d = pct / 100 * analysis.baseline_mean / pooled_sd
                curves.append(
                    {
                        "r": r,
                        "difference_pct": pct,
                        "analysis": "change",
                        "n_per_arm": n_grid.tolist(),
                        "power": power_grid(d, n_grid, n_grid).tolist(),
                    }
                )
        frame = analysis.summary_frame()
        frame["n_per_group_ceil"] = frame["n_per_group_ceil"].astype(object)
        frame.loc[frame["n_per_group_ceil"].isna(), "n_per_group_ceil"] = None
        out.append(
            {
                "id": x["id"],
                "trial": x["trial"],
                "study": x["study"],
                "outcome": x["outcome"],
                "unit": x["unit"],
                "n_treatment": analysis.n_treatment,
                "n_control": analysis.n_control,
                "n_assumed": x["n_assumed"],
                "alpha": analysis.alpha,
                "baseline_mean": analysis.baseline_mean,
                "observed_difference": analysis.observed_difference,
                "observed_difference_pct": analysis.observed_difference_pct,
                "decimals": x["decimals"],
                "implied_r": implied,
                "reference_r": REFERENCE_R,
                "design_points": frame.to_dict(orient="records"),
                "curves": curves,
                "file": x["file"],
                "rows": x["rows"],
                "sources": x["sources"],
            }
        )
    return out


def article_table(
    audit_data: claims.AuditData, verdicts: tuple[claims.ClaimVerdict, ...]
) -> list[dict[str, Any]]:
    """The article's table cell by cell, beside the source row it was checked against."""
    by_id = {v.id: v for v in verdicts}
    rows = []
    for claim in audit_data.claims:
        if claim.get("check") not in ("table_value", "not_published"):
            continue
        verdict = by_id[claim["id"]]
        rows.append(
            {
                "id": claim["id"],
                "outcome": claim["outcome"],
                "arm": claim["arm"],
                "article_label": claim.get("label", ""),
                "article_value": claim.get("printed", "Not specified"),
                "verdict": str(verdict.verdict),
                "evidence": verdict.evidence,
                "sources": list(verdict.sources),
            }
        )
    return rows


def _arm_regimens(studies: dict) -> dict[str, str]:
    regimens: dict[str, str] = {}
    for study in studies.values():
        regimens |= study.get("arm_regimen", {})
    return regimens


def synthesis_records(trials: dict[str, Trial], studies: dict) -> dict[str, Any]:
    """Random-effects pooling across trial files.

    Between arms: d_ppc2 (unit-free, so files printing different units pool) of each
    treatment arm against its control at the last follow-up, for every outcome; an
    outcome with fewer than two such comparisons is recorded as not poolable, with the
    reason. Within arms: each anastrozole arm's ratio of means from baseline to its first
    follow-up (Lajeunesse 2011), pooled and per regimen, across r.
    """
    files = list(trials.values())
    prefer = [sid for sid, study in studies.items() if study.get("preferred_report")]
    outcomes = _unique_in_order(o for t in files for o in t.outcomes)
    between = []
    for outcome in outcomes:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FewStudiesWarning)
                pooled = synthesis.pool_trials(files, outcome, "dppc2", prefer_studies=prefer)
        except ReanalysisError as error:
            between.append({"outcome": outcome, "poolable": False, "reason": str(error)})
            continue
        between.append({"outcome": outcome, "poolable": True} | pooled.to_dict())
    regimens = _arm_regimens(studies)
    hormone = []
    for outcome in outcomes:
        found = synthesis.study_effects(
            files, outcome, "romc", r=HORMONE_R_GRID[0], followup="first", prefer_studies=prefer
        )
        if len(found) < 2 or not all(e.arm in regimens for e in found):
            continue
        records = synthesis.correlation_sensitivity(
            files,
            outcome,
            "romc",
            HORMONE_R_GRID,
            {e.arm: regimens[e.arm] for e in found},
            followup="first",
            prefer_studies=prefer,
        )
        for record in records:
            record["ratio"] = math.exp(record["estimate"])
            record["ratio_ci"] = [math.exp(record["ci_low"]), math.exp(record["ci_high"])]
        arms = [
            {
                "label": e.label,
                "trial": e.trial,
                "study": e.study,
                "arm": e.arm,
                "regimen": regimens[e.arm],
                "week": e.week,
                "rows": list(e.rows),
                "n_assumed": e.n_assumed,
            }
            for e in found
        ]
        hormone.append({"outcome": outcome, "arms": arms, "by_r": records})
    return {"between_arms": between, "hormone_response": hormone, "preferred_reports": prefer}


def bayes_records(trials: dict[str, Trial], reanalyses: list[dict[str, Any]]) -> list[dict]:
    """Posterior of each treatment-vs-control difference under the three named priors.

    At the implied r (the r that reproduces the reported P) and across r.
    """
    out = []
    for x in reanalyses:
        trial = trials[x["trial"]]
        implied = x["implied"]["change"]["implied_r"]
        if [trial.role(a) for a in x["arms"]] != ["treatment", "control"] or implied is None:
            continue
        try:
            threshold = bayes.default_threshold(trial, x["outcome"], x["study"])
        except ReanalysisError:
            continue
        at_implied = [
            {"prior": name}
            | bayes.trial_posterior(
                trial, x["outcome"], name, implied, threshold, x["study"]
            ).to_dict()
            for name in PRIOR_NAMES
        ]
        out.append(
            {
                "id": x["id"],
                "trial": x["trial"],
                "study": x["study"],
                "outcome": x["outcome"],
                "unit": x["unit"],
                "threshold": threshold,
                "implied_r": implied,
                "at_implied_r": at_implied,
                "by_r": bayes.posterior_by_correlation(
                    trial,
                    x["outcome"],
                    correlation.DEFAULT_CORRELATION_GRID,
                    threshold=threshold,
                    study=x["study"],
                ),
                "file": x["file"],
                "rows": x["rows"],
                "sources": x["sources"],
            }
        )
    return out


def consistency_records(audit_data: claims.AuditData) -> list[dict[str, Any]]:
    """Every consistency check applied to the data, with its verdict and sources."""
    return [
        {
            "check": check.name.split(":", 1)[0],
            "name": check.name,
            "verdict": check.verdict,
            "evidence": check.evidence,
            "assumptions": list(check.assumptions),
            "numbers": dict(check.numbers),
            "sources": list(check.sources),
        }
        for check in consistency.checks_of(audit_data)
    ]


def build_results(data_dir: Path, command: str = "reanalysis report") -> dict[str, Any]:
    """Compute every number of the report from ``data_dir``."""
    data_dir = Path(data_dir)
    # One read of data/: trial CSVs, studies.toml and claims.toml serve every section.
    audit_data = claims.load_audit_data(data_dir)
    trials, studies = audit_data.trials, audit_data.studies
    reanalyses = reported_reanalyses(trials, studies, data_dir)
    verdicts = claims.evaluate_all(audit_data)
    results: dict[str, Any] = {
        "effects": effect_records(trials, data_dir),
        "reported_reanalyses": reanalyses,
        "power": power_analyses(trials, reanalyses),
        "bayes": bayes_records(trials, reanalyses),
        "synthesis": synthesis_records(trials, studies),
        "consistency": consistency_records(audit_data),
        "audit": [verdict.record() for verdict in verdicts],
        "article_table": article_table(audit_data, verdicts),
        "trials": {
            name: {
                "file": relative_name(trial.path, data_dir),
                "studies": list(trial.studies),
                "arms": {arm: trial.role(arm) for arm in trial.arms},
                "outcomes": list(trial.outcomes),
                "rows": [measurement_record(m, trial, data_dir) for m in trial.rows],
            }
            for name, trial in trials.items()
        },
        "studies": study_records(studies, data_dir),
        "manifest": manifest(data_dir, command),
    }
    return normalize(results)
