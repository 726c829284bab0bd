"""Audit an article's claims against the trials: one computed verdict per claim.

``data/claims.toml`` holds the claims (paraphrased, with the data each depends on and
the check that tests it) and the article's reference list as printed; the trial CSVs
and ``data/studies.toml`` hold what the sources say. :func:`audit` evaluates every claim
by the rule its ``check`` names and returns :class:`ClaimVerdict` objects whose verdict
comes from :class:`Verdict`. Nothing in the claims file states a verdict: change a data
row, a study field or a printed number and the verdict follows.

Rules, in the order a reader meets them in ``claims.toml``:

* ``table_value``: the printed mean ± SD must match a source row (at the article's
  printed precision) at the labelled week; a match at another week contradicts the
  label. An inferred timepoint, a second report that disagrees after unit conversion,
  or a ± that may be an SE makes it "supported with caveats".
* ``not_published``: "not specified" holds when no report of the cohort has the values.
* ``arm_changes`` / ``direction``: the sign of each arm's change in the source rows.
* ``between_arm_significance``: the reported P must be below the significance level and
  the difference in change must have the claimed sign; the recomputed p (implied r),
  assumed n, an unnamed test and inferred timepoints are caveats.
* ``design``, ``finding``, ``threshold``, ``population_trt``, ``dosing``, ``markers``,
  ``mechanism``: study fields of ``studies.toml`` set against the claim's parameters.
* ``no_data``: the sources the claim would need are not in ``studies.toml``.
* references: each printed entry is matched by title to a verified citation; its
  locator (journal, volume, issue, pages, year) and first author are compared field by
  field. Fields marked unconfirmed in ``studies.toml`` give caveats, not errors.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np

from reanalysis.analysis.plausible import plausible_for
from reanalysis.data.folder import CLAIMS_FILE, STUDIES_FILE, Dataset, load_folder
from reanalysis.data.studies import ReportedResult, Study
from reanalysis.data.trials import Measurement, Trial
from reanalysis.errors import ReanalysisError
from reanalysis.stats.checks import (
    CheckResult,
    baseline_balance,
    cross_report_agreement,
    printed_decimals,
    recompute_between_arm_p,
    recompute_within_arm_p,
    sd_or_se,
    threshold_check,
)
from reanalysis.stats.correlation import PlausibleCorrelation
from reanalysis.stats.effects import PrePost
from reanalysis.stats.units import convert


class Verdict(StrEnum):
    """The fixed vocabulary of claim verdicts."""

    SUPPORTED = "supported"
    SUPPORTED_WITH_CAVEATS = "supported with caveats"
    NOT_SUPPORTED = "not supported by the cited data"
    CONTRADICTED = "contradicted"
    CITATION_ERROR = "citation error"
    NOT_CHECKABLE = "not checkable from published numbers"


@dataclass(frozen=True)
class ClaimVerdict:
    """One claim's verdict with the evidence, data rows and sources that decided it.

    ``evidence`` is one line; ``details`` are the caveats and check evidence behind it;
    ``sources`` name data rows (file:line) and publications (PMID/DOI).
    """

    id: str
    section: str
    claim: str
    kind: str
    verdict: Verdict
    evidence: str
    details: tuple[str, ...]
    sources: tuple[str, ...]
    checks: tuple[CheckResult, ...]

    def record(self) -> dict[str, Any]:
        """A JSON-ready dict (verdict as its string)."""
        return {
            "id": self.id,
            "section": self.section,
            "claim": self.claim,
            "kind": self.kind,
            "verdict": str(self.verdict),
            "evidence": self.evidence,
            "details": list(self.details),
            "sources": list(self.sources),
            "checks": [
                {
                    "name": c.name,
                    "verdict": c.verdict,
                    "evidence": c.evidence,
                    "assumptions": list(c.assumptions),
                    "numbers": dict(c.numbers),
                    "sources": list(c.sources),
                }
                for c in self.checks
            ],
        }


@dataclass(frozen=True)
class AuditData:
    """Everything an audit reads: trials by file stem, studies, claims and parameters."""

    trials: dict[str, Trial]
    studies: dict[str, Study]
    claims: tuple[dict[str, Any], ...]
    references: tuple[dict[str, Any], ...]
    parameters: dict[str, Any]
    plausible_sd: dict[str, dict[str, Any]]
    journals: dict[str, str]
    dataset: Dataset


# --- loading --------------------------------------------------------------------------


def load_audit_data(data_dir: str | Path, config: str | Path | None = None) -> AuditData:
    """Read a data folder once (:func:`reanalysis.data.folder.load_folder`) for the audit."""
    dataset = load_folder(data_dir, config)
    claims_file = dataset.claims_file or {
        "path": Path(data_dir) / CLAIMS_FILE,
        "claims": (),
        "references": (),
        "parameters": msgspec_defaults(),
        "plausible_sd": {},
        "journals": {},
    }
    path = claims_file["path"]
    for claim in claims_file["claims"]:
        if claim["check"] not in _RULES:
            raise ReanalysisError(
                f"{path}: claim {claim['id']!r}: check must be one of {', '.join(_RULES)}, "
                f"got {claim['check']!r}"
            )
    return AuditData(
        trials=dataset.trials,
        studies=dataset.studies,
        claims=claims_file["claims"],
        references=claims_file["references"],
        parameters=claims_file["parameters"],
        plausible_sd=claims_file["plausible_sd"],
        journals=claims_file["journals"],
        dataset=dataset,
    )


def msgspec_defaults() -> dict[str, Any]:
    """The documented defaults of ``[parameters]`` (see :mod:`reanalysis.data.claims_file`)."""
    import msgspec

    from reanalysis.data.claims_file import Parameters

    return msgspec.structs.asdict(Parameters())


# --- shared helpers ---------------------------------------------------------------------


def _study(data: AuditData, claim: dict[str, Any], key: str = "study") -> Study:
    study_id = claim[key]
    if study_id not in data.studies:
        raise ReanalysisError(f"claim {claim['id']!r}: {key} {study_id!r} is not in {STUDIES_FILE}")
    return data.studies[study_id]


def _trial(data: AuditData, study: Study) -> Trial:
    data_file = study.get("data_file")
    if not data_file or Path(data_file).stem not in data.trials:
        raise ReanalysisError(
            f"study {study.id!r}: no trial file (data_file) in the data directory"
        )
    return data.trials[Path(data_file).stem]


def row_ref(trial: Trial, m: Measurement) -> str:
    """The row's place: ``file:line`` (header = line 1)."""
    return f"{trial.path.name}:{m.row}"


