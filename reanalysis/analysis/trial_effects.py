"""Within- and between-arm effects of one outcome of a trial file.

The trial layer over :mod:`reanalysis.stats.effects` and
:mod:`reanalysis.stats.correlation`: :func:`between_arm_effects` reads a
:class:`reanalysis.data.trials.Trial`, builds each arm with
:func:`reanalysis.analysis.arms.prepost_from_rows`, takes r as given, implied by a
reported p, or assumed from the outcome's plausible range
(:mod:`reanalysis.analysis.plausible`), and returns every effect as frozen dataclasses
with flat records for the report. :func:`correlation_verdict` words an implied
correlation against its plausible range.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from reanalysis.analysis.arms import prepost_from_rows
from reanalysis.analysis.plausible import correlation_for, plausible_for
from reanalysis.data.settings import Settings
from reanalysis.data.trials import Trial
from reanalysis.errors import ReanalysisError
from reanalysis.stats.correlation import (
    ANALYSES,
    Analysis,
    ImpliedCorrelation,
    PlausibleCorrelation,
    implied_correlation,
)
from reanalysis.stats.effects import (
    AncovaResult,
    ArmChange,
    PrePost,
    StandardizedEffect,
    TTestResult,
    _check_correlation,
    ancova_from_summary,
    arm_change,
    baseline_difference,
    difference_in_change,
    dppc2,
    final_value_difference,
    hedges_g_final,
    smcc_difference,
    smcr_difference,
)
from reanalysis.stats.protocol import check_alternative, plain, short

if TYPE_CHECKING:
    import pandas as pd


def correlation_verdict(implied: ImpliedCorrelation) -> str:
    """One sentence saying whether the implied r lies in the judged plausible range."""
    status = implied.status
    if status == "no_root":
        return (
            f"not consistent: no r in (-1, 1) reproduces {implied.target} = "
            f"{implied.target_value:g} under the {implied.analysis} analysis"
        )
    roots = ", ".join(f"{r:.3f}" for r in implied.roots)
    if status == "no_range":
        return f"implied r = {roots}; no plausible range is recorded for this measurement"
    span = f"[{implied.plausible.low:g}, {implied.plausible.high:g}]"
    if status == "consistent":
        return f"consistent: implied r = {roots} lies in the plausible range {span}"
    return f"not consistent: implied r = {roots} lies outside the plausible range {span}"


def implied_p_record(implied: ImpliedCorrelation) -> dict[str, Any]:
    """The r implied by a reported p as flat fields: its roots, the chosen r (None when no
    r reproduces the p), its status against the plausible range in words, and the range
    of p attainable over r."""
    return {
        "roots": list(implied.roots),
        "implied_r": implied.correlation if implied.roots else None,
        "consistent": implied.consistent,
        "verdict": correlation_verdict(implied),
        "attainable_p_low": implied.attainable[0],
        "attainable_p_high": implied.attainable[1],
    }


# (confidence level, alternative) of the intervals and p-values in a record.
_Test = tuple[float, str]


def _under(result: TTestResult | None, test: _Test) -> TTestResult | None:
    """``result`` tested against the record's alternative (unchanged when two-sided, and
    None when the data allow no result)."""
    if result is None or test[1] == "two-sided":
        return result
    return result.with_alternative(test[1])


@dataclass(frozen=True)
class WithinArm:
    """One arm's change from baseline to ``week`` in a trial file."""

    arm: str
    role: str
    n_assumed: bool
    data: PrePost
    change: ArmChange


@dataclass(frozen=True)
class Comparison:
    """Every between-arm result for one pair of arms (first minus second).

    ``kind`` is ``treatment_vs_control`` or ``treatment_vs_treatment``. ``r`` is the
    correlation used, ``r_source`` says where it came from (``given``, ``implied`` or
    ``assumed``). ``final`` ignores baseline; ``baseline`` is the chance imbalance
    between randomized arms.
    """

    kind: str
    treatment: WithinArm
    control: WithinArm
    r: float
    r_source: str
    analysis: str
    change: TTestResult
    change_welch: TTestResult
    ancova: AncovaResult
    final: TTestResult
    baseline: TTestResult
    dppc2: StandardizedEffect
    smcr_difference: StandardizedEffect
    smcc_difference: StandardizedEffect
    hedges_g_final: StandardizedEffect
    implied: ImpliedCorrelation | None

    @property
    def primary(self) -> TTestResult:
        """The result of the chosen analysis (change-score t-test or ANCOVA)."""
        return self.ancova if self.analysis == "ancova" else self.change


