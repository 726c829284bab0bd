"""Conjugate normal update: a hand-worked example, numerical integration, the priors'
stated definitions, and the Bayesian reading of Burnett-Bowie 2009's PA spine BMD."""

import json
import math
from pathlib import Path

import matplotlib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from reanalysis.analysis.bayes import posterior_by_correlation, trial_posterior
from reanalysis.cli import main
from reanalysis.data.trials import load_trial
from reanalysis.errors import ReanalysisError
from reanalysis.report.figures import posterior_densities
from reanalysis.stats.bayes import NormalPrior, named_prior, normal_posterior, parse_prior
from tests.shipped import shipped_settings
from tests.tolerances import TOLERANCE

matplotlib.use("Agg")

DATA = Path(__file__).resolve().parents[1] / "data"
BURNETT = str(DATA / "burnett2009.csv")


def test_hand_worked_update():
    # Prior N(0, 2²), estimate 3 with SE 1. By hand: precision 1/4 + 1 = 5/4, so the
    # posterior variance is 4/5 and its mean (0·1/4 + 3·1)/(5/4) = 12/5.
    posterior = normal_posterior(3.0, 1.0, 0.0, 2.0, threshold=1.0)
    assert posterior.posterior_mean == pytest.approx(12 / 5, rel=TOLERANCE["ulps"])
    assert posterior.posterior_sd == pytest.approx(math.sqrt(4 / 5), rel=TOLERANCE["ulps"])
    # P(θ < 0) = Φ(−(12/5)/√(4/5)) = Φ(−6/√5)
    assert posterior.p_below_zero == pytest.approx(
        stats.norm.cdf(-6 / math.sqrt(5)), rel=TOLERANCE["float"]
    )
    # P(θ < −1) = Φ(−(1 + 12/5)/√(4/5)) = Φ(−17/(2√5))
    assert posterior.p_below_threshold == pytest.approx(
        stats.norm.cdf(-17 / (2 * math.sqrt(5))), rel=TOLERANCE["float"]
    )
    # 95% interval 12/5 ± z·√(4/5), z = Φ⁻¹(0.975) = 1.959964
    z = stats.norm.ppf(0.975)
    assert posterior.credible_interval() == pytest.approx(
        (12 / 5 - z * math.sqrt(0.8), 12 / 5 + z * math.sqrt(0.8)), rel=TOLERANCE["float"]
    )


def test_update_matches_numerical_integration():
    # Second computation: normalise prior × likelihood by quadrature.
    estimate, se, prior_mean, prior_sd, threshold = -0.028, 0.0114, 0.0, 0.0294, 0.0115
    posterior = normal_posterior(estimate, se, prior_mean, prior_sd, threshold)

    def unnormalised(theta):
        return stats.norm.pdf(theta, prior_mean, prior_sd) * stats.norm.pdf(estimate, theta, se)

    lo, hi = -0.2, 0.2
    total = integrate.quad(unnormalised, lo, hi, points=[estimate], epsabs=0)[0]
    mean = integrate.quad(lambda t: t * unnormalised(t), lo, hi, points=[estimate], epsabs=0)[0]
    below = integrate.quad(unnormalised, lo, -threshold, epsabs=0)[0]
    assert posterior.posterior_mean == pytest.approx(mean / total, rel=TOLERANCE["independent"])
    assert posterior.p_below_threshold == pytest.approx(below / total, rel=TOLERANCE["independent"])


@settings(max_examples=50, deadline=None)
@given(
    estimate=st.floats(-10, 10, allow_nan=False),
    se=st.floats(1e-3, 10, allow_nan=False),
    prior_mean=st.floats(-10, 10, allow_nan=False),
)
def test_flat_prior_returns_the_likelihood(estimate, se, prior_mean):
    posterior = normal_posterior(estimate, se, prior_mean, math.inf, threshold=1.0)
    assert posterior.posterior_mean == pytest.approx(estimate, rel=TOLERANCE["ulps"], abs=1e-300)
    assert posterior.posterior_sd == pytest.approx(se, rel=TOLERANCE["ulps"])
    assert posterior.to_dict()["prior_sd"] is None


def test_named_priors_meet_their_stated_definitions():
    threshold = 0.0115
    skeptical = named_prior("skeptical", threshold)
    enthusiastic = named_prior("enthusiastic", threshold)
    neutral = named_prior("neutral", threshold)
    assert skeptical.mean == 0
    assert stats.norm.cdf(-threshold, 0, skeptical.sd) == pytest.approx(
        0.05, rel=TOLERANCE["float"]
    )
    assert enthusiastic.mean == -threshold
    assert stats.norm.sf(0, -threshold, enthusiastic.sd) == pytest.approx(
        0.05, rel=TOLERANCE["float"]
    )
    assert neutral.mean == 0
    outside = 2 * stats.norm.cdf(-5 * threshold, 0, neutral.sd)
    assert outside == pytest.approx(0.05, rel=TOLERANCE["float"])


def test_parse_prior():
    assert parse_prior("-0.01,0.02", 0.01) == NormalPrior(-0.01, 0.02, "custom")
    assert parse_prior("neutral", 0.01) == named_prior("neutral", 0.01)
    for text, message in [("vague", "MEAN,SD"), ("a,b", "two numbers"), ("0,-1", "SD must")]:
        with pytest.raises(ReanalysisError, match=message):
            parse_prior(text, 0.01)


