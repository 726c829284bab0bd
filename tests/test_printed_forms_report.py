"""Every printed form builds a complete report (issue 11): SE, CI, median, change scores,
per-arm r and follow-up only, each a folder of one CSV and nothing else."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from reanalysis.cli import main

FORMS = Path(__file__).resolve().parent / "fixtures" / "printed_forms"


@pytest.mark.parametrize("form", sorted(p.stem for p in FORMS.glob("*.csv")))
def test_each_printed_form_builds_a_report(form: str, tmp_path: Path, capsys) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(FORMS / f"{form}.csv", data)
    assert main(["report", "--data", str(data), "--out", str(tmp_path / "out")]) == 0
    results = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    between = [e for e in results["effects"] if e["comparison"] == "treatment_vs_control"]
    assert between and all(e["estimate"] is not None for e in between)
    assert results["summary_of_findings"]
    assert results["not_computed"] == []
