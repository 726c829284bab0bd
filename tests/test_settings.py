"""Per-folder settings (analysis.toml): typed, optional, and they change what is computed
and said; `reanalysis init` writes a starter folder that builds (issue 10)."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from reanalysis.cli import main
from reanalysis.data.settings import DEFAULT_R, load_settings
from reanalysis.errors import ReanalysisError
from tests.tolerances import TOLERANCE

FIXTURES = Path(__file__).resolve().parent / "fixtures"
LIPIDS = FIXTURES / "other_field" / "lipids.csv"


def _folder(tmp_path: Path, toml: str | None) -> Path:
    data = tmp_path / "data"
    data.mkdir(parents=True)
    shutil.copy(LIPIDS, data / "lipids.csv")
    if toml is not None:
        (data / "analysis.toml").write_text(toml, encoding="utf-8")
    return data


def _report(tmp_path: Path, data: Path) -> dict:
    out = tmp_path / "out"
    assert main(["report", "--data", str(data), "--out", str(out)]) == 0
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


def _ldl(results: dict) -> dict:
    return next(
        e
        for e in results["effects"]
        if e["outcome"] == "ldl_cholesterol" and e["comparison"] == "treatment_vs_control"
    )


def _hand_p(r: float) -> float:
    """Student's t on change, by hand from lipids.csv (statin 52, placebo 50)."""
    rows = {}
    for line in LIPIDS.read_text(encoding="utf-8").splitlines()[1:]:
        cells = line.split(",")
        if cells[3] == "ldl_cholesterol":
            rows[(cells[1], cells[6])] = (int(cells[7]), float(cells[8]), float(cells[9]))
    arms = []
    for arm in ("statin", "placebo"):
        weeks = sorted((w for a, w in rows if a == arm), key=float)
        n, m0, s0 = rows[(arm, weeks[0])]
        _, m1, s1 = rows[(arm, weeks[-1])]
        arms.append((n, m1 - m0, math.sqrt(s0**2 + s1**2 - 2 * r * s0 * s1)))
    (n1, d1, s1), (n2, d2, s2) = arms
    pooled = ((n1 - 1) * s1**2 + (n2 - 1) * s2**2) / (n1 + n2 - 2)
    t = (d1 - d2) / math.sqrt(pooled * (1 / n1 + 1 / n2))
    return float(2 * stats.t.sf(abs(t), n1 + n2 - 2))


def test_changing_r_changes_what_is_computed(tmp_path: Path) -> None:
    plain = _ldl(_report(tmp_path / "a", _folder(tmp_path / "a", None)))
    assert plain["r"] == DEFAULT_R and plain["r_source"].startswith("assumed")
    toml = '[outcome.ldl_cholesterol]\nr = 0.8\nr_justification = "test"\n'
    configured = _ldl(_report(tmp_path / "b", _folder(tmp_path / "b", toml)))
    assert configured["r"] == 0.8 and configured["r_source"] == "configured"
    assert configured["p_change"] == pytest.approx(_hand_p(0.8), rel=TOLERANCE["float"])
    assert plain["p_change"] == pytest.approx(_hand_p(0.5), rel=TOLERANCE["float"])


def test_changing_direction_changes_what_is_said(tmp_path: Path) -> None:
    words = {}
    for direction in ("lower_is_better", "higher_is_better"):
        toml = f'[outcome.ldl_cholesterol]\nlabel = "LDL cholesterol"\ndirection = "{direction}"\n'
        folder = tmp_path / direction
        results = _report(folder, _folder(folder, toml))
        finding = next(
            f for f in results["summary_of_findings"] if f["outcome"] == "ldl_cholesterol"
        )
        bayes = next(b for b in results["bayes"] if b["outcome"] == "ldl_cholesterol")
        words[direction] = (finding["reading"], bayes["at_implied_r"][1])
    # Statin lowers LDL: lower is better favours statin; higher is better favours placebo.
    assert "favours statin" in words["lower_is_better"][0]
    assert "favours placebo" in words["higher_is_better"][0]
    # Harm swaps tails: P(θ > T) when lower is better, P(θ < −T) when higher is better.
    lower, higher = words["lower_is_better"][1], words["higher_is_better"][1]
    assert lower["p_harm"] == lower["p_above_threshold"]
    assert higher["p_harm"] == higher["p_below_threshold"]


def test_the_report_speaks_of_the_configured_participants_and_title(tmp_path: Path) -> None:
    toml = '[report]\ntitle = "Statins and LDL"\nparticipants = "patients"\n'
    data = _folder(tmp_path, toml)
    _report(tmp_path, data)
    page = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert page.startswith("# Statins and LDL")
    assert "patients per arm" in page


BAD = [
    ("[outcome.x]\nr = 1.5\n", "[outcome.x] r", 2),
    ("[outcome.x]\nr_range = [0.9, 0.5]\nr_justification = 'j'\n", "r_range", 2),
    ("[outcome.x]\nr_range = [0.5, 0.9]\n", "r_justification", 2),
    ("[outcome.x]\ndirection = 'up'\n", "direction", 2),
    ("[report]\ntitel = 'x'\n", "titel", 2),
    ("[outcome.x]\nminimal_important_difference = -1\n", "minimal_important_difference", 2),
    ("[outcome.x]\nthreshold = 10\n", "threshold_unit", 2),
    ("[outcome.x\n", "not valid TOML", 1),
    ("[outcome.x]\nmolecular_formula = 'C19Xe'\nmolecular_formula_source = 's'\n", "Xe", 2),
    ("[outcome.x]\nmolecular_formula = 'C6H12O6'\n", "molecular_formula_source", 2),
]


