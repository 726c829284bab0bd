"""Arms of a trial file as the statistics core reads them.

The statistics core takes an arm as :class:`reanalysis.stats.effects.PrePost` (n, and
mean and SD at baseline and at follow-up); this module is the one place that builds it
from the rows of a trial file. It also turns a spread printed as a confidence interval or
a median summary into a mean and SD (:func:`converted`: the loader validates and records
the printed form, the statistics live in :mod:`reanalysis.stats.printed`), and gathers an
arm's data in whatever form the paper printed it (:class:`ArmData`): baseline and
follow-up values, a change printed as such, and the arm's own pre–post correlation; its
change from baseline (:func:`within_arm`); and the pairs of arms to compare
(:func:`arm_pairs`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace

from reanalysis.data.trials import Measurement, Trial
from reanalysis.errors import ReanalysisError
from reanalysis.stats.effects import (
    ArmChange,
    PrePost,
    arm_change,
    change_from_summary,
    change_score_sd,
    correlation_from_change_sd,
)
from reanalysis.stats.printed import mean_sd_from_median, sd_from_ci

# Where an arm's own r comes from: its row's r column, or its printed change SD together
# with its baseline and follow-up SDs (Cochrane Handbook 6.5.2.8).
R_FROM_FILE = "file"
R_FROM_CHANGE_SD = "reported"


def converted(m: Measurement) -> Measurement:
    """The row with ``mean`` and ``sd`` computed from a printed CI or median summary.

    A CI gives SD = √n·(high − low)/(2·t) (:func:`~reanalysis.stats.printed.sd_from_ci`,
    Cochrane Handbook 6.5.2.2); a median with quartiles and/or range gives the mean by Luo
    et al. (2018) and the SD by Wan et al. (2014)
    (:func:`~reanalysis.stats.printed.mean_sd_from_median`), with ``warning`` set when
    the Shi et al. (2023) test finds the printed quantiles skewed. Other rows, and rows
    already converted, are returned unchanged.
    """
    if m.sd is not None or m.spread_source is None:
        return m
    if m.ci is not None:
        return replace(m, sd=sd_from_ci(m.ci.low, m.ci.high, m.n, m.ci.level))
    q = m.median
    result = mean_sd_from_median(m.n, q.median, q.q1, q.q3, q.minimum, q.maximum)
    warning = ""
    if result.skewness_warning:
        warning = (
            f"skewed: the printed quantiles give the Shi et al. 2023 skewness statistic "
            f"{result.skewness:.3g}, at or above its 5% critical value "
            f"{result.skewness_critical:.3g} for n = {m.n}; the mean and SD, which assume "
            "normal data, may be off"
        )
    return replace(m, mean=result.mean, sd=result.sd, warning=warning)


def converted_trial(trial: Trial) -> Trial:
    """The trial with every printed CI and median summary converted (:func:`converted`)."""
    return replace(trial, rows=tuple(converted(m) for m in trial.rows))


def prepost_from_rows(baseline: Measurement, followup: Measurement) -> PrePost:
    """The arm's :class:`PrePost` from its baseline row and one follow-up row.

    n is the follow-up row's n: the participants analysed at follow-up (completers),
    who are the ones whose change from baseline is summarized. Printed CIs and medians
    are converted first (:func:`converted`).
    """
    baseline, followup = converted(baseline), converted(followup)
    for m in (baseline, followup):
        if m.mean is None:
            raise ReanalysisError(
                f"line {m.row}: arm {m.arm!r} prints only a change for {m.outcome!r} at "
                f"{m.timepoint!r}; baseline and follow-up means and SDs are needed here"
            )
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
    return prepost_from_rows(baseline, followup), converted(followup)


@dataclass(frozen=True)
class ArmData:
    """One arm's data for one outcome from baseline to one follow-up week, as printed.

    ``baseline`` is None for follow-up-only data; ``prepost`` is set when both rows print
    the value (mean and SD, converted where printed as a CI or median). ``mean_change``
    and ``change_sd`` are the change as printed (``change_sd`` None when it has to come
    from r); ``r`` is the arm's own pre–post correlation and ``r_source`` says where it
    comes from: ``file`` (the row's r column) or ``reported`` (implied by the printed
    change SD with the baseline and follow-up SDs, Cochrane Handbook 6.5.2.8).
    """

    arm: str
    role: str
    n: int
    n_assumed: bool
    baseline: Measurement | None
    followup: Measurement
    prepost: PrePost | None
    mean_change: float | None
    change_sd: float | None
    r: float | None
    r_source: str | None

    @property
    def estimated(self) -> bool:
        """Whether a mean or SD of the arm is estimated (from a median summary)."""
        return any(m is not None and m.estimated for m in (self.baseline, self.followup))

    @property
    def has_change(self) -> bool:
        """Whether the arm's change from baseline is known (printed, or from two values)."""
        return self.prepost is not None or self.mean_change is not None

    def change_at(self, r: float) -> tuple[float, float] | None:
        """Mean change and SD of the change, the SD from the arm's own r or else ``r``.

        With baseline and follow-up values the means give the change and the SD is
        :func:`~reanalysis.stats.effects.change_score_sd` (its own r reproduces a printed
        change SD); otherwise the change as printed; None when there is no change.
        """
        if self.prepost is not None:
            own = self.r if self.r is not None else r
            p = self.prepost
            return p.mean_change, change_score_sd(p.baseline_sd, p.followup_sd, own)
        if self.mean_change is None:
            return None
        return self.mean_change, self.change_sd

    def change_mismatch(self) -> float | None:
        """Printed mean change minus (follow-up − baseline means) when the two disagree by
        more than the printed rounding of the three numbers, else None."""
        if self.prepost is None or self.followup.change_mean is None:
            return None
        gap = self.followup.change_mean - self.prepost.mean_change
        cells = (
            self.baseline.cell("mean"),
            self.followup.cell("mean"),
            self.followup.cell("change_mean"),
        )
        slack = sum(_half_unit(text) for text in cells) + 1e-12
        return gap if abs(gap) > slack else None