def row_sources(trial: Trial, rows: list[Measurement]) -> tuple[str, ...]:
    """Each row's place and its publication: ``file:line (source)``."""
    return tuple(f"{row_ref(trial, m)} ({m.source})" for m in rows)


def study_ref(study: Study) -> str:
    """The study's table in ``studies.toml`` with its PMID and DOI."""
    ids = [
        f"PMID {study['pmid']}" if study.get("pmid") else "",
        study.get("doi") and f"DOI {study['doi']}",
    ]
    tail = ", ".join(i for i in ids if i)
    return f"{STUDIES_FILE} [{study.id}]" + (f" ({tail})" if tail else "")


def _decimals(m: Measurement, column: str) -> int:
    """Decimals the paper printed for the row's mean, SD or SE."""
    return printed_decimals(getattr(m, f"printed_{column}"))


def _value(m: Measurement) -> str:
    return f"{m.printed} {m.unit} at {m.timepoint}"


def _verdict(caveats: list[str]) -> Verdict:
    return Verdict.SUPPORTED_WITH_CAVEATS if caveats else Verdict.SUPPORTED


def _inferred(study: Study, outcome: str, week: float) -> str | None:
    for entry in study.get("inferred_timepoints", []):
        if entry["outcome"] == outcome and entry["week"] == week:
            return entry["reasoning"]
    return None


def _with_sources(result: CheckResult, sources: tuple[str, ...]) -> CheckResult:
    return replace(result, sources=sources)


def _prepost(baseline: Measurement, followup: Measurement) -> PrePost:
    return PrePost(baseline.n, baseline.mean, baseline.sd, followup.mean, followup.sd)


def _plausible(data: AuditData, outcome: str) -> PlausibleCorrelation | None:
    return plausible_for(data.dataset.settings, outcome)


def _p_decimals(value: float) -> int:
    # TOML stores a printed P as a float; its shortest positional form gives back the
    # printed digits (0.0014 → "0.0014", 1e-05 → "0.00001").
    return printed_decimals(np.format_float_positional(value))


def reported_weeks(study: Study, result: ReportedResult) -> tuple[float, float | None]:
    """The weeks a reported test compares: ``from_week`` (default 0) and ``week`` (or None).

    Read from the raw study fields, which keep ``from_week``.
    """
    for entry in study.get("reported", []):
        if entry["id"] == result.id:
            return entry.get("from_week", 0), entry.get("week")
    return 0, result.week


def _cohort(data: AuditData, study: Study) -> list[Study]:
    """The study and every report of the same cohort (``same_cohort_as``)."""
    return [study] + [s for s in data.studies.values() if s.get("same_cohort_as") == study.id]


def _result(claim, verdict, evidence, details=(), sources=(), checks=()) -> ClaimVerdict:
    return ClaimVerdict(
        id=claim["id"],
        section=claim["section"],
        claim=claim["claim"],
        kind=claim["kind"],
        verdict=verdict,
        evidence=evidence,
        details=tuple(details),
        sources=tuple(dict.fromkeys(sources)),
        checks=tuple(checks),
    )


# --- rules on trial rows ------------------------------------------------------------------


def sd_check(data: AuditData, trial: Trial, m: Measurement) -> CheckResult | None:
    """:func:`reanalysis.stats.checks.sd_or_se` on the row, with the outcome's plausible SD range.

    None when ``claims.toml`` has no plausible SD range for the outcome.
    """
    plausible = data.plausible_sd.get(m.outcome)
    if plausible is None:
        return None
    # convert() returns the value unchanged when the units agree.
    low, high = (
        convert(plausible[k], m.outcome, plausible["unit"], m.unit) for k in ("low", "high")
    )
    result = sd_or_se(m.sd, m.n, low, high)
    return replace(
        result,
        assumptions=(*result.assumptions, f"plausible SD: {plausible['justification']}"),
        sources=(row_ref(trial, m), f"{CLAIMS_FILE} [plausible_sd.{m.outcome}]"),
    )


