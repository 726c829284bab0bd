"""A safe output folder: replaced whole by each build, and never anything it did not write.

A build replaces its output folder as a whole, so the folder must be one this tool
made. :func:`prepare_output` refuses the current folder and its parents, a file, the
data folder (or a folder inside it, or one containing it, or one holding a data file
that the data folder links to), and a non-empty folder without the marker file
:data:`MARKER`. The marker lists every file the build wrote; a file not listed (a
user's notes saved into the folder later) makes the folder foreign too, and nothing
but listed files is ever deleted.

:func:`write_output` writes a build into ``.<name>.staging-<pid>`` beside the output
(same file system, so renames are atomic), writes the marker first so that a killed
build's leftovers are recognisably ours, fsyncs, and swaps: ``<name>`` →
``.<name>.old-<pid>``, staging → ``<name>``, then removes the old folder's listed files.
Concurrent builds of one folder are serialised by ``flock`` on ``.<name>.lock`` in the
same parent. Each build first recovers from a killed one (:func:`recover_output`).

SIGINT and SIGTERM during a build remove the staging folder and raise
:class:`BuildInterrupted`, whose ``exit_status`` is 128 + the signal number (130 for
SIGINT, 143 for SIGTERM): the shell's convention for "stopped by a signal", so scripts
and ``make`` can tell an interruption from bad input (exit 2).
"""

from __future__ import annotations

import fcntl
import os
import signal
import stat
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from types import FrameType

from reanalysis.data.files import read_text
from reanalysis.data.text import printable
from reanalysis.errors import BuildInterrupted, ReanalysisError

MARKER = ".reanalysis-output"
_MARKER_HEADER = (
    "reanalysis output folder: each build replaces the files listed below; "
    "nothing else here is ever deleted"
)
_MARKER_LIMIT = 1024 * 1024
# Files an operating system drops into any folder it displays; removing them loses nothing.
OS_CLUTTER = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})


def _shown(path: Path | str) -> str:
    return printable(os.fspath(path))


# --- which folder may be written --------------------------------------------------


def _target(out_dir: str | os.PathLike[str]) -> Path:
    """The resolved output folder, or :class:`ReanalysisError` if it is no place for one."""
    raw = os.fspath(out_dir)
    if raw.strip() in ("", "."):
        raise ReanalysisError(
            f"output folder '{_shown(raw)}': the current folder; name a subfolder such as reports"
        )
    if os.path.islink(raw) and not os.path.exists(raw):
        raise ReanalysisError(f"output folder {_shown(raw)}: a symbolic link to nothing")
    try:
        target = Path(raw).resolve()
        here = Path.cwd().resolve()
    except (OSError, RuntimeError) as error:  # RuntimeError: a symlink loop (Python 3.11)
        raise ReanalysisError(
            f"output folder {_shown(raw)}: cannot be resolved ({error})"
        ) from None
    if target == here or target in here.parents:
        raise ReanalysisError(
            f"output folder {_shown(raw)}: is {target}, the current folder or one of its "
            "parents; name a new subfolder such as reports"
        )
    return target


def _overlaps(a: Path, b: Path) -> bool:
    return a == b or a in b.parents or b in a.parents


def _refuse_data(target: Path, raw: Path, data_dir: Path) -> None:
    data = data_dir.resolve()
    where = f"output folder {_shown(raw)}"
    if target == data:
        raise ReanalysisError(f"{where}: is the data folder; name a separate folder")
    if data in target.parents:
        raise ReanalysisError(f"{where}: is inside the data folder {_shown(data)}")
    if target in data.parents:
        raise ReanalysisError(f"{where}: contains the data folder {_shown(data)}")
    # Only the top level: the loaders read data/*.csv and data/*.toml, nothing deeper.
    try:
        entries = sorted(data.iterdir()) if data.is_dir() else []
    except OSError:  # unreadable: the loader will say so; there are no links to follow
        entries = []
    for entry in entries:
        if entry.is_symlink() and _overlaps(target, linked := entry.resolve()):
            raise ReanalysisError(
                f"{where}: holds or is {_shown(linked)}, which the data folder links to "
                f"as {_shown(entry.name)}"
            )


