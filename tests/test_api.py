"""The top-level API (``import reanalysis as ra``) and the one result protocol.

Reference values: R (tests/reference/api_examples.R; Morris 2008 study 1 as typed in
metafor's tests), SciPy's ``ttest_ind_from_stats(alternative=...)`` and statsmodels'
``TTestIndPower(alternative=...)``, each computed independently of the package.
"""

from __future__ import annotations

import io
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.power import TTestIndPower

import reanalysis as ra
from reanalysis.errors import ReanalysisError
from reanalysis.stats.effects import change_score_sd
from tests.tolerances import TOLERANCE

ROOT = Path(__file__).resolve().parents[1]
MORRIS_ROWS = [  # Morris 2008 study 1 (metafor's tests/testthat/test_analysis_example_morris2008.r)
    ("training", "treatment", "pre", 0, 30.6, 15.0),
    ("training", "treatment", "post", 8, 38.5, 11.6),
    ("control", "control", "pre", 0, 23.1, 13.8),
    ("control", "control", "post", 8, 19.7, 14.8),
]
TREATMENT = ra.PrePost(20, 30.6, 15.0, 38.5, 11.6)
CONTROL = ra.PrePost(20, 23.1, 13.8, 19.7, 14.8)
R = 0.47
# R 4.2, tests/reference/api_examples.R (printed with sprintf("%.15g")).
R_DIFFERENCE = (11.3, 4.54694622796443, 2.48518443664524, 0.0174663506323699)
R_CI_95 = (2.09518859248726, 20.5048114075127)
R_CI_90 = (3.63405572682504, 18.965944273175)
R_P_LARGER = 0.00873317531618494
R_POWER_LARGER_64 = 0.878664191404399  # pwr.t.test(n=64, d=0.5, alternative="greater")
R_POWER_33_36 = 0.658663030728568  # pwr.t2n.test(33, 36, d=±0.5, "greater" / "less")
R_N_LARGER = 50.1507833868568  # pwr power solved for n to 1e-14, alternative "greater"
R_MDE_LARGER = 0.441930052891632  # pwr power solved for d to 1e-14, alternative "greater"


def morris_frame() -> pd.DataFrame:
    columns = ("arm", "role", "timepoint", "week", "mean", "sd")
    frame = pd.DataFrame(MORRIS_ROWS, columns=columns)
    return frame.assign(
        study="morris1", outcome="score", unit="points", n=20, source="Morris 2008, Table 5"
    )


# --- import and names ----------------------------------------------------------------


