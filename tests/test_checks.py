"""Consistency checks against hand-worked examples.

Every expected value is worked by hand in a comment (or computed by a second, closed-form
route); the trial numbers come from the Burnett-Bowie 2009 abstract (PMID 19820017) and
its companion paper (DOI 10.1111/j.1365-2265.2008.03327.x), as in
shared/sources/trials.md §2 and §4.
"""

from __future__ import annotations

import math

import pytest
from scipy import stats

from reanalysis.errors import ReanalysisError
from reanalysis.stats.checks import (
    baseline_balance,
    cross_report_agreement,
    printed_decimals,
    recompute_between_arm_p,
    recompute_within_arm_p,
    reported_p_interval,
    rounding_interval,
    sd_or_se,
    share_below,
    threshold_check,
)
from reanalysis.stats.correlation import PlausibleCorrelation
from reanalysis.stats.effects import PrePost
from reanalysis.units import molar_mass
from tests.tolerances import TOLERANCE

HAND = TOLERANCE["hand_worked"]
WIDE = PlausibleCorrelation("test", 0.2, 0.8, "a test range")
DXA = PlausibleCorrelation("test", 0.90, 0.99, "a test range")


# --- printed numbers ---------------------------------------------------------------------


def test_printed_decimals_keep_trailing_zeros() -> None:
    # "1.180" g/cm² (PMID 19820017) is printed to 3 decimals even though 1.18 == 1.180.
    assert printed_decimals("1.180") == 3
    assert printed_decimals("12") == 0
    assert printed_decimals("5.0") == 1


def test_rounding_interval_is_half_a_unit_in_the_last_digit() -> None:
    # 11.2 printed to 1 decimal stands for 11.15 to 11.25.
    low, high = rounding_interval(11.2, 1)
    assert low == pytest.approx(11.15, rel=TOLERANCE["float"])
    assert high == pytest.approx(11.25, rel=TOLERANCE["float"])


def test_reported_p_interval() -> None:
    # "P = 0.0014" admits 0.00135 to 0.00145; "P < 0.0001" admits (0, 0.0001].
    assert reported_p_interval("=", 0.0014, 4) == pytest.approx(
        (0.00135, 0.00145), rel=TOLERANCE["float"]
    )
    assert reported_p_interval("<", 0.0001, 4) == (0.0, 0.0001)
    with pytest.raises(ReanalysisError, match="relation"):
        reported_p_interval(">", 0.05, 2)


# --- c. one cohort in two reports ------------------------------------------------------------


def test_burnett2009_baseline_testosterone_disagrees_with_companion() -> None:
    # 319 ng/dL × 10/288.43 = 11.06 nmol/L; its rounding interval 318.5–319.5 ng/dL gives
    # 11.04–11.08 nmol/L, outside the companion's 11.2 (11.15–11.25): inconsistent
    # (trials.md §4: "319 → 11.07 vs 11.2").
    result = cross_report_agreement(319, "ng/dL", 0, 11.2, "nmol/L", 1, molar_mass("C19H28O2"))
    assert result.verdict == "inconsistent"
    assert result.numbers["converted"] == pytest.approx(11.06, rel=HAND)
    assert result.numbers["converted_high"] == pytest.approx(11.077, rel=HAND)


def test_companion_estradiol_matches_bone_paper_within_rounding() -> None:
    # 55.8 pmol/L ÷ 3.671 = 15.20 pg/mL, inside 14.5–15.5 (printed 15): consistent.
    baseline = cross_report_agreement(55.8, "pmol/L", 1, 15, "pg/mL", 0, molar_mass("C18H24O2"))
    assert baseline.verdict == "consistent"
    assert baseline.numbers["converted"] == pytest.approx(15.20, rel=HAND)
    # Month 3: 42.2 pmol/L ÷ 3.671 = 11.495 pg/mL, just under 11.5 as a point, but its
    # interval 42.15–42.25 pmol/L (11.48–11.51 pg/mL) meets 11.5–12.5: consistent.
    month3 = cross_report_agreement(42.2, "pmol/L", 1, 12, "pg/mL", 0, molar_mass("C18H24O2"))
    assert month3.numbers["converted"] == pytest.approx(11.495, rel=HAND)
    assert month3.verdict == "consistent"


# --- d. SD or SE ------------------------------------------------------------------------------


