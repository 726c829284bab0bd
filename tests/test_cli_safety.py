"""Nothing lost, nothing crashes, through the command line (issue 15): `report --out` never
deletes or overwrites what the tool did not write; bad places are one line and exit 2."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reanalysis.cli import main
from tests.shipped import DATA


def _data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    return data


def _tree(path: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()
    }


def _refused(capsys, *argv: str) -> str:
    assert main(list(argv)) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Traceback" not in err[0]
    return err[0]


def test_out_equal_to_data_is_refused_and_data_survives(tmp_path, capsys) -> None:
    data = _data(tmp_path)
    before = _tree(data)
    _refused(capsys, "report", "--data", str(data), "--out", str(data))
    assert _tree(data) == before


def test_out_inside_data_is_refused(tmp_path, capsys) -> None:
    data = _data(tmp_path)
    before = _tree(data)
    _refused(capsys, "report", "--data", str(data), "--out", str(data / "x.csv"))
    _refused(capsys, "report", "--data", str(data), "--out", str(data / "reports"))
    assert _tree(data) == before


def test_out_holding_the_data_is_refused(tmp_path, capsys) -> None:
    data = _data(tmp_path)
    before = _tree(data)
    _refused(capsys, "report", "--data", str(data), "--out", str(tmp_path))
    assert _tree(data) == before


def test_a_foreign_folder_and_a_file_survive(tmp_path, capsys) -> None:
    data = _data(tmp_path)
    thesis = tmp_path / "mine"
    thesis.mkdir()
    (thesis / "thesis.txt").write_text("years of work", encoding="utf-8")
    _refused(capsys, "report", "--data", str(data), "--out", str(thesis))
    assert (thesis / "thesis.txt").read_text(encoding="utf-8") == "years of work"
    lone = tmp_path / "notes.txt"
    lone.write_text("keep", encoding="utf-8")
    _refused(capsys, "report", "--data", str(data), "--out", str(lone))
    assert lone.read_text(encoding="utf-8") == "keep"


@pytest.mark.parametrize("out", ["", "."])
def test_empty_or_current_folder_is_refused(tmp_path, capsys, out, monkeypatch) -> None:
    data = _data(tmp_path)
    monkeypatch.chdir(tmp_path)
    before = _tree(tmp_path)
    _refused(capsys, "report", "--data", str(data), "--out", out)
    assert _tree(tmp_path) == before
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".")]


def test_a_folder_this_tool_wrote_is_replaced(tmp_path, capsys) -> None:
    data = _data(tmp_path)
    out = tmp_path / "reports"
    assert main(["report", "--data", str(data), "--out", str(out)]) == 0
    assert main(["report", "--data", str(data), "--out", str(out)]) == 0
    assert (out / "report.html").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".reports")]


def test_a_data_folder_given_as_a_file_is_one_line(tmp_path, capsys) -> None:
    message = _refused(
        capsys, "report", "--data", str(DATA / "burnett2009.csv"), "--out", str(tmp_path / "o")
    )
    assert "burnett2009.csv" in message


@pytest.mark.parametrize("name", ["trial.csv", "analysis.toml", "studies.toml"])
def test_a_fifo_in_place_of_an_input_is_refused_at_once(tmp_path, name) -> None:
    # In a subprocess with a timeout, so that a regression hangs no test run.
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(DATA / "burnett2009.csv", data)
    os.mkfifo(data / name)
    command = [sys.executable, "-m", "reanalysis", "report", "--data", str(data), "--out",
               str(tmp_path / "out")]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    err = done.stderr.strip().splitlines()
    assert len(err) == 1 and name in err[0] and "regular file" in err[0]
    assert not (tmp_path / "out").exists()


def test_validate_reports_every_file_and_fails_if_any_does(tmp_path, capsys) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("study,arm\nx,y\n", encoding="utf-8")
    good = str(DATA / "burnett2009.csv")
    assert main(["validate", good, str(bad), str(DATA / "snyder2004.csv")]) == 2
    captured = capsys.readouterr()
    out = captured.out.strip().splitlines()
    assert out[0].startswith(f"{good}: valid") and "snyder2004.csv: valid" in out[1]
    assert out[-1] == "2 of 3 files valid"
    err = captured.err.strip().splitlines()
    assert len(err) == 1 and "bad.csv" in err[0]
