"""Finding an article's statements, table cells and references; the claims draft.

Expected values were read off the two fixture articles by hand (line numbers from
``cat -n``), never copied from the package's output:

* tests/fixtures/article_seed.md — the shipped article (shared/seed/000_5564ba705fb30d15.txt),
  whose cited papers are described in shared/sources/trials.md;
* tests/fixtures/article_lipids.md — an invented statin review written for these tests, with
  its own table, P values, mean ± SD in several spellings and an APA reference list.

Citation fields come from the style guides named in reanalysis/data/references.py and, for
real papers, from shared/sources/trials.md §1.
"""

from __future__ import annotations

import csv
import hashlib
import json
import signal
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reanalysis.analysis.claims_draft import coverage, draft_claims_toml, statements
from reanalysis.data.article import KINDS, Item, extract
from reanalysis.data.references import normalize_pages, parse_reference
from reanalysis.data.studies import load_studies
from reanalysis.errors import ReanalysisError
from tests.shipped import DATA

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = (FIXTURES / "article_seed.md").read_text(encoding="utf-8")
LIPIDS = (FIXTURES / "article_lipids.md").read_text(encoding="utf-8")


def of_kind(items: list[Item], kind: str) -> list[Item]:
    return [i for i in items if i.kind == kind]


@pytest.fixture(scope="module")
def seed() -> list[Item]:
    return extract(SEED)


@pytest.fixture(scope="module")
def lipids() -> list[Item]:
    return extract(LIPIDS)


# --- (a) the shipped article --------------------------------------------------------------


def test_seed_fixture_is_the_shipped_article() -> None:
    # sha256sum /work/shared/seed/000_5564ba705fb30d15.txt
    digest = hashlib.sha256(SEED.encode("utf-8")).hexdigest()
    assert digest == "24c099616d5ee54f272e3e66469f687d506f8a0117c351529e1790c89ce52bb8"


# Every "±" of the article: lines 36-38 are the table's rows (header line 34, separator 35);
# line 56 is the Academic section's sentence "from 319 ± 93 ng/dl to 474 ± 145 ng/dl ...
# from 15 ± 4 pg/ml to 12 ± 4 pg/ml". Table cells print their unit once, in the row header.
SEED_MEAN_SD = [
    (36, "1.121 ± 0.141", 1.121, 0.141, "g/cm²"),
    (36, "1.102 ± 0.138", 1.102, 0.138, "g/cm²"),
    (36, "1.180 ± 0.145", 1.180, 0.145, "g/cm²"),
    (36, "1.189 ± 0.146", 1.189, 0.146, "g/cm²"),
    (37, "15 ± 4", 15, 4, "pg/ml"),
    (37, "12 ± 4", 12, 4, "pg/ml"),
    (38, "319 ± 93", 319, 93, "ng/dl"),
    (38, "474 ± 145", 474, 145, "ng/dl"),
    (56, "319 ± 93 ng/dl", 319, 93, "ng/dl"),
    (56, "474 ± 145 ng/dl", 474, 145, "ng/dl"),
    (56, "15 ± 4 pg/ml", 15, 4, "pg/ml"),
    (56, "12 ± 4 pg/ml", 12, 4, "pg/ml"),
]


def test_seed_every_mean_sd(seed) -> None:
    found = [(i.line, i.text, *i.values, i.unit) for i in of_kind(seed, "mean_sd")]
    assert found == SEED_MEAN_SD


def test_seed_spreads_are_unlabelled(seed) -> None:
    # The article never says SD, SE or "standard" anywhere (grep -n -i "\bSD\b\|\bSE\b").
    assert {i.subkind for i in of_kind(seed, "mean_sd")} == {"unlabelled"}


def test_seed_has_no_p_values(seed) -> None:
    # No "P =", "p <" or "P value" anywhere in the article (grep -n -i "p *[=<>]").
    assert of_kind(seed, "p_value") == []


