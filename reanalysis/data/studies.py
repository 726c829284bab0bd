"""Study metadata and reported test results (``data/studies.toml``).

TOML is read with the standard library's :mod:`tomllib`. Each top-level table is one
study id (the ``study`` column of the trial CSVs) with its verified citation, design,
population, intervention, duration, yes/no characteristics of the population,
the analyst's assumptions (``assumptions``) and the test results the paper printed
(``reported``), each with its source.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reanalysis.errors import ReanalysisError

REQUIRED_KEYS = ("title", "journal", "year", "volume", "pages", "design", "population")
REPORTED_KEYS = ("id", "outcome", "arms", "comparison", "statistic", "relation", "value", "source")


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


@dataclass(frozen=True)
class Study:
    """One study's metadata as recorded in ``data/studies.toml``."""

    id: str
    fields: dict[str, Any]
    reported: tuple[ReportedResult, ...]

    def __getitem__(self, key: str) -> Any:
        return self.fields[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.fields.get(key, default)

    def citation(self) -> str:
        """Vancouver-style citation: authors, title, journal year;volume(issue):pages."""
        authors = ", ".join(self.fields.get("authors", [])).removesuffix(".")
        authors = authors or "Authors not in sources"
        issue = f"({self['issue']})" if self.fields.get("issue") else ""
        ids = [f"PMID {self['pmid']}" if self.fields.get("pmid") else ""]
        ids.append(f"doi:{self['doi']}" if self.fields.get("doi") else "")
        tail = "; ".join(i for i in ids if i)
        return (
            f"{authors}. {self['title']}. {self['journal']} {self['year']};"
            f"{self['volume']}{issue}:{self['pages']}." + (f" {tail}." if tail else "")
        )


def load_studies(path: str | Path) -> dict[str, Study]:
    """Read and check ``studies.toml``; raise ReanalysisError naming the study and key."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReanalysisError(f"{path}: file not found") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ReanalysisError(f"{path}: not valid UTF-8 TOML ({error})") from None
    studies = {}
    for study_id, fields in data.items():
        missing = [key for key in REQUIRED_KEYS if key not in fields]
        if missing:
            raise ReanalysisError(
                f"{path}: study {study_id!r}: missing key(s) {', '.join(missing)}"
            )
        reported = []
        for index, entry in enumerate(fields.get("reported", []), start=1):
            absent = [key for key in REPORTED_KEYS if key not in entry]
            if absent:
                raise ReanalysisError(
                    f"{path}: study {study_id!r}, reported result {index}: "
                    f"missing key(s) {', '.join(absent)}"
                )
            reported.append(
                ReportedResult(
                    study=study_id,
                    id=entry["id"],
                    outcome=entry["outcome"],
                    arms=tuple(entry["arms"]),
                    comparison=entry["comparison"],
                    statistic=entry["statistic"],
                    relation=entry["relation"],
                    value=float(entry["value"]),
                    test=entry.get("test", ""),
                    source=entry["source"],
                    week=entry.get("week"),
                )
            )
        studies[study_id] = Study(id=study_id, fields=fields, reported=tuple(reported))
    return studies
