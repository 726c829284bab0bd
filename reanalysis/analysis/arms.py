"""Arms of a trial file as the statistics core reads them.

The statistics core takes an arm as :class:`reanalysis.stats.effects.PrePost` (n, and
mean and SD at baseline and at follow-up); this module is the one place that builds it
from the rows of a trial file.
"""

from __future__ import annotations

from collections.abc import Iterable

from reanalysis.data.trials import Measurement, Trial
from reanalysis.stats.effects import PrePost


def prepost_from_rows(baseline: Measurement, followup: Measurement) -> PrePost:
    """The arm's :class:`PrePost` from its baseline row and one follow-up row.

    n is the follow-up row's n: the participants analysed at follow-up (completers),
    who are the ones whose change from baseline is summarized.
    """
    return PrePost(followup.n, baseline.mean, baseline.sd, followup.mean, followup.sd)


def prepost_at(
    trial: Trial, outcome: str, arm: str, week: float, study: str | None = None
) -> tuple[PrePost, Measurement]:
    """The arm's :class:`PrePost` from baseline to ``week``, and its follow-up row.

    The follow-up row carries what the numbers do not: unit, role and whether n is
    assumed. Raises ReanalysisError when either row is missing.
    """
    baseline = trial.measurement(outcome, arm, 0.0, study)
    followup = trial.measurement(outcome, arm, week, study)
    return prepost_from_rows(baseline, followup), followup


def comparison_rows(
    trial: Trial, study: str, outcome: str, arms: Iterable[str], week: float
) -> list[Measurement]:
    """The rows of ``arms`` at baseline and at ``week``, in file order (a result's sources)."""
    arms = set(arms)
    return [
        m
        for m in trial.rows
        if m.study == study and m.outcome == outcome and m.arm in arms and m.week in (0, week)
    ]