A = "Anastrozole Group (Baseline)", "Anastrozole Group (12 Months)"
P = "Placebo Group (Baseline)", "Placebo Group (12 Months)"
SEED_CELLS = [  # lines 36-38: row header | 4 data cells; header row on line 34
    (36, "PA Spine BMD (g/cm²)", A[0], "1.121 ± 0.141", "mean_sd"),
    (36, "PA Spine BMD (g/cm²)", A[1], "1.102 ± 0.138", "mean_sd"),
    (36, "PA Spine BMD (g/cm²)", P[0], "1.180 ± 0.145", "mean_sd"),
    (36, "PA Spine BMD (g/cm²)", P[1], "1.189 ± 0.146", "mean_sd"),
    (37, "Estradiol (pg/ml)", A[0], "15 ± 4", "mean_sd"),
    (37, "Estradiol (pg/ml)", A[1], "12 ± 4", "mean_sd"),
    (37, "Estradiol (pg/ml)", P[0], "Not specified", "not_reported"),
    (37, "Estradiol (pg/ml)", P[1], "Not specified", "not_reported"),
    (38, "Testosterone (ng/dl)", A[0], "319 ± 93", "mean_sd"),
    (38, "Testosterone (ng/dl)", A[1], "474 ± 145", "mean_sd"),
    (38, "Testosterone (ng/dl)", P[0], "Not specified", "not_reported"),
    (38, "Testosterone (ng/dl)", P[1], "Not specified", "not_reported"),
]


def test_seed_every_table_cell_with_its_headers(seed) -> None:
    cells = of_kind(seed, "table_cell")
    found = [(c.line, c.row_header, c.column_header, c.text, c.subkind) for c in cells]
    assert found == SEED_CELLS
    assert cells[0].values == (1.121, 0.141) and cells[0].unit == "g/cm²"
    assert cells[6].value is None and cells[6].values == ()


# Every other number of the article that states a quantity (bare numbers such as "type 1"
# on line 66 or "CYP19A1" on line 53 are not statements):
SEED_NUMBERS = [
    (24, "dose", "0.25 to 0.5 mg, taken two to three times weekly", (0.25, 0.5), "mg"),
    (27, "quantity", "200mg/ml", (200,), "mg/ml"),  # "Testosterone Cypionate (200mg/ml)"
    (31, "duration", "12 months", (12,), "months"),  # "spine BMD over 12 months"
    (32, "threshold", "below a threshold of approximately 10 pg/ml", (10,), "pg/ml"),
    (55, "duration", "12-month", (12,), "month"),  # "A landmark 12-month, double-blind ..."
    (59, "threshold", "above approximately 10 pg/ml", (10,), "pg/ml"),
    (64, "threshold", "above the critical threshold of 10 pg/ml", (10,), "pg/ml"),
    (65, "duration", "1-2 years", (1, 2), "years"),  # "every 1-2 years"
]


def test_seed_numbers(seed) -> None:
    found = [(i.line, i.subkind, i.text, i.values, i.unit) for i in of_kind(seed, "number")]
    assert found == SEED_NUMBERS


# Lines 76-80 under "References" (line 75), MLA 9 style: Author. "Title." Journal, vol., no.,
# year, pp. The fields are as printed, errors included (trials.md §5: issue 10 and pages
# 4017-4024 of entry 1 are wrong; the real paper is 94(12):4785-4792).
SEED_REFERENCES = [
    (76, "Burnett-Bowden", ("Burnett-Bowden SA", "et al."), 2009, "94", "10", "4017-4024"),
    (77, "Finkelstein", ("Finkelstein JS", "et al."), 2016, "126", "3", "1114-1125"),
    (78, "Mohamad", ("Mohamad NV", "et al."), 2009, "94", "6", "1877-1883"),
    (79, "Rambhatla", ("Rambhatla A",), 2024, None, None, None),
    (80, "Snyder", ("Snyder PJ", "et al."), 2004, "89", "3", "1174-1180"),
]
JCEM = "The Journal of Clinical Endocrinology & Metabolism"
SEED_JOURNALS = [JCEM, "The Journal of Clinical Investigation", JCEM, "Hone Health", JCEM]


def test_seed_references(seed) -> None:
    refs = of_kind(seed, "reference")
    found = [(r.line, r.first_author, r.authors, r.year, r.volume, r.issue, r.pages) for r in refs]
    assert found == SEED_REFERENCES
    assert [r.journal for r in refs] == SEED_JOURNALS
    assert refs[0].title == (
        "Effects of Aromatase Inhibition on Bone Mineral Density and Bone Turnover in Older "
        "Men with Low Testosterone Levels"
    )
    assert refs[3].title == "Should I Take Anastrozole with Testosterone?"
    assert {r.section for r in refs} == {"References"}


