"""Checks of :mod:`reanalysis.stats.checks` applied to trial rows, with their sources.

Shared by the claims audit and :mod:`reanalysis.analysis.consistency`: each function
takes rows of a :class:`~reanalysis.data.trials.Trial` and the folder's settings, calls
one check on plain numbers, and names the rows (``file:line``) and the settings entry
it used.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from reanalysis.data.claims_file import PlausibleSD
from reanalysis.data.folder import CLAIMS_FILE, Dataset, row_ref
from reanalysis.data.settings import SETTINGS_FILE, OutcomeSettings, PlausibleCorrelation
from reanalysis.data.studies import ReportedResult, Study
from reanalysis.data.trials import Measurement, Trial
from reanalysis.errors import ReanalysisError
from reanalysis.stats.checks import (
    RELATIONS,
    CheckResult,
    cross_report_agreement,
    printed_decimals,
    recompute_between_arm_p,
    recompute_within_arm_p,
    sd_or_se,
    threshold_check,
)
from reanalysis.stats.effects import PrePost
from reanalysis.units import conversion_factor, convert


def trial_of(data: Dataset, study: Study) -> Trial | None:
    """The trial file a study's ``data_file`` names, if it is in the folder."""
    data_file = study.meta.data_file
    return data.trials.get(Path(data_file).stem) if data_file else None


def cohort(data: Dataset, study: Study) -> list[Study]:
    """The study and every report of the same cohort (``same_cohort_as``)."""
    return [study] + [s for s in data.studies.values() if s.meta.same_cohort_as == study.id]


def decimals(m: Measurement, column: str) -> int:
    """Decimals the paper printed for the row's mean, SD or SE."""
    return printed_decimals(getattr(m, f"printed_{column}"))


def p_decimals(value: float) -> int:
    # TOML stores a printed P as a float; its shortest positional form gives back the
    # printed digits (0.0014 → "0.0014", 1e-05 → "0.00001").
    return printed_decimals(np.format_float_positional(value))


def prepost(baseline: Measurement, followup: Measurement) -> PrePost:
    return PrePost(baseline.n, baseline.mean, baseline.sd, followup.mean, followup.sd)


def convertible(from_unit: str, to_unit: str, molar_mass: float | None) -> bool:
    try:
        conversion_factor(from_unit, to_unit, molar_mass)
    except ReanalysisError:
        return False
    return True


def cannot_tell(name: str, why: str, sources: tuple[str, ...] = ()) -> CheckResult:
    return CheckResult(
        name=name, verdict="cannot tell", evidence=why, assumptions=(), sources=sources
    )


def sd_check(
    plausible_sd: dict[str, PlausibleSD], trial: Trial, m: Measurement, molar_mass: float | None
) -> CheckResult | None:
    """:func:`reanalysis.stats.checks.sd_or_se` on the row, with the outcome's plausible SD range.

    None when ``claims.toml`` has no plausible SD range for the outcome.
    """
    plausible = plausible_sd.get(m.outcome)
    if plausible is None:
        return None
    # convert() returns the value unchanged when the units agree.
    low, high = (
        convert(v, plausible.unit, m.unit, molar_mass) for v in (plausible.low, plausible.high)
    )
    checked = sd_or_se(m.sd, m.n, low, high)
    return replace(
        checked,
        assumptions=(*checked.assumptions, f"plausible SD: {plausible.justification}"),
        sources=(row_ref(trial, m), f"{CLAIMS_FILE} [plausible_sd.{m.outcome}]"),
    )


def cross_report_checks(
    trial: Trial,
    m: Measurement,
    other: Measurement,
    molar_mass: float | None,
    columns: tuple[str, ...] = ("mean", "sd"),
) -> list[CheckResult]:
    """Row ``m`` against ``other`` (another report of the same arm, outcome and week).

    One :func:`reanalysis.stats.checks.cross_report_agreement` per column, each at the
    precision the two rows printed, named ``cross_report_<column>``.
    """
    results = []
    for column in columns:
        checked = cross_report_agreement(
            getattr(m, column),
            m.unit,
            decimals(m, column),
            getattr(other, column),
            other.unit,
            decimals(other, column),
            molar_mass,
        )
        results.append(
            replace(
                checked,
                name=f"cross_report_{column}",
                sources=(
                    f"{row_ref(trial, m)} ({m.source})",
                    f"{row_ref(trial, other)} ({other.source})",
                ),
            )
        )
    return results


