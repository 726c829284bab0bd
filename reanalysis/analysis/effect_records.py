"""The flat records of :class:`~reanalysis.analysis.trial_effects.TrialEffects`.

One dict per comparison (:func:`comparison_record`) or per treatment arm that has no
comparison with a control (:func:`arm_only_record`): the trial's common fields, each
arm's within-arm results, the between-arm t-tests, ANCOVA and standardized effects, and
the reported P with the r it implies. Every t-test's p-value and interval follow the
record's (confidence level, alternative); the standardized effects keep their two-sided
normal-theory intervals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reanalysis.analysis.arms import WithinArm
from reanalysis.analysis.reported_p import correlation_verdict, printed_p_verdict
from reanalysis.stats.effects import TTestResult
from reanalysis.stats.printed import PrintedP

if TYPE_CHECKING:
    from reanalysis.analysis.trial_effects import Comparison, TrialEffects

# (confidence level, alternative) of the intervals and p-values in a record.
_Test = tuple[float, str]
_DEFAULT_TEST: _Test = (0.95, "two-sided")


def _under(result: TTestResult | None, test: _Test) -> TTestResult | None:
    """``result`` tested against the record's alternative (unchanged when two-sided, and
    None when the data allow no result)."""
    if result is None or test[1] == "two-sided":
        return result
    return result.with_alternative(test[1])


def _common(
    effects: TrialEffects, r: float | None, r_source: str | None, test: _Test = _DEFAULT_TEST
) -> dict:
    level, alternative = test
    return {
        "trial": effects.trial,
        "study": effects.study,
        "outcome": effects.outcome,
        "unit": effects.unit,
        "week": effects.week,
        "analysis": effects.analysis,
        "r": r,
        "r_source": r_source,
        "plausible_r_low": effects.plausible.low if effects.plausible else None,
        "plausible_r_high": effects.plausible.high if effects.plausible else None,
        "confidence_level": level,
        "alternative": alternative,
    }


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


def arm_only_record(
    effects: TrialEffects, arm: WithinArm, control: str | None, test: _Test
) -> dict:
    """The record of a treatment ``arm`` with no comparison: its within-arm results, the
    between-arm fields None, and ``control`` (the missing control arm, or None)."""
    r = arm.change.correlation if arm.change else None
    record = _common(effects, r, arm.r_source, test)
    record |= {"comparison": "within_arm_only", "treatment": arm.arm, "control": control}
    record |= _arm_fields("treatment", arm, test)
    record |= _arm_fields("control", None, test)
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
    record["notes"] = list(effects.notes)
    return record


def comparison_record(effects: TrialEffects, c: Comparison, test: _Test) -> dict:
    """The record of comparison ``c``: both arms' within-arm results and every between-arm
    result, with the reported P and the r it implies when one was given."""
    record = _common(effects, c.r, c.r_source, test)
    record |= {"comparison": c.kind, "treatment": c.treatment.arm, "control": c.control.arm}
    record |= {"analysis": c.analysis}
    record |= _arm_fields("treatment", c.treatment, test)
    record |= _arm_fields("control", c.control, test)
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
    record["notes"] = list(effects.notes) + list(c.notes)
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
