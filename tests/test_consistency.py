"""Every consistency check applied to all the data (reanalysis.analysis.consistency).

Expected verdicts on the shipped data are worked by hand in the comments, or recomputed
here by a second route (scipy's t distribution and root finder on the closed-form change
SD, Cochrane Handbook v6.4 §6.5.2.8). The printed numbers come from the abstracts:
Burnett-Bowie 2009 JCEM (PMID 19820017), its companion paper in Clin Endocrinol (DOI
10.1111/j.1365-2265.2008.03327.x) and Leder 2004 JCEM (PMID 15001605, file snyder2004);
per-arm n 33/36 of burnett2009 is the project's assumption (shared/sources/trials.md §3).
Flip and coverage tests copy data/ to a temporary directory and change one fact. The
plausible pre–post r and the cut-offs come from analysis.toml.
"""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import pytest
from scipy import optimize, stats

from reanalysis.analysis.consistency import consistency_checks
from reanalysis.data.settings import load_settings
from tests.shipped import DATA, edited
from tests.tolerances import TOLERANCE

# Molar masses by hand from the formulas with IUPAC conventional atomic weights
# (C 12.011, H 1.008, O 15.999): testosterone C19H28O2 = 228.209 + 28.224 + 31.998.
TESTOSTERONE_G_PER_MOL = 288.431


def by_name(data_dir: Path = DATA) -> dict[str, object]:
    return {c.name: c for c in consistency_checks(data_dir)}


@pytest.fixture(scope="module")
def shipped():
    return by_name()


def close(actual: float, expected: float, key: str) -> bool:
    return math.isclose(actual, expected, rel_tol=TOLERANCE[key])


# --- coverage, order, sources ---------------------------------------------------------------

BURNETT = "burnett2009 vs burnett2009_companion, anastrozole"
SHIPPED_NAMES = [
    # a. the eight reported p-values of studies.toml, in file order
    "between_arm_p: burnett2009 bmd_change_vs_placebo, anastrozole vs placebo, pa_spine_bmd, "
    "week 0 → 52",
    "within_arm_p: burnett2009 testosterone_month3_vs_baseline, anastrozole, total_testosterone, "
    "week 0 → 13",
    "within_arm_p: burnett2009 estradiol_month3_vs_baseline, anastrozole, estradiol, week 0 → 13",
    "within_arm_p: burnett2009_companion bioavailable_t_month12_vs_month3, anastrozole, "
    "bioavailable_testosterone, week 13 → 52",
    "within_arm_p: burnett2009_companion total_t_month12_vs_month3, anastrozole, "
    "total_testosterone, week 13 → 52",
    "within_arm_p: burnett2009_companion dht_month12_vs_month3, anastrozole, dht, week 13 → 52",
    "between_arm_p: snyder2004 bioavailable_t_daily_vs_twice_weekly, anastrozole_daily vs "
    "anastrozole_twice_weekly, bioavailable_testosterone, week 0 → 12",
    "between_arm_p: snyder2004 total_t_daily_vs_twice_weekly, anastrozole_daily vs "
    "anastrozole_twice_weekly, total_testosterone, week 0 → 12",
    # b. every pair of arms with baseline rows (placebo hormones are unpublished)
    "baseline_balance: burnett2009, anastrozole vs placebo, pa_spine_bmd, week 0",
    *(
        f"baseline_balance: snyder2004, anastrozole_daily vs anastrozole_twice_weekly, {o}, week 0"
        for o in ("bioavailable_testosterone", "total_testosterone", "estradiol")
    ),
    # c. the five visits both reports of the Burnett cohort print, mean and SD
    *(
        f"cross_report_{c}: {BURNETT}, {o}, week {w}"
        for o, w in (
            ("total_testosterone", 0),
            ("total_testosterone", 13),
            ("total_testosterone", 52),
            ("estradiol", 0),
            ("estradiol", 13),
        )
        for c in ("mean", "sd")
    ),
    # d. rows of outcomes with a plausible SD range (BMD, total testosterone, estradiol)
    *(
        f"sd_or_se: burnett2009, {a}, pa_spine_bmd, week {w}"
        for a in ("anastrozole", "placebo")
        for w in (0, 52)
    ),
    *(f"sd_or_se: burnett2009, anastrozole, total_testosterone, week {w}" for w in (0, 13, 52)),
    *(f"sd_or_se: burnett2009, anastrozole, estradiol, week {w}" for w in (0, 13)),
    *(
        f"sd_or_se: burnett2009_companion, anastrozole, total_testosterone, week {w}"
        for w in (0, 13, 26, 52)
    ),
    *(f"sd_or_se: burnett2009_companion, anastrozole, estradiol, week {w}" for w in (0, 13)),
    *(
        f"sd_or_se: snyder2004, {a}, {o}, week {w}"
        for o in ("total_testosterone", "estradiol")
        for a in ("anastrozole_daily", "anastrozole_twice_weekly")
        for w in (0, 12)
    ),
    # e. every estradiol row against its 10 pg/mL cut-off in analysis.toml
    *(
        f"threshold: {s}, {a}, estradiol, week {w}, cut-off 10 pg/mL"
        for s, a, w in (
            ("burnett2009", "anastrozole", 0),
            ("burnett2009", "anastrozole", 13),
            ("burnett2009_companion", "anastrozole", 0),
            ("burnett2009_companion", "anastrozole", 13),
            ("snyder2004", "anastrozole_daily", 0),
            ("snyder2004", "anastrozole_daily", 12),
            ("snyder2004", "anastrozole_twice_weekly", 0),
            ("snyder2004", "anastrozole_twice_weekly", 12),
        )
    ),
]