@dataclass(frozen=True, repr=False)
class TrialEffects:
    """Within-arm and between-arm effects for one outcome at one week of a trial file.

    ``notes`` says which comparisons could not be made and why (e.g. placebo values
    not published).
    """

    trial: str
    study: str
    outcome: str
    unit: str
    week: float
    analysis: str
    r: float
    r_source: str
    plausible: PlausibleCorrelation | None
    within: tuple[WithinArm, ...]
    comparisons: tuple[Comparison, ...]
    missing_controls: tuple[str, ...]
    notes: tuple[str, ...]

    def records(self, confidence_level: float = 0.95, alternative: str = "two-sided") -> list[dict]:
        """Flat dicts: per treatment arm, its comparisons with control (or, when none can
        be made, its within-arm results alone); then treatment-vs-treatment comparisons.

        Intervals are at ``confidence_level``; every t-test's p-value and interval follow
        ``alternative`` (see :meth:`reanalysis.stats.estimates.TTestResult.with_alternative`);
        the standardized effects keep their two-sided normal-theory intervals.
        """
        test = (confidence_level, check_alternative(alternative))
        records = []
        control = self.missing_controls[0] if self.missing_controls else None
        for arm in (a for a in self.within if a.role == "treatment"):
            against_control = [
                c
                for c in self.comparisons
                if c.kind == "treatment_vs_control" and c.treatment.arm == arm.arm
            ]
            if against_control:
                records += [self._comparison_record(c, test) for c in against_control]
            else:
                records.append(self._arm_only_record(arm, control, test))
        records += [
            self._comparison_record(c, test)
            for c in self.comparisons
            if c.kind == "treatment_vs_treatment"
        ]
        return records

    def to_dict(self, confidence_level: float = 0.95, alternative: str = "two-sided") -> dict:
        """The trial-level result as JSON-ready values: its :meth:`records` under ``records``."""
        records = self.records(confidence_level, alternative)
        return plain({"trial": self.trial, "outcome": self.outcome, "records": records})

    def to_frame(
        self, confidence_level: float = 0.95, alternative: str = "two-sided"
    ) -> pd.DataFrame:
        """One tidy row per comparison (:meth:`records`); lists become ``; ``-joined text."""
        import pandas as pd

        rows = [
            {k: "; ".join(map(str, v)) if isinstance(v, list) else v for k, v in rec.items()}
            for rec in plain(self.records(confidence_level, alternative))
        ]
        return pd.DataFrame(rows)

    def __repr__(self) -> str:
        return (
            f"TrialEffects(trial={self.trial!r}, outcome={self.outcome!r}, "
            f"week={short(self.week)}, r={short(self.r)}, r_source={self.r_source!r}, "
            f"comparisons={len(self.comparisons)})"
        )

    def _repr_html_(self) -> str:
        return self.to_frame().to_html(index=False, float_format=lambda x: f"{x:.4g}")

    def _common(self, r: float, r_source: str, test: _Test) -> dict:
        level, alternative = test
        return {
            "trial": self.trial,
            "study": self.study,
            "outcome": self.outcome,
            "unit": self.unit,
            "week": self.week,
            "analysis": self.analysis,
            "r": r,
            "r_source": r_source,
            "plausible_r_low": self.plausible.low if self.plausible else None,
            "plausible_r_high": self.plausible.high if self.plausible else None,
            "confidence_level": level,
            "alternative": alternative,
        }

    @staticmethod
    def _arm_fields(prefix: str, arm: WithinArm | None, test: _Test) -> dict:
        if arm is None:
            keys = ("mean_change", "change_sd", "percent_change", "p_within")
            return {f"{prefix}_{key}": None for key in keys} | {f"n_{prefix}": None}
        paired = _under(arm.change.test, test)
        ci = paired.confidence_interval(test[0])
        return {
            f"n_{prefix}": arm.data.n,
            f"{prefix}_n_assumed": arm.n_assumed,
            f"{prefix}_baseline_mean": arm.data.baseline_mean,
            f"{prefix}_followup_mean": arm.data.followup_mean,
            f"{prefix}_mean_change": arm.change.mean_change,
            f"{prefix}_change_sd": arm.change.change_sd,
            f"{prefix}_change_ci_low": ci.low,
            f"{prefix}_change_ci_high": ci.high,
            f"{prefix}_percent_change": arm.change.percent_change,
            f"{prefix}_p_within": paired.pvalue,
        }

    def _arm_only_record(self, arm: WithinArm, control: str | None, test: _Test) -> dict:
        record = self._common(arm.change.correlation, self.r_source, test)
        record |= {"comparison": "within_arm_only", "treatment": arm.arm, "control": control}
        record |= self._arm_fields("treatment", arm, test)
        record |= self._arm_fields("control", None, test)
        for key in (
            "md_change",
            "md_change_se",
            "md_change_ci_low",
            "md_change_ci_high",
            "p_value",
            "dppc2",
            "dppc2_var",
            "smcr_diff",
            "smcr_diff_var",
        ):
            record[key] = None
        record["notes"] = list(self.notes)
        return record

    def _comparison_record(self, c: Comparison, test: _Test) -> dict:
        record = self._common(c.r, c.r_source, test)
        record |= {"comparison": c.kind, "treatment": c.treatment.arm, "control": c.control.arm}
        record |= self._arm_fields("treatment", c.treatment, test)
        record |= self._arm_fields("control", c.control, test)
        change, ancova = _under(c.change, test), _under(c.ancova, test)
        primary = ancova if c.analysis == "ancova" else change
        level = test[0]
        change_ci, ancova_ci = change.confidence_interval(level), ancova.confidence_interval(level)
        primary_ci = primary.confidence_interval(level)
        record |= {
            "md_change": change.estimate,
            "md_change_se": change.standard_error,
            "md_change_ci_low": change_ci.low,
            "md_change_ci_high": change_ci.high,
            "p_change": change.pvalue,
            "p_change_welch": _under(c.change_welch, test).pvalue,
            "ancova_estimate": ancova.estimate,
            "ancova_se": ancova.standard_error,
            "ancova_ci_low": ancova_ci.low,
            "ancova_ci_high": ancova_ci.high,
            "ancova_slope": ancova.slope,
            "p_ancova": ancova.pvalue,
            "estimate": primary.estimate,
            "estimate_se": primary.standard_error,
            "estimate_ci_low": primary_ci.low,
            "estimate_ci_high": primary_ci.high,
            "df": primary.df,
            "p_value": primary.pvalue,
            "final_difference_ignoring_baseline": c.final.estimate,
            "p_final_ignoring_baseline": _under(c.final, test).pvalue,
            "baseline_difference": c.baseline.estimate,
            "p_baseline": _under(c.baseline, test).pvalue,
            "dppc2": c.dppc2.estimate,
            "dppc2_var": c.dppc2.variance,
            "smcr_diff": c.smcr_difference.estimate,
            "smcr_diff_var": c.smcr_difference.variance,
            "smcc_diff": c.smcc_difference.estimate,
            "smcc_diff_var": c.smcc_difference.variance,
            "hedges_g_final": c.hedges_g_final.estimate,
            "hedges_g_final_var": c.hedges_g_final.variance,
            "notes": list(self.notes),
        }
        if c.implied is not None:
            record |= {
                "implied_r": c.implied.correlation,
                "implied_r_roots": list(c.implied.roots),
                "reported_p": c.implied.target_value,
                "verdict": correlation_verdict(c.implied),
            }
        return record


