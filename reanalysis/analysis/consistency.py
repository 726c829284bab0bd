"""Every consistency check of :mod:`reanalysis.stats.checks`, applied to all the data.

:func:`checks_of` reads a :class:`~reanalysis.data.folder.Dataset` (every ``*.csv`` trial
file, ``studies.toml``, ``claims.toml`` for its parameters and plausible SD ranges, and
``analysis.toml`` for each outcome's plausible pre–post r and cut-off) and applies each
check wherever the data allow it, with no list of rows in the code: a new trial file or a
new reported result is checked as soon as it is in the folder. The checks, in the order
returned:

a. every reported p-value of ``studies.toml``: a one-arm test against the paired t-test
   (:func:`reanalysis.stats.checks.recompute_within_arm_p`), a two-arm test against Student's
   t on change (:func:`reanalysis.stats.checks.recompute_between_arm_p`); a test that cannot
   be rebuilt from the rows (an arm without values, no trial file, no judged pre–post r in
   ``analysis.toml``) gives ``cannot tell`` and says why;
b. baseline balance (:func:`reanalysis.stats.checks.baseline_balance`) of every pair of arms
   with week-0 rows of the same study and outcome;
c. agreement of every pair of reports of one cohort (same file, arm, outcome and week,
   different study) on the mean and the spread
   (:func:`reanalysis.stats.checks.cross_report_agreement`), at the printed precision;
d. SD or SE (:func:`reanalysis.stats.checks.sd_or_se`) for every row whose outcome has a
   plausible SD range in ``claims.toml``;
e. every row of an outcome with a ``threshold`` in ``analysis.toml`` against that cut-off
   (:func:`reanalysis.analysis.claims.row_checks.share_beyond`). A material share on the
   other side of the cut-off is a finding about the people studied, not an inconsistency:
   its verdict is ``finding``.

Within each part the order is that of the files: studies and reported results as in
``studies.toml``, trial files by name, rows by line. Each result's ``name`` says the
check and the rows (``cross_report_mean: <study> vs <study>, <arm>, <outcome>, week 0``);
its ``sources`` give ``file:line`` of each row with the publication the row cites, and
the ``studies.toml``, ``claims.toml`` or ``analysis.toml`` entry the check used.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import combinations
from pathlib import Path

from reanalysis.analysis.claims.row_checks import (
    between_arm_p_check,
    cannot_tell,
    convertible,
    cross_report_checks,
    sd_check,
    share_beyond,
    trial_of,
    within_arm_p_check,
)
from reanalysis.data.claims_file import parameters_of, plausible_sd_of
from reanalysis.data.folder import (
    CLAIMS_FILE,
    Dataset,
    load_folder,
    row_ref,
    row_sources,
    study_ref,
)
from reanalysis.data.settings import SETTINGS_FILE
from reanalysis.data.studies import ReportedResult, Study
from reanalysis.data.trials import Measurement, Trial
from reanalysis.stats.checks import RELATIONS, CheckResult, baseline_balance


def _week(week: float) -> str:
    return f"{week:g}"


# --- a. reported p-values ---------------------------------------------------------------


def _arm_rows(trial: Trial, study: Study, outcome: str, arm: str) -> dict[float, Measurement]:
    # Only the study's own rows: another report of the cohort may differ in analysis set.
    return {
        m.week: m for m in trial.rows if (m.study, m.outcome, m.arm) == (study.id, outcome, arm)
    }


def _reported_p(data: Dataset, study: Study, result: ReportedResult) -> CheckResult:
    kind = {1: "within_arm_p", 2: "between_arm_p"}.get(len(result.arms), "reported_p")
    from_week, week = result.from_week, result.week
    label = f"{study.id} {result.id}, {' vs '.join(result.arms)}, {result.outcome}"
    published = (f"{study_ref(study)}: {result.source}",)
    printed = f"P {result.relation} {result.value:g}"

    def unchecked(why: str, sources: tuple[str, ...] = ()) -> CheckResult:
        span = f"week {_week(from_week)} → " + (_week(week) if week is not None else "end")
        return cannot_tell(f"{kind}: {label}, {span}", f"{printed}: {why}", (*sources, *published))

    if kind == "reported_p":
        return unchecked(f"a test of {len(result.arms)} arms cannot be rebuilt from two-arm tests")
    if result.statistic != "p" or result.relation not in RELATIONS or not 0 < result.value < 1:
        return unchecked(
            f"only a p-value printed as P {' or '.join(RELATIONS)} a value in (0, 1) can be "
            f"recomputed (statistic {result.statistic!r})"
        )
    trial = trial_of(data, study)
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
        return cannot_tell(
            name, f"{printed}: {why} in {trial.path.name}", (trial.path.name, *published)
        )
    plausible = data.settings.outcome(result.outcome).plausible
    if plausible is None:
        why = (
            f"no judged plausible pre–post correlation for {result.outcome} "
            f"({SETTINGS_FILE} [outcome.{result.outcome}] r_range)"
        )
        return cannot_tell(name, f"{printed}: {why}", (trial.path.name, *published))
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


def _reported_p_checks(data: Dataset) -> list[CheckResult]:
    return [
        _reported_p(data, study, result)
        for study in data.studies.values()
        for result in study.reported
    ]


# --- b. baseline balance -----------------------------------------------------------------


def _baseline_checks(data: Dataset) -> list[CheckResult]:
    extreme = parameters_of(data.claims_file).baseline_extreme_p
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


def _cross_pair(
    trial: Trial, a: Measurement, b: Measurement, molar_mass: float | None
) -> list[CheckResult]:
    label = f"{a.study} vs {b.study}, {a.arm}, {a.outcome}, week {_week(a.week)}"
    sources = row_sources(trial, [a, b])
    if not convertible(a.unit, b.unit, molar_mass):
        return [
            cannot_tell(
                f"cross_report: {label}",
                f"{a.unit} and {b.unit} of {a.outcome} cannot be converted into each other",
                sources,
            )
        ]
    if a.sd_from_se == b.sd_from_se:
        # Two printed SDs, or two printed SEs of the same people, compare directly.
        columns = ("mean", "se" if a.sd_from_se else "sd")
        spread = []
    else:
        columns = ("mean",)
        printed_se = row_ref(trial, a if a.sd_from_se else b)
        spread = [
            cannot_tell(
                f"cross_report_sd: {label}",
                f"{printed_se} printed an SE and the other row an SD; comparing them needs n, "
                "which the check does not assume",
                sources,
            )
        ]
    checks = [
        replace(check, name=f"{check.name}: {label}")
        for check in cross_report_checks(trial, a, b, molar_mass, columns)
    ]
    return checks + spread


def _cross_report_checks(data: Dataset) -> list[CheckResult]:
    results = []
    for trial in data.trials.values():
        for a, b in combinations(trial.rows, 2):
            same = (a.arm, a.outcome, a.week) == (b.arm, b.outcome, b.week)
            if same and a.study != b.study:
                results += _cross_pair(trial, a, b, data.settings.outcome(a.outcome).molar_mass)
    return results


# --- d. SD or SE ------------------------------------------------------------------------


def _row_label(m: Measurement) -> str:
    return f"{m.study}, {m.arm}, {m.outcome}, week {_week(m.week)}"


def _sd_checks(data: Dataset) -> list[CheckResult]:
    plausible_sd = plausible_sd_of(data.claims_file)
    results = []
    for trial in data.trials.values():
        for m in trial.rows:
            # A ± the source labelled an SE needs no reading; an outcome with no
            # plausible SD range has nothing to read it against.
            if m.sd_from_se or m.outcome not in plausible_sd:
                continue
            name = f"sd_or_se: {_row_label(m)}"
            plausible_unit = plausible_sd[m.outcome].unit
            molar_mass = data.settings.outcome(m.outcome).molar_mass
            if not convertible(plausible_unit, m.unit, molar_mass):
                results.append(
                    cannot_tell(
                        name,
                        f"the plausible SD range is in {plausible_unit}, which does not "
                        f"convert to the row's {m.unit}",
                        (*row_sources(trial, [m]), f"{CLAIMS_FILE} [plausible_sd.{m.outcome}]"),
                    )
                )
                continue
            check = sd_check(plausible_sd, trial, m, molar_mass)
            # sd_check names the row by file:line alone; add the publication it cites.
            results.append(
                replace(check, name=name, sources=(*row_sources(trial, [m]), *check.sources[1:]))
            )
    return results


# --- e. thresholds ----------------------------------------------------------------------


def _threshold_checks(data: Dataset) -> list[CheckResult]:
    material = parameters_of(data.claims_file).material_share
    results = []
    for trial in data.trials.values():
        for m in trial.rows:
            cut = data.settings.outcome(m.outcome)
            if cut.threshold is None:
                continue
            name = f"threshold: {_row_label(m)}, cut-off {cut.threshold:g} {cut.threshold_unit}"
            setting = f"{SETTINGS_FILE} [outcome.{m.outcome}] threshold"
            if cut.threshold_justification:
                setting += f" ({cut.threshold_justification})"
            check = share_beyond(m, cut, material)
            results.append(replace(check, name=name, sources=(*row_sources(trial, [m]), setting)))
    return results


# --- entry point ---------------------------------------------------------------------------


def consistency_checks(data_dir: str | Path) -> tuple[CheckResult, ...]:
    """Every consistency check the data in ``data_dir`` allow, in a fixed order (see above)."""
    return checks_of(load_folder(data_dir))


def checks_of(data: Dataset) -> tuple[CheckResult, ...]:
    """:func:`consistency_checks` on a folder already read by :func:`load_folder`."""
    return (
        *_reported_p_checks(data),
        *_baseline_checks(data),
        *_cross_report_checks(data),
        *_sd_checks(data),
        *_threshold_checks(data),
    )
