"""Effects of trials printed in other forms (issue 11), each against a second computation.

Every fixture in tests/fixtures/printed_forms gives the between-arm effects that a hand
computation from its printed numbers gives: SDs converted by hand or from R's values,
t-tests by ``scipy.stats.ttest_ind_from_stats`` (an implementation independent of the
package's), ANCOVA by statsmodels OLS on pseudo individual data built in this file
(Papadimitropoulou et al. 2019) with each arm's own r, and closed forms written here.
The printed-P tests check the ends of each r interval by recomputing P there by hand.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

from reanalysis.analysis.trial_effects import between_arm_effects
from reanalysis.data.trials import load_trial
from reanalysis.errors import ReanalysisError
from reanalysis.stats.correlation import correlation_for_printed_p
from reanalysis.stats.effects import (
    PrePost,
    ancova_from_summary,
    difference_in_change,
    dppc2,
    hedges_g,
    mean_difference,
)
from reanalysis.stats.printed import parse_printed_p
from tests.tolerances import TOLERANCE

FORMS = Path(__file__).resolve().parent / "fixtures" / "printed_forms"
DATA = Path(__file__).resolve().parents[1] / "data"
OTHER = Path(__file__).resolve().parent / "fixtures" / "other_field"
FLOAT = TOLERANCE["float"]  # scipy's t distribution against the package's: relative
REL = TOLERANCE["independent"]  # statsmodels OLS on pseudo data against a closed form
# metafor conv.fivenum means and SDs of median.csv's rows (see test_trials_printed_forms.py).
R_MEDIAN = [
    (6.7195, 4.7870760433704662),
    (6.9388412499397667, 3.9993260053700839),
    (6.5944677601167285, 3.211575967369702),
    (8.6278026830743961, 6.397912011669332),
]


def change_sd(sd0: float, sd1: float, r: float) -> float:
    """Cochrane Handbook 6.5.2.8: √(SD0² + SD1² − 2·r·SD0·SD1), written out here."""
    return math.sqrt(sd0**2 + sd1**2 - 2 * r * sd0 * sd1)


def student(m1, s1, n1, m2, s2, n2, welch=False) -> tuple[float, float, float]:
    """(difference, pooled or Welch SE, two-sided p) by hand and scipy."""
    if welch:
        se = math.sqrt(s1**2 / n1 + s2**2 / n2)
    else:
        pooled = ((n1 - 1) * s1**2 + (n2 - 1) * s2**2) / (n1 + n2 - 2)
        se = math.sqrt(pooled * (1 / n1 + 1 / n2))
    p = stats.ttest_ind_from_stats(m1, s1, n1, m2, s2, n2, equal_var=not welch).pvalue
    return m1 - m2, se, p


def j(df: float) -> float:
    """Hedges' exact small-sample factor Γ(df/2)/(√(df/2)·Γ((df−1)/2)), by lgamma."""
    return math.exp(math.lgamma(df / 2) - math.lgamma((df - 1) / 2)) / math.sqrt(df / 2)


def pseudo_arm(n, mean0, sd0, mean1, sd1, r, seed) -> tuple[np.ndarray, np.ndarray]:
    """n pairs with exactly these means, SDs and correlation (Papadimitropoulou 2019)."""
    z = np.random.default_rng(seed).standard_normal((2, n))
    z -= z.mean(axis=1, keepdims=True)
    z[1] -= (z[1] @ z[0]) / (z[0] @ z[0]) * z[0]
    z /= z.std(axis=1, ddof=1, keepdims=True)
    return mean0 + sd0 * z[0], mean1 + sd1 * (r * z[0] + math.sqrt(1 - r**2) * z[1])


def ols_ancova(t: tuple, c: tuple, r_t: float, r_c: float):
    """statsmodels OLS of follow-up on arm and baseline, each arm with its own r."""
    x_t, y_t = pseudo_arm(*t, r_t, 1)
    x_c, y_c = pseudo_arm(*c, r_c, 2)
    group = np.r_[np.ones(t[0]), np.zeros(c[0])]
    design = np.column_stack([np.ones_like(group), group, np.r_[x_t, x_c]])
    return sm.OLS(np.r_[y_t, y_c], design).fit()


