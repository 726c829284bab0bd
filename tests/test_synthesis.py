"""Random-effects pooling and the pre-post ratio of means, against metafor and papers.

Reference values come from three places, named at each test:

* printed values: DerSimonian & Kacker 2007 (Contemp Clin Trials 28:105), Tables 3-4,
  as checked in metafor's tests/testthat/test_analysis_example_dersimonian2007.r; and
  the BCG vaccine data (Colditz et al. 1994, metafor's ``dat.bcg``) with Stata metan's
  DL results as checked in metafor's test_misc_metan_vs_rma.uni_with_dat.bcg.r
  (wviechtb/metafor);
* metafor 3.8.1 (R 4.2, Debian r-cran-metafor) run with tight convergence control, the
  R code stored next to each value. metafor's default tolerance (1e-5) is coarse when
  sampling variances are small (BMD in g/cm^2), hence control=list(tol=1e-15, ...);
* a second computation here: REML by direct maximisation of the restricted
  log-likelihood with scipy, and the Paule-Mandel estimating equation.
"""

import json
import math
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, stats
from statsmodels.stats.meta_analysis import combine_effects

from reanalysis.analysis.synthesis import correlation_sensitivity, pool_trials, study_effects
from reanalysis.cli import main
from reanalysis.data.trials import load_trial
from reanalysis.errors import ReanalysisError
from reanalysis.report.figures import pooled_forest
from reanalysis.stats.synthesis import FewStudiesWarning, random_effects, ratio_of_means_change
from tests.tolerances import TOLERANCE

matplotlib.use("Agg")

# dat.bcg (metafor; Colditz et al. 1994, JAMA 271:698): TB cases / non-cases in the
# vaccinated (tpos, tneg) and control (cpos, cneg) groups of 13 trials.
BCG = [
    (4, 119, 11, 128),
    (6, 300, 29, 274),
    (3, 228, 11, 209),
    (62, 13536, 248, 12619),
    (33, 5036, 47, 5761),
    (180, 1361, 372, 1079),
    (8, 2537, 10, 619),
    (505, 87886, 499, 87892),
    (29, 7470, 45, 7232),
    (17, 1699, 65, 1600),
    (186, 50448, 141, 27197),
    (5, 2493, 3, 2338),
    (27, 16886, 29, 17825),
]


def _bcg_log_rr():
    """log relative risk and its variance, as escalc(measure="RR") defines them."""
    y, v = [], []
    for tpos, tneg, cpos, cneg in BCG:
        y.append(math.log((tpos / (tpos + tneg)) / (cpos / (cpos + cneg))))
        v.append(1 / tpos - 1 / (tpos + tneg) + 1 / cpos - 1 / (cpos + cneg))
    return np.array(y), np.array(v)


def _pooled_fields(pooled):
    d = pooled.to_dict()
    keys = ("estimate", "se", "ci_low", "ci_high", "ci_low_hksj", "ci_high_hksj", "tau2")
    keys += ("i2", "q", "q_p", "pi_low", "pi_high")
    return [d[key] for key in keys]


# --- printed values -------------------------------------------------------------------


def test_bcg_dl_matches_stata_metan_as_checked_by_metafor():
    # metafor test_misc_metan_vs_rma.uni_with_dat.bcg.r, "RE model w/ DL estimator,
    # measure='RR'": -0.7141 [-1.0644, -0.3638], tau2 0.3088, I2 92.1173, QE 152.2330.
    y, v = _bcg_log_rr()
    pooled = random_effects(y, v, method="dl")
    printed = TOLERANCE["printed_4dp"]
    assert pooled.estimate == pytest.approx(-0.7141, abs=printed)
    assert pooled.ci_low == pytest.approx(-1.0644, abs=printed)
    assert pooled.ci_high == pytest.approx(-0.3638, abs=printed)
    assert pooled.tau2 == pytest.approx(0.3088, abs=printed)
    assert pooled.i2 == pytest.approx(92.1173, abs=printed)
    assert pooled.q == pytest.approx(152.2330, abs=printed)


