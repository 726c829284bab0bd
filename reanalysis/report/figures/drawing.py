"""Drawing every figure the report plans, in a process pool: one task per figure.

The pool's workers are forked from a figure server: a process forked from this one when
:func:`start_server` is called (the ``report`` command calls it first thing), which imports
matplotlib and the drawing functions (:mod:`reanalysis.report.figures.server`) on another
core while this process loads the statistics and computes the results. This process never
imports matplotlib. :func:`draw_all` sends the server the results once; its workers
inherit them (and the loaded fonts) when it forks them, draw one figure per task and
send the figures back. A server draws one report and exits; it ends at once when this
process does (its end of the pipe closes). Where ``fork`` is not available, or with one
worker, the figures are drawn in this process.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import signal
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait
from typing import Any

from reanalysis.report.figures.tasks import DrawnFigure, FigureTask, panels_of, plan

_SERVER: dict[str, Any] = {}
_STOP_AT_EXIT: list[bool] = []


def _forking() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def start_server() -> None:
    """Fork the figure server, unless one is running or figures cannot be drawn in parallel
    here (no ``fork``, one CPU), and return at once: it loads matplotlib while the caller
    goes on."""
    if not _SERVER and _forking() and (os.cpu_count() or 1) > 1:
        _start()


def _start() -> None:
    context = multiprocessing.get_context("fork")
    ours, theirs = context.Pipe()
    process = context.Process(target=_serve, args=(theirs, ours), name="reanalysis-figures")
    process.start()
    theirs.close()
    _SERVER.update(process=process, connection=ours)
    if not _STOP_AT_EXIT:
        # Runs before multiprocessing's own exit handler (registered earlier), which would
        # otherwise wait for an unused server forever.
        atexit.register(stop_server)
        _STOP_AT_EXIT.append(True)


def stop_server() -> None:
    """End the figure server if one is running (a report that was not drawn)."""
    if not _SERVER:
        return
    _SERVER.pop("connection").close()
    process = _SERVER.pop("process")
    process.terminate()
    process.join()


# In the server and its workers: the results, the PNG switch.
_STATE: dict[str, Any] = {}


def _serve(connection: Any, parents_end: Any) -> None:
    """The figure server: load, wait for one request, draw it in a pool, answer, exit.

    It never prints (its output goes to /dev/null: its errors reach the main process
    through the pipe) and leaves Ctrl-C to the main process, which ends it.
    """
    parents_end.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    null = os.open(os.devnull, os.O_WRONLY)
    for stream in (1, 2):
        os.dup2(null, stream)
    from reanalysis.report.figures import server  # noqa: F401  (loads, warms up)

    try:
        results, png, tasks, workers = connection.recv()
    except EOFError:  # the main process ended without drawing
        return
    _STATE.update(results=results, png=png)
    try:
        drawn = _draw_in_pool(tasks, workers, connection)
    except Exception as error:  # sent back to be raised in the main process
        reply: tuple[str, Any] = ("failed", error)
    else:
        if drawn is None:  # the main process has ended
            return
        reply = ("drawn", drawn)
    try:
        connection.send(reply)
    except BrokenPipeError:  # the main process has ended
        return
    except Exception:  # an error that cannot be pickled: sent as text
        connection.send(("failed", RuntimeError(f"drawing the figures failed: {reply[1]!r}")))


def _draw_in_pool(
    tasks: list[FigureTask], workers: int, connection: Any
) -> list[DrawnFigure] | None:
    """The figures, drawn by a pool forked from the server; None if the main process ends
    meanwhile (interrupted or killed): then the figures not yet begun are cancelled, so
    the server and its workers end within one figure's time."""
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        futures = [pool.submit(_draw, task) for task in tasks]
        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=0.1, return_when=FIRST_EXCEPTION)
            failed = [f.exception() for f in done if f.exception() is not None]
            # The main process sends nothing more: readable means its end has closed.
            if failed or connection.poll():
                for future in pending:
                    future.cancel()
                if failed:
                    raise failed[0]
                return None
        return [future.result() for future in futures]


def _draw(task: FigureTask) -> DrawnFigure:
    from reanalysis.report.figures.drawers import draw

    return draw(_STATE["results"], task, png=_STATE["png"])


def draw_all(
    results: dict[str, Any], *, png: bool = False, workers: int | None = None
) -> list[DrawnFigure]:
    """Draw every figure, one process-pool task per figure, returned in report order.

    Each figure is drawn from the same results with the same theme whichever process
    draws it, so the output is byte-identical to a serial build (``workers=1``). Tasks
    are handed out largest first (by panels), so that no worker is left with a large
    figure at the end while the others idle.
    """
    tasks = plan(results)
    workers = min(len(tasks), workers or os.cpu_count() or 1)
    if workers <= 1 or not _forking():
        stop_server()
        from reanalysis.report.figures.drawers import draw

        return [draw(results, task, png=png) for task in tasks]
    if not _SERVER:
        _start()
    order = sorted(range(len(tasks)), key=lambda i: -panels_of(results, tasks[i]))
    connection, process = _SERVER.pop("connection"), _SERVER.pop("process")
    try:
        connection.send((results, png, [tasks[i] for i in order], workers))
        status, reply = connection.recv()
    except EOFError:
        raise RuntimeError(f"the figure server ended with status {process.exitcode}") from None
    finally:
        connection.close()
        process.join()
    if status == "failed":
        raise reply
    drawn = dict(zip(order, reply, strict=True))
    return [drawn[i] for i in range(len(tasks))]
