"""A report of many trial files stays readable: beyond 10 files the per-trial detail is
folded and one figure across trials replaces each kind of per-trial figure (issue 16)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from reanalysis.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from generate import write_folder


def test_twelve_trial_files_fold_their_detail(tmp_path: Path) -> None:
    data = write_folder(12, tmp_path / "data")
    out = tmp_path / "out"
    assert main(["report", "--data", str(data), "--out", str(out)]) == 0
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert len(results["trials"]) == 12
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.count("<details") > 0
    figures = sorted(p.name for p in (out / "figures").glob("*.svg"))
    # No per-trial before/after figure: one across trials instead.
    assert not [f for f in figures if f.startswith("before_after_")]
    assert page.count("<img") == len(figures)