def test_shipped_data_get_every_check_in_a_fixed_order() -> None:
    names = [c.name for c in consistency_checks(DATA)]
    assert names == SHIPPED_NAMES
    assert [c.name for c in consistency_checks(DATA)] == names


def test_every_result_names_its_rows_and_publications(shipped) -> None:
    for check in shipped.values():
        assert any(re.search(r"\.csv:\d+ \(", s) for s in check.sources), check.name
        assert any("PMID" in s or "DOI" in s for s in check.sources), check.name


# --- a. reported p-values -----------------------------------------------------------------


def paired_p(n, mean0, sd0, mean1, sd1, r) -> float:
    """Paired t-test from the closed-form change SD (Cochrane v6.4 §6.5.2.8), by scipy's t."""
    sd_change = math.sqrt(sd0**2 + sd1**2 - 2 * r * sd0 * sd1)
    t = (mean1 - mean0) / (sd_change / math.sqrt(n))
    return 2 * stats.t.sf(abs(t), n - 1)


def change_sd(sd0, sd1, r) -> float:
    return math.sqrt(sd0**2 + sd1**2 - 2 * r * sd0 * sd1)


def r_for(p_of_r, target, low=-0.999, high=0.999) -> float:
    return optimize.brentq(lambda r: p_of_r(r) - target, low, high, xtol=1e-14)


def test_burnett2009_estradiol_month3_p_needs_r_above_0_53(shipped) -> None:
    # 15 ± 4 → 12 ± 4 pg/mL, n 33, P < 0.0001 (PMID 19820017). At the judged top of
    # r (0.8) the change SD is 4·√0.4 = 2.53, t = 3·√33/2.53 = 6.81: p ≈ 1e-7, below
    # 0.0001, so a plausible r reproduces the P.
    check = shipped[SHIPPED_NAMES[2]]
    plausible = load_settings(DATA / "analysis.toml").outcome("estradiol").plausible
    assert (plausible.low, plausible.high) == (0.2, 0.8)
    assert paired_p(33, 15, 4, 12, 4, plausible.high) < 0.0001
    r_low = r_for(lambda r: paired_p(33, 15, 4, 12, 4, r), 0.0001)
    assert close(check.numbers["r_low_printed"], r_low, "independent")
    assert check.verdict == "consistent"


def test_companion_total_testosterone_month12_p_003(shipped) -> None:
    # 18.2 ± 4.8 → 16.5 ± 5.1 nmol/L, n 33, P = 0.03 (printed to 2 dp, so 0.025–0.035;
    # DOI 10.1111/j.1365-2265.2008.03327.x). The printed means give r from about 0.60
    # to 0.65, inside the judged 0.2–0.8.
    check = shipped[SHIPPED_NAMES[4]]
    p = lambda r: paired_p(33, 18.2, 4.8, 16.5, 5.1, r)  # noqa: E731
    assert close(check.numbers["r_low_printed"], r_for(p, 0.035), "independent")
    assert close(check.numbers["r_high_printed"], r_for(p, 0.025), "independent")
    assert check.verdict == "consistent"


