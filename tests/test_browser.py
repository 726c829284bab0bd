"""The shipped report read in a real browser: headless Chromium at 1366 px, on a 390 px phone,
and in print, plus the Markdown tables' shape.

Chromium is driven through its DevTools protocol over ``--remote-debugging-pipe`` (JSON
messages ending in a NUL byte, read by the browser on its file descriptor 3 and written on
4), so the test needs nothing beyond the standard library and Debian's ``chromium``. The
thresholds are the reader's requirements from issue 13: no table clipped on a laptop or on
paper, at most 3 of the tables scrolling sideways on a phone, the first section heading
on the opening screen.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import re
import select
import shutil
import subprocess
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from reanalysis.report.render.blocks import Block
from reanalysis.report.writer import write_report

DATA = Path(__file__).resolve().parents[1] / "data"
CHROMIUM = shutil.which("chromium")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)
TIMEOUT = 20.0  # seconds for any one browser reply; the whole module takes about 10 s
# The printable width of A4 (210 mm) inside the stylesheet's 12 mm page margins, in CSS px
# (96 per inch); Letter is wider, so a table that fits here fits on either paper.
PRINT_WIDTH = round((210 - 2 * 12) / 25.4 * 96)

# Per table: how far its content overflows its scroll box and the page (in CSS px), and how
# many of its cells break a word (text between spaces, hyphens, dashes and <wbr>) of at most
# WORD_EM em across lines because the column is too narrow: a table squeezed into
# letter-by-letter columns has no overflow, yet cannot be read. Also the first h2's
# distance from the top of the page. Read back as JSON.
WORD_EM = 6
MEASURE = """(() => {
  const page = document.documentElement.clientWidth;
  const range = document.createRange();
  const crushed = cell => {
    const style = getComputedStyle(cell);
    if (style.display === 'none') return false;
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node; (node = walker.nextNode());) {
      for (const word of node.data.matchAll(/[^\\s\\u002d\\u2010\\u2013\\u2014]+/g)) {
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        const lines = [...range.getClientRects()].filter(r => r.width > 0);
        const width = lines.reduce((sum, r) => sum + r.width, 0);
        if (lines.length > 1 && width <= WORD_EM * parseFloat(style.fontSize)) return true;
      }
    }
    return false;
  };
  const tables = [...document.querySelectorAll('table')].map(t => {
    const box = t.closest('.table-scroll') || t;
    return {caption: t.caption ? t.caption.textContent : '',
            scroll: box.scrollWidth - box.clientWidth,
            beyond: t.getBoundingClientRect().right - page,
            crushed: [...t.querySelectorAll('td')].filter(crushed).length};
  });
  const h1 = document.querySelector('h1');
  const h2 = [...document.querySelectorAll('h2')].find(
    h => h1.compareDocumentPosition(h) & Node.DOCUMENT_POSITION_FOLLOWING);
  return JSON.stringify({page, pageScroll: document.documentElement.scrollWidth - page,
    tables, firstH2: h2.getBoundingClientRect().top + window.scrollY});
})()""".replace("WORD_EM", str(WORD_EM))


class DevTools:
    """A minimal client of Chromium's DevTools protocol over ``--remote-debugging-pipe``."""

    def __init__(self, profile: Path) -> None:
        to_browser, self._write = os.pipe()
        self._read, from_browser = os.pipe()

        def pipes_as_3_and_4() -> None:
            # Moved above 9 first so that neither dup2 overwrites the other's source.
            high_in = fcntl.fcntl(to_browser, fcntl.F_DUPFD, 10)
            high_out = fcntl.fcntl(from_browser, fcntl.F_DUPFD, 10)
            os.dup2(high_in, 3)
            os.dup2(high_out, 4)

        assert CHROMIUM is not None
        self.process = subprocess.Popen(
            [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe"],
            preexec_fn=pipes_as_3_and_4,
            pass_fds=(3, 4),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_browser)
        os.close(from_browser)
        self._buffer = b""
        self._next_id = 0
        self._targets: dict[str, str] = {}

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Send one command and wait for its reply, skipping the events sent meanwhile."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            while b"\0" not in self._buffer:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([self._read], [], [], left)[0]:
                    raise TimeoutError(f"Chromium did not answer {method} in {TIMEOUT} s")
                chunk = os.read(self._read, 1 << 20)
                if not chunk:
                    raise RuntimeError(f"Chromium closed the pipe during {method}")
                self._buffer += chunk
            raw, self._buffer = self._buffer.split(b"\0", 1)
            reply = json.loads(raw)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]

    def open(self, url: str, width: int | None = None, media: str = "screen") -> str:
        """A new tab showing ``url``, ``width`` CSS px wide (a phone below 600; the default
        window if None) in ``media``; returns its session."""
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self._targets[session] = target
        if width is not None:
            self.call(
                "Emulation.setDeviceMetricsOverride",
                session,
                width=width,
                height=900,
                deviceScaleFactor=1,
                mobile=width < 600,
            )
        self.call("Emulation.setEmulatedMedia", session, media=media)
        self.call("Page.navigate", session, url=url)
        deadline = time.monotonic() + TIMEOUT
        while self.evaluate(session, "document.readyState") != "complete":
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} did not load in {TIMEOUT} s")
            time.sleep(0.05)
        return session

    def evaluate(self, session: str, expression: str) -> Any:
        """The value of a JavaScript expression in the page."""
        reply = self.call("Runtime.evaluate", session, expression=expression, returnByValue=True)
        return reply["result"].get("value")

    def close_tab(self, session: str) -> None:
        self.call("Target.closeTarget", targetId=self._targets.pop(session))

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except (TimeoutError, RuntimeError, OSError):
            self.process.kill()
        self.process.wait(timeout=TIMEOUT)
        os.close(self._read)
        os.close(self._write)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped data folder's report, built into a temporary folder."""
    return write_report(DATA, tmp_path_factory.mktemp("browser") / "report")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevTools]:
    if CHROMIUM is None:
        pytest.skip("chromium not installed: apt-get install chromium")
    client = DevTools(tmp_path_factory.mktemp("chromium-profile"))
    yield client
    client.close()


