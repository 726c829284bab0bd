"""Tests of reanalysis.stats.effects against published values and independent computations."""

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from reanalysis.analysis.plausible import plausible_for
from reanalysis.analysis.trial_effects import between_arm_effects, correlation_verdict
from reanalysis.cli import main
from reanalysis.data.trials import load_trial
from reanalysis.errors import ReanalysisError
from reanalysis.stats.correlation import correlation_grid, implied_correlation
from reanalysis.stats.effects import (
    PrePost,
    ancova_from_summary,
    ancova_pseudo_ipd,
    arm_change,
    baseline_difference,
    change_pseudo_ipd,
    change_score_sd,
    correlation_from_change_sd,
    difference_in_change,
    dppc2,
    final_value_difference,
    hedges_g_final,
    pseudo_individual_data,
    smcc_difference,
    smcr_difference,
)
from reanalysis.stats.split import split_sensitivity
from tests.shipped import shipped_settings
from tests.tolerances import TOLERANCE

DATA = Path(__file__).resolve().parent.parent / "data"
REL = TOLERANCE["independent"]


def _burnett_arms() -> tuple[PrePost, PrePost]:
    trial = load_trial(DATA / "burnett2009.csv")
    arms = []
    for arm in ("anastrozole", "placebo"):
        base = trial.measurement("pa_spine_bmd", arm, 0)
        end = trial.measurement("pa_spine_bmd", arm, 52)
        arms.append(PrePost(base.n, base.mean, base.sd, end.mean, end.sd))
    return arms[0], arms[1]


# --- Cochrane Handbook ------------------------------------------------------------------


def test_cochrane_handbook_6_5_2_8_imputed_correlation():
    # Cochrane Handbook v6, section 6.5.2.8 (v5.1: 16.1.3.2), worked example: experimental
    # arm baseline SD 6.4, final SD 7.1, change SD 4.5 give Corr_E = 0.78; control arm
    # 7.0, 6.9, 4.2 give Corr_C = 0.82 (printed to 2 decimals).
    assert round(correlation_from_change_sd(6.4, 7.1, 4.5), 2) == 0.78
    assert round(correlation_from_change_sd(7.0, 6.9, 4.2), 2) == 0.82


def test_cochrane_handbook_6_5_2_8_change_sd_round_trip():
    # The imputation formula must return the change SDs the same example printed.
    for sd_pre, sd_post, sd_change in ((6.4, 7.1, 4.5), (7.0, 6.9, 4.2)):
        r = correlation_from_change_sd(sd_pre, sd_post, sd_change)
        assert change_score_sd(sd_pre, sd_post, r) == pytest.approx(sd_change, rel=REL)


def test_cochrane_handbook_16_4_6_4_crossover_example():
    # Cochrane Handbook v5.1, section 16.4.6.4: SDs 2.38 and 2.21, n = 10, imputed
    # correlation 0.68; the handbook prints SE(MD) = 0.583 for the SD of the differences.
    assert round(change_score_sd(2.38, 2.21, 0.68) / np.sqrt(10), 3) == 0.583


def test_change_score_sd_matches_pseudo_individual_data():
    arm = PrePost(25, 10.0, 3.0, 12.0, 4.0)
    baseline, followup = pseudo_individual_data(arm, 0.6)
    assert np.corrcoef(baseline, followup)[0, 1] == pytest.approx(0.6, rel=REL)
    assert change_score_sd(3.0, 4.0, 0.6) == pytest.approx(
        np.std(followup - baseline, ddof=1), rel=REL
    )


# --- burnett2009 --------------------------------------------------------------------------


def test_burnett2009_published_arm_changes():
    # Burnett-Bowie 2009 abstract (PMID 19820017): 1.121 -> 1.102 on anastrozole and
    # 1.180 -> 1.189 g/cm2 on placebo, i.e. -0.019 (-1.7%, also quoted by a secondary
    # commentary) and +0.009 g/cm2 (+0.8%); difference -0.028; baseline gap 0.059
    # (shared/sources/trials.md, derived).
    anastrozole, placebo = _burnett_arms()
    a, p = arm_change(anastrozole, 0.9), arm_change(placebo, 0.9)
    assert round(a.mean_change, 3) == -0.019
    assert round(a.percent_change, 1) == -1.7
    assert round(p.mean_change, 3) == 0.009
    assert round(p.percent_change, 1) == 0.8
    assert round(difference_in_change(anastrozole, placebo, 0.9).estimate, 3) == -0.028
    assert round(baseline_difference(anastrozole, placebo).estimate, 3) == -0.059


