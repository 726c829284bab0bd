"""Within- and between-arm effects of one outcome of a trial file.

The trial layer over :mod:`reanalysis.stats.effects` and
:mod:`reanalysis.stats.correlation`: :func:`between_arm_effects` reads a
:class:`reanalysis.data.trials.Trial`, gathers each arm as printed
(:func:`reanalysis.analysis.arms.arm_data`: baseline and follow-up values, a change
printed as such, the arm's own r), takes the common r as given, implied by a reported P,
or from the settings (:mod:`reanalysis.analysis.plausible`), and returns every effect as
frozen dataclasses with flat records for the report. :func:`correlation_verdict` and
:func:`printed_p_verdict` word an implied correlation against its plausible range.

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
from reanalysis.analysis.plausible import correlation_for, plausible_for
from reanalysis.data.settings import Settings
from reanalysis.data.trials import Trial
from reanalysis.errors import ReanalysisError
from reanalysis.stats.correlation import (
    ANALYSES,
    Analysis,
    ImpliedCorrelation,
    PlausibleCorrelation,
    PrintedPCorrelation,
    correlation_for_printed_p,
    implied_correlation,
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
from reanalysis.stats.printed import CorrelationSegment, PrintedP, parse_printed_p
from reanalysis.stats.protocol import check_alternative, plain, short

if TYPE_CHECKING:
    import pandas as pd

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
_DEFAULT_TEST: _Test = (0.95, "two-sided")


def _under(result: TTestResult | None, test: _Test) -> TTestResult | None:
    """``result`` tested against the record's alternative (unchanged when two-sided, and
    None when the data allow no result)."""
    if result is None or test[1] == "two-sided":
        return result
    return result.with_alternative(test[1])


def _segment_text(segment: CorrelationSegment) -> str:
    """ "r from a to b", or a one-sided "r >= a" / "r <= b" where the set reaches ±1."""
    low = segment.low_bound == "printed P"
    high = segment.high_bound == "printed P"
    if low and high:
        return f"r from {segment.low:.3f} to {segment.high:.3f}"
    if high:
        return f"r <= {segment.high:.3f}"
    return f"r >= {segment.low:.3f}" if low else "every r in (-1, 1)"


def printed_p_verdict(fit: PrintedPCorrelation) -> str:
    """One sentence: the r a printed P admits, against the plausible range."""
    text, analysis = fit.printed.text, fit.analysis
    if not fit.interval.segments:
        low, high = fit.attainable
        return (
            f"not consistent: no r in (-1, 1) gives a P that prints as {text!r} under the "
            f"{analysis} analysis (attainable P {low:.3g} to {high:.3g})"
        )
    span = " or ".join(_segment_text(segment) for segment in fit.interval.segments)
    admits = f"P printed as {text!r} admits {span} under the {analysis} analysis"
    if fit.plausible is None:
        return f"{admits}; no plausible range is recorded for this measurement"
    bounds = f"[{fit.plausible.low:g}, {fit.plausible.high:g}]"
    if fit.consistent:
        return f"consistent: {admits}, which meets the plausible range {bounds}"
    return f"not consistent: {admits}, outside the plausible range {bounds}"


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
            return [self._comparison_record(c, test) for c in self.comparisons]
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

    def _common(self, r: float | None, r_source: str | None, test: _Test = _DEFAULT_TEST) -> dict:
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
    def _arm_fields(prefix: str, arm: WithinArm | None, test: _Test = _DEFAULT_TEST) -> dict:
        if arm is None:
            keys = ("mean_change", "change_sd", "percent_change", "p_within", "r", "r_source")
            return {f"{prefix}_{key}": None for key in keys} | {f"n_{prefix}": None}
        change, summary = arm.change, arm.summary
        paired = _under(change.test, test) if change else None
        ci = paired.confidence_interval(test[0]) if paired else None
        baseline, followup = summary.baseline, summary.followup
        return {
            f"n_{prefix}": arm.n,
            f"{prefix}_n_assumed": arm.n_assumed,
            f"{prefix}_baseline_mean": baseline.mean if baseline else None,
            f"{prefix}_followup_mean": followup.mean,
            f"{prefix}_mean_change": change.mean_change if change else None,
            f"{prefix}_change_sd": change.change_sd if change else None,
            f"{prefix}_change_ci_low": ci.low if ci else None,
            f"{prefix}_change_ci_high": ci.high if ci else None,
            f"{prefix}_percent_change": change.percent_change if change else None,
            f"{prefix}_p_within": paired.pvalue if paired else None,
            f"{prefix}_r": change.correlation if change else None,
            f"{prefix}_r_source": arm.r_source,
            f"{prefix}_change_printed": followup.change_mean is not None,
            f"{prefix}_estimated": summary.estimated,
        }

    def _arm_only_record(self, arm: WithinArm, control: str | None, test: _Test) -> dict:
        r = arm.change.correlation if arm.change else None
        record = self._common(r, arm.r_source, test)
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
        record |= {"analysis": c.analysis}
        record |= self._arm_fields("treatment", c.treatment, test)
        record |= self._arm_fields("control", c.control, test)
        change, ancova = _under(c.change, test), _under(c.ancova, test)
        primary, level = _under(c.primary, test), test[0]
        record |= _t_fields(change, "md_change", "md_change_se", "md_change_ci", "p_change", level)
        record["p_change_welch"] = _get(_under(c.change_welch, test), "pvalue")
        record |= _t_fields(ancova, "ancova_estimate", "ancova_se", "ancova_ci", "p_ancova", level)
        record["ancova_slope"] = _get(c.ancova, "slope")
        record |= _t_fields(primary, "estimate", "estimate_se", "estimate_ci", "p_value", level)
        record["df"] = c.primary.df
        record |= {
            "final_difference_ignoring_baseline": _get(c.final, "estimate"),
            "p_final_ignoring_baseline": _get(_under(c.final, test), "pvalue"),
            "baseline_difference": _get(c.baseline, "estimate"),
            "p_baseline": _get(_under(c.baseline, test), "pvalue"),
        }
        for key, effect in (
            ("dppc2", c.dppc2),
            ("smcr_diff", c.smcr_difference),
            ("smcc_diff", c.smcc_difference),
            ("hedges_g_final", c.hedges_g_final),
        ):
            record[key] = _get(effect, "estimate")
            record[f"{key}_var"] = _get(effect, "variance")
        record["notes"] = list(self.notes) + list(c.notes)
        return record | _reported_fields(c)


def _get(result: Any, attribute: str) -> Any:
    return None if result is None else getattr(result, attribute)


def _t_fields(
    result: TTestResult | None, estimate: str, se: str, ci: str, p: str, level: float = 0.95
) -> dict:
    interval = result.confidence_interval(level) if result is not None else None
    return {
        estimate: _get(result, "estimate"),
        se: _get(result, "standard_error"),
        f"{ci}_low": _get(interval, "low"),
        f"{ci}_high": _get(interval, "high"),
        p: _get(result, "pvalue"),
    }


def _reported_fields(c: Comparison) -> dict:
    """The reported P and the r it implies; the interval keys only for a printed P."""
    reported = c.reported_p
    if reported is None:
        return {}
    record: dict[str, Any] = {"implied_r_low": None, "implied_r_high": None}
    if c.implied is not None:
        record |= {
            "implied_r": c.implied.correlation,
            "implied_r_roots": list(c.implied.roots),
            "reported_p": c.implied.target_value,
            "verdict": correlation_verdict(c.implied),
        }
    if not isinstance(reported, PrintedP):
        return {"reported_p": reported} | record
    fit = c.printed_p
    record |= {
        "reported_p": reported.value,
        "reported_p_printed": reported.text,
        "reported_p_relation": reported.relation,
        "reported_p_low": reported.interval[0],
        "reported_p_high": reported.interval[1],
        "reported_p_consistent": bool(reported.contains(c.primary.pvalue)),
    }
    if fit is not None:
        record |= {
            "implied_r": fit.correlation,
            "implied_r_roots": list(fit.roots),
            "implied_r_low": fit.low,
            "implied_r_high": fit.high,
            "implied_r_segments": [[s.low, s.high] for s in fit.interval.segments],
            "attainable_p_low": fit.attainable[0],
            "attainable_p_high": fit.attainable[1],
            "verdict": printed_p_verdict(fit),
        }
    return record


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


def _reported(reported_p: float | str | PrintedP) -> float | PrintedP:
    """A reported P as given: a float is exact; text is read as printed."""
    if isinstance(reported_p, PrintedP):
        return reported_p
    if isinstance(reported_p, str):
        return parse_printed_p(reported_p)
    if isinstance(reported_p, bool) or not isinstance(reported_p, int | float):
        raise ReanalysisError(
            f"reported_p must be a number, a printed P such as '0.0014' or '<0.001', or a "
            f"PrintedP, got {reported_p!r}"
        )
    return float(reported_p)


def _r_from_reported(
    t: ArmData,
    c: ArmData,
    reported: float | PrintedP,
    analysis: str,
    plausible: PlausibleCorrelation | None,
    r: float,
    r_source: str,
) -> tuple[float, str, tuple, list[str]]:
    """The pair's r from a reported P: (r, its source, (implied, printed fit, reported), notes).

    A float is matched exactly (:func:`implied_correlation`); a printed P gives the r
    interval its rounding admits (:func:`correlation_for_printed_p`) and the r nearest it.
    A bound or NS gives no single r: the common r is kept. Where P does not depend on the
    common r (changes as printed, follow-up only, or both arms with their own r) nothing
    is implied and the P is only compared with the recomputed one.
    """
    if t.prepost is None or c.prepost is None or (t.r is not None and c.r is not None):
        why = (
            "both arms have their own r"
            if t.prepost is not None and c.prepost is not None
            else "the comparison uses values or changes as printed"
        )
        note = (
            f"{t.arm} vs {c.arm}: the reported P does not depend on the common r ({why}); "
            "it is compared with the recomputed P, not used to imply r"
        )
        return r, r_source, (None, None, reported), [note]
    own = {"treatment_r": t.r, "control_r": c.r, "plausible": plausible, "analysis": analysis}
    if not isinstance(reported, PrintedP):
        implied = implied_correlation(t.prepost, c.prepost, reported_p=reported, **own)
        return implied.correlation, "implied", (implied, None, reported), []
    fit = correlation_for_printed_p(t.prepost, c.prepost, reported, **own)
    exact = fit.exact if fit.exact is not None and fit.exact.roots else None
    found = (exact, fit, reported)
    if fit.correlation is not None:
        return fit.correlation, "implied", found, []
    if reported.relation == "=" and fit.exact is not None:
        low, high = fit.attainable
        raise ReanalysisError(
            f"no correlation in (-1, 1) gives a P that prints as {reported.text!r} under the "
            f"{analysis} analysis of {t.arm} vs {c.arm}; attainable P {low:.3g} to {high:.3g}"
        )
    return r, r_source, found, []


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