def cross_report_checks(
    trial: Trial,
    m: Measurement,
    other: Measurement,
    columns: tuple[str, ...] = ("mean", "sd"),
) -> list[CheckResult]:
    """Row ``m`` against ``other`` (another report of the same arm, outcome and week).

    One :func:`reanalysis.stats.checks.cross_report_agreement` per column, each at the
    precision the two rows printed, named ``cross_report_<column>``.
    """
    results = []
    for column in columns:
        result = cross_report_agreement(
            getattr(m, column),
            m.unit,
            _decimals(m, column),
            getattr(other, column),
            other.unit,
            _decimals(other, column),
            m.outcome,
        )
        results.append(
            replace(
                result,
                name=f"cross_report_{column}",
                sources=(
                    f"{row_ref(trial, m)} ({m.source})",
                    f"{row_ref(trial, other)} ({other.source})",
                ),
            )
        )
    return results


def _cross_checks(trial: Trial, m: Measurement) -> list[CheckResult]:
    """The row against the same arm, outcome and week in other reports of the cohort."""
    return [
        result
        for other in trial.rows
        if (other.outcome, other.arm, other.week) == (m.outcome, m.arm, m.week)
        and other.study != m.study
        for result in cross_report_checks(trial, m, other)
    ]


def within_arm_p_check(
    before: Measurement,
    after: Measurement,
    result: ReportedResult,
    plausible: PlausibleCorrelation | None,
) -> CheckResult:
    """A reported within-arm p set against the paired t-test on two rows of one arm.

    :func:`reanalysis.stats.checks.recompute_within_arm_p` with the outcome's judged plausible
    r, the P at its printed digits and the means at the ``before`` row's printed
    digits. No sources: the caller names them.
    """
    return recompute_within_arm_p(
        _prepost(before, after),
        result.relation,
        result.value,
        plausible,
        p_decimals=_p_decimals(result.value),
        mean_decimals=_decimals(before, "mean"),
    )


def between_arm_p_check(
    treatment: tuple[Measurement, Measurement],
    control: tuple[Measurement, Measurement],
    result: ReportedResult,
    plausible: PlausibleCorrelation | None,
) -> CheckResult:
    """A reported between-arm p set against Student's t on change; arms as (before, after).

    :func:`reanalysis.stats.checks.recompute_between_arm_p` with the outcome's judged
    plausible r and the P at its printed digits. No sources: the caller names them.
    """
    return recompute_between_arm_p(
        _prepost(*treatment),
        _prepost(*control),
        result.relation,
        result.value,
        plausible,
        p_decimals=_p_decimals(result.value),
    )


def _split_printed(claim: dict[str, Any]) -> tuple[str, str]:
    parts = claim["printed"].split("±")
    if len(parts) != 2:
        raise ReanalysisError(
            f"claim {claim['id']!r}: printed must read 'mean ± sd', got {claim['printed']!r}"
        )
    return parts[0].strip(), parts[1].strip()


def _matches(value: float, printed: str) -> bool:
    # The source row prints as the article's number at the article's precision.
    half = 0.5 * 10.0 ** -printed_decimals(printed)
    return abs(value - float(printed)) <= half * (1 + 1e-9)


def _table_value(claim: dict[str, Any], data: AuditData) -> ClaimVerdict:
    study = _study(data, claim)
    trial = _trial(data, study)
    mean_text, sd_text = _split_printed(claim)
    rows = trial.series(claim["outcome"], claim["arm"], study.id)
    label, week = claim["label"], claim["label_week"]
    matches = [m for m in rows if _matches(m.mean, mean_text) and _matches(m.sd, sd_text)]
    if not matches:
        listed = "; ".join(f"{_value(m)} [{row_ref(trial, m)}]" for m in rows) or "none"
        return _result(
            claim,
            Verdict.CONTRADICTED,
            f"no {study.id} row of {claim['outcome']} ({claim['arm']}) prints "
            f"{claim['printed']}; the source rows are: {listed}",
            sources=row_sources(trial, list(rows)),
        )
    m = matches[0]
    checks = [c for c in (sd_check(data, trial, m), *_cross_checks(trial, m)) if c]
    sources = [f"{row_ref(trial, m)} ({m.source})", *(s for c in checks for s in c.sources)]
    if m.week != week:
        at_label = [r for r in rows if r.week == week]
        elsewhere = (
            f"at week {week:g} the source gives {_value(at_label[0])} "
            f"[{row_ref(trial, at_label[0])}]"
            if at_label
            else f"the source has no week-{week:g} value of {claim['outcome']} for this arm"
        )
        agreeing = [
            c for c in checks if c.name.startswith("cross_report") and c.verdict == "consistent"
        ]
        also = (
            f"; the other report of the cohort prints the same value at week {m.week:g} "
            f"({agreeing[0].evidence})"
            if agreeing
            else ""
        )
        return _result(
            claim,
            Verdict.CONTRADICTED,
            f"printed as '{label}' (week {week:g}), but {claim['printed']} is the "
            f"{m.timepoint} value (week {m.week:g}) [{row_ref(trial, m)}]; {elsewhere}{also}",
            details=[c.evidence for c in checks],
            sources=sources,
            checks=checks,
        )
    caveats = []
    reasoning = _inferred(study, m.outcome, m.week)
    if reasoning:
        caveats.append(f"timepoint inferred: {reasoning}")
    caveats += [f"{c.name}: {c.evidence}" for c in checks if c.verdict != "consistent"]
    evidence = f"matches {_value(m)} [{row_ref(trial, m)}]"
    if caveats:
        evidence += "; caveats: " + "; ".join(caveats)
    return _result(
        claim,
        _verdict(caveats),
        evidence,
        details=[c.evidence for c in checks],
        sources=[*sources, study_ref(study)],
        checks=checks,
    )


