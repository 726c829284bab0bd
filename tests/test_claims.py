"""The claims audit on the shipped data: coverage, and each verdict shown to follow from the data.

Each flip test copies data/ to a temporary directory, changes one fact (a CSV row, a
study field in studies.toml or a printed reference in claims.toml) and shows that the
verdict moves. Expected verdicts come from shared/sources/trials.md §3–5. The general
rules on a made-up second case are in test_claims_rules.py, bad input in
test_claims_input.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reanalysis.analysis.claims import RULES, Certainty, Verdict, audit
from reanalysis.cli import main
from reanalysis.data.claim_params import CLAIM_CHECKS
from reanalysis.errors import ReanalysisError
from tests.shipped import DATA, edited


def verdicts(data_dir: Path = DATA) -> dict[str, Verdict]:
    return {v.id: v.verdict for v in audit(data_dir)}


@pytest.fixture(scope="module")
def shipped() -> dict[str, Verdict]:
    return verdicts()


# --- coverage and the shipped verdicts (trials.md §5) ----------------------------------------


def test_every_required_claim_is_audited(shipped) -> None:
    required = {
        "table.bmd.anastrozole.baseline",
        "table.bmd.anastrozole.12m",
        "table.bmd.placebo.baseline",
        "table.bmd.placebo.12m",
        "table.estradiol.anastrozole.baseline",
        "table.estradiol.anastrozole.12m",
        "table.testosterone.anastrozole.baseline",
        "table.testosterone.anastrozole.12m",
        "table.estradiol.placebo",
        "table.testosterone.placebo",
        "intermediate.significance",
        "academic.significance",
        "intermediate.threshold",
        "academic.threshold",
        "intermediate.trt_bmd",
        "academic.trt_evidence",
        "intermediate.dosing",
        "academic.turnover_markers",
        *(f"reference{i}.{part}" for i in range(1, 6) for part in ("locator", "authors")),
    }
    assert required <= set(shipped)
    assert all(isinstance(v, Verdict) for v in shipped.values())


def test_every_check_name_has_one_rule() -> None:
    assert RULES.keys() == CLAIM_CHECKS.keys()


def test_shipped_verdicts_match_the_sources(shipped) -> None:
    # trials.md §2, §5: 12 ± 4 pg/mL is the month-3 value, not 12 months; the abstract says
    # estradiol "then remained stable", so the label is wrong and the value probably right.
    assert shipped["table.estradiol.anastrozole.12m"] is Verdict.MISLABELLED
    assert shipped["academic.estradiol_timepoint"] is Verdict.MISLABELLED
    assert shipped["table.bmd.anastrozole.baseline"] is Verdict.SUPPORTED
    # Burnett-Bowden, issue 10, pages 4017-4024: citation errors.
    assert shipped["reference1.locator"] is Verdict.CITATION_ERROR
    assert shipped["reference1.authors"] is Verdict.CITATION_ERROR
    # Snyder 2004: locator matches PMID 15001605.
    assert shipped["reference5.locator"] is Verdict.SUPPORTED
    # trials.md §1: authorship unconfirmed, working attribution Leder BZ et al., no
    # source names Snyder PJ: a probable citation error (certainty below).
    assert shipped["reference5.authors"] is Verdict.CITATION_ERROR
    # Mohamad and Rambhatla: no verified record.
    assert shipped["reference3.locator"] is Verdict.NOT_CHECKABLE
    assert shipped["reference4.locator"] is Verdict.NOT_CHECKABLE
    # Nobody in the cited trials was on TRT; doses were 1 mg daily / twice weekly.
    assert shipped["intermediate.trt_bmd"] is Verdict.NOT_SUPPORTED
    assert shipped["intermediate.dosing"] is Verdict.NOT_SUPPORTED
    # Markers: two null studies, two with CTX rises.
    assert shipped["academic.turnover_markers"] is Verdict.SUPPORTED_WITH_CAVEATS
    # Threshold as a finding of the study: right value, but the T > 200 ng/dL half is omitted.
    assert shipped["academic.threshold"] is Verdict.SUPPORTED_WITH_CAVEATS
    # Placebo hormones: the abstract gives the anastrozole arm only (trials.md §2).
    assert shipped["table.estradiol.placebo"] is Verdict.SUPPORTED


def test_every_population_claim_gets_the_same_indirectness_verdict(shipped) -> None:
    # finkelstein2016 studied healthy men aged 20–50 on goserelin, burnett2009 and
    # snyder2004 older men not given testosterone (trials.md §2): no cited study was in
    # men on testosterone therapy, so every claim that applies their evidence to such men
    # is not supported, whatever its check (population, threshold or dosing).
    applied = [
        "intermediate.trt_bmd",
        "academic.trt_evidence",
        "academic.exogenous_testosterone",
        "intermediate.threshold",
        "academic.monitoring_threshold",
        "intermediate.dosing",
    ]
    assert {shipped[i] for i in applied} == {Verdict.NOT_SUPPORTED}
    by_id = {v.id: v for v in audit(DATA)}
    for claim_id in applied:
        assert "on testosterone therapy: no" in by_id[claim_id].evidence


def test_certainty_follows_the_soft_premises() -> None:
    by_id = {v.id: v for v in audit(DATA)}
    # authors_confirmed = false (trials.md §1): one soft premise.
    assert by_id["reference5.authors"].certainty is Certainty.MODERATE
    assert "probable citation error" in by_id["reference5.authors"].evidence
    # Burnett-Bowden against a confirmed author list: certain.
    assert by_id["reference1.authors"].certainty is Certainty.HIGH
    # The week-52 estradiol rests on "then remained stable".
    assert by_id["table.estradiol.anastrozole.12m"].certainty is Certainty.MODERATE
    # Placebo hormones: absence checked in the abstract only.
    assert by_id["table.estradiol.placebo"].certainty is Certainty.MODERATE
    # The 12-month BMD timepoint is inferred (the trial lasted a year).
    assert by_id["table.bmd.anastrozole.12m"].certainty is Certainty.MODERATE
    assert by_id["table.bmd.anastrozole.baseline"].certainty is Certainty.HIGH
    record = by_id["reference5.authors"].record()
    assert record["certainty"] == "moderate" and record["premises"]


def test_evidence_cites_rows_and_sources() -> None:
    by_id = {v.id: v for v in audit(DATA)}
    estradiol = by_id["table.estradiol.anastrozole.12m"]
    # burnett2009.csv line 10 holds 12 ± 4 pg/mL at month 3.
    assert "burnett2009.csv:10" in estradiol.evidence
    assert any("PMID 19820017" in s for s in estradiol.sources)
    reference = by_id["reference1.locator"]
    assert "issue 10, verified 12" in reference.evidence
    assert "pages 4017-4024, verified 4785-4792" in reference.evidence


# --- each verdict follows from the data ------------------------------------------------


def test_mislabel_is_a_contradiction_without_the_stability_statement(tmp_path) -> None:
    # Stable only to week 26: nothing says the week-13 value holds at week 52.
    data = edited(
        tmp_path, "studies.toml", "from_week = 13, to_week = 52", "from_week = 13, to_week = 26"
    )
    assert verdicts(data)["table.estradiol.anastrozole.12m"] is Verdict.CONTRADICTED


def test_reference_author_is_certain_once_the_attribution_is_confirmed(tmp_path) -> None:
    data = edited(tmp_path, "studies.toml", "authors_confirmed = false", "authors_confirmed = true")
    found = {v.id: v for v in audit(data)}["reference5.authors"]
    assert found.verdict is Verdict.CITATION_ERROR
    assert found.certainty is Certainty.HIGH


def test_not_published_needs_the_paper_not_the_missing_row(tmp_path) -> None:
    # Without the not_reported entry the CSV's silence proves nothing.
    data = edited(
        tmp_path,
        "studies.toml",
        '  { arm = "placebo", outcome = "estradiol", scope = "abstract",',
        '  { arm = "placebo", outcome = "dht", scope = "abstract",',
    )
    result = verdicts(data)
    assert result["table.estradiol.placebo"] is Verdict.NOT_CHECKABLE
    assert result["table.testosterone.placebo"] is Verdict.SUPPORTED


def test_estradiol_label_holds_if_the_row_were_at_week_52(tmp_path) -> None:
    data = edited(
        tmp_path,
        "burnett2009.csv",
        "estradiol,pg/mL,month 3,13,",
        "estradiol,pg/mL,month 12,52,",
    )
    assert verdicts(data)["table.estradiol.anastrozole.12m"] is Verdict.SUPPORTED


def test_table_value_contradicted_when_the_source_number_differs(tmp_path) -> None:
    data = edited(
        tmp_path,
        "burnett2009.csv",
        "1 year,52,33,assumed,474,145,",
        "1 year,52,33,assumed,475,145,",
    )
    assert verdicts(data)["table.testosterone.anastrozole.12m"] is Verdict.CONTRADICTED


def test_baseline_testosterone_caveat_goes_when_reports_agree(tmp_path) -> None:
    # 319 ± 93 ng/dL = 11.06 ± 3.22 nmol/L; a companion printing 11.1 ± 3.2 would agree.
    data = edited(
        tmp_path,
        "burnett2009.csv",
        "baseline,0,33,assumed,11.2,3.3,",
        "baseline,0,33,assumed,11.1,3.2,",
    )
    assert verdicts(data)["table.testosterone.anastrozole.baseline"] is Verdict.SUPPORTED


def test_reference_locator_flips_when_issue_and_pages_are_right(tmp_path) -> None:
    data = edited(tmp_path, "claims.toml", 'issue = "10"', 'issue = "12"')
    assert verdicts(data)["reference1.locator"] is Verdict.CITATION_ERROR  # pages still wrong
    path = data / "claims.toml"
    path.write_text(path.read_text().replace('"4017-4024"', '"4785-4792"'))
    assert verdicts(data)["reference1.locator"] is Verdict.SUPPORTED


def test_reference_author_flips_with_the_surname(tmp_path) -> None:
    data = edited(
        tmp_path, "claims.toml", '"Burnett-Bowden, S. A. et al."', '"Burnett-Bowie, S. A."'
    )
    assert verdicts(data)["reference1.authors"] is Verdict.SUPPORTED


def test_trt_claim_supported_if_participants_were_on_trt(tmp_path) -> None:
    data = edited(
        tmp_path,
        "studies.toml",
        'on_testosterone_therapy = false, on_testosterone_therapy_note = "Participants',
        'on_testosterone_therapy = true, on_testosterone_therapy_note = "Participants',
    )
    # burnett2009 now on TRT, snyder2004 not: only some cited studies.
    assert verdicts(data)["intermediate.trt_bmd"] is Verdict.SUPPORTED_WITH_CAVEATS


def test_threshold_claims_follow_the_population_of_the_source(tmp_path) -> None:
    # Were finkelstein2016's men on testosterone therapy, applying its cut-off to such men
    # would be direct evidence; the omitted T > 200 ng/dL stays a caveat.
    data = edited(
        tmp_path,
        "studies.toml",
        'on_testosterone_therapy = false, on_testosterone_therapy_note = "Testosterone gel',
        'on_testosterone_therapy = true, on_testosterone_therapy_note = "Testosterone gel',
    )
    assert verdicts(data)["academic.monitoring_threshold"] is Verdict.SUPPORTED_WITH_CAVEATS


def test_dosing_claim_follows_trial_doses(tmp_path) -> None:
    data = edited(
        tmp_path,
        "studies.toml",
        "dose_mg = 1.0\ndoses_per_week = [7, 2]",
        "dose_mg = 0.5\ndoses_per_week = [7, 2]",
    )
    # snyder2004 at 0.5 mg twice weekly falls inside 0.25–0.5 mg × 2–3/week, but neither
    # cited trial was in men on testosterone therapy: still not supported for them.
    assert verdicts(data)["intermediate.dosing"] is Verdict.NOT_SUPPORTED
    path = data / "studies.toml"
    text = path.read_text(encoding="utf-8")
    on_trt = "characteristics = { on_testosterone_therapy = true }\narm_n = { anastrozole_daily"
    path.write_text(
        text.replace(
            "characteristics = { on_testosterone_therapy = false }\narm_n = { anastrozole_daily",
            on_trt,
        ),
        encoding="utf-8",
    )
    # With snyder2004 on therapy: one regimen inside the range, one study in the population.
    assert verdicts(data)["intermediate.dosing"] is Verdict.SUPPORTED_WITH_CAVEATS


def test_significance_contradicted_by_a_nonsignificant_p(tmp_path) -> None:
    data = edited(tmp_path, "studies.toml", "value = 0.0014", "value = 0.14")
    result = verdicts(data)
    assert result["intermediate.significance"] is Verdict.CONTRADICTED
    assert result["academic.significance"] is Verdict.CONTRADICTED


def test_marker_claim_supported_when_no_study_found_an_effect(tmp_path) -> None:
    data = edited(
        tmp_path,
        "studies.toml",
        'bone_turnover_effect = "resorption increase"\nbone_turnover_effect_note = "CTX rose',
        'bone_turnover_effect = "none"\nbone_turnover_effect_note = "CTX rose',
    )
    path = data / "studies.toml"
    path.write_text(
        path.read_text().replace(
            'bone_turnover_effect = "resorption increase"', 'bone_turnover_effect = "none"'
        )
    )
    assert verdicts(data)["academic.turnover_markers"] is Verdict.SUPPORTED


def test_threshold_contradicted_by_another_value(tmp_path) -> None:
    data = edited(
        tmp_path,
        "studies.toml",
        'value = 10, unit = "pg/mL", side = "above"',
        'value = 15, unit = "pg/mL", side = "above"',
    )
    assert verdicts(data)["academic.threshold"] is Verdict.CONTRADICTED


def test_threshold_claim_in_another_unit_is_converted(tmp_path) -> None:
    # 0.01 ng/mL × 1000 pg/ng = 10 pg/mL: the same cut-off.
    data = edited(
        tmp_path,
        "claims.toml",
        'value = 10\nunit = "pg/mL"\nstates = []\nendpoints = ["bone turnover markers (CTX)", '
        '"DXA BMD"]\n\n',
        'value = 0.01\nunit = "ng/mL"\nstates = []\nendpoints = ["bone turnover markers (CTX)", '
        '"DXA BMD"]\n\n',
    )
    assert verdicts(data)["academic.threshold"] is Verdict.SUPPORTED_WITH_CAVEATS
    # Stating the paired testosterone cut-off too removes the caveat.
    path = data / "claims.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            'unit = "ng/mL"\nstates = []', 'unit = "ng/mL"\nstates = ["total_testosterone"]'
        ),
        encoding="utf-8",
    )
    assert verdicts(data)["academic.threshold"] is Verdict.SUPPORTED


def test_mechanism_supported_if_the_trial_separated_the_hormones(tmp_path) -> None:
    data = edited(
        tmp_path,
        "studies.toml",
        "separates_estradiol_from_testosterone = false\nseparates_estradiol_from_testosterone_note",
        "separates_estradiol_from_testosterone = true\nseparates_estradiol_from_testosterone_note",
    )
    assert verdicts(data)["table.independent_role"] is Verdict.SUPPORTED


def test_claims_file_with_unknown_check_is_refused(tmp_path) -> None:
    data = edited(tmp_path, "claims.toml", 'check = "dosing"', 'check = "guess"')
    with pytest.raises(ReanalysisError, match="check must be one of"):
        audit(data)


# --- CLI ------------------------------------------------------------------------------------------


def test_audit_cli_table(capsys) -> None:
    assert main(["audit", "--data", str(DATA)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["claim", "section", "verdict"]
    assert any(
        line.startswith("table.estradiol.anastrozole.12m") and "mislabelled timepoint" in line
        for line in lines
    )


def test_audit_cli_json(capsys) -> None:
    assert main(["audit", "--json", "--data", str(DATA)]) == 0
    records = json.loads(capsys.readouterr().out)
    assert {"id", "section", "claim", "verdict", "evidence", "sources"} <= set(records[0])
    assert {r["verdict"] for r in records} <= {str(v) for v in Verdict}


def test_audit_cli_bad_data_dir_exits_2(tmp_path, capsys) -> None:
    assert main(["audit", "--data", str(tmp_path)]) == 2
    assert "no trial CSV files" in capsys.readouterr().err