def test_import_is_lazy_and_light() -> None:
    # A fresh interpreter: importing the package must not import the heavy libraries.
    code = (
        "import sys, reanalysis\n"
        "heavy = {'pandas', 'scipy', 'matplotlib', 'statsmodels', 'numpy'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "[]"


def test_every_public_name_resolves_and_is_documented() -> None:
    assert len(ra.__all__) == len(set(ra.__all__))
    for name in ra.__all__:
        value = getattr(ra, name)
        if name != "__version__":
            assert value.__doc__, name
    assert set(ra.__all__) <= set(dir(ra))
    with pytest.raises(AttributeError, match="no_such_name"):
        ra.no_such_name  # noqa: B018


def test_version_matches_pyproject() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert ra.__version__ == project["version"]


# --- load_trial from memory --------------------------------------------------------------


def test_load_trial_from_a_dataframe_writes_nothing_and_is_named(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    trial = ra.load_trial(morris_frame())
    assert trial.name == "trial" and list(tmp_path.iterdir()) == []
    named = ra.load_trial(morris_frame(), name="morris1")
    assert named.name == "morris1"
    assert named.measurement("score", "training", 8).mean == 38.5
    assert named.rows == trial.rows


@pytest.mark.parametrize("kind", ["text", "bytes", "file"])
def test_load_trial_from_a_buffer_or_open_file(kind, tmp_path) -> None:
    text = morris_frame().to_csv(index=False)
    path = tmp_path / "morris_one.csv"
    path.write_text(text, encoding="utf-8")
    if kind == "file":
        with path.open(encoding="utf-8") as handle:
            trial = ra.load_trial(handle)
        assert trial.name == "morris_one"
    else:
        buffer = io.StringIO(text) if kind == "text" else io.BytesIO(text.encode("utf-8-sig"))
        trial = ra.load_trial(buffer, name="m")
        assert trial.name == "m"
    assert trial.rows == ra.load_trial(path).rows


def test_load_trial_from_memory_reports_bad_input_in_one_line() -> None:
    frame = morris_frame()
    frame.loc[2, "sd"] = -1.0
    with pytest.raises(ReanalysisError, match=r"^morris1: line 4, column 'sd': expected a posi"):
        ra.load_trial(frame, name="morris1")
    with pytest.raises(ReanalysisError, match="not UTF-8"):
        ra.load_trial(io.BytesIO(b"study,arm\n\xff\n"))
    with pytest.raises(ReanalysisError, match="empty file"):
        ra.load_trial(io.StringIO(""))


def test_load_trial_from_a_dataframe_with_se_instead_of_sd() -> None:
    frame = morris_frame().assign(se=lambda f: f["sd"] / math.sqrt(20))
    frame["sd"] = np.nan
    trial = ra.load_trial(frame)
    assert trial.measurement("score", "training", 0).sd == pytest.approx(15.0, rel=1e-12)


# --- the result protocol ------------------------------------------------------------------


def every_result():
    pooled_trials = [ra.load_trial(morris_frame(), name=f"t{i}") for i in range(3)]
    return {
        "TTestResult": ra.difference_in_change(TREATMENT, CONTROL, R),
        "AncovaResult": ra.ancova_from_summary(TREATMENT, CONTROL, R),
        "ArmChange": ra.arm_change(TREATMENT, R),
        "StandardizedEffect": ra.dppc2(TREATMENT, CONTROL, R),
        "PooledEstimate": ra.pool_trials(pooled_trials, "score", "md_change", r=R),
        "NormalPosterior": ra.normal_posterior(3.0, 1.0, 0.0, 2.0, threshold=1.0),
        "ImpliedCorrelation": ra.implied_correlation(TREATMENT, CONTROL, reported_p=0.0175),
        "PowerResult": ra.two_sample_power(0.5, 64, 64),
        "SampleSize": ra.sample_size_per_group(0.5, 0.8),
        "MinimumDetectableEffect": ra.minimum_detectable_effect(64, 64, 0.8),
    }


@pytest.mark.parametrize("name", list(every_result()))
def test_every_result_has_the_protocol(name) -> None:
    result = every_result()[name]
    assert type(result).__name__ == name
    record = result.to_dict()
    json.dumps(record, allow_nan=False)  # plain, finite values only
    assert all(not isinstance(v, np.generic) for v in record.values())
    frame = result.to_frame()
    assert isinstance(frame, pd.DataFrame) and len(frame) == 1
    text = repr(result)
    assert text.startswith(f"{name}(") and "\n" not in text and "np." not in text
    assert len(text) <= 120  # one short line
    assert result._repr_html_().startswith("<table>")


# Estimates carry an interval; the design answers (power, n, MDE) and an implied r do not.
ESTIMATES = ["TTestResult", "AncovaResult", "ArmChange", "StandardizedEffect"]
ESTIMATES += ["PooledEstimate", "NormalPosterior"]


@pytest.mark.parametrize("name", ESTIMATES)
def test_every_estimate_has_an_interval_that_unpacks(name) -> None:
    result = every_result()[name]
    lo, hi = result.confidence_interval(0.9)
    assert type(lo) is float and type(hi) is float and lo < hi
    assert result.confidence_interval(0.9) == ra.ConfidenceInterval(lo, hi)
    wide = result.confidence_interval(0.99)
    assert wide.low < lo and hi < wide.high
    low, high = ("cri_low", "cri_high") if name == "NormalPosterior" else ("ci_low", "ci_high")
    record = result.to_dict(0.9)
    assert (record[low], record[high]) == (lo, hi)


def test_standard_field_names_everywhere() -> None:
    results = every_result()
    for name in ("TTestResult", "AncovaResult", "ArmChange", "PooledEstimate"):
        record = results[name].to_dict()
        assert {"estimate", "standard_error", "statistic", "pvalue", "df"} <= set(record), name
    assert {"estimate", "standard_error"} <= set(results["StandardizedEffect"].to_dict())
    pooled = results["PooledEstimate"]
    assert pooled.se == pooled.standard_error  # the deprecated alias the report still reads


def test_short_repr_of_a_t_test() -> None:
    # R: 11.3, SE 4.54695, t 2.48518, p 0.0174664 on 38 df, shown at 4 significant digits.
    result = ra.difference_in_change(TREATMENT, CONTROL, R)
    assert repr(result) == (
        "TTestResult(estimate=11.3, standard_error=4.547, statistic=2.485, pvalue=0.01747, df=38)"
    )


def test_t_test_numbers_and_intervals_match_r() -> None:
    result = ra.difference_in_change(TREATMENT, CONTROL, R)
    got = (result.estimate, result.standard_error, result.statistic, result.pvalue)
    assert got == pytest.approx(R_DIFFERENCE, rel=TOLERANCE["metafor"])
    assert result.confidence_interval() == pytest.approx(R_CI_95, rel=TOLERANCE["metafor"])
    assert result.confidence_interval(0.9) == pytest.approx(R_CI_90, rel=TOLERANCE["metafor"])


def test_one_sided_t_tests_match_r_and_scipy() -> None:
    result = ra.difference_in_change(TREATMENT, CONTROL, R)
    larger = result.with_alternative("larger")
    assert larger.pvalue == pytest.approx(R_P_LARGER, rel=TOLERANCE["metafor"])
    assert larger.alternative == "larger" and larger.estimate == result.estimate
    sd_t = change_score_sd(15.0, 11.6, R)
    sd_c = change_score_sd(13.8, 14.8, R)
    for alternative, scipy_name in (("larger", "greater"), ("smaller", "less")):
        ours = result.with_alternative(alternative)
        theirs = stats.ttest_ind_from_stats(7.9, sd_t, 20, -3.4, sd_c, 20, alternative=scipy_name)
        assert ours.pvalue == pytest.approx(theirs.pvalue, rel=TOLERANCE["independent"])
    # One-sided 95% bound = two-sided 90% bound (t quantile at 0.95 in both).
    assert larger.confidence_interval().low == pytest.approx(R_CI_90[0], rel=1e-12)
    assert larger.confidence_interval().high == math.inf
    assert larger.to_dict()["ci_high"] is None  # JSON has no infinity
    smaller = result.with_alternative("smaller")
    assert smaller.confidence_interval() == pytest.approx((-math.inf, R_CI_90[1]), rel=1e-12)
    assert smaller.with_alternative("two-sided").pvalue == pytest.approx(result.pvalue, rel=1e-15)
    with pytest.raises(ReanalysisError, match="alternative must be one of"):
        result.with_alternative("greater")


def test_trial_effects_to_one_tidy_frame() -> None:
    trial = ra.load_trial(ROOT / "data" / "snyder2004.csv")
    effects = ra.between_arm_effects(trial, "estradiol", r=0.5)
    frame = effects.to_frame()
    assert len(frame) == len(effects.records()) == 3  # two arms alone, then dose vs dose
    assert frame["comparison"].tolist()[-1] == "treatment_vs_treatment"
    assert "\n" not in repr(effects) and "html" not in repr(effects)
    assert effects._repr_html_().startswith("<table")
    one_sided = effects.to_frame(0.9, "smaller")
    assert set(one_sided["alternative"]) == {"smaller"}
    assert set(one_sided["confidence_level"]) == {0.9}


# --- one-sided power ------------------------------------------------------------------------


@pytest.mark.parametrize("alternative", ["larger", "smaller"])
def test_one_sided_power_grid_matches_statsmodels(alternative) -> None:
    rng = np.random.default_rng(12)
    d = rng.uniform(-1.5, 1.5, 200)
    n1 = rng.integers(2, 150, 200).astype(float)
    n2 = rng.integers(2, 150, 200).astype(float)
    alpha = rng.choice([0.001, 0.01, 0.05, 0.1], 200)
    grid = ra.power_grid(d, n1, n2, alpha=alpha, alternative=alternative)
    model = TTestIndPower()
    expected = np.array(
        [
            model.power(a, b, al, ratio=c / b, alternative=alternative)
            for a, b, c, al in zip(d, n1, n2, alpha, strict=True)
        ]
    )
    finite = np.isfinite(expected)
    assert finite.mean() > 0.9
    np.testing.assert_allclose(
        grid[finite], expected[finite], rtol=0, atol=TOLERANCE["statsmodels_power"]
    )


def test_one_sided_power_matches_r_pwr() -> None:
    tol = TOLERANCE["metafor"]
    assert ra.two_sample_power(0.5, 64, 64, alternative="larger").power == pytest.approx(
        R_POWER_LARGER_64, rel=tol
    )
    assert ra.two_sample_power(0.5, 33, 36, alternative="larger").power == pytest.approx(
        R_POWER_33_36, rel=tol
    )
    assert ra.two_sample_power(-0.5, 33, 36, alternative="smaller").power == pytest.approx(
        R_POWER_33_36, rel=tol
    )
    result = ra.two_sample_power(0.5, 64, 64, alternative="larger")
    assert result.critical_value == pytest.approx(stats.t.ppf(0.95, 126), rel=1e-12)


def test_one_sided_sample_size_and_mde_match_r_and_statsmodels() -> None:
    size = ra.sample_size_per_group(0.5, 0.8, alternative="larger")
    assert size.n_per_group == pytest.approx(R_N_LARGER, rel=TOLERANCE["root"])
    assert size.n_per_group_ceil == 51
    smaller = ra.sample_size_per_group(-0.5, 0.8, alternative="smaller")
    assert smaller.n_per_group == pytest.approx(R_N_LARGER, rel=TOLERANCE["root"])
    assert smaller.effect_size == -0.5
    mde = ra.minimum_detectable_effect(64, 64, 0.8, alternative="larger")
    assert mde.effect_size == pytest.approx(R_MDE_LARGER, rel=TOLERANCE["root"])
    expected = TTestIndPower().solve_power(
        effect_size=None, nobs1=64, alpha=0.05, power=0.8, alternative="larger"
    )
    assert mde.effect_size == pytest.approx(expected, abs=TOLERANCE["statsmodels_solve"])
    assert ra.minimum_detectable_effect(64, 64, 0.8, alternative="smaller").effect_size == (
        pytest.approx(-R_MDE_LARGER, rel=TOLERANCE["root"])
    )


def test_one_sided_questions_against_the_effect_are_refused() -> None:
    with pytest.raises(ReanalysisError, match="effect_size must be > 0 for alternative='larger'"):
        ra.sample_size_per_group(-0.5, 0.8, alternative="larger")
    with pytest.raises(ReanalysisError, match="alternative must be one of"):
        ra.two_sample_power(0.5, 10, 10, alternative="greater")
    # Power against the direction of the effect is below alpha (statsmodels agrees).
    below = ra.two_sample_power(0.5, 20, 20, alternative="smaller").power
    assert below == pytest.approx(
        TTestIndPower().power(0.5, 20, 0.05, alternative="smaller"), abs=1e-12
    )
    assert below < 0.05