@pytest.mark.parametrize("analysis", ["change", "ancova"])
def test_burnett2009_reported_p_reproduced_by_implied_r(analysis):
    # Reported P = 0.0014 for the between-arm difference in change (PMID 19820017,
    # abstract). The implied r must reproduce it exactly, checked both by the closed form
    # and by statsmodels OLS on pseudo individual data built with that r.
    anastrozole, placebo = _burnett_arms()
    implied = implied_correlation(
        anastrozole,
        placebo,
        reported_p=0.0014,
        analysis=analysis,
        plausible=plausible_for(shipped_settings(), "pa_spine_bmd"),
    )
    r = implied.correlation
    if analysis == "change":
        closed = difference_in_change(anastrozole, placebo, r)
        ipd = change_pseudo_ipd(anastrozole, placebo, r)
        assert len(implied.roots) == 1
    else:
        closed = ancova_from_summary(anastrozole, placebo, r)
        ipd = ancova_pseudo_ipd(anastrozole, placebo, r)
    assert closed.pvalue == pytest.approx(0.0014, rel=TOLERANCE["root"])
    assert ipd.pvalue == pytest.approx(0.0014, rel=REL)
    assert implied.consistent is True
    assert correlation_verdict(implied).startswith("consistent")


def test_burnett2009_ancova_adjusts_for_baseline_imbalance():
    # The arms differ at baseline by more than the effect; ANCOVA removes slope x gap.
    # By hand from the abstract (PMID 19820017, n 33/36 assumed): the pooled within-arm
    # slope of follow-up on baseline is r·Σ(n−1)·SD0·SD1 / Σ(n−1)·SD0²
    # = 0.95·(32·0.141·0.138 + 35·0.145·0.146)/(32·0.141² + 35·0.145²) = 0.9441, the
    # final gap 1.102 − 1.189 = −0.087 and the baseline gap 1.121 − 1.180 = −0.059.
    anastrozole, placebo = _burnett_arms()
    result = ancova_from_summary(anastrozole, placebo, 0.95)
    slope = 0.95 * (32 * 0.141 * 0.138 + 35 * 0.145 * 0.146) / (32 * 0.141**2 + 35 * 0.145**2)
    assert result.slope == pytest.approx(slope, rel=REL)
    assert result.final_difference == pytest.approx(1.102 - 1.189, rel=REL)
    assert result.baseline_difference == pytest.approx(1.121 - 1.180, rel=REL)
    assert result.estimate == pytest.approx((1.102 - 1.189) - slope * (1.121 - 1.180), rel=REL)
    assert abs(result.baseline_difference) > abs(
        difference_in_change(anastrozole, placebo, 0.95).estimate
    )


def test_burnett2009_split_sensitivity_reproduces_direct_computation():
    anastrozole, placebo = _burnett_arms()
    frame = split_sensitivity(69, anastrozole, placebo, 0.95, reported_p=0.0014)
    assert (frame["n_treatment"] + frame["n_control"] == 69).all()
    row = frame.loc[frame["n_treatment"] == 33].iloc[0]
    direct = difference_in_change(anastrozole, placebo, 0.95)
    assert row["p_value"] == pytest.approx(direct.pvalue, rel=REL)
    assert row["implied_r"] == pytest.approx(
        implied_correlation(anastrozole, placebo, reported_p=0.0014).correlation, rel=REL
    )


# --- independent computations ------------------------------------------------------------

TREATMENT = PrePost(18, 50.0, 9.0, 57.0, 11.0)
CONTROL = PrePost(23, 53.0, 10.0, 54.0, 9.5)


@pytest.mark.parametrize("r", [-0.3, 0.2, 0.5, 0.8, 0.95])
def test_ancova_from_summary_matches_pseudo_ipd_ols(r):
    closed = ancova_from_summary(TREATMENT, CONTROL, r)
    ols = ancova_pseudo_ipd(TREATMENT, CONTROL, r)
    for field in ("estimate", "standard_error", "statistic", "pvalue", "slope", "residual_sd"):
        assert getattr(closed, field) == pytest.approx(getattr(ols, field), rel=REL)
    assert closed.df == ols.df
    ci, ci_ols = closed.confidence_interval(), ols.confidence_interval()
    assert (ci.low, ci.high) == pytest.approx((ci_ols.low, ci_ols.high), rel=REL)