@pytest.mark.parametrize(
    "method, tau, mu, se",
    # DerSimonian & Kacker 2007, Tables 3 and 4 (pp. 111-112), CLASP trials, log OR.
    [
        ("pm", 0.3681, -0.3811, 0.2060),
        ("dl", 0.2323, -0.3240, 0.1540),
        ("reml", 0.1843, -0.2980, 0.1343),
    ],
)
def test_dersimonian_kacker2007_tables3_4_clasp(method, tau, mu, se):
    n1 = [156, 303, 565, 1570, 103, 4659]
    n2 = [74, 303, 477, 1565, 105, 4650]
    a = [5, 5, 12, 69, 9, 313]
    c = [8, 17, 9, 94, 11, 352]
    y = [
        math.log(ai * (n2i - ci) / ((n1i - ai) * ci))
        for ai, ci, n1i, n2i in zip(a, c, n1, n2, strict=True)
    ]
    v = [
        1 / ai + 1 / (n1i - ai) + 1 / ci + 1 / (n2i - ci)
        for ai, ci, n1i, n2i in zip(a, c, n1, n2, strict=True)
    ]
    pooled = random_effects(y, v, method=method)
    printed = TOLERANCE["printed_4dp"]
    assert math.sqrt(pooled.tau2) == pytest.approx(tau, abs=printed)
    assert pooled.estimate == pytest.approx(mu, abs=printed)
    assert pooled.se == pytest.approx(se, abs=printed)


# --- metafor with tight convergence ------------------------------------------------------

# library(metafor)  # 3.8.1
# dat <- escalc(measure="RR", ai=tpos, bi=tneg, ci=cpos, di=cneg, data=dat.bcg)
# ctrl <- list(tol=1e-15, threshold=1e-15, maxiter=10000)
# for (m in c("DL","PM","REML")) {
#   res <- rma(yi, vi, data=dat, method=m, control=ctrl); pr <- predict(res)
#   kn <- rma(yi, vi, data=dat, method=m, test="knha", control=ctrl)
#   cat(m, sprintf("%.15g", c(res$beta, res$se, res$ci.lb, res$ci.ub, kn$ci.lb, kn$ci.ub,
#       res$tau2, res$I2, res$QE, res$QEp, pr$pi.lb, pr$pi.ub)), "\n") }
METAFOR_BCG = {
    "dl": [-0.714117222073227, 0.178742089535403, -1.06444528008405, -0.363789164062403,
           -1.10782135416833, -0.320413089978125, 0.308760262862376, 92.1173468545621,
           152.233008082373, 1.99676459084597e-26, -1.85815375273217, 0.429919308585714],
    "pm": [-0.714968153493444, 0.180892191537624, -1.06951033399171, -0.360425972995181,
           -1.10909838120224, -0.320837925784648, 0.318068452205024, 92.3303379541533,
           152.233008082373, 1.99676459084597e-26, -1.87580708248402, 0.445870775497129],
    "reml": [-0.714532342158139, 0.179781516105206, -1.06689763881035, -0.362167045505929,
             -1.10844371368555, -0.320620970630728, 0.313243258136481, 92.221384521269,
             152.233008082373, 1.99676459084597e-26, -1.86669221790289, 0.437627533586608],
}  # fmt: skip


@pytest.mark.parametrize("method", ["dl", "pm", "reml"])
def test_bcg_matches_metafor_tight(method):
    y, v = _bcg_log_rr()
    got = _pooled_fields(random_effects(y, v, method=method))
    # abs=0: pytest's default absolute floor of 1e-12 would leave QEp (2.0e-26) unchecked.
    assert got == pytest.approx(METAFOR_BCG[method], rel=TOLERANCE["metafor"], abs=0)


