"""reanalysis.stats.escalc against R metafor 3.8-1 and Morris (2008) Table 5.

Reference values: tests/reference/escalc_metafor.csv, written (inputs and outputs, 17
significant digits) by tests/reference/escalc_metafor.R with R 4.2 and metafor 3.8-1.
Regenerate from the repository root with

    Rscript tests/reference/escalc_metafor.R

- MC, SMCC, SMCR, ROMC, MD, SMD, ROM: metafor's ``escalc`` (default vtype="LS") and
  ``summary.escalc`` intervals at levels 95 and 90.
- PPC1 (not in metafor): metafor's SMCR per group, yi differenced and vi summed.
- PPC2 (not in metafor): yi as metafor's own test of Morris 2008 computes it; vi by a route
  other than Morris's eq. 25, J²·K·Var(T) with T noncentral t, Var(T) from the noncentral t
  moments and checked in R by numerical integration of dt(ncp =).
"""

import doctest
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import reanalysis.stats.escalc as escalc_module
from reanalysis.errors import ReanalysisError
from reanalysis.stats.escalc import escalc
from tests.tolerances import TOLERANCE

REFERENCE = pd.read_csv(Path(__file__).parent / "reference" / "escalc_metafor.csv")

DEPENDENT = ["m1i", "m2i", "sd1i", "sd2i", "ni", "ri"]
INDEPENDENT = ["m1i", "m2i", "sd1i", "sd2i", "n1i", "n2i"]
PPC = ["m1i_pre", "m1i_post", "sd1i_pre", "n1i", "m2i_pre", "m2i_post", "sd2i_pre", "n2i", "ri"]
# The arguments each measure takes in metafor's escalc (SMCR uses no sd2i).
ARGUMENTS = {
    "MC": DEPENDENT,
    "SMCC": DEPENDENT,
    "SMCR": ["m1i", "m2i", "sd1i", "ni", "ri"],
    "ROMC": DEPENDENT,
    "MD": INDEPENDENT,
    "SMD": INDEPENDENT,
    "ROM": INDEPENDENT,
    "PPC1": PPC,
    "PPC2": PPC,
}


def reference(measure: str) -> pd.DataFrame:
    rows = REFERENCE[REFERENCE["measure"] == measure].sort_values("row")
    assert len(rows) >= 5, measure
    return rows.reset_index(drop=True)


def assert_matches(actual: pd.Series, expected: pd.Series) -> None:
    np.testing.assert_allclose(
        actual.to_numpy(), expected.to_numpy(), rtol=TOLERANCE["metafor"], atol=0
    )


@pytest.mark.parametrize("measure", ARGUMENTS)
def test_data_frame_with_column_names_matches_r(measure):
    expected = reference(measure)
    names = {argument: f"col {argument}" for argument in ARGUMENTS[measure]}
    frame = expected[ARGUMENTS[measure]].rename(columns=names)
    frame.index = [f"study {i}" for i in range(len(frame))]
    out = escalc(measure, data=frame, confidence_level=0.95, **names)
    assert list(out.columns) == ["yi", "vi", "ci_lb", "ci_ub"]
    assert list(out.index) == list(frame.index)
    for column in ["yi", "vi", "ci_lb", "ci_ub"]:
        assert_matches(out[column], expected[column])


@pytest.mark.parametrize("measure", ARGUMENTS)
def test_arrays_lists_and_series_match_r(measure):
    expected = reference(measure)
    # Cycle the container types over the arguments: ndarray, list, unnamed Series.
    kinds = [np.asarray, list, lambda c: pd.Series(c.to_numpy())]
    arguments = {
        argument: kinds[i % 3](expected[argument]) for i, argument in enumerate(ARGUMENTS[measure])
    }
    out = escalc(measure, confidence_level=0.90, **arguments)
    assert list(out.index) == list(range(len(expected)))
    for column in ["yi", "vi"]:
        assert_matches(out[column], expected[column])
    assert_matches(out["ci_lb"], expected["ci_lb_90"])
    assert_matches(out["ci_ub"], expected["ci_ub_90"])


