"""The general claim rules on a made-up second case: LDL cholesterol and statins.

Nothing here is the shipped article: a made-up trial (roe2022, adults already on a
statin, LDL in mg/dL), a made-up comparison study (doe2019, statin-naive), a cut-off of
LDL < 70 mg/dL paired with non-HDL < 100 mg/dL, the population characteristic
``on_statin`` and two study facts. Each expected verdict is worked from the rule's
definition (the docstrings of reanalysis.analysis.claims.rules_*), in the comment beside it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reanalysis.analysis.claims import Certainty, Verdict, audit
from reanalysis.cli import main

TRIAL = """\
study,arm,role,outcome,unit,timepoint,week,n,mean,sd,source
roe2022,statin,treatment,ldl_cholesterol,mg/dL,baseline,0,30,130,25,Made-up Table 2
roe2022,statin,treatment,ldl_cholesterol,mg/dL,week 12,12,30,75,20,Made-up Table 2
roe2022,placebo,control,ldl_cholesterol,mg/dL,baseline,0,30,128,24,Made-up Table 2
roe2022,placebo,control,ldl_cholesterol,mg/dL,week 12,12,30,126,24,Made-up Table 2
"""

STUDIES = """
[roe2022]
title = "A made-up trial of a statin add-on"
data_file = "roe2022.csv"
population = "adults with high LDL cholesterol, all on a statin"
characteristics = { on_statin = true }
measured = ["LDL cholesterol", "cardiovascular events"]

[[roe2022.remained_stable]]
outcome = "ldl_cholesterol"
arm = "statin"
from_week = 12
to_week = 52
source = "made-up abstract: LDL then remained stable"

[[roe2022.not_reported]]
arm = "placebo"
outcome = "hdl_cholesterol"
source = "made-up full text, Table 2"

[[roe2022.thresholds]]
outcome = "ldl_cholesterol"
value = 70
unit = "mg/dL"
side = "below"
statement = "LDL below 70 mg/dL with non-HDL below 100 mg/dL halved events"
paired_with = [{ outcome = "non_hdl_cholesterol", value = 100, unit = "mg/dL", side = "below" }]

[roe2022.facts]
plaque_effect = "regression"
plaque_effect_note = "plaque volume fell"
randomizes_statin_dose = false

