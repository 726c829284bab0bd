"""Trials from other fields: the package's effects against R, and the report of any folder.

Fixtures (invented numbers, each row labelled "synthetic example for tests"):
``tests/fixtures/other_field/`` holds three trial CSVs and nothing else — a statin-vs-placebo
lipid trial (LDL and HDL cholesterol, mg/dL, weeks 0 and 12), a three-arm depression trial
(group CBT, individual CBT, waiting list; PHQ-9 points, weeks 0 and 16) and a two-arm
shoulder-pain trial (SPADI points, weeks 0 and 12). ``tests/fixtures/other_field_configured/``
holds the same CSVs and an ``analysis.toml`` (LDL r = 0.7; PHQ-9 r_range [0.4, 0.7]).

Expected values: ``tests/reference/other_field_values.json``, written by
``Rscript tests/reference/other_field.R`` (R 4.2.2, metafor 3.8-1, MASS 7.3-58.2). Each
quantity is computed there without the package, most by two routes: Student's t from the
formula and ``t.test(var.equal = TRUE)`` on pseudo individual data
(``MASS::mvrnorm(empirical = TRUE)``, which reproduces each arm's means, SDs and r exactly);
ANCOVA from normal equations assembled from the summary statistics and ``lm(post ~ pre +
group)`` on the pseudo individual data; Hedges' g by ``metafor::escalc("SMD")``; d_ppc2 by
Morris 2008 eq. 8-9 with ``metafor:::.cmicalc``. See the R script's header for the details.
"""

import json
import math
import re
from pathlib import Path

import pytest

from reanalysis import cli
from reanalysis.data.settings import DEFAULT_R, load_settings
from reanalysis.data.trials import Trial, load_trial
from reanalysis.stats.effects import (
    PrePost,
    ancova_from_summary,
    ancova_pseudo_ipd,
    arm_change,
    difference_in_change,
    dppc2,
    final_value_difference,
    hedges_g_final,
)

FIXTURES = Path(__file__).parent / "fixtures"
CSV_ONLY = FIXTURES / "other_field"
CONFIGURED = FIXTURES / "other_field_configured"
REFERENCE = json.loads(
    (Path(__file__).parent / "reference" / "other_field_values.json").read_text(encoding="utf-8")
)
RECORDS = REFERENCE["records"]

# R values written with 17 significant digits (exact doubles); both sides compute the same
# closed forms or exact least squares in a different order, and far-tail p-values (down to
# 1e-22 here) amplify the last-digit differences in t by about |t|, so 1e-9 relative,
# with no absolute floor: a floor would let any tiny p-value pass (relative).
R_REFERENCE = 1e-9
# results.json stores floats to 12 significant digits, well inside R_REFERENCE.

TITLE = "Reanalysis: lipid, depression and shoulder-pain trials"
# Words of the shipped article's case; none may leak into the report of another folder.
SHIPPED_WORDS = (
    "anastrozole",
    "estradiol",
    "testosterone",
    "bmd",
    "bone",
    " men ",
    "burnett",
    "snyder",
    "aromatase",
)


def _close(actual: float, expected: float) -> bool:
    return actual == pytest.approx(expected, rel=R_REFERENCE, abs=0)


def _arm(trial: Trial, outcome: str, arm: str, week: float) -> PrePost:
    base, end = trial.measurement(outcome, arm, 0), trial.measurement(outcome, arm, week)
    return PrePost(end.n, base.mean, base.sd, end.mean, end.sd)


def _pair(record: dict) -> tuple[PrePost, PrePost, float]:
    trial = load_trial(CSV_ONLY / f"{record['trial']}.csv")
    week = record["week"]
    treatment = _arm(trial, record["outcome"], record["treatment"], week)
    control = _arm(trial, record["outcome"], record["control"], week)
    return treatment, control, record["r"]


def _record_id(record: dict) -> str:
    return f"{record['outcome']}-{record['treatment']}-vs-{record['control']}-r{record['r']:g}"


def _assert_t(result, expected: dict) -> None:
    ci = result.confidence_interval()
    actual = {
        "estimate": result.estimate,
        "standard_error": result.standard_error,
        "df": result.df,
        "statistic": result.statistic,
        "pvalue": result.pvalue,
        "ci_low": ci.low,
        "ci_high": ci.high,
    }
    for key, value in actual.items():
        assert _close(value, expected[key]), (key, value, expected[key])


# --- (a) the package's functions against R ---------------------------------------------


def test_reference_covers_every_pair_of_the_fixtures():
    """The R script compared every treatment arm with every control, and treatments pairwise."""
    expected = set()
    for path in sorted(CSV_ONLY.glob("*.csv")):
        trial = load_trial(path)
        for outcome in trial.outcomes:
            treatments = [a for a in trial.arms_reporting(outcome) if trial.role(a) == "treatment"]
            controls = [a for a in trial.arms_reporting(outcome) if trial.role(a) == "control"]
            expected |= {(outcome, t, c) for t in treatments for c in controls}
            expected |= {
                (outcome, treatments[i], treatments[j])
                for i in range(len(treatments))
                for j in range(i + 1, len(treatments))
            }
    assert {(r["outcome"], r["treatment"], r["control"]) for r in RECORDS} == expected
    assert len(expected) == 6


def test_configured_folder_holds_the_same_csvs():
    for path in sorted(CSV_ONLY.glob("*.csv")):
        assert (CONFIGURED / path.name).read_bytes() == path.read_bytes()
    assert sorted(p.name for p in CSV_ONLY.iterdir()) == [
        "depression.csv",
        "lipids.csv",
        "shoulder.csv",
    ]