def one(path: Path, **options) -> dict:
    trial = load_trial(path)
    (record,) = between_arm_effects(trial, trial.outcomes[0], **options).records()
    return record


def assert_t(record: dict, prefix: str, expected: tuple[float, float, float]) -> None:
    estimate, se, p = expected
    keys = {"md_change": "md_change_se", "estimate": "estimate_se"}
    assert record[prefix] == pytest.approx(estimate, rel=FLOAT, abs=FLOAT)
    assert record[keys[prefix]] == pytest.approx(se, rel=FLOAT)
    p_key = {"md_change": "p_change", "estimate": "p_value"}[prefix]
    assert record[p_key] == pytest.approx(p, rel=FLOAT)


# --- the six printed forms ----------------------------------------------------------------


def test_se_form_gives_the_hand_computed_effects() -> None:
    # SDs 2.0·5 = 10, 2.2·5 = 11 (drug, n 25); 2.5·4 = 10, 10 (placebo, n 16); r = 0.5.
    record = one(FORMS / "se.csv", r=0.5)
    hand = student(-6.0, change_sd(10, 11, 0.5), 25, -2.0, change_sd(10, 10, 0.5), 16)
    assert_t(record, "md_change", hand)
    final = student(44.0, 11.0, 25, 49.0, 10.0, 16)
    assert record["final_difference_ignoring_baseline"] == pytest.approx(final[0], rel=FLOAT)
    assert record["p_final_ignoring_baseline"] == pytest.approx(final[2], rel=FLOAT)


def test_ci_form_gives_the_hand_computed_effects() -> None:
    # SDs from R's sd_from_ci values (test_trials_printed_forms.py), scaled by CI width.
    sd_drug0 = 1.2112998412228035
    sd_drug1 = 1.2 * sd_drug0
    sd_placebo0 = 1.1212401927343905
    sd_placebo1 = sd_placebo0 * 1.4 / 1.39
    record = one(FORMS / "ci.csv", r=0.5)
    hand = student(
        1.5 - 2.0,
        change_sd(sd_drug0, sd_drug1, 0.5),
        25,
        0.5 - 0.375,
        change_sd(sd_placebo0, sd_placebo1, 0.5),
        9,
    )
    assert_t(record, "md_change", hand)
    assert record["treatment_estimated"] is False


def test_median_form_gives_the_hand_computed_effects() -> None:
    (m0, s0), (m1, s1), (p0, q0), (p1, q1) = R_MEDIAN
    record = one(FORMS / "median.csv", r=0.5)
    hand = student(m1 - m0, change_sd(s0, s1, 0.5), 20, p1 - p0, change_sd(q0, q1, 0.5), 20)
    assert_t(record, "md_change", hand)
    assert record["treatment_estimated"] is True and record["control_estimated"] is True
    # Hedges' g on final values, by hand: J(38)·(M_T − M_C)/SD_pooled.
    g = j(38) * (m1 - p1) / math.sqrt((s1**2 + q1**2) / 2)
    assert record["hedges_g_final"] == pytest.approx(g, rel=FLOAT)