def test_seed_sections(seed) -> None:
    by_line = {i.line: i.section for i in seed}
    assert by_line[24] == "Anastrozole Dosing and Administration"  # heading, line 23
    assert by_line[36] == "Impact on Bone Mineral Density"  # heading, line 29
    assert by_line[56] == "The Aromatase Enzyme and Estrogen’s Skeletal Influence"  # line 52
    assert by_line[65] == "Long-Term Implications and Monitoring Strategies"  # line 61


def test_to_dict_has_exactly_the_documented_names_and_is_json_ready(seed) -> None:
    names = [
        "kind", "text", "line", "value", "values", "unit", "subkind", "section",
        "row_header", "column_header", "first_author", "authors", "title", "journal",
        "year", "volume", "issue", "pages", "doi", "pmid",
    ]  # fmt: skip
    for item in seed:
        record = item.to_dict()
        assert list(record) == names
        assert json.loads(json.dumps(record)) == record


# --- (b) an invented statin review (tests/fixtures/article_lipids.md) -----------------------

LIPIDS_ITEMS = [
    (8, "number", "threshold", "below 70 mg/dL"),
    (9, "number", "threshold", "above 190 mg/dL"),
    (10, "number", "quantity", "1 mmol/L"),
    (10, "number", "percent", "about 22 percent"),
    (14, "number", "sample_size", "1,250 patients were randomized"),
    (14, "number", "duration", "1 year"),
    (15, "number", "dose", "80 mg daily"),
    (16, "number", "sample_size", "n = 412"),
    (16, "number", "dose", "5 to 20 mg once daily"),
    (16, "number", "duration", "12 weeks"),
    (20, "mean_sd", "sd", "161.2 ± 28.4 mg/dL"),  # "(mean ± SD)" follows on the line
    (21, "number", "duration", "1 year"),
    (21, "mean_sd", "unlabelled", "4.2 +/- 0.9 mmol/L"),
    (21, "mean_sd", "unlabelled", "1.9\u2009±\u20090.6 mmol/L"),  # thin spaces
    (21, "p_value", "<", "P < 0.001"),
    (22, "mean_sd", "unlabelled", "−38.2 ±\u00a09.6%"),  # Unicode minus, no-break space
    (22, "mean_sd", "unlabelled", "−1.4 ± 7.9 %"),
    (23, "mean_sd", "se", "-1.31+-0.32 mmol/L"),  # "(mean ± SE)" follows on the line
    (23, "p_value", "<", "p<.05"),
    # Table, lines 25-30: header "(mean ± SD)" labels the spreads of its cells.
    (27, "mean_sd", "sd", "1.9 ± 0.6"),
    (27, "table_cell", "mean_sd", "1.9 ± 0.6"),
    (27, "mean_sd", "sd", "4.2 ± 0.9"),
    (27, "table_cell", "mean_sd", "4.2 ± 0.9"),
    (27, "table_cell", "p_value", "<0.001"),
    (28, "mean_sd", "sd", "1.21 ± 0.30"),
    (28, "table_cell", "mean_sd", "1.21 ± 0.30"),
    (28, "mean_sd", "sd", "1.18 ± 0.29"),
    (28, "table_cell", "mean_sd", "1.18 ± 0.29"),
    (28, "table_cell", "p_value", "0.41"),
    (29, "mean_sd", "sd", "1.48 ± 0.71"),
    (29, "table_cell", "mean_sd", "1.48 ± 0.71"),
    (29, "mean_sd", "sd", "1.73 ± 0.88"),
    (29, "table_cell", "mean_sd", "1.73 ± 0.88"),
    (29, "p_value", "=", "P = 0.03"),
    (29, "table_cell", "p_value", "P = 0.03"),
    (30, "mean_sd", "sd", "31 ± 12"),
    (30, "table_cell", "mean_sd", "31 ± 12"),
    (30, "mean_sd", "sd", "27 ± 10"),
    (30, "table_cell", "mean_sd", "27 ± 10"),
    (30, "table_cell", "p_value", "NS"),
    (32, "p_value", "=", "p-value = 0.41"),
    (36, "number", "percent", "35%"),
    (36, "number", "percent", "27%"),
    (37, "number", "estimate", "hazard ratio was 0.74"),
    (37, "number", "confidence_interval", "95% CI 0.62 to 0.88"),
    (37, "p_value", "=", "P=0.0014"),
    (37, "number", "duration", "6 months"),
    (38, "number", "sample_size", "318 women"),
    (38, "p_value", "ns", "P = NS"),
    (42, "number", "percent", "9.1%"),
    (42, "number", "percent", "8.7%"),
    (43, "number", "threshold", "above 10 times the upper limit of normal"),
    (48, "number", "dose", "40 to 80 mg once daily"),
    (48, "number", "dose", "20 mg/day"),
    (49, "number", "dose", "5 mg three times weekly"),
    (50, "number", "duration", "4 to 12 weeks"),
    (55, "number", "duration", "five years"),
    (59, "reference", None, LIPIDS.split("\n")[58]),
    (61, "reference", None, LIPIDS.split("\n")[60]),
    (63, "reference", None, LIPIDS.split("\n")[62]),
    (65, "reference", None, LIPIDS.split("\n")[64]),
]