@pytest.mark.parametrize(("text", "named", "line"), BAD)
def test_bad_settings_are_one_line_naming_file_key_and_line(tmp_path, capsys, text, named, line):
    data = _folder(tmp_path, text)
    assert main(["report", "--data", str(data), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "analysis.toml" in err[0] and named in err[0] and f"line {line}" in err[0]
    assert not (tmp_path / "out").exists()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    key=st.sampled_from(
        [
            "label",
            "r",
            "r_range",
            "direction",
            "minimal_important_difference",
            "threshold",
            "threshold_side",
            "power_differences_percent",
            "title",
            "reference_r",
        ]
    ),
    value=st.one_of(
        st.integers(-(10**6), 10**6).map(str),
        st.floats(allow_nan=False).map(repr),
        st.text(max_size=20).map(lambda t: '"' + t.replace("\\", "").replace('"', "") + '"'),
        st.just("[1, 2, 3]"),
        st.just("true"),
        st.just("{ a = 1 }"),
    ),
    table=st.sampled_from(["[report]", "[outcome.ldl_cholesterol]", "[outcome]", ""]),
)
def test_random_settings_load_or_give_one_clear_error(tmp_path, key, value, table) -> None:
    path = tmp_path / "analysis.toml"
    path.write_text(f"{table}\n{key} = {value}\n", encoding="utf-8")
    try:
        load_settings(path)
    except ReanalysisError as error:
        assert "\n" not in str(error) and str(path) in str(error)


def test_init_writes_a_folder_that_builds(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "mytrial"
    assert main(["init", str(folder)]) == 0
    assert {p.name for p in folder.iterdir()} == {"example.csv", "analysis.toml", "README.md"}
    out = tmp_path / "out"
    assert main(["report", "--data", str(folder), "--out", str(out)]) == 0
    page = (out / "report.md").read_text(encoding="utf-8")
    assert page.startswith("# Reanalysis of example2024")
    assert "systolic blood pressure" in page


def test_init_never_overwrites(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "thesis.txt").write_text("my work", encoding="utf-8")
    assert main(["init", str(folder)]) == 2
    assert "not an empty folder" in capsys.readouterr().err
    assert (folder / "thesis.txt").read_text(encoding="utf-8") == "my work"
    assert [p.name for p in folder.iterdir()] == ["thesis.txt"]


def test_power_of_a_trial_file_uses_its_settings_and_unit(capsys) -> None:
    # LDL, statin vs placebo, with analysis.toml r = 0.7 and MID 10 mg/dL: the pooled SD of
    # change by the Cochrane formula (6.5.2.8), power from statsmodels' TTestIndPower.
    from statsmodels.stats.power import TTestIndPower

    folder = FIXTURES / "other_field_configured"
    argv = ["power", str(folder / "lipids.csv"), "--outcome", "ldl_cholesterol", "--format", "json"]
    assert main(argv) == 0
    (record,) = json.loads(capsys.readouterr().out)
    rows = {}
    for line in (folder / "lipids.csv").read_text(encoding="utf-8").splitlines()[1:]:
        cells = line.split(",")
        if cells[3] == "ldl_cholesterol":
            rows[(cells[1], float(cells[6]))] = (int(cells[7]), float(cells[9]))
    variances = []
    for arm in ("statin", "placebo"):
        (n, s0), (_, s1) = rows[(arm, 0.0)], rows[(arm, 12.0)]
        variances.append((n, s0**2 + s1**2 - 2 * 0.7 * s0 * s1))
    (n1, v1), (n2, v2) = variances
    sd = math.sqrt(((n1 - 1) * v1 + (n2 - 1) * v2) / (n1 + n2 - 2))
    expected = TTestIndPower().power(10.0 / sd, n1, 0.05, ratio=n2 / n1)
    assert record["r"] == 0.7 and record["difference"] == 10.0 and record["unit"] == "mg/dL"
    assert record["outcome_sd"] == pytest.approx(sd, rel=TOLERANCE["float"])
    assert record["power"] == pytest.approx(expected, rel=1e-9)


def test_without_a_molecular_formula_mass_and_molar_units_do_not_convert(tmp_path: Path) -> None:
    # Which molecule an outcome measures is data (analysis.toml), not code: without its
    # formula, a ng/dL row and a nmol/L row of one cohort cannot be compared.
    from reanalysis.report.results import build_results

    data = tmp_path / "data"
    shutil.copytree(Path(__file__).resolve().parents[1] / "data", data)
    (data / "claims.toml").unlink()  # its claims compare such units, and are refused
    settings = data / "analysis.toml"
    lines = settings.read_text(encoding="utf-8").splitlines(keepends=True)
    settings.write_text(
        "".join(line for line in lines if not line.startswith("molecular_formula")),
        encoding="utf-8",
    )
    results = build_results(data, "reanalysis report", None)
    testosterone = [
        c
        for c in results["consistency"]
        if c["check"] == "cross_report" and "total_testosterone" in c["name"]
    ]
    assert testosterone
    assert {c["verdict"] for c in testosterone} == {"cannot tell"}
    assert all("cannot be converted" in c["evidence"] for c in testosterone)
    assert results["outcomes"]["total_testosterone"]["molar_mass"] is None