def evaluate(browser: DevTools, report: Path, width: int, expression: str, **kw: Any) -> Any:
    """The JSON value of ``expression`` in the report, in a tab closed afterwards."""
    session = browser.open((report / "report.html").as_uri(), width, **kw)
    try:
        return json.loads(browser.evaluate(session, expression))
    finally:
        browser.close_tab(session)


def overflowing(layout: dict[str, Any]) -> list[str]:
    """The captions of the tables whose columns do not all show without scrolling."""
    return [t["caption"] for t in layout["tables"] if t["scroll"] > 1 or t["beyond"] > 1]


def crushed(layout: dict[str, Any]) -> list[str]:
    """The captions of the tables with a column too narrow for its words."""
    return [t["caption"] for t in layout["tables"] if t["crushed"]]


def test_laptop_shows_every_column_and_the_first_section_on_the_opening_screen(
    browser: DevTools, report: Path
) -> None:
    layout = evaluate(browser, report, 1366, MEASURE)
    assert len(layout["tables"]) >= 10, "the shipped report has dozens of tables"
    assert overflowing(layout) == []
    assert crushed(layout) == []
    assert layout["pageScroll"] <= 1
    # 900 px: a 1366 × 768 laptop's screen below the browser's bars, plus a short scroll.
    assert layout["firstH2"] <= 900


def test_phone_scrolls_at_most_three_tables_sideways(browser: DevTools, report: Path) -> None:
    layout = evaluate(browser, report, 390, MEASURE)
    assert len(overflowing(layout)) <= 3, overflowing(layout)
    assert crushed(layout) == []
    assert layout["pageScroll"] <= 1, "the page itself must not scroll sideways"


def test_print_keeps_every_column(browser: DevTools, report: Path) -> None:
    layout = evaluate(browser, report, PRINT_WIDTH, MEASURE, media="print")
    assert overflowing(layout) == []
    assert crushed(layout) == []
    assert layout["pageScroll"] <= 1
    shown = evaluate(
        browser,
        report,
        PRINT_WIDTH,
        "JSON.stringify([getComputedStyle(document.querySelector('nav')).display,"
        " getComputedStyle(document.querySelector('thead')).display])",
        media="print",
    )
    assert shown == ["none", "table-header-group"], "no contents list; headers on every page"


def test_prints_to_pdf(browser: DevTools, report: Path) -> None:
    session = browser.open((report / "report.html").as_uri())
    try:
        pdf = base64.b64decode(browser.call("Page.printToPDF", session)["data"])
    finally:
        browser.close_tab(session)
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) > 10


