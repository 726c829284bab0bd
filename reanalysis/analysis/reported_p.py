"""A reported P against the recomputed one: the r it implies or admits, and the verdicts.

:func:`reanalysis.analysis.trial_effects.between_arm_effects` reads a reported P with
:func:`_reported` (a float is exact; text such as "0.0014", "<0.001" or "NS" is read as
printed) and takes the pair's r from it with :func:`_r_from_reported`
(:func:`~reanalysis.stats.correlation.implied_correlation` for an exact P,
:func:`~reanalysis.stats.correlation.correlation_for_printed_p` for a printed one).
:func:`correlation_verdict` and :func:`printed_p_verdict` word an implied correlation
against its plausible range; :func:`implied_p_record` gives it as flat fields.
"""

from __future__ import annotations

from typing import Any

from reanalysis.analysis.arms import ArmData
from reanalysis.errors import ReanalysisError
from reanalysis.stats.correlation import (
    ImpliedCorrelation,
    PlausibleCorrelation,
    PrintedPCorrelation,
    correlation_for_printed_p,
    implied_correlation,
)
from reanalysis.stats.printed import CorrelationSegment, PrintedP, parse_printed_p


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
