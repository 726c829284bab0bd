"""Loading and validating trial files: the shipped data, the schema, and every bad input."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reanalysis.cli import main
from reanalysis.data.studies import load_studies
from reanalysis.data.trials import load_trial
from reanalysis.errors import ReanalysisError
from reanalysis.units import conversion_factor, convert, molar_mass
from tests.tolerances import TOLERANCE

DATA = Path(__file__).resolve().parents[1] / "data"
HEADER = "study,arm,role,outcome,unit,timepoint,week,n,mean,sd,source"
GOOD_ROWS = [
    "s,drug,treatment,bmd,g/cm2,baseline,0,10,1.0,0.1,PMID 1 Table 2",
    "s,drug,treatment,bmd,g/cm2,1 year,52,10,0.9,0.1,PMID 1 Table 2",
    "s,placebo,control,bmd,g/cm2,baseline,0,12,1.1,0.1,PMID 1 Table 2",
]


def write(tmp_path: Path, text: str | bytes, name: str = "trial.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    return path


def csv_text(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


# --- the shipped data ----------------------------------------------------------


@pytest.mark.parametrize("path", sorted(DATA.glob("*.csv")), ids=lambda p: p.name)
def test_every_shipped_file_is_valid_and_sourced(path: Path) -> None:
    trial = load_trial(path)
    assert trial.rows
    assert all(m.source.strip() for m in trial.rows)


def test_burnett2009_table_values_as_published() -> None:
    # Burnett-Bowie et al. 2009, J Clin Endocrinol Metab 94(12):4785-92, abstract:
    # PA spine BMD 1.121 ± 0.141 -> 1.102 ± 0.138 (anastrozole), 1.180 ± 0.145 -> 1.189 ± 0.146.
    trial = load_trial(DATA / "burnett2009.csv")
    published = {
        ("anastrozole", 0): (1.121, 0.141),
        ("anastrozole", 52): (1.102, 0.138),
        ("placebo", 0): (1.180, 0.145),
        ("placebo", 52): (1.189, 0.146),
    }
    for (arm, week), (mean, sd) in published.items():
        m = trial.measurement("pa_spine_bmd", arm, week)
        assert (m.mean, m.sd) == (mean, sd)


def test_burnett2009_arm_n_is_marked_assumed_with_its_reasoning() -> None:
    # Per-arm n is not published (88 randomized, 11 + 8 withdrew, 69 completed).
    trial = load_trial(DATA / "burnett2009.csv")
    assert all(m.n_assumed and "assumed" in m.note for m in trial.rows)
    bmd = {m.arm: m.n for m in trial.series("pa_spine_bmd", "anastrozole")}
    bmd |= {m.arm: m.n for m in trial.series("pa_spine_bmd", "placebo")}
    # 44 - 11 and 44 - 8 under 1:1 randomization; they add to the 69 completers.
    assert bmd == {"anastrozole": 44 - 11, "placebo": 44 - 8}


def test_snyder2004_arm_n_published() -> None:
    # PMID 15001605 abstract: anastrozole daily n = 12, twice weekly n = 11.
    trial = load_trial(DATA / "snyder2004.csv")
    assert {m.arm: m.n for m in trial.rows} == {
        "anastrozole_daily": 12,
        "anastrozole_twice_weekly": 11,
    }
    assert not any(m.n_assumed for m in trial.rows)


def test_snyder2004_metadata_names_leder_not_snyder() -> None:
    # PMID 15001605: shared/sources/trials.md §1 gives Leder BZ et al. as the working
    # attribution (issue 2); no source names Snyder PJ, whom the audited article cites.
    studies = load_studies(DATA / "studies.toml")
    assert studies["snyder2004"]["authors"][0] == "Leder BZ"
    assert studies["snyder2004"]["pmid"] == "15001605"
    # trials.md §1 calls this authorship "unconfirmed; working attribution".
    assert studies["snyder2004"].meta.authors_confirmed is False


def test_a_study_table_with_only_a_title_and_its_csv_loads(tmp_path: Path) -> None:
    path = write(tmp_path, '[s]\ntitle = "A trial"\ndata_file = "s.csv"\n', "studies.toml")
    (study,) = load_studies(path).values()
    assert (study.id, study.meta.data_file, study.reported) == ("s", "s.csv", ())
    assert study.characteristic("on_statin") is None
    assert study.citation() == "Authors not in sources. A trial."


def test_companion_outcome_is_chosen_by_study() -> None:
    trial = load_trial(DATA / "burnett2009.csv")
    assert trial.series("total_testosterone", "anastrozole")[0].unit == "ng/dL"
    companion = trial.series("total_testosterone", "anastrozole", study="burnett2009_companion")
    assert companion[0].unit == "nmol/L"
    assert trial.series("dht", "anastrozole")[0].study == "burnett2009_companion"


def test_validate_cli_prints_one_line_per_file(capsys) -> None:
    files = sorted(str(p) for p in DATA.glob("*.csv"))
    assert main(["validate", *files]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(files)
    assert "burnett2009" in lines[0] and "anastrozole (treatment)" in lines[0]


# --- schema features -----------------------------------------------------------


def test_se_becomes_sd_times_root_n(tmp_path: Path) -> None:
    # Cochrane Handbook 6.5.2.2: SD = SE * sqrt(n). SE 2 with n 25 gives SD 10.
    text = csv_text(
        "s,drug,treatment,x,mg,baseline,0,25,5,,PMID 1,2",
        header=HEADER + ",se",
    )
    m = load_trial(write(tmp_path, text)).rows[0]
    assert m.sd == 10.0 and m.sd_from_se and m.se == 2.0


def test_excel_style_file_loads(tmp_path: Path) -> None:
    # UTF-8 with BOM, CRLF line ends, a quoted field holding commas and a doubled quote.
    rows = [r.replace("PMID 1 Table 2", '"PMID 1, Table 2, ""row 3"""') for r in GOOD_ROWS]
    text = "\ufeff" + "\r\n".join([HEADER, *rows]) + "\r\n"
    trial = load_trial(write(tmp_path, text.encode("utf-8")))
    assert trial.rows[0].source == 'PMID 1, Table 2, "row 3"'
    assert trial.rows[0].study == "s"


