"""``reanalysis power``: design power, n per group, or the minimum detectable effect of a
two-sample t-test (:mod:`reanalysis.stats.power`), two-sided or one-sided; or, given a
trial file and an outcome, the trial's design power at the outcome's minimal important
difference in its own unit (settings from ``analysis.toml`` beside the file, or
``--config``)."""

from __future__ import annotations

import argparse

from reanalysis.cli.common import (
    add_alternative,
    add_config,
    add_format,
    command,
    finite,
    number,
    print_records,
    say,
    settings_for,
)
from reanalysis.errors import ReanalysisError


def _power_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file",
        nargs="?",
        metavar="FILE",
        help="a trial CSV: design power of its comparison at the outcome's MID (with --outcome)",
    )
    parser.add_argument("--outcome", help="with FILE: the outcome (the CSV's outcome column)")
    parser.add_argument("--r", type=number, help="with FILE: the pre–post correlation")
    parser.add_argument("--treatment", help="with FILE: treatment arm (multi-arm trials)")
    parser.add_argument("--control", help="with FILE: control arm (multi-arm trials)")
    add_config(parser, "analysis.toml beside the trial file, if any")
    parser.add_argument("--d", type=number, help="standardized effect: difference / SD")
    parser.add_argument("--n1", type=number, help="participants in group 1 (>= 2)")
    parser.add_argument("--n2", type=number, help="participants in group 2 (>= 2)")
    parser.add_argument("--power", type=number, help="target power, strictly between 0 and 1")
    parser.add_argument("--ratio", type=number, help="n2/n1 when solving for n (default 1)")
    parser.add_argument(
        "--alpha",
        type=number,
        default=0.05,
        help="significance level (default 0.05): split over both tails when two-sided",
    )
    add_alternative(parser, "the test")
    add_format(parser)


def _test_words(alternative: str, alpha: float) -> str:
    """The test and where alpha goes, as the output line says it."""
    if alternative == "two-sided":
        return f"two-sided t-test, alpha = {alpha:g} (alpha/2 in each tail)"
    sign = ">" if alternative == "larger" else "<"
    return f"one-sided t-test, H1: d {sign} 0, alpha = {alpha:g} in one tail"


@command(
    "power",
    "t-test power (--d --n1 --n2), n per group (--d --power) or MDE (--n1 --n2 --power)",
    _power_arguments,
)
def run_power(args: argparse.Namespace) -> int:
    from reanalysis.stats.power import (
        minimum_detectable_effect,
        sample_size_per_group,
        two_sample_power,
    )

    if args.file is not None:
        return _trial_design(args)
    if args.outcome is not None:
        raise ReanalysisError("--outcome needs a trial FILE")

    if (args.n1 is None) != (args.n2 is None):
        raise ReanalysisError("give --n1 and --n2 together")
    has_n, has_d, has_power = args.n1 is not None, args.d is not None, args.power is not None
    if args.ratio is not None and not (has_d and has_power and not has_n):
        raise ReanalysisError("--ratio applies only when solving for n (--d and --power)")
    alternative = args.alternative
    test = _test_words(alternative, args.alpha)
    if has_d and has_n and not has_power:
        result = two_sample_power(args.d, args.n1, args.n2, args.alpha, alternative)
        record = {"question": "power"} | result.to_dict()
        finite(result.power, "power")
        line = (
            f"power = {result.power:.4f} ({test}; d = {result.effect_size:g}, "
            f"n1 = {result.n1:g}, n2 = {result.n2:g}, df = {result.df:g})"
        )
    elif has_d and has_power and not has_n:
        ratio = 1.0 if args.ratio is None else args.ratio
        size = sample_size_per_group(args.d, args.power, args.alpha, ratio, alternative)
        record = {"question": "sample_size"} | size.to_dict()
        finite(size.n_per_group, "n_per_group")
        line = (
            f"n_per_group = {size.n_per_group:.2f} -> {size.n_per_group_ceil}"
            + (f" (n2 = {size.n2:.2f} -> {size.n2_ceil})" if ratio != 1 else "")
            + f", achieved power {size.achieved_power:.4f} ({test}; "
            f"d = {size.effect_size:g}, power = {size.power:g})"
        )
    elif has_n and has_power and not has_d:
        mde = minimum_detectable_effect(
            args.n1, args.n2, args.power, args.alpha, alternative=alternative
        )
        record = {"question": "mde", "mde": finite(mde.effect_size, "mde")} | mde.to_dict()
        line = (
            f"mde = {mde.effect_size:.4f} (standardized d; {test}; n1 = {mde.n1:g}, "
            f"n2 = {mde.n2:g}, power = {mde.power:g})"
        )
    else:
        raise ReanalysisError(
            "give exactly two of --d, --n1 with --n2, and --power; the third is solved for"
        )
    if args.format == "text":
        say(line)
    else:
        print_records([record], args.format)
    return 0


