"""What every subcommand shares: the parser, the registry, common flags and the output.

Conventions (README, "Command line"): ``--format text|json|csv`` on every command that
prints results (``--json`` is ``--format json``); JSON is always a list of records, whose
fields ``reanalysis/schemas/<command>.schema.json`` describes (package data);
``--confidence-level`` wherever an interval is printed; ``--alternative`` wherever a
p-value or a power is; ``--config FILE`` wherever settings are read. Everything is
written through :func:`reanalysis.console.emit`, so no console encoding can make a
command fail.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reanalysis.console import emit
from reanalysis.errors import ReanalysisError
from reanalysis.stats.protocol import ALTERNATIVES

FORMATS = ("text", "json", "csv")


class Parser(argparse.ArgumentParser):
    """argparse that reports a bad flag in one line (exit 2) and prints in any encoding."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise ReanalysisError(f"{self.prog}: {message}")

    def _print_message(self, message: str, file: Any = None) -> None:
        if message:
            emit(message, file or sys.stderr, end="")


@dataclass(frozen=True)
class Command:
    """A subcommand: its help line, how it adds its flags, and how it runs (exit status)."""

    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


COMMANDS: dict[str, Command] = {}


def command(name: str, help_text: str, add_arguments: Callable[[argparse.ArgumentParser], None]):
    """Register the decorated function as the runner of subcommand ``name``."""

    def register(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        COMMANDS[name] = Command(help_text, add_arguments, run)
        return run

    return register


# --- flag values ------------------------------------------------------------------------


def number(text: str) -> float:
    """A finite number (argparse type): ``nan``, ``inf`` and overflowing text are refused."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def level(text: str) -> float:
    """A confidence level strictly between 0 and 1 (argparse type)."""
    value = number(text)
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(
            f"expected a level between 0 and 1, e.g. 0.9, got {text!r}"
        )
    return value


def add_format(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (default), json (a list of records) or csv (one row per record)",
    )
    group.add_argument(
        "--json", dest="format", action="store_const", const="json", help="--format json"
    )


def add_confidence_level(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--confidence-level",
        type=level,
        default=0.95,
        metavar="LEVEL",
        help="level of every interval printed (default 0.95)",
    )


def add_alternative(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--alternative",
        choices=ALTERNATIVES,
        default="two-sided",
        help=f"{what}: two-sided (default), larger (H1: difference > 0) or smaller",
    )


def add_config(parser: argparse.ArgumentParser, default: str) -> None:
    parser.add_argument("--config", metavar="FILE", help=f"settings file (default: {default})")


def settings_for(files: Sequence[str], config: str | None):
    """``--config FILE``, else ``analysis.toml`` beside the first trial file, else defaults."""
    from reanalysis.data.settings import settings_for_folder

    return settings_for_folder(Path(files[0]).parent, config)


def interval_label(confidence_level: float, alternative: str = "two-sided") -> str:
    """``95% CI``, ``90% CI``, or ``95% one-sided CI`` for an interval of a one-sided test."""
    sided = "" if alternative == "two-sided" else " one-sided"
    return f"{100 * confidence_level:g}%{sided} CI"


def p_label(alternative: str) -> str:
    """``p`` for a two-sided test, ``p (larger)`` or ``p (smaller)`` for a one-sided one."""
    return "p" if alternative == "two-sided" else f"p ({alternative})"


# --- output ---------------------------------------------------------------------------


def say(text: str = "", flush: bool = False) -> None:
    """One line of text output on stdout."""
    emit(text, flush=flush)


def warn(text: str) -> None:
    """One line on stderr, ``warning: text``."""
    emit(f"warning: {text}", sys.stderr)


def finite(value: float, what: str) -> float:
    """Refuse to print a NaN or infinity as an answer."""
    if not math.isfinite(value):
        raise ReanalysisError(f"{what} could not be computed (got {value})")
    return value


def json_ready(value: Any, what: str = "result") -> Any:
    """Plain JSON values: NaN is refused (``what`` could not be computed); ±inf, the open
    end of a one-sided interval, becomes null; NumPy scalars become Python numbers."""
    if hasattr(value, "item") and hasattr(value, "dtype"):
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value):
            raise ReanalysisError(f"{what} could not be computed (got nan)")
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(key): json_ready(item, str(key)) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(item, what) for item in value]
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list) and not any(isinstance(v, (list, dict)) for v in value):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, sort_keys=True, allow_nan=False)
    return str(value)


def csv_text(records: list[dict[str, Any]]) -> str:
    """Records as CSV: a header of every key (first-seen order), one row per record.

    Empty cells are missing values; a list of plain values is ``; ``-joined, anything
    nested is JSON text.
    """
    columns = list(dict.fromkeys(key for record in records for key in record))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow([_cell(record.get(column)) for column in columns])
    return buffer.getvalue()


def print_records(records: list[dict[str, Any]], output: str) -> None:
    """Print ``records`` as JSON (a list, sorted keys, ASCII) or CSV."""
    ready = json_ready(list(records))
    if output == "json":
        say(json.dumps(ready, indent=2, sort_keys=True, allow_nan=False))
    else:
        emit(csv_text(ready), end="")


def number_text(value: float | None) -> str:
    """A number as text output shows it: 4 significant digits; ``inf`` for an open end."""
    return "NA" if value is None else f"{value:.4g}"
