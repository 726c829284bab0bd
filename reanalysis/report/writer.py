"""Write the report: ``results.json``, figures, ``report.md`` and ``report.html``.

:func:`write_report` builds everything in a temporary directory beside the output and
swaps it in only when every step has succeeded, so a failure leaves the previous
report untouched. The HTML is one self-contained file (figures inline as SVG data
URIs); every text that comes from a data file is escaped.

Determinism: JSON with sorted keys and floats at 12 significant digits; figures without
dates or random ids (see :mod:`reanalysis.report.figures`); no timestamps anywhere.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reanalysis.errors import ReanalysisError
from reanalysis.report import figures, render
from reanalysis.report.results import build_results


def dump_json(results: dict[str, Any]) -> str:
    return json.dumps(results, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"


def write_report(
    data_dir: Path,
    out_dir: Path,
    command: str = "reanalysis report",
    progress: Callable[[str], None] = lambda line: None,
) -> Path:
    """Compute, draw and render the report from ``data_dir`` into ``out_dir`` (all or nothing)."""
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    except OSError as error:
        raise ReanalysisError(
            f"{out_dir}: cannot write the report there ({error.strerror})"
        ) from None
    staging.chmod(0o755)  # mkdtemp makes it private; a report is for reading
    try:
        progress(f"[1/4] computing results from {data_dir}/")
        results = build_results(data_dir, command)
        (staging / "results.json").write_text(dump_json(results), encoding="utf-8")
        progress("[2/4] drawing figures")
        drawn = figures.draw_all(results, staging / "figures")
        progress("[3/4] writing report.md")
        (staging / "report.md").write_text(render.markdown(results, drawn), encoding="utf-8")
        progress("[4/4] writing report.html")
        (staging / "report.html").write_text(render.html(results, drawn), encoding="utf-8")
        _swap(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out_dir


def _swap(staging: Path, out_dir: Path) -> None:
    """Put ``staging`` in place of ``out_dir``; the old report is removed only after."""
    if out_dir.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-old-", dir=out_dir.parent))
        out_dir.rename(retired / out_dir.name)
        staging.rename(out_dir)
        shutil.rmtree(retired)
    else:
        staging.rename(out_dir)