def _half_unit(text: str) -> float:
    """Half a unit in the last printed place of ``text`` (0 for a value not printed)."""
    if not text:
        return 0.0
    mantissa, _, exponent = text.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 0.5 * 10.0 ** (int(exponent or 0) - decimals)


def arm_data(
    trial: Trial, outcome: str, arm: str, week: float, study: str | None = None
) -> ArmData:
    """The arm's :class:`ArmData` from baseline (if printed) to ``week``.

    n is the follow-up row's n. When the follow-up row prints a change SD and both rows
    print SDs, the arm's r is the one they imply (Cochrane Handbook 6.5.2.8); an r of ±1
    or beyond is refused as impossible printed numbers.
    """
    series = {m.week: converted(m) for m in trial.series(outcome, arm, study)}
    if week not in series:
        trial.measurement(outcome, arm, week, study)  # raises, naming the weeks available
    followup, baseline = series[week], series.get(0.0)
    prepost = None
    if baseline is not None and baseline.has_value and followup.has_value:
        prepost = prepost_from_rows(baseline, followup)
    r, r_source = followup.r, R_FROM_FILE if followup.r is not None else None
    if prepost is not None and followup.change_sd is not None:
        r = _r_from_change_sd(trial, baseline, followup)
        r_source = R_FROM_CHANGE_SD
    mean_change = followup.change_mean
    if mean_change is None and prepost is not None:
        mean_change = prepost.mean_change
    return ArmData(
        arm=arm,
        role=followup.role,
        n=followup.n,
        n_assumed=followup.n_assumed or (baseline is not None and baseline.n_assumed),
        baseline=baseline,
        followup=followup,
        prepost=prepost,
        mean_change=mean_change,
        change_sd=followup.change_sd,
        r=r,
        r_source=r_source,
    )


def _r_from_change_sd(trial: Trial, baseline: Measurement, followup: Measurement) -> float:
    where = f"{trial.path}: line {followup.row}, column 'change_sd'"
    try:
        r = correlation_from_change_sd(baseline.sd, followup.sd, followup.change_sd)
    except ReanalysisError as error:
        raise ReanalysisError(f"{where}: {error} (baseline SD on line {baseline.row})") from None
    if not -1 < r < 1 or not math.isfinite(r):
        raise ReanalysisError(
            f"{where}: change SD {followup.change_sd:g} with baseline SD {baseline.sd:g} (line "
            f"{baseline.row}) and follow-up SD {followup.sd:g} implies r = {r:g}; expected "
            "strictly between -1 and 1"
        )
    return r


@dataclass(frozen=True)
class WithinArm:
    """One arm's change from baseline to ``week`` in a trial file.

    ``data`` is None unless both baseline and follow-up values are printed; ``change`` is
    None for follow-up values only. ``r_source`` says where ``change.correlation`` came
    from (the arm's own ``file``/``reported`` r, or the common r's source); None when the
    change SD was printed and no r was used. ``summary`` is the arm as printed.
    """

    arm: str
    role: str
    n_assumed: bool
    data: PrePost | None
    change: ArmChange | None
    summary: ArmData
    r_source: str | None

    @property
    def n(self) -> int:
        return self.summary.n


def within_arm(summary: ArmData, r: float, r_source: str) -> WithinArm:
    """The arm's change: from its two values with its own r (else ``r``), or as printed."""
    own = summary.r is not None
    used_r, used_source = (summary.r, summary.r_source) if own else (r, r_source)
    if summary.prepost is not None:
        change = arm_change(summary.prepost, used_r)
    elif summary.mean_change is not None:
        base = summary.baseline
        baseline_mean = base.mean if base is not None else None
        change = change_from_summary(
            summary.n, summary.mean_change, summary.change_sd, baseline_mean
        )
        used_source = None
    else:
        change, used_source = None, None
    return WithinArm(
        summary.arm,
        summary.role,
        summary.n_assumed,
        summary.prepost,
        change,
        summary,
        used_source,
    )


def arm_pairs(arms: list[ArmData], treatment: str | None, control: str | None, outcome: str):
    """(kind, first, second) for every comparison, or the one(s) naming the given arms."""
    by_name = {a.arm: a for a in arms}
    for name, label, roles in (
        (treatment, "treatment", ("treatment",)),
        (control, "control", ("treatment", "control")),
    ):
        allowed = [a.arm for a in arms if a.role in roles]
        if name is not None and name not in allowed:
            raise ReanalysisError(
                f"{label} must name an arm with {outcome!r} data at this week "
                f"({', '.join(allowed) or 'none'}), got {name!r}"
            )
    if treatment is not None and treatment == control:
        raise ReanalysisError(f"treatment and control must be two arms, got {treatment!r} twice")
    treatments = [a for a in arms if a.role == "treatment"]
    pairs = [
        ("treatment_vs_control", t, c) for t in treatments for c in arms if c.role == "control"
    ]
    pairs += [
        ("treatment_vs_treatment", treatments[i], treatments[j])
        for i in range(len(treatments))
        for j in range(i + 1, len(treatments))
    ]
    if treatment is not None and control is not None:
        second = by_name[control]
        kind = "treatment_vs_control" if second.role == "control" else "treatment_vs_treatment"
        return [(kind, by_name[treatment], second)]
    return [p for p in pairs if treatment in (None, p[1].arm) and control in (None, p[2].arm)]


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
