"""Trial files with the spread and the change as papers print them (issue 11): the loader.

Expected SDs come from the Cochrane Handbook's worked example (6.5.2.2), from R
(tests/reference/printed_forms.R: sd_from_ci and metafor's conv.fivenum, whose printed
values are copied below as in tests/test_printed_forms.py) and from hand formulas written
here. Every new column's bad input gives one line naming file, line and column.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from reanalysis.analysis.arms import arm_data, converted, converted_trial
from reanalysis.cli import main
from reanalysis.data.trials import MIN_MEDIAN_N, load_trial
from reanalysis.errors import ReanalysisError
from reanalysis.report.render.sections import trial_data
from reanalysis.report.results.common import measurement_record
from reanalysis.stats import printed
from tests.tolerances import TOLERANCE

FORMS = Path(__file__).resolve().parent / "fixtures" / "printed_forms"
# R values printed with sprintf("%.17g") (tests/reference/printed_forms.R): relative.
R_TOLERANCE = 1e-9

# R: sqrt(n) * (high - low) / (2 * qt((1 + level) / 2, n - 1)) for (1.5, 2.5, 25, 0.95)
# and (-0.32, 1.07, 9, 0.90); tests/reference/printed_forms.R, section 1.
R_SD_FROM_CI = {
    (1.5, 2.5, 25, 0.95): 1.2112998412228035,
    (-0.32, 1.07, 9, 0.90): 1.1212401927343905,
}
# metafor conv.fivenum (method luo2016/wan2014), rows of ?conv.fivenum used by median.csv
# (tests/reference/printed_forms.R, section 2; the same values as tests/test_printed_forms.py):
# row 4 q1 4, median 6, q3 10; row 7 min 2, q1 4, median 6, q3 10, max 14; row 1 min 2,
# median 6, max 14; row 8 min 2, q1 4, median 6, q3 14, max 20 (all n = 20).
R_MEDIAN = {
    "row 4": (6.7195, 4.7870760433704662, False),
    "row 7": (6.9388412499397667, 3.9993260053700839, False),
    "row 1": (6.5944677601167285, 3.211575967369702, False),
    "row 8": (8.6278026830743961, 6.397912011669332, True),  # skewness test significant
}

HEADER = "study,arm,role,outcome,unit,timepoint,week,n"


def write(tmp_path: Path, columns: str, *rows: str) -> Path:
    path = tmp_path / "trial.csv"
    lines = [f"{HEADER},{columns},source", *(f"s,{row},PMID 1" for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- each printed form loads ------------------------------------------------------------


def test_every_fixture_validates(capsys) -> None:
    files = sorted(str(p) for p in FORMS.glob("*.csv"))
    assert len(files) == 7
    assert main(["validate", *files]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 7


def test_se_alone_without_an_sd_column() -> None:
    # Cochrane Handbook 6.5.2.2: SD = SE·√n. By hand: 2.0·√25 = 10, 2.2·√25 = 11,
    # 2.5·√16 = 10.
    rows = load_trial(FORMS / "se.csv").rows
    assert [m.sd for m in rows] == [10.0, 11.0, 10.0, 10.0]
    assert all(m.spread_source == "se" and m.sd_from_se and not m.estimated for m in rows)
    assert "Cochrane Handbook 6.5.2.2" in rows[0].conversion
    assert rows[0].printed == "50.0 ± 10"


def test_ci_gives_the_cochrane_handbook_6_5_2_2_divisor() -> None:
    # Cochrane Handbook 6.5.2.2 (v5.1 7.7.3.2): n 25, 95% CI: "the divisor, 3.92 ... would be
    # replaced by 2 × 2.0639 = 4.128". With ci 1.5 to 2.5: SD = √25 · 1.0 / 4.128.
    m = converted(load_trial(FORMS / "ci.csv").rows[0])
    assert math.sqrt(25) * (2.5 - 1.5) / m.sd == pytest.approx(4.128, abs=0.0005 + 1e-12)
    assert m.sd == pytest.approx(R_SD_FROM_CI[(1.5, 2.5, 25, 0.95)], rel=R_TOLERANCE)
    assert (m.mean, m.spread_source, m.estimated) == (2.0, "ci", False)
    assert m.printed == "2.0 (95% CI 1.5 to 2.5)"


def test_ci_without_a_mean_takes_the_midpoint_and_says_so() -> None:
    rows = [converted(m) for m in load_trial(FORMS / "ci.csv").rows]
    # Week 12: (0.9 + 2.1)/2 = 1.5; the width 1.2 is 1.2 times that of row 1, same n and level,
    # so its SD is 1.2 times R's 1.2112998412228035.
    assert rows[1].mean == pytest.approx(1.5, rel=TOLERANCE["ulps"])
    assert rows[1].sd == pytest.approx(1.2 * R_SD_FROM_CI[(1.5, 2.5, 25, 0.95)], rel=R_TOLERANCE)
    assert "midpoint" in rows[1].conversion and "midpoint" not in rows[0].conversion
    # Placebo baseline: the 90% CI -0.32 to 1.07 with n 9 of tests/reference/printed_forms.R.
    assert rows[2].mean == pytest.approx((-0.32 + 1.07) / 2, rel=TOLERANCE["ulps"])
    assert rows[2].sd == pytest.approx(R_SD_FROM_CI[(-0.32, 1.07, 9, 0.90)], rel=R_TOLERANCE)
    assert "0.95 quantile" in rows[2].conversion  # (1 + 0.90)/2
    # Week 12: width 1.4 against 1.39 at the same n and level.
    expected = R_SD_FROM_CI[(-0.32, 1.07, 9, 0.90)] * 1.4 / 1.39
    assert rows[3].sd == pytest.approx(expected, rel=R_TOLERANCE)


def test_median_rows_match_metafor_conv_fivenum() -> None:
    trial = load_trial(FORMS / "median.csv")
    assert all(m.mean is None and m.sd is None and m.estimated for m in trial.rows)
    assert [m.spread_source for m in trial.rows] == [
        "median_iqr",
        "median_iqr_range",
        "median_range",
        "median_iqr_range",
    ]
    for m, (mean, sd, skewed) in zip(converted_trial(trial).rows, R_MEDIAN.values(), strict=True):
        assert m.mean == pytest.approx(mean, rel=R_TOLERANCE)
        assert m.sd == pytest.approx(sd, rel=R_TOLERANCE)
        assert bool(m.warning) is skewed
        assert "Luo et al. 2018" in m.conversion and "Wan et al. 2014" in m.conversion
    assert "skewed" in converted_trial(trial).rows[3].warning
    assert trial.rows[1].printed == "median 6 [IQR 4, 10] (range 2 to 14)"


def test_loader_and_stats_agree_on_the_smallest_median_n() -> None:
    assert MIN_MEDIAN_N == printed.MIN_MEDIAN_N


def test_change_only_rows() -> None:
    drug, placebo = load_trial(FORMS / "change_only.csv").rows
    assert (drug.mean, drug.sd, drug.spread_source) == (None, None, None)
    assert (drug.change_mean, drug.change_sd) == (-4.2, 3.1)
    # change_se 0.5 with n 38: SD = 0.5·√38 (Cochrane Handbook 6.5.2.2).
    assert placebo.change_sd == pytest.approx(0.5 * math.sqrt(38), rel=TOLERANCE["ulps"])
    assert drug.printed == "change -4.2 ± 3.1"


def test_per_arm_r_and_printed_change_sd_give_each_arms_r() -> None:
    trial = load_trial(FORMS / "per_arm_r.csv")
    drug = arm_data(trial, "score", "drug", 12)
    assert (drug.r, drug.r_source) == (0.6, "file")
    # Cochrane Handbook 6.5.2.8 worked example: baseline SD 6.4, final 7.1, change 4.5 give
    # Corr_E = 0.78; 7.0, 6.9, 4.2 give Corr_C = 0.82 (printed to 2 decimals).
    trial = load_trial(FORMS / "change_and_prepost.csv")
    experimental = arm_data(trial, "score", "experimental", 8)
    control = arm_data(trial, "score", "control", 8)
    assert round(experimental.r, 2) == 0.78 and round(control.r, 2) == 0.82
    assert experimental.r_source == control.r_source == "reported"
    # By hand: (6.4² + 7.1² − 4.5²)/(2·6.4·7.1) = 71.12/90.88.
    assert experimental.r == pytest.approx(71.12 / 90.88, rel=TOLERANCE["float"])


def test_impossible_change_sd_names_its_row(tmp_path: Path) -> None:
    # SDs 1 and 1 allow a change SD of at most 2 (r = -1); 3 is impossible.
    path = write(
        tmp_path,
        "mean,sd,change_mean,change_sd",
        "a,treatment,x,u,baseline,0,10,5,1,,",
        "a,treatment,x,u,week 4,4,10,6,1,1,3",
        "b,control,x,u,baseline,0,10,5,1,,",
        "b,control,x,u,week 4,4,10,5,1,,",
    )
    with pytest.raises(ReanalysisError, match=r"line 3, column 'change_sd'.*outside \[-1, 1\]"):
        arm_data(load_trial(path), "x", "a", 4)


def test_data_table_names_each_conversion() -> None:
    trial = load_trial(FORMS / "ci.csv")
    rows = [measurement_record(m, trial, FORMS) for m in trial.rows]
    (table,) = [
        b
        for b in trial_data.blocks({"trials": {"ci": {"file": "ci.csv", "rows": rows}}})
        if b.kind == "table"
    ]
    assert "SD from CI: SD = √n·(ci_high − ci_low)/(2·t)" in table.rows[0][4]
    assert "Cochrane Handbook 6.5.2.2" in table.rows[0][4]
    trial = load_trial(FORMS / "median.csv")
    rows = [measurement_record(m, trial, FORMS) for m in trial.rows]
    (table,) = [
        b
        for b in trial_data.blocks({"trials": {"m": {"file": "m.csv", "rows": rows}}})
        if b.kind == "table"
    ]
    assert table.rows[0][4].startswith("median 6 [IQR 4, 10] (estimated from median and IQR: ")
    # metafor's ?conv.fivenum row 8 is skewed (see R_MEDIAN): the table says so.
    assert "warning: skewed" in table.rows[3][4] and "warning" not in table.rows[0][4]
    assert rows[3]["sd"] == pytest.approx(R_MEDIAN["row 8"][1], rel=R_TOLERANCE)


# --- bad input in a new column: one line naming file, line and column ----------------------

BAD = {
    "q1 above the median": (
        "median,q1,q3",
        ["a,treatment,x,u,baseline,0,20,5,6,8"],
        "line 2, columns 'q1' and 'median': expected q1 <= median",
    ),
    "ci_low not below ci_high": (
        "mean,ci_low,ci_high",
        ["a,treatment,x,u,baseline,0,20,2,2.5,1.5"],
        "line 2, column 'ci_high': expected ci_high above ci_low",
    ),
    "ci_low equal to ci_high": (
        "mean,ci_low,ci_high",
        ["a,treatment,x,u,baseline,0,20,2,2,2"],
        "column 'ci_high': expected ci_high above ci_low",
    ),
    "one end of a CI": (
        "mean,ci_low,ci_high",
        ["a,treatment,x,u,baseline,0,20,2,1.5,"],
        "column 'ci_high': expected both ends of the CI",
    ),
    "a CI level in percent": (
        "mean,ci_low,ci_high,ci_level",
        ["a,treatment,x,u,baseline,0,20,2,1.5,2.5,95"],
        "column 'ci_level': expected a confidence level between 0 and 1",
    ),
    "a mean outside its CI": (
        "mean,ci_low,ci_high",
        ["a,treatment,x,u,baseline,0,20,3,1.5,2.5"],
        "column 'mean': expected the mean inside its CI",
    ),
    "an SD and a CI": (
        "mean,sd,ci_low,ci_high",
        ["a,treatment,x,u,baseline,0,20,2,1,1.5,2.5"],
        "expected one printed form of the value",
    ),
    "a mean and a median": (
        "mean,sd,median,q1,q3",
        ["a,treatment,x,u,baseline,0,20,2,1,2,1,3"],
        "or median with q1/q3 or min/max), got mean, sd, median, q1, q3",
    ),
    "change_sd without change_mean": (
        "mean,sd,change_mean,change_sd",
        ["a,treatment,x,u,baseline,0,20,2,1,,", "a,treatment,x,u,week 4,4,20,2,1,,0.5"],
        "line 3, column 'change_mean': expected the mean change printed with change_sd",
    ),
    "change_mean without its spread": (
        "change_mean,change_sd",
        ["a,treatment,x,u,week 4,4,20,-1,", "b,control,x,u,week 4,4,20,0,1"],
        "line 2, column 'change_sd': expected the SD of the change",
    ),
    "a change on a baseline row": (
        "mean,sd,change_mean,change_sd",
        ["a,treatment,x,u,baseline,0,20,2,1,-1,1"],
        "column 'change_mean': a change from baseline belongs on a follow-up row",
    ),
    "a negative change SD": (
        "change_mean,change_sd",
        ["a,treatment,x,u,week 4,4,20,-1,-1", "b,control,x,u,week 4,4,20,0,1"],
        "column 'change_sd': expected a positive SD, got '-1'",
    ),
    "r outside (-1, 1)": (
        "mean,sd,r",
        ["a,treatment,x,u,baseline,0,20,2,1,", "a,treatment,x,u,week 4,4,20,2,1,1.2"],
        "line 3, column 'r': expected a correlation strictly between -1 and 1, got '1.2'",
    ),
    "r on a baseline row": (
        "mean,sd,r",
        ["a,treatment,x,u,baseline,0,20,2,1,0.5"],
        "column 'r': the arm's pre–post correlation belongs on its follow-up row",
    ),
    "r with a printed change SD": (
        "mean,sd,change_mean,change_sd,r",
        ["a,treatment,x,u,baseline,0,20,2,1,,,", "a,treatment,x,u,week 4,4,20,2,1,0,1,0.5"],
        "column 'r': the printed change SD already gives this arm's correlation",
    ),
    "r without a baseline row": (
        "mean,sd,r",
        ["a,treatment,x,u,week 4,4,20,2,1,0.5", "b,control,x,u,week 4,4,20,2,1,"],
        "column 'r': arm 'a' has no baseline (week 0) row",
    ),
    "a median without quartiles or range": (
        "median,q1,q3,min,max",
        ["a,treatment,x,u,baseline,0,20,5,,,,"],
        "a median needs its quartiles (q1, q3) or its range (min, max), got neither",
    ),
    "q1 without q3": (
        "median,q1,q3",
        ["a,treatment,x,u,baseline,0,20,5,4,"],
        "column 'q3': expected q3 with q1",
    ),
    "quartiles without a median": (
        "median,q1,q3",
        ["a,treatment,x,u,baseline,0,20,,4,6"],
        "column 'median': expected the median printed with the quartiles or range",
    ),
    "a zero IQR": (
        "median,q1,q3",
        ["a,treatment,x,u,baseline,0,20,5,5,5"],
        "expected q1 < q3 (a zero spread gives no SD)",
    ),
    "a median with n below 5": (
        "median,q1,q3",
        ["a,treatment,x,u,baseline,0,4,5,4,6"],
        "column 'n': a mean and SD from a median (Luo 2018, Wan 2014) need n >= 5, got 4",
    ),
    "a baseline missing where other arms have one": (
        "mean,sd",
        [
            "a,treatment,x,u,baseline,0,20,2,1",
            "a,treatment,x,u,week 4,4,20,2,1",
            "b,control,x,u,week 4,4,20,2,1",
        ],
        "line 4, column 'week': arm 'b' has no baseline (week 0) row for 'x' in study 's', "
        "while other arms do",
    ),
    "a non-ASCII digit": (
        "mean,ci_low,ci_high",
        ["a,treatment,x,u,baseline,0,20,2,١,3"],
        "column 'ci_low': expected a number, got '١'; contains the non-ASCII digit",
    ),
    "a bidirectional control in an arm name": (
        "mean,sd",
        ["a\u202eb,treatment,x,u,baseline,0,20,2,1"],
        "column 'arm' 'a\\u202eb': character 2 is U+202E",
    ),
    "a row with no value and no change": (
        "mean,sd,change_mean,change_sd",
        ["a,treatment,x,u,week 4,4,20,,,,"],
        "got neither",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_printed_form_gives_one_line(case: str, tmp_path: Path, capsys) -> None:
    columns, rows, expected = BAD[case]
    path = write(tmp_path, columns, *rows)
    assert main(["validate", str(path)]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert captured.out == "" and len(lines) == 1, captured.err
    assert str(path) in lines[0] and expected in lines[0], lines[0]


def test_follow_up_only_needs_two_arms(tmp_path: Path) -> None:
    one = write(tmp_path, "mean,sd", "a,treatment,x,u,week 4,4,20,2,1")
    with pytest.raises(ReanalysisError, match="no other arm reports it at week 4"):
        load_trial(one)
    two = write(
        tmp_path, "mean,sd", "a,treatment,x,u,week 4,4,20,2,1", "b,control,x,u,week 4,4,20,3,1"
    )
    assert len(load_trial(two).rows) == 2
