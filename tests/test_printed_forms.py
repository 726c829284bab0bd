"""Spread and P values as papers print them (reanalysis.stats.printed).

Expected values come from the Cochrane Handbook's worked example, Wan et al. (2014)
Table 1, metafor's documented conv.fivenum() examples, R (tests/reference/printed_forms.R,
whose code and output are quoted below) and closed forms worked in the tests.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from reanalysis.errors import ReanalysisError
from reanalysis.stats.printed import (
    PrintedP,
    correlation_interval,
    estimate_mean,
    estimate_sd,
    mean_sd_from_median,
    parse_printed_p,
    sd_from_ci,
    sd_from_se,
)
from tests.tolerances import TOLERANCE

# Tolerances of this file that the shared table does not have, each with its reason.
LOCAL_TOLERANCE: dict[str, float] = {
    # R values printed with sprintf("%.17g"): the project's bar for R references (relative).
    "r": 1e-9,
    # Wan et al. (2014) Table 1 prints the exact expected range of n normals to 3 decimals;
    # Blom's approximation ξ(n) that the paper recommends (eq. 9) is within 1.5% of it for
    # 5 <= n <= 50 (largest gap 1.44% at n = 5) (relative).
    "blom": 0.015,
    # correlation_interval refines crossings by brentq (xtol 1e-13); it promises 1e-10 (absolute).
    "crossing": 1e-10,
}

# --- 1. SD from a printed SE or CI ---------------------------------------------------------


def test_cochrane_handbook_6_5_2_2_small_sample_divisor():
    # Cochrane Handbook 6.x, section 6.5.2.2 (the same example as in version 5.1, section
    # 7.7.3.2, whose wording was checked): "the t value for a 95% confidence interval from a
    # sample size of 25 can be obtained by typing =tinv(1-0.95,25-1) ... (the result is
    # 2.0639). The divisor, 3.92, in the formula above would be replaced by 2 × 2.0639 =
    # 4.128."
    low, high, n = 1.5, 2.5, 25
    divisor = math.sqrt(n) * (high - low) / sd_from_ci(low, high, n)
    assert divisor == pytest.approx(4.128, abs=0.0005 + 1e-12)  # printed to 3 decimals
    assert divisor / 2 == pytest.approx(2.0639, abs=TOLERANCE["printed_4dp"])


@pytest.mark.parametrize(("level", "divisor"), [(0.95, 3.92), (0.90, 3.29), (0.99, 5.15)])
def test_cochrane_handbook_6_5_2_2_large_sample_divisors(level, divisor):
    # Cochrane Handbook 6.5.2.2: for large samples the CI of a mean is 3.92 standard errors
    # wide (95%), 3.29 (90%) and 5.15 (99%); t with 10^6 − 1 df gives the same to 2 decimals.
    n = 10**6
    implied = math.sqrt(n) * 1.0 / sd_from_ci(0.0, 1.0, n, confidence_level=level)
    assert implied == pytest.approx(divisor, abs=0.005 + 1e-12)


def test_sd_from_ci_matches_r():
    # R: sqrt(n) * (high - low) / (2 * qt((1 + level) / 2, n - 1)), tests/reference/printed_forms.R
    expected = [1.2112998412228035, 1.1212401927343905, 6.3427134166999934]
    for (low, high, n, level), value in zip(
        [(1.5, 2.5, 25, 0.95), (-0.32, 1.07, 9, 0.90), (10.1, 12.9, 140, 0.99)],
        expected,
        strict=True,
    ):
        assert sd_from_ci(low, high, n, level) == pytest.approx(value, rel=LOCAL_TOLERANCE["r"])


@given(
    mean=st.floats(-1e3, 1e3),
    sd=st.floats(1e-3, 1e3),
    n=st.integers(2, 5000),
    level=st.floats(0.5, 0.999),
)
def test_sd_from_ci_inverts_the_t_interval(mean, sd, n, level):
    half = stats.t.ppf((1 + level) / 2, n - 1) * sd / math.sqrt(n)
    # Forming mean ± half rounds each end by up to an ulp of |mean|, so the width carries
    # a relative error of about eps·|mean|/half on top of the t quantile's own rounding.
    rounding = 4 * np.finfo(float).eps * (abs(mean) + half) / half
    assert sd_from_ci(mean - half, mean + half, n, level) == pytest.approx(
        sd, rel=TOLERANCE["float"] + rounding
    )


@given(sd=st.floats(1e-6, 1e6), n=st.integers(2, 10**6))
def test_sd_from_se_inverts_the_standard_error(sd, n):
    assert sd_from_se(sd / math.sqrt(n), n) == pytest.approx(sd, rel=TOLERANCE["float"])


def test_sd_conversions_are_vectorized():
    se, n = np.array([0.5, 1.0, 2.0]), np.array([4, 9, 16])
    np.testing.assert_allclose(sd_from_se(se, n), [1.0, 3.0, 8.0], rtol=TOLERANCE["ulps"])
    sds = sd_from_ci([1.5, -0.32], [2.5, 1.07], [25, 9])
    assert sds.shape == (2,)
    assert sds[0] == pytest.approx(sd_from_ci(1.5, 2.5, 25), rel=TOLERANCE["ulps"])


@pytest.mark.parametrize(
    ("call", "names"),
    [
        (lambda: sd_from_se(-1.0, 10), "se"),
        (lambda: sd_from_se(1.0, 1), "n"),
        (lambda: sd_from_ci(2.0, 1.0, 10), "high"),
        (lambda: sd_from_ci(1.0, 2.0, 10.5), "n"),
        (lambda: sd_from_ci(1.0, 2.0, 10, confidence_level=95), "confidence_level"),
        (lambda: sd_from_ci(float("nan"), 2.0, 10), "low"),
    ],
)
def test_sd_conversions_reject_bad_input(call, names):
    with pytest.raises(ReanalysisError, match=names):
        call()


# --- 2. mean and SD from a median -----------------------------------------------------------

# Reference: metafor's conv.fivenum() (github.com/wviechtb/metafor, commit 71ae8f5a, R/
# conv.fivenum.r) run by tests/reference/printed_forms.R with
#   method=c("luo2016", "wan2014") and method=c("luo2016", "shi2020"), test=FALSE:
# rows 1-3, 11: S1; rows 4-6, 12: S2; rows 7-10: S3. Rows 1, 4, 7, 8 are the examples of
# metafor's ?conv.fivenum (n = 20), whose help page says the test for skewness is not
# significant for rows 1, 4, 7 and is for row 8 (q3 = 14, max = 20).
FIVE = {
    "min": [2, 11.2, -3.5, None, None, None, 2, 2, 0.8, -40, 0, None],
    "q1": [None, None, None, 4, 13.1, -1.2, 4, 4, 1.9, -12, None, 1],
    "median": [6, 14.0, 0.4, 6, 14.5, 0.1, 6, 6, 2.6, -5, 1, 2],
    "q3": [None, None, None, 10, 15.8, 1.3, 10, 14, 3.7, 3, None, 8],
    "max": [14, 19.9, 4.1, None, None, None, 14, 20, 7.5, 25, 20, None],
    "n": [20, 5, 311, 20, 48, 1000, 20, 20, 73, 9, 30, 50],
}
R_MEAN_LUO = [6.5944677601167285, 14.844260892002895, 0.39487558642683507, 6.7195,
              14.464593750000001, 0.064980500000000038, 6.9388412499397667,
              8.6278026830743961, 2.8518866511448646, -5.5011449034880426,
              3.1404860205016059, 3.7694999999999999]  # fmt: skip
R_SD_WAN = [3.211575967369702, 3.6871871220891883, 1.3208675029915387, 4.7870760433704662,
            2.0634442118667251, 1.8559571567174096, 3.9993260053700839, 6.397912011669332,
            1.3828739169623705, 17.435814198401783, 4.9012848826878468,
            5.3431320657621511]  # fmt: skip
R_SD_SHI_S3 = {6: 3.6794350446432098, 7: 5.7560801954900818, 8: 1.3837893749255414,
               9: 19.961673316480535}  # fmt: skip
R_SKEWNESS = [0.33333333333333331, 0.35632183908045956, 0.026315789473684265,
              0.33333333333333331, 0.037037037037037548, 0.039999999999999966,
              0.49081711648893878, 0.81802852748156463, 0.5424017238066976,
              0.11458864684515656, 0.90000000000000002, 0.7142857142857143]  # fmt: skip
R_CRITICAL = [0.41602182342098915, 0.79558984835661795, 0.18137349179467091,
              0.57755801403744422, 0.37989038667146041, 0.08379435799446204,
              0.66582039324993691, 0.66582039324993691, 0.35102061831845749,
              0.94513031550068582, 0.35360358169971995, 0.37236659402887012]  # fmt: skip
R_SIGNIFICANT = [False, False, False, False, False, False, False, True, True, False, True, True]
ROWS = {"S1": [0, 1, 2, 10], "S2": [3, 4, 5, 11], "S3": [6, 7, 8, 9]}


def _summary(scenario: str) -> dict:
    rows = ROWS[scenario]
    args = {"n": [FIVE["n"][i] for i in rows], "median": [FIVE["median"][i] for i in rows]}
    if scenario != "S1":
        args |= {"q1": [FIVE["q1"][i] for i in rows], "q3": [FIVE["q3"][i] for i in rows]}
    if scenario != "S2":
        args |= {
            "minimum": [FIVE["min"][i] for i in rows],
            "maximum": [FIVE["max"][i] for i in rows],
        }
    return args


@pytest.mark.parametrize("scenario", ["S1", "S2", "S3"])
def test_luo_mean_and_wan_sd_match_metafor_conv_fivenum(scenario):
    rows, args = ROWS[scenario], _summary(scenario)
    rtol = LOCAL_TOLERANCE["r"]
    np.testing.assert_allclose(estimate_mean(**args), [R_MEAN_LUO[i] for i in rows], rtol=rtol)
    np.testing.assert_allclose(estimate_sd(**args), [R_SD_WAN[i] for i in rows], rtol=rtol)
    result = mean_sd_from_median(**args)
    assert result.scenario == scenario
    np.testing.assert_allclose(result.skewness, [R_SKEWNESS[i] for i in rows], rtol=rtol)
    np.testing.assert_allclose(result.skewness_critical, [R_CRITICAL[i] for i in rows], rtol=rtol)
    assert result.skewness_warning.tolist() == [R_SIGNIFICANT[i] for i in rows]


def test_shi_sd_matches_metafor_conv_fivenum_in_s3():
    args = _summary("S3")
    expected = [R_SD_SHI_S3[i] for i in ROWS["S3"]]
    np.testing.assert_allclose(
        estimate_sd(**args, method="shi"), expected, rtol=LOCAL_TOLERANCE["r"]
    )
    result = mean_sd_from_median(**args, sd_method="shi")
    assert result.method_sd == "shi"
    np.testing.assert_allclose(result.sd, expected, rtol=LOCAL_TOLERANCE["r"])


@pytest.mark.parametrize("scenario", ["S1", "S2"])
def test_shi_reduces_to_wan_outside_s3(scenario):
    args = _summary(scenario)
    np.testing.assert_array_equal(estimate_sd(**args, method="shi"), estimate_sd(**args))
    assert mean_sd_from_median(**args, sd_method="shi").method_sd == "wan"


def test_metafor_help_examples_single_study():
    # ?conv.fivenum third example, study 3: min 2, q1 4, median 6, q3 14, max 20, n 20 —
    # "the test for skewness is significant for this study".
    result = mean_sd_from_median(20, 6, q1=4, q3=14, minimum=2, maximum=20, sd_method="shi")
    assert result.skewness_warning is True
    assert isinstance(result.mean, float)
    assert result.mean == pytest.approx(R_MEAN_LUO[7], rel=LOCAL_TOLERANCE["r"])
    assert result.sd == pytest.approx(R_SD_SHI_S3[7], rel=LOCAL_TOLERANCE["r"])
    assert (result.scenario, result.method_mean) == ("S3", "luo")


@pytest.mark.parametrize(
    ("n", "exact"), [(5, 2.326), (10, 3.078), (15, 3.472), (25, 3.931), (40, 4.322), (50, 4.498)]
)
def test_wan_2014_table_1_expected_range(n, exact):
    # Wan et al. 2014, Table 1: ξ(n), the expected range of n standard normals, used in
    # eq. (7); eq. (9) replaces it by Blom's 2Φ⁻¹((n − 0.375)/(n + 0.25)). A range equal to
    # ξ(n) must give SD 1.
    sd = estimate_sd(n, 0.0, minimum=-exact / 2, maximum=exact / 2)
    assert sd == pytest.approx(1.0, rel=LOCAL_TOLERANCE["blom"])


def test_wan_sd_of_normal_quartiles_tends_to_one():
    # η(n) → 2Φ⁻¹(0.75) as n grows (Wan et al. 2014, eq. 16), so the quartiles of N(0, 1),
    # ±0.6744897501960817 (qnorm(0.75) in R), give SD → 1; at n = 10^8 the gap is ~1e-8.
    z75 = 0.6744897501960817
    assert estimate_sd(10**8, 0.0, q1=-z75, q3=z75) == pytest.approx(1.0, rel=1e-7)


# Five increasing quantiles: a start and four gaps no smaller than 1% of the largest, so that
# the skewness ratios are well conditioned.
quantiles = st.tuples(
    st.floats(-1e3, 1e3), st.lists(st.floats(1, 100), min_size=4, max_size=4)
).map(lambda start_gaps: [start_gaps[0] + sum(start_gaps[1][:i]) for i in range(5)])


@given(q=quantiles, n=st.integers(5, 10**5), shift=st.floats(-1e3, 1e3), scale=st.floats(1e-2, 1e2))
def test_median_conversions_are_location_scale_equivariant(q, n, shift, scale):
    keys = ("minimum", "q1", "median", "q3", "maximum")
    base = mean_sd_from_median(n, **dict(zip(keys, q, strict=True)), sd_method="shi")
    moved = [shift + scale * v for v in q]
    other = mean_sd_from_median(n, **dict(zip(keys, moved, strict=True)), sd_method="shi")
    size = abs(shift) + scale * max(abs(q[0]), abs(q[-1]))  # the magnitude rounding acts on
    assert other.mean == pytest.approx(shift + scale * base.mean, abs=TOLERANCE["float"] * size)
    assert other.sd == pytest.approx(scale * base.sd, rel=TOLERANCE["identity"])
    assert other.skewness == pytest.approx(base.skewness, abs=TOLERANCE["identity"])


@given(
    median=st.floats(-1e3, 1e3),
    half_iqr=st.floats(1e-3, 1e3),
    extra=st.floats(0, 1e3),
    n=st.integers(5, 10**5),
)
def test_symmetric_summary_has_mean_at_median_and_no_skewness(median, half_iqr, extra, n):
    low, high = median - half_iqr - extra, median + half_iqr + extra
    result = mean_sd_from_median(n, median, median - half_iqr, median + half_iqr, low, high)
    assert result.mean == pytest.approx(median, abs=1e-12 * (abs(median) + high - low))
    assert result.skewness == pytest.approx(0.0, abs=1e-9)
    assert result.skewness_warning is False


@pytest.mark.parametrize(
    ("kwargs", "names"),
    [
        ({"q1": 1.0}, "q3"),
        ({"maximum": 9.0}, "minimum"),
        ({}, "q1 and q3"),
        ({"q1": 6.0, "q3": 9.0}, "q1 must not exceed median"),
        ({"q1": 1.0, "q3": 9.0, "minimum": 2.0, "maximum": 10.0}, "minimum must not exceed q1"),
        ({"minimum": 5.0, "maximum": 5.0, "n": 20, "median": 5.0}, "minimum must be below maximum"),
        ({"q1": 1.0, "q3": 9.0, "n": 4}, "n must be a whole number >= 5"),
        ({"q1": 1.0, "q3": float("inf")}, "q3 must be finite"),
    ],
)
def test_median_conversions_reject_bad_summaries(kwargs, names):
    args = {"n": 20, "median": 5.0} | kwargs
    with pytest.raises(ReanalysisError, match=names):
        estimate_sd(**args)


def test_unknown_methods_are_named():
    with pytest.raises(ReanalysisError, match="method must be one of wan, shi, got 'hozo'"):
        estimate_sd(20, 5.0, q1=1.0, q3=9.0, method="hozo")
    with pytest.raises(ReanalysisError, match="mean_method must be one of luo"):
        mean_sd_from_median(20, 5.0, q1=1.0, q3=9.0, mean_method="wan")


# --- 3. a printed P value --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "relation", "value", "decimals", "interval", "closed"),
    [
        ("0.0014", "=", 0.0014, 4, (0.00135, 0.00145), (True, False)),
        ("P = 0.0014", "=", 0.0014, 4, (0.00135, 0.00145), (True, False)),
        ("p<0.001", "<", 0.001, 3, (0.0, 0.001), (False, False)),
        ("< 0.001", "<", 0.001, 3, (0.0, 0.001), (False, False)),
        ("<.001", "<", 0.001, 3, (0.0, 0.001), (False, False)),
        ("≤0.05", "<=", 0.05, 2, (0.0, 0.05), (False, True)),
        ("0.05", "=", 0.05, 2, (0.045, 0.055), (True, False)),
        ("NS", "ns", None, None, (0.05, 1.0), (True, True)),
        ("n.s.", "ns", None, None, (0.05, 1.0), (True, True)),
        ("P > 0.05", ">", 0.05, 2, (0.05, 1.0), (False, True)),
        ("P ≥ 0.05", ">=", 0.05, 2, (0.05, 1.0), (True, True)),
        (".03", "=", 0.03, 2, (0.025, 0.035), (True, False)),
        ("  P\u2009=\u202f0.03\u00a0", "=", 0.03, 2, (0.025, 0.035), (True, False)),
        ("P = 1.2 × 10\u22124", "=", 0.00012, 5, (0.000115, 0.000125), (True, False)),
        ("p = 3e-5", "=", 0.00003, 5, (0.000025, 0.000035), (True, False)),
        ("P = 1.00", "=", 1.0, 2, (0.995, 1.0), (True, True)),
        ("P = 0.000", "=", 0.0, 3, (0.0, 0.0005), (True, False)),
    ],
)
def test_parse_printed_p_forms(text, relation, value, decimals, interval, closed):
    # Intervals worked by hand: "=" is the printed value ± half a unit in its last digit.
    printed = parse_printed_p(text)
    assert (printed.text, printed.relation, printed.decimals) == (text, relation, decimals)
    assert printed.value == (None if value is None else pytest.approx(value, rel=TOLERANCE["ulps"]))
    assert printed.interval == pytest.approx(interval, rel=TOLERANCE["ulps"])
    assert printed.closed == closed


def test_the_interval_of_0_0014_is_half_open():
    printed = parse_printed_p("0.0014")
    assert printed.contains(0.0014)
    assert printed.contains(0.00135)
    assert not printed.contains(0.00145)
    assert not printed.contains(0.0013499)
    np.testing.assert_array_equal(
        printed.contains([0.0014, 0.00145, 0.0013499]), [True, False, False]
    )


def test_bounds_exclude_and_include_their_end():
    assert not parse_printed_p("<0.001").contains(0.001)
    assert parse_printed_p("≤0.001").contains(0.001)
    assert not parse_printed_p("P > 0.05").contains(0.05)
    assert parse_printed_p("P >= 0.05").contains(0.05)
    assert not parse_printed_p("<0.001").contains(0.0)


def test_ns_is_bounded_by_the_significance_level():
    printed = parse_printed_p("NS", significance_level=0.1)
    assert (printed.interval, printed.significance_level) == ((0.1, 1.0), 0.1)
    assert printed.contains(0.1) and not printed.contains(0.0999)


@given(
    decimals=st.integers(1, 8),
    data=st.data(),
    prefix=st.sampled_from(["", "P = ", "p=", " P\u2009=\u2009"]),
)
def test_a_printed_p_admits_exactly_its_rounding_interval(decimals, data, prefix):
    k = data.draw(st.integers(1, 10**decimals - 1))
    digits = f"{k:0{decimals}d}"
    printed = parse_printed_p(f"{prefix}0.{digits}")
    value, half = k / 10**decimals, 0.5 / 10**decimals
    assert printed.decimals == decimals
    assert printed.contains([value, value - 0.999 * half, value + 0.999 * half]).all()
    assert not printed.contains([value - 1.001 * half, value + 1.001 * half]).any()
    assert printed.contains(printed.interval[0]) and not printed.contains(printed.interval[1])
    assert printed.interval == pytest.approx((value - half, value + half), rel=TOLERANCE["ulps"])
    assert parse_printed_p(f".{digits}").interval == printed.interval


@pytest.mark.parametrize(
    "text",
    ["", "P", "P = abc", "0,05", "P = 1.5", "< 0", "> 1", "P < NS", "P = 0.05 0.01",
     "P = \u0660.\u0660\u0665", "P = \uff10.\uff10\uff15", "0.0\u00b95", "--0.05"],
)  # fmt: skip
def test_parse_printed_p_rejects_bad_text(text):
    with pytest.raises(ReanalysisError) as error:
        parse_printed_p(text)
    message = str(error.value)
    assert repr(text) in message
    assert "\n" not in message


def test_parse_printed_p_names_the_accepted_forms():
    with pytest.raises(ReanalysisError, match=r"such as .*P = 0\.0014.*NS.*got 'P = abc'"):
        parse_printed_p("P = abc")
    with pytest.raises(ReanalysisError, match="significance_level"):
        parse_printed_p("NS", significance_level=5)


# --- 4. correlations consistent with a printed P ---------------------------------------------

# A z-test of a difference d between two correlated means, each with SD s:
# SE(r) = s·√(2(1 − r)), z = d/SE, p(r) = 2(1 − Φ(z)). Solved by hand for r:
# z(p) = Φ⁻¹(1 − p/2), r(p) = 1 − (d/(s·z(p)))²/2, decreasing in p.
D, S = 0.5, 1.0


def _p_of_r(r):
    return 2 * stats.norm.sf(D / (S * np.sqrt(2 * (1 - np.asarray(r)))))


def _r_of_p(p):
    return 1 - (D / (S * stats.norm.isf(p / 2))) ** 2 / 2


def test_correlation_interval_inverts_a_z_test_p():
    printed = parse_printed_p("P = 0.0014")
    result = correlation_interval(_p_of_r, printed, -0.99, 0.999)
    tol = LOCAL_TOLERANCE["crossing"]
    assert result.low == pytest.approx(_r_of_p(0.00145), abs=tol)
    assert result.high == pytest.approx(_r_of_p(0.00135), abs=tol)
    assert (result.low_bound, result.high_bound) == ("printed P", "printed P")
    assert len(result.segments) == 1
    assert result.p_interval == printed.interval


def test_correlation_interval_bounded_by_the_search_range():
    result = correlation_interval(_p_of_r, parse_printed_p("p<0.001"), -0.99, 0.999)
    assert result.low == pytest.approx(_r_of_p(0.001), abs=LOCAL_TOLERANCE["crossing"])
    assert (result.high, result.high_bound) == (0.999, "search range")
    ns = correlation_interval(_p_of_r, parse_printed_p("NS"), -0.99, 0.999)
    assert (ns.low, ns.low_bound) == (-0.99, "search range")
    assert ns.high == pytest.approx(_r_of_p(0.05), abs=LOCAL_TOLERANCE["crossing"])


def test_correlation_interval_of_a_non_monotone_p():
    # p(r) = |r| lies in [0.2, 0.5] on [−0.5, −0.2] and [0.2, 0.5].
    result = correlation_interval(np.abs, (0.2, 0.5), -1.0, 1.0, grid_points=101)
    ends = [end for s in result.segments for end in (s.low, s.high)]
    assert ends == pytest.approx([-0.5, -0.2, 0.2, 0.5], abs=LOCAL_TOLERANCE["crossing"])
    assert (result.low, result.high) == pytest.approx((-0.5, 0.5), abs=LOCAL_TOLERANCE["crossing"])


def test_correlation_interval_inside_one_grid_cell():
    # p(r) = 100·r crosses [0.05, 0.06] between r = 0.0005 and 0.0006, inside the first cell.
    result = correlation_interval(
        lambda r: 100 * np.asarray(r), (0.05, 0.06), 0.0, 1.0, grid_points=11
    )
    assert (result.low, result.high) == pytest.approx(
        (0.0005, 0.0006), abs=LOCAL_TOLERANCE["crossing"]
    )


def test_correlation_interval_empty():
    result = correlation_interval(_p_of_r, (0.9, 1.0), -0.5, 0.5)
    assert (result.low, result.high, result.low_bound, result.segments) == (None, None, None, ())


@given(
    intercept=st.floats(-2, 2), slope=st.floats(0.05, 5), sign=st.sampled_from([-1, 1]),
    p_low=st.floats(0, 1), width=st.floats(1e-4, 1),
)  # fmt: skip
def test_correlation_interval_of_a_linear_p(intercept, slope, sign, p_low, width):
    p_high = p_low + width
    result = correlation_interval(
        lambda r: intercept + sign * slope * np.asarray(r), (p_low, p_high), -1.0, 1.0
    )
    roots = sorted(((p_low - intercept) / (sign * slope), (p_high - intercept) / (sign * slope)))
    low, high = max(roots[0], -1.0), min(roots[1], 1.0)
    if low > high:
        assert result.low is None
        return
    assert result.low == pytest.approx(low, abs=LOCAL_TOLERANCE["crossing"])
    assert result.high == pytest.approx(high, abs=LOCAL_TOLERANCE["crossing"])
    if abs(roots[0] + 1.0) > 1e-9:  # a root at the range's end could be labelled either way
        assert result.low_bound == ("search range" if roots[0] < -1.0 else "printed P")


def test_correlation_interval_rejects_bad_input():
    with pytest.raises(ReanalysisError, match="p_of_r must return one finite P per r"):
        correlation_interval(lambda r: np.where(np.asarray(r) > 0, 0.1, np.nan), (0, 0.5), -1, 1)
    with pytest.raises(ReanalysisError, match="p_interval"):
        correlation_interval(_p_of_r, (0.5, 0.1), -1.0, 1.0)
    with pytest.raises(ReanalysisError, match="r_low must be below r_high"):
        correlation_interval(_p_of_r, (0.1, 0.5), 0.5, 0.5)


def test_results_are_frozen():
    printed = parse_printed_p("0.05")
    assert isinstance(printed, PrintedP)
    with pytest.raises(dataclasses.FrozenInstanceError):
        printed.value = 0.01  # type: ignore[misc]
