"""Commands on a whole data folder: ``reanalysis audit``, ``reanalysis report`` and
``reanalysis init``."""

from __future__ import annotations

import argparse

from reanalysis.cli.common import add_config, add_format, command, print_records, say

# --- audit --------------------------------------------------------------------------


def _audit_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", default="data", help="directory of input files (default: data)")
    add_format(parser)


@command("audit", "verdict on every claim and reference of the audited article", _audit_arguments)
def run_audit(args: argparse.Namespace) -> int:
    from reanalysis.analysis.claims import evaluate_all, load_audit_data
    from reanalysis.analysis.claims.coverage import article_coverage

    data = load_audit_data(args.data)
    verdicts = evaluate_all(data)
    if args.format != "text":
        print_records([v.record() for v in verdicts], args.format)
        return 0
    coverage = article_coverage(data)
    width = max((len(v.id) for v in verdicts), default=5)
    section = max((len(v.section) for v in verdicts), default=7)
    verdict = max((len(str(v.verdict)) for v in verdicts), default=7)
    say(f"{'claim':<{width}}  {'section':<{section}}  {'verdict':<{verdict}}  evidence")
    for v in verdicts:
        say(f"{v.id:<{width}}  {v.section:<{section}}  {v.verdict!s:<{verdict}}  {v.evidence}")
    if coverage is not None:
        say(f"coverage of {coverage['article']}: {coverage['summary']}")
    return 0


# --- report -------------------------------------------------------------------------


def _report_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", default="data", help="directory of input files (default: data)")
    parser.add_argument(
        "--out",
        default="reports",
        help="output folder: new, empty, or one this command wrote before (default: reports)",
    )
    add_config(parser, "analysis.toml in the data folder, if any")
    parser.add_argument("--png", action="store_true", help="also write PNG copies of figures")


@command("report", "compute, draw and write the report (all or nothing)", _report_arguments)
def run_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from reanalysis.report.figures import start_server

    # First, so that the figure server loads matplotlib while this process loads the rest.
    start_server()
    from reanalysis.report.writer import write_report

    out = write_report(
        Path(args.data),
        Path(args.out),
        progress=lambda line: say(line, flush=True),
        config=Path(args.config) if args.config else None,
        png=args.png,
    )
    say(f"report written to {out}/")
    return 0


# --- init ---------------------------------------------------------------------------


def _init_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", help="a new or empty folder to write the starter files into")


@command(
    "init", "write a starter data folder (example CSV, analysis.toml, README)", _init_arguments
)
def run_init(args: argparse.Namespace) -> int:
    from reanalysis.data.starter import write_starter

    for path in write_starter(args.folder):
        say(f"wrote {path}")
    say(f"next: edit the files, then `reanalysis report --data {args.folder} --out REPORT_DIR`")
    return 0
