"""Names and numbers from data files: refuse what would display wrongly or parse loosely.

A name (study id, arm, outcome, unit) is shown in tables, headings and error messages. A
bidirectional control such as U+202E RIGHT-TO-LEFT OVERRIDE reorders what is displayed
after it (the "Trojan Source" attack, Boucher & Anderson 2021, CVE-2021-42574); a
zero-width character makes two different names look identical; a control character such
as a newline breaks a one-line message or a table row. :func:`check_name` refuses them all.

Python's ``float`` accepts far more than a paper prints: ``"1_0"``, Arabic-Indic ``"٣"``,
full-width ``"３"``, ``"nan"``, ``"inf"``. :func:`parse_number` accepts only ASCII digits in
plain decimal or scientific notation, so a number that reads one way on screen cannot
parse as another.
"""

from __future__ import annotations

import math
import re
import unicodedata

from reanalysis.errors import ReanalysisError

# Unicode Standard Annex #9 (Bidirectional Algorithm), Table 4: the explicit formatting
# characters (embeddings, overrides, isolates) and the implicit marks LRM, RLM, ALM.
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)
# Zero-width space, non-joiner, joiner, word joiner and the byte-order mark (ZWNBSP).
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")
# Unicode general categories refused anywhere in a name: control (Cc), format (Cf, which
# holds all of the above), surrogate (Cs: not encodable as UTF-8), and the line and
# paragraph separators (Zl, Zp), which start a new line in some renderers.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})

# Plain decimal or scientific notation in ASCII digits: 12, -0.5, .5, 5., 1.2e-3, +3E4.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NON_FINITE = frozenset({"nan", "inf", "infinity"})


def printable(text: str) -> str:
    """``text`` with every non-printable character written as an escape (``\\n``, ``\\u202e``).

    For error messages: a value quoted in a message must stay on one line and must not
    reorder the text around it.
    """
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text
    )


def _describe(char: str) -> str:
    code = f"U+{ord(char):04X}"
    name = unicodedata.name(char, "")
    if char in BIDI_CONTROLS:
        kind = "a bidirectional control character"
    elif char in ZERO_WIDTH:
        kind = "a zero-width character"
    else:
        kind = f"a control or format character (category {unicodedata.category(char)})"
    return f"{code} {name}, {kind}".replace(" ,", ",")


def check_name(text: str, what: str) -> str:
    """Return ``text`` if it is a displayable name; otherwise raise :class:`ReanalysisError`.

    Refused: a non-string, an empty or whitespace-only name, and any character of the
    categories in :data:`REFUSED_CATEGORIES` (bidirectional controls, zero-width
    characters, tabs, newlines and every other control or format character).
    """
    if not isinstance(text, str):
        raise ReanalysisError(f"{what}: expected text, got {type(text).__name__}")
    for position, char in enumerate(text, start=1):
        if unicodedata.category(char) in REFUSED_CATEGORIES:
            raise ReanalysisError(
                f"{what} '{printable(text)}': character {position} is {_describe(char)}; remove it"
            )
    if not text.strip():
        raise ReanalysisError(f"{what} '{printable(text)}': empty; expected a name")
    return text


def parse_number(text: str, what: str) -> float:
    """The finite float written in ``text`` in ASCII digits; otherwise :class:`ReanalysisError`.

    Accepted: an optional sign, digits with an optional decimal point, and an optional
    exponent (``12``, ``-0.5``, ``.5``, ``1.2e-3``), with surrounding spaces or tabs.
    Refused: digit separators (``1_0``, ``1,000``), non-ASCII digits (``٣``, ``３``),
    ``nan``, ``inf``, hexadecimal, and values that overflow or underflow a float.
    """
    if not isinstance(text, str):
        raise ReanalysisError(f"{what}: expected text, got {type(text).__name__}")
    value_text = text.strip(" \t")
    shown = printable(text)
    if not value_text:
        raise ReanalysisError(f"{what}: empty; expected a number")
    if _NUMBER.fullmatch(value_text) is None:
        raise ReanalysisError(f"{what} '{shown}': {_why_not_a_number(value_text)}")
    value = float(value_text)
    mantissa = re.split("[eE]", value_text)[0]
    if math.isinf(value):
        raise ReanalysisError(f"{what} '{shown}': too large for a floating-point number")
    if value == 0 and any(c in "123456789" for c in mantissa):
        raise ReanalysisError(f"{what} '{shown}': too small for a floating-point number")
    return value


def _why_not_a_number(text: str) -> str:
    for char in text:
        if char.isdigit() and char not in "0123456789":
            return (
                f"contains the non-ASCII digit '{char}' (U+{ord(char):04X} "
                f"{unicodedata.name(char, '')}); write the digits 0-9"
            )
    if text.lstrip("+-").lower() in _NON_FINITE:
        return "not a finite number; expected digits such as 12.5"
    if "_" in text or "," in text:
        return (
            "digit separators are not accepted; write the number with digits 0-9 and "
            "'.' as the decimal point, e.g. 1234.5"
        )
    return "not a number; expected plain decimal digits such as 12.5, -0.3 or 1.2e-3"
