"""Rules that set a claim against trial rows: printed values, changes, significance.

Each rule takes its typed parameters (:mod:`reanalysis.data.claim_params`; the study,
outcome, arms and weeks were checked against the folder when it was loaded) and the
:class:`~reanalysis.analysis.claims.verdicts.AuditData`, and returns a
:class:`~reanalysis.analysis.claims.verdicts.ClaimVerdict`.
"""

from __future__ import annotations

from dataclasses import replace

from reanalysis.analysis.claims.row_checks import (
    between_arm_p_check,
    cohort,
    cross_report_checks,
    prepost,
    sd_check,
    trial_of,
    within_arm_p_check,
)
from reanalysis.analysis.claims.verdicts import (
    AuditData,
    ClaimVerdict,
    Verdict,
    result,
    with_caveats,
)
from reanalysis.data.claim_params import (
    ArmChanges,
    ArmDirection,
    BetweenArmSignificance,
    NotPublished,
    TableValue,
)
from reanalysis.data.folder import row_ref, row_sources, study_ref
from reanalysis.data.studies import RemainedStable, Study
from reanalysis.data.trials import Measurement, Trial
from reanalysis.errors import ReanalysisError
from reanalysis.stats.checks import CheckResult, baseline_balance, printed_decimals


def _trial(data: AuditData, study: Study) -> Trial:
    trial = trial_of(data, study)
    if trial is None:
        # Only reachable with AuditData built by hand: check_references refuses it on load.
        raise ReanalysisError(f"study {study.id!r}: no trial file (data_file) in the folder")
    return trial


def _value(m: Measurement) -> str:
    return f"{m.printed} {m.unit} at {m.timepoint}"


def _inferred(study: Study, outcome: str, week: float) -> str | None:
    for entry in study.meta.inferred_timepoints:
        if entry.outcome == outcome and entry.week == week:
            return entry.reasoning
    return None


def _stable(
    study: Study, outcome: str, arm: str, weeks: tuple[float, float]
) -> RemainedStable | None:
    """The study's statement that the arm's value stayed the same across both weeks."""
    for entry in study.meta.remained_stable:
        inside = all(entry.from_week <= w <= entry.to_week for w in weeks)
        if (entry.outcome, entry.arm) == (outcome, arm) and inside:
            return entry
    return None


def _cross_checks(trial: Trial, m: Measurement, molar_mass: float | None) -> list[CheckResult]:
    """The row against the same arm, outcome and week in other reports of the cohort."""
    return [
        checked
        for other in trial.rows
        if (other.outcome, other.arm, other.week) == (m.outcome, m.arm, m.week)
        and other.study != m.study
        for checked in cross_report_checks(trial, m, other, molar_mass)
    ]


def _split_printed(printed: str) -> tuple[str, str]:
    mean, _, spread = printed.partition("±")
    return mean.strip(), spread.strip()


def _matches(value: float, printed: str) -> bool:
    # The source row prints as the article's number at the article's precision.
    half = 0.5 * 10.0 ** -printed_decimals(printed)
    return abs(value - float(printed)) <= half * (1 + 1e-9)