def test_change_only_form_compares_the_printed_changes() -> None:
    record = one(FORMS / "change_only.csv", r=0.5)
    sd_placebo = 0.5 * math.sqrt(38)  # change_se · √n
    assert record["analysis"] == "change"
    assert_t(record, "md_change", student(-4.2, 3.1, 40, -1.1, sd_placebo, 38))
    welch = student(-4.2, 3.1, 40, -1.1, sd_placebo, 38, welch=True)
    assert record["p_change_welch"] == pytest.approx(welch[2], rel=FLOAT)
    # SMCC per arm, J(n−1)·change/SD_change, variance 1/n + g²/(2n) (Gibbons et al. 1993).
    g_t, g_c = j(39) * -4.2 / 3.1, j(37) * -1.1 / sd_placebo
    assert record["smcc_diff"] == pytest.approx(g_t - g_c, rel=FLOAT)
    var = 1 / 40 + g_t**2 / 80 + 1 / 38 + g_c**2 / 76
    assert record["smcc_diff_var"] == pytest.approx(var, rel=FLOAT)
    # Paired t of the drug arm's change: −4.2/(3.1/√40) on 39 df.
    p_within = 2 * stats.t.sf(4.2 / (3.1 / math.sqrt(40)), 39)
    assert record["treatment_p_within"] == pytest.approx(p_within, rel=FLOAT)
    for key in ("ancova_estimate", "dppc2", "smcr_diff", "final_difference_ignoring_baseline"):
        assert record[key] is None
    assert record["treatment_r"] is None and record["treatment_change_printed"] is True
    assert any("as printed are compared" in note for note in record["notes"])


def test_change_and_prepost_use_the_printed_change_sd_and_its_r() -> None:
    # Cochrane Handbook 6.5.2.8's SDs (baseline, final, change): 6.4, 7.1, 4.5 and 7.0,
    # 6.9, 4.2, implying r 0.78 and 0.82; the change test uses the printed change SDs.
    record = one(FORMS / "change_and_prepost.csv", r=0.3)
    assert_t(record, "md_change", student(-3.5, 4.5, 40, -0.7, 4.2, 42))
    assert record["treatment_change_sd"] == pytest.approx(4.5, rel=FLOAT)
    r_e, r_c = 71.12 / 90.88, 78.97 / 96.6  # (SD0² + SD1² − SDΔ²)/(2·SD0·SD1), by hand
    assert record["treatment_r"] == pytest.approx(r_e, rel=FLOAT)
    assert record["control_r"] == pytest.approx(r_c, rel=FLOAT)
    assert record["treatment_r_source"] == record["control_r_source"] == "reported"
    fit = ols_ancova((40, 20.0, 6.4, 16.5, 7.1), (42, 19.6, 7.0, 18.9, 6.9), r_e, r_c)
    assert record["ancova_estimate"] == pytest.approx(fit.params[1], rel=REL)
    assert record["ancova_se"] == pytest.approx(fit.bse[1], rel=REL)
    assert record["p_ancova"] == pytest.approx(fit.pvalues[1], rel=REL)


def test_per_arm_r_overrides_the_common_r_everywhere() -> None:
    drug, placebo = (30, 20.0, 6.0, 15.0, 7.0), (32, 21.0, 5.5, 19.5, 6.0)
    record = one(FORMS / "per_arm_r.csv", r=0.3)  # the common r must not be used
    assert (record["treatment_r"], record["control_r"]) == (0.6, 0.85)
    assert record["treatment_r_source"] == "file"
    sd_t, sd_c = change_sd(6.0, 7.0, 0.6), change_sd(5.5, 6.0, 0.85)
    assert_t(record, "md_change", student(-5.0, sd_t, 30, -1.5, sd_c, 32))
    assert record["treatment_change_sd"] == pytest.approx(sd_t, rel=FLOAT)
    fit = ols_ancova(drug, placebo, 0.6, 0.85)
    assert record["ancova_estimate"] == pytest.approx(fit.params[1], rel=REL)
    assert record["p_ancova"] == pytest.approx(fit.pvalues[1], rel=REL)
    # d_ppc2 (Morris 2008 eq. 8, 25) with 2(1−ρ)(1/n_T + 1/n_C) split per arm, by hand.
    c = j(60)
    d = c * (-5.0 + 1.5) / math.sqrt((29 * 6.0**2 + 31 * 5.5**2) / 60)
    k = 2 * ((1 - 0.6) / 30 + (1 - 0.85) / 32)
    assert record["dppc2"] == pytest.approx(d, rel=FLOAT)
    assert record["dppc2_var"] == pytest.approx(
        c**2 * k * 60 / 58 * (1 + d**2 / k) - d**2, rel=FLOAT
    )
    # SMCR per arm with its own r: g = J(n−1)·change/SD0, var 2(1−r)/n + g²/(2n) (Becker 1988).
    g_t, g_c = j(29) * -5.0 / 6.0, j(31) * -1.5 / 5.5
    var = 2 * 0.4 / 30 + g_t**2 / 60 + 2 * 0.15 / 32 + g_c**2 / 64
    assert record["smcr_diff"] == pytest.approx(g_t - g_c, rel=FLOAT)
    assert record["smcr_diff_var"] == pytest.approx(var, rel=FLOAT)