@pytest.mark.parametrize("r", [0.1, 0.6, 0.9])
def test_difference_in_change_matches_scipy_and_pseudo_ipd(r):
    sd_t = change_score_sd(TREATMENT.baseline_sd, TREATMENT.followup_sd, r)
    sd_c = change_score_sd(CONTROL.baseline_sd, CONTROL.followup_sd, r)
    for welch in (False, True):
        ours = difference_in_change(TREATMENT, CONTROL, r, welch=welch)
        scipy_result = stats.ttest_ind_from_stats(
            TREATMENT.mean_change,
            sd_t,
            TREATMENT.n,
            CONTROL.mean_change,
            sd_c,
            CONTROL.n,
            equal_var=not welch,
        )
        assert ours.statistic == pytest.approx(scipy_result.statistic, rel=REL)
        assert ours.pvalue == pytest.approx(scipy_result.pvalue, rel=REL)
    ipd = change_pseudo_ipd(TREATMENT, CONTROL, r)
    ours = difference_in_change(TREATMENT, CONTROL, r)
    assert ours.pvalue == pytest.approx(ipd.pvalue, rel=REL)
    assert ours.standard_error == pytest.approx(ipd.standard_error, rel=REL)


def test_paired_t_matches_scipy_ttest_rel_on_pseudo_ipd():
    baseline, followup = pseudo_individual_data(TREATMENT, 0.7)
    expected = stats.ttest_rel(followup, baseline)
    ours = arm_change(TREATMENT, 0.7).test
    assert ours.statistic == pytest.approx(expected.statistic, rel=REL)
    assert ours.pvalue == pytest.approx(expected.pvalue, rel=REL)
    ci = expected.confidence_interval()
    assert (ours.confidence_interval().low, ours.confidence_interval().high) == pytest.approx(
        (ci.low, ci.high), rel=REL
    )


def test_final_and_baseline_differences_match_scipy():
    for ours, (m1, s1, m2, s2) in (
        (final_value_difference(TREATMENT, CONTROL), (57.0, 11.0, 54.0, 9.5)),
        (baseline_difference(TREATMENT, CONTROL), (50.0, 9.0, 53.0, 10.0)),
    ):
        expected = stats.ttest_ind_from_stats(m1, s1, TREATMENT.n, m2, s2, CONTROL.n)
        assert ours.statistic == pytest.approx(expected.statistic, rel=REL)
        assert ours.pvalue == pytest.approx(expected.pvalue, rel=REL)


def test_hedges_g_final_from_scipy_t_statistic():
    # d = t·√(1/n1 + 1/n2) for the pooled two-sample t (Hedges & Olkin 1985).
    t = stats.ttest_ind_from_stats(57.0, 11.0, 18, 54.0, 9.5, 23).statistic
    df = 18 + 23 - 2
    j = math.exp(math.lgamma(df / 2) - math.lgamma((df - 1) / 2)) / math.sqrt(df / 2)
    assert hedges_g_final(TREATMENT, CONTROL).estimate == pytest.approx(
        j * t * math.sqrt(1 / 18 + 1 / 23), rel=REL
    )


def test_implied_correlation_agrees_across_p_t_and_ci():
    r_true = 0.83
    result = difference_in_change(TREATMENT, CONTROL, r_true)
    ci = result.confidence_interval()
    for kwargs in (
        {"reported_p": result.pvalue},
        {"reported_t": result.statistic},
        {"reported_ci": (ci.low, ci.high)},
    ):
        implied = implied_correlation(TREATMENT, CONTROL, **kwargs)
        assert implied.correlation == pytest.approx(r_true, rel=REL)


def test_implied_correlation_reports_when_no_r_reproduces_p():
    implied = implied_correlation(TREATMENT, CONTROL, reported_p=0.999)
    assert implied.roots == ()
    assert correlation_verdict(implied).startswith("not consistent")
    with pytest.raises(ReanalysisError, match="no correlation"):
        _ = implied.correlation


@pytest.mark.filterwarnings("error")
def test_implied_correlation_where_p_underflows_near_r_one():
    # 500 per arm, SDs 1, difference in change 2: near r = 1 the change SD √(2 − 2r)
    # (Cochrane Handbook 6.5.2.8 with both SDs 1) is so small that p underflows to 0,
    # which the scan must pass over without error or warning.
    treatment, control = PrePost(500, 10, 1, 12, 1), PrePost(500, 10, 1, 10, 1)
    implied = implied_correlation(treatment, control, reported_p=1e-100)
    assert len(implied.roots) == 1 and implied.attainable[0] == 0.0
    sd = math.sqrt(2 - 2 * implied.correlation)
    check = stats.ttest_ind_from_stats(2, sd, 500, 0, sd, 500)
    # abs=0: pytest's default absolute floor of 1e-12 would accept any p below 1e-12.
    assert check.pvalue == pytest.approx(1e-100, rel=TOLERANCE["root"], abs=0)


