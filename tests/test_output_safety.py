"""The output folder: refused when a build would destroy something, replaced whole otherwise.

Every case comes from the task's list. Killed and interrupted builds run in a child
process (sys.executable with this worktree first on PYTHONPATH) so that real signals
arrive in the middle of a write; the child's file mapping prints "ready" and sleeps
when a build asks it for its second file, which is after the staging folder exists.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from reanalysis.errors import ReanalysisError
from reanalysis.report.output import (
    MARKER,
    BuildInterrupted,
    prepare_output,
    recover_output,
    write_output,
)

ROOT = Path(__file__).resolve().parents[1]
FILES = {"report.md": b"# report\n", "results.json": b"{}\n", "figures/a.svg": b"<svg/>\n"}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "trial.csv").write_bytes(b"study,arm\n")
    return folder


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != MARKER
    }


def _listing(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", ""])
    child.wait()
    return child.pid


# --- refusals ------------------------------------------------------------------------


@pytest.mark.parametrize("out", ["", ".", "./", Path("")])
def test_current_folder_is_refused(
    out: str | Path, data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    before = _listing(tmp_path)
    with pytest.raises(ReanalysisError, match="the current folder"):
        write_output(out, data, FILES)
    assert _listing(tmp_path) == before


def test_parents_of_the_current_folder_are_refused(
    tmp_path: Path, data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    for out in ("..", str(tmp_path), "/"):
        with pytest.raises(ReanalysisError, match="the current folder or one of its parents"):
            prepare_output(out, data)


def test_a_file_is_refused_and_kept(tmp_path: Path, data: Path) -> None:
    out = tmp_path / "reports"
    out.write_bytes(b"not a folder\n")
    with pytest.raises(ReanalysisError, match=r"reports: is a file, not a folder"):
        write_output(out, data, FILES)
    assert out.read_bytes() == b"not a folder\n"


def test_a_foreign_folder_survives_byte_for_byte(tmp_path: Path, data: Path) -> None:
    out = tmp_path / "thesis"
    out.mkdir()
    thesis = bytes(range(256)) * 64
    (out / "thesis.txt").write_bytes(thesis)
    before = _listing(tmp_path)
    with pytest.raises(ReanalysisError) as caught:
        write_output(out, data, FILES)
    message = str(caught.value)
    assert "not written by reanalysis" in message and "thesis.txt" in message
    assert "\n" not in message
    assert (out / "thesis.txt").read_bytes() == thesis
    assert _listing(out) == ["thesis.txt"] and _listing(tmp_path) == before  # no lock, no staging


def test_a_users_file_in_a_marked_folder_is_refused(tmp_path: Path, data: Path) -> None:
    out = tmp_path / "reports"
    write_output(out, data, FILES)
    (out / "figures" / "my-notes.md").write_bytes(b"mine")
    with pytest.raises(ReanalysisError, match=r"holds figures/my-notes\.md, which reanalysis did"):
        write_output(out, data, {"report.md": b"new"})
    assert (out / "figures" / "my-notes.md").read_bytes() == b"mine"
    assert _tree(out)["report.md"] == FILES["report.md"]


def test_a_bare_or_garbled_marker_does_not_make_a_folder_ours(tmp_path: Path, data: Path) -> None:
    out = tmp_path / "reports"
    out.mkdir()
    (out / MARKER).write_bytes(b"")  # someone touched the marker by hand
    with pytest.raises(ReanalysisError, match=f"no {MARKER}"):
        prepare_output(out, data)
    (out / "keep.txt").write_bytes(b"keep")
    with pytest.raises(ReanalysisError, match="not written by reanalysis"):
        prepare_output(out, data)


def test_the_data_folder_is_refused(
    tmp_path: Path, data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    cases = {
        "data": "is the data folder",
        "data/": "is the data folder",
        "./data/../data": "is the data folder",
        "data/reports": "is inside the data folder",
    }
    for out, reason in cases.items():
        with pytest.raises(ReanalysisError, match=reason):
            write_output(out, "data", FILES)
    link = tmp_path / "link-to-data"
    link.symlink_to(data)
    with pytest.raises(ReanalysisError, match="is the data folder"):
        write_output(link, data, FILES)
    assert _listing(data) == ["trial.csv"]


def test_a_folder_containing_the_data_is_refused(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "data").mkdir(parents=True)
    (project / "data" / "trial.csv").write_bytes(b"x")
    with pytest.raises(ReanalysisError, match="contains the data folder"):
        write_output(project, project / "data", FILES)
    # Even when that folder carries the marker of an earlier (mistaken) build.
    (project / MARKER).write_bytes(b"")
    with pytest.raises(ReanalysisError, match="contains the data folder"):
        prepare_output(project, project / "data")
    assert (project / "data" / "trial.csv").read_bytes() == b"x"


def test_a_folder_holding_linked_data_files_is_refused(tmp_path: Path, data: Path) -> None:
    elsewhere = tmp_path / "archive"
    write_output(elsewhere, data, {"trial2.csv": b"study,arm\n"})  # a marked folder...
    (data / "trial2.csv").symlink_to(elsewhere / "trial2.csv")  # ...that data links into
    with pytest.raises(ReanalysisError, match=r"which the data folder links to as trial2\.csv"):
        write_output(elsewhere, data, FILES)
    assert (data / "trial2.csv").read_bytes() == b"study,arm\n"


def test_an_unwritable_parent_is_one_line(tmp_path: Path, data: Path) -> None:
    (tmp_path / "plain-file").write_bytes(b"")
    with pytest.raises(ReanalysisError) as caught:
        write_output(tmp_path / "plain-file" / "reports", data, FILES)
    assert "cannot create" in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_parent_is_one_line(tmp_path: Path, data: Path) -> None:
    parent = tmp_path / "ro"
    parent.mkdir()
    parent.chmod(0o555)
    try:
        with pytest.raises(ReanalysisError, match=r"cannot write in .*Permission denied"):
            write_output(parent / "reports", data, FILES)
    finally:
        parent.chmod(0o755)


def test_bad_file_names_are_refused(tmp_path: Path, data: Path) -> None:
    for name in ("../escape.txt", "/abs.txt", "a//b", MARKER, ""):
        with pytest.raises(ReanalysisError, match="expected a relative path"):
            write_output(tmp_path / "reports", data, {name: b"x"})
    with pytest.raises(ReanalysisError, match="figures: also used as a folder"):
        write_output(tmp_path / "reports", data, {"figures": b"x", "figures/a.svg": b"y"})
    assert _listing(tmp_path) == ["data"]


# --- accepted folders ------------------------------------------------------------------


def test_new_empty_and_marked_folders_are_written(tmp_path: Path, data: Path) -> None:
    new = tmp_path / "a" / "b" / "reports"
    write_output(new, data, FILES)
    assert _tree(new) == FILES
    empty = tmp_path / "empty"
    empty.mkdir()
    write_output(empty, data, FILES)
    assert _tree(empty) == FILES
    write_output(empty, data, {"other.md": b"second build\n"})  # the marked folder, replaced
    assert _tree(empty) == {"other.md": b"second build\n"}
    assert _listing(empty) == [MARKER, "other.md"]
    assert _listing(tmp_path) == ["a", "data", "empty"]  # no lock, staging or old folder


def test_os_clutter_in_a_marked_folder_is_not_foreign(tmp_path: Path, data: Path) -> None:
    out = tmp_path / "reports"
    write_output(out, data, FILES)
    (out / "figures" / ".DS_Store").write_bytes(b"\0")
    write_output(out, data, FILES)
    assert _tree(out) == FILES


# --- recovery --------------------------------------------------------------------------


def _marked_folder(tmp_path: Path, data: Path, name: str, files: Mapping[str, bytes]) -> Path:
    """A folder as a build leaves it, renamed to ``name`` (a leftover of a killed build)."""
    scratch = tmp_path / "scratch"
    write_output(scratch, data, files)
    return scratch.rename(tmp_path / name)


def test_stale_staging_and_old_folders_are_cleaned(tmp_path: Path, data: Path) -> None:
    dead = _dead_pid()
    _marked_folder(tmp_path, data, f".reports.staging-{dead}", {"half.md": b"half"})
    _marked_folder(tmp_path, data, f".reports.old-{dead}", {"old.md": b"old"})
    users = tmp_path / f".reports.staging-{dead + 1}"  # named like ours, but no marker
    users.mkdir()
    (users / "keep.txt").write_bytes(b"keep")
    live = _marked_folder(tmp_path, data, f".reports.staging-{os.getppid()}", {"x": b"x"})
    write_output(tmp_path / "reports", data, FILES)
    assert _tree(tmp_path / "reports") == FILES
    assert _listing(tmp_path) == sorted(["data", "reports", users.name, live.name])
    assert (users / "keep.txt").read_bytes() == b"keep"


def test_an_old_folder_is_restored_when_the_output_is_missing(tmp_path: Path, data: Path) -> None:
    # A build killed between its two renames leaves only .reports.old-<pid>.
    _marked_folder(tmp_path, data, f".reports.old-{_dead_pid()}", FILES)
    recover_output(tmp_path / "reports")
    assert _tree(tmp_path / "reports") == FILES
    assert _listing(tmp_path) == ["data", "reports"]


def test_an_old_folder_beside_a_complete_output_is_removed(tmp_path: Path, data: Path) -> None:
    write_output(tmp_path / "reports", data, FILES)
    old = _marked_folder(tmp_path, data, f".reports.old-{_dead_pid()}", {"old.md": b"old"})
    (old / "notes.txt").write_bytes(b"a user's file saved into the old folder")
    recover_output(tmp_path / "reports")
    assert _tree(tmp_path / "reports") == FILES
    # The listed file went; the unlisted one stayed, and with it the folder.
    assert _listing(old) == [MARKER, "notes.txt"]


# --- killed, interrupted and concurrent builds -------------------------------------------

CHILD = r"""
import sys, time
from collections.abc import Mapping
from reanalysis.errors import ReanalysisError
from reanalysis.report.output import write_output

