"""Command line: a thin layer over the API.

Every subcommand parses its flags, calls the package's functions and prints a readable
table, or records as JSON or CSV (:mod:`reanalysis.cli.common`). Bad input of any kind
ends in one line on stderr and exit status 2, never a traceback; warnings are one line
each (``warning: ...``).
"""

from __future__ import annotations

import gc
import sys
import warnings
from collections.abc import Sequence
from typing import Any

from reanalysis import __version__
from reanalysis.cli import effects, extract, folder, power, synthesis
from reanalysis.cli.common import COMMANDS, Parser, warn
from reanalysis.console import emit
from reanalysis.errors import BuildInterrupted, ReanalysisError

EXIT_BAD_INPUT = 2
# 128 + SIGINT: the shell's convention for a command stopped by Ctrl-C.
EXIT_INTERRUPTED = 130
# The order of ``reanalysis --help``: from checking the data to the whole report.
ORDER = (
    "validate",
    "effects",
    "power",
    "pool",
    "bayes",
    "extract",
    "audit",
    "report",
    "init",
)
# The modules above register their subcommands when imported.
_REGISTERED = (effects, extract, folder, power, synthesis)


def build_parser() -> Parser:
    parser = Parser(prog="reanalysis", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"reanalysis {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for name in ORDER:
        spec = COMMANDS[name]
        spec.add_arguments(sub.add_parser(name, help=spec.help, description=spec.help))
    return parser


def _one_line_warning(message: Any, category: Any, *args: Any, **kwargs: Any) -> None:
    warn(str(message))


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``reanalysis ARGV``; return the exit status (0, or 2 for bad input)."""
    with warnings.catch_warnings():
        warnings.showwarning = _one_line_warning
        try:
            try:
                args = build_parser().parse_args(argv)
            except SystemExit as stop:  # --help and --version print, then stop
                return stop.code if isinstance(stop.code, int) else 0
            return COMMANDS[args.command].run(args)
        except BuildInterrupted as error:
            _error(error)
            return error.exit_status
        except KeyboardInterrupt:
            _error("interrupted; nothing was written")
            return EXIT_INTERRUPTED
        except ReanalysisError as error:
            _error(error)
            return EXIT_BAD_INPUT
        except BrokenPipeError:
            return 0


def run() -> None:
    """The ``reanalysis`` program: :func:`main`, then exit with its status.

    Everything is written and flushed by then, so the objects that live until exit are
    frozen (``gc.freeze``) rather than collected one by one while the interpreter shuts
    down: about 0.1 s of every command's time with scipy or pandas loaded (issue 16).
    """
    status = main()
    gc.freeze()
    sys.exit(status)


def _error(message: object) -> None:
    """``error: message`` as one line on stderr (a newline inside, e.g. from a file name
    given on the command line, is shown as a space)."""
    emit(f"error: {' '.join(str(message).splitlines())}", sys.stderr)
