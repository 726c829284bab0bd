"""The shipped data directory, and edited copies of it for tests that alter one fact."""

import shutil
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"


def edited(tmp_path: Path, name: str, old: str, new: str) -> Path:
    """A copy of data/ with one exact text replaced in one file."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    path = target / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {name}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return target


def shipped_settings():
    """The shipped folder's analysis.toml, read by the package's own loader."""
    from reanalysis.data.settings import load_settings

    return load_settings(DATA / "analysis.toml")