def _not_published(claim: dict[str, Any], data: AuditData) -> ClaimVerdict:
    study = _study(data, claim)
    trial = _trial(data, study)
    if claim["arm"] not in trial.arms:
        raise ReanalysisError(
            f"claim {claim['id']!r}: arm {claim['arm']!r} is not in {trial.path.name}"
        )
    rows = [m for m in trial.rows if m.outcome == claim["outcome"] and m.arm == claim["arm"]]
    if rows:
        return _result(
            claim,
            Verdict.CONTRADICTED,
            f"the source does give {claim['outcome']} for {claim['arm']}: "
            + "; ".join(f"{_value(m)} [{row_ref(trial, m)}]" for m in rows),
            sources=row_sources(trial, rows),
        )
    reports = ", ".join(s.id for s in _cohort(data, study))
    present = sorted({m.outcome for m in trial.rows if m.arm == claim["arm"]})
    return _result(
        claim,
        Verdict.SUPPORTED,
        f"no report of the cohort ({reports}) gives {claim['outcome']} for the "
        f"{claim['arm']} arm in {trial.path.name}; that arm has rows only for {', '.join(present)}",
        sources=[trial.path.name, *(study_ref(s) for s in _cohort(data, study))],
    )


def _sign(change: float) -> str:
    return "increase" if change > 0 else "decrease" if change < 0 else "no change"


def _arm_changes(claim: dict[str, Any], data: AuditData) -> ClaimVerdict:
    study = _study(data, claim)
    trial = _trial(data, study)
    outcome, week = claim["outcome"], claim["week"]
    rows, found, wrong, untested = [], [], [], []
    for arm, direction in claim["directions"].items():
        before = trial.measurement(outcome, arm, 0, study.id)
        after = trial.measurement(outcome, arm, week, study.id)
        rows += [before, after]
        change = after.mean - before.mean
        found.append(f"{arm} {change:+.4g} {after.unit} ({_sign(change)})")
        if _sign(change) != direction:
            wrong.append(f"{arm}: claimed {direction}, source {_sign(change)}")
        tested = [
            r
            for s in _cohort(data, study)
            for r in s.reported
            if r.outcome == outcome and r.arms == (arm,)
        ]
        if not tested:
            untested.append(arm)
    t_base, c_base = rows[0], rows[2]
    balance = baseline_balance(
        t_base.mean,
        t_base.sd,
        t_base.n,
        c_base.mean,
        c_base.sd,
        c_base.n,
        extreme=data.parameters["baseline_extreme_p"],
    )
    balance = _with_sources(balance, (row_ref(trial, t_base), row_ref(trial, c_base)))
    if wrong:
        return _result(
            claim,
            Verdict.CONTRADICTED,
            "; ".join(wrong),
            sources=row_sources(trial, rows),
            checks=[balance],
        )
    caveats = []
    if untested:
        caveats.append(f"no within-arm test of change is reported for {', '.join(untested)}")
    caveats.append(f"baseline gap between arms: {balance.evidence}")
    return _result(
        claim,
        _verdict(caveats),
        "changes to week " + f"{week:g}: " + "; ".join(found) + "; caveats: " + "; ".join(caveats),
        sources=[*row_sources(trial, rows), study_ref(study)],
        checks=[balance],
    )


def _between_arm_significance(claim: dict[str, Any], data: AuditData) -> ClaimVerdict:
    study = _study(data, claim)
    trial = _trial(data, study)
    reported = [r for r in study.reported if r.id == claim["reported"]]
    if not reported:
        return _result(
            claim,
            Verdict.NOT_CHECKABLE,
            f"{study.id} reports no test {claim['reported']!r} in {STUDIES_FILE}",
            sources=[study_ref(study)],
        )
    result = reported[0]
    outcome, week = result.outcome, claim["week"]
    arms = (claim["treatment_arm"], claim["control_arm"])
    rows = [trial.measurement(outcome, arm, w, study.id) for arm in arms for w in (0, week)]
    treatment, control = _prepost(rows[0], rows[1]), _prepost(rows[2], rows[3])
    difference = treatment.mean_change - control.mean_change
    sources = [*row_sources(trial, rows), f"{study_ref(study)}: {result.source}"]
    printed_p = f"P {result.relation} {result.value:g}"
    alpha = data.parameters["significance_level"]
    if _sign(difference) != claim["direction"]:
        return _result(
            claim,
            Verdict.CONTRADICTED,
            f"difference in change {difference:+.4g} {rows[0].unit} is a {_sign(difference)}, "
            f"not a {claim['direction']}",
            sources=sources,
        )
    if result.value >= alpha and result.relation == "=":
        return _result(
            claim,
            Verdict.CONTRADICTED,
            f"the source reports {printed_p}, not below {alpha:g}",
            sources=sources,
        )
    recomputed = between_arm_p_check(
        (rows[0], rows[1]), (rows[2], rows[3]), result, _plausible(data, result.outcome)
    )
    recomputed = _with_sources(recomputed, tuple(sources))
    balance = baseline_balance(
        rows[0].mean,
        rows[0].sd,
        rows[0].n,
        rows[2].mean,
        rows[2].sd,
        rows[2].n,
        extreme=data.parameters["baseline_extreme_p"],
    )
    balance = _with_sources(balance, (row_ref(trial, rows[0]), row_ref(trial, rows[2])))
    caveats = []
    if any(m.n_assumed for m in rows):
        caveats.append(f"per-arm n assumed ({treatment.n}/{control.n}), not published")
    if "not named" in result.test:
        caveats.append(f"test {result.test}")
    reasoning = _inferred(study, outcome, week)
    if reasoning:
        caveats.append(f"end-of-study timepoint inferred (week {week:g})")
    if recomputed.verdict != "consistent":
        caveats.append(f"recomputed p: {recomputed.evidence}")
    if balance.verdict != "consistent":
        caveats.append(f"baseline: {balance.evidence}")
    evidence = (
        f"{study.id} reports {printed_p} for the between-arm difference in change "
        f"({difference:+.4g} {rows[0].unit}); {recomputed.evidence}"
    )
    if caveats:
        evidence += "; caveats: " + "; ".join(caveats)
    return _result(
        claim,
        _verdict(caveats),
        evidence,
        details=[recomputed.evidence, balance.evidence],
        sources=sources,
        checks=[recomputed, balance],
    )