@pytest.mark.parametrize("measure", ARGUMENTS)
def test_scalars_give_one_row_matching_r(measure):
    expected = reference(measure).iloc[-1]
    out = escalc(measure, **{a: float(expected[a]) for a in ARGUMENTS[measure]})
    assert out.shape == (1, 2)
    np.testing.assert_allclose(
        out.loc[0, ["yi", "vi"]].to_numpy(dtype=float),
        expected[["yi", "vi"]].to_numpy(dtype=float),
        rtol=TOLERANCE["metafor"],
        atol=0,
    )


@pytest.mark.parametrize("measure", ["SMD", "PPC2"])
def test_missing_value_gives_nan_in_its_row_only(measure):
    # metafor returns NA for a row with a missing input and computes the others.
    expected = reference(measure)
    frame = expected[ARGUMENTS[measure]].copy()
    frame.loc[1, "n1i"] = np.nan
    out = escalc(measure, data=frame, **{a: a for a in ARGUMENTS[measure]})
    assert out.loc[1].isna().all()
    rest = out.index != 1
    assert_matches(out.loc[rest, "yi"], expected.loc[rest, "yi"])
    assert_matches(out.loc[rest, "vi"], expected.loc[rest, "vi"])


def test_scalar_is_repeated_over_rows():
    # Not a reference value: a scalar must act as the same value given in every row.
    rows = reference("SMCR")
    arrays = {a: rows[a].to_numpy() for a in ["m1i", "m2i", "sd1i", "ni"]}
    scalar = escalc("SMCR", ri=0.5, **arrays)
    repeated = escalc("SMCR", ri=np.full(len(rows), 0.5), **arrays)
    pd.testing.assert_frame_equal(scalar, repeated)


# Morris (2008), Organ Res Methods 11:364-386, Table 5 (p. 382), printed to 4 decimals, as
# transcribed in metafor's tests/testthat/test_analysis_example_morris2008.r (wviechtb/metafor
# commit 71ae8f5a, "compare with results on page 382 (Table 5)"). Inputs: the first five PPC
# rows of the reference CSV, Morris's five training studies (1 = treatment, 2 = control).
MORRIS_TABLE5 = {
    "PPC1": [0.7421, 0.9524, 1.8054, 1.1514, 0.5050],
    "PPC2": [0.7684, 0.8010, 1.2045, 1.0476, 0.4389],
}


@pytest.mark.parametrize("measure", MORRIS_TABLE5)
def test_morris2008_table5(measure):
    studies = reference(measure).iloc[:5]
    assert list(studies["n1i"]) == [20, 50, 9, 10, 14]
    out = escalc(measure, data=studies, **{a: a for a in PPC})
    np.testing.assert_allclose(
        out["yi"].to_numpy(), MORRIS_TABLE5[measure], rtol=0, atol=TOLERANCE["printed_4dp"]
    )


SMCR_OK = {"m1i": 38.5, "m2i": 30.6, "sd1i": 15.0, "ni": 20, "ri": 0.47}
MD_OK = {"m1i": [1.0, 2.0], "m2i": [0.5, 1.0], "sd1i": [1.0, 1.0], "sd2i": [1.0, 1.0]}
MD_OK |= {"n1i": [10, 10], "n2i": [12, 12]}
PPC_OK = {"m1i_pre": 1.0, "m1i_post": 2.0, "sd1i_pre": 1.0, "n1i": 10, "m2i_pre": 1.0}
PPC_OK |= {"m2i_post": 1.5, "sd2i_pre": 1.2, "n2i": 10, "ri": 0.5}
FRAME = pd.DataFrame({"m1": [1.0, 2.0], "label": ["a", "b"]})