def _manifest(folder: Path) -> frozenset[str] | None:
    """The relative paths listed by the marker in the real folder ``folder`` (not a symlink),
    or None if it has no readable marker of ours."""
    marker = folder / MARKER
    try:
        if not stat.S_ISDIR(folder.lstat().st_mode) or not stat.S_ISREG(marker.lstat().st_mode):
            return None
        lines = read_text(marker, limit=_MARKER_LIMIT, what="marker file").splitlines()
    except (OSError, ReanalysisError):
        return None
    if not lines or lines[0] != _MARKER_HEADER:
        return None
    return frozenset(line for line in lines[1:] if _is_relative(line))


def _is_relative(name: str) -> bool:
    parts = name.split("/")
    return "\0" not in name and all(p not in ("", ".", "..") for p in parts)


def _unlisted(folder: Path, listed: frozenset[str] | None) -> list[str]:
    """Entries under ``folder`` that the marker does not list (all of them if there is no
    marker); a symlink to a folder counts as an entry, and OS clutter beside a marker is
    ignored (a build removes it with the folder)."""

    def unreadable(error: OSError) -> None:
        raise ReanalysisError(f"output folder {_shown(folder)}: cannot be read ({error.strerror})")

    found = []
    for dirpath, dirnames, filenames in os.walk(folder, onerror=unreadable):
        here = Path(dirpath)
        links = [d for d in dirnames if (here / d).is_symlink()]
        for name in sorted(filenames + links):
            relative = (here / name).relative_to(folder).as_posix()
            ours = listed is not None and (
                relative in listed or relative == MARKER or name in OS_CLUTTER
            )
            if not ours:
                found.append(relative)
    return found


def _checked_place(out_dir: str | os.PathLike[str], data_dir: str | os.PathLike[str]) -> Path:
    """The resolved ``out_dir`` if its path may hold an output folder (contents unchecked)."""
    target = _target(out_dir)
    _refuse_data(target, Path(out_dir), Path(data_dir))
    if target.exists() and not target.is_dir():
        raise ReanalysisError(
            f"output folder {_shown(out_dir)}: is a file, not a folder; name a folder"
        )
    return target


def prepare_output(out_dir: str | os.PathLike[str], data_dir: str | os.PathLike[str]) -> None:
    """Refuse, with a one-line :class:`ReanalysisError`, an ``out_dir`` a build must not replace.

    Accepted: a folder that does not exist yet, an empty folder, or a folder whose marker
    lists every file in it. Refused: ``""`` or ``"."``, the current folder or any of its
    parents, a file, the data folder or a folder inside it or containing it (resolved
    paths, symlinks followed), a folder holding a file the data folder links to, and any
    other non-empty folder.
    """
    target = _checked_place(out_dir, data_dir)
    where = f"output folder {_shown(out_dir)}"
    if not target.is_dir():
        return
    listed = _manifest(target)
    unlisted = _unlisted(target, listed)
    if not unlisted:
        return
    if listed is None:
        raise ReanalysisError(
            f"{where}: a folder not written by reanalysis (no {MARKER}) and not empty "
            f"(it holds {_shown(unlisted[0])}); name a new or empty folder"
        )
    raise ReanalysisError(
        f"{where}: holds {_shown(unlisted[0])}, which reanalysis did not write; move it out "
        "(each build replaces this folder) or name another folder"
    )


# --- removing only what this tool wrote --------------------------------------------


def _unlink_inside(root_fd: int, relative: str) -> None:
    """Unlink ``relative`` under the open folder ``root_fd`` without following any symlink."""
    *folders, name = relative.split("/")
    fd = os.dup(root_fd)
    try:
        for folder in folders:
            inner = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            os.close(fd)
            fd = inner
        os.unlink(name, dir_fd=fd)
    except OSError:  # gone, a folder, or reached through a symlink: not ours to remove
        pass
    finally:
        os.close(fd)