[doe2019]
title = "A made-up study in statin-naive adults"
population = "statin-naive adults"
characteristics = { on_statin = false, on_statin_note = "none had taken a statin" }
facts = { plaque_effect = "none", randomizes_statin_dose = true }
"""

SETTINGS = """
[outcome.ldl_cholesterol]
label = "LDL cholesterol"
threshold = 70
threshold_unit = "mg/dL"
threshold_side = "below"
threshold_justification = "A made-up goal."
"""

HEAD = 'section = "Made-up"\nclaim = "A paraphrase."\nkind = "quantitative"\n'
CLAIMS = [
    # threshold: 70 mg/dL is roe2022's cut-off; the paired non-HDL one is not stated
    # (a caveat); the claim's population (on a statin) is roe2022's: no indirectness.
    (
        "cut.on_statin",
        'check = "threshold"\nstudy = "roe2022"\noutcome = "ldl_cholesterol"\nvalue = 70\n'
        'unit = "mg/dL"\nstates = []\nendpoints = ["cardiovascular events"]\n'
        'population = { characteristic = "on_statin", required = true }',
    ),
    # The same cut-off applied to statin-naive people: roe2022 studied none, so its
    # evidence does not support the claim for them.
    (
        "cut.naive",
        'check = "threshold"\nstudy = "roe2022"\noutcome = "ldl_cholesterol"\nvalue = 70\n'
        'unit = "mg/dL"\nstates = ["non_hdl_cholesterol"]\n'
        'population = { characteristic = "on_statin", required = false }',
    ),
    # 55 mg/dL is no cut-off roe2022 states.
    (
        "cut.wrong",
        'check = "threshold"\nstudy = "roe2022"\noutcome = "ldl_cholesterol"\nvalue = 55\n'
        'unit = "mg/dL"',
    ),
    # population: one of two cited studies was on a statin → with caveats; only the
    # statin-naive one → not supported; statin-naive people from doe2019 → supported.
    (
        "pop.both",
        'check = "population"\ncites = ["roe2022", "doe2019"]\n'
        'population = { characteristic = "on_statin" }',
    ),
    (
        "pop.naive_only",
        'check = "population"\ncites = ["doe2019"]\n'
        'population = { characteristic = "on_statin", required = true }',
    ),
    (
        "pop.naive_claim",
        'check = "population"\ncites = ["doe2019"]\n'
        'population = { characteristic = "on_statin", required = false }',
    ),
    # study_field over every study recording plaque_effect: roe2022 regression, doe2019
    # none → "some studies find regression" holds with caveats; "progression" nowhere.
    ("field.some", 'check = "study_field"\nfield = "plaque_effect"\nexpected = "regression"'),
    ("field.none", 'check = "study_field"\nfield = "plaque_effect"\nexpected = "progression"'),
    # mechanism: roe2022 cannot separate dose (false) → not supported, doe2019 can.
    (
        "mech.roe",
        'check = "mechanism"\ncites = ["roe2022"]\nseparates = "randomizes_statin_dose"\n'
        'share = { study = "roe2022", outcome = "ldl_cholesterol", arm = "statin", '
        "weeks = [12] }",
    ),
    ("mech.doe", 'check = "mechanism"\ncites = ["doe2019"]\nseparates = "randomizes_statin_dose"'),
    # table_value: 75 ± 20 is the week-12 row; printed as "1 year" (week 52) while the
    # study says LDL remained stable from week 12 to 52: mislabelled, value probably right.
    (
        "table.mislabel",
        'check = "table_value"\nstudy = "roe2022"\noutcome = "ldl_cholesterol"\narm = "statin"\n'
        'printed = "75 ± 20"\nlabel = "1 year"\nlabel_week = 52',
    ),
    # not_published: the full text gives no placebo HDL (not_reported, scope full text).
    (
        "table.placebo_hdl",
        'check = "not_published"\nstudy = "roe2022"\noutcome = "hdl_cholesterol"\narm = "placebo"',
    ),
]


def claims_text(claims=CLAIMS) -> str:
    return "\n".join(f'[[claim]]\nid = "{i}"\n{HEAD}{body}\n' for i, body in claims)


def write_case(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "roe2022.csv").write_text(TRIAL, encoding="utf-8")
    (folder / "studies.toml").write_text(STUDIES, encoding="utf-8")
    (folder / "analysis.toml").write_text(SETTINGS, encoding="utf-8")
    (folder / "claims.toml").write_text(claims_text(), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def found(tmp_path_factory):
    return {v.id: v for v in audit(write_case(tmp_path_factory.mktemp("ldl") / "data"))}


@pytest.mark.parametrize(
    ("claim_id", "verdict"),
    [
        ("cut.on_statin", Verdict.SUPPORTED_WITH_CAVEATS),
        ("cut.naive", Verdict.NOT_SUPPORTED),
        ("cut.wrong", Verdict.CONTRADICTED),
        ("pop.both", Verdict.SUPPORTED_WITH_CAVEATS),
        ("pop.naive_only", Verdict.NOT_SUPPORTED),
        ("pop.naive_claim", Verdict.SUPPORTED),
        ("field.some", Verdict.SUPPORTED_WITH_CAVEATS),
        ("field.none", Verdict.CONTRADICTED),
        ("mech.roe", Verdict.NOT_SUPPORTED),
        ("mech.doe", Verdict.SUPPORTED),
        ("table.mislabel", Verdict.MISLABELLED),
        ("table.placebo_hdl", Verdict.SUPPORTED),
    ],
)
def test_general_rules_on_a_second_case(found, claim_id, verdict) -> None:
    assert found[claim_id].verdict is verdict


def test_evidence_is_built_from_labels_and_study_fields(found) -> None:
    cut = found["cut.on_statin"].evidence
    assert "70 mg/dL matches roe2022" in cut
    # The paired cut-off, named by its outcome (default label: underscores as spaces).
    assert "pairs it with non hdl cholesterol below 100 mg/dL, omitted" in cut
    naive = found["cut.naive"].evidence
    assert "on statin: no" in naive and "roe2022" in naive and "on statin: yes" in naive
    assert "another population" in naive
    assert "doe2019: statin-naive adults; on statin: no (none had taken a statin)" in (
        found["pop.naive_only"].evidence
    )
    assert "roe2022 (duration not recorded): plaque volume fell" in found["field.some"].evidence


def test_mechanism_reports_the_share_beyond_the_cut_off(found) -> None:
    mech = found["mech.roe"]
    # 75 ± 20 mg/dL against 70: Φ(−0.25) = 0.401 below (standard normal table).
    (share,) = mech.checks
    assert abs(share.numbers["share_below_normal"] - 0.4013) < 1e-4
    assert share.verdict == "finding"
    assert "outside the cited data: doe2019: randomizes statin dose: yes" in mech.evidence


def test_certainty_of_the_second_case(found) -> None:
    # The week-52 value rests on "remained stable": moderate. The placebo HDL gap was
    # read in the full text: high.
    assert found["table.mislabel"].certainty is Certainty.MODERATE
    assert found["table.placebo_hdl"].certainty is Certainty.HIGH


def test_a_study_with_only_a_title_and_its_csv_loads(tmp_path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "roe2022.csv").write_text(TRIAL, encoding="utf-8")
    (folder / "studies.toml").write_text(
        '[roe2022]\ntitle = "Only a title"\ndata_file = "roe2022.csv"\n', encoding="utf-8"
    )
    (folder / "claims.toml").write_text(
        claims_text(
            [
                (
                    "value",
                    'check = "table_value"\nstudy = "roe2022"\noutcome = "ldl_cholesterol"\n'
                    'arm = "placebo"\nprinted = "126 ± 24"\nlabel = "week 12"\nlabel_week = 12',
                )
            ]
        ),
        encoding="utf-8",
    )
    (verdict,) = audit(folder)
    assert verdict.verdict is Verdict.SUPPORTED


@pytest.mark.parametrize("claims", ["", "[parameters]\nsignificance_level = 0.05\n"])
def test_an_empty_claims_list_is_a_valid_audit(tmp_path, capsys, claims) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "roe2022.csv").write_text(TRIAL, encoding="utf-8")
    (folder / "claims.toml").write_text(claims, encoding="utf-8")
    assert audit(folder) == ()
    assert main(["audit", "--json", "--data", str(folder)]) == 0
    assert capsys.readouterr().out.strip() == "[]"