@pytest.mark.parametrize(
    "measure, arguments, named",
    [
        ("SMDX", SMCR_OK, ["'SMDX'", "SMCR", "PPC2"]),
        ("SMCR", {**SMCR_OK, "ri": None}, ["'ri'"]),
        ("SMCR", {**SMCR_OK, "sd2i": 3.0}, ["'sd2i'"]),
        ("SMCR", {**SMCR_OK, "ni": 2}, ["ni", "> 2"]),
        ("SMCR", {**SMCR_OK, "sd1i": 0.0}, ["sd1i", "> 0"]),
        ("SMCR", {**SMCR_OK, "ri": 1.2}, ["ri", "1.2"]),
        ("SMCR", {**SMCR_OK, "ri": -1.01}, ["ri", "-1.01"]),
        ("SMCR", {**SMCR_OK, "m1i": np.inf}, ["m1i", "finite"]),
        ("SMCR", {**SMCR_OK, "m1i": "m1"}, ["m1i", "no data"]),
        ("SMCR", {**SMCR_OK, "m1i": [[1.0, 2.0]]}, ["m1i", "one-dimensional"]),
        ("SMCR", {**SMCR_OK, "m1i": ["x", "y"]}, ["m1i", "numbers"]),
        ("MD", {**MD_OK, "sd2i": [1.0, -1.0]}, ["sd2i", "-1", "position 1"]),
        ("MD", {**MD_OK, "n1i": [10, 0]}, ["n1i", ">= 1"]),
        ("MD", {**MD_OK, "m2i": [1.0, 2.0, 3.0]}, ["m1i has 2", "m2i has 3"]),
        ("SMD", {**MD_OK, "n1i": [2, 2], "n2i": [1, 1]}, ["n1i + n2i", "> 3"]),
        ("SMD", {**MD_OK, "sd1i": 0.0, "sd2i": 0.0}, ["pooled SD", "sd1i and sd2i"]),
        ("ROM", {**MD_OK, "m2i": [1.0, 0.0]}, ["m2i", "log ratio"]),
        ("ROMC", {**SMCR_OK, "sd2i": 1.0, "m1i": -1.0}, ["m1i", "log ratio"]),
        ("SMCC", {**SMCR_OK, "sd2i": 15.0, "ri": 1.0}, ["sqrt(sd1i^2", "> 0"]),
        ("PPC1", {**PPC_OK, "n2i": 2}, ["n2i", "> 2"]),
        ("PPC1", {**PPC_OK, "sd2i_pre": 0.0}, ["sd2i_pre", "> 0"]),
        ("PPC2", {**PPC_OK, "n1i": 2, "n2i": 2}, ["n1i + n2i", "> 4"]),
        ("PPC2", {**PPC_OK, "m2i_pre": None}, ["'m2i_pre'"]),
    ],
)
def test_bad_input_names_the_argument(measure, arguments, named):
    with pytest.raises(ReanalysisError) as raised:
        escalc(measure, **arguments)
    message = str(raised.value)
    assert "\n" not in message
    for text in named:
        assert text in message


@pytest.mark.parametrize(
    "arguments, named",
    [
        ({**SMCR_OK, "m1i": "nope"}, ["m1i", "'nope'", "m1, label"]),
        ({**SMCR_OK, "m1i": "label"}, ["m1i", "numbers"]),
        ({**SMCR_OK, "m1i": [1.0, 2.0, 3.0]}, ["len(data) = 2", "m1i has 3"]),
        ({**SMCR_OK, "sd1i": [1.0, -2.0]}, ["sd1i", "-2", "row 1"]),
    ],
)
def test_bad_input_with_data_names_the_argument(arguments, named):
    with pytest.raises(ReanalysisError) as raised:
        escalc("SMCR", data=FRAME, **arguments)
    for text in named:
        assert text in str(raised.value)


@pytest.mark.parametrize("level", [0, 1, 95, -0.5])
def test_confidence_level_outside_unit_interval(level):
    with pytest.raises(ReanalysisError, match="confidence_level"):
        escalc("SMCR", confidence_level=level, **SMCR_OK)


def test_data_must_be_a_data_frame():
    with pytest.raises(ReanalysisError, match="data must be a pandas DataFrame"):
        escalc("SMCR", data={"m1": [1.0]}, **SMCR_OK)


def test_docstring_examples():
    # The examples' numbers are R's (see the docstring and escalc_metafor.csv).
    result = doctest.testmod(escalc_module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 4
    assert result.failed == 0