def _remove_ours(folder: Path) -> bool:
    """Remove the files ``folder``'s marker lists, then the folder if nothing else is left.

    A folder without our marker is removed only if it is empty. Returns whether the folder
    is gone; never raises (what cannot be removed stays, to be retried by a later build).
    """
    listed = _manifest(folder)
    try:
        if listed is not None:
            root_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
            try:
                for relative in sorted(listed | OS_CLUTTER):
                    _unlink_inside(root_fd, relative)
            finally:
                os.close(root_fd)
            for dirpath, dirnames, _ in os.walk(folder, topdown=False):
                for name in dirnames:
                    with suppress(OSError):  # only empty folders go; rmdir on a symlink fails
                        os.rmdir(Path(dirpath, name))
            if [entry.name for entry in folder.iterdir()] == [MARKER]:
                (folder / MARKER).unlink()
        folder.rmdir()  # fails unless empty, and on a symlink
    except OSError:
        return False
    return True


# --- recovery, locking, signals ------------------------------------------------------


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by another user
        return True
    return True


def _leftovers(target: Path, kind: str) -> list[Path]:
    """``.<name>.<kind>-<pid>`` folders beside ``target`` whose build is no longer running."""
    prefix = f".{target.name}.{kind}-"
    found = []
    for entry in target.parent.iterdir():
        pid = entry.name.removeprefix(prefix)
        if not (entry.name.startswith(prefix) and pid.isascii() and pid.isdigit()):
            continue
        # Our own pid is stale too: we hold the lock and have not started writing.
        if int(pid) == os.getpid() or not _pid_alive(int(pid)):
            found.append(entry)
    return found


def _recover(target: Path) -> None:
    for staging in _leftovers(target, "staging"):
        _remove_ours(staging)
    olds = _leftovers(target, "old")
    restorable = [old for old in olds if _manifest(old) is not None]
    if restorable and not os.path.lexists(target):
        # Killed between the two renames of a swap: the newest old folder is the output.
        newest = max(restorable, key=lambda p: p.stat().st_mtime_ns)
        os.rename(newest, target)
        olds.remove(newest)
    for old in olds:
        _remove_ours(old)


@contextmanager
def _locked(path: Path, where: str) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path``; the file is removed again on release.

    Removing a lock file is safe only if a waiter that then gets the lock checks that its
    file is still the one at ``path``; otherwise it retries on the new file.
    """
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        except OSError as error:
            raise ReanalysisError(
                f"{where}: cannot write in {_shown(path.parent)} ({error.strerror})"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            held = os.fstat(fd)
            current = os.stat(path, follow_symlinks=False)
            if (current.st_dev, current.st_ino) == (held.st_dev, held.st_ino):
                break
        except FileNotFoundError:
            pass
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
    try:
        yield
    finally:
        path.unlink(missing_ok=True)
        os.close(fd)


class _Interrupts:
    """SIGINT/SIGTERM handlers for one build: raise once, or only record while holding."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.holding = False
        self.raised = False
        self.pending: int | None = None
        self.previous: dict[int, object] = {}

    def __enter__(self) -> _Interrupts:
        if threading.current_thread() is threading.main_thread():  # signal.signal's rule
            for number in (signal.SIGINT, signal.SIGTERM):
                self.previous[number] = signal.signal(number, self._handle)
        return self

    def hold(self) -> None:
        """From now on a signal is only recorded: the swap and the clean-up must finish."""
        self.holding = True

    def _handle(self, number: int, frame: FrameType | None) -> None:
        if self.holding or self.raised:
            self.pending = self.pending or number
            return
        self.raised = True
        raise BuildInterrupted(
            f"{self.where}: build interrupted by {signal.Signals(number).name}; "
            "the previous output is untouched",
            number,
        )

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        for number, handler in self.previous.items():
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)
        if kind is None and self.pending is not None and not self.raised:
            raise BuildInterrupted(
                f"{self.where}: interrupted by {signal.Signals(self.pending).name} after "
                "the new output was complete; it is in place",
                self.pending,
            )


