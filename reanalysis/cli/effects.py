"""``reanalysis validate`` and ``reanalysis effects``: check trial files, and one outcome's
effect sizes (:func:`reanalysis.analysis.trial_effects.between_arm_effects`)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from reanalysis.cli.common import (
    add_alternative,
    add_confidence_level,
    add_config,
    add_format,
    command,
    interval_label,
    number,
    number_text,
    p_label,
    print_records,
    say,
    settings_for,
)
from reanalysis.console import emit
from reanalysis.errors import ReanalysisError

# Exit status when an input is bad (as reanalysis.cli.main returns for any bad input).
EXIT_BAD_INPUT = 2

# --- validate -----------------------------------------------------------------------


def _validate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="trial CSV files")
    add_format(parser)


@command("validate", "check trial CSV files against the schema", _validate_arguments)
def run_validate(args: argparse.Namespace) -> int:
    from reanalysis.data.trials import load_trial

    # Every file is checked and reported, good ones included; one bad file does not hide
    # the others, and the exit status is 2 if any failed.
    trials, failed = [], 0
    for path in args.files:
        try:
            trials.append(load_trial(path))
        except ReanalysisError as error:
            failed += 1
            emit(f"error: {' '.join(str(error).splitlines())}", sys.stderr)
    status = EXIT_BAD_INPUT if failed else 0
    if args.format == "text":
        for trial in trials:
            say(trial.summary_line())
        if failed and len(args.files) > 1:
            say(f"{len(trials)} of {len(args.files)} files valid")
        return status
    records = [
        {
            "file": str(trial.path),
            "trial": trial.name,
            "studies": list(trial.studies),
            "arms": list(trial.arms),
            "treatment_arms": list(trial.treatment_arms),
            "control_arms": list(trial.control_arms),
            "outcomes": list(trial.outcomes),
            "rows": len(trial.rows),
        }
        for trial in trials
    ]
    print_records(records, args.format)
    return status


# --- effects ------------------------------------------------------------------------


def _effects_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="trial CSV file")
    parser.add_argument("--outcome", required=True, help="outcome name (the CSV's outcome column)")
    parser.add_argument("--week", type=number, help="follow-up week (default: the last)")
    parser.add_argument("--study", help="study id when several report the outcome")
    given = parser.add_mutually_exclusive_group()
    given.add_argument("--r", type=number, help="pre–post correlation, in (-1, 1)")
    given.add_argument(
        "--reported-p",
        help=(
            "the between-arm P as printed (e.g. 0.0014, '<0.001', NS): use the r that "
            "reproduces it, with the r interval its rounding admits"
        ),
    )
    parser.add_argument("--treatment", help="treatment arm of the comparison (multi-arm trials)")
    parser.add_argument("--control", help="control arm of the comparison (multi-arm trials)")
    parser.add_argument(
        "--analysis", choices=("change", "ancova"), default="change", help="default: change"
    )
    add_confidence_level(parser)
    add_alternative(parser, "the t-tests' p-values and intervals")
    add_format(parser)
    add_config(parser, "analysis.toml beside the trial file, if any")


def _effects_table(effects: Any, level: float, alternative: str) -> None:
    from reanalysis.analysis.trial_effects import correlation_verdict

    def tested(result: Any) -> Any:
        """A t-test under ``alternative``; standardized effects keep their intervals."""
        if result is None or alternative == "two-sided" or not hasattr(result, "pvalue"):
            return result
        return result.with_alternative(alternative)

    p = p_label(alternative)

    def row(label: str, result: Any) -> None:
        """One result's line; a result the data do not allow (None) says so."""
        if result is None:
            say(f"  {label:<34} not computed from the data as printed")
            return
        result = tested(result)
        low, high = result.confidence_interval(level)
        pvalue = getattr(result, "pvalue", None)
        say(
            f"  {label:<34} {number_text(result.estimate):>10} "
            f"{number_text(result.standard_error):>10}  [{number_text(low)}, "
            f"{number_text(high)}]" + ("" if pvalue is None else f"  {p} = {number_text(pvalue)}")
        )

    say(
        f"{effects.trial} ({effects.study}): {effects.outcome} ({effects.unit}), "
        f"baseline to week {effects.week:g}"
    )
    if effects.plausible is not None:
        span = f"[{effects.plausible.low:g}, {effects.plausible.high:g}]"
        say(f"plausible r {span} ({effects.plausible.measurement}; a judgement)")
    ci = interval_label(level, alternative)
    say(f"within arms (r = {effects.r:.4g}, {effects.r_source}; {ci}s):")
    for arm in effects.within:
        change = arm.change
        assumed = " (n assumed)" if arm.n_assumed else ""
        if change is None:
            say(f"  {arm.arm:<26} n = {arm.n}{assumed}  change not computed")
            continue
        test = tested(change.test)
        low, high = test.confidence_interval(level)
        say(
            f"  {arm.arm:<26} n = {arm.n}{assumed}  change {number_text(change.mean_change)}"
            f" ({number_text(change.percent_change)}%)  SD {number_text(change.change_sd)}"
            f"  [{number_text(low)}, {number_text(high)}]  paired {p} = "
            f"{number_text(test.pvalue)}"
        )
    for c in effects.comparisons:
        say(f"{c.treatment.arm} − {c.control.arm} ({c.kind}; r = {c.r:.4g}, {c.r_source}):")
        say(f"  {'':<34} {'estimate':>10} {'SE':>10}  {interval_label(level, alternative)}")
        row("difference in change", c.change)
        row("difference in change (Welch)", c.change_welch)
        row("ANCOVA, baseline-adjusted", c.ancova)
        row("final values (ignores baseline)", c.final)
        row("baseline (randomized arms)", c.baseline)
        row("d_ppc2 (Morris 2008)", c.dppc2)
        row("SMCR difference (Becker 1988)", c.smcr_difference)
        row("SMCC difference", c.smcc_difference)
        row("Hedges' g, final values", c.hedges_g_final)
        if c.implied is not None:
            say(f"  implied r: {correlation_verdict(c.implied)}")
    if alternative != "two-sided":
        say(f"note: t-tests one-sided (H1: difference {alternative} than 0); d intervals two-sided")
    for note in effects.notes:
        say(f"note: {note}")


@command("effects", "effect sizes for one outcome of a trial file", _effects_arguments)
def run_effects(args: argparse.Namespace) -> int:
    from reanalysis.analysis.trial_effects import between_arm_effects
    from reanalysis.data.trials import load_trial

    reported = None
    if args.reported_p is not None:
        from reanalysis.stats.printed import parse_printed_p

        try:
            reported = parse_printed_p(args.reported_p)
        except ReanalysisError as error:
            raise ReanalysisError(f"--reported-p: {error}") from None
    if args.r is not None and not -1 < args.r < 1:
        raise ReanalysisError(f"--r must lie strictly between -1 and 1, got {args.r}")
    trial = load_trial(args.file)
    if args.outcome not in trial.outcomes:
        raise ReanalysisError(
            f"--outcome must be one of {', '.join(trial.outcomes)}, got {args.outcome!r}"
        )
    effects = between_arm_effects(
        trial,
        args.outcome,
        args.week,
        r=args.r,
        reported_p=reported,
        analysis=args.analysis,
        study=args.study,
        treatment=args.treatment,
        control=args.control,
        settings=settings_for([args.file], args.config),
    )
    if args.format == "text":
        _effects_table(effects, args.confidence_level, args.alternative)
    else:
        print_records(effects.records(args.confidence_level, args.alternative), args.format)
    return 0