def _direction(claim: dict[str, Any], data: AuditData) -> ClaimVerdict:
    study = _study(data, claim)
    trial = _trial(data, study)
    outcome, arm = claim["outcome"], claim["arm"]
    found = {m.week: m for m in trial.series(outcome, arm, study.id)}
    before, after = found.get(claim["from_week"]), found.get(claim["to_week"])
    if before is None or after is None:
        weeks = ", ".join(f"{w:g}" for w in found)
        return _result(
            claim,
            Verdict.NOT_CHECKABLE,
            f"{study.id} gives {outcome} for {arm} only at weeks {weeks}, not at both "
            f"{claim['from_week']:g} and {claim['to_week']:g}",
            sources=row_sources(trial, list(found.values())),
        )
    change = after.mean - before.mean
    sources = list(row_sources(trial, [before, after]))
    if _sign(change) != claim["direction"]:
        return _result(
            claim,
            Verdict.CONTRADICTED,
            f"{_value(before)} → {_value(after)} is a {_sign(change)}",
            sources=sources,
        )
    checks, others = [], []
    for report in _cohort(data, study):
        for result in report.reported:
            if result.outcome != outcome or result.arms != (arm,):
                continue
            from_week, to_week = reported_weeks(report, result)
            described = f"{report.id}: {result.comparison}, P {result.relation} {result.value:g}"
            sources.append(f"{study_ref(report)}: {result.source}")
            if report.id == study.id and (from_week, to_week) == (
                claim["from_week"],
                claim["to_week"],
            ):
                check = within_arm_p_check(before, after, result, _plausible(data, result.outcome))
                checks.append(_with_sources(check, tuple(sources[:2])))
            else:
                others.append(described)
    caveats = []
    if not checks:
        caveats.append("no test of this change is reported")
    caveats += [f"recomputed p: {c.evidence}" for c in checks if c.verdict != "consistent"]
    evidence = f"{_value(before)} → {_value(after)}: {_sign(change)} ({change:+.4g} {after.unit})"
    if checks:
        evidence += f"; reported test: {checks[0].evidence}"
    if others:
        evidence += "; other reported tests: " + "; ".join(others)
    if caveats:
        evidence += "; caveats: " + "; ".join(caveats)
    return _result(
        claim,
        _verdict(caveats),
        evidence,
        details=[c.evidence for c in checks],
        sources=sources,
        checks=checks,
    )


# --- rules on study fields -------------------------------------------------------------------


def _design(claim: dict[str, Any], data: AuditData) -> ClaimVerdict:
    study = _study(data, claim)
    text = " ".join(study.get(k, "") for k in ("design", "population", "intervention")).lower()
    missing = [t for t in claim["terms"] if t.lower() not in text]
    sources = [study_ref(study)]
    claimed_weeks = claim.get("duration_weeks")
    if claimed_weeks is not None and study.get("duration_weeks") != claimed_weeks:
        return _result(
            claim,
            Verdict.CONTRADICTED,
            f"claimed {claimed_weeks} weeks; {study.id} lasted {study.get('duration_weeks')} weeks",
            sources=sources,
        )
    if missing:
        return _result(
            claim,
            Verdict.NOT_SUPPORTED,
            f"{study.id}'s recorded design and population do not say: {', '.join(missing)} "
            f"(design: {study['design']}; population: {study['population']})",
            sources=sources,
        )
    weeks = f"; {study['duration_weeks']} weeks" if claimed_weeks is not None else ""
    return _result(
        claim,
        Verdict.SUPPORTED,
        f"{study.id}: {study['design']}; {study['population']}{weeks}",
        sources=sources,
    )


def _finding(claim: dict[str, Any], data: AuditData) -> ClaimVerdict:
    study = _study(data, claim)
    found = study.get("findings", {}).get(claim["finding"])
    sources = [f"{study_ref(study)}: {study.get('findings_source', '')}"]
    if found is None:
        return _result(
            claim,
            Verdict.NOT_CHECKABLE,
            f"{study.id} records no finding {claim['finding']!r}",
            sources=sources,
        )
    finding = claim["finding"].replace("_", " ")
    said = f"{study.id}: {finding}: {found['direction']} in {found['extent']}"
    if found["direction"] != claim["direction"]:
        return _result(claim, Verdict.CONTRADICTED, said, sources=sources)
    if found["extent"] != claim["extent"]:
        return _result(
            claim,
            Verdict.SUPPORTED_WITH_CAVEATS,
            f"{said}; the claim says {claim['extent']}",
            sources=sources,
        )
    return _result(claim, Verdict.SUPPORTED, said, sources=sources)