# BMD-scale input (g/cm^2; synthetic values chosen to have variances ~1e-5), where
# metafor's default tol=1e-5 would stop REML early. Same R code as above with
#   yi <- c(-0.028, -0.015, -0.035, -0.010, -0.041)
#   vi <- c(5.8e-5, 4.1e-5, 9.0e-5, 3.2e-5, 1.2e-4)
# and, for the t(k-2) interval, prt <- predict(res, pi.type="riley") (Riley et al. 2011;
# Higgins et al. 2009), printed after the others.
BMD_Y = [-0.028, -0.015, -0.035, -0.010, -0.041]
BMD_V = [5.8e-5, 4.1e-5, 9.0e-5, 3.2e-5, 1.2e-4]
METAFOR_BMD = {
    "dl": [-0.0236931502361814, 0.00569529816474093, -0.0348557295202907, -0.0125305709520721,
           -0.0397241897031911, -0.00766211076917177, 9.98784352504712e-05, 63.6070117517274,
           10.991128215996, 0.0266639021162455, -0.0462382621756701, -0.00114803829669275,
           -0.0603002556523918, 0.0129139551800289],
    "pm": [-0.0237480250392424, 0.005777402861756, -0.0350715265724628, -0.012424523506022,
           -0.0397886669355206, -0.00770738314296425, 0.000104440188487191, 64.6344264115254,
           10.991128215996, 0.0266639021162455, -0.0467572486304878, -0.000738801447997078,
           -0.0611087210433526, 0.0136126709648678],
    "reml": [-0.0237426617317131, 0.00576923997840086, -0.0350501643075474,
             -0.0124351591558788, -0.0397823731150018, -0.00770295034842447,
             0.000103983402961374, 64.534168481735, 10.991128215996, 0.0266639021162455,
             -0.0467058404100725, -0.000779483053353704, -0.0610285933707397,
             0.0135432699073134],
}  # fmt: skip


@pytest.mark.parametrize("method", ["dl", "pm", "reml"])
def test_bmd_scale_matches_metafor_tight(method):
    z = _pooled_fields(random_effects(BMD_Y, BMD_V, method=method))
    t = random_effects(BMD_Y, BMD_V, method=method, prediction="t")
    got = [*z, t.pi_low, t.pi_high]
    # abs=0: at the BMD scale (tau2 ~ 1e-4) pytest's default 1e-12 floor would dominate.
    assert got == pytest.approx(METAFOR_BMD[method], rel=TOLERANCE["metafor"], abs=0)


# Homogeneous set: Q = 0.0327 < k - 1 = 3, so every estimator gives tau2 = 0. Same R code,
#   yi <- c(0.10, 0.12, 0.11, 0.09); vi <- c(0.01, 0.02, 0.015, 0.012)
METAFOR_HOMOGENEOUS = [0.102777777777778, 0.0577350269189626, -0.0103807956298394,
                       0.215936351185395, 0.0835992482670536, 0.121956307288502, 0.0, 0.0,
                       0.0326851851851852, 0.998443709337652, -0.0103807956298394,
                       0.215936351185395]  # fmt: skip


@pytest.mark.parametrize("method", ["dl", "pm", "reml"])
def test_homogeneous_set_gives_tau2_zero_as_metafor(method):
    y, v = [0.10, 0.12, 0.11, 0.09], [0.01, 0.02, 0.015, 0.012]
    pooled = random_effects(y, v, method=method)
    assert pooled.tau2 == 0.0
    assert pooled.i2 == 0.0
    expected = METAFOR_HOMOGENEOUS
    # abs=0: metafor's zeros (tau2, I2) are matched exactly, as asserted above.
    assert _pooled_fields(pooled) == pytest.approx(expected, rel=TOLERANCE["metafor"], abs=0)


def test_dl_truncates_the_negative_tau2_statsmodels_returns():
    y, v = np.array([0.10, 0.12, 0.11, 0.09]), np.array([0.01, 0.02, 0.015, 0.012])
    with np.errstate(invalid="ignore"):  # statsmodels takes sqrt of its negative variance
        assert combine_effects(y, v, method_re="dl").tau2 < 0  # what is guarded against
    assert random_effects(y, v, method="dl").tau2 == 0.0


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(-5, 5, allow_nan=False),
            st.floats(1e-3, 2, allow_nan=False),
        ),
        min_size=2,
        max_size=12,
    )
)
def test_q_and_dl_tau2_equal_statsmodels_combine_effects(studies):
    # The package computes Cochran's Q and the DerSimonian-Laird tau2 itself (importing
    # statsmodels would cost the report 0.4 s): statsmodels' combine_effects is the check.
    y, v = (np.array(column) for column in zip(*studies, strict=True))
    with np.errstate(invalid="ignore", divide="ignore"):
        reference = combine_effects(y, v, method_re="dl")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FewStudiesWarning)
        pooled = random_effects(y, v, method="dl")
    assert pooled.q == pytest.approx(reference.q, rel=1e-12, abs=1e-12)
    assert pooled.tau2 == pytest.approx(max(0.0, reference.tau2), rel=1e-12, abs=1e-15)


