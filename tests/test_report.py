"""The report: builds from the shipped data, byte-identically, safely, all or nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from reanalysis.cli import main
from reanalysis.report.results import build_results
from reanalysis.report.writer import write_report

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build") / "reports"
    write_report(DATA, out)
    return out


def _tree(path: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()
    }


def test_report_builds_every_output(built: Path) -> None:
    for name in ("report.html", "report.md", "results.json"):
        assert (built / name).stat().st_size > 0
    svgs = sorted(p.stem for p in (built / "figures").glob("*.svg"))
    assert svgs and not list((built / "figures").glob("*.png"))


def test_png_copies_on_request(tmp_path: Path) -> None:
    out = write_report(DATA, tmp_path / "reports", png=True)
    svgs = sorted(p.stem for p in (out / "figures").glob("*.svg"))
    pngs = sorted(p.stem for p in (out / "figures").glob("*.png"))
    assert svgs and svgs == pngs


def test_two_builds_are_byte_identical(built: Path, tmp_path: Path) -> None:
    # Another folder, spelled differently: the report records paths relative to the data.
    again = write_report(DATA, tmp_path / "elsewhere" / "out", workers=1)
    assert _tree(again) == _tree(built)


def test_html_is_self_contained(built: Path) -> None:
    page = (built / "report.html").read_text(encoding="utf-8")
    assert "data:image/svg+xml;base64," in page
    for remote in ('src="http', "src='http", '<link rel="stylesheet"', "<script"):
        assert remote not in page


def test_committed_results_equal_a_fresh_build(built: Path) -> None:
    committed = ROOT / "reports" / "results.json"
    if not committed.exists():
        pytest.fail("reports/results.json is not committed; run `make report`")
    assert json.loads(committed.read_text(encoding="utf-8")) == json.loads(
        (built / "results.json").read_text(encoding="utf-8")
    )


def test_results_record_every_input_hash(built: Path) -> None:
    results = json.loads((built / "results.json").read_text(encoding="utf-8"))
    files = {i["file"] for i in results["manifest"]["inputs"]}
    inputs = [p for p in DATA.iterdir() if p.suffix in (".csv", ".toml")]
    assert files == {f"data/{p.name}" for p in inputs}


def _copy_data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    return data


def test_script_in_a_note_renders_as_text(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    csv = data / "burnett2009.csv"
    text = csv.read_text(encoding="utf-8")
    csv.write_text(
        text.replace("Timepoint inferred", "<script>alert(1)</script>", 1), encoding="utf-8"
    )
    out = write_report(data, tmp_path / "reports")
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_new_trial_file_appears_without_code_change(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    (data / "newtrial2030.csv").write_text(
        "study,arm,role,outcome,unit,timepoint,week,n,mean,sd,source\n"
        "newtrial2030,drug,treatment,pa_spine_bmd,g/cm2,baseline,0,20,1.0,0.1,PMID 0 Table 1\n"
        "newtrial2030,drug,treatment,pa_spine_bmd,g/cm2,1 year,52,20,0.98,0.1,PMID 0 Table 1\n"
        "newtrial2030,placebo,control,pa_spine_bmd,g/cm2,baseline,0,20,1.0,0.1,PMID 0 Table 1\n"
        "newtrial2030,placebo,control,pa_spine_bmd,g/cm2,1 year,52,20,1.0,0.1,PMID 0 Table 1\n",
        encoding="utf-8",
    )
    results = build_results(data)
    assert "newtrial2030" in results["trials"]
    out = write_report(data, tmp_path / "reports")
    assert "newtrial2030" in (out / "report.html").read_text(encoding="utf-8")


def test_broken_data_leaves_the_previous_report_intact(built: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "reports"
    shutil.copytree(built, out)
    before = _tree(out)
    data = _copy_data(tmp_path)
    (data / "snyder2004.csv").write_text("study,arm\nx,y\n", encoding="utf-8")
    assert main(["report", "--data", str(data), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "snyder2004.csv" in err[0] and "missing required column" in err[0]
    assert _tree(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_unwritable_output_is_a_one_line_error(tmp_path: Path, capsys) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    assert main(["report", "--data", str(DATA), "--out", str(blocker / "reports")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cannot create" in err[0] and "reports" in err[0]
