"""Bad claims.toml and studies.toml: one line on stderr naming file, line, table and key.

Each case copies data/, changes one value, and runs ``reanalysis audit``: exit status 2,
one line naming the file, the line of the offending key (or of its table's header when
the key is missing), the claim (index and id) or study, and the key. The fuzz tests
substitute random values for random keys of the shipped files: loading and auditing
must then succeed or raise ReanalysisError, never anything else.
"""

from __future__ import annotations

import math
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reanalysis.analysis.claims import evaluate_all, load_audit_data
from reanalysis.analysis.consistency import checks_of
from reanalysis.cli import main
from reanalysis.errors import ReanalysisError
from tests.shipped import DATA


def copy_with(tmp_path: Path, name: str, old: str, new: str, nth: int = 1) -> Path:
    """A copy of data/ with the ``nth`` occurrence of ``old`` in ``name`` replaced."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    path = target / name
    text = path.read_text(encoding="utf-8")
    at = -1
    for _ in range(nth):
        at = text.index(old, at + 1)
    path.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")
    return target


def line_of(path: Path, anchor: str) -> int:
    """The line of ``anchor``; ``header:<id>`` is the [[claim]] header above that claim id."""
    text = path.read_text(encoding="utf-8")
    if anchor.startswith("header:"):
        return line_of(path, f'id = "{anchor[7:]}"') - 1
    return text[: text.index(anchor)].count("\n") + 1


def claim(index: int, claim_id: str) -> str:
    return f"[claim {index} ({claim_id})]"


CLAIM_CASES = {
    "unknown check": (
        'check = "dosing"',
        'check = "guess"',
        1,
        claim(14, "intermediate.dosing"),
        "check: check must be one of",
        'check = "guess"',
    ),
    "missing key": (
        'printed = "1.121 ± 0.141"\n',
        "",
        1,
        claim(1, "table.bmd.anastrozole.baseline"),
        "printed: required key is missing",
        "header:table.bmd.anastrozole.baseline",
    ),
    "wrong type": (
        "week = 52\ndirections",
        'week = "52"\ndirections',
        1,
        claim(12, "table.contrast"),
        "week: Expected float, got str",
        'week = "52"',
    ),
    "bad enum": (
        'placebo = "increase" }',
        'placebo = "up" }',
        1,
        claim(12, "table.contrast"),
        "directions",
        "directions = {",
    ),
    "range out of order": (
        "dose_mg = [0.25, 0.5]",
        "dose_mg = [0.5, 0.25]",
        1,
        claim(14, "intermediate.dosing"),
        "dose_mg: expected [low, high]",
        "dose_mg = [0.5",
    ),
    "unknown key": (
        'extent = "all groups"',
        'extnt = "all groups"',
        1,
        claim(30, "academic.finkelstein_qct"),
        "extnt: unknown key",
        "extnt",
    ),
    "bad kind": (
        'kind = "causal"',
        'kind = "causual"',
        1,
        claim(13, "table.independent_role"),
        "kind: Invalid enum value 'causual'",
        'kind = "causual"',
    ),
    "malformed printed": (
        'printed = "1.121 ± 0.141"',
        'printed = "1.121 +- 0.141"',
        1,
        claim(1, "table.bmd.anastrozole.baseline"),
        "printed: Expected str matching regex",
        'printed = "1.121 +-',
    ),
    "repeated id": (
        'id = "table.bmd.placebo.baseline"',
        'id = "table.bmd.anastrozole.baseline"',
        1,
        claim(3, "table.bmd.anastrozole.baseline"),
        "id: claim id 'table.bmd.anastrozole.baseline' is repeated",
        'id = "table.bmd.anastrozole.baseline"\nsection = "Intermediate: table"\nclaim = "Placebo',
    ),
    "study not in studies.toml": (
        'study = "finkelstein2016"\nterms',
        'study = "finkelstein2061"\nterms',
        1,
        claim(28, "academic.finkelstein_design"),
        "study: study 'finkelstein2061' is not in studies.toml",
        'study = "finkelstein2061"',
    ),
    "cited study not in studies.toml": (
        'cites = ["burnett2009", "snyder2004"]\ndose_mg',
        'cites = ["burnett2009", "snyder2005"]\ndose_mg',
        1,
        claim(14, "intermediate.dosing"),
        "cites: study 'snyder2005' is not in studies.toml",
        'cites = ["burnett2009", "snyder2005"]',
    ),
    "outcome in no CSV": (
        'outcome = "pa_spine_bmd"\narm = "anastrozole"\nprinted = "1.121',
        'outcome = "pa_spine_bnd"\narm = "anastrozole"\nprinted = "1.121',
        1,
        claim(1, "table.bmd.anastrozole.baseline"),
        "outcome: 'pa_spine_bnd' is not an outcome of any trial CSV",
        'outcome = "pa_spine_bnd"',
    ),
    "arm not in the study's rows": (
        'arm = "placebo"\nprinted = "1.180',
        'arm = "plcebo"\nprinted = "1.180',
        1,
        claim(3, "table.bmd.placebo.baseline"),
        "arm: 'plcebo' is not an arm of burnett2009 in burnett2009.csv",
        'arm = "plcebo"',
    ),
    "arm of a significance claim": (
        'control_arm = "placebo"',
        'control_arm = "placbo"',
        2,
        claim(23, "academic.significance"),
        "control_arm: 'placbo' is not an arm",
        'control_arm = "placbo"',
    ),
    "unknown reported test": (
        'reported = "bmd_change_vs_placebo"',
        'reported = "bmd_change"',
        1,
        claim(18, "intermediate.significance"),
        "reported: burnett2009 reports no test 'bmd_change'",
        'reported = "bmd_change"',
    ),
    "unknown characteristic": (
        'characteristic = "on_testosterone_therapy"',
        'characteristic = "on_testosterone"',
        2,
        claim(16, "intermediate.trt_bmd"),
        "population: no study of studies.toml records the characteristic 'on_testosterone'",
        'characteristic = "on_testosterone"',
    ),
    "unknown fact": (
        'field = "bone_turnover_effect"',
        'field = "bone_turnover_efect"',
        1,
        claim(33, "academic.turnover_markers"),
        "field: no study of studies.toml records the fact 'bone_turnover_efect'",
        'field = "bone_turnover_efect"',
    ),
    "share arm": (
        'arm = "anastrozole", weeks',
        'arm = "anastrozol", weeks',
        1,
        claim(27, "academic.slight_reduction"),
        "share.arm: 'anastrozol' is not an arm",
        "share = {",
    ),
    "unconvertible unit": (
        'unit = "pg/mL"\nstates',
        'unit = "mg/dL"\nstates',
        1,
        claim(19, "intermediate.threshold"),
        "unit: mg/dL does not convert to pg/mL",
        'unit = "mg/dL"',
    ),
    "needs a source now present": (
        'needs = ["anastrozole_prescribing_information"]',
        'needs = ["taxel2001"]',
        1,
        claim(15, "intermediate.breast_cancer_dose"),
        "needs: every source it needs is now in studies.toml",
        'needs = ["taxel2001"]',
    ),
}

STUDY_CASES = {
    "authors as one string": (
        'authors = ["Taxel P", "Kennedy DG", "Fall PM", "Willard AK", "Clive JM", "Raisz LG"]',
        'authors = "Taxel P"',
        1,
        "[taxel2001]",
        "authors: Expected array, got str",
        'authors = "Taxel P"',
    ),
    "arms as one string": (
        'arms = ["anastrozole"]',
        'arms = "anastrozole"',
        1,
        "[burnett2009.reported 2]",
        "arms: Expected array, got str",
        'arms = "anastrozole"',
    ),
    "reported id as a path": (
        'id = "bmd_change_vs_placebo"',
        'id = "../x"',
        1,
        "[burnett2009.reported 1]",
        "id: Expected str matching regex",
        'id = "../x"',
    ),
    "relation outside the enum": (
        'relation = "="\nvalue = 0.0014',
        'relation = "≈"\nvalue = 0.0014',
        1,
        "[burnett2009.reported 1]",
        "relation: Invalid enum value '≈'",
        'relation = "≈"',
    ),
    "value as text": (
        "value = 0.0014",
        'value = "0.0014"',
        1,
        "[burnett2009.reported 1]",
        "value: Expected float, got str",
        'value = "0.0014"',
    ),
    "value not a number": (
        "value = 0.0014",
        "value = nan",
        1,
        "[burnett2009.reported 1]",
        "value: Expected float >=",
        "value = nan",
    ),
    "week as text": (
        "week = 13\n",
        'week = "13"\n',
        1,
        "[burnett2009.reported 2]",
        "week: Expected float | null, got str",
        'week = "13"',
    ),
    "assumption without reasoning": (
        'reasoning = "The abstract does not label ±',
        'note = "The abstract does not label ±',
        1,
        "[burnett2009.assumptions 2]",
        "note: unknown key",
        'note = "The abstract',
    ),
    "characteristic not a bool": (
        "characteristics = { on_testosterone_therapy = false }\nrandomized",
        'characteristics = { on_testosterone_therapy = "no" }\nrandomized',
        1,
        "[burnett2009_companion]",
        "characteristics: on_testosterone_therapy must be true or false",
        'characteristics = { on_testosterone_therapy = "no" }',
    ),
    "unknown study key": (
        "omitted = ",
        "omited = ",
        1,
        "[snyder2004]",
        "omited: unknown key",
        "omited = ",
    ),
    "same cohort as an unknown study": (
        'same_cohort_as = "snyder2004"',
        'same_cohort_as = "snyder2005"',
        1,
        "[leder2005]",
        "same_cohort_as: 'snyder2005' is not a study of this file",
        'same_cohort_as = "snyder2005"',
    ),
    "year as text": (
        "year = 2001",
        'year = "2001"',
        1,
        "[taxel2001]",
        "year: Expected",
        'year = "2001"',
    ),
    "data_file with a folder": (
        'data_file = "snyder2004.csv"',
        'data_file = "../snyder2004.csv"',
        1,
        "[snyder2004]",
        "data_file: Expected str matching regex",
        'data_file = "../snyder2004.csv"',
    ),
    "threshold side outside the enum": (
        'side = "above", statement',
        'side = "over", statement',
        1,
        "[finkelstein2016]",
        "thresholds[0].side: Invalid enum value 'over'",
        "thresholds = [",
    ),
    "study id with a space": (
        "[taxel2001]",
        '["taxel 2001"]',
        1,
        "[taxel 2001]",
        "study id 'taxel 2001' must be",
        '["taxel 2001"]',
    ),
}


def run_audit(data: Path, capsys) -> str:
    assert main(["audit", "--data", str(data)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    return lines[0]


@pytest.mark.parametrize("case", CLAIM_CASES, ids=list(CLAIM_CASES))
def test_bad_claim_is_one_line_naming_file_claim_key_and_line(case, tmp_path, capsys) -> None:
    old, new, nth, label, message, anchor = CLAIM_CASES[case]
    data = copy_with(tmp_path, "claims.toml", old, new, nth)
    line = run_audit(data, capsys)
    path = data / "claims.toml"
    assert line.startswith(f"error: {path}, line {line_of(path, anchor)}: {label} "), line
    assert message in line, line


@pytest.mark.parametrize("case", STUDY_CASES, ids=list(STUDY_CASES))
def test_bad_study_is_one_line_naming_file_study_key_and_line(case, tmp_path, capsys) -> None:
    old, new, nth, label, message, anchor = STUDY_CASES[case]
    data = copy_with(tmp_path, "studies.toml", old, new, nth)
    line = run_audit(data, capsys)
    path = data / "studies.toml"
    assert line.startswith(f"error: {path}, line {line_of(path, anchor)}: {label} "), line
    assert message in line, line


# --- fuzz: random values for random keys --------------------------------------------------


def toml_string(text: str) -> str:
    """A TOML basic string: quote, backslash and control characters escaped (TOML 1.0 §String)."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_value(value: Any) -> str:
    """A value as inline TOML (tables inline, so every key = value fits one line)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{" + ", ".join(f"{toml_string(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
        )
    raise TypeError(f"no TOML form for {value!r}")


def toml_text(document: dict[str, Any]) -> str:
    return "".join(f"{toml_string(k)} = {toml_value(v)}\n" for k, v in document.items())


def paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every key path in a parsed TOML document (dict keys and list indices)."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*prefix, index))
    return found


def leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in leaves(item)]
    return [value]


def substituted(document: Any, path: tuple, value: Any) -> Any:
    """A copy of ``document`` with ``path`` set to ``value`` (None deletes the key or item)."""
    if not path:
        return value
    copy = dict(document) if isinstance(document, dict) else list(document)
    if value is None and len(path) == 1:
        del copy[path[0]]
    else:
        copy[path[0]] = substituted(document[path[0]], path[1:], value)
    return copy


SCALARS = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
)
VALUES = st.one_of(
    st.none(),
    SCALARS,
    st.lists(SCALARS, max_size=3),
    st.dictionaries(st.text(max_size=6), SCALARS, max_size=3),
)


@pytest.fixture(scope="module")
def fuzz_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz") / "data"
    shutil.copytree(DATA, folder)
    return folder


@pytest.mark.parametrize("name", ["studies.toml", "claims.toml"])
@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_values_in_the_shipped_toml_give_only_reanalysis_errors(
    fuzz_folder, name, data
) -> None:
    original = (DATA / name).read_text(encoding="utf-8")
    document = tomllib.loads(original)
    keys, shipped = paths(document), leaves(document)
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(keys))
        value = data.draw(st.one_of(VALUES, st.sampled_from(shipped)))
        try:
            document = substituted(document, path, value)
        except (KeyError, IndexError, TypeError):
            continue  # the path vanished under an earlier substitution
    target = fuzz_folder / name
    target.write_text(toml_text(document), encoding="utf-8")
    try:
        loaded = load_audit_data(fuzz_folder)
        evaluate_all(loaded)
        checks_of(loaded)
    except ReanalysisError as error:
        assert "\n" not in str(error)
    finally:
        target.write_text(original, encoding="utf-8")