def _trial_design(args: argparse.Namespace) -> int:
    """Design power of a trial's treatment-vs-control comparison at the outcome's MID.

    The change-score analysis at the r of ``--r``, else the settings' (``analysis.toml``:
    its r, the midpoint of its range, else 0.5, assumed); the MID in the outcome's unit
    from the settings, else half the pooled baseline SD (assumed). Answers: power at the
    trial's n, the minimum detectable difference at ``--power`` (default 0.8) and the n
    per arm a new trial needs for the MID at that power. Never the observed effect.
    """
    from reanalysis.analysis.bayes import comparisons, threshold_for
    from reanalysis.data.trials import load_trial
    from reanalysis.stats.power import (
        minimum_detectable_effect,
        pooled_analysis_sd,
        sample_size_per_group,
        two_sample_power,
    )

    if args.outcome is None:
        raise ReanalysisError("a trial FILE needs --outcome")
    if args.d is not None or args.n1 is not None or args.n2 is not None:
        raise ReanalysisError("with a trial FILE, --d, --n1 and --n2 come from the data")
    if args.r is not None and not -1 < args.r < 1:
        raise ReanalysisError(f"--r must lie strictly between -1 and 1, got {args.r}")
    target = 0.8 if args.power is None else args.power
    trial = load_trial(args.file)
    if args.outcome not in trial.outcomes:
        raise ReanalysisError(
            f"--outcome must be one of {', '.join(trial.outcomes)}, got {args.outcome!r}"
        )
    settings = settings_for([args.file], args.config)
    chosen = {"treatment": args.treatment, "control": args.control, "settings": settings}
    records, lines = [], []
    test = _test_words(args.alternative, args.alpha)
    for pair in comparisons(trial, args.outcome, args.r, None, **chosen):
        t, c = pair.treatment.data, pair.control.data
        if t is None or c is None:
            raise ReanalysisError(
                f"{trial.path}: {pair.treatment.arm} vs {pair.control.arm} needs baseline and "
                "follow-up means and SDs of both arms for a design power of change"
            )
        mid, source = threshold_for(pair, args.outcome, settings)
        sd = pooled_analysis_sd("change", t, c, pair.r)
        # A one-sided design looks for a difference of the MID on its own side of zero.
        d = -mid / sd if args.alternative == "smaller" else mid / sd
        power = two_sample_power(d, t.n, c.n, args.alpha, args.alternative)
        mde = minimum_detectable_effect(
            t.n, c.n, target, args.alpha, outcome_sd=sd, alternative=args.alternative
        )
        size = sample_size_per_group(d, target, args.alpha, 1.0, args.alternative)
        unit = pair.treatment.summary.followup.unit
        records.append(
            {
                "question": "trial_design",
                "trial": trial.name,
                "outcome": args.outcome,
                "unit": unit,
                "treatment": pair.treatment.arm,
                "control": pair.control.arm,
                "analysis": "change",
                "r": pair.r,
                "r_source": pair.r_source,
                "difference": mid,
                "difference_source": source,
                "outcome_sd": sd,
                "alternative": args.alternative,
                "alpha": args.alpha,
                "effect_size": d,
                "n1": float(t.n),
                "n2": float(c.n),
                "power": finite(power.power, "power"),
                "target_power": target,
                "mde": finite(mde.difference, "mde"),
                "n_per_group": size.n_per_group,
                "n_per_group_ceil": size.n_per_group_ceil,
            }
        )
        lines.append(
            f"{trial.name}: {args.outcome}, {pair.treatment.arm} vs {pair.control.arm} "
            f"(n {t.n}/{c.n}; change scores, r = {pair.r:.3g}, {pair.r_source}): power "
            f"{power.power:.3f} to detect {mid:.4g} {unit} ({source}); minimum detectable "
            f"difference at {target:g} power {mde.difference:.4g} {unit}; a new trial needs "
            f"{size.n_per_group_ceil} per arm for the MID ({test})"
        )
    if args.format == "text":
        for line in lines:
            say(line)
    else:
        print_records(records, args.format)
    return 0