def test_burnett2009_bmd_between_arm_p_implies_r_0_970(shipped) -> None:
    # Anastrozole 1.121 ± 0.141 → 1.102 ± 0.138 (n 33), placebo 1.180 ± 0.145 →
    # 1.189 ± 0.146 (n 36), P = 0.0014 (PMID 19820017): Student's t on change, solved
    # for r with scipy's ttest_ind_from_stats.
    def p(r: float) -> float:
        return stats.ttest_ind_from_stats(
            1.102 - 1.121,
            change_sd(0.141, 0.138, r),
            33,
            1.189 - 1.180,
            change_sd(0.145, 0.146, r),
            36,
        ).pvalue

    check = shipped[SHIPPED_NAMES[0]]
    implied = r_for(p, 0.0014, 0.5, 0.9999)
    assert close(check.numbers["implied_r"], implied, "independent")
    assert 0.90 <= implied <= 0.99  # the judged range for one-year DXA spine BMD
    assert check.verdict == "consistent"


def test_snyder2004_total_testosterone_between_arm_p_implies_r_0_71(shipped) -> None:
    # Daily 343 ± 61 → 572 ± 139 (n 12), twice weekly 397 ± 106 → 520 ± 91 (n 11),
    # P = 0.012 (PMID 15001605).
    def p(r: float) -> float:
        return stats.ttest_ind_from_stats(
            572 - 343, change_sd(61, 139, r), 12, 520 - 397, change_sd(106, 91, r), 11
        ).pvalue

    check = shipped[SHIPPED_NAMES[7]]
    assert close(check.numbers["implied_r"], r_for(p, 0.012), "independent")
    assert check.verdict == "consistent"


def test_every_shipped_reported_p_is_reproduced_at_a_plausible_r(shipped) -> None:
    # The other four: total T 319 → 524 (P < 0.0001) has p ≈ 5.5e-8 even at r = 0;
    # bioavailable T 5.4 ± 1.7 → 4.9 ± 2.2 (P = 0.09), DHT 3.4 ± 1.1 → 3.0 ± 1.2
    # (P = 0.025) and Snyder bioavailable T (P = 0.054) need r near 0.5–0.7.
    assert paired_p(33, 319, 93, 524, 139, 0.0) < 0.0001
    assert 0.2 <= r_for(lambda r: paired_p(33, 5.4, 1.7, 4.9, 2.2, r), 0.09) <= 0.8
    assert 0.2 <= r_for(lambda r: paired_p(33, 3.4, 1.1, 3.0, 1.2, r), 0.025) <= 0.8
    assert all(shipped[name].verdict == "consistent" for name in SHIPPED_NAMES[:8])


def test_changed_p_value_becomes_inconsistent(tmp_path) -> None:
    # Month 12 vs 3 total T, 18.2 ± 4.8 → 16.5 ± 5.1: p is largest at r → −1, where the
    # change SD is 4.8 + 5.1 = 9.9 and t = 1.7·√33/9.9 = 0.99, p = 0.33 (even a change
    # of 1.6 within rounding gives 0.36). A printed P = 0.5 (0.45–0.55) is out of reach.
    assert paired_p(33, 18.2, 4.8, 16.6, 5.1, -0.999) < 0.45
    data = edited(tmp_path, "studies.toml", "value = 0.03\n", "value = 0.5\n")
    assert by_name(data)[SHIPPED_NAMES[4]].verdict == "inconsistent"


# --- b. baseline balance --------------------------------------------------------------------


def test_burnett2009_baseline_bmd_p_0_092(shipped) -> None:
    # 1.121 ± 0.141 (n 33) vs 1.180 ± 0.145 (n 36), PMID 19820017: difference −0.059,
    # pooled variance (32·0.019881 + 35·0.021025)/67 = 1.372067/67 = 0.020479, SE
    # √(0.020479·(1/33 + 1/36)) = √(0.020479·0.058081) = 0.034488, t = −0.059/0.034488 =
    # −1.7107 on 67 df, p ≈ 0.092: a chance imbalance.
    expected = stats.ttest_ind_from_stats(1.121, 0.141, 33, 1.180, 0.145, 36)
    check = shipped["baseline_balance: burnett2009, anastrozole vs placebo, pa_spine_bmd, week 0"]
    assert close(check.numbers["difference"], -0.059, "hand_worked")
    assert close(check.numbers["pvalue"], expected.pvalue, "independent")
    assert close(check.numbers["statistic"], -1.7107, "hand_worked")
    assert check.verdict == "consistent"


