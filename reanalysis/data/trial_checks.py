"""Checks across the rows of a trial file: roles, units, duplicates and baselines.

Run by :func:`reanalysis.data.trials.load_trial` once every row has been read
(:mod:`reanalysis.data.trial_rows`); the first problem raises
:class:`~reanalysis.errors.ReanalysisError` naming the file and the line.

Choices recorded here:

* An arm has one role in the whole file.
* One file may hold several reports of one cohort (``study`` names the report). Units
  must agree within a study × outcome; duplicates are judged within study × arm ×
  outcome × timepoint (and × week).
* An outcome may have no baseline rows at all (follow-up values only), but then at least
  two arms must report it at that week; where some arm has a baseline row, every arm
  without a printed change needs one.
"""

from __future__ import annotations

from pathlib import Path

from reanalysis.data.trial_rows import Measurement, _format_week
from reanalysis.errors import ReanalysisError


def _check_consistency(path: Path, rows: list[Measurement]) -> None:
    roles: dict[str, Measurement] = {}
    units: dict[tuple[str, str], Measurement] = {}
    seen_timepoint: dict[tuple[str, str, str, str], Measurement] = {}
    seen_week: dict[tuple[str, str, str, float], Measurement] = {}
    for m in rows:
        where = f"{path}: line {m.row}"
        first = roles.setdefault(m.arm, m)
        if first.role != m.role:
            raise ReanalysisError(
                f"{where}, column 'role': arm {m.arm!r} is {first.role!r} on line {first.row}, "
                f"got {m.role!r}"
            )
        first = units.setdefault((m.study, m.outcome), m)
        if first.unit != m.unit:
            raise ReanalysisError(
                f"{where}, column 'unit': mixed units for {m.outcome!r} in study {m.study!r}: "
                f"{first.unit!r} on line {first.row}, {m.unit!r} here; convert to one unit"
            )
        for seen, key, label in (
            (
                seen_timepoint,
                (m.study, m.arm, m.outcome, m.timepoint),
                f"timepoint {m.timepoint!r}",
            ),
            (seen_week, (m.study, m.arm, m.outcome, m.week), f"week {_format_week(m.week)}"),
        ):
            first = seen.setdefault(key, m)
            if first is not m:
                raise ReanalysisError(
                    f"{where}: duplicate row for study {m.study!r}, arm {m.arm!r}, outcome "
                    f"{m.outcome!r}, {label} (first on line {first.row}); expected one row each"
                )
    _check_baselines(path, rows)


def _check_baselines(path: Path, rows: list[Measurement]) -> None:
    """Every follow-up row needs its arm's baseline row, unless it prints the change itself
    or the outcome is printed at follow-up only (no arm has a baseline row, and another arm
    reports it at that week to compare with)."""
    baselines = {(m.study, m.arm, m.outcome) for m in rows if m.week == 0}
    with_baseline = {(m.study, m.outcome) for m in rows if m.week == 0}
    at_week = {}
    for m in rows:
        at_week.setdefault((m.study, m.outcome, m.week), set()).add(m.arm)
    for m in rows:
        where = f"{path}: line {m.row}"
        if (m.study, m.arm, m.outcome) in baselines:
            continue
        if m.r is not None:
            raise ReanalysisError(
                f"{where}, column 'r': arm {m.arm!r} has no baseline (week 0) row for "
                f"{m.outcome!r}; a pre–post correlation needs one"
            )
        if m.change_mean is not None:
            continue
        if (m.study, m.outcome) in with_baseline:
            raise ReanalysisError(
                f"{where}, column 'week': arm {m.arm!r} has no baseline (week 0) row for "
                f"{m.outcome!r} in study {m.study!r}, while other arms do; expected one (or "
                "the change from baseline in change_mean)"
            )
        if len(at_week[(m.study, m.outcome, m.week)]) < 2:
            raise ReanalysisError(
                f"{where}, column 'week': arm {m.arm!r} has no baseline (week 0) row for "
                f"{m.outcome!r} in study {m.study!r} and no other arm reports it at week "
                f"{_format_week(m.week)}; expected a baseline row, a change from baseline "
                "(change_mean) or a second arm to compare with"
            )