def _comparison(
    kind: str,
    treatment: WithinArm,
    control: WithinArm,
    r: float,
    r_source: str,
    analysis: str,
    implied: ImpliedCorrelation | None,
) -> Comparison:
    t, c = treatment.data, control.data
    return Comparison(
        kind=kind,
        treatment=replace(treatment, change=arm_change(t, r)),
        control=replace(control, change=arm_change(c, r)),
        r=r,
        r_source=r_source,
        analysis=analysis,
        change=difference_in_change(t, c, r),
        change_welch=difference_in_change(t, c, r, welch=True),
        ancova=ancova_from_summary(t, c, r),
        final=final_value_difference(t, c),
        baseline=baseline_difference(t, c),
        dppc2=dppc2(t, c, r),
        smcr_difference=smcr_difference(t, c, r),
        smcc_difference=smcc_difference(t, c, r),
        hedges_g_final=hedges_g_final(t, c),
        implied=implied,
    )


def between_arm_effects(
    trial: Trial,
    outcome: str,
    week: float | None = None,
    *,
    r: float | None = None,
    reported_p: float | None = None,
    analysis: Analysis = "change",
    study: str | None = None,
    settings: Settings | None = None,
) -> TrialEffects:
    """All effects for ``outcome`` at ``week`` (default: the last follow-up) of a trial.

    Each treatment arm is compared with each control arm that has data, and treatment
    arms with each other (e.g. two doses). Arms with data get within-arm paired
    results. Give ``r`` (used for every comparison), or ``reported_p`` (each comparison
    takes the r that reproduces it, see :func:`implied_correlation`), or neither: then
    r is the one ``settings`` (``analysis.toml``) gives: its ``r``, else the midpoint of
    its ``r_range``, else the documented default 0.5, each labelled with its source.
    n is taken from the follow-up row (the analysed completers).

    Study 1 of Morris (2008) at r = 0.47: difference in change 11.3 with p = 0.0174664
    (R, tests/reference/api_examples.R) and d_ppc2 = 0.77 (Table 5):

    >>> import pandas as pd
    >>> from reanalysis.data.trials import load_trial
    >>> frame = pd.DataFrame({
    ...     "study": "morris1", "arm": ["training"] * 2 + ["control"] * 2,
    ...     "role": ["treatment"] * 2 + ["control"] * 2, "outcome": "score",
    ...     "unit": "points", "timepoint": ["pre", "post"] * 2, "week": [0, 8] * 2,
    ...     "n": 20, "mean": [30.6, 38.5, 23.1, 19.7], "sd": [15.0, 11.6, 13.8, 14.8],
    ...     "source": "Morris 2008, Table 5 data, study 1"})
    >>> effects = between_arm_effects(load_trial(frame, name="morris1"), "score", r=0.47)
    >>> effects
    TrialEffects(trial='morris1', outcome='score', week=8, r=0.47, r_source='given', comparisons=1)
    >>> effects.to_frame()[["md_change", "p_change", "dppc2"]].round(4)
       md_change  p_change   dppc2
    0       11.3    0.0175  0.7684
    """
    if r is not None and reported_p is not None:
        raise ReanalysisError("give r or reported_p, not both")
    if analysis not in ANALYSES:
        raise ReanalysisError(f"analysis must be one of {', '.join(ANALYSES)}, got {analysis!r}")
    chosen = trial.study_for(outcome, study)
    weeks = trial.followup_weeks(outcome, chosen)
    if not weeks:
        raise ReanalysisError(f"{trial.path}: outcome {outcome!r} has no follow-up rows")
    if week is None:
        week = weeks[-1]
    elif week not in weeks:
        available = ", ".join(f"{w:g}" for w in weeks)
        raise ReanalysisError(
            f"week must be a follow-up week of {outcome!r} ({available}), got {week:g}"
        )
    plausible = plausible_for(settings, outcome)
    if r is not None:
        base_r, r_source = _check_correlation(r), "given"
    else:
        base_r, r_source = correlation_for(settings, outcome)

    within, notes, unit = [], [], ""
    for arm in trial.arms_reporting(outcome, chosen):
        series = {m.week: m for m in trial.series(outcome, arm, chosen)}
        if week not in series:
            notes.append(f"{arm}: no row at week {week:g}")
            continue
        base, end = series[0.0], series[week]
        unit = end.unit
        data = prepost_from_rows(base, end)
        within.append(
            WithinArm(
                arm, end.role, base.n_assumed or end.n_assumed, data, arm_change(data, base_r)
            )
        )
    treatments = [a for a in within if a.role == "treatment"]
    controls = [a for a in within if a.role == "control"]
    missing_controls = tuple(
        arm for arm in trial.control_arms if arm not in {a.arm for a in controls}
    )
    for arm in missing_controls:
        notes.append(
            f"{arm}: no {outcome} values in the file (not published); "
            "comparisons with the control need them"
        )
    if not trial.control_arms:
        notes.append("no control arm in the file: its values were not published")

    pairs = [("treatment_vs_control", t, c) for t in treatments for c in controls]
    pairs += [
        ("treatment_vs_treatment", treatments[i], treatments[j])
        for i in range(len(treatments))
        for j in range(i + 1, len(treatments))
    ]
    if reported_p is not None and not pairs:
        raise ReanalysisError(
            f"reported_p needs a between-arm comparison, and {outcome!r} has data for one arm only"
        )
    comparisons = []
    for kind, t, c in pairs:
        implied, pair_r, pair_source = None, base_r, r_source
        if reported_p is not None:
            implied = implied_correlation(
                t.data, c.data, reported_p=reported_p, analysis=analysis, plausible=plausible
            )
            pair_r, pair_source = implied.correlation, "implied"
        comparisons.append(_comparison(kind, t, c, pair_r, pair_source, analysis, implied))
    if reported_p is not None and len(comparisons) == 1:
        base_r, r_source = comparisons[0].r, "implied"
        within = [replace(a, change=arm_change(a.data, base_r)) for a in within]
    return TrialEffects(
        trial=trial.name,
        study=chosen,
        outcome=outcome,
        unit=unit,
        week=float(week),
        analysis=analysis,
        r=base_r,
        r_source=r_source,
        plausible=plausible,
        within=tuple(within),
        comparisons=tuple(comparisons),
        missing_controls=missing_controls,
        notes=tuple(notes),
    )
