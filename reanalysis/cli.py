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