# --- second computations ----------------------------------------------------------------


def _reml_by_optimisation(y, v):
    """Maximise the restricted log-likelihood over tau2 >= 0 (Viechtbauer 2005, eq. 11)."""

    def negative_loglik(tau2):
        w = 1 / (v + tau2)
        mu = (w @ y) / w.sum()
        return 0.5 * (np.log(v + tau2).sum() + math.log(w.sum()) + w @ (y - mu) ** 2)

    upper = 10 * (np.var(y) + v.max())
    found = optimize.minimize_scalar(
        negative_loglik, bounds=(0, upper), method="bounded", options={"xatol": 1e-14}
    )
    return found.x


@pytest.mark.parametrize("data", ["bcg", "bmd"])
def test_reml_equals_direct_maximisation_of_restricted_likelihood(data):
    y, v = _bcg_log_rr() if data == "bcg" else (np.array(BMD_Y), np.array(BMD_V))
    expected = _reml_by_optimisation(y, v)
    assert random_effects(y, v, method="reml").tau2 == pytest.approx(
        expected, rel=TOLERANCE["optimiser"]
    )


def test_reml_converges_where_undamped_fisher_scoring_oscillates():
    # Found by hypothesis: metafor's rma(..., method="REML") stops with "Fisher scoring
    # algorithm did not converge" here. With step halving (R):
    # rma(c(0,0,0,0,1.5), c(2,2,2,2,.25), control=list(tol=1e-15, threshold=1e-15,
    #     maxiter=10000, stepadj=0.5)) -> tau2 0.245298686029343, beta 0.796865790686229,
    #     se 0.512956514770744
    y, v = np.array([0, 0, 0, 0, 1.5]), np.array([2, 2, 2, 2, 0.25])
    pooled = random_effects(y, v, method="reml")
    expected = [0.245298686029343, 0.796865790686229, 0.512956514770744]
    got = [pooled.tau2, pooled.estimate, pooled.se]
    assert got == pytest.approx(expected, rel=TOLERANCE["metafor"])
    assert pooled.tau2 == pytest.approx(_reml_by_optimisation(y, v), rel=TOLERANCE["optimiser"])


def test_reml_prefers_the_boundary_over_a_lower_interior_maximum():
    # Found by random search: the restricted likelihood has a local maximum at
    # tau2 ~ 0.183 and a higher one at 0. metafor (R, same control as above):
    # rma(c(0.95308733, -1.12125492, 0.89989915, 1.30208848),
    #     c(0.44717526, 0.68896141, 0.00527577, 0.20182456), control=ctrl)$tau2 -> 0
    y = [0.95308733, -1.12125492, 0.89989915, 1.30208848]
    v = [0.44717526, 0.68896141, 0.00527577, 0.20182456]
    assert random_effects(y, v, method="reml").tau2 == 0.0


def test_pm_solves_its_estimating_equation():
    y, v = np.array(BMD_Y), np.array(BMD_V)
    tau2 = random_effects(y, v, method="pm").tau2
    w = 1 / (v + tau2)
    mu = (w @ y) / w.sum()
    assert w @ (y - mu) ** 2 == pytest.approx(len(y) - 1, rel=TOLERANCE["root"])