def _threshold(claim: dict[str, Any], data: AuditData) -> ClaimVerdict:
    study = _study(data, claim, "attributed")
    value = study.get("threshold_estradiol_pg_ml")
    sources = [study_ref(study)]
    if value is None:
        return _result(
            claim,
            Verdict.NOT_CHECKABLE,
            f"{study.id} records no estradiol threshold",
            sources=sources,
        )
    claimed = convert(claim["value"], "estradiol", claim["unit"], "pg/mL")
    said = f"{study.id} ({study['population']}): {study.get('threshold_statement', '')}"
    if not math.isclose(claimed, value, rel_tol=1e-9):
        return _result(
            claim,
            Verdict.CONTRADICTED,
            f"claimed {claimed:g} pg/mL; {said}",
            sources=sources,
        )
    caveats = []
    testosterone = study.get("threshold_testosterone_ng_dl")
    if testosterone is not None and not claim["mentions_testosterone_threshold"]:
        caveats.append(
            f"the source pairs it with testosterone above {testosterone:g} ng/dL, omitted"
        )
    if claim["applies_to_trt"] and not study["on_testosterone_therapy"]:
        caveats.append(
            f"applied to men on testosterone therapy; the source studied {study['population']} "
            f"({study.get('on_testosterone_therapy_note', 'not on testosterone therapy')})"
        )
    unmeasured = [e for e in claim.get("endpoints", []) if e not in study.get("measured", [])]
    if unmeasured:
        caveats.append(f"endpoints not measured by the source: {', '.join(unmeasured)}")
    evidence = f"{claimed:g} pg/mL matches {said}"
    if caveats:
        evidence += "; caveats: " + "; ".join(caveats)
    return _result(claim, _verdict(caveats), evidence, details=caveats, sources=sources)


def _population_trt(claim: dict[str, Any], data: AuditData) -> ClaimVerdict:
    cited = [_study(data, {"id": claim["id"], "study": s}) for s in claim["cites"]]
    on_trt = [s for s in cited if s["on_testosterone_therapy"]]
    described = [
        f"{s.id}: {s['population']}; on testosterone therapy: "
        f"{'yes' if s['on_testosterone_therapy'] else 'no'}"
        + (
            f" ({s['on_testosterone_therapy_note']})"
            if s.get("on_testosterone_therapy_note")
            else ""
        )
        for s in cited
    ]
    sources = [study_ref(s) for s in cited]
    if not on_trt:
        verdict = Verdict.NOT_SUPPORTED
        lead = "no participant of the cited studies was on testosterone therapy"
    elif len(on_trt) < len(cited):
        verdict = Verdict.SUPPORTED_WITH_CAVEATS
        lead = f"only {', '.join(s.id for s in on_trt)} studied men on testosterone therapy"
    else:
        verdict = Verdict.SUPPORTED
        lead = "every cited study was in men on testosterone therapy"
    return _result(claim, verdict, f"{lead}: " + "; ".join(described), sources=sources)


def _regimens(study: Study) -> list[tuple[float, float]]:
    per_week = study.get("doses_per_week")
    if study.get("dose_mg") is None or per_week is None:
        return []
    counts = per_week if isinstance(per_week, list) else [per_week]
    return [(float(study["dose_mg"]), float(c)) for c in counts]


def _dosing(claim: dict[str, Any], data: AuditData) -> ClaimVerdict:
    cited = [_study(data, {"id": claim["id"], "study": s}) for s in claim["cites"]]
    dose_low, dose_high = claim["dose_mg"]
    freq_low, freq_high = claim["doses_per_week"]
    regimens = [(s, dose, count) for s in cited for dose, count in _regimens(s)]
    if not regimens:
        return _result(
            claim,
            Verdict.NOT_CHECKABLE,
            "the cited studies record no dose",
            sources=[study_ref(s) for s in cited],
        )
    inside = [
        (s, d, c)
        for s, d, c in regimens
        if dose_low <= d <= dose_high and freq_low <= c <= freq_high
    ]
    used = "; ".join(f"{s.id}: {d:g} mg × {c:g}/week = {d * c:g} mg/week" for s, d, c in regimens)
    claimed = (
        f"claimed {dose_low:g}–{dose_high:g} mg × {freq_low:g}–{freq_high:g}/week = "
        f"{dose_low * freq_low:g}–{dose_high * freq_high:g} mg/week"
    )
    if not inside:
        verdict = Verdict.NOT_SUPPORTED
    elif len(inside) < len(regimens):
        verdict = Verdict.SUPPORTED_WITH_CAVEATS
    else:
        verdict = Verdict.SUPPORTED
    lowest = min(d * c for _, d, c in regimens)
    return _result(
        claim,
        verdict,
        f"{claimed}; the trials used {used}"
        + (
            ""
            if inside
            else f" (the lowest is {lowest / (dose_high * freq_high):.2g}× the claimed maximum)"
        ),
        sources=[study_ref(s) for s in cited],
    )