@pytest.mark.parametrize(
    ("outcome", "daily", "twice_weekly"),
    [
        # PMID 15001605, baseline mean, SD; n 12 and 11.
        ("bioavailable_testosterone", (99, 31), (115, 37)),
        ("total_testosterone", (343, 61), (397, 106)),
        ("estradiol", (26, 8), (27, 8)),
    ],
)
def test_snyder2004_baseline_balance_between_treatment_arms(shipped, outcome, daily, twice_weekly):
    expected = stats.ttest_ind_from_stats(*daily, 12, *twice_weekly, 11).pvalue
    arms = "anastrozole_daily vs anastrozole_twice_weekly"
    name = f"baseline_balance: snyder2004, {arms}, {outcome}, week 0"
    check = shipped[name]
    assert close(check.numbers["pvalue"], expected, "independent")
    # p = 0.27, 0.14 and 0.77: none beyond 0.001 or 0.999.
    assert check.verdict == "consistent"


def test_moved_placebo_baseline_becomes_inconsistent(tmp_path) -> None:
    # Placebo baseline 1.300 instead of 1.180: difference −0.179, t ≈ −0.179/0.0345 =
    # −5.2 on 67 df, p ≈ 2e-6 < 0.001.
    data = edited(tmp_path, "burnett2009.csv", "1.180,0.145", "1.300,0.145")
    check = by_name(data)[
        "baseline_balance: burnett2009, anastrozole vs placebo, pa_spine_bmd, week 0"
    ]
    assert check.verdict == "inconsistent"


# --- c. one cohort in two reports ----------------------------------------------------------


def ng_dl_to_nmol_l(value: float) -> float:
    # ng/dL × 10 = ng/L; ÷ g/mol = nmol/L.
    return value * 10 / TESTOSTERONE_G_PER_MOL


@pytest.mark.parametrize(
    ("week", "column", "bone_paper", "companion", "verdict"),
    [
        # 319 ng/dL = 11.06 nmol/L (318.5–319.5 → 11.04–11.08) vs printed 11.2
        # (11.15–11.25): no overlap.
        (0, "mean", 319, 11.2, "inconsistent"),
        # 93 → 3.224 (3.207–3.242) vs 3.3 (3.25–3.35): no overlap.
        (0, "sd", 93, 3.3, "inconsistent"),
        # 524 → 18.17 (18.150–18.185) vs 18.2 (18.15–18.25): overlap.
        (13, "mean", 524, 18.2, "consistent"),
        # 139 → 4.819 (4.802–4.837) vs 4.8 (4.75–4.85): overlap.
        (13, "sd", 139, 4.8, "consistent"),
        # 474 → 16.434 (16.416–16.451) vs 16.5 (16.45–16.55): overlap by 0.001.
        (52, "mean", 474, 16.5, "consistent"),
        # 145 → 5.027 (5.010–5.045) vs 5.1 (5.05–5.15): no overlap.
        (52, "sd", 145, 5.1, "inconsistent"),
    ],
)
def test_burnett2009_testosterone_in_both_reports(
    shipped, week, column, bone_paper, companion, verdict
):
    check = shipped[f"cross_report_{column}: {BURNETT}, total_testosterone, week {week}"]
    assert close(check.numbers["converted"], ng_dl_to_nmol_l(bone_paper), "hand_worked")
    assert check.verdict == verdict


def test_burnett2009_estradiol_in_both_reports(shipped) -> None:
    # Estradiol C18H24O2 = 216.198 + 24.192 + 31.998 = 272.388 g/mol; pg/mL × 1000/272.388
    # = pmol/L. Printed to whole pg/mL, each value spans ±0.5 pg/mL = ±1.84 pmol/L:
    # 15 → 53.2–56.9 holds 55.8; 4 → 12.8–16.5 holds 15.4 and 13.6; 12 → 42.22–45.89
    # holds 42.2 (42.15–42.25). All four agree.
    check = shipped[f"cross_report_mean: {BURNETT}, estradiol, week 13"]
    assert close(check.numbers["converted_low"], 11.5 * 1000 / 272.388, "hand_worked")
    for week in (0, 13):
        for column in ("mean", "sd"):
            name = f"cross_report_{column}: {BURNETT}, estradiol, week {week}"
            assert shipped[name].verdict == "consistent"