def test_one_arm_with_its_own_r_and_the_other_with_the_common_r(tmp_path: Path) -> None:
    text = (FORMS / "per_arm_r.csv").read_text(encoding="utf-8").replace(",0.85,", ",,")
    (tmp_path / "t.csv").write_text(text, encoding="utf-8")
    record = one(tmp_path / "t.csv", r=0.3)
    assert (record["control_r"], record["control_r_source"]) == (0.3, "given")
    hand = student(-5.0, change_sd(6.0, 7.0, 0.6), 30, -1.5, change_sd(5.5, 6.0, 0.3), 32)
    assert_t(record, "md_change", hand)


def test_followup_only_gives_the_final_value_comparison() -> None:
    for analysis in ("change", "ancova"):
        record = one(FORMS / "followup_only.csv", analysis=analysis)
        assert record["analysis"] == "final"
        assert_t(record, "estimate", student(44.0, 10.0, 30, 49.0, 11.0, 28))
        g = j(56) * -5.0 / math.sqrt((29 * 100 + 27 * 121) / 56)
        assert record["hedges_g_final"] == pytest.approx(g, rel=FLOAT)
        assert record["hedges_g_final_var"] == pytest.approx(
            1 / 30 + 1 / 28 + g**2 / 116, rel=FLOAT
        )
        for key in ("md_change", "ancova_estimate", "dppc2", "treatment_mean_change"):
            assert record[key] is None
        assert any("ignores each participant's baseline" in n for n in record["notes"])


# --- per-arm r in the statistics core --------------------------------------------------------

T = PrePost(30, 20.0, 6.0, 15.0, 7.0)
C = PrePost(32, 21.0, 5.5, 19.5, 6.0)


def test_per_arm_forms_equal_the_one_r_forms_at_equal_r() -> None:
    one_r = ancova_from_summary(T, C, 0.7)
    two_r = ancova_from_summary(T, C, 0.7, r_control=0.7)
    assert two_r.estimate == pytest.approx(one_r.estimate, rel=TOLERANCE["ulps"] * 10)
    assert two_r.pvalue == pytest.approx(one_r.pvalue, rel=TOLERANCE["identity"])
    assert difference_in_change(T, C, 0.7, r_control=0.7) == difference_in_change(T, C, 0.7)
    assert dppc2(T, C, 0.7, r_control=0.7).variance == pytest.approx(
        dppc2(T, C, 0.7).variance, rel=TOLERANCE["identity"]
    )


def test_plain_number_entry_points_match_scipy() -> None:
    result = mean_difference(44.0, 10.0, 30, 49.0, 11.0, 28)
    expected = stats.ttest_ind_from_stats(44.0, 10.0, 30, 49.0, 11.0, 28)
    assert result.statistic == pytest.approx(expected.statistic, rel=FLOAT)
    assert result.pvalue == pytest.approx(expected.pvalue, rel=FLOAT)
    assert hedges_g(44.0, 10.0, 30, 49.0, 11.0, 28).estimate == pytest.approx(
        j(56) * -5.0 / math.sqrt((29 * 100 + 27 * 121) / 56), rel=FLOAT
    )
    with pytest.raises(ReanalysisError, match="sd2 must be a positive finite number, got -1"):
        mean_difference(1.0, 1.0, 5, 1.0, -1.0, 5)
    with pytest.raises(ReanalysisError, match="n1 must be a whole number >= 2"):
        hedges_g(1.0, 1.0, 1, 1.0, 1.0, 5)


