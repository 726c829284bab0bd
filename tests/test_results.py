"""results.json holds what the API returns: every section recomputed through the public API."""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reanalysis.analysis import bayes, claims, consistency, power, trial_effects
from reanalysis.data.trials import load_trial
from reanalysis.report import tables
from reanalysis.report.results import build_results, normalize
from reanalysis.stats import correlation, effects
from tests.shipped import shipped_settings
from tests.tolerances import TOLERANCE

DATA = Path(__file__).resolve().parents[1] / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="module")
def results() -> dict:
    return build_results(DATA)


def _same(stored, fresh) -> None:
    fresh = normalize(fresh)
    if isinstance(stored, float) or isinstance(fresh, float):
        assert stored == pytest.approx(fresh, rel=TOLERANCE["results_json"], abs=1e-300)
    elif isinstance(stored, dict):
        for key, value in fresh.items():
            _same(stored[key], value)
    elif isinstance(stored, list):
        assert len(stored) == len(fresh)
        for a, b in zip(stored, fresh, strict=True):
            _same(a, b)
    else:
        assert stored == fresh


def test_effects_equal_between_arm_effects(results: dict) -> None:
    for record in results["effects"]:
        trial = load_trial(DATA / Path(record["file"]).name)
        implied = record["r_source"] == "implied by the reported P"
        r = None
        if implied:
            x = next(
                x
                for x in results["reported_reanalyses"]
                if (x["trial"], x["study"], x["outcome"], x["week"], *x["arms"])
                == (
                    record["trial"],
                    record["study"],
                    record["outcome"],
                    record["week"],
                    record["treatment"],
                    record["control"],
                )
            )
            r = _implied(x).correlation
        fresh = trial_effects.between_arm_effects(
            trial,
            record["outcome"],
            record["week"],
            r=r,
            study=record["study"],
            settings=shipped_settings(),
        ).records()
        match = [
            f
            for f in fresh
            if (f["treatment"], f["control"], f["comparison"])
            == (record["treatment"], record["control"], record["comparison"])
        ]
        assert len(match) == 1
        _same(record, match[0] | ({"r_source": record["r_source"]} if implied else {}))


def _implied(x: dict, analysis: str = "change") -> correlation.ImpliedCorrelation:
    """The implied correlation recomputed from the data (not the stored, rounded r)."""
    trial = load_trial(DATA / Path(x["file"]).name)
    arms = []
    for arm in x["arms"]:
        base = trial.measurement(x["outcome"], arm, 0, x["study"])
        end = trial.measurement(x["outcome"], arm, x["week"], x["study"])
        arms.append(effects.PrePost(end.n, base.mean, base.sd, end.mean, end.sd))
    return correlation.implied_correlation(*arms, reported_p=x["reported_p"], analysis=analysis)


def _reanalysis(results: dict, record_id: str) -> dict:
    return next(x for x in results["reported_reanalyses"] if x["id"] == record_id)


def test_implied_correlations_equal_implied_correlation(results: dict) -> None:
    for x in results["reported_reanalyses"]:
        for analysis in correlation.ANALYSES:
            _same(x["implied"][analysis]["roots"], list(_implied(x, analysis).roots))


def test_headline_implied_r_matches_an_independent_computation(results: dict) -> None:
    # Independent route: Student t on change scores written out from the Cochrane
    # change-SD formula, solved with scipy's brentq; Burnett-Bowie 2009 abstract numbers,
    # n 33/36 (assumed), reported P = 0.0014.
    from scipy import optimize, stats

    def p_of_r(r: float) -> float:
        arms = ((1.121, 0.141, 1.102, 0.138, 33), (1.180, 0.145, 1.189, 0.146, 36))
        changes, variances, ns = [], [], []
        for m0, s0, m1, s1, n in arms:
            changes.append(m1 - m0)
            variances.append(s0**2 + s1**2 - 2 * r * s0 * s1)
            ns.append(n)
        pooled = ((ns[0] - 1) * variances[0] + (ns[1] - 1) * variances[1]) / (sum(ns) - 2)
        t = (changes[0] - changes[1]) / math.sqrt(pooled * (1 / ns[0] + 1 / ns[1]))
        return 2 * stats.t.sf(abs(t), sum(ns) - 2)

    expected = optimize.brentq(lambda r: p_of_r(r) - 0.0014, 0.5, 0.999, xtol=1e-14)
    headline = next(x for x in results["reported_reanalyses"] if x["id"] == "bmd_change_vs_placebo")
    assert headline["implied"]["change"]["implied_r"] == pytest.approx(
        expected, rel=TOLERANCE["root"]
    )