def _markers(claim: dict[str, Any], data: AuditData) -> ClaimVerdict:
    measured = [s for s in data.studies.values() if s.get("bone_turnover_markers_measured")]
    if not measured:
        return _result(claim, Verdict.NOT_CHECKABLE, "no study records bone turnover markers")
    agree = [s for s in measured if s.get("bone_turnover_effect") == claim["claimed_effect"]]
    differ = [s for s in measured if s not in agree]
    described = [
        f"{s.id} ({s.get('duration_weeks', '?')} weeks): {s['bone_turnover_result']}"
        for s in measured
    ]
    if agree and differ:
        verdict = Verdict.SUPPORTED_WITH_CAVEATS
        lead = (
            f"{', '.join(s.id for s in agree)} found no effect, but "
            f"{', '.join(s.id for s in differ)} found one"
        )
    elif agree:
        verdict, lead = Verdict.SUPPORTED, "every study that measured markers found no effect"
    else:
        verdict, lead = Verdict.CONTRADICTED, "no study that measured markers found no effect"
    return _result(
        claim,
        verdict,
        f"{lead}: " + "; ".join(described),
        sources=[study_ref(s) for s in measured],
    )


def _share_checks(claim: dict[str, Any], data: AuditData) -> list[CheckResult]:
    spec = claim.get("share")
    if spec is None:
        return []
    study = _study(data, {"id": claim["id"], "study": spec["study"]})
    trial = _trial(data, study)
    results = []
    series = trial.series(spec["outcome"], spec["arm"], study.id)
    for m in (m for m in series if m.week in spec["weeks"]):
        result = threshold_check(
            spec["threshold"], m.mean, m.sd, material_share=data.parameters["material_share"]
        )
        results.append(
            replace(
                result,
                evidence=f"{m.timepoint}: {result.evidence}",
                sources=(f"{row_ref(trial, m)} ({m.source})",),
            )
        )
    return results


def _mechanism(claim: dict[str, Any], data: AuditData) -> ClaimVerdict:
    cited = [_study(data, {"id": claim["id"], "study": s}) for s in claim["cites"]]
    flags = {s.id: s.get("separates_estradiol_from_testosterone") for s in cited}
    separating = [s for s in cited if flags[s.id]]
    outside = [
        s.id
        for s in data.studies.values()
        if s.get("separates_estradiol_from_testosterone") and s.id not in flags
    ]
    checks = _share_checks(claim, data)
    described = [
        f"{s.id}: {'separates' if flags[s.id] else 'does not separate'} estradiol from "
        f"testosterone"
        + (f" ({s['separates_estradiol_note']})" if s.get("separates_estradiol_note") else "")
        for s in cited
    ]
    if any(flag is None for flag in flags.values()) and not separating:
        verdict = Verdict.NOT_CHECKABLE
    elif not separating:
        verdict = Verdict.NOT_SUPPORTED
    elif len(separating) < len(cited):
        verdict = Verdict.SUPPORTED_WITH_CAVEATS
    else:
        verdict = Verdict.SUPPORTED
    evidence = "; ".join(described)
    if checks:
        evidence += "; share of men below the cut-off: " + "; ".join(c.evidence for c in checks)
    if outside and not separating:
        evidence += f"; outside the cited data, {', '.join(outside)} does separate them"
    return _result(
        claim,
        verdict,
        evidence,
        details=[c.evidence for c in checks],
        sources=[*(study_ref(s) for s in cited), *(x for c in checks for x in c.sources)],
        checks=checks,
    )


def _no_data(claim: dict[str, Any], data: AuditData) -> ClaimVerdict:
    missing = [need for need in claim["needs"] if need not in data.studies]
    if not missing:
        raise ReanalysisError(
            f"claim {claim['id']!r}: the sources it needs ({', '.join(claim['needs'])}) are now "
            f"in {STUDIES_FILE}; give it a check that uses them"
        )
    return _result(
        claim,
        Verdict.NOT_CHECKABLE,
        f"the article cites nothing for it and no verified source covers it "
        f"(needed: {', '.join(missing)})",
        sources=[STUDIES_FILE],
    )


_RULES = {
    "table_value": _table_value,
    "not_published": _not_published,
    "arm_changes": _arm_changes,
    "between_arm_significance": _between_arm_significance,
    "direction": _direction,
    "design": _design,
    "finding": _finding,
    "threshold": _threshold,
    "population_trt": _population_trt,
    "dosing": _dosing,
    "markers": _markers,
    "mechanism": _mechanism,
    "no_data": _no_data,
}


# --- references -------------------------------------------------------------------------------


