"""Fuzz the command line: random flags of the real parser with hostile values.

Whatever the arguments, a run ends with status 0 or 2, never a traceback; a failure is
one ``error:`` line (after any one-line ``warning:`` lines); and no RuntimeWarning from
NumPy or SciPy escapes (overflow in a huge n, NaN from a degenerate input), because the
test turns them into errors. ``report`` and ``init`` are left out: they write folders.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import warnings
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reanalysis.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]
FILES = [str(ROOT / "data" / "burnett2009.csv"), str(ROOT / "data" / "snyder2004.csv")]
BURNETT, SNYDER = FILES
# Valid command lines each example starts from, so that random flags (which override
# earlier ones) reach the computations rather than stopping at a missing argument.
BASES = {
    "validate": [[BURNETT]],
    "effects": [[BURNETT, "--outcome", "pa_spine_bmd"], [SNYDER, "--outcome", "estradiol"]],
    "bayes": [[BURNETT, "--outcome", "pa_spine_bmd"]],
    "pool": [[BURNETT, SNYDER, "--outcome", "estradiol", "--measure", "romc"]],
    "power": [
        ["--d", "0.5", "--n1", "30", "--n2", "30"],
        ["--d", "0.5", "--power", "0.8"],
        ["--n1", "30", "--n2", "30", "--power", "0.8"],
    ],
    "audit": [["--data", str(ROOT / "data")]],
    "extract": [[str(ROOT / "data" / "article.md")]],
}
WRITERS = {"report", "init"}
HOSTILE = [
    "1e308", "-1e308", "1e-320", "nan", "NaN", "inf", "-inf", "", " ", "0", "-0", "-1", "1",
    "2", "0.5", "0.95", "0.9999999999999999", "64", "1e9", "1e10", "0.0014", "ünïcødé −±",
    "a=b", "0,1", "1e308,1e-308", "--", "pa_spine_bmd", "estradiol", "placebo", "anastrozole",
    "burnett2009_companion", "/dev/null", "nope.csv", str(ROOT / "data"), *FILES,
]  # fmt: skip
VALUES = st.one_of(
    st.sampled_from(HOSTILE),
    st.floats(-2, 200).map(repr),
    st.text(max_size=6),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**12), 10**12).map(str),
)


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    return {name: parser for name, parser in sub.choices.items() if name not in WRITERS}


SUBPARSERS = _subparsers()


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    name = draw(st.sampled_from(sorted(SUBPARSERS)))
    actions = [a for a in SUBPARSERS[name]._actions if a.dest != "help"]
    argv = [name, *draw(st.sampled_from([[], *BASES[name]]))]
    for action in draw(st.lists(st.sampled_from(actions), max_size=4)):
        if not action.option_strings:  # a positional: usually a real file
            count = 1 if action.nargs is None else draw(st.integers(1, 3))
            argv += draw(st.lists(st.sampled_from(FILES) | VALUES, min_size=count, max_size=count))
            continue
        argv.append(draw(st.sampled_from(action.option_strings)))
        if action.nargs == 0:  # --json, --png
            continue
        if action.choices and draw(st.booleans()):
            argv.append(draw(st.sampled_from(list(action.choices))))
        else:
            argv.append(draw(VALUES))
    return argv


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(argv=command_lines())
def test_any_command_line_exits_0_or_2_without_a_traceback(argv: list[str]) -> None:
    out, err = io.StringIO(), io.StringIO()
    captured = (contextlib.redirect_stdout(out), contextlib.redirect_stderr(err))
    with captured[0], captured[1], warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        status = main(argv)
    lines = err.getvalue().splitlines()
    assert status in (0, 2), (argv, lines)
    assert "Traceback" not in err.getvalue()
    assert all(line.startswith(("error: ", "warning: ")) for line in lines), (argv, lines)
    if status == 2 and argv[0] == "validate":
        # validate reports every file: one error line per bad file, the good ones on stdout.
        assert any(line.startswith("error: ") for line in lines), argv
    elif status == 2:
        assert [line for line in lines if line.startswith("error: ")] == lines[-1:], argv
        assert out.getvalue() == "", argv
