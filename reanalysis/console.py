"""Print to a terminal whatever its encoding: never a UnicodeEncodeError.

Output uses ±, −, ≤, ², × and other signs. A terminal or pipe with an ASCII locale
(``LANG=C`` on older systems, some CI runners, Windows code pages) cannot encode them,
and ``print`` then raises ``UnicodeEncodeError`` in the middle of a report. :func:`emit`
writes each character the stream can encode as it is, an ASCII spelling from
:data:`ASCII_SPELLINGS` for the common signs it cannot, and the codec's replacement
character (``?``) for anything else.
"""

from __future__ import annotations

import codecs
import sys
from typing import TextIO

# ASCII spellings of the signs that appear in statistical output.
ASCII_SPELLINGS = {
    "±": "+/-",
    "−": "-",  # U+2212 MINUS SIGN
    "≤": "<=",
    "≥": ">=",
    "²": "^2",
    "×": "x",
    "–": "-",  # U+2013 EN DASH
    "—": "--",  # U+2014 EM DASH
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "µ": "u",  # U+00B5 MICRO SIGN
    "μ": "u",  # U+03BC GREEK SMALL LETTER MU, often typed for micro
    "≈": "~",
    "→": "->",
}


def encodable(text: str, encoding: str) -> str:
    """``text`` with each character ``encoding`` cannot encode spelled in ASCII or as ``?``."""
    try:
        codecs.lookup(encoding)
    except LookupError:  # a stream naming an encoding Python does not know: assume ASCII
        encoding = "ascii"
    try:
        text.encode(encoding)
        return text
    except UnicodeEncodeError:
        return "".join(_encodable_char(char, encoding) for char in text)


def _encodable_char(char: str, encoding: str) -> str:
    try:
        char.encode(encoding)
        return char
    except UnicodeEncodeError:
        spelled = ASCII_SPELLINGS.get(char)
        if spelled is not None:
            return spelled
        return char.encode(encoding, errors="replace").decode(encoding)


def emit(text: str, stream: TextIO | None = None, *, end: str = "\n", flush: bool = False) -> None:
    """Write ``text`` and ``end`` to ``stream`` (default: the current ``sys.stdout``), like print.

    Characters the stream's encoding cannot encode are replaced (see :func:`encodable`);
    a stream without an encoding (``io.StringIO``) gets the text unchanged.
    """
    stream = sys.stdout if stream is None else stream
    encoding = getattr(stream, "encoding", None)
    line = text + end
    stream.write(encodable(line, encoding) if encoding else line)
    if flush:
        stream.flush()