def test_correlation_grid_covers_half_to_099():
    frame = correlation_grid(TREATMENT, CONTROL)
    assert frame["r"].min() == 0.5 and frame["r"].max() == 0.99
    assert not frame.isna().any().any()


# --- bad arguments ------------------------------------------------------------------------


@pytest.mark.parametrize("r", [1.0, -1.0, 1.5, float("nan"), True])
def test_correlation_outside_open_interval_is_refused(r):
    with pytest.raises(ReanalysisError, match="r must"):
        difference_in_change(TREATMENT, CONTROL, r)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"n": 1},
        {"n": 2.5},
        {"baseline_sd": 0.0},
        {"followup_sd": -1.0},
        {"baseline_mean": float("inf")},
    ],
)
def test_bad_arm_is_refused(kwargs):
    values = {
        "n": 10,
        "baseline_mean": 1.0,
        "baseline_sd": 1.0,
        "followup_mean": 1.0,
        "followup_sd": 1.0,
    }
    values.update(kwargs)
    with pytest.raises(ReanalysisError):
        PrePost(**values)


def test_implied_correlation_needs_exactly_one_target():
    with pytest.raises(ReanalysisError, match="exactly one"):
        implied_correlation(TREATMENT, CONTROL, reported_p=0.01, reported_t=2.0)
    with pytest.raises(ReanalysisError, match="reported_p"):
        implied_correlation(TREATMENT, CONTROL, reported_p=1.0)
    with pytest.raises(ReanalysisError, match="reported_p must be at least"):
        implied_correlation(TREATMENT, CONTROL, reported_p=1e-320)


# --- properties ---------------------------------------------------------------------------

positive = st.floats(0.1, 100, allow_nan=False)
arms = st.builds(
    PrePost,
    n=st.integers(3, 60),
    baseline_mean=st.floats(1, 100),
    baseline_sd=positive,
    followup_mean=st.floats(1, 100),
    followup_sd=positive,
)
correlations = st.floats(-0.95, 0.95)


@settings(max_examples=40, deadline=None)
@given(arms, arms, correlations)
def test_swapping_arms_flips_every_signed_effect(treatment, control, r):
    signed = [
        lambda a, b: difference_in_change(a, b, r),
        lambda a, b: difference_in_change(a, b, r, welch=True),
        lambda a, b: ancova_from_summary(a, b, r),
        final_value_difference,
        baseline_difference,
    ]
    for function in signed:
        forward, backward = function(treatment, control), function(control, treatment)
        assert backward.estimate == pytest.approx(
            -forward.estimate, rel=TOLERANCE["identity"], abs=TOLERANCE["float"]
        )
        assert backward.pvalue == pytest.approx(
            forward.pvalue, rel=TOLERANCE["identity"], abs=1e-300
        )
    for function in (dppc2, smcr_difference, smcc_difference):
        forward, backward = function(treatment, control, r), function(control, treatment, r)
        assert backward.estimate == pytest.approx(
            -forward.estimate, rel=TOLERANCE["identity"], abs=TOLERANCE["float"]
        )
    assert hedges_g_final(control, treatment).estimate == pytest.approx(
        -hedges_g_final(treatment, control).estimate,
        rel=TOLERANCE["identity"],
        abs=TOLERANCE["float"],
    )


@settings(max_examples=40, deadline=None)
@given(arms, arms, correlations, st.floats(1e-3, 1e3))
def test_rescaling_the_unit_leaves_standardized_effects_and_p_unchanged(
    treatment, control, r, factor
):
    scaled_t, scaled_c = treatment.rescaled(factor), control.rescaled(factor)
    for function in (dppc2, smcr_difference, smcc_difference):
        assert function(scaled_t, scaled_c, r).estimate == pytest.approx(
            function(treatment, control, r).estimate,
            rel=TOLERANCE["identity"],
            abs=TOLERANCE["float"],
        )
    assert hedges_g_final(scaled_t, scaled_c).estimate == pytest.approx(
        hedges_g_final(treatment, control).estimate,
        rel=TOLERANCE["identity"],
        abs=TOLERANCE["float"],
    )
    for function in (difference_in_change, ancova_from_summary):
        assert function(scaled_t, scaled_c, r).pvalue == pytest.approx(
            function(treatment, control, r).pvalue, rel=TOLERANCE["rescaled_p"], abs=1e-300
        )