@pytest.mark.parametrize("data", ["bcg", "bmd"])
def test_pm_agrees_with_statsmodels_iteration_at_its_default_tolerance(data):
    y, v = _bcg_log_rr() if data == "bcg" else (np.array(BMD_Y), np.array(BMD_V))
    expected = combine_effects(y, v, method_re="pm").tau2
    assert random_effects(y, v, method="pm").tau2 == pytest.approx(
        expected, rel=TOLERANCE["statsmodels_pm"]
    )


# --- properties ---------------------------------------------------------------------------

finite = st.floats(-5, 5, allow_nan=False)
positive = st.floats(1e-6, 4, allow_nan=False)


@settings(max_examples=40, deadline=None)
@given(y=finite, v=positive, method=st.sampled_from(["dl", "pm", "reml"]))
def test_duplicate_study_halves_the_within_study_variance(y, v, method):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FewStudiesWarning)
        pooled = random_effects([y, y], [v, v], method=method)
    assert pooled.tau2 == 0.0
    assert pooled.estimate == pytest.approx(y, rel=TOLERANCE["float"], abs=TOLERANCE["ulps"])
    assert pooled.se**2 == pytest.approx(v / 2, rel=TOLERANCE["float"])


@settings(max_examples=40, deadline=None)
@given(
    data=st.lists(st.tuples(finite, positive), min_size=3, max_size=8),
    method=st.sampled_from(["dl", "pm", "reml"]),
)
def test_tau2_and_i2_are_never_negative(data, method):
    y, v = zip(*data, strict=True)
    pooled = random_effects(y, v, method=method)
    assert pooled.tau2 >= 0
    assert 0 <= pooled.i2 < 100
    margin = TOLERANCE["float"]
    assert min(y) - margin <= pooled.estimate <= max(y) + margin
    assert sum(pooled.weights) == pytest.approx(1, rel=TOLERANCE["float"])
    assert pooled.pi_low <= pooled.ci_low and pooled.ci_high <= pooled.pi_high


# --- interface -----------------------------------------------------------------------------


def test_two_studies_warn_that_tau2_is_unreliable():
    with pytest.warns(FewStudiesWarning, match="only 2 studies"):
        random_effects([0.1, 0.3], [0.01, 0.02])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"estimates": [0.1], "variances": [0.01]}, "at least 2"),
        ({"estimates": [0.1, 0.2], "variances": [0.01]}, "same length"),
        ({"estimates": [0.1, 0.2], "variances": [0.01, 0.0]}, "variances must all be > 0"),
        ({"estimates": [0.1, float("nan")], "variances": [0.01, 0.01]}, "finite"),
        ({"estimates": [0.1, 0.2], "variances": [0.01, 0.01], "method": "ml"}, "method"),
        ({"estimates": [0.1, 0.2], "variances": [0.01, 0.01], "prediction": "t"}, "k-2"),
        ({"estimates": [0.1, 0.2], "variances": [0.01, 0.01], "labels": ["a"]}, "labels"),
    ],
)
def test_bad_arguments_raise(kwargs, message):
    with pytest.raises(ReanalysisError, match=message):
        random_effects(**kwargs)


def test_summary_frame_and_pooled_forest():
    y, v = _bcg_log_rr()
    pooled = random_effects(y, v, labels=[f"trial {i}" for i in range(1, 14)], measure="log RR")
    frame = pooled.summary_frame()
    assert list(frame.index[:2]) == ["trial 1", "trial 2"]
    assert frame["weight_percent"].iloc[:-1].sum() == pytest.approx(100, rel=TOLERANCE["float"])
    assert frame["estimate"].iloc[-1] == pooled.estimate
    fig = pooled_forest(pooled.to_dict(), xlabel="log relative risk")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[0].startswith("trial 1 (") and labels[-1].startswith("RE model (REML)")


# --- ratio of means, pre-post --------------------------------------------------------------

# library(metafor)  # 3.8.1
# r <- escalc(measure="ROMC", m1i=c(17,17,12), sd1i=c(6,5,4), m2i=c(26,27,15),
#             sd2i=c(8,8,4), ni=c(12,11,33), ri=c(0.5,0.3,0.7))
# sprintf("%.15g", r$yi); sprintf("%.15g", r$vi)
ROMC_INPUT = [(26, 8, 17, 6, 12, 0.5), (27, 8, 17, 5, 11, 0.3), (15, 4, 12, 4, 33, 0.7)]
ROMC_METAFOR = [
    (-0.424883193965266, 0.00922039543279894),
    (-0.462623521948113, 0.0110917367100886),
    (-0.22314355131421, 0.00175084175084175),
]