# --- a reported P read as printed -------------------------------------------------------------


def burnett_arms() -> tuple[tuple, tuple]:
    # PMID 19820017 abstract, PA spine BMD, n 33/36 assumed as in data/burnett2009.csv.
    return (33, 1.121, 0.141, 1.102, 0.138), (36, 1.180, 0.145, 1.189, 0.146)


def p_change_at(r: float) -> float:
    (n_t, a0, s0, a1, s1), (n_c, b0, q0, b1, q1) = burnett_arms()
    return student(a1 - a0, change_sd(s0, s1, r), n_t, b1 - b0, change_sd(q0, q1, r), n_c)[2]


def test_printed_p_0_0014_gives_the_r_interval_of_its_rounding() -> None:
    # "P = 0.0014" (PMID 19820017, abstract) admits [0.00135, 0.00145); the change test's
    # p falls as r rises, so the r interval runs from p = 0.00145 down to p = 0.00135.
    trial = load_trial(DATA / "burnett2009.csv")
    (record,) = between_arm_effects(trial, "pa_spine_bmd", reported_p="0.0014").records()
    assert p_change_at(record["implied_r_low"]) == pytest.approx(0.00145, rel=TOLERANCE["root"])
    assert p_change_at(record["implied_r_high"]) == pytest.approx(0.00135, rel=TOLERANCE["root"])
    assert record["implied_r_low"] < record["implied_r"] < record["implied_r_high"]
    assert p_change_at(record["implied_r"]) == pytest.approx(0.0014, rel=TOLERANCE["root"])
    assert record["r"] == record["implied_r"] and record["r_source"] == "implied"
    assert (record["reported_p_printed"], record["reported_p_consistent"]) == ("0.0014", True)
    # The float keeps its old meaning: exact, no interval.
    (exact,) = between_arm_effects(trial, "pa_spine_bmd", reported_p=0.0014).records()
    assert exact["implied_r"] == pytest.approx(record["implied_r"], rel=TOLERANCE["root"])
    assert exact["implied_r_low"] is None and "reported_p_printed" not in exact


def test_a_printed_bound_gives_a_one_sided_r_interval() -> None:
    trial = load_trial(DATA / "burnett2009.csv")
    (record,) = between_arm_effects(trial, "pa_spine_bmd", reported_p="<0.001").records()
    assert record["implied_r"] is None and record["implied_r_high"] is None
    assert p_change_at(record["implied_r_low"]) == pytest.approx(0.001, rel=TOLERANCE["root"])
    assert record["reported_p_consistent"] is bool(p_change_at(record["r"]) < 0.001)
    assert "r >= " in record["verdict"]
    (ns,) = between_arm_effects(trial, "pa_spine_bmd", reported_p="NS").records()
    assert ns["implied_r_low"] is None
    assert p_change_at(ns["implied_r_high"]) == pytest.approx(0.05, rel=TOLERANCE["root"])


def depression_arm(arm: str) -> tuple:
    trial = load_trial(OTHER / "depression.csv")
    base, end = (trial.measurement("phq9", arm, w) for w in (0, 16))
    return end.n, base.mean, base.sd, end.mean, end.sd