def test_lipids_every_item(lipids) -> None:
    assert [(i.line, i.kind, i.subkind, i.text) for i in lipids] == LIPIDS_ITEMS


def test_lipids_values_units_and_headers(lipids) -> None:
    by_text = {(i.line, i.kind, i.text): i for i in lipids}
    assert by_text[(22, "mean_sd", "−38.2 ±\u00a09.6%")].values == (-38.2, 9.6)
    assert by_text[(22, "mean_sd", "−38.2 ±\u00a09.6%")].unit == "%"
    assert by_text[(23, "mean_sd", "-1.31+-0.32 mmol/L")].values == (-1.31, 0.32)
    assert by_text[(23, "p_value", "p<.05")].value == 0.05
    assert by_text[(38, "p_value", "P = NS")].value is None
    assert by_text[(16, "number", "5 to 20 mg once daily")].values == (5, 20)
    assert by_text[(14, "number", "1,250 patients were randomized")].value == 1250
    assert by_text[(55, "number", "five years")].value == 5
    cell = by_text[(28, "table_cell", "0.41")]
    assert (cell.row_header, cell.column_header, cell.value) == ("HDL-C (mmol/L)", "P value", 0.41)
    cell = by_text[(30, "table_cell", "27 ± 10")]
    assert (cell.column_header, cell.unit, cell.values) == ("Placebo (mean ± SD)", "U/L", (27, 10))
    assert by_text[(21, "p_value", "P < 0.001")].section == "LDL cholesterol"  # "###" heading


# APA 7 (Publication Manual ch. 9-10): Author, A. A., & Author, B. B. (Year). Title.
# Journal, volume(issue), pages. https://doi.org/...; "233–41" expands to 233-241.
LIPIDS_REFERENCES = [
    ("Brandt", ("Brandt KL", "Sato M"), 2021, "Lipid Trials Quarterly", "14", "2", "101-112"),
    (
        "Ferreira",
        ("Ferreira A", "Novak JP", "Holm E"),
        2020,
        "Cardiometabolic Evidence Review",
        "7",
        "4",
        "233-241",
    ),
    ("Okafor", ("Okafor CN", "Lind P"), 2018, "Vascular Medicine Letters", "22", None, "1-18"),
    ("Quist", ("Quist R",), 2019, "Lipid Trials Quarterly", "12", "1", "e1034"),
]


def test_lipids_apa_references(lipids) -> None:
    refs = of_kind(lipids, "reference")
    fields = [
        (r.first_author, r.authors, r.year, r.journal, r.volume, r.issue, r.pages) for r in refs
    ]
    assert fields == LIPIDS_REFERENCES
    assert refs[0].title == "Atorvastatin after myocardial infarction: The ALPINE trial"
    assert refs[0].doi == "10.5555/ltq.2021.0142"
    assert refs[3].title == "Statin intolerance in clinical practice?"


# --- the reference parser on each style ---------------------------------------------------