def test_reference_r_values_are_the_ones_the_settings_resolve():
    """R used 0.5 (documented default), 0.7 (configured) and 0.55 (midpoint of [0.4, 0.7])."""
    settings = load_settings(CONFIGURED / "analysis.toml")
    assert DEFAULT_R == 0.5
    for record in RECORDS:
        if "other_field" in record["folders"]:
            assert record["r"] == DEFAULT_R
        if "other_field_configured" in record["folders"]:
            assert _close(settings.outcome(record["outcome"]).r, record["r"])
    assert {r["r"] for r in RECORDS} == {0.5, 0.55, 0.7}


@pytest.mark.parametrize("record", RECORDS, ids=_record_id)
def test_arm_change_matches_r(record):
    treatment, control, r = _pair(record)
    for arm, expected in ((treatment, record["treatment_arm"]), (control, record["control_arm"])):
        change = arm_change(arm, r)
        assert change.n == expected["n"]
        assert _close(change.mean_change, expected["mean_change"])
        # Cochrane Handbook 6.5.2.8 in R: sqrt(sd0^2 + sd1^2 - 2 r sd0 sd1).
        assert _close(change.change_sd, expected["change_sd"])


@pytest.mark.parametrize("record", RECORDS, ids=_record_id)
@pytest.mark.parametrize("route", ["change", "change_ipd"])
def test_difference_in_change_matches_r(record, route):
    """Student's pooled t on change: R's formula, and t.test on pseudo individual data."""
    treatment, control, r = _pair(record)
    _assert_t(difference_in_change(treatment, control, r), record[route])


@pytest.mark.parametrize("record", RECORDS, ids=_record_id)
@pytest.mark.parametrize("route", ["ancova", "ancova_ipd"])
def test_ancova_from_summary_matches_r(record, route):
    """ANCOVA: R's normal equations from summary data, and lm() on pseudo individual data."""
    treatment, control, r = _pair(record)
    result = ancova_from_summary(treatment, control, r)
    _assert_t(result, record[route])
    assert _close(result.slope, record[route]["slope"])


@pytest.mark.parametrize("record", RECORDS, ids=_record_id)
def test_ancova_pseudo_ipd_matches_r_lm(record):
    """The package's own pseudo-IPD OLS (statsmodels) against R's lm on MASS pseudo-IPD."""
    treatment, control, r = _pair(record)
    result = ancova_pseudo_ipd(treatment, control, r)
    _assert_t(result, record["ancova_ipd"])
    assert _close(result.slope, record["ancova_ipd"]["slope"])


@pytest.mark.parametrize("record", RECORDS, ids=_record_id)
@pytest.mark.parametrize("route", ["final", "final_ipd"])
def test_final_value_difference_matches_r(record, route):
    treatment, control, _ = _pair(record)
    _assert_t(final_value_difference(treatment, control), record[route])


@pytest.mark.parametrize("record", RECORDS, ids=_record_id)
def test_hedges_g_final_matches_metafor_smd(record):
    treatment, control, _ = _pair(record)
    g = hedges_g_final(treatment, control)
    assert _close(g.estimate, record["hedges_g_final"]["estimate"])
    assert _close(g.variance, record["hedges_g_final"]["variance"])


@pytest.mark.parametrize("record", RECORDS, ids=_record_id)
def test_dppc2_matches_morris_eq8_in_r(record):
    treatment, control, r = _pair(record)
    d = dppc2(treatment, control, r)
    assert _close(d.estimate, record["dppc2"]["estimate"])
    assert _close(d.variance, record["dppc2"]["variance"])


# --- (b) the report of a folder from another field -------------------------------------


def _effect_record(effects: list[dict], expected: dict) -> dict:
    found = [
        e
        for e in effects
        if e.get("outcome") == expected["outcome"]
        and e.get("treatment") == expected["treatment"]
        and e.get("control") == expected["control"]
        and math.isclose(e.get("week", expected["week"]), expected["week"])
    ]
    assert found, f"no effect record for {_record_id(expected)}"
    at_r = [e for e in found if "r" not in e or _close(e["r"], expected["r"])]
    assert len(at_r) == 1, f"{_record_id(expected)}: r values {[e.get('r') for e in found]}"
    return at_r[0]


@pytest.mark.parametrize("folder", [CSV_ONLY, CONFIGURED], ids=lambda p: p.name)
def test_report_of_a_folder_from_another_field(folder, tmp_path):
    out = tmp_path / "out"
    status = cli.main(["report", "--data", str(folder), "--out", str(out)])
    assert status == 0
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    expected = [
        r
        for r in RECORDS
        if folder.name in r["folders"] and r["comparison"] == "treatment_vs_control"
    ]
    assert len(expected) == 5
    for record in expected:
        effect = _effect_record(results["effects"], record)
        assert _close(effect["md_change"], record["change"]["estimate"])
        assert _close(effect["p_change"], record["change"]["pvalue"])
    figures = sorted((out / "figures").glob("*.svg"))
    assert figures
    for path in [out / "report.md", out / "report.html", *figures]:
        # Inline figures are base64: their letters could spell anything; the SVGs are read
        # as text on their own.
        text = re.sub(r"base64,[A-Za-z0-9+/=]+", "", path.read_text(encoding="utf-8"))
        leaked = [word for word in SHIPPED_WORDS if word in text.lower()]
        assert not leaked, f"{path.name} mentions {leaked}"
        if folder == CONFIGURED and path.suffix != ".svg":
            assert TITLE in text