def test_burnett2009_spine_bmd_spread_is_an_sd() -> None:
    # 0.141 × √33 = 0.141 × 5.745 = 0.810 g/cm², far above any plausible SD (0.08–0.25),
    # while 0.141 itself is plausible: the ± reads as an SD (trials.md §2, "SD or SE").
    result = sd_or_se(0.141, 33, 0.08, 0.25)
    assert result.verdict == "consistent"
    assert result.numbers["sd_if_se"] == pytest.approx(0.810, rel=HAND)


def test_small_spread_reads_as_se() -> None:
    # 0.02 × √49 = 0.14 g/cm²: plausible as an SD, while 0.02 is not.
    assert sd_or_se(0.02, 49, 0.08, 0.25).verdict == "inconsistent"
    # 0.1 × √4 = 0.2: both readings plausible.
    assert sd_or_se(0.1, 4, 0.08, 0.25).verdict == "cannot tell"


def test_sd_or_se_rejects_reversed_range() -> None:
    with pytest.raises(ReanalysisError, match="plausible_low"):
        sd_or_se(0.1, 10, 0.3, 0.2)


# --- e. thresholds ------------------------------------------------------------------------------


def test_share_below_10_pg_ml_at_month3() -> None:
    # Estradiol 12 ± 4 pg/mL (month 3, PMID 19820017). Normal: z = (10 − 12)/4 = −0.5,
    # Φ(−0.5) = 0.3085 (normal table). Log-normal: σ² = ln(1 + 16/144) = 0.105361,
    # σ = 0.324593, μ = ln 12 − σ²/2 = 2.484907 − 0.052680 = 2.432227;
    # z = (ln 10 − μ)/σ = (2.302585 − 2.432227)/0.324593 = −0.39940, Φ = 0.3448.
    share = share_below(10, 12, 4)
    assert share.normal == pytest.approx(0.3085, rel=HAND)
    assert share.lognormal_sigma == pytest.approx(0.324593, rel=HAND)
    assert share.lognormal_mu == pytest.approx(2.432227, rel=HAND)
    assert share.lognormal == pytest.approx(0.3448, rel=HAND)


def test_lognormal_is_matched_to_the_printed_mean_and_sd() -> None:
    # Second route: scipy's log-normal with the fitted μ, σ must have mean 12 and SD 4.
    share = share_below(10, 12, 4)
    fitted = stats.lognorm(s=share.lognormal_sigma, scale=math.exp(share.lognormal_mu))
    assert fitted.mean() == pytest.approx(12, rel=TOLERANCE["independent"])
    assert fitted.std() == pytest.approx(4, rel=TOLERANCE["independent"])


def test_threshold_verdicts_follow_the_shares() -> None:
    # Month 3, 12 ± 4: 30.9% / 34.5% below 10 → the mean hides a material share.
    assert threshold_check(10, 12, 4).verdict == "inconsistent"
    # Baseline, 15 ± 4: Φ(−1.25) = 0.1056 (normal) but 7.8% (log-normal): they disagree.
    assert threshold_check(10, 15, 4).verdict == "cannot tell"
    # 30 ± 4: z = −5, essentially nobody below 10.
    assert threshold_check(10, 30, 4).verdict == "consistent"


# --- b. baseline balance ------------------------------------------------------------------------


def test_burnett2009_spine_bmd_baseline_balance() -> None:
    # 1.121 ± 0.141 (n 33) vs 1.180 ± 0.145 (n 36), PMID 19820017, n assumed (trials.md §3).
    # Pooled variance (32·0.019881 + 35·0.021025)/67 = 1.372067/67 = 0.020479;
    # SE = √(0.020479 · (1/33 + 1/36)) = √(0.020479 · 0.058081) = 0.034488;
    # t = −0.059/0.034488 = −1.7107; two-sided p on 67 df = 2·t.sf(1.7107, 67) = 0.0918.
    result = baseline_balance(1.121, 0.141, 33, 1.180, 0.145, 36)
    assert result.numbers["statistic"] == pytest.approx(-1.7107, rel=HAND)
    assert result.numbers["pvalue"] == pytest.approx(2 * stats.t.sf(1.7107, 67), rel=HAND)
    assert result.verdict == "consistent"


