"""``reanalysis extract ARTICLE``: every quantitative statement and reference of an article.

``--format json`` (or ``--json``) prints the items; ``--toml`` prints a claims draft whose
statements and references are pre-matched to a data folder (``--data``) where the numbers
allow; the text format lists the items with their lines.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from reanalysis.cli.common import add_format, command, print_records, say


def _extract_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("article", metavar="ARTICLE", help="a plain-text or Markdown article")
    parser.add_argument(
        "--toml",
        action="store_true",
        help="print a claims.toml draft (claims and references pre-matched to --data)",
    )
    parser.add_argument(
        "--data", help="data folder to match statements and references against (with --toml)"
    )
    add_format(parser)


def _rows(data: Path) -> tuple[list[dict], dict]:
    """Printed cells of every trial row, and study metadata, for matching."""
    from reanalysis.data.folder import load_folder

    dataset = load_folder(data)
    rows = [
        {
            "file": trial.path.name,
            "line": m.row,
            "study": m.study,
            "arm": m.arm,
            "outcome": m.outcome,
            "timepoint": m.timepoint,
            "printed_mean": m.printed_mean,
            "printed_sd": m.printed_sd,
        }
        for trial in dataset.trials.values()
        for m in trial.rows
    ]
    return rows, dataset.studies


@command(
    "extract", "find every quantitative statement and reference of an article", _extract_arguments
)
def run_extract(args: argparse.Namespace) -> int:
    from reanalysis.analysis.claims_draft import draft_claims_toml
    from reanalysis.data.article import extract
    from reanalysis.data.files import read_text

    text = read_text(Path(args.article), what="article")
    items = extract(text)
    if args.toml:
        rows, studies = _rows(Path(args.data)) if args.data else ([], {})
        say(draft_claims_toml(items, rows, studies, article=text).rstrip("\n"))
        return 0
    if args.format != "text":
        print_records([item.to_dict() for item in items], args.format)
        return 0
    for item in items:
        detail = f" [{item.subkind}]" if item.subkind else ""
        say(f"{args.article}:{item.line}: {item.kind}{detail}: {item.text}")
    return 0
