"""Escape text from data files for Markdown and HTML, so that it is shown, never obeyed.

Markdown gives meaning to ordinary characters. A note reading ``<img src=x onerror=...>``
is raw HTML to every CommonMark renderer; ``[click](http://...)`` is a link; a name
starting ``# `` is a heading; a ``|`` ends a table cell; a newline starts a new block.
:func:`md_text` and :func:`md_cell` defuse each of these:

- ``<``, ``>`` and ``&`` become the entities ``&lt;``, ``&gt;``, ``&amp;`` (understood
  by every Markdown dialect; Python-Markdown has no backslash escape for ``<``);
- ``\\``, `````, ``*``, ``[``, ``]`` and ``|`` are backslash-escaped (CommonMark 0.31
  §2.4 allows a backslash before any ASCII punctuation; Python-Markdown's escapable set
  holds these too), as is ``(`` right after ``]`` so that ``](`` never appears;
- ``_`` is escaped unless it sits inside a word (``pa_spine`` stays readable; an
  underscore flanked by letters or digits cannot open or close emphasis, CommonMark
  §6.2, and Python-Markdown follows the same rule);
- ``~`` becomes ``&#126;`` (GitHub strikethrough; Python-Markdown has no escape for it);
- every line break (CR, LF and the other ``str.splitlines`` boundaries) becomes a space,
  and surrounding whitespace is dropped (four leading spaces would start a code block);
- for running text only (:func:`md_text`), a leading ``#``, ``-``, ``+`` or digits
  followed by ``.`` or ``)`` is escaped, and a leading ``=`` becomes ``&#61;``, so the
  text cannot open a heading, list, thematic break or setext underline. ``>`` is already
  an entity, so no blockquote either.

Not defused: bare URLs, which GitHub turns into links showing their own address, and
``$``, which GitHub may render as mathematics.
"""

from __future__ import annotations

import html
import re
import unicodedata

from reanalysis.errors import ReanalysisError

# Every boundary str.splitlines() recognises; CommonMark itself breaks lines at CR and LF.
_LINE_BREAKS = re.compile(r"[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]+")

_ALWAYS = {
    "\\": "\\\\",
    "`": "\\`",
    "*": "\\*",
    "[": "\\[",
    "]": "\\]",
    "|": "\\|",
    "<": "&lt;",
    ">": "&gt;",
    "&": "&amp;",
    "~": "&#126;",
}

# Block starts that a line of running text must not have (after inline escaping, which
# has already turned "*" and ">" into "\*" and "&gt;"). CommonMark §4.2 (ATX headings),
# §4.1 (thematic breaks), §5.2-5.3 (list items), §4.3 (setext underlines).
_LEADING = (
    (re.compile(r"#"), r"\\#"),
    (re.compile(r"-"), r"\\-"),
    (re.compile(r"\+"), r"\\+"),
    (re.compile(r"="), "&#61;"),
    (re.compile(r"([0-9]+)([.)])"), r"\1\\\2"),
)


def _one_line(s: str) -> str:
    return _LINE_BREAKS.sub(" ", s).strip()


def _inline(s: str) -> str:
    out: list[str] = []
    for i, char in enumerate(s):
        if char in _ALWAYS:
            out.append(_ALWAYS[char])
        elif char == "_":
            inside_word = 0 < i < len(s) - 1 and s[i - 1].isalnum() and s[i + 1].isalnum()
            out.append("_" if inside_word else "\\_")
        elif char == "(" and i > 0 and s[i - 1] == "]":
            out.append("\\(")
        else:
            out.append(char)
    return "".join(out)


def md_cell(s: str) -> str:
    """``s`` as the text of a Markdown table cell: one line, every markup character escaped.

    Join cells with ``" | "`` (spaces around the bar): an escaped backslash at the end of
    a cell must not meet the cell's closing bar.
    """
    return _inline(_one_line(s))


def md_text(s: str) -> str:
    """``s`` as running Markdown text: one line that opens no block and holds no markup."""
    text = md_cell(s)
    for pattern, replacement in _LEADING:
        if pattern.match(text):
            return pattern.sub(replacement, text, count=1)
    return text


def html_text(s: str) -> str:
    """``s`` escaped for HTML text or a quoted attribute value (``&``, ``<``, ``>``, quotes)."""
    return html.escape(s, quote=True)


def wrap_long_words(s: str, width: int = 40) -> str:
    """``s`` as escaped HTML, with ``<wbr>`` every ``width`` characters inside longer words.

    Returns HTML: use it instead of :func:`html_text`, not on its output (an entity must
    not be split, and ``<wbr>`` must not be escaped). A break is never put before a
    combining mark, which belongs to the character before it.
    """
    if width < 1:
        raise ReanalysisError(f"wrap_long_words: width {width}; expected a whole number ≥ 1")
    out: list[str] = []
    for part in re.split(r"(\s+)", s):
        if len(part) <= width or part.isspace():
            out.append(html_text(part))
            continue
        pieces: list[str] = []
        piece = ""
        for char in part:
            if len(piece) >= width and not unicodedata.combining(char):
                pieces.append(piece)
                piece = ""
            piece += char
        pieces.append(piece)
        out.append("<wbr>".join(html_text(p) for p in pieces))
    return "".join(out)
