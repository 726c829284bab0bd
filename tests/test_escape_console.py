"""Markdown and HTML escaping of data text, and console output in any encoding.

No Markdown renderer is installed (none may be added), so the Markdown tests assert on
the escaped strings against the rules renderers follow: CommonMark 0.31.2 (§2.4
backslash escapes: any ASCII punctuation; §2.5 entity references; §4.1-4.3 thematic
breaks, ATX and setext headings; §5.1-5.3 block quotes and list items; §6.6 autolinks;
§6.7 raw HTML) and GitHub Flavored Markdown §4.10 (an escaped pipe inside a table cell).
A decoder written from §2.4-2.5 checks that escaping loses no text.
"""

from __future__ import annotations

import html
import io
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reanalysis.console import emit, encodable
from reanalysis.errors import ReanalysisError
from reanalysis.report.escape import html_text, md_cell, md_text, wrap_long_words

# --- Markdown -------------------------------------------------------------------------

# (data text, its escaped form): each expected form worked by hand from the rules above.
ATTACKS = [
    ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),  # §6.7
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("<!-- hidden -->", "&lt;!-- hidden --&gt;"),
    ("![x](http://e.org/a.png)", "!\\[x\\]\\(http://e.org/a.png)"),  # image
    ("[click](javascript:x)", "\\[click\\]\\(javascript:x)"),  # inline link
    ("[ref]: http://e.org", "\\[ref\\]: http://e.org"),  # link reference definition
    ("<http://e.org>", "&lt;http://e.org&gt;"),  # §6.6 autolink
    ("# Heading", "\\# Heading"),  # §4.2
    ("- item", "\\- item"),  # §5.2 bullet list
    ("+ item", "\\+ item"),
    ("* item", "\\* item"),
    ("12. item", "12\\. item"),  # ordered list
    ("3) item", "3\\) item"),
    ("> quote", "&gt; quote"),  # §5.1
    ("---", "\\---"),  # §4.1 thematic break / setext underline
    ("===", "&#61;=="),  # §4.3 setext underline
    ("    code", "code"),  # §4.4: four spaces of indentation would be a code block
    ("a | b", "a \\| b"),  # GFM table cell end
    ("**bold** and `code`", "\\*\\*bold\\*\\* and \\`code\\`"),
    ("_em_ but pa_spine_bmd", "\\_em\\_ but pa_spine_bmd"),  # §6.2: intraword _ is inert
    ("~~struck~~", "&#126;&#126;struck&#126;&#126;"),
    ("&lt; is text", "&amp;lt; is text"),  # §2.5: the entity must not decode
    ("back\\slash", "back\\\\slash"),
    ("line one\r\n\r\n# two", "line one # two"),  # no new block from a newline
    ("a\u2028b\x0bc", "a b c"),
]


@pytest.mark.parametrize(("text", "expected"), ATTACKS)
def test_md_text_defuses_markup(text: str, expected: str) -> None:
    assert md_text(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a|b", "a\\|b"),
        ("- 3.5", "- 3.5"),  # inside a cell a leading '-' starts no list
        ("# 1", "# 1"),
        ("<b>x</b>", "&lt;b&gt;x&lt;/b&gt;"),
        ("x\ny", "x y"),
        ("[a](b)", "\\[a\\]\\(b)"),
    ],
)
def test_md_cell(text: str, expected: str) -> None:
    assert md_cell(text) == expected


_ESCAPE_OR_ENTITY = re.compile(
    r"\\([!-/:-@\[-`{-~])|(&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]*);)"
)


def _commonmark_literal(markdown: str) -> str:
    """The text a CommonMark renderer shows for markup-free inline text (§2.4, §2.5)."""
    return _ESCAPE_OR_ENTITY.sub(lambda m: m.group(1) or html.unescape(m.group(2)), markdown)


def _unescaped(markdown: str, char: str) -> bool:
    """Whether ``char`` occurs without a backslash escape (an even run of backslashes)."""
    for match in re.finditer(re.escape(char), markdown):
        run = len(markdown[: match.start()]) - len(markdown[: match.start()].rstrip("\\"))
        if run % 2 == 0:
            return True
    return False


@given(st.text())
def test_md_text_leaves_no_markup(text: str) -> None:
    out = md_text(text)
    for forbidden in ("<", "](", "![", "\n", "\r"):
        assert forbidden not in out
    for char in "[]*`|":
        assert not _unescaped(out, char)
    assert not re.match(r"[#>\-+*=]|[0-9]+[.)]", out)
    # Nothing is lost: the shown text has the same words as the data text.
    assert _commonmark_literal(out).split() == text.split()


