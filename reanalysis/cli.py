"""Command line: a thin layer over the API.

Every subcommand parses its flags, calls the package's pure functions and prints
either a readable table or JSON. Bad input of any kind ends in one line on stderr
and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Sequence
from typing import Any

from reanalysis.errors import ReanalysisError

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports a bad flag in one line with exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise ReanalysisError(f"{self.prog}: {message}")


def print_json(payload: Any) -> None:
    """Print JSON with sorted keys; NaN or infinity is refused rather than printed."""
    print(json.dumps(payload, indent=2, sort_keys=True, allow_nan=False))


def finite(value: float, what: str) -> float:
    """Refuse to print a NaN or infinity as an answer."""
    if not math.isfinite(value):
        raise ReanalysisError(f"{what} could not be computed (got {value})")
    return value


# Each subcommand registers (add_arguments, run) here; run returns the exit status.
Command = tuple[Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]
COMMANDS: dict[str, tuple[str, Command]] = {}


def command(name: str, help_text: str, add_arguments: Callable[[argparse.ArgumentParser], None]):
    """Register a subcommand's runner under ``name``."""

    def register(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        COMMANDS[name] = (help_text, (add_arguments, run))
        return run

    return register


# --- validate -----------------------------------------------------------------


def _validate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="trial CSV files")


@command("validate", "check trial CSV files against the schema", _validate_arguments)
def run_validate(args: argparse.Namespace) -> int:
    from reanalysis.trials import load_trial

    trials = [load_trial(path) for path in args.files]
    for trial in trials:
        print(trial.summary_line())
    return 0


# --- report -------------------------------------------------------------------


def _report_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", default="data", help="directory of input files (default: data)")
    parser.add_argument("--out", default="reports", help="output directory (default: reports)")


@command("report", "compute, draw and write the report (all or nothing)", _report_arguments)
def run_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from reanalysis.report import write_report

    out = write_report(
        Path(args.data),
        Path(args.out),
        command=f"reanalysis report --data {args.data} --out {args.out}",
        progress=lambda line: print(line, flush=True),
    )
    print(f"report written to {out}/")
    return 0


# --- effects ------------------------------------------------------------------


def _effects_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="trial CSV file")
    parser.add_argument("--outcome", required=True, help="outcome name, e.g. pa_spine_bmd")
    parser.add_argument("--week", type=float, help="follow-up week (default: the last)")
    parser.add_argument("--study", help="study id when several report the outcome")
    given = parser.add_mutually_exclusive_group()
    given.add_argument("--r", type=float, help="pre–post correlation, in (-1, 1)")
    given.add_argument(
        "--reported-p", type=float, help="reported p: use the r that reproduces it"
    )
    parser.add_argument(
        "--analysis", choices=("change", "ancova"), default="change", help="default: change"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def _finite_record(record: dict) -> dict:
    for key, value in record.items():
        if isinstance(value, float):
            finite(value, key)
    return record


def _effects_table(effects: Any) -> None:
    def number(value: float) -> str:
        return f"{value:.4g}"

    def row(label: str, result: Any) -> None:
        ci = result.confidence_interval()
        print(
            f"  {label:<34} {number(result.estimate):>10} {number(result.standard_error):>10}"
            f"  [{number(ci.low)}, {number(ci.high)}]  p = {number(result.pvalue)}"
        )

    print(
        f"{effects.trial} ({effects.study}): {effects.outcome} ({effects.unit}), "
        f"baseline to week {effects.week:g}"
    )
    if effects.plausible is not None:
        span = f"[{effects.plausible.low:g}, {effects.plausible.high:g}]"
        print(f"plausible r {span} ({effects.plausible.measurement}; a judgement)")
    print(f"within arms (r = {effects.r:.4g}, {effects.r_source}):")
    for arm in effects.within:
        change = arm.change
        ci = change.test.confidence_interval()
        assumed = " (n assumed)" if arm.n_assumed else ""
        print(
            f"  {arm.arm:<26} n = {arm.data.n}{assumed}  change {number(change.mean_change)}"
            f" ({number(change.percent_change)}%)  SD {number(change.change_sd)}"
            f"  [{number(ci.low)}, {number(ci.high)}]  paired p = {number(change.test.pvalue)}"
        )
    for c in effects.comparisons:
        print(
            f"{c.treatment.arm} − {c.control.arm} ({c.kind}; r = {c.r:.4g}, {c.r_source}):"
        )
        print(f"  {'':<34} {'estimate':>10} {'SE':>10}  95% CI")
        row("difference in change", c.change)
        row("difference in change (Welch)", c.change_welch)
        row("ANCOVA, baseline-adjusted", c.ancova)
        row("final values (ignores baseline)", c.final)
        row("baseline (randomized arms)", c.baseline)
        for label, effect in (
            ("d_ppc2 (Morris 2008)", c.dppc2),
            ("SMCR difference (Becker 1988)", c.smcr_difference),
            ("SMCC difference", c.smcc_difference),
            ("Hedges' g, final values", c.hedges_g_final),
        ):
            ci = effect.confidence_interval()
            print(
                f"  {label:<34} {number(effect.estimate):>10} {number(effect.standard_error):>10}"
                f"  [{number(ci.low)}, {number(ci.high)}]"
            )
        if c.implied is not None:
            print(f"  implied r: {c.implied.verdict}")
    for note in effects.notes:
        print(f"note: {note}")


@command("effects", "effect sizes for one outcome of a trial file", _effects_arguments)
def run_effects(args: argparse.Namespace) -> int:
    from reanalysis.effects import between_arm_effects
    from reanalysis.trials import load_trial

    if args.reported_p is not None and not 0 < args.reported_p < 1:
        raise ReanalysisError(f"--reported-p must lie strictly between 0 and 1, got {args.reported_p}")
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
        reported_p=args.reported_p,
        analysis=args.analysis,
        study=args.study,
    )
    if args.json:
        records = [_finite_record(record) for record in effects.records()]
        print_json(records if len(trial.treatment_arms) > 1 or len(records) > 1 else records[0])
    else:
        _effects_table(effects)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="reanalysis", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, (help_text, (add_arguments, _run)) in COMMANDS.items():
        add_arguments(sub.add_parser(name, help=help_text, description=help_text))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return COMMANDS[args.command][1][1](args)
    except ReanalysisError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return 0