# --- writing -----------------------------------------------------------------------


def _checked_names(files: Mapping[str, bytes]) -> list[str]:
    names = sorted(files)
    for name in names:
        if not isinstance(name, str) or not _is_relative(name) or name == MARKER:
            raise ReanalysisError(
                f"output file name '{_shown(str(name))}': expected a relative path"
            )
    prefixes = {"/".join(n.split("/")[:i]) for n in names for i in range(1, n.count("/") + 1)}
    if clash := prefixes.intersection(names):
        raise ReanalysisError(f"output file name {_shown(min(clash))}: also used as a folder")
    return names


def _write_file(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _build(staging: Path, names: list[str], files: Mapping[str, bytes]) -> None:
    """Write the marker, then every file, into the new folder ``staging``; fsync it all."""
    staging.mkdir()
    _write_file(staging / MARKER, "\n".join([_MARKER_HEADER, *names]).encode("utf-8") + b"\n")
    for name in names:
        data = files[name]
        if not isinstance(data, bytes | bytearray | memoryview):
            raise ReanalysisError(
                f"output file {_shown(name)}: expected bytes, got {type(data).__name__}"
            )
        path = staging / name
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_file(path, data)
    for dirpath, _, _ in os.walk(staging, topdown=False):
        _fsync_folder(Path(dirpath))


def _swap(staging: Path, target: Path) -> None:
    """Put ``staging`` at ``target``; the old folder keeps the name ``.<name>.old-<pid>``
    until the new one is in place, then loses its listed files."""
    if not os.path.lexists(target):
        os.rename(staging, target)
        _fsync_folder(target.parent)
        return
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    os.rename(target, old)
    try:
        os.rename(staging, target)
    except OSError:
        os.rename(old, target)
        raise
    _fsync_folder(target.parent)
    _remove_ours(old)


def recover_output(out_dir: str | os.PathLike[str]) -> None:
    """Clean up after builds of ``out_dir`` that were killed (their process is gone).

    Removes their ``.<name>.staging-<pid>`` and ``.<name>.old-<pid>`` folders (only the
    files their markers list); if ``out_dir`` is missing because a build was killed between
    the two renames of its swap, the old folder is put back first.
    """
    target = _target(out_dir)
    if not target.parent.is_dir():
        return
    with _locked(target.parent / f".{target.name}.lock", f"output folder {_shown(out_dir)}"):
        _recover(target)


def write_output(
    out_dir: str | os.PathLike[str],
    data_dir: str | os.PathLike[str],
    files: Mapping[str, bytes],
) -> None:
    """Replace ``out_dir`` with exactly ``files`` (relative path → contents), all or nothing.

    Checks ``out_dir`` with :func:`prepare_output` (its contents under the lock),
    recovers from killed builds, builds in a staging folder and swaps it in. Raises
    :class:`ReanalysisError` (one line) if the folder is refused or cannot be written, and
    :class:`BuildInterrupted` on SIGINT/SIGTERM, leaving the previous output untouched and
    no staging folder behind.
    """
    names = _checked_names(files)
    # The path now; the contents only under the lock, when no other build is swapping them.
    target = _checked_place(out_dir, data_dir)
    where = f"output folder {_shown(out_dir)}"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ReanalysisError(
            f"{where}: cannot create {_shown(target.parent)} ({error.strerror})"
        ) from None
    staging = target.parent / f".{target.name}.staging-{os.getpid()}"
    lock = target.parent / f".{target.name}.lock"
    with _Interrupts(where) as interrupts, _locked(lock, where):
        try:
            _recover(target)
            prepare_output(out_dir, data_dir)
            _build(staging, names, files)
            interrupts.hold()
            _swap(staging, target)
        except BaseException as error:
            interrupts.hold()  # the clean-up and the lock's release must finish
            _remove_ours(staging)
            if isinstance(error, OSError):
                raise ReanalysisError(f"{where}: cannot be written ({error.strerror})") from None
            raise