def test_corrected_companion_baseline_becomes_consistent(tmp_path) -> None:
    # 11.1 (11.05–11.15) overlaps 11.04–11.08; 3.2 (3.15–3.25) overlaps 3.207–3.242.
    data = edited(tmp_path, "burnett2009.csv", "11.2,3.3", "11.1,3.2")
    checks = by_name(data)
    for column in ("mean", "sd"):
        name = f"cross_report_{column}: {BURNETT}, total_testosterone, week 0"
        assert checks[name].verdict == "consistent"


# --- d. SD or SE ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "verdict"),
    [
        # 0.141·√33 = 0.81 g/cm², far above the plausible 0.08–0.25: an SD.
        ("burnett2009, anastrozole, pa_spine_bmd, week 0", "consistent"),
        # 93·√33 = 534 ng/dL > 300: an SD.
        ("burnett2009, anastrozole, total_testosterone, week 0", "consistent"),
        # 4·√33 = 23.0 pg/mL > 20: an SD.
        ("burnett2009, anastrozole, estradiol, week 13", "consistent"),
        # 3.3·√33 = 19.0 nmol/L > 300 ng/dL = 10.40 nmol/L: an SD.
        ("burnett2009_companion, anastrozole, total_testosterone, week 0", "consistent"),
        # 13.6·√33 = 78.1 pmol/L > 20 pg/mL = 73.4 pmol/L: an SD.
        ("burnett2009_companion, anastrozole, estradiol, week 13", "consistent"),
        # 61·√12 = 211 ng/dL inside 30–300, and 61 too: either reading.
        ("snyder2004, anastrozole_daily, total_testosterone, week 0", "cannot tell"),
        # 91·√11 = 301.8 ng/dL, just above 300: an SD.
        ("snyder2004, anastrozole_twice_weekly, total_testosterone, week 12", "consistent"),
        # 6·√12 = 20.8 pg/mL > 20: an SD.
        ("snyder2004, anastrozole_daily, estradiol, week 12", "consistent"),
        # 5·√11 = 16.6 pg/mL inside 2–20: either reading.
        ("snyder2004, anastrozole_twice_weekly, estradiol, week 12", "cannot tell"),
    ],
)
def test_shipped_sd_or_se(shipped, row, verdict) -> None:
    assert shipped[f"sd_or_se: {row}"].verdict == verdict


def test_only_two_shipped_spreads_could_be_ses(shipped) -> None:
    undecided = [
        n for n, c in shipped.items() if n.startswith("sd_or_se") and c.verdict != "consistent"
    ]
    assert undecided == [
        "sd_or_se: snyder2004, anastrozole_daily, total_testosterone, week 0",
        "sd_or_se: snyder2004, anastrozole_twice_weekly, estradiol, week 12",
    ]


# --- e. thresholds --------------------------------------------------------------------------


def lognormal_below(threshold: float, mean: float, sd: float) -> float:
    """Share below threshold of the log-normal with this mean and SD, solved numerically."""

    def moments(params):
        mu, sigma = params
        mean_, var = stats.lognorm.stats(sigma, scale=math.exp(mu), moments="mv")
        return [float(mean_) - mean, float(var) - sd**2]

    mu, sigma = optimize.fsolve(moments, [math.log(mean), 0.3], xtol=1e-13)
    return float(stats.lognorm.cdf(threshold, sigma, scale=math.exp(mu)))


def cut(row: str) -> str:
    return f"threshold: {row}, cut-off 10 pg/mL"


def test_burnett2009_month3_estradiol_12_pg_ml_straddles_10(shipped) -> None:
    # 12 ± 4 pg/mL (PMID 19820017): normal share below 10 = Φ(−0.5) = 0.3085 (standard
    # normal table); the matched log-normal puts 34% below. Both above 10%: the mean
    # alone misplaces a third of the men, a finding about them, not an inconsistency.
    check = shipped[cut("burnett2009, anastrozole, estradiol, week 13")]
    assert abs(check.numbers["share_below_normal"] - 0.3085) < TOLERANCE["printed_4dp"]
    assert close(check.numbers["share_below_lognormal"], lognormal_below(10, 12, 4), "independent")
    assert check.verdict == "finding"
    assert "analysis.toml [outcome.estradiol] threshold" in check.sources[-1]


