"""Reproduce Morris (2008), Organ Res Methods 11:364-386, and metafor's checks of it.

Data: the five training studies (Carlson & Schmidt 1999) Morris uses, as typed in
metafor's tests/testthat/test_analysis_example_morris2008.r (wviechtb/metafor,
commit 0d037744fd8f50f54537adece968394c911b6073) and on
https://metafor-project.org/doku.php/analyses:morris2008.
"""

import math

import pytest
from scipy import stats

from reanalysis.stats.effects import PrePost, dppc2, smcc, smcc_difference, smcr, smcr_difference
from tests.tolerances import TOLERANCE

# (pre mean, pre SD, post mean, post SD, n), treatment then control; r per study.
STUDIES = [
    ((30.6, 15.0, 38.5, 11.6, 20), (23.1, 13.8, 19.7, 14.8, 20), 0.47),
    ((23.5, 3.1, 26.8, 4.1, 50), (24.9, 4.1, 25.3, 3.3, 42), 0.64),
    ((0.5, 0.1, 0.7, 0.1, 9), (0.6, 0.2, 0.6, 0.2, 9), 0.77),
    ((53.4, 14.5, 75.9, 4.4, 10), (55.7, 17.3, 60.7, 17.9, 11), 0.89),
    ((35.6, 4.7, 36.0, 4.6, 14), (34.8, 3.1, 33.4, 6.9, 14), 0.44),
]


def _arm(values):
    pre, sd_pre, post, sd_post, n = values
    return PrePost(n, pre, sd_pre, post, sd_post)


def _study(index):
    treatment, control, r = STUDIES[index]
    return _arm(treatment), _arm(control), r


@pytest.mark.parametrize(
    "index, published",
    # Morris 2008, Table 5, column d_ppc2 (metafor-project.org/doku.php/analyses:morris2008
    # states its pooled-SD values are "the exact same value given in Table 5").
    [(0, 0.77), (1, 0.80), (2, 1.20), (3, 1.05), (4, 0.44)],
)
def test_morris2008_table5_dppc2(index, published):
    treatment, control, r = _study(index)
    assert round(dppc2(treatment, control, r).estimate, 2) == published


@pytest.mark.parametrize(
    "index, published",
    # Morris 2008, Table 1, p. 368: difference of Becker's standardized mean changes.
    [(0, 0.74), (1, 0.95), (2, 1.81), (3, 1.15), (4, 0.51)],
)
def test_morris2008_table1_smcr_difference(index, published):
    treatment, control, r = _study(index)
    assert round(smcr_difference(treatment, control, r).estimate, 2) == published


# metafor output stored in test_analysis_example_morris2008.r, produced by
#   escalc(measure="SMCR", m1i=m_post, m2i=m_pre, sd1i=sd_pre, ni=ni, ri=ri, data=datT)
# and likewise for datC; values rounded to 4 decimals there.
SMCR_METAFOR = {
    "treatment": (
        [0.5056, 1.0481, 1.8054, 1.4181, 0.0801],
        [0.0594, 0.0254, 0.2322, 0.1225, 0.0802],
    ),
    "control": (
        [-0.2365, 0.0958, 0.0000, 0.2667, -0.4250],
        [0.0544, 0.0173, 0.0511, 0.0232, 0.0864],
    ),
}
# escalc(measure="SMCC", m1i=m_post, m2i=m_pre, sd1i=sd_post, sd2i=sd_pre, ni=ni, ri=ri, ...)
SMCC_METAFOR = {
    "treatment": (
        [0.5417, 1.0198, 2.6619, 1.9088, 0.0765],
        [0.0573, 0.0304, 0.5048, 0.2822, 0.0716],
    ),
    "control": (
        [-0.2213, 0.1219, 0.0000, 0.5575, -0.2126],
        [0.0512, 0.0240, 0.1111, 0.1050, 0.0730],
    ),
}
# dat <- data.frame(yi = datT$yi - datC$yi, vi = datT$vi + datC$vi); round(dat$vi, 4)
SMCR_DIFF_VAR_METAFOR = [0.1138, 0.0426, 0.2833, 0.1458, 0.1667]
SMCC_DIFF_METAFOR = ([0.76, 0.90, 2.66, 1.35, 0.29], [0.1086, 0.0544, 0.6159, 0.3872, 0.1447])


# round() returns the double nearest the rounded decimal, which is the double the printed
# literal denotes, so rounded values are compared exactly.
@pytest.mark.parametrize("index", range(5))
@pytest.mark.parametrize("side", ["treatment", "control"])
def test_metafor_escalc_smcr_and_smcc(index, side):
    treatment, control, r = _study(index)
    arm = treatment if side == "treatment" else control
    for function, table in ((smcr, SMCR_METAFOR), (smcc, SMCC_METAFOR)):
        effect = function(arm, r)
        assert round(effect.estimate, 4) == table[side][0][index]
        assert round(effect.variance, 4) == table[side][1][index]


@pytest.mark.parametrize("index", range(5))
def test_metafor_morris2008_differences(index):
    treatment, control, r = _study(index)
    assert round(smcr_difference(treatment, control, r).variance, 4) == SMCR_DIFF_VAR_METAFOR[index]
    difference = smcc_difference(treatment, control, r)
    assert round(difference.estimate, 2) == SMCC_DIFF_METAFOR[0][index]
    assert round(difference.variance, 4) == SMCC_DIFF_METAFOR[1][index]


@pytest.mark.parametrize("index", range(5))
def test_dppc2_variance_is_scaled_noncentral_t_variance(index):
    # Second computation: d_ppc2 = c·√K·T with T noncentral t(df, δ/√K) and
    # K = 2(1−ρ)(n_T+n_C)/(n_T·n_C), so Var(d_ppc2) = c²·K·Var(T) (Morris 2008, eq. 25
    # is this in closed form); scipy.stats.nct computes Var(T) independently, with the
    # estimate standing in for δ as in Morris's Table 5.
    treatment, control, r = _study(index)
    effect = dppc2(treatment, control, r)
    n_t, n_c = treatment.n, control.n
    df = n_t + n_c - 2
    c = math.exp(math.lgamma(df / 2) - math.lgamma((df - 1) / 2)) / math.sqrt(df / 2)
    k = 2 * (1 - r) * (n_t + n_c) / (n_t * n_c)
    expected = c**2 * k * stats.nct.var(df, effect.estimate / math.sqrt(k))
    assert effect.variance == pytest.approx(expected, rel=TOLERANCE["independent"])