@pytest.mark.parametrize("arm, expected", list(zip(ROMC_INPUT, ROMC_METAFOR, strict=True)))
def test_ratio_of_means_change_matches_metafor_romc(arm, expected):
    mean_before, sd_before, mean_after, sd_after, n, r = arm
    result = ratio_of_means_change(mean_before, sd_before, mean_after, sd_after, n, r)
    assert (result.estimate, result.variance) == pytest.approx(
        expected, rel=TOLERANCE["metafor"], abs=0
    )


def test_ratio_of_means_change_matches_simulation():
    # Second computation: the delta-method variance against the spread of ln(mean ratio)
    # in simulated bivariate-normal samples (n large so the delta method is accurate).
    rng = np.random.default_rng(20110)
    n, r = 400, 0.6
    cov = [[8.0**2, r * 8 * 6], [r * 8 * 6, 6.0**2]]
    samples = rng.multivariate_normal([26.0, 17.0], cov, size=(4000, n))
    log_ratios = np.log(samples[:, :, 1].mean(axis=1) / samples[:, :, 0].mean(axis=1))
    result = ratio_of_means_change(26, 8, 17, 6, n, r)
    assert log_ratios.var(ddof=1) == pytest.approx(result.variance, rel=TOLERANCE["simulation"])


@pytest.mark.parametrize(
    "args, message",
    [
        ((0, 1, 1, 1, 10, 0.5), "mean_before must be > 0"),
        ((1, 1, -1, 1, 10, 0.5), "mean_after must be > 0"),
        ((1, -1, 1, 1, 10, 0.5), "sd_before"),
        ((1, 1, 1, 1, 0, 0.5), "n must be"),
        ((1, 1, 1, 1, 10, 1.5), "correlation"),
    ],
)
def test_ratio_of_means_change_bad_arguments(args, message):
    with pytest.raises(ReanalysisError, match=message):
        ratio_of_means_change(*args)


# --- trial layer and CLI -------------------------------------------------------------------

DATA = Path(__file__).resolve().parents[1] / "data"
FILES = [DATA / "burnett2009.csv", DATA / "snyder2004.csv"]

# metafor 3.8.1, estradiol on anastrozole from baseline to the first follow-up, read from
# the shipped files: burnett2009 JCEM abstract 15 ± 4 -> 12 ± 4 pg/mL (n 33 assumed),
# snyder2004 daily 26 ± 8 -> 17 ± 6 (n 12), twice weekly 27 ± 8 -> 17 ± 5 (n 11):
# dat <- escalc(measure="ROMC", m1i=c(12,17,17), sd1i=c(4,6,5), m2i=c(15,26,27),
#               sd2i=c(4,8,8), ni=c(33,12,11), ri=c(0.5,0.5,0.5))
# then the REML lines of the BCG code above.
METAFOR_ESTRADIOL_REML = [-0.355130365893543, 0.0810540304577123, -0.513993346392471,
                          -0.196267385394614, -0.688172280796832, -0.0220884509902531,
                          0.013464898131956, 68.8726371190494, 7.03713691741702,
                          0.0296418383252336, -0.632551162287312, -0.077709569499773]  # fmt: skip


def test_estradiol_ratio_of_means_pooled_across_three_arms_matches_metafor():
    trials = [load_trial(path) for path in FILES]
    pooled = pool_trials(trials, "estradiol", "romc", r=0.5, followup="first")
    assert pooled.labels == (
        "burnett2009: anastrozole",
        "snyder2004: anastrozole_daily",
        "snyder2004: anastrozole_twice_weekly",
    )
    assert _pooled_fields(pooled) == pytest.approx(
        METAFOR_ESTRADIOL_REML, rel=TOLERANCE["metafor"], abs=0
    )


