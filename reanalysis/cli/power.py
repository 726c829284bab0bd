"""``reanalysis power``: design power, n per group, or the minimum detectable effect of a
two-sample t-test (:mod:`reanalysis.stats.power`), two-sided or one-sided."""

from __future__ import annotations

import argparse

from reanalysis.cli.common import (
    add_alternative,
    add_format,
    command,
    finite,
    number,
    print_records,
    say,
)
from reanalysis.errors import ReanalysisError


def _power_arguments(parser: argparse.ArgumentParser) -> None:
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
