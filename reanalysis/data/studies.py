"""Study metadata and reported test results: ``studies.toml`` (optional), typed.

Each top-level table is one study id (the ``study`` column of the trial CSVs; letters,
digits, ``_``, ``.``, ``-``, starting with a letter or digit). Every key is checked when
the file is loaded (msgspec, :mod:`reanalysis.data.schema`); a bad value is one line
naming the file, the line, the study and the key. Only ``title`` is required: a table
with a title and ``data_file`` loads, and every other key has the default shown.

Citation
    ``title`` (text, required); ``authors`` (list of text, default empty; a plain string
    is an error); ``authors_confirmed`` (bool, default true: false when the sources only
    give a working attribution) with ``authors_note``; ``journal``; ``year`` (integer);
    ``volume``, ``issue``, ``pages`` (text) and ``pages_confirmed`` (bool, default true);
    ``pmid``, ``doi``, ``pmcid``; ``sources`` (list of addresses).
Link to the data
    ``data_file``: the trial CSV's file name (no folder); ``same_cohort_as``: the id of
    the study whose cohort this report describes again; ``preferred_report`` (bool) with
    ``preferred_report_reason``.
Design
    ``design``, ``population``, ``intervention``, ``comparator`` (text);
    ``duration_weeks``; ``dose_mg`` (> 0) and ``doses_per_week`` (> 0, or a list, one
    per regimen); ``arm_regimen`` (arm → text); ``randomized``, ``completed`` (counts);
    ``withdrawn`` and ``arm_n`` (arm → count); ``arm_n_published`` (bool); ``measured``
    (list of text); ``omitted`` (text).
``characteristics``
    The population's yes/no characteristics, e.g. ``{ on_statin = false }``: each value
    a bool, each optionally explained by ``<name>_note`` (text). Population claims
    (check ``population``, or any claim with a ``population`` table) read them.
``facts``
    The one free-form table: values (text, bool, number or list of text) that claims
    name by key (checks ``study_field`` and ``mechanism``); ``<key>_note`` explains one.
``findings``
    name → ``{ direction = "increase" | "decrease" | "no change", extent = text }``, with
    ``findings_source``.
``thresholds``
    A list of cut-offs the paper states: ``outcome``, ``value``, ``unit``, ``side``
    (``above`` or ``below``: the side on which the statement holds), ``statement`` and
    ``paired_with`` (further cut-offs the statement joins to it, each with ``outcome``,
    ``value``, ``unit``, ``side``).
``inferred_timepoints``
    ``{ outcome, week, reasoning }``: a visit the paper does not name, inferred.
``remained_stable``
    ``{ outcome, arm, from_week, to_week, source }``: the paper says the arm's value did
    not change between the two visits (a printed value can then stand for either).
``not_reported``
    ``{ arm, outcome, source, scope = "full text" | "abstract" }``: the paper gives no
    value of the outcome for the arm (``scope``: what of the paper was read).
``assumptions``
    The analyst's assumptions, each with ``what``, ``value``, ``reasoning`` and ``source``.
``reported``
    Test results as printed: ``id`` (as for a study id; it names figure files),
    ``outcome``, ``arms`` (list of arm labels), ``comparison``, ``statistic``,
    ``relation`` (``=``, ``<``, ``<=``, ``>``, ``>=``), ``value`` (a finite number) and
    ``source`` are required; ``test``, ``week`` and ``from_week`` (default 0) optional.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import msgspec

from reanalysis.data.schema import check, convert, key_line, read_toml
from reanalysis.errors import ReanalysisError

T = TypeVar("T")
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
Id = Annotated[str, msgspec.Meta(pattern=ID_PATTERN)]
Text = Annotated[str, msgspec.Meta(min_length=1)]
# TOML admits nan and inf; bounds reject both (nan fails every comparison).
Finite = Annotated[float, msgspec.Meta(ge=-1e300, le=1e300)]
Positive = Annotated[float, msgspec.Meta(gt=0, le=1e300)]
Week = Annotated[float, msgspec.Meta(ge=0, le=1e6)]
Count = Annotated[int, msgspec.Meta(ge=0)]
Direction = Literal["increase", "decrease", "no change"]
Relation = Literal["=", "<", "<=", ">", ">="]
Side = Literal["above", "below"]
FileName = Annotated[str, msgspec.Meta(pattern=r"^[^/\\]+\.csv$")]
Fact = str | bool | int | float | list[str]


class _Strict(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    pass


class Assumption(_Strict):
    what: Text
    value: Text
    reasoning: Text
    source: Text


class _Reported(_Strict):
    id: Id
    outcome: Text
    arms: Annotated[list[Text], msgspec.Meta(min_length=1)]
    comparison: Text
    statistic: Text
    relation: Relation
    value: Finite
    source: Text
    test: str = ""
    week: Week | None = None
    from_week: Week = 0


class InferredTimepoint(_Strict):
    outcome: Text
    week: Week
    reasoning: Text


class RemainedStable(_Strict):
    outcome: Text
    arm: Text
    from_week: Week
    to_week: Week
    source: Text


class NotReported(_Strict):
    arm: Text
    outcome: Text
    source: Text
    scope: Literal["full text", "abstract"] = "full text"


class Cutoff(_Strict, kw_only=True):
    outcome: Text
    value: Finite
    unit: Text
    side: Side


class Threshold(Cutoff, kw_only=True):
    statement: str = ""
    paired_with: list[Cutoff] = []


class Finding(_Strict):
    direction: Direction
    extent: Text


class StudyMeta(_Strict):
    """One study table of ``studies.toml``, typed (see the module docstring)."""

    title: Text
    data_file: FileName | None = None
    authors: list[Text] = []
    authors_confirmed: bool = True
    authors_note: str = ""
    journal: str = ""
    year: Annotated[int, msgspec.Meta(ge=1, le=9999)] | None = None
    volume: str = ""
    issue: str = ""
    pages: str = ""
    pages_confirmed: bool = True
    pmid: str = ""
    doi: str = ""
    pmcid: str = ""
    sources: list[str] = []
    same_cohort_as: Id | None = None
    preferred_report: bool = False
    preferred_report_reason: str = ""
    design: str = ""
    population: str = ""
    intervention: str = ""
    comparator: str = ""
    duration_weeks: Week | None = None
    dose_mg: Positive | None = None
    doses_per_week: Positive | list[Positive] | None = None
    arm_regimen: dict[str, str] = {}
    randomized: Count | None = None
    completed: Count | None = None
    withdrawn: dict[str, Count] = {}
    arm_n: dict[str, Count] = {}
    arm_n_published: bool | None = None
    measured: list[str] = []
    omitted: str = ""
    characteristics: dict[str, bool | str] = {}
    facts: dict[str, Fact] = {}
    findings: dict[str, Finding] = {}
    findings_source: str = ""
    thresholds: list[Threshold] = []
    inferred_timepoints: list[InferredTimepoint] = []
    remained_stable: list[RemainedStable] = []
    not_reported: list[NotReported] = []
    # Converted entry by entry so that an error names the entry's own line.
    assumptions: list[dict] = []
    reported: list[dict] = []


@dataclass(frozen=True)
class ReportedResult:
    """A test result as the paper printed it (e.g. P = 0.0014), with its source."""

    study: str
    id: str
    outcome: str
    arms: tuple[str, ...]
    comparison: str
    statistic: str
    relation: str
    value: float
    test: str
    source: str
    week: float | None = None
    from_week: float = 0


@dataclass(frozen=True)
class Study:
    """One study of ``studies.toml``: the table as written (``fields``) and typed (``meta``)."""

    id: str
    fields: dict[str, Any]
    reported: tuple[ReportedResult, ...]
    meta: StudyMeta
    assumptions: tuple[Assumption, ...] = ()

    def __getitem__(self, key: str) -> Any:
        return self.fields[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.fields.get(key, default)

    def characteristic(self, name: str) -> bool | None:
        """The population characteristic ``name`` (None: not recorded)."""
        value = self.meta.characteristics.get(name)
        return value if isinstance(value, bool) else None

    def note(self, name: str) -> str:
        """The ``<name>_note`` of a characteristic or a fact ("" if none)."""
        key = f"{name}_note"
        return str(self.meta.characteristics.get(key) or self.meta.facts.get(key) or "")

    def citation(self) -> str:
        """Vancouver-style citation: authors, title, journal year;volume(issue):pages."""
        m = self.meta
        authors = ", ".join(m.authors).removesuffix(".") or "Authors not in sources"
        issue = f"({m.issue})" if m.issue else ""
        locator = f"{m.volume}{issue}:{m.pages}" if m.volume or m.pages else ""
        where = " ".join(str(x) for x in (m.journal, m.year) if x)
        where += f";{locator}" if locator else ""
        ids = [f"PMID {m.pmid}" if m.pmid else "", f"doi:{m.doi}" if m.doi else ""]
        tail = "; ".join(i for i in ids if i)
        return (
            f"{authors}. {m.title}."
            + (f" {where}." if where else "")
            + (f" {tail}." if tail else "")
        )


_ANY_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")


def _normal(name: str) -> str:
    return name.replace('"', "").replace(" ", "")


def entry_line(text: str, header: str, index: int, key: str | None = None) -> int | None:
    """The line of ``key`` inside the ``index``-th (1-based) ``[[header]]`` entry.

    The entry's header line when the key is not found there; None when the file has no
    such entry (e.g. the array is written inline).
    """
    bare = (key or "").split(".")[0].split("[")[0]
    count, start = 0, None
    for number, line in enumerate(text.splitlines(), start=1):
        match = _ANY_HEADER.match(line)
        if match:
            if start is not None:
                break
            if line.lstrip().startswith("[[") and _normal(match.group(1)) == _normal(header):
                count += 1
                start = number if count == index else None
            continue
        if start is not None and bare and re.match(rf"^\s*\"?{re.escape(bare)}\"?\s*=", line):
            return number
    return start


def failing_key(error: msgspec.ValidationError) -> str:
    """The dotted key a msgspec error points at, as :func:`reanalysis.data.schema.convert`."""
    message, _, where = str(error).partition(" - at `$")
    key = where.rstrip("`").lstrip(".")
    field = re.match(r"Object (?:contains unknown|missing required) field `([^`]+)`", message)
    return f"{key}.{field.group(1)}".lstrip(".") if field else key


def convert_entry(
    raw: Any, kind: type[T], *, path: Path, text: str, header: str, index: int, label: str
) -> T:
    """:func:`convert` for the ``index``-th ``[[header]]`` entry, naming the key's own line."""
    try:
        return msgspec.convert(raw, kind)
    except msgspec.ValidationError as error:
        line = entry_line(text, header, index, failing_key(error))
        return convert(raw, kind, path=path, table=label, text=text, line=line)