def test_printed_p_attainable_under_ancova_although_no_r_gives_it_exactly() -> None:
    # The case: under ANCOVA the largest P over r for group_cbt vs waiting_list is
    # 4.71e-5, so "P = 0.00005" taken as exact has no r, but its rounding interval
    # [0.000045, 0.000055) is reached. A three-arm trial: the P must name its comparison.
    trial = load_trial(OTHER / "depression.csv")
    with pytest.raises(ReanalysisError, match="group_cbt vs waiting_list; individual_cbt vs"):
        between_arm_effects(trial, "phq9", reported_p="0.00005", analysis="ancova")
    with pytest.raises(ReanalysisError, match="no correlation in"):
        between_arm_effects(
            trial, "phq9", reported_p=5e-5, analysis="ancova", treatment="group_cbt",
            control="waiting_list",
        )  # fmt: skip
    effects = between_arm_effects(
        trial, "phq9", reported_p="0.00005", analysis="ancova", treatment="group_cbt",
        control="waiting_list",
    )  # fmt: skip
    (record,) = effects.records()
    assert (record["treatment"], record["control"]) == ("group_cbt", "waiting_list")
    assert [a.arm for a in effects.within] == ["group_cbt", "waiting_list"]
    group, waiting = depression_arm("group_cbt"), depression_arm("waiting_list")
    for end in ("implied_r_low", "implied_r_high"):
        fit = ols_ancova(group, waiting, record[end], record[end])
        assert fit.pvalues[1] == pytest.approx(4.5e-5, rel=REL)
    fit = ols_ancova(group, waiting, record["implied_r"], record["implied_r"])
    assert 4.5e-5 <= fit.pvalues[1] < 5.5e-5
    assert fit.pvalues[1] == pytest.approx(4.71e-5, abs=5e-8)  # the attainable maximum


def test_printed_p_forms_are_equivalent_and_checked() -> None:
    t, c = (PrePost(*arm) for arm in burnett_arms())
    text = correlation_for_printed_p(t, c, "0.0014")
    parsed = correlation_for_printed_p(t, c, parse_printed_p("P = 0.0014"))
    assert (text.low, text.high) == (parsed.low, parsed.high)
    with pytest.raises(ReanalysisError, match="both arms have their own r"):
        correlation_for_printed_p(t, c, "0.0014", treatment_r=0.5, control_r=0.5)
    trial = load_trial(DATA / "burnett2009.csv")
    with pytest.raises(ReanalysisError, match="reported_p must be a number, a printed P"):
        between_arm_effects(trial, "pa_spine_bmd", reported_p=[0.01])


def test_reported_p_with_an_arms_own_r_implies_the_other_arms_r(tmp_path: Path) -> None:
    text = (FORMS / "per_arm_r.csv").read_text(encoding="utf-8").replace(",0.85,", ",,")
    (tmp_path / "t.csv").write_text(text, encoding="utf-8")
    record = one(tmp_path / "t.csv", reported_p="0.004")
    r_c = record["implied_r"]
    assert (record["treatment_r"], record["control_r"]) == (0.6, r_c)
    hand = student(-5.0, change_sd(6.0, 7.0, 0.6), 30, -1.5, change_sd(5.5, 6.0, r_c), 32)
    assert hand[2] == pytest.approx(0.004, rel=TOLERANCE["root"])


def test_reported_p_on_printed_changes_is_compared_not_inverted() -> None:
    record = one(FORMS / "change_only.csv", reported_p="<0.001")
    assert record.get("implied_r") is None and record["implied_r_low"] is None
    assert record["reported_p_consistent"] is True  # p = 3.2e-5 by the hand t-test above
    assert any("does not depend on the common r" in n for n in record["notes"])


# --- choosing one comparison ------------------------------------------------------------------


def test_treatment_and_control_choose_one_comparison() -> None:
    trial = load_trial(OTHER / "depression.csv")
    effects = between_arm_effects(
        trial, "phq9", r=0.5, treatment="individual_cbt", control="group_cbt"
    )
    (record,) = effects.records()
    assert record["comparison"] == "treatment_vs_treatment"
    # PHQ-9 changes: individual 8.1 − 15.6 = −7.5; group 8.9 − 15.2 = −6.3.
    assert record["md_change"] == pytest.approx(-7.5 + 6.3, rel=FLOAT)
    with pytest.raises(ReanalysisError, match=r"treatment must name an arm .* got 'waiting_list'"):
        between_arm_effects(trial, "phq9", treatment="waiting_list")
    with pytest.raises(ReanalysisError, match=r"control must name an arm .* got 'nobody'"):
        between_arm_effects(trial, "phq9", control="nobody")