def test_tapped_figure_opens_at_full_size_on_a_phone(browser: DevTools, report: Path) -> None:
    sizes = evaluate(
        browser,
        report,
        390,
        """(() => {
          const figure = document.querySelector('figure');
          const fitted = figure.querySelector('img').getBoundingClientRect().width;
          figure.querySelector('a').click();
          const full = figure.querySelector('img').getBoundingClientRect().width;
          return JSON.stringify({fitted, full, natural: figure.querySelector('img').naturalWidth,
            page: document.documentElement.scrollWidth - document.documentElement.clientWidth});
        })()""",
    )
    assert sizes["fitted"] <= 390 < sizes["full"]
    assert abs(sizes["full"] - sizes["natural"]) <= 1
    assert sizes["page"] <= 1, "the figure scrolls in its own frame, not the page"


def _luminance(rgb: str) -> float:
    """WCAG 2.1 relative luminance of a CSS ``rgb(r, g, b)`` colour (WCAG 2.1, definition
    of relative luminance: sRGB channels linearised, weights 0.2126, 0.7152, 0.0722)."""
    channels = [int(c) / 255 for c in re.findall(r"\d+", rgb)[:3]]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_verdict_badges_have_text_contrast_of_at_least_4_5(browser: DevTools, report: Path) -> None:
    colours = evaluate(
        browser,
        report,
        1366,
        "JSON.stringify([...document.querySelectorAll('.badge')].map(b => "
        "[b.textContent, getComputedStyle(b).color, getComputedStyle(b).backgroundColor]))",
    )
    assert len(colours) >= 10
    for text, colour, background in colours:
        lighter, darker = sorted((_luminance(colour), _luminance(background)), reverse=True)
        # WCAG 2.1 success criterion 1.4.3: (L1 + 0.05) / (L2 + 0.05) >= 4.5 for text.
        assert (lighter + 0.05) / (darker + 0.05) >= 4.5, (text, colour, background)


class _Page(HTMLParser):
    """The tags, attributes and text of a page, as (tag, attributes, text inside) in order."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None], list[str]]] = []
        self._open: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "wbr", "img", "meta"):
            self.elements.append((tag, dict(attrs), []))
            return
        text: list[str] = []
        self.elements.append((tag, dict(attrs), text))
        self._open.append(text)

    def handle_endtag(self, tag: str) -> None:
        if tag not in ("br", "wbr", "img", "meta") and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for text in self._open:
            text.append(data)


def test_page_has_landmarks_captions_header_scopes_badges_and_findings_as_alt(
    report: Path,
) -> None:
    page = _Page()
    page.feed((report / "report.html").read_text(encoding="utf-8"))
    tags = [tag for tag, _, _ in page.elements]
    assert tags.count("main") == tags.count("header") == tags.count("nav") == 1
    assert tags.count("caption") == tags.count("table") >= 10
    headers = [attrs for tag, attrs, _ in page.elements if tag == "th"]
    assert headers and all(attrs.get("scope") == "col" for attrs in headers)
    badges = [
        "".join(text) for tag, attrs, text in page.elements if "badge" in (attrs.get("class") or "")
    ]
    assert badges and all(badge[0] in "✓⚠⊘✗?" and badge[1] == " " for badge in badges)
    images = [attrs["alt"] for tag, attrs, _ in page.elements if tag == "img"]
    captions = {"".join(text) for tag, _, text in page.elements if tag == "figcaption"}
    assert images and all(alt and not any(c.startswith(alt) for c in captions) for alt in images)


def _markdown_tables(text: str) -> list[list[list[str]]]:
    """Each table of a Markdown text as rows of cells, split at the pipes not escaped with a
    backslash (GitHub Flavored Markdown spec 0.29, section 4.10, tables)."""
    tables: list[list[list[str]]] = []
    previous = ""
    for line in text.splitlines():
        if line.startswith("|"):
            if not previous.startswith("|"):
                tables.append([])
            tables[-1].append(re.split(r"(?<!\\)\|", line.strip())[1:-1])
        previous = line
    return tables


def test_markdown_tables_have_as_many_cells_in_each_row_as_in_the_header(report: Path) -> None:
    tables = _markdown_tables((report / "report.md").read_text(encoding="utf-8"))
    assert len(tables) >= 10
    for header, delimiter, *rows in tables:
        assert all(re.fullmatch(r"-{3,}", cell) for cell in delimiter), header
        assert [len(row) for row in rows] == [len(header)] * len(rows), header


def test_a_table_row_with_more_cells_than_its_header_is_refused() -> None:
    with pytest.raises(ValueError, match="row 2 has 3 cells, expected 2"):
        Block("table", header=("a", "b"), rows=(("1", "2"), ("1", "2", "note")))