def test_vancouver_nlm() -> None:
    # burnett2009 as trials.md §1 gives it; Citing Medicine drops repeated page digits.
    ref = parse_reference(
        "Burnett-Bowie SA, McKay EA, Lee H, Leder BZ. Effects of aromatase inhibition on bone "
        "mineral density and bone turnover in older men with low testosterone levels. J Clin "
        "Endocrinol Metab. 2009;94(12):4785-92."
    )
    assert ref.style == "vancouver"
    assert ref.authors == ("Burnett-Bowie SA", "McKay EA", "Lee H", "Leder BZ")
    assert (ref.journal, ref.year, ref.volume, ref.issue) == (
        "J Clin Endocrinol Metab",
        2009,
        "94",
        "12",
    )
    assert (ref.pages, ref.pages_printed) == ("4785-4792", "4785-92")
    assert ref.title.endswith("older men with low testosterone levels")


def test_ama_with_doi_and_month() -> None:
    # finkelstein2013, trials.md §1: N Engl J Med 2013;369(11):1011-1022, DOI 10.1056/NEJMoa1206168.
    ref = parse_reference(
        "3. Finkelstein JS, Lee H, Burnett-Bowie SAM, et al. Gonadal steroids and body "
        "composition, strength, and sexual function in men. N Engl J Med. 2013 Sep 12;"
        "369(11):1011-1022. doi:10.1056/NEJMoa1206168. PMID: 24024838"
    )
    assert ref.authors == ("Finkelstein JS", "Lee H", "Burnett-Bowie SAM", "et al.")
    assert (ref.journal, ref.year, ref.volume, ref.issue, ref.pages) == (
        "N Engl J Med",
        2013,
        "369",
        "11",
        "1011-1022",
    )
    assert (ref.doi, ref.pmid) == ("10.1056/NEJMoa1206168", "24024838")


def test_apa() -> None:
    ref = parse_reference(
        "Smith, J. A., & Jones, B. (2019). Title of the work. Journal of Things, 12(3), 45–67. "
        "https://doi.org/10.1000/xyz123"
    )
    assert (ref.style, ref.first_author, ref.authors) == ("apa", "Smith", ("Smith JA", "Jones B"))
    assert (ref.title, ref.journal, ref.year) == ("Title of the work", "Journal of Things", 2019)
    assert (ref.volume, ref.issue, ref.pages, ref.pages_printed) == ("12", "3", "45-67", "45–67")
    assert ref.doi == "10.1000/xyz123"


def test_harvard() -> None:
    # Cite Them Right: Author (Year) 'Title', Journal, volume(issue), pp. pages.
    ref = parse_reference("Smith J and Jones B (2019) 'Men's hearts', Journal, 12(3), pp. 45-67.")
    assert (ref.style, ref.authors, ref.year) == ("harvard", ("Smith J", "Jones B"), 2019)
    assert (ref.title, ref.journal, ref.volume, ref.issue, ref.pages) == (
        "Men's hearts",
        "Journal",
        "12",
        "3",
        "45-67",
    )


def test_mla_given_name_first_co_author() -> None:
    # MLA 9 (Handbook ch. 5): first author inverted, others in normal order.
    ref = parse_reference(
        'Smith, John, and Jane Doe. "A Title." Journal X, vol. 3, no. 2, 2001, pp. 1-9.'
    )
    assert (ref.style, ref.authors, ref.title) == ("mla", ("Smith J", "Doe J"), "A Title")
    assert (ref.journal, ref.volume, ref.issue, ref.year, ref.pages) == (
        "Journal X",
        "3",
        "2",
        2001,
        "1-9",
    )


@pytest.mark.parametrize(
    ("printed", "expanded"),
    [("4785-92", "4785-4792"), ("116-23", "116-123"), ("1114-1125", "1114-1125"),
     ("45–67", "45-67"), ("e1034", "e1034"), ("S12-5", "S12-S15"), ("", None)],
)  # fmt: skip
def test_normalize_pages(printed, expanded) -> None:
    assert normalize_pages(printed) == expanded


@pytest.mark.parametrize("junk", ["", "garbage", "(2019).", "“”", "1. ", "et al.", "10.1/x"])
def test_unparseable_reference_gives_what_it_can(junk) -> None:
    ref = parse_reference(junk)
    assert ref.text == junk.removeprefix("1. ").strip()


# --- (c) malformed text: partial results, never an exception ------------------------------


def test_no_reference_list_gives_no_references() -> None:
    assert (
        of_kind(extract("Results\n\nMean 5 ± 2 mg (P = 0.01).\n1. Exercise more.\n"), "reference")
        == []
    )