@settings(max_examples=40, deadline=None)
@given(arms, arms, st.floats(-0.9, 0.9), st.floats(0.01, 0.09))
def test_change_score_p_falls_as_r_rises(treatment, control, r, step):
    # Equal changes give t = 0 and p = 1 at every r, which the assertion also covers.
    lower = difference_in_change(treatment, control, r).pvalue
    higher = difference_in_change(treatment, control, r + step).pvalue
    assert higher <= lower


# --- trial layer and CLI ------------------------------------------------------------------

REQUIRED_KEYS = {
    "outcome",
    "treatment",
    "control",
    "week",
    "n_treatment",
    "n_control",
    "r",
    "md_change",
    "md_change_se",
    "md_change_ci_low",
    "md_change_ci_high",
    "p_value",
    "dppc2",
    "dppc2_var",
    "smcr_diff",
    "smcr_diff_var",
}
HORMONES = {
    "burnett2009.csv": ["total_testosterone", "estradiol", "bioavailable_testosterone", "dht"],
    "snyder2004.csv": ["bioavailable_testosterone", "total_testosterone", "estradiol"],
}


def test_burnett2009_cli_reported_p_json(capsys):
    assert (
        main(
            [
                "effects",
                str(DATA / "burnett2009.csv"),
                "--outcome",
                "pa_spine_bmd",
                "--reported-p",
                "0.0014",
                "--json",
            ]
        )
        == 0
    )
    (record,) = json.loads(capsys.readouterr().out)  # always a list of records
    assert set(record) >= REQUIRED_KEYS | {"implied_r"}
    assert record["r"] == record["implied_r"]
    assert record["week"] == 52
    # Published P = 0.0014 (PMID 19820017, abstract) reproduced at the implied r.
    assert record["p_value"] == pytest.approx(0.0014, rel=TOLERANCE["root"])
    assert (record["n_treatment"], record["n_control"]) == (33, 36)


@pytest.mark.parametrize(
    "file, outcome", [(f, o) for f, outcomes in HORMONES.items() for o in outcomes]
)
def test_cli_json_for_every_hormone_outcome(file, outcome, capsys):
    assert main(["effects", str(DATA / file), "--outcome", outcome, "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert isinstance(payload, list)  # for two arms as for three
    for record in payload:
        assert set(record) >= REQUIRED_KEYS
        assert record["treatment_mean_change"] is not None
    if file == "snyder2004.csv":
        # Two anastrozole doses: each arm alone (placebo values unpublished), then dose vs dose.
        assert [r["comparison"] for r in payload] == [
            "within_arm_only",
            "within_arm_only",
            "treatment_vs_treatment",
        ]
        assert payload[-1]["md_change"] is not None
    else:
        (record,) = payload
        assert record["md_change"] is None and record["control"] == "placebo"


def test_cli_table_for_pa_spine_bmd(capsys):
    assert (
        main(
            [
                "effects",
                str(DATA / "burnett2009.csv"),
                "--outcome",
                "pa_spine_bmd",
                "--r",
                "0.95",
                "--analysis",
                "ancova",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "ANCOVA, baseline-adjusted" in out and "final values (ignores baseline)" in out


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--outcome", "nonsense"], "--outcome"),
        (["--outcome", "pa_spine_bmd", "--week", "13"], "week"),
        (["--outcome", "pa_spine_bmd", "--r", "1"], "--r"),
        (["--outcome", "pa_spine_bmd", "--r", "-1.2"], "--r"),
        (["--outcome", "pa_spine_bmd", "--reported-p", "0"], "--reported-p"),
        (["--outcome", "pa_spine_bmd", "--reported-p", "1.5"], "--reported-p"),
        (["--outcome", "pa_spine_bmd", "--r", "0.9", "--reported-p", "0.01"], "not allowed"),
        (["--outcome", "dht", "--reported-p", "0.01"], "one arm only"),
    ],
)
def test_cli_bad_flags_exit_2_with_one_line(flags, message, capsys):
    assert main(["effects", str(DATA / "burnett2009.csv"), *flags]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err


def test_snyder2004_dose_comparison_uses_both_treatment_arms():
    effects = between_arm_effects(load_trial(DATA / "snyder2004.csv"), "total_testosterone", r=0.5)
    (comparison,) = effects.comparisons
    assert comparison.kind == "treatment_vs_treatment"
    # Leder 2004 abstract (PMID 15001605): 343 -> 572 (daily) and 397 -> 520 ng/dL
    # (twice weekly): changes 229 and 123, difference 106.
    assert comparison.change.estimate == pytest.approx(229 - 123, rel=REL)
