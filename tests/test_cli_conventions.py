"""Command-line conventions: --version, --format, --confidence-level, --alternative, the
JSON Schema of every command's records, and output on a console that cannot print ±.

Numbers: Morris 2008 study 1 (metafor's tests) in R, tests/reference/api_examples.R; power
against statsmodels' TTestIndPower(alternative=...) and R's pwr.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import tomllib
from importlib import resources
from pathlib import Path

import pytest
from statsmodels.stats.power import TTestIndPower

from reanalysis import __version__
from reanalysis.cli import COMMANDS, build_parser, main
from tests.schema_subset import errors
from tests.test_api import R_CI_90, R_DIFFERENCE, R_P_LARGER, R_POWER_LARGER_64, morris_frame
from tests.tolerances import TOLERANCE

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
BURNETT, SNYDER = str(DATA / "burnett2009.csv"), str(DATA / "snyder2004.csv")
FIRST = ["--followup", "first", "--study", "burnett2009_companion"]
DOSES = ["--subgroup", "anastrozole_daily=daily", "--subgroup", "anastrozole_twice_weekly=w"]
# Every command that prints results, and a real run of each for the schema test.
RESULT_COMMANDS = {
    "validate": [["validate", BURNETT, SNYDER]],
    "effects": [
        ["effects", BURNETT, "--outcome", "pa_spine_bmd", "--reported-p", "0.0014"],
        ["effects", SNYDER, "--outcome", "estradiol", "--alternative", "larger"],
        ["effects", BURNETT, "--outcome", "estradiol", "--confidence-level", "0.9"],
    ],
    "power": [
        ["power", "--d", "0.5", "--n1", "64", "--n2", "64", "--alternative", "smaller"],
        ["power", "--d", "0.5", "--power", "0.8", "--ratio", "2"],
        ["power", "--n1", "33", "--n2", "36", "--power", "0.8"],
        ["power", BURNETT, "--outcome", "pa_spine_bmd", "--alternative", "smaller"],
    ],
    "pool": [
        ["pool", BURNETT, SNYDER, "--outcome", "estradiol", "--measure", "romc", *FIRST],
        ["pool", SNYDER, "--outcome", "estradiol", "--measure", "romc", "--r", "0.5", *DOSES],
        [
            "pool",
            str(Path(__file__).parent / "fixtures" / "other_field" / "depression.csv"),
            "--outcome",
            "phq9",
            "--measure",
            "dppc2",
        ],
    ],
    "bayes": [["bayes", BURNETT, "--outcome", "pa_spine_bmd", "--confidence-level", "0.8"]],
    "audit": [["audit", "--data", str(DATA)]],
    "extract": [
        ["extract", str(DATA / "article.md")],
        ["extract", str(Path(__file__).parent / "fixtures" / "article_lipids.md")],
    ],
}


def run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    assert main(argv) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def run_json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> list[dict]:
    records = json.loads(run(capsys, [*argv, "--format", "json"]))
    assert isinstance(records, list) and all(isinstance(r, dict) for r in records)
    return records


@pytest.fixture
def morris_csv(tmp_path: Path) -> str:
    path = tmp_path / "morris1.csv"
    morris_frame().to_csv(path, index=False)
    return str(path)


def test_version(capsys) -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"reanalysis {project['version']}\n"
    assert __version__ == project["version"]


def test_every_result_command_has_format_and_json_alias() -> None:
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    for name in RESULT_COMMANDS:
        actions = {o: a for a in sub.choices[name]._actions for o in a.option_strings}
        assert actions["--format"].choices == ("text", "json", "csv"), name
        assert actions["--json"].const == "json", name
    for name in ("effects", "pool", "bayes"):
        assert "--confidence-level" in sub.choices[name].format_help()
        assert "--config" in sub.choices[name].format_help()
    for name in ("effects", "power"):
        assert "--alternative" in sub.choices[name].format_help()
    assert set(RESULT_COMMANDS) | {"report", "init"} == set(COMMANDS)


def test_json_is_a_list_even_for_one_comparison(capsys) -> None:
    for argv in (
        ["effects", BURNETT, "--outcome", "pa_spine_bmd", "--json"],
        ["power", "--d", "0.5", "--n1", "64", "--n2", "64", "--json"],
        ["bayes", BURNETT, "--outcome", "pa_spine_bmd", "--prior", "neutral", "--json"],
    ):
        records = json.loads(run(capsys, argv))
        assert isinstance(records, list) and len(records) == 1, argv


def test_confidence_level_and_alternative_in_effects(capsys, morris_csv) -> None:
    argv = ["effects", morris_csv, "--outcome", "score", "--r", "0.47"]
    (record,) = run_json(capsys, [*argv, "--confidence-level", "0.9"])
    tol = TOLERANCE["metafor"]
    assert record["md_change"] == pytest.approx(R_DIFFERENCE[0], rel=tol)
    assert record["p_change"] == pytest.approx(R_DIFFERENCE[3], rel=tol)
    got = (record["md_change_ci_low"], record["md_change_ci_high"])
    assert got == pytest.approx(R_CI_90, rel=tol)
    assert record["confidence_level"] == 0.9
    (larger,) = run_json(capsys, [*argv, "--alternative", "larger"])
    assert larger["p_change"] == pytest.approx(R_P_LARGER, rel=tol)
    # one-sided 95% lower bound = two-sided 90% lower bound; the upper end is open
    assert larger["md_change_ci_low"] == pytest.approx(R_CI_90[0], rel=tol)
    assert larger["md_change_ci_high"] is None
    text = run(capsys, [*argv, "--alternative", "larger"])
    assert "p (larger) = 0.008733" in text and "95% one-sided CI" in text


@pytest.mark.parametrize("alternative", ["two-sided", "larger", "smaller"])
@pytest.mark.parametrize("d, n1, n2", [(0.5, 64, 64), (-0.3, 20, 35), (0.8, 12, 9)])
def test_power_alternative_matches_statsmodels(capsys, alternative, d, n1, n2) -> None:
    argv = ["power", "--d", str(d), "--n1", str(n1), "--n2", str(n2)]
    (record,) = run_json(capsys, [*argv, "--alternative", alternative])
    expected = TTestIndPower().power(d, n1, 0.05, ratio=n2 / n1, alternative=alternative)
    assert record["power"] == pytest.approx(expected, abs=TOLERANCE["statsmodels_power"])
    assert record["alternative"] == alternative
    text = run(capsys, [*argv, "--alternative", alternative])
    words = "two-sided t-test" if alternative == "two-sided" else "one-sided t-test"
    assert words in text and ("in one tail" in text) == (alternative != "two-sided")


def test_power_one_sided_matches_r(capsys) -> None:
    argv = ["power", "--d", "0.5", "--n1", "64", "--n2", "64", "--alternative", "larger"]
    (record,) = run_json(capsys, argv)
    assert record["power"] == pytest.approx(R_POWER_LARGER_64, rel=TOLERANCE["metafor"])


def test_csv_holds_the_json_records(capsys) -> None:
    argv = ["effects", SNYDER, "--outcome", "estradiol"]
    records = run_json(capsys, argv)
    rows = list(csv.DictReader(io.StringIO(run(capsys, [*argv, "--format", "csv"]))))
    assert len(rows) == len(records) == 3
    for row, record in zip(rows, records, strict=True):
        assert set(row) == {k for r in records for k in r}
        for key, value in record.items():
            if isinstance(value, float):
                assert float(row[key]) == value  # repr round-trips exactly
            elif value is None:
                assert row[key] == ""
            elif isinstance(value, list):
                assert row[key] == "; ".join(map(str, value))
            elif not isinstance(value, bool):
                assert row[key] == str(value)


def load_schema(name: str) -> dict:
    text = resources.files("reanalysis").joinpath(f"schemas/{name}.schema.json").read_text()
    return json.loads(text)


@pytest.mark.parametrize("name", list(RESULT_COMMANDS))
def test_real_output_matches_the_shipped_schema(capsys, name) -> None:
    schema = load_schema(name)
    for argv in RESULT_COMMANDS[name]:
        records = run_json(capsys, argv)
        assert records, argv
        assert errors(records, schema) == [], argv
    # The schema describes every field it allows, and no field goes undescribed.
    for key, spec in schema["items"]["properties"].items():
        assert spec.get("description"), (name, key)


def test_the_schema_validator_finds_problems() -> None:
    schema = load_schema("power")
    record = {"question": "power", "alternative": "two-sided", "alpha": 0.05, "power": 0.8}
    record["effect_size"] = 0.5
    assert errors([record], schema) == []
    assert errors([record | {"power": 1.5}], schema) == ["$[0].power: 1.5 breaks maximum 1"]
    assert errors([record | {"alpha": "x"}], schema) == ["$[0].alpha: expected number, got 'x'"]
    assert errors([record | {"n_per_group_ceil": 2.5}], schema)[0].startswith(
        "$[0].n_per_group_ceil: expected integer"
    )
    assert errors([record | {"extra": 1}], schema) == [
        "$[0].extra: not a property the schema describes"
    ]
    assert errors([{k: v for k, v in record.items() if k != "alpha"}], schema) == [
        "$[0]: required property 'alpha' is missing"
    ]
    assert errors([record | {"alternative": "greater"}], schema)[0].startswith(
        "$[0].alternative: 'greater' is not one of"
    )
    with pytest.raises(ValueError, match="outside the supported subset"):
        errors(1, {"oneOf": []})


def test_schemas_ship_as_package_data() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["tool"]["setuptools"]["package-data"]["reanalysis"] == ["schemas/*.json"]
    shipped = {p.name for p in (ROOT / "reanalysis" / "schemas").glob("*.schema.json")}
    assert shipped == {f"{name}.schema.json" for name in RESULT_COMMANDS}


@pytest.mark.parametrize(
    "argv",
    [
        ["effects", BURNETT, "--outcome", "pa_spine_bmd", "--reported-p", "0.0014"],
        ["audit", "--data", str(DATA)],
        ["effects", BURNETT, "--outcome", "nope"],  # an error line holds no ± but must pass
    ],
)
def test_output_on_an_ascii_console(argv) -> None:
    env = os.environ | {"PYTHONIOENCODING": "ascii", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "reanalysis", *argv], capture_output=True, env=env, cwd=ROOT
    )
    assert done.returncode in (0, 2), done.stderr
    assert b"Traceback" not in done.stderr
    done.stdout.decode("ascii")  # every byte ASCII
    done.stderr.decode("ascii")
    if argv[0] == "effects" and done.returncode == 0:
        assert b"anastrozole - placebo" in done.stdout  # the minus sign spelled in ASCII
    if argv[0] == "audit":
        assert b"+/-" in done.stdout  # the claims print ± as +/-