def fail(path: Path, line: int | None, label: str, key: str, message: str) -> None:
    """Raise the one-line error ``file, line N: [label] key: message``."""
    place = f", line {line}" if line else ""
    raise ReanalysisError(f"{path}{place}: [{label}] {key}: {message}")


def _study(study_id: str, fields: Any, path: Path, text: str) -> Study:
    check(
        re.match(ID_PATTERN, study_id) is not None,
        path,
        study_id,
        "(table)",
        text,
        f"study id {study_id!r} must be letters, digits, '_', '.' or '-'",
    )
    check(
        isinstance(fields, dict), path, study_id, "(table)", text, "expected a table of study keys"
    )
    meta = convert(fields, StudyMeta, path=path, table=study_id, text=text)
    for name, value in meta.characteristics.items():
        base = name.removesuffix("_note")
        if name.endswith("_note"):
            check(
                isinstance(value, str) and base in meta.characteristics,
                path,
                study_id,
                "characteristics",
                text,
                f"{name} must be text explaining a characteristic {base!r} of the same table",
            )
        else:
            check(
                isinstance(value, bool),
                path,
                study_id,
                "characteristics",
                text,
                f"{name} must be true or false, got {value!r}",
            )
    for entry in meta.remained_stable:
        check(
            entry.from_week < entry.to_week,
            path,
            study_id,
            "remained_stable",
            text,
            f"from_week must be before to_week, got {entry.from_week:g} and {entry.to_week:g}",
        )
    header = f"{study_id}.assumptions"
    assumptions = tuple(
        convert_entry(
            entry, Assumption, path=path, text=text, header=header, index=i, label=f"{header} {i}"
        )
        for i, entry in enumerate(meta.assumptions, start=1)
    )
    header = f"{study_id}.reported"
    reported, seen = [], set()
    for i, entry in enumerate(meta.reported, start=1):
        label = f"{header} {i}"
        typed = convert_entry(
            entry, _Reported, path=path, text=text, header=header, index=i, label=label
        )
        if typed.id in seen:
            fail(path, entry_line(text, header, i, "id"), label, "id", f"{typed.id!r} is repeated")
        seen.add(typed.id)
        reported.append(
            ReportedResult(
                study=study_id,
                id=typed.id,
                outcome=typed.outcome,
                arms=tuple(typed.arms),
                comparison=typed.comparison,
                statistic=typed.statistic,
                relation=typed.relation,
                value=typed.value,
                test=typed.test,
                source=typed.source,
                # The week as written (13, not 13.0): the report prints it.
                week=entry.get("week"),
                from_week=entry.get("from_week", 0),
            )
        )
    return Study(study_id, fields, tuple(reported), meta, assumptions)


def load_studies(path: str | Path) -> dict[str, Study]:
    """Read and check ``studies.toml``; a bad key raises ReanalysisError naming it."""
    path = Path(path)
    raw, text = read_toml(path)
    studies = {study_id: _study(study_id, fields, path, text) for study_id, fields in raw.items()}
    for study in studies.values():
        cohort = study.meta.same_cohort_as
        if cohort is not None and cohort not in studies:
            fail(
                path,
                key_line(text, study.id, "same_cohort_as"),
                study.id,
                "same_cohort_as",
                f"{cohort!r} is not a study of this file",
            )
    return studies
