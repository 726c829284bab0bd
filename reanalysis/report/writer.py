"""Write the report: ``results.json``, figures, ``report.md`` and ``report.html``.

Everything is computed and drawn in memory first, then handed to
:func:`reanalysis.report.output.write_output`, which writes it into a staging folder and
swaps it in whole, only into a folder this tool made (a marker file says so), never over
a user's files or the data. A failure at any step leaves the previous report untouched.
The HTML is one self-contained file (figures inline as SVG data URIs); every text that
comes from a data file is escaped.

Determinism: JSON with sorted keys and floats at 12 significant digits; figures without
dates or random ids (see :mod:`reanalysis.report.figures`); no timestamps; the command is
recorded with the data folder's name only, so builds into different folders are
byte-identical.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reanalysis.report import figures, render
from reanalysis.report.output import prepare_output, write_output
from reanalysis.report.results import build_results


def dump_json(results: dict[str, Any]) -> str:
    """Sorted JSON without indentation (indenting would add about 70% to its size)."""
    return (
        json.dumps(
            results, sort_keys=True, ensure_ascii=False, allow_nan=False, separators=(",", ":")
        )
        + "\n"
    )


def recorded_command(data_dir: Path, config: Path | None = None, png: bool = False) -> str:
    """The command as recorded in the report: paths relative to the data folder's parent."""
    command = f"reanalysis report --data {data_dir.name}"
    if config is not None:
        command += f" --config {config.name}"
    return command + (" --png" if png else "")


def write_report(
    data_dir: Path,
    out_dir: Path,
    command: str | None = None,
    progress: Callable[[str], None] = lambda line: None,
    *,
    config: Path | None = None,
    png: bool = False,
    workers: int | None = None,
) -> Path:
    """Compute, draw and render the report from ``data_dir`` into ``out_dir`` (all or nothing)."""
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    if workers != 1:
        # matplotlib loads in the figure server, on another core, while this process
        # checks the output folder and computes the results.
        figures.start_server()
    try:
        prepare_output(out_dir, data_dir)
        command = command or recorded_command(data_dir, config, png)
        progress(f"[1/4] computing results from {data_dir}/")
        results = build_results(data_dir, command, config)
        progress("[2/4] drawing figures")
        drawn = figures.draw_all(results, png=png, workers=workers)
    finally:
        figures.stop_server()  # a server left unused by an error ends here
    progress("[3/4] rendering report.md and report.html")
    files: dict[str, bytes] = {
        "results.json": dump_json(results).encode("utf-8"),
        "report.md": render.markdown(results, drawn).encode("utf-8"),
        "report.html": render.html(results, drawn).encode("utf-8"),
    }
    for figure in drawn:
        files[f"figures/{figure.file_stem}.svg"] = figure.svg.encode("utf-8")
        if figure.png is not None:
            files[f"figures/{figure.file_stem}.png"] = figure.png
    progress(f"[4/4] writing {out_dir}/")
    write_output(out_dir, data_dir, files)
    return out_dir
