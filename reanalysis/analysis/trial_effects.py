"""Within- and between-arm effects of one outcome of a trial file.

The trial layer over :mod:`reanalysis.stats.effects` and
:mod:`reanalysis.stats.correlation`: :func:`between_arm_effects` reads a
:class:`reanalysis.data.trials.Trial`, gathers each arm as printed
(:func:`reanalysis.analysis.arms.arm_data`: baseline and follow-up values, a change
printed as such, the arm's own r), takes the common r as given, implied by a reported P,
or from the settings (:mod:`reanalysis.analysis.plausible`), and returns every effect as
frozen dataclasses with flat records for the report (built in
:mod:`~reanalysis.analysis.effect_records`). A reported P and the r it implies are read
and worded in :mod:`~reanalysis.analysis.reported_p`, whose verdicts import from here.

Which comparisons a pair of arms allows depends on what was printed:

* baseline and follow-up values of both arms: change scores (each arm's change SD from
  its own r, else the common r), ANCOVA, final and baseline values, d_ppc2, SMCR, SMCC;
* a change printed as such (mean change and its SD) in either arm: the change scores
  are compared directly (:func:`~reanalysis.stats.effects.mean_difference`, SMCC), with
  final and baseline values where printed; ANCOVA and d_ppc2 are not available;
* follow-up values only: the final values (difference, Student t, Hedges' g), a note
  stating that baseline is ignored, and every change-based field None.

When the analysis asked for is not available the next one is primary (ANCOVA → change →
final values) and a note says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reanalysis.analysis.arms import ArmData, WithinArm, arm_data, arm_pairs, within_arm
from reanalysis.analysis.effect_records import arm_only_record, comparison_record
from reanalysis.analysis.plausible import correlation_for, plausible_for
from reanalysis.analysis.reported_p import (
    _r_from_reported,
    _reported,
    correlation_verdict,
    implied_p_record,
    printed_p_verdict,
)
from reanalysis.data.settings import Settings
from reanalysis.data.trials import Trial
from reanalysis.errors import ReanalysisError
from reanalysis.stats.correlation import (
    ANALYSES,
    Analysis,
    ImpliedCorrelation,
    PlausibleCorrelation,
    PrintedPCorrelation,
)
from reanalysis.stats.effects import (
    AncovaResult,
    StandardizedEffect,
    TTestResult,
    _check_correlation,
    ancova_from_summary,
    baseline_difference,
    difference_in_change,
    dppc2,
    final_value_difference,
    hedges_g,
    hedges_g_final,
    mean_difference,
    smcc_difference,
    smcc_from_change,
    smcr_difference,
)
from reanalysis.stats.printed import PrintedP
from reanalysis.stats.protocol import check_alternative, plain, short

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Comparison",
    "TrialEffects",
    "between_arm_effects",
    "correlation_verdict",
    "implied_p_record",
    "printed_p_verdict",
]

# The results of a comparison that depend on what was printed (None when not available).
_RESULTS = (
    "change",
    "change_welch",
    "ancova",
    "final",
    "baseline",
    "dppc2",
    "smcr_difference",
    "smcc_difference",
    "hedges_g_final",
)
# The primary analysis asked for, then what replaces it when the data do not allow it.
_FALLBACK = {"ancova": ("ancova", "change", "final"), "change": ("change", "final")}


@dataclass(frozen=True)
class Comparison:
    """Every between-arm result for one pair of arms (first minus second).

    ``kind`` is ``treatment_vs_control`` or ``treatment_vs_treatment``. ``r`` is the
    common correlation, ``r_source`` where it came from (``given``, ``implied`` or the
    settings' source); an arm with its own r uses it instead (see ``treatment.r_source``).
    ``analysis`` is the primary analysis actually used (``change``, ``ancova`` or
    ``final``). ``final`` ignores baseline; ``baseline`` is the chance imbalance between
    randomized arms. A result the printed data do not allow is None. ``implied`` is the r
    reproducing a reported P exactly, ``printed_p`` the r a printed P admits, and
    ``reported_p`` the reported P as given (a float, or the parsed print).
    """

    kind: str
    treatment: WithinArm
    control: WithinArm
    r: float
    r_source: str
    analysis: str
    change: TTestResult | None
    change_welch: TTestResult | None
    ancova: AncovaResult | None
    final: TTestResult | None
    baseline: TTestResult | None
    dppc2: StandardizedEffect | None
    smcr_difference: StandardizedEffect | None
    smcc_difference: StandardizedEffect | None
    hedges_g_final: StandardizedEffect | None
    implied: ImpliedCorrelation | None
    printed_p: PrintedPCorrelation | None = None
    reported_p: float | PrintedP | None = None
    notes: tuple[str, ...] = ()

    @property
    def primary(self) -> TTestResult:
        """The result of the analysis used (change-score t-test, ANCOVA or final values)."""
        return getattr(self, self.analysis)


@dataclass(frozen=True, repr=False)
class TrialEffects:
    """Within-arm and between-arm effects for one outcome at one week of a trial file.

    ``notes`` says which comparisons could not be made and why (e.g. placebo values
    not published). ``selected`` is the (treatment, control) a caller restricted the
    comparisons to (either may be None), or None.
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
    selected: tuple[str | None, str | None] | None = None

    def records(self, confidence_level: float = 0.95, alternative: str = "two-sided") -> list[dict]:
        """Flat dicts: per treatment arm, its comparisons with control (or, when none can
        be made, its within-arm results alone); then treatment-vs-treatment comparisons.
        With a selected comparison, its records alone.

        Intervals are at ``confidence_level``; every t-test's p-value and interval follow
        ``alternative`` (see :meth:`reanalysis.stats.estimates.TTestResult.with_alternative`);
        the standardized effects keep their two-sided normal-theory intervals.
        """
        test = (confidence_level, check_alternative(alternative))
        if self.selected is not None and self.comparisons:
            return [comparison_record(self, c, test) for c in self.comparisons]
        records = []
        control = self.missing_controls[0] if self.missing_controls else None
        for arm in (a for a in self.within if a.role == "treatment"):
            against_control = [
                c
                for c in self.comparisons
                if c.kind == "treatment_vs_control" and c.treatment.arm == arm.arm
            ]
            if against_control:
                records += [comparison_record(self, c, test) for c in against_control]
            else:
                records.append(arm_only_record(self, arm, control, test))
        records += [
            comparison_record(self, c, test)
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


def _full_results(t: ArmData, c: ArmData, r: float) -> dict[str, Any]:
    """Every result from baseline and follow-up values of both arms, each arm with its r."""
    T, C = t.prepost, c.prepost
    r_t = t.r if t.r is not None else r
    # One common r keeps the one-r formulas; an arm's own r needs the per-arm forms.
    per_arm = {} if t.r is None and c.r is None else {"r_control": c.r if c.r is not None else r}
    return {
        "change": difference_in_change(T, C, r_t, **per_arm),
        "change_welch": difference_in_change(T, C, r_t, welch=True, **per_arm),
        "ancova": ancova_from_summary(T, C, r_t, **per_arm),
        "final": final_value_difference(T, C),
        "baseline": baseline_difference(T, C),
        "dppc2": dppc2(T, C, r_t, **per_arm),
        "smcr_difference": smcr_difference(T, C, r_t, **per_arm),
        "smcc_difference": smcc_difference(T, C, r_t, **per_arm),
        "hedges_g_final": hedges_g_final(T, C),
    }


def _printed_results(t: ArmData, c: ArmData, r: float) -> tuple[dict[str, Any], list[str]]:
    """What a pair allows when an arm lacks baseline or follow-up values: the changes as
    printed, final and baseline values where printed; and notes saying what is missing."""
    out: dict[str, Any] = dict.fromkeys(_RESULTS)
    notes = []
    pair = f"{t.arm} vs {c.arm}"
    change_t, change_c = t.change_at(r), c.change_at(r)
    if change_t is not None and change_c is not None:
        out["change"] = mean_difference(*change_t, t.n, *change_c, c.n)
        out["change_welch"] = mean_difference(*change_t, t.n, *change_c, c.n, welch=True)
        g_t, g_c = smcc_from_change(*change_t, t.n), smcc_from_change(*change_c, c.n)
        out["smcc_difference"] = StandardizedEffect(
            g_t.estimate - g_c.estimate, g_t.variance + g_c.variance
        )
        notes.append(
            f"{pair}: the changes from baseline as printed are compared (difference in mean "
            "change, t-test on the printed change SDs, SMCC); ANCOVA, d_ppc2 and SMCR need "
            "baseline and follow-up means and SDs of both arms, so the change scores are the "
            "primary result"
        )
    for key, rows in (("final", (t.followup, c.followup)), ("baseline", (t.baseline, c.baseline))):
        if all(m is not None and m.has_value for m in rows):
            first, second = rows
            out[key] = mean_difference(first.mean, first.sd, t.n, second.mean, second.sd, c.n)
    if out["final"] is not None:
        f_t, f_c = t.followup, c.followup
        out["hedges_g_final"] = hedges_g(f_t.mean, f_t.sd, t.n, f_c.mean, f_c.sd, c.n)
        if out["change"] is None:
            notes.append(
                f"{pair}: follow-up values only (no baseline values or printed change): the "
                "comparison of final values (difference, Student t, Hedges' g) ignores each "
                "participant's baseline, so a baseline imbalance passes into it; it is the "
                "primary result, and change-based results are not available"
            )
    return out, notes


def _comparison(
    kind: str,
    t: ArmData,
    c: ArmData,
    r: float,
    r_source: str,
    analysis: str,
    reported: tuple[ImpliedCorrelation | None, PrintedPCorrelation | None, Any] = (None,) * 3,
) -> Comparison | None:
    """The pair's results; None when the printed data allow no comparison at all."""
    notes = []
    if t.prepost is not None and c.prepost is not None:
        results = _full_results(t, c, r)
    else:
        results, notes = _printed_results(t, c, r)
    used = next((a for a in _FALLBACK[analysis] if results[a] is not None), None)
    if used is None:
        return None
    for arm in (t, c):
        gap = arm.change_mismatch()
        if gap is not None:
            notes.append(
                f"{arm.arm}: the printed mean change differs from follow-up minus baseline "
                f"means by {gap:.3g}, more than the printed rounding; the means are used"
            )
    implied, printed_p, reported_p = reported
    return Comparison(
        kind=kind,
        treatment=within_arm(t, r, r_source),
        control=within_arm(c, r, r_source),
        r=r,
        r_source=r_source,
        analysis=used,
        **results,
        implied=implied,
        printed_p=printed_p,
        reported_p=reported_p,
        notes=tuple(notes),
    )


def between_arm_effects(
    trial: Trial,
    outcome: str,
    week: float | None = None,
    *,
    r: float | None = None,
    reported_p: float | str | PrintedP | None = None,
    analysis: Analysis = "change",
    study: str | None = None,
    settings: Settings | None = None,
    treatment: str | None = None,
    control: str | None = None,
) -> TrialEffects:
    """All effects for ``outcome`` at ``week`` (default: the last follow-up) of a trial.

    Each treatment arm is compared with each control arm that has data, and treatment
    arms with each other (e.g. two doses); ``treatment`` and/or ``control`` restrict the
    comparisons to those arms (``control`` may name a second treatment arm). Arms with
    data get within-arm paired results. Give ``r`` (the common r), or ``reported_p`` (the
    comparison takes the r that reproduces it; a float is exact, text such as "0.0014",
    "<0.001" or "NS" is read as printed, see :func:`correlation_for_printed_p`), or
    neither: then r is the one ``settings`` (``analysis.toml``) gives: its ``r``, else the
    midpoint of its ``r_range``, else the documented default 0.5, each labelled with its
    source. A reported P belongs to one comparison: with several, name it with
    ``treatment`` and ``control``. An arm's own r (its ``r`` column, or its printed change
    SD with its baseline and follow-up SDs) overrides the common r for that arm
    everywhere. n is taken from the follow-up row (the analysed completers).

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
    reported = None if reported_p is None else _reported(reported_p)
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

    arms, notes, unit = [], [], ""
    for arm in trial.arms_reporting(outcome, chosen):
        if week not in {m.week for m in trial.series(outcome, arm, chosen)}:
            notes.append(f"{arm}: no row at week {week:g}")
            continue
        arms.append(arm_data(trial, outcome, arm, week, chosen))
        unit = arms[-1].followup.unit
    missing_controls = tuple(arm for arm in trial.control_arms if arm not in {a.arm for a in arms})
    for arm in missing_controls:
        notes.append(
            f"{arm}: no {outcome} values in the file (not published); "
            "comparisons with the control need them"
        )
    if not trial.control_arms:
        notes.append("no control arm in the file: its values were not published")

    pairs = arm_pairs(arms, treatment, control, outcome)
    if reported is not None and not pairs:
        raise ReanalysisError(
            f"reported_p needs a between-arm comparison, and {outcome!r} has data for one arm only"
        )
    if reported is not None and len(pairs) > 1:
        names = "; ".join(f"{a.arm} vs {b.arm}" for _, a, b in pairs)
        raise ReanalysisError(
            f"reported_p belongs to one comparison, and {outcome!r} has {len(pairs)} ({names}); "
            "name it with treatment and control"
        )
    comparisons = []
    for kind, t, c in pairs:
        pair_r, pair_source, found = base_r, r_source, (None, None, None)
        if reported is not None:
            pair_r, pair_source, found, more = _r_from_reported(
                t, c, reported, analysis, plausible, base_r, r_source
            )
            notes += more
        comparison = _comparison(kind, t, c, pair_r, pair_source, analysis, found)
        if comparison is None:
            notes.append(f"{t.arm} vs {c.arm}: no comparison: the arms print no common form")
            continue
        comparisons.append(comparison)
    if len(comparisons) == 1 and comparisons[0].r_source == "implied":
        base_r, r_source = comparisons[0].r, "implied"
    selected = None if treatment is None and control is None else (treatment, control)
    kept = {a.arm for _, t, c in pairs for a in (t, c)} if selected else None
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
        within=tuple(
            within_arm(a, base_r, r_source) for a in arms if kept is None or a.arm in kept
        ),
        comparisons=tuple(comparisons),
        missing_controls=missing_controls,
        notes=tuple(notes),
        selected=selected,
    )
