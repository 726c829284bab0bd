"""Numbers at the edges of floating point: a comparison that cannot be computed is reported
as such, with its reason, and the report goes on (issue 15)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reanalysis.cli import main

HEADER = "study,arm,role,outcome,unit,timepoint,week,n,mean,sd,source\n"


def _trial(n: str, means: tuple[str, str, str, str], sds: tuple[str, str, str, str]) -> str:
    rows = [
        ("a", "treatment", "baseline", "0"),
        ("a", "treatment", "end", "4"),
        ("b", "control", "baseline", "0"),
        ("b", "control", "end", "4"),
    ]
    return HEADER + "".join(
        f"s,{arm},{role},y,u,{label},{week},{n},{mean},{sd},synthetic edge case\n"
        for (arm, role, label, week), mean, sd in zip(rows, means, sds, strict=True)
    )


CASES = {
    # n = 2 per arm: d_ppc2's correction needs n_T + n_C > 4.
    "n_of_two": _trial("2", ("10", "11", "10", "10.5"), ("1", "1", "1", "1")),
    # An SD of 1e300 overflows when squared.
    "huge_sd": _trial("20", ("10", "11", "10", "10.5"), ("1e300", "1e300", "1", "1")),
    # Means of 1e12 with SDs of 1e-12 next to means of 1e-300.
    "tiny_and_huge": _trial(
        "20", ("1e12", "1e12", "1e-300", "2e-300"), ("1e-12", "1e-12", "1e-300", "1e-300")
    ),
    # n = 1e9 per arm.
    "billion": _trial("1000000000", ("10", "11", "10", "10.5"), ("1", "1", "1", "1")),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_report_goes_on_past_what_cannot_be_computed(case: str, tmp_path: Path, capsys) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "edge.csv").write_text(CASES[case], encoding="utf-8")
    assert main(["report", "--data", str(data), "--out", str(tmp_path / "out")]) == 0
    assert "Traceback" not in capsys.readouterr().err
    results = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    computed = [e for e in results["effects"] if e["comparison"] == "treatment_vs_control"]
    failed = results["not_computed"]
    # Either the comparison is computed (every number finite, or JSON would refuse it) or it
    # is listed with a one-line reason that the report shows.
    assert computed or failed
    page = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    for failure in failed:
        assert "\n" not in failure["error"] and failure["error"]
        assert "Not computed" in page


def test_n_of_two_is_reported_as_not_computed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "edge.csv").write_text(CASES["n_of_two"], encoding="utf-8")
    assert main(["report", "--data", str(data), "--out", str(tmp_path / "out")]) == 0
    results = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    reasons = [f["error"] for f in results["not_computed"]]
    assert any("d_ppc2" in reason for reason in reasons)


def test_an_outcome_id_that_looks_like_a_path_makes_no_path(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    text = (
        CASES["n_of_two"].replace(",2,", ",20,").replace("s,a,", "s,a,").replace(",y,", ",y/../x,")
    )
    (data / "edge.csv").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["report", "--data", str(data), "--out", str(out)]) == 0
    names = [p.relative_to(out).as_posix() for p in out.rglob("*.svg")]
    assert names and all(name.count("/") == 1 and name.startswith("figures/") for name in names)
    page = (out / "report.md").read_text(encoding="utf-8")
    assert all(f"]({name})" in page for name in names)
