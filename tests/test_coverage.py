"""Coverage of the audited article: every quantitative statement audited or set aside."""

from __future__ import annotations

from pathlib import Path

from reanalysis.analysis.claims import load_audit_data
from reanalysis.analysis.claims.coverage import article_coverage
from reanalysis.cli import main
from tests.shipped import DATA, edited


def test_shipped_article_is_fully_covered() -> None:
    found = article_coverage(load_audit_data(DATA))
    # Read by hand (tests/test_extract.py lists each statement with its line): 12 table
    # cells, the P-free text's mean ± SD on line 56 and the numbers on lines 24, 27, 31, 32,
    # 55, 59, 64 and 65 — 24 statements; lines 27 and 65 are set aside with reasons.
    assert found is not None
    assert (found["statements"], found["audited"]) == (24, 22)
    assert [n["line"] for n in found["not_audited"]] == [27, 65]
    assert found["unaccounted"] == []
    assert found["summary"].startswith("22 of 24 quantitative statements audited")


def test_a_statement_neither_audited_nor_set_aside_is_listed(tmp_path: Path) -> None:
    data = edited(
        tmp_path, "claims.toml", "[[not_audited]]\nline = 65\n", "[[not_audited]]\nline = 64\n"
    )
    found = article_coverage(load_audit_data(data))
    assert 65 in found["unaccounted"]


def test_not_audited_needs_a_reason(tmp_path: Path, capsys) -> None:
    text = (DATA / "claims.toml").read_text(encoding="utf-8")
    start = text.index("[[not_audited]]\nline = 27\n")
    reason = text.index("reason = ", start)
    end = text.index("\n", reason)
    data = edited(tmp_path, "claims.toml", text[reason : end + 1], "")
    assert main(["audit", "--data", str(data)]) == 2
    err = capsys.readouterr().err
    assert "claims.toml" in err and "reason" in err and len(err.strip().splitlines()) == 1


def test_audit_prints_its_coverage(capsys) -> None:
    assert main(["audit", "--data", str(DATA)]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last == (
        "coverage of article.md: 22 of 24 quantitative statements audited; "
        "not audited: lines 27, 65; unaccounted: none"
    )


def test_extract_draft_round_trips_and_matches_the_data(capsys) -> None:
    import tomllib

    assert main(["extract", str(DATA / "article.md"), "--toml", "--data", str(DATA)]) == 0
    draft = tomllib.loads(capsys.readouterr().out)
    # The table's "1.121 ± 0.141" (article line 36) is burnett2009.csv line 2.
    cells = [c for c in draft["claim"] if c["text"].startswith("1.121 ± 0.141")]
    assert cells and "burnett2009.csv:2" in str(cells[0])
    assert len(draft["reference"]) == 5