def table_value(spec: TableValue, data: AuditData) -> ClaimVerdict:
    """The printed mean ± SD must match a source row at the labelled week.

    A match at another week makes the label wrong: ``mislabelled timepoint`` when the
    study records that the value ``remained_stable`` across both weeks (the value is
    then probably right), else ``contradicted``. An inferred timepoint, a second report
    that disagrees after unit conversion, or a ± that may be an SE are caveats.
    """
    study = data.studies[spec.study]
    trial = _trial(data, study)
    mean_text, sd_text = _split_printed(spec.printed)
    rows = trial.series(spec.outcome, spec.arm, study.id)
    week = spec.label_week
    matches = [m for m in rows if _matches(m.mean, mean_text) and _matches(m.sd, sd_text)]
    if not matches:
        listed = "; ".join(f"{_value(m)} [{row_ref(trial, m)}]" for m in rows) or "none"
        return result(
            spec,
            Verdict.CONTRADICTED,
            f"no {study.id} row of {spec.outcome} ({spec.arm}) prints {spec.printed}; the "
            f"source rows are: {listed}",
            sources=row_sources(trial, list(rows)),
        )
    m = matches[0]
    molar_mass = data.settings.outcome(m.outcome).molar_mass
    checked = (
        sd_check(data.plausible_sd, trial, m, molar_mass),
        *_cross_checks(trial, m, molar_mass),
    )
    checks = [c for c in checked if c]
    sources = [f"{row_ref(trial, m)} ({m.source})", *(s for c in checks for s in c.sources)]
    if m.week != week:
        at_label = [r for r in rows if r.week == week]
        elsewhere = (
            f"at week {week:g} the source gives {_value(at_label[0])} "
            f"[{row_ref(trial, at_label[0])}]"
            if at_label
            else f"the source has no week-{week:g} value of {spec.outcome} for this arm"
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
        evidence = (
            f"printed as '{spec.label}' (week {week:g}), but {spec.printed} is the "
            f"{m.timepoint} value (week {m.week:g}) [{row_ref(trial, m)}]; {elsewhere}{also}"
        )
        stable = None if at_label else _stable(study, spec.outcome, spec.arm, (m.week, week))
        if stable is None:
            return result(
                spec,
                Verdict.CONTRADICTED,
                evidence,
                details=[c.evidence for c in checks],
                sources=sources,
                checks=checks,
            )
        said = (
            f"{study.id} says {data.settings.label(spec.outcome)} ({spec.arm}) remained stable "
            f"from week {stable.from_week:g} to week {stable.to_week:g} ({stable.source})"
        )
        return result(
            spec,
            Verdict.MISLABELLED,
            f"{evidence}; the label is wrong but the value is probably right at week "
            f"{week:g}: {said}",
            details=[c.evidence for c in checks],
            sources=[*sources, f"{study_ref(study)}: {stable.source}"],
            checks=checks,
            premises=[f"the week-{week:g} value rests on the statement that it remained stable"],
        )
    caveats, premises = [], []
    reasoning = _inferred(study, m.outcome, m.week)
    if reasoning:
        caveats.append(f"timepoint inferred: {reasoning}")
        premises.append(f"the week-{m.week:g} timepoint is inferred")
    caveats += [f"{c.name}: {c.evidence}" for c in checks if c.verdict != "consistent"]
    evidence = f"matches {_value(m)} [{row_ref(trial, m)}]"
    if caveats:
        evidence += "; caveats: " + "; ".join(caveats)
    return result(
        spec,
        with_caveats(caveats),
        evidence,
        details=[c.evidence for c in checks],
        sources=[*sources, study_ref(study)],
        checks=checks,
        premises=premises,
    )


def not_published(spec: NotPublished, data: AuditData) -> ClaimVerdict:
    """ "Not specified by the source" holds when a report of the cohort records the gap.

    A missing row alone is not evidence (the CSV may simply not encode it): the verdict
    needs a ``not_reported`` entry of ``studies.toml`` citing the paper, else it is not
    checkable. A row of the arm and outcome contradicts the claim.
    """
    study = data.studies[spec.study]
    trial = _trial(data, study)
    rows = [m for m in trial.rows if m.outcome == spec.outcome and m.arm == spec.arm]
    if rows:
        return result(
            spec,
            Verdict.CONTRADICTED,
            f"the source does give {spec.outcome} for {spec.arm}: "
            + "; ".join(f"{_value(m)} [{row_ref(trial, m)}]" for m in rows),
            sources=row_sources(trial, rows),
        )
    reports = cohort(data, study)
    names = ", ".join(s.id for s in reports)
    recorded = [
        (s, e)
        for s in reports
        for e in s.meta.not_reported
        if (e.arm, e.outcome) == (spec.arm, spec.outcome)
    ]
    if not recorded:
        return result(
            spec,
            Verdict.NOT_CHECKABLE,
            f"{trial.path.name} has no {spec.outcome} row for the {spec.arm} arm, but no report "
            f"of the cohort ({names}) records that the paper leaves it out (not_reported); a "
            "missing row alone does not show that the paper gives no value",
            sources=[trial.path.name, *(study_ref(s) for s in reports)],
        )
    present = sorted({m.outcome for m in trial.rows if m.arm == spec.arm})
    said = "; ".join(f"{s.id}: {e.source} ({e.scope})" for s, e in recorded)
    abstract_only = all(e.scope == "abstract" for _, e in recorded)
    return result(
        spec,
        Verdict.SUPPORTED,
        f"the cohort's reports give no {spec.outcome} for the {spec.arm} arm ({said}); "
        f"{trial.path.name} has rows of that arm only for {', '.join(present)}",
        sources=[trial.path.name, *(f"{study_ref(s)}: {e.source}" for s, e in recorded)],
        premises=["only the abstract was read: the full text may give it"] if abstract_only else [],
    )


def _sign(change: float) -> str:
    return "increase" if change > 0 else "decrease" if change < 0 else "no change"


def _balance(data: AuditData, trial: Trial, first: Measurement, second: Measurement):
    balance = baseline_balance(
        first.mean,
        first.sd,
        first.n,
        second.mean,
        second.sd,
        second.n,
        extreme=data.parameters.baseline_extreme_p,
    )
    return replace(balance, sources=(row_ref(trial, first), row_ref(trial, second)))


def arm_changes(spec: ArmChanges, data: AuditData) -> ClaimVerdict:
    """The sign of each arm's change from week 0 to ``week`` in the source rows."""
    study = data.studies[spec.study]
    trial = _trial(data, study)
    rows, found, wrong, untested = [], [], [], []
    for arm, direction in spec.directions.items():
        before = trial.measurement(spec.outcome, arm, 0, study.id)
        after = trial.measurement(spec.outcome, arm, spec.week, study.id)
        rows += [before, after]
        change = after.mean - before.mean
        found.append(f"{arm} {change:+.4g} {after.unit} ({_sign(change)})")
        if _sign(change) != direction:
            wrong.append(f"{arm}: claimed {direction}, source {_sign(change)}")
        tested = [
            r
            for s in cohort(data, study)
            for r in s.reported
            if r.outcome == spec.outcome and r.arms == (arm,)
        ]
        if not tested:
            untested.append(arm)
    checks = [_balance(data, trial, rows[0], rows[2])] if len(rows) > 2 else []
    if wrong:
        return result(
            spec,
            Verdict.CONTRADICTED,
            "; ".join(wrong),
            sources=row_sources(trial, rows),
            checks=checks,
        )
    caveats = []
    if untested:
        caveats.append(f"no within-arm test of change is reported for {', '.join(untested)}")
    caveats += [f"baseline gap between arms: {c.evidence}" for c in checks]
    evidence = f"changes to week {spec.week:g}: " + "; ".join(found)
    if caveats:
        evidence += "; caveats: " + "; ".join(caveats)
    return result(
        spec,
        with_caveats(caveats),
        evidence,
        sources=[*row_sources(trial, rows), study_ref(study)],
        checks=checks,
    )


def between_arm_significance(spec: BetweenArmSignificance, data: AuditData) -> ClaimVerdict:
    """The reported P must be below the significance level, the difference in change signed.

    The recomputed p (implied r), an assumed n, an unnamed test and an inferred
    timepoint are caveats.
    """
    study = data.studies[spec.study]
    trial = _trial(data, study)
    reported = next(r for r in study.reported if r.id == spec.reported)
    outcome, week = reported.outcome, spec.week
    arms = (spec.treatment_arm, spec.control_arm)
    rows = [trial.measurement(outcome, arm, w, study.id) for arm in arms for w in (0, week)]
    treatment, control = prepost(rows[0], rows[1]), prepost(rows[2], rows[3])
    difference = treatment.mean_change - control.mean_change
    sources = [*row_sources(trial, rows), f"{study_ref(study)}: {reported.source}"]
    printed_p = f"P {reported.relation} {reported.value:g}"
    alpha = data.parameters.significance_level
    if _sign(difference) != spec.direction:
        return result(
            spec,
            Verdict.CONTRADICTED,
            f"difference in change {difference:+.4g} {rows[0].unit} is a {_sign(difference)}, "
            f"not a {spec.direction}",
            sources=sources,
        )
    if reported.relation in ("=", ">", ">=") and reported.value >= alpha:
        return result(
            spec,
            Verdict.CONTRADICTED,
            f"the source reports {printed_p}, not below {alpha:g}",
            sources=sources,
        )
    if reported.relation in (">", ">="):
        return result(
            spec,
            Verdict.NOT_SUPPORTED,
            f"the source reports {printed_p}, which does not show P below {alpha:g}",
            sources=sources,
        )
    plausible = data.settings.outcome(outcome).plausible
    recomputed = between_arm_p_check((rows[0], rows[1]), (rows[2], rows[3]), reported, plausible)
    recomputed = replace(recomputed, sources=tuple(sources))
    balance = _balance(data, trial, rows[0], rows[2])
    caveats, premises = [], []
    if any(m.n_assumed for m in rows):
        caveats.append(f"per-arm n assumed ({treatment.n}/{control.n}), not published")
    if "not named" in reported.test:
        caveats.append(f"test {reported.test}")
    if _inferred(study, outcome, week):
        caveats.append(f"end-of-study timepoint inferred (week {week:g})")
        premises.append(f"the week-{week:g} timepoint is inferred")
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
    return result(
        spec,
        with_caveats(caveats),
        evidence,
        details=[recomputed.evidence, balance.evidence],
        sources=sources,
        checks=[recomputed, balance],
        premises=premises,
    )


def direction(spec: ArmDirection, data: AuditData) -> ClaimVerdict:
    """The sign of one arm's change between two weeks, and the tests reported for it."""
    study = data.studies[spec.study]
    trial = _trial(data, study)
    outcome, arm = spec.outcome, spec.arm
    found = {m.week: m for m in trial.series(outcome, arm, study.id)}
    before, after = found.get(spec.from_week), found.get(spec.to_week)
    if before is None or after is None:
        weeks = ", ".join(f"{w:g}" for w in found)
        return result(
            spec,
            Verdict.NOT_CHECKABLE,
            f"{study.id} gives {outcome} for {arm} only at weeks {weeks}, not at both "
            f"{spec.from_week:g} and {spec.to_week:g}",
            sources=row_sources(trial, list(found.values())),
        )
    change = after.mean - before.mean
    sources = list(row_sources(trial, [before, after]))
    if _sign(change) != spec.direction:
        return result(
            spec,
            Verdict.CONTRADICTED,
            f"{_value(before)} → {_value(after)} is a {_sign(change)}",
            sources=sources,
        )
    plausible = data.settings.outcome(outcome).plausible
    checks, others = [], []
    for report in cohort(data, study):
        for reported in report.reported:
            if reported.outcome != outcome or reported.arms != (arm,):
                continue
            described = (
                f"{report.id}: {reported.comparison}, P {reported.relation} {reported.value:g}"
            )
            sources.append(f"{study_ref(report)}: {reported.source}")
            same_span = (reported.from_week, reported.week) == (spec.from_week, spec.to_week)
            if report.id == study.id and same_span:
                checked = within_arm_p_check(before, after, reported, plausible)
                checks.append(replace(checked, sources=tuple(sources[:2])))
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
    return result(
        spec,
        with_caveats(caveats),
        evidence,
        details=[c.evidence for c in checks],
        sources=sources,
        checks=checks,
    )