def test_burnett2009_baseline_estradiol_15_pg_ml_is_undecided(shipped) -> None:
    # 15 ± 4: normal Φ(−1.25) = 0.1056 ≥ 0.10, log-normal 0.078 < 0.10: the shapes disagree.
    check = shipped[cut("burnett2009, anastrozole, estradiol, week 0")]
    assert abs(check.numbers["share_below_normal"] - 0.1056) < TOLERANCE["printed_4dp"]
    assert close(check.numbers["share_below_lognormal"], lognormal_below(10, 15, 4), "independent")
    assert check.verdict == "cannot tell"


def test_companion_estradiol_is_converted_to_pg_ml(shipped) -> None:
    # 42.2 ± 13.6 pmol/L × 272.388/1000 = 11.49 ± 3.70 pg/mL: Φ((10 − 11.49)/3.70) =
    # Φ(−0.404) = 0.343.
    check = shipped[cut("burnett2009_companion, anastrozole, estradiol, week 13")]
    mean, sd = 42.2 * 272.388 / 1000, 13.6 * 272.388 / 1000
    assert close(check.numbers["mean"], mean, "hand_worked")
    expected = stats.norm.cdf((10 - mean) / sd)
    assert close(check.numbers["share_below_normal"], expected, "hand_worked")
    assert check.verdict == "finding"


@pytest.mark.parametrize(
    ("row", "verdict"),
    [
        # 26 ± 8: Φ(−2) = 0.023; log-normal 0.001.
        ("snyder2004, anastrozole_daily, estradiol, week 0", "consistent"),
        # 17 ± 6: Φ(−1.17) = 0.122 but log-normal 0.084.
        ("snyder2004, anastrozole_daily, estradiol, week 12", "cannot tell"),
        # 17 ± 5: Φ(−1.4) = 0.081; log-normal 0.045.
        ("snyder2004, anastrozole_twice_weekly, estradiol, week 12", "consistent"),
    ],
)
def test_snyder2004_estradiol_against_10_pg_ml(shipped, row, verdict) -> None:
    assert shipped[cut(row)].verdict == verdict


def test_higher_estradiol_clears_the_cut_off(tmp_path) -> None:
    # 20 ± 4 instead of 12 ± 4: Φ(−2.5) = 0.006 below 10, fewer still under the log-normal.
    data = edited(
        tmp_path, "burnett2009.csv", "month 3,13,33,assumed,12,4,", "month 3,13,33,assumed,20,4,"
    )
    check = by_name(data)[cut("burnett2009, anastrozole, estradiol, week 13")]
    assert check.verdict == "consistent"


# --- a new trial and new reported results, with no code change ----------------------------

NEW_TRIAL = """\
study,arm,role,outcome,unit,timepoint,week,n,n_status,mean,sd,se,source,note
doe2020,drug,treatment,pa_spine_bmd,g/cm2,baseline,0,20,reported,1.000,0.100,,"Hypothetical",
doe2020,drug,treatment,pa_spine_bmd,g/cm2,week 26,26,20,reported,0.980,0.100,,"Hypothetical",
doe2020,placebo,control,pa_spine_bmd,g/cm2,baseline,0,20,reported,1.010,0.100,,"Hypothetical",
doe2020,placebo,control,pa_spine_bmd,g/cm2,week 26,26,20,reported,1.010,0.100,,"Hypothetical",
doe2020,drug,treatment,estradiol,pg/mL,baseline,0,20,reported,20,5,,"Hypothetical",
doe2020,drug,treatment,estradiol,pg/mL,week 26,26,20,reported,8,3,,"Hypothetical",
doe2020_followup,drug,treatment,estradiol,pmol/L,baseline,0,20,reported,73.4,18.4,,"Hypothetical",
"""

