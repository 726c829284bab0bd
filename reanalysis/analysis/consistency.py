"""Every consistency check of :mod:`reanalysis.stats.checks`, applied to all the data.

:func:`consistency_checks` reads a data directory (every ``*.csv`` trial file,
``studies.toml`` and ``claims.toml``, through :func:`reanalysis.analysis.claims.load_audit_data`)
and applies each check wherever the data allow it, with no list of rows in the code: a
new trial file or a new reported result is checked as soon as it is in the directory.
The checks, in the order returned:

a. every reported p-value of ``studies.toml``: a one-arm test against the paired t-test
   (:func:`reanalysis.stats.checks.recompute_within_arm_p`), a two-arm test against Student's
   t on change (:func:`reanalysis.stats.checks.recompute_between_arm_p`); a test that cannot
   be rebuilt from the rows (an arm without values, no trial file, no judged pre–post r)
   gives ``cannot tell`` and says why;
b. baseline balance (:func:`reanalysis.stats.checks.baseline_balance`) of every pair of arms
   with week-0 rows of the same study and outcome;
c. agreement of every pair of reports of one cohort (same file, arm, outcome and week,
   different study) on the mean and the spread
   (:func:`reanalysis.stats.checks.cross_report_agreement`), at the printed precision;
d. SD or SE (:func:`reanalysis.stats.checks.sd_or_se`) for every row whose outcome has a
   plausible SD range in ``claims.toml``;
e. every estradiol row against every estradiol cut-off a study records
   (``threshold_estradiol_pg_ml``), by :func:`reanalysis.stats.checks.threshold_check`.

Within each part the order is that of the files: studies and reported results as in
``studies.toml``, trial files by name, rows by line. Each result's ``name`` says the
check and the rows (``cross_report_mean: burnett2009 vs burnett2009_companion,
anastrozole, total_testosterone, week 0``); its ``sources`` give ``file:line`` of each
row with the publication the row cites, and the ``studies.toml`` or ``claims.toml``
entry the check used.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import combinations
from pathlib import Path

from reanalysis.analysis.claims import (
    CLAIMS_FILE,
    AuditData,
    between_arm_p_check,
    cross_report_checks,
    load_audit_data,
    reported_weeks,
    row_ref,
    row_sources,
    sd_check,
    study_ref,
    within_arm_p_check,
)
from reanalysis.analysis.plausible import plausible_for
from reanalysis.data.studies import ReportedResult, Study
from reanalysis.data.trials import Measurement, Trial
from reanalysis.errors import ReanalysisError
from reanalysis.stats.checks import RELATIONS, CheckResult, baseline_balance, threshold_check
from reanalysis.stats.units import conversion_factor, convert

# The studies.toml field holding a study's estradiol cut-off, and the unit it is in.
THRESHOLD_FIELD = "threshold_estradiol_pg_ml"
THRESHOLD_OUTCOME = "estradiol"
THRESHOLD_UNIT = "pg/mL"


def _week(week: float) -> str:
    return f"{week:g}"


def _cannot_tell(name: str, why: str, sources: tuple[str, ...]) -> CheckResult:
    return CheckResult(
        name=name, verdict="cannot tell", evidence=why, assumptions=(), sources=sources
    )


def _convertible(outcome: str, from_unit: str, to_unit: str) -> bool:
    try:
        conversion_factor(outcome, from_unit, to_unit)
    except ReanalysisError:
        return False
    return True


# --- a. reported p-values ---------------------------------------------------------------


def _trial_of(data: AuditData, study: Study) -> Trial | None:
    data_file = study.get("data_file")
    return data.trials.get(Path(data_file).stem) if data_file else None


def _arm_rows(trial: Trial, study: Study, outcome: str, arm: str) -> dict[float, Measurement]:
    # Only the study's own rows: another report of the cohort may differ in analysis set.
    return {
        m.week: m for m in trial.rows if (m.study, m.outcome, m.arm) == (study.id, outcome, arm)
    }


def _reported_p(data: AuditData, study: Study, result: ReportedResult) -> CheckResult:
    kind = {1: "within_arm_p", 2: "between_arm_p"}.get(len(result.arms), "reported_p")
    from_week, week = reported_weeks(study, result)
    label = f"{study.id} {result.id}, {' vs '.join(result.arms)}, {result.outcome}"
    published = (f"{study_ref(study)}: {result.source}",)
    printed = f"P {result.relation} {result.value:g}"

    def unchecked(why: str, sources: tuple[str, ...] = ()) -> CheckResult:
        span = f"week {_week(from_week)} → " + (_week(week) if week is not None else "end")
        return _cannot_tell(f"{kind}: {label}, {span}", f"{printed}: {why}", (*sources, *published))

    if kind == "reported_p":
        return unchecked(f"a test of {len(result.arms)} arms cannot be rebuilt from two-arm tests")
    if result.statistic != "p" or result.relation not in RELATIONS or not 0 < result.value < 1:
        return unchecked(
            f"only a p-value printed as P {' or '.join(RELATIONS)} a value in (0, 1) can be "
            f"recomputed (statistic {result.statistic!r})"
        )
    trial = _trial_of(data, study)
    if trial is None:
        return unchecked(f"{study.id} has no trial file (data_file) in the data directory")
    by_arm = {arm: _arm_rows(trial, study, result.outcome, arm) for arm in result.arms}
    empty = [arm for arm, rows in by_arm.items() if not rows]
    if empty:
        return unchecked(
            f"{trial.path.name} has no {result.outcome} values of {study.id} for "
            f"{', '.join(empty)} (unpublished, or not encoded)",
            (trial.path.name,),
        )
    inferred = ()
    if week is None:
        # The entry names no week: the test is taken at the last visit every arm reports.
        common = set.intersection(*(set(rows) for rows in by_arm.values()))
        later = [w for w in common if w > from_week]
        if not later:
            return unchecked(
                f"the arms share no visit after week {_week(from_week)}", (trial.path.name,)
            )
        week = max(later)
        inferred = (
            f"the reported test names no week; taken as the last visit with values "
            f"for every arm (week {_week(week)})",
        )
    missing = [
        f"{arm} at week {_week(w)}"
        for arm, rows in by_arm.items()
        for w in (from_week, week)
        if w not in rows
    ]
    name = f"{kind}: {label}, week {_week(from_week)} → {_week(week)}"
    if missing or week == from_week:
        why = f"no row of {', '.join(missing)}" if missing else "both weeks are the same visit"
        return _cannot_tell(
            name, f"{printed}: {why} in {trial.path.name}", (trial.path.name, *published)
        )
    plausible = plausible_for(data.dataset.settings, result.outcome)
    if plausible is None:
        why = f"no judged plausible pre–post correlation for {result.outcome}"
        return _cannot_tell(name, f"{printed}: {why}", (trial.path.name, *published))
    pairs = [(rows[from_week], rows[week]) for rows in by_arm.values()]
    if kind == "within_arm_p":
        check = within_arm_p_check(*pairs[0], result, plausible)
    else:
        check = between_arm_p_check(pairs[0], pairs[1], result, plausible)
    rows = [m for pair in pairs for m in pair]
    return replace(
        check,
        name=name,
        assumptions=(*check.assumptions, *inferred),
        sources=(*row_sources(trial, rows), *published),
    )


def _reported_p_checks(data: AuditData) -> list[CheckResult]:
    return [
        _reported_p(data, study, result)
        for study in data.studies.values()
        for result in study.reported
    ]


# --- b. baseline balance -----------------------------------------------------------------


def _baseline_checks(data: AuditData) -> list[CheckResult]:
    extreme = data.parameters["baseline_extreme_p"]
    results = []
    for trial in data.trials.values():
        for study in trial.studies:
            for outcome in trial.outcomes:
                baselines = [
                    m for m in trial.rows if (m.study, m.outcome, m.week) == (study, outcome, 0)
                ]
                for first, second in combinations(baselines, 2):
                    # Treatment first when the pair mixes roles: the difference reads
                    # treatment − control.
                    a, b = (second, first) if first.role == "control" else (first, second)
                    check = baseline_balance(a.mean, a.sd, a.n, b.mean, b.sd, b.n, extreme=extreme)
                    results.append(
                        replace(
                            check,
                            name=f"baseline_balance: {study}, {a.arm} vs {b.arm}, {outcome}, "
                            "week 0",
                            sources=row_sources(trial, [a, b]),
                        )
                    )
    return results


# --- c. one cohort in two reports -------------------------------------------------------


def _cross_pair(trial: Trial, a: Measurement, b: Measurement) -> list[CheckResult]:
    label = f"{a.study} vs {b.study}, {a.arm}, {a.outcome}, week {_week(a.week)}"
    sources = row_sources(trial, [a, b])
    if not _convertible(a.outcome, a.unit, b.unit):
        return [
            _cannot_tell(
                f"cross_report: {label}",
                f"{a.unit} and {b.unit} of {a.outcome} cannot be converted into each other",
                sources,
            )
        ]
    if a.sd_from_se == b.sd_from_se:
        # Two printed SDs, or two printed SEs of the same men, compare directly.
        columns = ("mean", "se" if a.sd_from_se else "sd")
        spread = []
    else:
        columns = ("mean",)
        printed_se = row_ref(trial, a if a.sd_from_se else b)
        spread = [
            _cannot_tell(
                f"cross_report_sd: {label}",
                f"{printed_se} printed an SE and the other row an SD; comparing them needs n, "
                "which the check does not assume",
                sources,
            )
        ]
    checks = [
        replace(check, name=f"{check.name}: {label}")
        for check in cross_report_checks(trial, a, b, columns)
    ]
    return checks + spread


def _cross_report_checks(data: AuditData) -> list[CheckResult]:
    results = []
    for trial in data.trials.values():
        for a, b in combinations(trial.rows, 2):
            same = (a.arm, a.outcome, a.week) == (b.arm, b.outcome, b.week)
            if same and a.study != b.study:
                results += _cross_pair(trial, a, b)
    return results


# --- d. SD or SE ------------------------------------------------------------------------


def _row_label(m: Measurement) -> str:
    return f"{m.study}, {m.arm}, {m.outcome}, week {_week(m.week)}"


def _sd_checks(data: AuditData) -> list[CheckResult]:
    results = []
    for trial in data.trials.values():
        for m in trial.rows:
            # A ± the source labelled an SE needs no reading; an outcome with no
            # plausible SD range has nothing to read it against.
            if m.sd_from_se or m.outcome not in data.plausible_sd:
                continue
            name = f"sd_or_se: {_row_label(m)}"
            plausible_unit = data.plausible_sd[m.outcome]["unit"]
            if not _convertible(m.outcome, plausible_unit, m.unit):
                results.append(
                    _cannot_tell(
                        name,
                        f"the plausible SD range is in {plausible_unit}, which does not "
                        f"convert to the row's {m.unit}",
                        (*row_sources(trial, [m]), f"{CLAIMS_FILE} [plausible_sd.{m.outcome}]"),
                    )
                )
                continue
            check = sd_check(data, trial, m)
            # sd_check names the row by file:line alone; add the publication it cites.
            results.append(
                replace(check, name=name, sources=(*row_sources(trial, [m]), *check.sources[1:]))
            )
    return results


# --- e. thresholds ----------------------------------------------------------------------


def _threshold_checks(data: AuditData) -> list[CheckResult]:
    results = []
    material = data.parameters["material_share"]
    for study in data.studies.values():
        threshold = study.get(THRESHOLD_FIELD)
        if threshold is None:
            continue
        cited = f"{study_ref(study)}: {THRESHOLD_FIELD} ({study.get('threshold_statement', '')})"
        for trial in data.trials.values():
            for m in (m for m in trial.rows if m.outcome == THRESHOLD_OUTCOME):
                name = (
                    f"threshold: {_row_label(m)}, cut-off {threshold:g} {THRESHOLD_UNIT} "
                    f"({study.id})"
                )
                sources = (*row_sources(trial, [m]), cited)
                if not _convertible(m.outcome, m.unit, THRESHOLD_UNIT):
                    results.append(
                        _cannot_tell(
                            name, f"{m.unit} does not convert to {THRESHOLD_UNIT}", sources
                        )
                    )
                    continue
                mean = convert(m.mean, m.outcome, m.unit, THRESHOLD_UNIT)
                sd = convert(m.sd, m.outcome, m.unit, THRESHOLD_UNIT)
                check = threshold_check(threshold, mean, sd, material_share=material)
                evidence, assumptions = check.evidence, check.assumptions
                if m.unit != THRESHOLD_UNIT:
                    evidence = f"{m.mean:g} ± {m.sd:g} {m.unit} in {THRESHOLD_UNIT}: {evidence}"
                    assumptions = (
                        *assumptions,
                        f"{m.unit} converted by molar mass (trials.convert)",
                    )
                results.append(
                    replace(
                        check,
                        name=name,
                        evidence=evidence,
                        assumptions=assumptions,
                        numbers={
                            **check.numbers,
                            "mean": mean,
                            "sd": sd,
                            "threshold": threshold,
                            "week": m.week,
                        },
                        sources=sources,
                    )
                )
    return results


# --- entry point ---------------------------------------------------------------------------


def consistency_checks(data_dir: str | Path) -> tuple[CheckResult, ...]:
    """Every consistency check the data in ``data_dir`` allow, in a fixed order (see above)."""
    return checks_of(load_audit_data(data_dir))


def checks_of(data: AuditData) -> tuple[CheckResult, ...]:
    """:func:`consistency_checks` on data already loaded by ``claims.load_audit_data``."""
    return (
        *_reported_p_checks(data),
        *_baseline_checks(data),
        *_cross_report_checks(data),
        *_sd_checks(data),
        *_threshold_checks(data),
    )
