"""Safe reading of data files, and the checks on names and numbers read from them.

Expected values are worked by hand from the inputs written here (byte offsets counted
in the literal, code points from the Unicode Character Database names quoted beside
them); the refused characters are the ones the task lists, from Unicode Standard Annex
#9 Table 4 (bidirectional formatting characters) and the zero-width characters.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reanalysis.data.files import DEFAULT_LIMIT, read_bytes, read_text
from reanalysis.data.text import check_name, parse_number, printable
from reanalysis.errors import ReanalysisError

# --- reading files ------------------------------------------------------------------


def _refusal_within(seconds: float, call) -> ReanalysisError:
    """Run ``call`` in a daemon thread; it must raise ReanalysisError before ``seconds``.

    The timeout only guards against a hang (a blocked open of a FIFO); no timing is
    asserted.
    """
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            call()
            outcome.append(None)
        except BaseException as error:
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "the read blocked"
    assert isinstance(outcome[0], ReanalysisError), outcome
    return outcome[0]


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    pipe = tmp_path / "trial.csv"
    os.mkfifo(pipe)
    try:
        for reader in (read_bytes, read_text):
            error = _refusal_within(10, lambda reader=reader: reader(pipe))
            assert "named pipe (FIFO)" in str(error) and str(pipe) in str(error)
    finally:
        # Had an open blocked, a writer would release it (O_NONBLOCK: no reader, no wait).
        with contextlib.suppress(OSError):
            os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))


def test_symlink_to_dev_zero_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "trial.csv"
    os.symlink("/dev/zero", link)
    error = _refusal_within(10, lambda: read_bytes(link))
    assert f"file {link}: is a character device, expected a regular file" == str(error)
    with pytest.raises(ReanalysisError, match="character device"):
        read_text("/dev/null", what="trial file")


def test_directory_and_socket_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ReanalysisError, match=r"is a folder, expected a regular file"):
        read_text(tmp_path, what="trial file")
    path = tmp_path / "s"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        with pytest.raises(ReanalysisError, match="is a socket"):
            read_bytes(path)


def test_missing_file_and_nul_in_path(tmp_path: Path) -> None:
    with pytest.raises(ReanalysisError, match=r"^trial file .*absent\.csv: not found$"):
        read_text(tmp_path / "absent.csv", what="trial file")
    with pytest.raises(ReanalysisError, match="NUL byte"):
        read_bytes(f"{tmp_path}/a\0b")


def test_size_limit_is_named(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("wb") as handle:  # sparse: no real disk used
        handle.truncate(DEFAULT_LIMIT + 1)
    # The task's default: 20 MB, taken as 20 MiB = 20 * 1024 * 1024 bytes.
    assert DEFAULT_LIMIT == 20_971_520
    with pytest.raises(ReanalysisError) as caught:
        read_bytes(path, what="trial file")
    assert str(caught.value) == (
        f"trial file {path}: over the size limit of 20 MiB for a trial file (it has 20971521 bytes)"
    )
    small = tmp_path / "small.csv"
    small.write_bytes(b"x" * 1000)
    assert read_bytes(small, limit=1000) == b"x" * 1000  # exactly at the limit is fine
    with pytest.raises(ReanalysisError, match="over the size limit of 999 bytes"):
        read_bytes(small, limit=999)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_read_is_bounded_when_stat_size_is_zero() -> None:
    # /proc files report st_size 0 yet hold text: the read itself must stop at the limit.
    assert os.stat("/proc/self/status").st_size == 0
    with pytest.raises(ReanalysisError, match="over the size limit of 10 bytes"):
        read_bytes("/proc/self/status", limit=10)


def test_bad_utf8_names_file_and_byte_offset(tmp_path: Path) -> None:
    path = tmp_path / "trial.csv"
    # "study,arm\n" is 10 bytes, "ab" 2 more: the stray 0xff is byte 12, on line 2.
    path.write_bytes(b"study,arm\nab\xffc\n")
    with pytest.raises(ReanalysisError) as caught:
        read_text(path, what="trial file")
    assert str(caught.value) == (
        f"trial file {path}: not UTF-8 at byte 12 (line 2, byte 0xff); save it as UTF-8"
    )
    # After a 3-byte BOM and "a", 0xc3 starts a 2-byte sequence that never ends: byte 4.
    path.write_bytes(b"\xef\xbb\xbfa\xc3")
    with pytest.raises(ReanalysisError, match=r"not UTF-8 at byte 4 \(line 1, byte 0xc3\)"):
        read_text(path)


def test_text_drops_a_bom_and_keeps_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "trial.csv"
    path.write_bytes(b"\xef\xbb\xbfstudy\r\nna\xc3\xafve\n")  # 0xc3 0xaf is U+00EF
    assert read_text(path) == "study\r\nna\u00efve\n"
    assert read_bytes(path).startswith(b"\xef\xbb\xbf")


def test_message_with_newline_in_path_stays_on_one_line(tmp_path: Path) -> None:
    path = tmp_path / "a\nb\u202e.csv"
    with pytest.raises(ReanalysisError) as caught:
        read_text(path)
    message = str(caught.value)
    assert "\n" not in message and "\u202e" not in message
    assert "a\\nb\\u202e.csv" in message


# --- names ---------------------------------------------------------------------------

BIDI = [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C]]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]


@pytest.mark.parametrize("char", BIDI)
def test_bidirectional_controls_are_refused(char: str) -> None:
    with pytest.raises(ReanalysisError) as caught:
        check_name(f"placebo{char}x", "arm")
    message = str(caught.value)
    assert f"U+{ord(char):04X}" in message and "bidirectional control" in message
    assert "character 8" in message  # "placebo" is 7 characters
    assert char not in message  # shown as an escape, so it cannot reorder the message


@pytest.mark.parametrize("char", ZERO_WIDTH)
def test_zero_width_characters_are_refused(char: str) -> None:
    with pytest.raises(ReanalysisError, match=f"U\\+{ord(char):04X}.*zero-width"):
        check_name(f"arm{char}", "arm")


@pytest.mark.parametrize(
    "name",
    ["a\tb", "a\nb", "a\rb", "a\x00b", "a\x7fb", "a\x85b", "a\u2028b", "a\u2029b", "a\u00adb"],
    ids=["tab", "LF", "CR", "NUL", "DEL", "NEL", "LSEP", "PSEP", "soft-hyphen(Cf)"],
)
def test_other_control_and_format_characters_are_refused(name: str) -> None:
    with pytest.raises(ReanalysisError, match="character 2 is U\\+"):
        check_name(name, "outcome")


@pytest.mark.parametrize("name", ["", " ", "\u3000 ", "\u00a0"])
def test_empty_names_are_refused(name: str) -> None:
    with pytest.raises(ReanalysisError, match="empty; expected a name"):
        check_name(name, "study")


@pytest.mark.parametrize("name", ["placebo", "naïve arm", "β-blocker 5 mg", "علاج", "対照群"])
def test_ordinary_names_pass_unchanged(name: str) -> None:
    assert check_name(name, "arm") == name


def test_a_non_string_name_is_refused() -> None:
    with pytest.raises(ReanalysisError, match="arm: expected text, got int"):
        check_name(3, "arm")  # type: ignore[arg-type]


@given(st.text(min_size=1))
def test_printable_output_is_one_line_without_format_characters(text: str) -> None:
    shown = printable(text)
    assert shown.isprintable()  # no Cc, Cf, Zl, Zp, Zs other than space


# --- numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12.5", 12.5),
        ("-0.3", -0.3),
        ("+3E4", 30000.0),
        ("1.2e-3", 0.0012),
        (".5", 0.5),
        ("5.", 5.0),
        ("0", 0.0),
        (" 7\t", 7.0),
        ("0e-999", 0.0),  # zero written with a huge exponent is still zero
    ],
)
def test_plain_numbers_are_accepted(text: str, value: float) -> None:
    assert parse_number(text, "mean") == value


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1_0", "digit separators"),
        ("1,000", "digit separators"),
        ("\u0663", "non-ASCII digit '٣' \\(U\\+0663 ARABIC-INDIC DIGIT THREE\\)"),
        ("\uff13", "U\\+FF13 FULLWIDTH DIGIT THREE"),
        ("1\u00b2", "U\\+00B2 SUPERSCRIPT TWO"),
        ("nan", "not a finite number"),
        ("NaN", "not a finite number"),
        ("inf", "not a finite number"),
        ("-Infinity", "not a finite number"),
        ("0x10", "not a number"),
        ("1.2.3", "not a number"),
        ("e5", "not a number"),
        ("1 000", "not a number"),
        ("\u00bd", "not a number"),  # VULGAR FRACTION ONE HALF: numeric but not a digit
        ("1e999", "too large"),
        ("1e-400", "too small"),
    ],
)
def test_loose_numbers_are_refused(text: str, reason: str) -> None:
    with pytest.raises(ReanalysisError, match=f"^sd '.*': .*{reason}") as caught:
        parse_number(text, "sd")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("text", ["", "  ", "\t"])
def test_empty_number_is_refused(text: str) -> None:
    with pytest.raises(ReanalysisError, match=r"^n: empty; expected a number$"):
        parse_number(text, "n")


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_finite_float_round_trips_through_its_repr(value: float) -> None:
    # repr is Python's shortest round-trip spelling: ASCII digits, '.', 'e' and a sign.
    assert parse_number(repr(value), "x") == value


@given(st.text().filter(lambda t: any(not c.isascii() for c in t)))
def test_any_non_ascii_character_is_refused(text: str) -> None:
    with pytest.raises(ReanalysisError):
        parse_number(text, "x")