def test_trailing_numbered_list_is_a_reference_list() -> None:
    text = (
        "Body 5 ± 2.\n\n1. Lee H. A title. Lancet. 2001;3:1-9.\n2. Roe B. Other. BMJ. 2002;4:2-8.\n"
    )
    refs = of_kind(extract(text), "reference")
    assert [(r.line, r.first_author, r.year) for r in refs] == [(3, "Lee", 2001), (4, "Roe", 2002)]


def test_unbalanced_pipe_table() -> None:
    text = "| a | b | c |\n|---|---|\n| r1 | 1 |\n| r2 | 2 | 3 | 4 | 5 |\n| lone"
    cells = of_kind(extract(text), "table_cell")
    found = [(c.line, c.row_header, c.column_header, c.text) for c in cells]
    assert found == [(3, "r1", "b", "1"), (4, "r2", "b", "2"), (4, "r2", "c", "3"),
                     (4, "r2", None, "4"), (4, "r2", None, "5")]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "values"),
    [("5±2", (5, 2)), ("5 ±2", (5, 2)), ("5±   2", (5, 2)), ("5\u2009±\u20092", (5, 2)),
     ("−0.019 ± 0.02", (-0.019, 0.02)), ("5 +/- 2", (5, 2)), ("5 +- 2", (5, 2)),
     ("5\u202f±\u00a02 mg", (5, 2)), ("−3 +/− 1", (-3, 1))],
)  # fmt: skip
def test_unusual_plus_minus_spellings(text, values) -> None:
    (item,) = extract(text)
    assert (item.kind, item.text, item.values) == ("mean_sd", text, values)


JUNK = [
    "",
    "\n\n\n",
    bytes(range(256)).decode("latin-1"),
    "\x00\x01\ufffd\ud800|±|\n---|---\n|±|P=",
    "References\n\n\n",
    "| | |\n|-|-|\n| | |",
    "# \n## \n**",
    "P = 1e999 and P < 10^-999 and 9" * 3 + "9" * 400 + " ± 1",
]


@pytest.mark.parametrize(
    ("text", "label"),
    [("5 ± 2 (SD)", "sd"), ("5 ± 2 (mean ± SEM)", "se"), ("5 ± 2, mean ± standard error", "se"),
     ("5 ± 2 per se", "unlabelled"), ("SD of 5 ± 2 is not the SE of 7 ± 1", "sd"),
     ("5 ± 2", "unlabelled")],
)  # fmt: skip
def test_spread_label_only_where_the_line_says(text, label) -> None:
    # The nearest label on the line names the spread (trials.md "Conventions").
    assert extract(text)[0].subkind == label


def test_text_that_is_not_a_string_is_a_reanalysis_error() -> None:
    with pytest.raises(ReanalysisError, match="extract: text must be str, got bytes"):
        extract(b"5 \xc2\xb1 2")  # type: ignore[arg-type]


@pytest.mark.parametrize("text", JUNK)
def test_junk_never_raises(text) -> None:
    for item in extract(text):
        assert item.text in text.split("\n")[item.line - 1]
        json.dumps(item.to_dict(), allow_nan=False)


LONG_LINES = {
    "digits": "1" * 100_000,
    "spaced numbers": "1 " * 50_000,
    "plus-minus": "± " * 50_000,
    "blank run after P": "P" + " " * 100_000 + "x",
    "heading of blanks": "# " + " " * 100_000 + "x",
    "slashed units": "5 a/" * 25_000,
    "dose then digits": "5 mg " + "1" * 100_000,
    "table row": "a|b\n---|---\n" + "|1 ± 2" * 16_000,
    "statements": "n = 1 ± 2 mg/dL P < 0.05 " * 4_000,
    "reference": "References\n" + "Smith, " * 14_000 + "(2019).",
}


@pytest.mark.parametrize("name", list(LONG_LINES))
def test_a_100000_character_line_ends(name) -> None:
    # Not a speed test (speed is measured in `make bench`): each case takes 0.02-0.25 s,
    # while a pattern that backtracks quadratically on such a line needs ~10^10 steps,
    # i.e. minutes. The alarm turns such a hang into a failure instead of a stuck suite.
    def hung(signum, frame):
        raise TimeoutError(f"extract did not finish on {name!r}: catastrophic backtracking?")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(60)
    try:
        items = extract(LONG_LINES[name])
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert all(item.line >= 1 for item in items)