def _unrecomputable(
    name: str, reported: ReportedResult, plausible: PlausibleCorrelation | None
) -> CheckResult | None:
    """Why a reported result cannot be recomputed by a t-test on change (None if it can)."""
    if reported.statistic != "p" or reported.relation not in RELATIONS:
        return cannot_tell(
            name,
            f"only a p-value printed as P {' or '.join(RELATIONS)} a value can be recomputed "
            f"(got {reported.statistic} {reported.relation} {reported.value:g})",
        )
    if not 0 < reported.value < 1:
        return cannot_tell(name, f"P = {reported.value:g} is not a p-value in (0, 1)")
    if plausible is None:
        return cannot_tell(
            name,
            f"no judged plausible pre–post r for {reported.outcome} in {SETTINGS_FILE} "
            f"([outcome.{reported.outcome}] r_range): the reported P is not recomputed",
        )
    return None


def within_arm_p_check(
    before: Measurement,
    after: Measurement,
    reported: ReportedResult,
    plausible: PlausibleCorrelation | None,
) -> CheckResult:
    """A reported within-arm p set against the paired t-test on two rows of one arm.

    :func:`reanalysis.stats.checks.recompute_within_arm_p` with the outcome's judged
    plausible r (``analysis.toml``), the P at its printed digits and the means at the
    ``before`` row's printed digits. No sources: the caller names them.
    """
    unchecked = _unrecomputable("within_arm_p", reported, plausible)
    if unchecked is not None:
        return unchecked
    return recompute_within_arm_p(
        prepost(before, after),
        reported.relation,
        reported.value,
        plausible,
        p_decimals=p_decimals(reported.value),
        mean_decimals=decimals(before, "mean"),
    )


def between_arm_p_check(
    treatment: tuple[Measurement, Measurement],
    control: tuple[Measurement, Measurement],
    reported: ReportedResult,
    plausible: PlausibleCorrelation | None,
) -> CheckResult:
    """A reported between-arm p set against Student's t on change; arms as (before, after).

    :func:`reanalysis.stats.checks.recompute_between_arm_p` with the outcome's judged
    plausible r and the P at its printed digits. No sources: the caller names them.
    """
    unchecked = _unrecomputable("between_arm_p", reported, plausible)
    if unchecked is not None:
        return unchecked
    return recompute_between_arm_p(
        prepost(*treatment),
        prepost(*control),
        reported.relation,
        reported.value,
        plausible,
        p_decimals=p_decimals(reported.value),
    )


def share_beyond(m: Measurement, cut: OutcomeSettings, material_share: float) -> CheckResult:
    """The row's share on the other side of the outcome's cut-off (``analysis.toml``).

    :func:`reanalysis.stats.checks.threshold_check` after converting the row to the
    cut-off's unit. A material share is a *finding* about the people studied, not a
    failed check, so its verdict reads ``finding`` instead of ``inconsistent``.
    """
    threshold, unit = cut.threshold, cut.threshold_unit
    if threshold is None or unit is None:
        raise ReanalysisError(f"{m.outcome!r} has no threshold in {SETTINGS_FILE}")
    if not convertible(m.unit, unit, cut.molar_mass):
        return cannot_tell("threshold", f"{m.unit} does not convert to {unit}")
    mean = convert(m.mean, m.unit, unit, cut.molar_mass)
    sd = convert(m.sd, m.unit, unit, cut.molar_mass)
    checked = threshold_check(threshold, mean, sd, material_share=material_share)
    evidence, assumptions = checked.evidence, checked.assumptions
    if m.unit != unit:
        evidence = f"{m.mean:g} ± {m.sd:g} {m.unit} in {unit}: {evidence}"
        converted = f"{m.unit} converted by the molar mass of the outcome's molecular_formula"
        assumptions = (*assumptions, converted)
    return replace(
        checked,
        verdict="finding" if checked.verdict == "inconsistent" else checked.verdict,
        evidence=evidence,
        assumptions=assumptions,
        numbers={**checked.numbers, "mean": mean, "sd": sd, "threshold": threshold, "week": m.week},
    )