def test_power_equals_trial_power_analysis(results: dict) -> None:
    for x in results["power"]:
        trial = load_trial(DATA / Path(x["file"]).name)
        analysis = power.trial_power_analysis(
            *power.trial_arms(trial, x["outcome"], study=x["study"]),
            correlations=correlation.DEFAULT_CORRELATION_GRID,
            differences_pct=shipped_settings().outcome(x["outcome"]).power_differences_percent,
            sample_size_correlations=(
                _implied(_reanalysis(results, x["id"])).correlation,
                x["reference_r"],
            ),
        )
        frame = analysis.summary_frame()
        points = tables.rows(x["design_points"])
        assert len(frame) == len(points)
        for stored, fresh in zip(points, frame.to_dict(orient="records"), strict=True):
            for key in ("power", "difference", "effect_size", "correlation"):
                _same(stored[key], fresh[key])


def test_bayes_equals_trial_posterior(results: dict) -> None:
    for b in results["bayes"]:
        trial = load_trial(DATA / Path(b["file"]).name)
        implied = _implied(_reanalysis(results, b["id"])).correlation
        settings = shipped_settings()
        pair = bayes.comparisons(trial, b["outcome"], implied, b["study"], settings=settings)[0]
        threshold, _ = bayes.threshold_for(pair, b["outcome"], settings)
        for stored in b["at_implied_r"]:
            fresh = bayes.trial_posterior(
                trial,
                b["outcome"],
                stored["prior"],
                implied,
                threshold,
                b["study"],
                settings=settings,
            ).to_dict()
            _same({k: stored[k] for k in fresh}, fresh)


def test_audit_equals_claims_audit(results: dict) -> None:
    fresh = [v.record() for v in claims.audit(DATA)]
    assert [(v["id"], v["verdict"]) for v in results["audit"]] == [
        (v["id"], v["verdict"]) for v in fresh
    ]


def test_consistency_equals_consistency_checks(results: dict) -> None:
    fresh = consistency.consistency_checks(DATA)
    assert [(c["name"], c["verdict"]) for c in results["consistency"]] == [
        (c.name, c.verdict) for c in fresh
    ]
    for stored, check in zip(results["consistency"], fresh, strict=True):
        _same(stored["numbers"], dict(check.numbers))


def test_every_record_names_its_data_file_rows_and_sources(results: dict) -> None:
    for section in ("effects", "reported_reanalyses", "power", "bayes"):
        for record in results[section]:
            assert record["file"].startswith("data/") and record["file"].endswith(".csv")
            assert record["rows"] and all(isinstance(r, int) for r in record["rows"])
            assert record["sources"] and all(s.strip() for s in record["sources"])
    for section in ("audit", "consistency"):
        assert all(record["sources"] for record in results[section])