def test_prefer_studies_picks_the_companion_hormone_paper():
    trials = [load_trial(path) for path in FILES]
    found = study_effects(
        trials,
        "estradiol",
        "romc",
        r=0.5,
        followup="first",
        prefer_studies=["burnett2009_companion"],
    )
    # Companion paper abstract: 55.8 ± 15.4 -> 42.2 ± 13.6 pmol/L at month 3 (n 33 assumed).
    expected = ratio_of_means_change(55.8, 15.4, 42.2, 13.6, 33, 0.5)
    assert (found[0].study, found[0].week) == ("burnett2009_companion", 13.0)
    assert found[0].estimate == pytest.approx(expected.estimate, rel=TOLERANCE["ulps"])
    assert found[0].n_assumed


def test_dose_subgroups_pool_daily_arms_and_report_twice_weekly_alone():
    trials = [load_trial(path) for path in FILES]
    doses = {
        "anastrozole": "daily",
        "anastrozole_daily": "daily",
        "anastrozole_twice_weekly": "twice weekly",
    }
    records = correlation_sensitivity(
        trials, "total_testosterone", "romc", [0.2, 0.8], doses, followup="first"
    )
    assert [(r["r"], r["group"], r["k"]) for r in records] == [
        (0.2, "all", 3),
        (0.2, "daily", 2),
        (0.2, "twice weekly", 1),
        (0.8, "all", 3),
        (0.8, "daily", 2),
        (0.8, "twice weekly", 1),
    ]
    # Twice weekly alone: snyder2004 397 ± 106 -> 520 ± 91 ng/dL, n 11, r 0.2.
    alone = ratio_of_means_change(397, 106, 520, 91, 11, 0.2)
    assert records[2]["estimate"] == pytest.approx(alone.estimate, rel=TOLERANCE["ulps"])
    assert records[2]["ci_high"] == pytest.approx(
        alone.estimate + stats.norm.ppf(0.975) * alone.standard_error, rel=TOLERANCE["float"]
    )
    assert records[1]["few_studies"] and not records[0]["few_studies"]


def test_shared_control_is_split_between_treatment_arms(tmp_path):
    # Two treatment arms against one control of n 20: each comparison uses n 10 for the
    # control (Cochrane Handbook 23.3.4). Hand computation of the change-score t SE.
    header = "study,arm,role,outcome,unit,timepoint,week,n,mean,sd,source\n"
    rows = [
        ("a", "treatment", 0, 12, 1.00, 0.10), ("a", "treatment", 52, 12, 0.98, 0.10),
        ("b", "treatment", 0, 12, 1.00, 0.10), ("b", "treatment", 52, 12, 0.99, 0.10),
        ("c", "control", 0, 20, 1.00, 0.10), ("c", "control", 52, 20, 1.01, 0.10),
    ]  # fmt: skip
    text = header + "".join(
        f"x,{arm},{role},bmd,g/cm2,t{week},{week},{n},{mean},{sd},made up\n"
        for arm, role, week, n, mean, sd in rows
    )
    path = tmp_path / "x.csv"
    path.write_text(text)
    found = study_effects([load_trial(path)], "bmd", "md_change", r=0.9)
    sd_change = math.sqrt(2 * 0.10**2 * (1 - 0.9))
    se = sd_change * math.sqrt(1 / 12 + 1 / 10)
    assert [e.variance for e in found] == pytest.approx([se**2, se**2], rel=TOLERANCE["float"])
    assert [e.estimate for e in found] == pytest.approx([-0.03, -0.02], rel=TOLERANCE["float"])


def test_pool_refuses_a_single_comparison():
    trials = [load_trial(path) for path in FILES]
    with pytest.raises(ReanalysisError, match="1 comparison"):
        pool_trials(trials, "pa_spine_bmd", "md_change", r=0.95)


