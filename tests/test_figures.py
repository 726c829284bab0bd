"""Figures: the theme is seaborn's, written out; densities agree with scipy; the figure
server draws in parallel without ever loading matplotlib in the main process, works from a
script without a ``__main__`` guard, passes drawing errors on and never lingers."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import matplotlib
import numpy as np
import pytest
import seaborn as sns
from scipy import stats

from reanalysis.errors import ReanalysisError
from reanalysis.report.figures import base, drawers, drawing, plan
from reanalysis.report.results import build_results
from reanalysis.report.writer import write_report
from reanalysis.stats.densities import lognormal_pdf, normal_pdf

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
parallel = pytest.mark.skipif(
    (os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods(),
    reason="figures are drawn in parallel only with fork and two CPUs",
)


@pytest.fixture(scope="module")
def results() -> dict:
    return build_results(DATA, "reanalysis report --data data", None)


def test_theme_is_seaborns_whitegrid_notebook_written_out() -> None:
    seaborn_theme = {**sns.axes_style("whitegrid"), **sns.plotting_context("notebook")}
    # "rocket" is a colormap only seaborn registers; no report figure draws an image.
    assert seaborn_theme.pop("image.cmap") == "rocket"
    assert seaborn_theme == base.WHITEGRID_NOTEBOOK
    assert list(base.COLORBLIND) == sns.color_palette("colorblind").as_hex()
    assert base.colours(13) == list(sns.color_palette("colorblind", 13))


def _svg_with(theme, results: dict, task) -> str:
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        theme()
        # drawers.draw would apply the report's theme itself: call the drawer directly.
        return drawers.DRAWERS[task.draw](results, *task.args).svg


def _seaborns_theme() -> None:
    # How the report set its theme before the theme was written out.
    sns.set_theme(style="whitegrid", palette="colorblind", context="notebook")
    matplotlib.rcParams.update(base.REPORT_SETTINGS)


def test_figures_are_byte_identical_to_seaborns_theme(results: dict) -> None:
    tasks = {task.draw: task for task in plan(results)}
    for kind in ("forest_between_arms", "threshold_shares", "before_after"):
        ours = _svg_with(base.apply_theme, results, tasks[kind])
        assert _svg_with(_seaborns_theme, results, tasks[kind]) == ours, kind


def test_densities_agree_with_scipy() -> None:
    x = np.linspace(-5, 30, 701)
    np.testing.assert_allclose(normal_pdf(x, 3.2, 4.1), stats.norm.pdf(x, 3.2, 4.1), rtol=1e-13)
    np.testing.assert_allclose(
        lognormal_pdf(x, 1.7, 0.4), stats.lognorm.pdf(x, 0.4, scale=np.exp(1.7)), rtol=1e-13
    )
    assert lognormal_pdf([-1.0, 0.0], 0.0, 1.0).tolist() == [0.0, 0.0]


@parallel
def test_a_script_without_a_main_guard_builds_and_never_imports_matplotlib(
    tmp_path: Path,
) -> None:
    script = tmp_path / "build.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import sys
            import reanalysis as ra
            ra.build_report({str(DATA)!r}, {str(tmp_path / "out")!r})
            print(sorted(m for m in ("matplotlib", "seaborn") if m in sys.modules))
            """
        ),
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    assert (tmp_path / "out" / "report.html").stat().st_size > 0


@parallel
def test_a_drawing_error_reaches_the_caller(results: dict, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise ValueError("cannot draw this")

    # The server is forked from this process, so it inherits the broken drawer.
    monkeypatch.setitem(drawers.DRAWERS, "forest_between_arms", broken)
    with pytest.raises(ValueError, match="cannot draw this"):
        drawing.draw_all(results, workers=2)
    assert not multiprocessing.active_children()


@parallel
def test_an_unused_server_ends_with_the_build(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    with pytest.raises(ReanalysisError):
        write_report(tmp_path / "data", tmp_path / "out")
    assert not multiprocessing.active_children()
    drawing.start_server()
    drawing.stop_server()
    assert not multiprocessing.active_children()


def _session_processes(session: int) -> list[str]:
    listed = subprocess.run(["ps", "-eo", "pid=,sid=,stat="], capture_output=True, text=True)
    return [
        line.split()[0]
        for line in listed.stdout.splitlines()
        if line.split()[1] == str(session) and not line.split()[2].startswith("Z")
    ]


@parallel
@pytest.mark.parametrize("how", ["SIGKILL", "SIGTERM"])
@pytest.mark.parametrize("when", ["[1/4]", "[2/4]"], ids=["waiting", "drawing"])
def test_the_figure_server_and_its_workers_end_when_the_report_is_killed(
    tmp_path: Path, how: str, when: str
) -> None:
    import signal
    import time

    build = subprocess.Popen(
        [sys.executable, "-m", "reanalysis", "report", "--data", str(DATA), "--out", "out"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    for line in build.stdout:
        # [1/4]: the server waits for the results; [2/4]: it and its workers draw.
        if line.startswith(when):
            break
    os.kill(build.pid, getattr(signal, how))
    build.wait(timeout=60)
    # Not a timing assertion: a generous bound for processes that would otherwise linger.
    deadline = time.monotonic() + 60
    while _session_processes(build.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _session_processes(build.pid) == []
    assert not (tmp_path / "out").exists()