@given(st.lists(st.text(), min_size=1, max_size=5))
def test_md_cells_keep_the_table_shape(cells: list[str]) -> None:
    row = "| " + " | ".join(md_cell(c) for c in cells) + " |"
    # GFM §4.10: cells are split at pipes that are not backslash-escaped.
    unescaped_pipes = [
        m
        for m in re.finditer(r"\|", row)
        if (len(row[: m.start()]) - len(row[: m.start()].rstrip("\\"))) % 2 == 0
    ]
    assert len(unescaped_pipes) == len(cells) + 1
    assert "\n" not in row and "<" not in row


# --- HTML -------------------------------------------------------------------------------


def test_html_text_escapes_markup_and_quotes() -> None:
    # Python docs, html.escape(s, quote=True): & < > " ' become &amp; &lt; &gt; &quot; &#x27;
    assert html_text("<a href=\"x\" title='y'>&</a>") == (
        "&lt;a href=&quot;x&quot; title=&#x27;y&#x27;&gt;&amp;&lt;/a&gt;"
    )


def test_wrap_long_words_breaks_only_long_words() -> None:
    assert wrap_long_words("a" * 100) == "a" * 40 + "<wbr>" + "a" * 40 + "<wbr>" + "a" * 20
    assert wrap_long_words("short <b> words", width=5) == "short &lt;b&gt; words"
    # An entity is never split: the text is broken first, then each piece escaped.
    assert wrap_long_words("<" * 41) == "&lt;" * 40 + "<wbr>" + "&lt;"
    # No break between e and its combining acute accent (U+0301).
    assert wrap_long_words("a" * 39 + "e\u0301b") == "a" * 39 + "e\u0301<wbr>b"
    with pytest.raises(ReanalysisError, match="width 0"):
        wrap_long_words("x", width=0)


@given(st.text(), st.integers(min_value=1, max_value=50))
def test_wrap_long_words_keeps_the_text(text: str, width: int) -> None:
    out = wrap_long_words(text, width)
    assert html.unescape(out.replace("<wbr>", "")) == text
    assert "<" not in out.replace("<wbr>", "")


# --- console ------------------------------------------------------------------------------

SAMPLE = "d = 0.5 ± 0.1, p ≤ 0.05, r ≥ −0.2, 3 µg × 2, x² → y ≈ 1, “q” ‘s’ – — naïve 日"


def _emitted(encoding: str, text: str) -> bytes:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding=encoding)  # errors="strict": print would raise
    emit(text, stream)
    stream.flush()
    return raw.getvalue()


def test_ascii_stream_gets_ascii_spellings() -> None:
    with pytest.raises(UnicodeEncodeError):
        io.TextIOWrapper(io.BytesIO(), encoding="ascii").write(SAMPLE)
    # The task's table: ± +/-, ≤ <=, ≥ >=, − -, µ u, × x, ² ^2, → ->, ≈ ~, quotes straight,
    # – -, — --; characters outside it and outside ASCII (ï, 日) become '?'.
    assert _emitted("ascii", SAMPLE) == (
        b"d = 0.5 +/- 0.1, p <= 0.05, r >= -0.2, 3 ug x 2, x^2 -> y ~ 1, \"q\" 's' - -- na?ve ?\n"
    )


def test_latin1_stream_keeps_what_latin1_has() -> None:
    # ISO/IEC 8859-1 code points: ± 0xB1, µ 0xB5, × 0xD7, ² 0xB2, ï 0xEF; the rest is
    # not in Latin-1 and is spelled in ASCII.
    assert _emitted("latin-1", SAMPLE) == (
        b"d = 0.5 \xb1 0.1, p <= 0.05, r >= -0.2, 3 \xb5g \xd7 2, x\xb2 -> y ~ 1, "
        b"\"q\" 's' - -- na\xefve ?\n"
    )


def test_utf8_stream_gets_the_text_unchanged_except_lone_surrogates() -> None:
    assert _emitted("utf-8", SAMPLE) == (SAMPLE + "\n").encode("utf-8")
    assert _emitted("utf-8", "a\udc80b") == b"a?b\n"  # a lone surrogate cannot be UTF-8


@given(st.text(), st.sampled_from(["ascii", "latin-1", "cp1252", "utf-8"]))
def test_emit_never_raises(text: str, encoding: str) -> None:
    out = _emitted(encoding, text)
    assert out.decode(encoding).endswith("\n")


def test_emit_defaults_and_options(capsys: pytest.CaptureFixture[str]) -> None:
    emit("± once")
    emit("no newline", end="", flush=True)
    assert capsys.readouterr().out == "± once\nno newline"
    text_only = io.StringIO()  # no encoding: written unchanged
    emit("≤ \udc80", text_only)
    assert text_only.getvalue() == "≤ \udc80\n"
    assert encodable("≤", "no-such-codec") == "<="  # an unknown codec is taken as ASCII
