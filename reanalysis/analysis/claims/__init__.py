"""Audit an article's claims against the trials: one computed verdict per claim.

``claims.toml`` holds the claims (paraphrased, each with the check that tests it and its
typed parameters, :mod:`reanalysis.data.claim_params`) and the article's reference list
as printed; the trial CSVs and ``studies.toml`` hold what the sources say. :func:`audit`
evaluates every claim by the rule its ``check`` names (:data:`RULES`) and returns
:class:`ClaimVerdict` objects with a :class:`Verdict` and a :class:`Certainty`. Nothing
in the claims file states a verdict: change a data row, a study field or a printed
number and the verdict follows.

Rules (modules): ``table_value``, ``not_published``, ``arm_changes``,
``between_arm_significance``, ``direction`` on trial rows (:mod:`.rules_data`);
``design``, ``finding``, ``threshold``, ``population``, ``dosing``, ``study_field``,
``mechanism``, ``no_data`` on study fields (:mod:`.rules_studies`); each reference's
locator and authors (:mod:`.references`). A claim with a ``population`` table is also
judged for indirectness, the same way whatever its check
(:func:`.rules_studies.with_population`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from reanalysis.analysis.claims import references, rules_data, rules_studies
from reanalysis.analysis.claims.verdicts import (
    AuditData,
    Certainty,
    ClaimVerdict,
    Verdict,
    certainty_of,
)
from reanalysis.data.claim_params import ClaimSpec, PopulationClaim
from reanalysis.data.claims_file import (
    check_references,
    parameters_of,
    plausible_sd_of,
)
from reanalysis.data.folder import Dataset, load_folder

Rule = Callable[[Any, AuditData], ClaimVerdict]

# One rule per check name the loader accepts (reanalysis.data.claim_params.CLAIM_CHECKS).
RULES: dict[str, Rule] = {
    "table_value": rules_data.table_value,
    "not_published": rules_data.not_published,
    "arm_changes": rules_data.arm_changes,
    "between_arm_significance": rules_data.between_arm_significance,
    "direction": rules_data.direction,
    "design": rules_studies.design,
    "finding": rules_studies.finding,
    "threshold": rules_studies.threshold,
    "population": rules_studies.population,
    "dosing": rules_studies.dosing,
    "study_field": rules_studies.study_field,
    "mechanism": rules_studies.mechanism,
    "no_data": rules_studies.no_data,
}


def audit_data(dataset: Dataset) -> AuditData:
    """The folder's claims, checked against its trials, studies and settings."""
    claims_file = dataset.claims_file
    if claims_file is not None:
        check_references(claims_file, dataset.trials, dataset.studies, dataset.settings)
    return AuditData(
        path=dataset.path,
        trials=dataset.trials,
        studies=dataset.studies,
        claims_file=claims_file,
        settings=dataset.settings,
        specs=claims_file["specs"] if claims_file else (),
        references=claims_file["typed_references"] if claims_file else (),
        parameters=parameters_of(claims_file),
        plausible_sd=plausible_sd_of(claims_file),
        journals=claims_file["journals"] if claims_file else {},
    )


def load_audit_data(data_dir: str | Path, config: str | Path | None = None) -> AuditData:
    """Read a data folder once (:func:`reanalysis.data.folder.load_folder`) for the audit."""
    return audit_data(load_folder(data_dir, config))


def evaluate(spec: ClaimSpec, data: AuditData) -> ClaimVerdict:
    """The verdict on one typed claim, by the rule its ``check`` names."""
    found = RULES[spec.check](spec, data)
    if spec.population is not None and not isinstance(spec, PopulationClaim):
        indirect = rules_studies.indirectness(spec, spec.population, data)
        found = rules_studies.with_population(found, indirect)
    return found


def evaluate_all(data: AuditData) -> tuple[ClaimVerdict, ...]:
    """Every claim, then each reference's locator and authors, each with its verdict."""
    verdicts = [evaluate(spec, data) for spec in data.specs]
    for reference in data.references:
        verdicts.append(references.reference_locator(reference, data))
        verdicts.append(references.reference_authors(reference, data))
    return tuple(verdicts)


def audit(data_dir: str | Path) -> tuple[ClaimVerdict, ...]:
    """Every claim and every reference of ``data_dir/claims.toml``, each with its verdict."""
    return evaluate_all(load_audit_data(data_dir))


__all__ = [
    "RULES",
    "AuditData",
    "Certainty",
    "ClaimVerdict",
    "Verdict",
    "audit",
    "audit_data",
    "certainty_of",
    "evaluate",
    "evaluate_all",
    "load_audit_data",
]