def test_baseline_balance_flags_gross_imbalance() -> None:
    # Means 10 SDs apart with 30 per arm: t ≈ 38.7, p far below 0.001.
    assert baseline_balance(10, 1, 30, 0, 1, 30).verdict == "inconsistent"
    # Identical means: p = 1, above 0.999 — "too good" balance.
    assert baseline_balance(5, 1, 30, 5, 1, 30).verdict == "inconsistent"


# --- a. reported p-values -------------------------------------------------------------------------


def test_burnett2009_estradiol_within_arm_p_needs_r_above_closed_form() -> None:
    # 15 ± 4 → 12 ± 4 pg/mL, n 33, P < 0.0001 (PMID 19820017). With equal SDs the change
    # SD is √(2·16·(1 − r)), so P = 0.0001 at t* = t.isf(0.00005, 32) gives
    # 1 − r = (3·√33/t*)²/32 (closed form, a second route to the brentq root).
    t_star = stats.t.isf(0.00005, 32)
    r_closed = 1 - (3 * math.sqrt(33) / t_star) ** 2 / 32
    result = recompute_within_arm_p(PrePost(33, 15, 4, 12, 4), "<", 0.0001, WIDE)
    assert result.numbers["r_low_printed"] == pytest.approx(r_closed, rel=TOLERANCE["root"])
    assert result.verdict == "consistent"


def test_within_arm_rounding_widens_the_r_range() -> None:
    # Printed means 15 and 12 may be 14.5–15.5 and 11.5–12.5: change up to 4, so a lower
    # r suffices: 1 − r = (4·√33/t*)²/32.
    t_star = stats.t.isf(0.00005, 32)
    r_closed = 1 - (4 * math.sqrt(33) / t_star) ** 2 / 32
    result = recompute_within_arm_p(PrePost(33, 15, 4, 12, 4), "<", 0.0001, WIDE, mean_decimals=0)
    assert result.numbers["r_low"] == pytest.approx(r_closed, rel=TOLERANCE["root"])


def test_unattainable_within_arm_p_is_inconsistent() -> None:
    # Change 0.1 with SDs 4 and 6, n 10: even at r → 1 the change SD is 2, so
    # t = 0.1/(2/√10) = 0.158 and p ≈ 0.88, never below 0.0001.
    result = recompute_within_arm_p(PrePost(10, 10, 4, 10.1, 6), "<", 0.0001, WIDE)
    assert result.verdict == "inconsistent"


def test_burnett2009_between_arm_p_implies_r_near_097() -> None:
    # PMID 19820017: anastrozole 1.121 ± 0.141 → 1.102 ± 0.138 (n 33, assumed),
    # placebo 1.180 ± 0.145 → 1.189 ± 0.146 (n 36, assumed), P = 0.0014.
    # Closed form: the pooled change variance is linear in r,
    # V(r) = [32(a_t − 2r·b_t) + 35(a_c − 2r·b_c)]/67 with a = SD₁² + SD₂², b = SD₁·SD₂,
    # and P = 0.0014 needs V(r)·(1/33 + 1/36) = (0.028/t*)², t* = t.isf(0.0007, 67).
    a_t, b_t = 0.141**2 + 0.138**2, 0.141 * 0.138
    a_c, b_c = 0.145**2 + 0.146**2, 0.145 * 0.146
    target = (0.028 / stats.t.isf(0.0007, 67)) ** 2 / (1 / 33 + 1 / 36) * 67
    r_closed = (32 * a_t + 35 * a_c - target) / (2 * (32 * b_t + 35 * b_c))
    result = recompute_between_arm_p(
        PrePost(33, 1.121, 0.141, 1.102, 0.138),
        PrePost(36, 1.180, 0.145, 1.189, 0.146),
        "=",
        0.0014,
        DXA,
        p_decimals=4,
    )
    assert result.numbers["implied_r"] == pytest.approx(r_closed, rel=TOLERANCE["root"])
    assert result.numbers["r_low"] < r_closed < result.numbers["r_high"]
    assert result.verdict == "consistent"


def test_between_arm_p_outside_plausible_r_cannot_tell() -> None:
    # The same arms with a plausible range of [0.2, 0.8]: r ≈ 0.97 lies outside.
    result = recompute_between_arm_p(
        PrePost(33, 1.121, 0.141, 1.102, 0.138),
        PrePost(36, 1.180, 0.145, 1.189, 0.146),
        "=",
        0.0014,
        WIDE,
        p_decimals=4,
    )
    assert result.verdict == "cannot tell"
