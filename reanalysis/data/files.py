"""Read input files safely: regular files only, bounded in size, UTF-8 with a located error.

``Path.read_bytes`` on a named pipe blocks until a writer appears, on ``/dev/zero`` (or a
symlink to it) reads until memory runs out, and on a 2 GB file reads 2 GB. Here the
kind of file is checked with ``os.stat`` (which follows symlinks to the real target)
before anything is opened, so a pipe, device, socket or folder is refused at once; a
regular file is opened non-blocking, checked again through the open descriptor (it may
have been swapped in between) and read to at most ``limit`` bytes.
"""

from __future__ import annotations

import os
import stat

from reanalysis.data.text import printable
from reanalysis.errors import ReanalysisError

# The largest input file read by default. The shipped data files are a few kilobytes; a
# trial CSV of summary statistics over 20 MiB is a wrong file, not a large trial.
DEFAULT_LIMIT = 20 * 1024 * 1024

_CHUNK = 1024 * 1024

# What each non-regular file type is called in a message (stat.S_IS* predicates).
_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MiB" if n % (1024 * 1024) == 0 else f"{n} bytes"


def _kind(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def read_bytes(
    path: str | os.PathLike[str], *, limit: int = DEFAULT_LIMIT, what: str = "file"
) -> bytes:
    """The contents of the regular file at ``path`` (symlinks followed), at most ``limit`` bytes.

    Raises :class:`ReanalysisError` naming ``what`` and the path when it is missing, is
    not a regular file (folder, FIFO, device, socket: refused without being opened), or
    holds more than ``limit`` bytes.
    """
    shown = f"{what} {printable(os.fspath(path))}"
    try:
        before = os.stat(path)
    except FileNotFoundError:
        raise ReanalysisError(f"{shown}: not found") from None
    except OSError as error:
        raise ReanalysisError(f"{shown}: cannot be read ({error.strerror})") from None
    except ValueError:  # os.stat refuses a path with a NUL byte
        raise ReanalysisError(f"{shown}: not a valid path (it contains a NUL byte)") from None
    if not stat.S_ISREG(before.st_mode):
        raise ReanalysisError(f"{shown}: is {_kind(before.st_mode)}, expected a regular file")
    too_large = f"{shown}: over the size limit of {_size(limit)} for a {what}"
    if before.st_size > limit:
        raise ReanalysisError(f"{too_large} (it has {before.st_size} bytes)")
    try:
        # O_NONBLOCK: if a FIFO was swapped in after the stat, opening it must not wait.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as error:
        raise ReanalysisError(f"{shown}: cannot be read ({error.strerror})") from None
    try:
        opened = os.fstat(fd)
        if (opened.st_dev, opened.st_ino) != (before.st_dev, before.st_ino):
            raise ReanalysisError(f"{shown}: was replaced while being opened; try again")
        chunks: list[bytes] = []
        total = 0
        while chunk := os.read(fd, min(_CHUNK, limit + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # the file grew after the stat
                raise ReanalysisError(too_large)
    except OSError as error:
        raise ReanalysisError(f"{shown}: cannot be read ({error.strerror})") from None
    finally:
        os.close(fd)
    return b"".join(chunks)


def read_text(
    path: str | os.PathLike[str], *, limit: int = DEFAULT_LIMIT, what: str = "file"
) -> str:
    """The UTF-8 text of the regular file at ``path``, read as :func:`read_bytes` reads it.

    A leading byte-order mark is dropped (spreadsheet programs write one). Invalid UTF-8
    raises :class:`ReanalysisError` naming the file, the byte offset (from 0, counting the
    mark) and the line.
    """
    raw = read_bytes(path, limit=limit, what=what)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ReanalysisError(
            f"{what} {printable(os.fspath(path))}: not UTF-8 at byte {error.start} "
            f"(line {line}, byte 0x{raw[error.start]:02x}); save it as UTF-8"
        ) from None
    return text.removeprefix("\ufeff")
