"""Every number the report shows, computed from a data folder into one JSON-ready mapping.

This is the one place where the analysis modules meet all of the data; figures and the
report read only what :func:`build_results` returns (and ``results.json`` stores), never
the data files or the API directly. Each record carries its provenance: the data file
(relative to the folder's parent), the line numbers of the rows it was computed from,
and the sources those rows cite. The large per-comparison tables (``design_points``,
``grid``, the Bayesian ``by_r``) are stored column-wise (:mod:`reanalysis.report.tables`),
and the n per arm of the power curves once, as ``power_n_per_arm``.

Sections without their input are empty, not errors: no ``studies.toml`` means no
reported results to set against the data; no ``claims.toml``, no audit.
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from pathlib import Path
from typing import Any

from reanalysis.analysis import claims
from reanalysis.analysis.arms import converted_trial
from reanalysis.analysis.claims.coverage import article_coverage
from reanalysis.report.results.audit import article_table, consistency_records, threshold_records
from reanalysis.report.results.common import (
    manifest,
    measurement_record,
    normalize,
    relative_name,
    settings_record,
    study_records,
)
from reanalysis.report.results.design import CURVE_N_PER_ARM, bayes_records, power_analyses
from reanalysis.report.results.effects import (
    effect_records,
    headline_comparisons,
    implied_correlations,
    reported_reanalyses,
    sensitivity_records,
)
from reanalysis.report.results.findings import summary_of_findings, verdict_table
from reanalysis.report.results.statistics import reported_statistics
from reanalysis.report.results.synthesis import synthesis_records

__all__ = ["build_results", "normalize"]


def build_results(
    data_dir: Path, command: str = "reanalysis report", config: Path | None = None
) -> dict[str, Any]:
    """Compute every number of the report from ``data_dir`` (and ``config``, if given).

    Floating-point warnings are silenced here because every record is checked for
    non-finite numbers and reported as not computed instead (see ``not_computed``).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return _build(Path(data_dir), command, config)


def _build(data_dir: Path, command: str, config: Path | None) -> dict[str, Any]:
    # One read of the folder: trial CSVs and the optional TOML files serve every section.
    loaded = claims.load_audit_data(data_dir, config)
    # Printed CIs and medians become means and SDs once, here, for every section.
    audit_data = replace(
        loaded, trials={name: converted_trial(t) for name, t in loaded.trials.items()}
    )
    dataset = audit_data
    failed: list[dict[str, Any]] = []
    reanalyses = _computed(reported_reanalyses(dataset), "reported P", failed)
    effects = _computed(
        effect_records(dataset, implied_correlations(reanalyses)), "effects", failed
    )
    headlines = headline_comparisons(dataset, effects, reanalyses)
    verdicts = claims.evaluate_all(audit_data)
    consistency = consistency_records(audit_data)
    results: dict[str, Any] = {
        **settings_record(dataset),
        "effects": effects,
        "reported_reanalyses": reanalyses,
        "headlines": headlines,
        "sensitivity": _computed(
            sensitivity_records(dataset, headlines, reanalyses), "r sensitivity", failed
        ),
        "power": _computed(power_analyses(dataset, headlines), "power", failed),
        # The n per arm of every power curve, the same for all: stored once.
        "power_n_per_arm": CURVE_N_PER_ARM,
        "bayes": _computed(bayes_records(dataset, headlines), "Bayesian reading", failed),
        "synthesis": synthesis_records(dataset, implied_correlations(reanalyses)),
        "thresholds": threshold_records(dataset),
        "consistency": consistency,
        "reported_statistics": reported_statistics(
            dataset, consistency, audit_data.parameters.significance_level
        ),
        "has_audit": dataset.has_claims,
        "coverage": article_coverage(audit_data),
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
            for name, trial in dataset.trials.items()
        },
        "studies": study_records(dataset.studies, data_dir),
        "manifest": manifest(dataset, command),
        "not_computed": failed,
    }
    results["verdict_table"] = verdict_table(results["audit"])
    results["summary_of_findings"] = summary_of_findings(
        audit_data, effects, results["bayes"], results["synthesis"]
    )
    return normalize(results)


def _computed(
    records: list[dict[str, Any]], section: str, failed: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Records that were computed; those that failed go to ``failed`` with their reason."""
    failed += [r | {"section": section} for r in records if "error" in r]
    return [r for r in records if "error" not in r]
