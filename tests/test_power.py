"""Power, sample size and MDE: published tables, statsmodels, and an independent integral."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, special, stats
from statsmodels.stats.power import TTestIndPower

from reanalysis.analysis.power import trial_arms, trial_power_analysis
from reanalysis.cli import main
from reanalysis.data.trials import load_trial
from reanalysis.errors import ReanalysisError
from reanalysis.stats import noncentral, power
from reanalysis.stats.effects import PrePost
from tests.tolerances import TOLERANCE

DATA = Path(__file__).resolve().parents[1] / "data"


def reference_power(d: float, n1: float, n2: float, alpha: float) -> float:
    """Two-sided t-test power as E_S[Φ(δ − cS) + Φ(−δ − cS)], S = √(χ²_df/df).

    An independent route to the noncentral t (no nctdtr): T = (Z + δ)/S, integrated
    over the chi density of S with scipy.integrate.quad.
    """
    df = n1 + n2 - 2
    c = stats.t.isf(alpha / 2, df)
    delta = d * math.sqrt(n1 * n2 / (n1 + n2))

    def integrand(s: float) -> float:
        rejects = special.ndtr(delta - c * s) + special.ndtr(-delta - c * s)
        return rejects * stats.chi.pdf(s * math.sqrt(df), df) * math.sqrt(df)

    upper = 1 + 60 / math.sqrt(df)
    value, _ = integrate.quad(integrand, 0, upper, points=[1.0], epsabs=1e-14, limit=500)
    return value


# --- published values -------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "cohen_n"),
    # Cohen J (1988) Statistical Power Analysis for the Behavioral Sciences, 2nd ed.,
    # Table 2.4.1 (n per group, two-tailed a = .05, power .80); the same numbers are in
    # Cohen J (1992) A power primer, Psychol Bull 112:155-159, Table 2.
    [(0.2, 393), (0.5, 64), (0.8, 26)],
)
def test_cohen1988_table_2_4_1_n_per_group(d: float, cohen_n: int) -> None:
    size = power.sample_size_per_group(d, 0.8, 0.05)
    # Cohen's table comes from his normal-approximation formula (2.4.1), so it matches
    # the exact root to the nearest whole participant, not always its ceiling: for
    # d = 0.2 the exact n is 393.4, whose ceiling (the G*Power convention) is 394.
    assert round(size.n_per_group) == cohen_n
    assert size.n_per_group_ceil in (cohen_n, cohen_n + 1)
    assert size.achieved_power >= 0.8


def test_gpower_reference_manual_two_group_t_test_equal_n() -> None:
    # G*Power 2 reference manual, "t-Test on Means", example "Two Group t-Test, Equal
    # Group Sizes, Equal Sigma" (psycho.uni-duesseldorf.de/aap/projects/gpower/reference/
    # reference_manual_04.html): a priori, two-tailed, alpha .05, power .9, d = 0.5 ->
    # total sample size 172, actual power 0.9032, critical t(170) = 1.9740, delta 3.2787.
    size = power.sample_size_per_group(0.5, 0.9, 0.05)
    assert size.n_per_group_ceil + size.n2_ceil == 172
    assert size.achieved_power == pytest.approx(0.9032, abs=TOLERANCE["printed_4dp"])
    design = power.two_sample_power(0.5, 86, 86, 0.05)
    assert design.df == 170
    assert design.critical_value == pytest.approx(1.9740, abs=TOLERANCE["printed_4dp"])
    assert design.noncentrality == pytest.approx(3.2787, abs=TOLERANCE["printed_4dp"])
    assert design.power == pytest.approx(0.9032, abs=TOLERANCE["printed_4dp"])


# --- statsmodels and the independent integral -------------------------------------


def test_power_grid_matches_statsmodels_ttestindpower_cell_by_cell() -> None:
    rng = np.random.default_rng(20240601)
    d = rng.uniform(-1.5, 1.5, 400)
    n1 = rng.integers(2, 150, 400).astype(float)
    n2 = rng.integers(2, 150, 400).astype(float)
    alpha = rng.choice([0.001, 0.01, 0.05, 0.1], 400)
    grid = power.power_grid(d, n1, n2, alpha=alpha)
    model = TTestIndPower()
    expected = np.array(
        [model.power(a, b, al, ratio=c / b) for a, b, c, al in zip(d, n1, n2, alpha, strict=True)]
    )
    finite = np.isfinite(expected)
    assert finite.mean() > 0.9
    np.testing.assert_allclose(
        grid[finite], expected[finite], rtol=0, atol=TOLERANCE["statsmodels_power"]
    )
    assert np.all(np.isfinite(grid))


def test_power_grid_broadcasts_over_effect_n1_n2_r_alpha() -> None:
    d = np.array([0.2, 0.5])[:, None, None, None, None]
    n1 = np.array([10.0, 40.0])[None, :, None, None, None]
    n2 = np.array([12.0, 30.0, 50.0])[None, None, :, None, None]
    r = np.array([0.3, 0.9])[None, None, None, :, None]
    alpha = np.array([0.01, 0.05])[None, None, None, None, :]
    grid = power.power_grid(d, n1, n2, r, alpha, analysis="ancova")
    assert grid.shape == (2, 2, 3, 2, 2)
    model = TTestIndPower()
    for index in np.ndindex(grid.shape):
        a, b, c, rr, al = (x.ravel()[i] for x, i in zip((d, n1, n2, r, alpha), index, strict=True))
        # Borm et al. 2007: ANCOVA divides the final-value SD by √(1 − r²).
        expected = model.power(a / math.sqrt(1 - rr**2), b, al, ratio=c / b)
        assert grid[index] == pytest.approx(expected, abs=TOLERANCE["statsmodels_power"])


def test_change_analysis_uses_twice_one_minus_r() -> None:
    # Equal SDs: SD_change = σ·√(2(1 − r)) (Cochrane Handbook 6.5.2.8 with SD0 = SD1).
    got = power.power_grid(0.3, 40, 40, 0.75, 0.05, analysis="change")
    expected = TTestIndPower().power(0.3 / math.sqrt(2 * (1 - 0.75)), 40, 0.05)
    assert float(got) == pytest.approx(expected, abs=TOLERANCE["statsmodels_power"])


def test_power_where_statsmodels_returns_nan() -> None:
    # scipy 1.17's nctdtr returns NaN in the far lower tail here (scipy issue #25470),
    # so statsmodels' power is NaN; the independent integral gives the answer.
    assert math.isnan(TTestIndPower().power(0.42293, 300, 0.001))
    got = power.two_sample_power(0.42293, 300, 300, 0.001).power
    assert got == pytest.approx(
        reference_power(0.42293, 300, 300, 0.001), abs=TOLERANCE["quadrature"]
    )


def test_power_where_both_nctdtr_routes_fail_uses_quadrature() -> None:
    # df = 2, δ = 7.26, alpha 0.01: nctdtr(2, 7.26, −c) and its reflection are both NaN.
    # The grid answers through ncfdtr; the two-tail route it falls back on (where
    # ncfdtr is NaN) integrates that tail numerically.
    c = stats.t.isf(0.005, 2)
    assert math.isnan(special.nctdtr(2, 7.26, -c))
    expected = reference_power(7.26, 2, 2, 0.01)
    assert float(power.power_grid(7.26, 2, 2, alpha=0.01)) == pytest.approx(
        expected, abs=TOLERANCE["quadrature"]
    )
    two_tails = noncentral._tails(np.array([2.0]), np.array([7.26]), np.array([c]))
    assert two_tails[0] == pytest.approx(expected, abs=TOLERANCE["quadrature"])


def test_power_where_ncfdtr_returns_nan_uses_two_tails() -> None:
    # n 20/20, d = 12.445 (δ = 39.35), alpha .05: scipy 1.17's ncfdtr (Boost) is NaN in a
    # band of δ near 39 here, and so is statsmodels' power; the two-tail route answers.
    c = stats.t.isf(0.025, 38)
    delta = 12.445 * math.sqrt(10)
    assert math.isnan(special.ncfdtr(1, 38, delta**2, c**2))
    assert math.isnan(TTestIndPower().power(12.445, 20, 0.05))
    got = float(power.power_grid(12.445, 20, 20))
    assert got == pytest.approx(reference_power(12.445, 20, 20, 0.05), abs=TOLERANCE["quadrature"])


def test_power_far_tail_df2_matches_independent_integral() -> None:
    # n 2/2 (df 2), d = 7212 (δ = 7212), alpha 2.59e-8, c ≈ 6214: the upper noncentral t
    # tail 1 − nctdtr(2, 7212, c) is 0.7400160208715, 2.7e-9 from the integral (and
    # statsmodels returns NaN); the single noncentral F evaluation agrees to about 1e-13.
    got = float(power.power_grid(7212, 2, 2, alpha=2.59e-8))
    assert got == pytest.approx(reference_power(7212, 2, 2, 2.59e-8), abs=TOLERANCE["quadrature"])


def test_minimum_detectable_effect_where_statsmodels_solver_is_wrong() -> None:
    # n 500/500, power .99, alpha .001: statsmodels' solve_power lands on a NaN of its
    # power function and returns d = 0.3464, whose power is 0.985, not 0.99.
    mde = power.minimum_detectable_effect(500, 500, 0.99, 0.001)
    assert reference_power(mde.effect_size, 500, 500, 0.001) == pytest.approx(
        0.99, abs=TOLERANCE["quadrature"]
    )


@pytest.mark.parametrize(("n1", "n2", "target"), [(64, 64, 0.8), (33, 36, 0.9), (20, 60, 0.8)])
def test_minimum_detectable_effect_matches_statsmodels_solve_power(n1, n2, target) -> None:
    mde = power.minimum_detectable_effect(n1, n2, target, 0.05)
    expected = TTestIndPower().solve_power(
        effect_size=None, nobs1=n1, alpha=0.05, power=target, ratio=n2 / n1
    )
    assert mde.effect_size == pytest.approx(expected, abs=TOLERANCE["statsmodels_solve"])
    assert reference_power(mde.effect_size, n1, n2, 0.05) == pytest.approx(
        target, abs=TOLERANCE["quadrature"]
    )


@pytest.mark.parametrize(
    ("d", "target", "ratio"), [(0.5, 0.8, 1.0), (0.3, 0.9, 2.0), (1.2, 0.95, 0.5)]
)
def test_sample_size_matches_statsmodels_solve_power(d, target, ratio) -> None:
    size = power.sample_size_per_group(d, target, 0.05, ratio)
    expected = TTestIndPower().solve_power(
        effect_size=d, nobs1=None, alpha=0.05, power=target, ratio=ratio
    )
    assert size.n_per_group == pytest.approx(expected, abs=TOLERANCE["statsmodels_solve"])
    assert size.n2 == pytest.approx(ratio * size.n_per_group, rel=TOLERANCE["root"])
    # Whole numbers: the smallest n1 whose rounded-up design reaches the target.
    below = power.two_sample_power(
        d, size.n_per_group_ceil - 1, math.ceil(ratio * (size.n_per_group_ceil - 1))
    )
    assert below.power < target <= size.achieved_power


def test_minimum_detectable_effect_in_outcome_units() -> None:
    mde = power.minimum_detectable_effect(30, 30, 0.8, outcome_sd=0.05, baseline_mean=1.0)
    assert mde.difference == pytest.approx(mde.effect_size * 0.05, rel=TOLERANCE["root"])
    assert mde.percent_of_baseline == pytest.approx(100 * mde.difference, rel=TOLERANCE["root"])


# --- analysis choice -----------------------------------------------------------------


def test_design_factor_frison_pocock_and_borm() -> None:
    # Frison & Pocock 1992: at r = 0.5 change scores are as efficient as final values;
    # Borm et al. 2007: ANCOVA needs (1 − r²) times the t-test's n.
    assert power.design_factor(0.5, "change") == pytest.approx(1.0, rel=TOLERANCE["float"])
    assert power.design_factor(0.5, "ancova") == pytest.approx(0.75, rel=TOLERANCE["float"])
    assert power.design_factor(0.9, "final") == 1.0
    np.testing.assert_allclose(
        power.design_factor([0.0, 0.8], "change"), [2.0, 0.4], rtol=TOLERANCE["float"]
    )


def test_analysis_sd_cochrane_and_borm() -> None:
    # Cochrane Handbook 6.5.2.8 worked by hand: √(0.141² + 0.138² − 2·0.9·0.141·0.138).
    by_hand = math.sqrt(0.141**2 + 0.138**2 - 2 * 0.9 * 0.141 * 0.138)
    assert power.analysis_sd("change", 0.141, 0.138, 0.9) == pytest.approx(
        by_hand, rel=TOLERANCE["ulps"]
    )
    assert power.analysis_sd("final", 0.141, 0.138, 0.9) == 0.138
    assert power.analysis_sd("ancova", 0.141, 0.138, 0.9) == pytest.approx(
        0.138 * math.sqrt(0.19), rel=TOLERANCE["float"]
    )


# --- properties ------------------------------------------------------------------------

effects = st.floats(0.05, 2.0)
sizes = st.integers(3, 300)
alphas = st.floats(0.001, 0.2)


@settings(max_examples=40, deadline=None)
@given(effects, sizes, sizes, alphas, st.integers(1, 50))
def test_power_rises_with_n(d, n1, n2, alpha, extra) -> None:
    assert (
        power.two_sample_power(d, n1 + extra, n2, alpha).power
        >= power.two_sample_power(d, n1, n2, alpha).power
    )


@settings(max_examples=40, deadline=None)
@given(effects, sizes, sizes, alphas, st.floats(0.01, 1.0))
def test_power_rises_with_abs_d_and_is_symmetric(d, n1, n2, alpha, step) -> None:
    low = power.two_sample_power(d, n1, n2, alpha).power
    assert power.two_sample_power(d + step, n1, n2, alpha).power >= low
    assert power.two_sample_power(-d, n1, n2, alpha).power == pytest.approx(
        low, abs=TOLERANCE["float"]
    )


@settings(max_examples=40, deadline=None)
@given(effects, sizes, sizes, alphas, st.floats(0.1, 0.99))
def test_power_falls_as_alpha_shrinks(d, n1, n2, alpha, shrink) -> None:
    assert (
        power.two_sample_power(d, n1, n2, alpha * shrink).power
        <= power.two_sample_power(d, n1, n2, alpha).power
    )


@settings(max_examples=30, deadline=None)
@given(sizes, sizes, alphas)
def test_power_at_zero_effect_is_alpha(n1, n2, alpha) -> None:
    assert power.two_sample_power(0.0, n1, n2, alpha).power == pytest.approx(
        alpha, abs=TOLERANCE["float"]
    )


# --- refusals and bad input -------------------------------------------------------------


def test_observed_power_is_refused_with_hoenig_heisey() -> None:
    with pytest.raises(ReanalysisError, match="Hoenig & Heisey 2001"):
        power.observed_power(0.3, 33, 36)
    assert "Hoenig & Heisey" in power.__doc__


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: power.two_sample_power(0.5, 1, 10), "n1 must be >= 2"),
        (lambda: power.two_sample_power(0.5, 10, 10, alpha=1.0), "alpha must lie strictly"),
        (lambda: power.sample_size_per_group(0.0, 0.8), "effect_size must be non-zero"),
        (lambda: power.sample_size_per_group(0.5, 0.0), "power must lie strictly"),
        (lambda: power.sample_size_per_group(0.5, 0.04, alpha=0.05), "power must exceed alpha"),
        (lambda: power.sample_size_per_group(1e-7, 0.999999), "did not converge"),
        (lambda: power.sample_size_per_group(20.0, 0.8), "minimum of 2 per group"),
        (lambda: power.minimum_detectable_effect(10, 10, 1.0), "power must lie strictly"),
        (lambda: power.power_grid([0.1, np.nan], 10, 10), "effect_size must be finite"),
        (lambda: power.power_grid(0.1, 10, 10, r=1.0, analysis="change"), "r must lie strictly"),
        (lambda: power.power_grid(0.1, 10, 10, analysis="median"), "analysis must be one of"),
    ],
)
def test_bad_input_raises(call, message) -> None:
    with pytest.raises(ReanalysisError, match=message):
        call()


# --- burnett2009 -------------------------------------------------------------------------


def test_burnett2009_power_analysis_from_the_trial_file() -> None:
    treatment, control = trial_arms(load_trial(DATA / "burnett2009.csv"), "pa_spine_bmd")
    analysis = trial_power_analysis(
        treatment,
        control,
        correlations=(0.8, 0.95),
        differences_pct=(1.0, 2.0),
        sample_size_correlations=(0.97, 0.9),
    )
    # Every row recomputed independently: pooled SDs by the Cochrane formula, power and
    # roots from statsmodels.
    model = TTestIndPower()
    arms = (treatment, control)
    weights = [arm.n - 1 for arm in arms]

    def pooled(variances: list[float]) -> float:
        return math.sqrt(sum(w * v for w, v in zip(weights, variances, strict=True)) / sum(weights))

    def sd(kind: str, r: float) -> float:
        if kind == "change":
            return pooled(
                [
                    a.baseline_sd**2 + a.followup_sd**2 - 2 * r * a.baseline_sd * a.followup_sd
                    for a in arms
                ]
            )
        if kind == "final":
            return pooled([a.followup_sd**2 for a in arms])
        return pooled([a.followup_sd**2 * (1 - r**2) for a in arms])

    baseline = (treatment.n * treatment.baseline_mean + control.n * control.baseline_mean) / (
        treatment.n + control.n
    )
    frame = analysis.summary_frame()
    assert len(frame) == 2 * 3 * 2 + 2 * 3 * 2 + 2 * 3 * 2
    for p in analysis.power:
        expected = model.power(
            p.difference / sd(p.analysis, p.correlation),
            treatment.n,
            0.05,
            ratio=control.n / treatment.n,
        )
        assert p.power == pytest.approx(expected, abs=TOLERANCE["statsmodels_power"])
        assert p.difference == pytest.approx(
            p.difference_pct / 100 * baseline, rel=TOLERANCE["float"]
        )
    for p in analysis.minimum_detectable:
        expected = model.solve_power(
            effect_size=None,
            nobs1=treatment.n,
            alpha=0.05,
            power=p.power,
            ratio=control.n / treatment.n,
        )
        assert p.effect_size == pytest.approx(expected, abs=TOLERANCE["statsmodels_solve"])
    observed = (treatment.followup_mean - treatment.baseline_mean) - (
        control.followup_mean - control.baseline_mean
    )
    assert analysis.observed_difference == pytest.approx(observed, rel=TOLERANCE["float"])
    for p in analysis.sample_size:
        expected = model.solve_power(
            effect_size=observed / sd(p.analysis, p.correlation),
            nobs1=None,
            alpha=0.05,
            power=p.power,
        )
        assert p.n_treatment == pytest.approx(expected, abs=TOLERANCE["statsmodels_solve"])
        assert p.n_per_group_ceil == math.ceil(p.n_treatment)


def test_trial_power_analysis_bad_correlation() -> None:
    arm = PrePost(30, 1.0, 0.1, 1.0, 0.1)
    with pytest.raises(ReanalysisError, match="r must lie strictly"):
        trial_power_analysis(arm, arm, correlations=(1.0,))


# --- CLI -----------------------------------------------------------------------------------


def run_json(capsys, *argv: str) -> dict:
    assert main(["power", *argv, "--json"]) == 0
    (record,) = json.loads(capsys.readouterr().out)  # always a list of records
    return record


def test_cli_answers_the_three_questions(capsys) -> None:
    # Cohen 1988 Table 2.4.1: d = 0.5 -> 64, d = 0.8 -> 26, d = 0.2 -> 393 (nearest).
    assert run_json(capsys, "--d", "0.5", "--power", "0.8")["n_per_group_ceil"] == 64
    assert run_json(capsys, "--d", "0.8", "--power", "0.8")["n_per_group_ceil"] == 26
    assert round(run_json(capsys, "--d", "0.2", "--power", "0.8")["n_per_group"]) == 393
    # G*Power reference manual: 86 per group, d = 0.5 -> actual power 0.9032.
    got = run_json(capsys, "--d", "0.5", "--n1", "86", "--n2", "86")["power"]
    assert got == pytest.approx(0.9032, abs=TOLERANCE["printed_4dp"])
    mde = run_json(capsys, "--n1", "64", "--n2", "64", "--power", "0.8")["mde"]
    expected = TTestIndPower().solve_power(effect_size=None, nobs1=64, alpha=0.05, power=0.8)
    assert mde == pytest.approx(expected, abs=TOLERANCE["statsmodels_solve"])


def test_cli_text_output(capsys) -> None:
    assert main(["power", "--d", "0.5", "--power", "0.8", "--ratio", "2"]) == 0
    assert capsys.readouterr().out.startswith("n_per_group = ")


@pytest.mark.parametrize(
    "argv",
    [
        ["--d", "0.5", "--n1", "1", "--n2", "10"],
        ["--d", "0.5", "--power", "1.5"],
        ["--d", "0.5", "--n1", "10", "--n2", "10", "--alpha", "0"],
        ["--d", "0", "--power", "0.8"],
        ["--d", "1e-7", "--power", "0.999999"],
        ["--d", "0.5"],
        ["--d", "0.5", "--n1", "10"],
        ["--n1", "10", "--n2", "10", "--power", "0.8", "--ratio", "2"],
        ["--d", "nan", "--n1", "10", "--n2", "10"],
    ],
)
def test_cli_bad_input_one_line_exit_2(capsys, argv) -> None:
    assert main(["power", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and captured.err.startswith("error: ")