NEW_STUDY = """
[doe2020]
title = "A hypothetical trial"
journal = "Test J"
year = 2020
volume = "1"
pages = "1-2"
pmid = "1"
data_file = "doe2020.csv"
design = "randomized"
population = "test"

[[doe2020.reported]]
id = "bmd_vs_placebo"
outcome = "pa_spine_bmd"
arms = ["drug", "placebo"]
comparison = "between arms, change to end of study"
statistic = "p"
relation = "="
value = 0.01
source = "PMID 1, abstract"

[[doe2020.reported]]
id = "estradiol_vs_placebo"
outcome = "estradiol"
arms = ["drug", "placebo"]
week = 26
comparison = "between arms at week 26"
statistic = "p"
relation = "<"
value = 0.001
source = "PMID 1, abstract"

[[doe2020.reported]]
id = "global_bmd"
outcome = "pa_spine_bmd"
arms = ["drug", "placebo", "sham"]
comparison = "three arms"
statistic = "p"
relation = "="
value = 0.2
source = "PMID 1, abstract"
"""


def test_new_trial_file_is_checked_without_code_change(tmp_path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    (data / "doe2020.csv").write_text(NEW_TRIAL, encoding="utf-8")
    checks = by_name(data)
    assert set(SHIPPED_NAMES) < set(checks)
    # BMD 1.000 vs 1.010 ± 0.100, n 20 each: t = −0.01/(0.1·√0.1) = −0.32, p ≈ 0.75.
    balance = checks["baseline_balance: doe2020, drug vs placebo, pa_spine_bmd, week 0"]
    assert balance.verdict == "consistent"
    assert balance.sources[0].startswith("doe2020.csv:2 (Hypothetical)")
    # 20 pg/mL = 73.42 pmol/L; 5 pg/mL = 18.36 (16.52–20.19) holds 18.4.
    for column in ("mean", "sd"):
        name = f"cross_report_{column}: doe2020 vs doe2020_followup, drug, estradiol, week 0"
        assert checks[name].verdict == "consistent"
    # 0.100·√20 = 0.447 > 0.25: an SD; 3·√20 = 13.4 inside 2–20: either reading.
    assert checks["sd_or_se: doe2020, drug, pa_spine_bmd, week 26"].verdict == "consistent"
    assert checks["sd_or_se: doe2020, drug, estradiol, week 26"].verdict == "cannot tell"
    # 8 ± 3 is below 10; 1 − Φ(0.67) = 0.25 of men above it (log-normal similar).
    assert checks[cut("doe2020, drug, estradiol, week 26")].verdict == "finding"
    # 73.4 pmol/L = 19.99 pg/mL, ± 5.01: Φ(−2.0) = 0.023 below 10.
    assert checks[cut("doe2020_followup, drug, estradiol, week 0")].verdict == "consistent"


def test_new_reported_results_are_checked_or_explained(tmp_path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    (data / "doe2020.csv").write_text(NEW_TRIAL, encoding="utf-8")
    with (data / "studies.toml").open("a", encoding="utf-8") as toml:
        toml.write(NEW_STUDY)
    checks = by_name(data)
    # No week named: the last visit both arms report (26). Change SDs 0.1·√(2(1 − r)):
    # p = 0.165 at r = 0.9 and 7e-5 at r = 0.99, so P = 0.01 falls inside the judged range.
    bmd = checks[
        "between_arm_p: doe2020 bmd_vs_placebo, drug vs placebo, pa_spine_bmd, week 0 → 26"
    ]
    assert bmd.verdict == "consistent"
    assert any("week 26" in a for a in bmd.assumptions)
    assert "studies.toml [doe2020] (PMID 1): PMID 1, abstract" in bmd.sources
    # Placebo estradiol is not in the file: the test cannot be rebuilt.
    estradiol = checks[
        "between_arm_p: doe2020 estradiol_vs_placebo, drug vs placebo, estradiol, week 0 → 26"
    ]
    assert estradiol.verdict == "cannot tell"
    assert "no estradiol values of doe2020 for placebo" in estradiol.evidence
    # Three arms in one test: not a two-arm t-test.
    three = checks[
        "reported_p: doe2020 global_bmd, drug vs placebo vs sham, pa_spine_bmd, week 0 → end"
    ]
    assert three.verdict == "cannot tell"


def test_reports_printing_ses_are_compared_by_se(tmp_path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    (data / "roe2021.csv").write_text(
        "study,arm,role,outcome,unit,timepoint,week,n,n_status,mean,sd,se,source,note\n"
        'roe2021,drug,treatment,estradiol,pg/mL,baseline,0,25,reported,20,,1.0,"Hypothetical",\n'
        'roe2021_b,drug,treatment,estradiol,pmol/L,baseline,0,25,reported,73.4,,3.7,"Hypothetical",\n'
        'roe2021_c,drug,treatment,estradiol,pmol/L,baseline,0,25,reported,73.4,18.4,,"Hypothetical",\n',
        encoding="utf-8",
    )
    checks = by_name(data)
    # SE 1.0 pg/mL (0.95–1.05) = 3.49–3.86 pmol/L holds 3.7 (3.65–3.75).
    assert checks["cross_report_se: roe2021 vs roe2021_b, drug, estradiol, week 0"].verdict == (
        "consistent"
    )
    # An SE against an SD would need n: left undecided, and said why.
    mixed = checks["cross_report_sd: roe2021 vs roe2021_c, drug, estradiol, week 0"]
    assert mixed.verdict == "cannot tell" and "SE" in mixed.evidence
    # A ± labelled SE by its source is not read as SD or SE.
    assert "sd_or_se: roe2021, drug, estradiol, week 0" not in checks


# --- settings from analysis.toml, for any outcome ------------------------------------------

LDL_TRIAL = """\
study,arm,role,outcome,unit,timepoint,week,n,mean,sd,source
roe2022,statin,treatment,ldl_cholesterol,mg/dL,baseline,0,30,130,25,Hypothetical
roe2022,statin,treatment,ldl_cholesterol,mg/dL,week 12,12,30,75,20,Hypothetical
roe2022,placebo,control,ldl_cholesterol,mg/dL,baseline,0,30,128,24,Hypothetical
roe2022,placebo,control,ldl_cholesterol,mg/dL,week 12,12,30,126,24,Hypothetical
"""

LDL_SETTINGS = """
[outcome.ldl_cholesterol]
label = "LDL cholesterol"
threshold = 70
threshold_unit = "mg/dL"
threshold_side = "above"
threshold_justification = "A made-up treatment goal for the test."
"""


def test_a_cut_off_in_analysis_toml_is_checked_for_any_outcome(tmp_path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "roe2022.csv").write_text(LDL_TRIAL, encoding="utf-8")
    (data / "analysis.toml").write_text(LDL_SETTINGS, encoding="utf-8")
    checks = [c for c in consistency_checks(data) if c.name.startswith("threshold")]
    assert [c.name for c in checks] == [
        f"threshold: roe2022, {arm}, ldl_cholesterol, week {w}, cut-off 70 mg/dL"
        for arm in ("statin", "placebo")
        for w in (0, 12)
    ]
    by_week = {(c.name.split(", ")[1], c.numbers["week"]): c for c in checks}
    # 75 ± 20 against 70: normal share below = Φ(−0.25) = 0.4013 (standard normal
    # table), a material share on the other side: a finding.
    statin = by_week[("statin", 12)]
    assert abs(statin.numbers["share_below_normal"] - 0.4013) < TOLERANCE["printed_4dp"]
    assert statin.verdict == "finding"
    # 130 ± 25: Φ(−2.4) = 0.0082 below 70; the log-normal puts fewer still.
    assert by_week[("statin", 0)].verdict == "consistent"
    assert "analysis.toml [outcome.ldl_cholesterol] threshold" in statin.sources[-1]


def test_without_a_cut_off_no_threshold_check(tmp_path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "roe2022.csv").write_text(LDL_TRIAL, encoding="utf-8")
    assert not [c for c in consistency_checks(data) if c.name.startswith("threshold")]


def test_reported_p_needs_a_plausible_r_from_analysis_toml(tmp_path) -> None:
    # Without r_range for DHT the month-12 vs month-3 P cannot be judged against r.
    data = edited(
        tmp_path,
        "analysis.toml",
        'label = "DHT"\nr_range = [0.2, 0.8]',
        'label = "DHT"',
    )
    path = data / "analysis.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index('label = "DHT"')
    path.write_text(text[: start + len('label = "DHT"')] + "\n", encoding="utf-8")
    check = by_name(data)[SHIPPED_NAMES[5]]
    assert check.verdict == "cannot tell"
    assert "analysis.toml" in check.evidence