def _numbers(value, path=""):
    """Every number in a results mapping, by its path."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _numbers(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _numbers(item, f"{path}[{i}]")
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield path, value


# The tables results.json stores column-wise: (section, key of the table in each record).
COLUMN_TABLES = (
    ("power", "design_points"),
    ("reported_reanalyses", "grid"),
    ("sensitivity", "grid"),
    ("bayes", "by_r"),
)


def as_rows(results: dict) -> dict:
    """A copy of ``results`` in the layout before issue 16: its column-wise tables as lists
    of rows, and the n per arm in every power curve."""
    out = dict(results)
    for section, key in COLUMN_TABLES:
        out[section] = [x | {key: tables.rows(x[key])} for x in results[section]]
    n_per_arm = out.pop("power_n_per_arm")
    out["power"] = [
        x | {"curves": [c | {"n_per_arm": n_per_arm} for c in x["curves"]]} for x in out["power"]
    ]
    return out


def test_large_tables_are_stored_column_wise(results: dict) -> None:
    """Each table is one list per column, all as long as the table has rows (issue 16)."""
    found = {"shipped": results, "other_field": build_results(FIXTURES / "other_field")}
    seen = set()
    for folder in found.values():
        for section, key in COLUMN_TABLES:
            for x in folder[section]:
                table = x[key]
                assert isinstance(table, dict) and table, (section, key)
                assert all(isinstance(column, list) for column in table.values())
                lengths = {len(column) for column in table.values()}
                assert len(lengths) == 1 and lengths.pop() > 1, (section, key, x["id"])
                seen.add(section)
        # Every curve gives power at each n per arm of the one list, 5 to 400 (the figure's
        # x axis), instead of repeating that list.
        assert folder["power_n_per_arm"] == list(range(5, 401))
        for x in folder["power"]:
            for curve in x["curves"]:
                assert "n_per_arm" not in curve
                assert len(curve["power"]) == len(folder["power_n_per_arm"])
    assert seen == {section for section, _ in COLUMN_TABLES}
    # One Bayesian row per r of the default grid and prior.
    bayes_rows = tables.rows(results["bayes"][0]["by_r"])
    assert len(bayes_rows) == len(correlation.DEFAULT_CORRELATION_GRID) * 3
    assert {row["prior"] for row in bayes_rows} == {"skeptical", "neutral", "enthusiastic"}


def test_columns_keep_order_and_fill_a_missing_key_with_none() -> None:
    records = [{"r": 0.5, "prior": "neutral"}, {"r": 0.9, "p": 0.01}]
    table = tables.columns(records)
    assert table == {"r": [0.5, 0.9], "prior": ["neutral", None], "p": [None, 0.01]}
    assert list(table) == ["r", "prior", "p"]
    assert tables.rows(table) == [
        {"r": 0.5, "prior": "neutral", "p": None},
        {"r": 0.9, "prior": None, "p": 0.01},
    ]
    assert tables.columns([]) == {} and tables.rows({}) == []
    with pytest.raises(ValueError):
        tables.rows({"r": [0.5, 0.9], "p": [0.01]})


_VALUES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=4)
    | st.lists(st.floats(allow_nan=False), max_size=2)
)
# Tables of records sharing their keys, as the results' tables do.
_RECORDS = st.lists(st.text(max_size=6), min_size=1, max_size=6, unique=True).flatmap(
    lambda keys: st.lists(st.fixed_dictionaries({k: _VALUES for k in keys}), max_size=12)
)


@given(_RECORDS)
def test_rows_undo_columns(records: list[dict]) -> None:
    table = tables.columns(records)
    assert all(len(column) == len(records) for column in table.values())
    assert tables.rows(table) == records


def test_redesign_kept_every_number_of_the_shipped_report(results: dict) -> None:
    """The results.json committed before the layered redesign (issue 10), every number.

    A regression check, not a correctness check: the redesign moved code and article
    knowledge into data/, and must not have changed one number. Renamed: the synthesis
    section ``hormone_response`` is now ``treatment_response``; the study fields
    ``threshold_estradiol_pg_ml`` and ``threshold_testosterone_ng_dl`` are now the general
    ``thresholds`` list. Layout (issue 16): ``power[i].design_points``, the ``grid`` of
    ``reported_reanalyses`` and ``sensitivity`` and ``bayes[i].by_r`` are stored
    column-wise, and every power curve's ``n_per_arm`` once as ``power_n_per_arm``; they
    are turned back into rows (:func:`reanalysis.report.tables.rows`) before comparing.
    Deliberate later changes to a number must update the fixture with the reason in the
    commit.
    """
    before = json.loads(
        gzip.decompress((FIXTURES / "results_before_redesign.json.gz").read_bytes())
    )
    before.pop("manifest")
    results = as_rows(results)
    before["synthesis"]["treatment_response"] = before["synthesis"].pop("hormone_response")
    moved = before["studies"]["finkelstein2016"]["fields"]
    threshold = results["studies"]["finkelstein2016"]["fields"]["thresholds"][0]
    assert moved.pop("threshold_estradiol_pg_ml") == threshold["value"]
    assert moved.pop("threshold_testosterone_ng_dl") == threshold["paired_with"][0]["value"]
    # Deliberate changes (issue 13): a comparison whose paper printed its P is shown at the
    # r that P implies in the effects table too (one r per result), and d_ppc2's interval
    # is the rescaled change-score interval where Morris's eq. 25 cannot be trusted.
    for i, record in enumerate(results["effects"]):
        if record.get("r_source") == "implied by the reported P":
            before["effects"][i] = {}
        elif not record.get("dppc2_ci_method", "Morris").startswith("Morris"):
            before["effects"][i].pop("dppc2_ci_low")
            before["effects"][i].pop("dppc2_ci_high")
    now = dict(_numbers(results))
    old = dict(_numbers(before))
    assert len(old) > 10_000
    assert [p for p in old if p not in now] == []
    assert {p: (v, now[p]) for p, v in old.items() if v != now[p]} == {}


@pytest.mark.parametrize(
    "folder",
    [DATA, FIXTURES / "other_field", FIXTURES / "other_field_configured"],
    ids=["shipped", "other_field", "other_field_configured"],
)
def test_standardized_and_raw_intervals_agree_about_zero(folder: Path) -> None:
    """No number contradicts another: d_ppc2's CI excludes 0 exactly when the raw one does."""
    from reanalysis.report.results import build_results

    found = build_results(folder)
    between = [e for e in found["effects"] if e.get("dppc2") is not None]
    assert between
    for e in between:
        raw = e["md_change_ci_low"] > 0 or e["md_change_ci_high"] < 0
        standardized = e["dppc2_ci_low"] > 0 or e["dppc2_ci_high"] < 0
        assert raw == standardized, (e["trial"], e["outcome"], e["dppc2_ci_method"])


def test_one_r_per_headline_result(results: dict) -> None:
    """The headline comparison shows the same r in the effects table, power and Bayes."""
    headline = next(x for x in results["reported_reanalyses"] if x["id"] == "bmd_change_vs_placebo")
    r = headline["implied"]["change"]["implied_r"]
    effect = next(
        e
        for e in results["effects"]
        if e["outcome"] == "pa_spine_bmd" and e["comparison"] == "treatment_vs_control"
    )
    assert effect["r"] == r
    assert next(p for p in results["power"] if p["id"] == headline["id"])["r"] == r
    assert next(b for b in results["bayes"] if b["id"] == headline["id"])["implied_r"] == r
    finding = next(f for f in results["summary_of_findings"] if f["outcome"] == "pa_spine_bmd")
    assert finding["r"] == r