def test_cli_pool_json(capsys):
    argv = ["pool", *map(str, FILES), "--outcome", "estradiol", "--measure", "romc"]
    argv += ["--r", "0.5", "--followup", "first", "--json"]
    assert main(argv) == 0
    (payload,) = json.loads(capsys.readouterr().out)  # always a list of records
    keys = {"k", "estimate", "se", "ci_low", "ci_high", "ci_low_hksj", "ci_high_hksj", "tau2"}
    keys |= {"i2", "q", "q_p", "pi_low", "pi_high", "method", "measure"}
    assert keys <= set(payload)
    assert payload["estimate"] == pytest.approx(METAFOR_ESTRADIOL_REML[0], rel=TOLERANCE["metafor"])


def test_cli_pool_warns_with_two_studies(capsys):
    argv = ["pool", str(FILES[1]), "--outcome", "estradiol", "--measure", "romc", "--r", "0.5"]
    assert main(argv) == 0
    assert "warning: only 2 studies" in capsys.readouterr().err


def test_cli_pool_bad_input(capsys):
    argv = ["pool", *map(str, FILES), "--outcome", "pa_spine_bmd", "--measure", "md_change"]
    assert main(argv) == 2
    assert "pooling needs at least 2" in capsys.readouterr().err
    argv = ["pool", str(FILES[1]), "--outcome", "estradiol", "--measure", "romc"]
    assert main([*argv, "--subgroup", "nolabel"]) == 2
    assert "ARM=LABEL" in capsys.readouterr().err


def test_common_effect_model_matches_metafor_fe():
    # R metafor 3.8-1 on DerSimonian & Kacker 2007's CLASP trials:
    #   fit <- rma(yi, vi, method = "FE")   # yi, vi as in the random_effects doctest
    #   sprintf("%.17g", c(fit$beta, fit$se, fit$ci.lb, fit$ci.ub, fit$QE, fit$I2))
    a, n1 = np.array([5, 5, 12, 69, 9, 313]), np.array([156, 303, 565, 1570, 103, 4659])
    c, n2 = np.array([8, 17, 9, 94, 11, 352]), np.array([74, 303, 477, 1565, 105, 4650])
    y = np.log(a * (n2 - c) / ((n1 - a) * c))
    v = 1 / a + 1 / (n1 - a) + 1 / c + 1 / (n2 - c)
    pooled = random_effects(y, v, method="fe")
    tol = TOLERANCE["metafor"]
    assert pooled.estimate == pytest.approx(-0.19734696130462201, rel=tol)
    assert pooled.standard_error == pytest.approx(0.069368315107334169, rel=tol)
    low, high = pooled.confidence_interval()
    assert low == pytest.approx(-0.33330636058322272, rel=tol)
    assert high == pytest.approx(-0.061387562026021331, rel=tol)
    assert pooled.q == pytest.approx(9.6778673915888156, rel=tol)
    assert pooled.i2 == pytest.approx(48.335725241021827, rel=tol)
    assert pooled.tau2 == 0


def test_each_comparison_is_pooled_at_its_own_configured_r():
    # tests/fixtures/other_field_configured/analysis.toml sets r = 0.7 for LDL; R (see
    # tests/reference/other_field.R) gives the change-score SE at r = 0.7 as 4.50534 and at
    # the default r = 0.5 as 5.81119. Without an r, pooling keeps each comparison's own.
    from reanalysis.analysis.synthesis import study_effects
    from reanalysis.data.settings import load_settings

    fixtures = Path(__file__).resolve().parent / "fixtures"
    trial = load_trial(fixtures / "other_field" / "lipids.csv")
    configured = load_settings(fixtures / "other_field_configured" / "analysis.toml")
    reference = json.loads(
        (Path(__file__).parent / "reference" / "other_field_values.json").read_text()
    )
    se = {
        x["r"]: x["change"]["standard_error"]
        for x in reference["records"]
        if x["outcome"] == "ldl_cholesterol"
    }
    (own,) = study_effects([trial], "ldl_cholesterol", "md_change", settings=configured)
    (plain,) = study_effects([trial], "ldl_cholesterol", "md_change")
    assert own.variance == pytest.approx(se[0.7] ** 2, rel=TOLERANCE["metafor"])
    assert plain.variance == pytest.approx(se[0.5] ** 2, rel=TOLERANCE["metafor"])