class Slow(Mapping):
    names = ["a.md", "b.md", "figures/c.svg"]
    def __iter__(self): return iter(self.names)
    def __len__(self): return len(self.names)
    def __getitem__(self, name):
        if name == "b.md":
            print("ready", flush=True)
            time.sleep(60)
        return b"written by the child\n"

try:
    write_output(sys.argv[1], sys.argv[2], Slow())
except ReanalysisError as error:  # as the CLI does, with BuildInterrupted's exit status
    print(f"error: {error}", file=sys.stderr)
    sys.exit(getattr(error, "exit_status", 2))
"""


def _child_at_work(out: Path, data: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(out), str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    assert child.stdout.readline() == "ready\n", child.communicate(timeout=30)
    return child


def test_a_build_killed_mid_write_is_recovered(tmp_path: Path, data: Path) -> None:
    out = tmp_path / "reports"
    write_output(out, data, FILES)
    child = _child_at_work(out, data)
    child.kill()
    child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL
    staging = tmp_path / f".reports.staging-{child.pid}"
    assert (staging / MARKER).is_file() and (staging / "a.md").is_file()  # debris, marked
    assert _tree(out) == FILES  # the previous output was never touched
    write_output(out, data, {"new.md": b"new\n"})
    assert _tree(out) == {"new.md": b"new\n"}
    assert _listing(tmp_path) == ["data", "reports"]


@pytest.mark.parametrize(("number", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupt_is_one_line_and_leaves_no_debris(
    tmp_path: Path, data: Path, number: int, status: int
) -> None:
    out = tmp_path / "reports"
    write_output(out, data, FILES)
    child = _child_at_work(out, data)
    os.kill(child.pid, number)
    _, stderr = child.communicate(timeout=30)
    assert child.returncode == status  # 128 + the signal number, the shell's convention
    assert stderr.splitlines() == [
        f"error: output folder {out}: build interrupted by {signal.Signals(number).name}; "
        "the previous output is untouched"
    ]
    assert _tree(out) == FILES
    assert _listing(tmp_path) == ["data", "reports"]


def test_build_interrupted_carries_its_exit_status() -> None:
    error = BuildInterrupted("stopped", signal.SIGINT)
    assert isinstance(error, ReanalysisError) and error.exit_status == 130


class _Logged(Mapping[str, bytes]):
    """Files whose every read is logged with the time, and takes a while."""

    names = ("report.md", "results.json", "figures/a.svg", "figures/b.svg")

    def __init__(self, tag: bytes, log: Path) -> None:
        self.tag, self.log = tag, log

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)

    def __getitem__(self, name: str) -> bytes:
        with self.log.open("a") as handle:
            handle.write(f"{time.monotonic()}\n")
        time.sleep(0.1)
        return self.tag + name.encode()


def _writer(out: Path, data: Path, tag: bytes, log: Path, start) -> None:
    start.wait()
    write_output(out, data, _Logged(tag, log))


def test_concurrent_builds_run_one_after_the_other(tmp_path: Path, data: Path) -> None:
    out = tmp_path / "reports"
    context = multiprocessing.get_context("fork")
    start = context.Barrier(2)
    logs = [tmp_path / "log-a", tmp_path / "log-b"]
    builds = [
        context.Process(target=_writer, args=(out, data, tag, log, start))
        for tag, log in zip((b"A:", b"B:"), logs, strict=True)
    ]
    for build in builds:
        build.start()
    for build in builds:
        build.join(timeout=60)
    assert [build.exitcode for build in builds] == [0, 0]
    spans = sorted(
        (min(times), max(times))
        for times in ([float(t) for t in log.read_text().split()] for log in logs)
    )
    assert spans[0][1] < spans[1][0], "the two builds wrote at the same time"
    tree = _tree(out)
    tag = tree["report.md"][:2]
    assert tree == {name: tag + name.encode() for name in _Logged.names}  # one whole build
    assert _listing(tmp_path) == ["data", "log-a", "log-b", "reports"]