# --- bad input: one line naming file, line, column; exit 2; no traceback --------

BAD_INPUTS = {
    "missing column": (csv_text(*GOOD_ROWS).replace(",source", "", 1), "missing required column"),
    "unknown column": (
        csv_text(*[r + ",x" for r in GOOD_ROWS], header=HEADER + ",colour"),
        "unknown column",
    ),
    "empty file": ("", "empty file"),
    "header only": (HEADER + "\n", "header only"),
    "too many fields": (csv_text(GOOD_ROWS[0] + ",extra"), "expected 11 fields"),
    "too few fields": (csv_text(GOOD_ROWS[0].rsplit(",", 1)[0]), "expected 11 fields"),
    "text in a number": (csv_text(GOOD_ROWS[0].replace(",1.0,", ",1.0 g,")), "column 'mean'"),
    "nan": (csv_text(GOOD_ROWS[0].replace(",1.0,", ",NaN,")), "finite number"),
    "infinity": (csv_text(GOOD_ROWS[0].replace(",0.1,", ",inf,")), "finite number"),
    "negative sd": (csv_text(GOOD_ROWS[0].replace(",0.1,", ",-0.1,")), "positive SD"),
    "zero sd": (csv_text(GOOD_ROWS[0].replace(",0.1,", ",0,")), "positive SD"),
    "zero se": (
        csv_text("s,drug,treatment,x,mg,baseline,0,25,5,,PMID 1,0", header=HEADER + ",se"),
        "positive SE",
    ),
    "n below 2": (csv_text(GOOD_ROWS[0].replace(",10,", ",1,")), "whole number >= 2"),
    "fractional n": (csv_text(GOOD_ROWS[0].replace(",10,", ",10.5,")), "whole number >= 2"),
    "sd and se missing": (
        csv_text("s,drug,treatment,x,mg,baseline,0,25,5,,PMID 1,", header=HEADER + ",se"),
        "neither",
    ),
    "bad role": (csv_text(GOOD_ROWS[0].replace("treatment", "active")), "column 'role'"),
    "mixed units": (
        csv_text(GOOD_ROWS[0], GOOD_ROWS[1].replace("g/cm2", "mg/cm2")),
        "mixed units",
    ),
    "duplicate row": (csv_text(GOOD_ROWS[0], GOOD_ROWS[0]), "duplicate row"),
    "no baseline": (csv_text(GOOD_ROWS[1]), "no baseline"),
    "not utf-8": (
        (csv_text(*GOOD_ROWS).replace("PMID 1", "PMID é")).encode("latin-1"),
        "not UTF-8",
    ),
    "not text": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file"),
    "missing source": (csv_text(GOOD_ROWS[0].replace("PMID 1 Table 2", "")), "column 'source'"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_gives_one_line_and_exit_2(case: str, tmp_path: Path, capsys) -> None:
    text, expected = BAD_INPUTS[case]
    path = write(tmp_path, text)
    assert main(["validate", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert str(path) in lines[0] and expected in lines[0]
    assert "Traceback" not in captured.err


def test_errors_name_the_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, csv_text(GOOD_ROWS[0], GOOD_ROWS[1].replace(",0.9,", ",abc,")))
    with pytest.raises(
        ReanalysisError, match=r"line 3, column 'mean': expected a number, got 'abc'"
    ):
        load_trial(path)


def test_missing_file_is_a_clean_error(tmp_path: Path, capsys) -> None:
    assert main(["validate", str(tmp_path / "nope.csv")]) == 2
    assert "file not found" in capsys.readouterr().err


# --- fuzzing: the loader loads or raises its own error, nothing else ------------

_cell = st.sampled_from(
    ["", "0", "1", "2", "-1", "1e400", "nan", "x", "g/cm2", "treatment", "control", '"', ",", "\n"]
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(_cell, min_size=9, max_size=13), max_size=4))
def test_random_rows_load_or_raise_reanalysis_error(rows, tmp_path: Path) -> None:
    text = csv_text(*[",".join(row) for row in rows])
    _load_or_own_error(write(tmp_path, text))


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(blob=st.binary(max_size=300))
def test_random_bytes_load_or_raise_reanalysis_error(blob: bytes, tmp_path: Path) -> None:
    _load_or_own_error(write(tmp_path, blob))


def _load_or_own_error(path: Path) -> None:
    try:
        trial = load_trial(path)
    except ReanalysisError as error:
        assert "\n" not in str(error).strip()
        return
    assert all(math.isfinite(m.mean) and m.sd > 0 and m.n >= 2 for m in trial.rows)


# --- unit conversion -----------------------------------------------------------


TESTOSTERONE = molar_mass("C19H28O2")
ESTRADIOL = molar_mass("C18H24O2")


def test_molar_masses_match_pubchem() -> None:
    # PubChem: testosterone (CID 6013) 288.4 g/mol, estradiol (CID 5757) 272.4 g/mol.
    assert round(TESTOSTERONE, 1) == 288.4
    assert round(ESTRADIOL, 1) == 272.4


def test_testosterone_factor_matches_published_rounding() -> None:
    # Snyder et al. 2017 JAMA Intern Med, Table 1 footnote: ng/dL x 0.0347 = nmol/L.
    assert round(conversion_factor("ng/dL", "nmol/L", TESTOSTERONE), 4) == 0.0347


def test_estradiol_factor_matches_published_rounding() -> None:
    # Snyder 2017 Table 1 footnote and Menopause 2009;16(3) Table 2: pg/mL x 3.67 = pmol/L.
    assert round(conversion_factor("pg/mL", "pmol/L", ESTRADIOL), 2) == 3.67


def test_conversion_round_trips_and_matches_companion_paper() -> None:
    # Burnett-Bowie 2009 month 3: 524 ng/dL (JCEM) is printed as 18.2 nmol/L (Clin Endocrinol).
    assert round(convert(524, "ng/dL", "nmol/L", TESTOSTERONE), 1) == 18.2
    value = convert(42.2, "pmol/L", "pg/mL", ESTRADIOL)
    assert convert(value, "pg/mL", "pmol/L", ESTRADIOL) == pytest.approx(
        42.2, rel=TOLERANCE["ulps"]
    )


def test_mass_to_molar_needs_a_molar_mass_but_mass_to_mass_does_not() -> None:
    with pytest.raises(ReanalysisError, match=r"needs the molar mass.*molecular_formula"):
        convert(1.0, "ng/dL", "nmol/L")
    # 1 ng/mL = 100 ng/dL, whatever the molecule.
    assert convert(1.0, "ng/mL", "ng/dL") == pytest.approx(100, rel=TOLERANCE["ulps"])


@pytest.mark.parametrize(
    "formula, problem",
    [
        ("c19h28o2", "expected element"),
        ("C19Xe2", "no atomic weight"),
        ("C0H4", "at least 1"),
        ("", "expected element"),
        ("C19 H28", "expected element"),
    ],
)
def test_malformed_molecular_formula_is_a_clean_error(formula: str, problem: str) -> None:
    with pytest.raises(ReanalysisError, match=problem):
        molar_mass(formula)


def test_unknown_unit_is_a_clean_error() -> None:
    with pytest.raises(ReanalysisError, match="unknown unit"):
        convert(1.0, "pg/mL", "furlongs", ESTRADIOL)