TOKENS = [
    "1", "0.5", "−2", " ", "\u2009", "±", "+/-", "+-", "P", "p", " = ", "<", "%", "mg", "mg/dL",
    "|", "---|---", "\n", "\r\n", "References", "1. ", "- ", "# ", "(2019).", "vol. 3", "“a”",
    "'t'", "et al.", "men", "weeks", "above", "n =", "daily", "SD", "\x00", "\ud800", "é", "to",
]  # fmt: skip


@given(
    st.one_of(st.text(max_size=300), st.lists(st.sampled_from(TOKENS), max_size=80).map("".join))
)
def test_random_text_gives_items_on_their_lines(text) -> None:
    lines = text.split("\n")
    for item in extract(text):
        assert item.kind in KINDS
        assert 1 <= item.line <= len(lines)
        assert item.text in lines[item.line - 1]
        json.dumps(item.to_dict(), allow_nan=False)


# --- (d) the claims draft ---------------------------------------------------------------------


def trial_rows(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return [
            {"file": name, "line": reader.line_num, "study": r["study"], "arm": r["arm"],
             "outcome": r["outcome"], "timepoint": r["timepoint"], "printed_mean": r["mean"],
             "printed_sd": r["sd"]}
            for r in reader
        ]  # fmt: skip


@pytest.fixture(scope="module")
def seed_draft(seed) -> dict:
    rows = trial_rows("burnett2009.csv") + trial_rows("snyder2004.csv")
    studies = {k: s.fields for k, s in load_studies(DATA / "studies.toml").items()}
    return tomllib.loads(draft_claims_toml(seed, rows, studies, article=SEED))


# data/burnett2009.csv, read by hand: line 2 anastrozole BMD baseline 1.121/0.141; 3 its end of
# study 1.102/0.138; 4-5 placebo 1.180/0.145 and 1.189/0.146; 6 testosterone baseline 319/93;
# 8 testosterone 1 year 474/145; 9 estradiol baseline 15/4; 10 estradiol month 3 12/4.
SEED_MATCHES = {
    (36, "1.121 ± 0.141"): "burnett2009.csv:2",
    (36, "1.102 ± 0.138"): "burnett2009.csv:3",
    (36, "1.180 ± 0.145"): "burnett2009.csv:4",
    (36, "1.189 ± 0.146"): "burnett2009.csv:5",
    (37, "15 ± 4"): "burnett2009.csv:9",
    (37, "12 ± 4"): "burnett2009.csv:10",  # printed under "12 Months"; the source's month 3
    (38, "319 ± 93"): "burnett2009.csv:6",
    (38, "474 ± 145"): "burnett2009.csv:8",
    (56, "319 ± 93 ng/dl"): "burnett2009.csv:6",
    (56, "474 ± 145 ng/dl"): "burnett2009.csv:8",
    (56, "15 ± 4 pg/ml"): "burnett2009.csv:9",
    (56, "12 ± 4 pg/ml"): "burnett2009.csv:10",
}


def test_draft_matches_each_printed_mean_sd_to_its_row(seed_draft) -> None:
    matched = {(c["line"], c["text"]): c["match"] for c in seed_draft["claim"] if "match" in c}
    assert matched == SEED_MATCHES
    twelve = next(c for c in seed_draft["claim"] if c["text"] == "12 ± 4")
    assert twelve["matched"]["timepoint"] == "month 3"


def test_draft_claims_one_stub_per_statement_with_a_check(seed_draft) -> None:
    # 12 table cells + 4 mean ± SD of line 56 + the 8 numbers above; the 8 mean ± SD inside
    # the table are carried by their cells.
    claims = seed_draft["claim"]
    assert len(claims) == 24
    checks = {(c["line"], c["text"]): c["check"] for c in claims}
    assert checks[(24, "0.25 to 0.5 mg, taken two to three times weekly")] == "dosing"
    assert checks[(32, "below a threshold of approximately 10 pg/ml")] == "threshold"
    assert checks[(36, "1.121 ± 0.141")] == "table_value"
    assert checks[(37, "Not specified")] == "not_published"
    assert checks[(65, "1-2 years")] == "unchecked"


def test_draft_references_match_studies(seed_draft) -> None:
    # trials.md §5: entry 1's title is burnett2009's (issue and pages wrong); entry 2 matches
    # finkelstein2016 (title, JCI 2016, 1114-1125); entry 3's title is no known paper, so the
    # JCEM 2009 it shares with burnett2009 is only a candidate; entry 4 is a web page;
    # entry 5's journal, year and pages are PMID 15001605's (snyder2004).
    refs = seed_draft["reference"]
    assert [r["position"] for r in refs] == [1, 2, 3, 4, 5]
    assert [r.get("match_study") for r in refs] == [
        "burnett2009", "finkelstein2016", None, None, "snyder2004"
    ]  # fmt: skip
    assert refs[0]["match_reasons"] == ["title", "journal+year"]
    assert refs[1]["match_reasons"] == ["title", "journal+year", "pages"]
    assert (refs[2]["candidate_study"], refs[2]["candidate_reasons"]) == (
        "burnett2009",
        ["journal+year"],
    )
    assert refs[0]["authors"] == "Burnett-Bowden, S. A. et al."
    assert (refs[0]["volume"], refs[0]["issue"], refs[0]["pages"]) == ("94", "10", "4017-4024")
    assert refs[4]["pages"] == "1174-1180"


def test_draft_between_arm_p_values(lipids) -> None:
    claims = tomllib.loads(draft_claims_toml(lipids, [], {}, article=LIPIDS))["claim"]
    checks = {(c["line"], c["text"]): c["check"] for c in claims}
    assert checks[(21, "P < 0.001")] == "between_arm_significance"  # "... on placebo and ..."
    assert checks[(23, "p<.05")] == "between_arm_significance"  # "against usual care"
    assert checks[(32, "p-value = 0.41")] == "reported_p"  # no comparison named on the line


def test_draft_escapes_strings_for_toml() -> None:
    nasty = 'q"uo\\te\tcontrol\x01\x7f'
    item = Item("number", nasty, 1, 1.0, (1.0,), 'u"\\', "percent", 'sec\n"tion"')
    ref = Item("reference", 'A. "B" \\ C', 2, title='T "q"', journal="J\\", year=2001)
    draft = tomllib.loads(draft_claims_toml([item, ref], [], {}))
    assert draft["claim"][0]["text"] == nasty
    assert (draft["claim"][0]["unit"], draft["claim"][0]["section"]) == ('u"\\', 'sec\n"tion"')
    assert (draft["reference"][0]["title"], draft["reference"][0]["journal"]) == ('T "q"', "J\\")


def test_seed_coverage_with_the_proposal(seed) -> None:
    proposal = tomllib.loads((FIXTURES / "seed_coverage_proposal.toml").read_text("utf-8"))
    claims = tomllib.loads((DATA / "claims.toml").read_text("utf-8"))["claim"]
    assert set(proposal["claim_lines"]) == {c["id"] for c in claims}  # all 34, no others
    audited = {line for lines in proposal["claim_lines"].values() for line in lines}
    set_aside = {entry["line"]: entry["reason"] for entry in proposal["not_audited"]}
    for entry in proposal["not_audited"]:  # each quoted statement is on its line
        assert entry["text"] in SEED.split("\n")[entry["line"] - 1]
    result = coverage(seed, audited, set_aside)
    assert (result.total, result.audited, result.unaccounted) == (24, 22, ())
    assert result.summary == (
        "22 of 24 quantitative statements audited; not audited: lines 27, 65; unaccounted: none"
    )
    refs = of_kind(seed, "reference")
    assert {str(p): r.line for p, r in enumerate(refs, start=1)} == proposal["reference_lines"]


def test_coverage_reports_unaccounted_lines(lipids) -> None:
    found = statements(lipids)
    # The 61 items above less 4 references, less the 8 mean ± SD and 1 P value that are
    # inside table cells (lines 27-30).
    assert len(LIPIDS_ITEMS) == 61
    assert len(found) == 48
    result = coverage(lipids, audited_lines=range(1, 26), not_audited={55: "limitation"})
    # Lines 8-23 hold 19 statements; lines 27-50 are neither audited nor set aside.
    assert (result.total, result.audited, result.not_audited) == (48, 19, {55: "limitation"})
    assert result.unaccounted == (27, 28, 29, 30, 32, 36, 37, 38, 42, 43, 48, 49, 50)
