"""Typed TOML: read a file, convert a table into a msgspec Struct, name the key that failed.

msgspec (https://jcristharif.com/msgspec/) checks types, shapes, enums and ranges declared
on the Struct and imports in about 15 ms, so every command can validate its inputs at
start-up. Its error paths drop dict keys (``$.outcome[...].r``), so tables keyed by an id
are converted one entry at a time, and the line of the offending key is found in the text.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from reanalysis.data.files import read_text
from reanalysis.errors import ReanalysisError

T = TypeVar("T")
_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")


def read_toml(path: Path) -> tuple[dict[str, Any], str]:
    """Parse a TOML file; a syntax error names the file and the parser's line.

    Read by :func:`reanalysis.data.files.read_text`: only a regular file, at most its size
    limit (a FIFO or device is refused at once, never opened).
    """
    text = read_text(path, what="TOML file")
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as error:
        raise ReanalysisError(f"{path}: not valid TOML ({error})") from None


def key_line(text: str, table: str, key: str | None) -> int | None:
    """The 1-based line of ``key`` inside ``[table]`` (or of the header), if it can be found."""
    current, header_line = "", None
    wanted = table.strip('"')
    bare = (key or "").split(".")[0].split("[")[0]
    for number, line in enumerate(text.splitlines(), start=1):
        match = _HEADER.match(line)
        if match:
            current = match.group(1).replace('"', "").replace(" ", "")
            if current == wanted.replace(" ", "") and header_line is None:
                header_line = number
            continue
        same_table = current.replace(" ", "") == wanted.replace(" ", "")
        if same_table and bare and re.match(rf"^\s*\"?{re.escape(bare)}\"?\s*=", line):
            return number
    return header_line


def convert(
    raw: Any, kind: type[T], *, path: Path, table: str, text: str, line: int | None = None
) -> T:
    """``msgspec.convert`` with a one-line error naming file, table, key and line."""
    try:
        return msgspec.convert(raw, kind)
    except msgspec.ValidationError as error:
        message, _, where = str(error).partition(" - at `$")
        key = where.rstrip("`").lstrip(".")
        unknown = re.match(r"Object contains unknown field `([^`]+)`", message)
        if unknown:
            key = f"{key}.{unknown.group(1)}".lstrip(".")
            message = "unknown key (a misspelling?)"
        missing = re.match(r"Object missing required field `([^`]+)`", message)
        if missing:
            key = f"{key}.{missing.group(1)}".lstrip(".")
            message = "required key is missing"
        found = line or key_line(text, table, key)
        place = f", line {found}" if found else ""
        label = f"[{table}]" if table else "top level"
        raise ReanalysisError(
            f"{path}{place}: {label} {key or '(table)'}: {message.replace('`', '')}"
        ) from None


def check(condition: bool, path: Path, table: str, key: str, text: str, message: str) -> None:
    """Raise a one-line error naming file, line, table and key unless ``condition`` holds."""
    if not condition:
        found = key_line(text, table, key)
        place = f", line {found}" if found else ""
        raise ReanalysisError(f"{path}{place}: [{table}] {key}: {message}")