@pytest.mark.parametrize(
    "args, message",
    [
        ((math.nan, 1, 0, 1, 1), "estimate"),
        ((0, 0, 0, 1, 1), "standard_error"),
        ((0, 1, math.inf, 1, 1), "prior mean"),
        ((0, 1, 0, 0, 1), "prior SD"),
        ((0, 1, 0, 1, -1), "threshold"),
    ],
)
def test_bad_arguments_raise(args, message):
    with pytest.raises(ReanalysisError, match=message):
        normal_posterior(*args)


# --- Burnett-Bowie 2009, PA spine BMD (data/burnett2009.csv: JCEM abstract values;
# per-arm n 33 / 36 assumed, see data/studies.toml) ------------------------------------


def _hand_difference_in_change(r):
    """Student t on change scores with change SDs √(sd0² + sd1² − 2r·sd0·sd1)."""
    n_t, n_c = 33, 36
    sd_t = math.sqrt(0.141**2 + 0.138**2 - 2 * r * 0.141 * 0.138)
    sd_c = math.sqrt(0.145**2 + 0.146**2 - 2 * r * 0.145 * 0.146)
    pooled = ((n_t - 1) * sd_t**2 + (n_c - 1) * sd_c**2) / (n_t + n_c - 2)
    return (1.102 - 1.121) - (1.189 - 1.180), math.sqrt(pooled * (1 / n_t + 1 / n_c))


def test_burnett2009_flat_prior_gives_the_change_score_likelihood():
    trial = load_trial(BURNETT)
    posterior = trial_posterior(trial, "pa_spine_bmd", "0,inf", r=0.95)
    estimate, se = _hand_difference_in_change(0.95)
    assert posterior.posterior_mean == pytest.approx(estimate, rel=TOLERANCE["float"])
    assert posterior.posterior_sd == pytest.approx(se, rel=TOLERANCE["float"])


def test_burnett2009_configured_threshold_is_one_percent_of_baseline():
    trial = load_trial(BURNETT)
    posterior = trial_posterior(
        trial, "pa_spine_bmd", "skeptical", r=0.95, settings=shipped_settings()
    )
    # analysis.toml: minimal_important_difference_percent = 1; n-weighted baseline mean of
    # the two arms (33 × 1.121 + 36 × 1.180) / 69 g/cm².
    assert posterior.threshold == pytest.approx(
        0.01 * (33 * 1.121 + 36 * 1.180) / 69, rel=TOLERANCE["float"]
    )


def test_default_threshold_is_half_the_pooled_baseline_sd():
    # No analysis.toml: T = 0.5 × pooled baseline SD (Norman, Sloan & Wyrwich 2003), by hand.
    trial = load_trial(BURNETT)
    posterior = trial_posterior(trial, "pa_spine_bmd", "skeptical", r=0.95)
    pooled = math.sqrt((32 * 0.141**2 + 35 * 0.145**2) / 67)
    assert posterior.threshold == pytest.approx(0.5 * pooled, rel=TOLERANCE["float"])


def test_harm_follows_the_outcome_direction():
    # θ = treatment − control. Higher is better: harm is P(θ < −T); lower is better: P(θ > T).
    from reanalysis.analysis.bayes import benefit_and_harm

    posterior = normal_posterior(-0.028, 0.0114, 0.0, 1.0, 0.0115).to_dict()
    higher = benefit_and_harm(posterior, "higher_is_better")
    lower = benefit_and_harm(posterior, "lower_is_better")
    expected_below = stats.norm.cdf(-0.0115, posterior["posterior_mean"], posterior["posterior_sd"])
    assert higher["p_harm"] == pytest.approx(expected_below, rel=TOLERANCE["float"])
    assert lower["p_benefit"] == pytest.approx(expected_below, rel=TOLERANCE["float"])
    assert lower["p_harm"] == pytest.approx(
        stats.norm.sf(0.0115, posterior["posterior_mean"], posterior["posterior_sd"]),
        rel=TOLERANCE["float"],
    )


def test_burnett2009_probabilities_rise_with_r():
    # Higher r, smaller SE of the difference in change, so more certainty of a loss.
    trial = load_trial(BURNETT)
    records = posterior_by_correlation(
        trial, "pa_spine_bmd", [0.9, 0.95, 0.99], ["neutral"], settings=shipped_settings()
    )
    p = [record["p_below_zero"] for record in records]
    assert p[0] < p[1] < p[2]


def test_density_plot_draws_three_curves():
    posterior = normal_posterior(-0.028, 0.0114, 0.0, 0.007, 0.0115)
    fig = posterior_densities(posterior.to_dict(), xlabel="Difference in change (g/cm²)")
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert labels[:3] == ["prior", "likelihood", "posterior"]


def test_cli_bayes_json(capsys):
    assert main(["bayes", BURNETT, "--outcome", "pa_spine_bmd", "--r", "0.95", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [record["prior"] for record in records] == ["skeptical", "neutral", "enthusiastic"]
    keys = {"posterior_mean", "posterior_sd", "cri_low", "cri_high", "p_below_zero"}
    keys |= {"p_below_threshold", "prior_mean", "prior_sd", "threshold"}
    assert keys <= set(records[0])
    single = trial_posterior(
        load_trial(BURNETT), "pa_spine_bmd", "neutral", r=0.95, settings=shipped_settings()
    )
    assert records[1]["posterior_mean"] == pytest.approx(
        single.posterior_mean, rel=TOLERANCE["float"]
    )


def test_cli_bayes_bad_input(capsys):
    assert main(["bayes", BURNETT, "--outcome", "pa_spine_bmd", "--prior", "vague"]) == 2
    assert "prior must be one of" in capsys.readouterr().err
    assert main(["bayes", str(DATA / "snyder2004.csv"), "--outcome", "estradiol"]) == 2
    assert "no treatment-vs-control comparison" in capsys.readouterr().err