def _normalized(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _matching_study(data: AuditData, reference: dict[str, Any]) -> Study | None:
    title = _normalized(reference["title"])
    for study in data.studies.values():
        if _normalized(study["title"]) == title:
            return study
    return None


def _reference_claim(reference: dict[str, Any], part: str) -> dict[str, Any]:
    position = reference["position"]
    if part == "locator":
        located = (
            f"{reference['journal']} {reference['year']}"
            + (f", vol. {reference['volume']}" if reference["volume"] else "")
            + (f"({reference['issue']})" if reference["issue"] else "")
            + (f", pp. {reference['pages']}" if reference["pages"] else "")
        )
        text = f"Reference {position}: '{reference['title'].rstrip('.')}' is in {located}."
    else:
        text = f"Reference {position}: the work is by {reference['authors']}"
    return {
        "id": f"reference{position}.{part}",
        "section": "References",
        "claim": text,
        "kind": "citation",
    }


def _unmatched(claim: dict[str, Any], reference: dict[str, Any]) -> ClaimVerdict:
    note = reference.get("auditor_note", "")
    return _result(
        claim,
        Verdict.NOT_CHECKABLE,
        f"no verified citation in {STUDIES_FILE} has this title" + (f"; {note}" if note else ""),
        sources=[f"{CLAIMS_FILE} reference {reference['position']}", STUDIES_FILE],
    )


def _reference_locator(reference: dict[str, Any], data: AuditData) -> ClaimVerdict:
    claim = _reference_claim(reference, "locator")
    study = _matching_study(data, reference)
    if study is None:
        return _unmatched(claim, reference)
    locator_confirmed = study.get("pages_confirmed", True)
    journal = data.journals.get(reference["journal"], reference["journal"])
    fields = (
        ("journal", journal, study["journal"], True),
        ("year", str(reference["year"]), str(study["year"]), True),
        ("volume", str(reference["volume"]), str(study["volume"]), locator_confirmed),
        ("issue", str(reference["issue"]), str(study.get("issue", "")), locator_confirmed),
        ("pages", reference["pages"], study["pages"], locator_confirmed),
    )
    errors = [
        f"{n} {printed}, verified {true}"
        for n, printed, true, ok in fields
        if printed != true and ok
    ]
    unconfirmed = [
        f"{n} {printed} (verified record: {true}, unconfirmed)"
        for n, printed, true, ok in fields
        if not ok
    ]
    siblings = [s for s in data.studies.values() if s.get("same_cohort_as") == study.id]
    whose = f"the title is {study.id}'s ({study.citation()})"
    if siblings:
        whose += "; the same cohort's other report is " + "; ".join(
            f"{s.id} ({s['journal']} {s['year']};{s['volume']}({s.get('issue', '')}):{s['pages']})"
            for s in siblings
        )
    sources = [f"{CLAIMS_FILE} reference {reference['position']}", study_ref(study)]
    if errors:
        return _result(
            claim, Verdict.CITATION_ERROR, f"{'; '.join(errors)}; {whose}", sources=sources
        )
    if unconfirmed:
        return _result(
            claim,
            Verdict.SUPPORTED_WITH_CAVEATS,
            f"journal and year match; {'; '.join(unconfirmed)}; {whose}",
            sources=sources,
        )
    return _result(claim, Verdict.SUPPORTED, f"every field matches; {whose}", sources=sources)


def _printed_author(authors: str) -> tuple[str, str]:
    surname, _, rest = authors.partition(",")
    initials = "".join(ch for ch in rest.replace("et al.", "") if ch.isupper())
    return surname.strip(), initials


def _reference_authors(reference: dict[str, Any], data: AuditData) -> ClaimVerdict:
    claim = _reference_claim(reference, "authors")
    study = _matching_study(data, reference)
    if study is None:
        return _unmatched(claim, reference)
    surname, initials = _printed_author(reference["authors"])
    verified = [a for a in study.get("authors", []) if a != "et al."]
    sources = [f"{CLAIMS_FILE} reference {reference['position']}", study_ref(study)]
    note = reference.get("auditor_note", "")
    if not verified:
        return _result(
            claim,
            Verdict.NOT_CHECKABLE,
            f"the sources give no authors for {study.id}",
            sources=sources,
        )
    first_surname, _, first_initials = verified[0].rpartition(" ")
    listed = ", ".join(verified)
    named = any(a.rpartition(" ")[0] == surname for a in verified)
    if not study.get("authors_confirmed", True):
        evidence = (
            f"the authors of {study.id} are unconfirmed: {study.get('authors_note', '')} "
            f"Working attribution: {listed}; it "
            + ("includes" if named else "does not include")
            + f" {surname}"
        )
        if note:
            evidence += f"; {note}"
        return _result(claim, Verdict.NOT_CHECKABLE, evidence, sources=sources)
    if surname != first_surname or (initials and not first_initials.startswith(initials)):
        return _result(
            claim,
            Verdict.CITATION_ERROR,
            f"first author printed {surname} {initials}, verified {verified[0]} ({listed})",
            sources=sources,
        )
    return _result(
        claim,
        Verdict.SUPPORTED,
        f"first author {verified[0]} as verified ({listed})",
        sources=sources,
    )


# --- entry points -----------------------------------------------------------------------------


def evaluate(claim: dict[str, Any], data: AuditData) -> ClaimVerdict:
    """The verdict on one claim of ``claims.toml``, by the rule its ``check`` names."""
    try:
        rule = _RULES[claim["check"]]
    except KeyError:
        raise ReanalysisError(
            f"claim {claim.get('id')!r}: check must be one of {', '.join(_RULES)}, "
            f"got {claim.get('check')!r}"
        ) from None
    try:
        return rule(claim, data)
    except KeyError as error:
        raise ReanalysisError(
            f"claim {claim['id']!r} ({claim['check']}): missing key {error.args[0]!r}"
        ) from None


def audit(data_dir: str | Path) -> tuple[ClaimVerdict, ...]:
    """Every claim and every reference of ``data_dir/claims.toml``, each with its verdict."""
    return evaluate_all(load_audit_data(data_dir))


def evaluate_all(data: AuditData) -> tuple[ClaimVerdict, ...]:
    """:func:`audit` on data already loaded by :func:`load_audit_data`."""
    verdicts = [evaluate(claim, data) for claim in data.claims]
    for reference in data.references:
        verdicts.append(_reference_locator(reference, data))
        verdicts.append(_reference_authors(reference, data))
    return tuple(verdicts)
