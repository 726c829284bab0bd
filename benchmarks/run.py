"""`make bench`: the package's speed, measured as users meet it, against baselines of the same run.

Performance is measured and printed here, never asserted in tests. Every figure is printed
as a ratio to a baseline timed in the same run, the same way:

1. **Power grid**: :func:`reanalysis.stats.power.power_grid` over 10^6 designs against
   statsmodels' own vectorized ``TTestIndPower().power`` and a one-line
   ``scipy.stats.ncf.sf``, each in its own process pinned to the same CPU, timing only
   the call (median of ``--repeats`` runs); agreement checked cell by cell (the run ends
   with a non-zero status if they differ by more than 1e-9 where both are finite).
2. **Command start-up**: each subcommand as a user types it, in a subprocess, against
   ``python -c "import numpy, scipy.special"`` and ``python -c "import matplotlib,
   scipy.stats, pandas"`` (median of ``--repeats`` interleaved runs), beside the imports
   ``audit`` and ``report`` cannot avoid; ``python -X importtime`` shows where ``power``
   and ``effects`` spend their start-up.
3. **Report builds**: ``reanalysis report`` in a subprocess, start-up included, on the
   shipped data and on generated folders of 10 and 100 trials (:mod:`generate`), with
   the sizes of what it writes, its peak memory and its phases (median of
   ``--report-repeats`` runs); and rendering time per trial at 100 and 400 trials.
4. **Budgets** of issue 16 ("done when"), printed as PASS or FAIL with the measured ratios.

Bytecode: the package's modules are compiled first (``python -m compileall``), as pip does
when it installs a package and as Python does on a command's first run. Otherwise, where
``PYTHONDONTWRITEBYTECODE`` is set (as on some CI machines), every timed run would compile
this checkout's ~100 modules again while numpy and scipy load the bytecode pip wrote.

Runs of different commands are interleaved (A, B, C, A, B, C, …) so that a burst of load
on a shared machine falls on all of them. Every subprocess gets the same thread settings
(OMP/OPENBLAS/MKL/NUMEXPR threads = ``--threads``) and ``PYTHONPATH`` = this checkout.
Peak memory is ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` of a wrapper process whose only
child is the command: the peak resident set of the largest process of the command's tree
(the report's figure workers are separate processes; their memory is not summed).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

from generate import write_folder  # noqa: E402

MB = 1e6
# Issue 16, "done when".
REPORT_BUDGET = 2.5  # × the import of matplotlib, scipy.stats and pandas
COMMAND_BUDGET = 1.6  # × the import of numpy and scipy.special
SCALE_BUDGET = 12.0  # 100 trials × the shipped report's time
HTML_BUDGET_MB = 5.0
MEMORY_BUDGET_MB = 600.0
GENERATED = (10, 100)
# The grid must agree with statsmodels and scipy wherever they are finite (absolute).
AGREEMENT = 1e-9

# Runs the command given as JSON, pinned to the given CPUs, and reports its wall time, the
# peak RSS of its process tree and each line it printed with the time it arrived; the
# wrapper's own start-up is outside the timed span.
WRAPPER = r"""
import json, os, resource, subprocess, sys, tempfile, time
spec = json.loads(sys.argv[1])
if spec["cpus"] and hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, spec["cpus"])
with tempfile.TemporaryFile() as errors:
    start = time.perf_counter()
    child = subprocess.Popen(spec["command"], cwd=spec["cwd"], stdout=subprocess.PIPE,
                             stderr=errors, text=True)
    lines = [(time.perf_counter() - start, line.rstrip("\n")) for line in child.stdout]
    child.wait()
    seconds = time.perf_counter() - start
    errors.seek(0)
    stderr = errors.read().decode(errors="replace")[-4000:]
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": seconds, "rss": rss, "returncode": child.returncode,
                  "lines": lines[-200:], "stderr": stderr}))
"""


@dataclass(frozen=True)
class Run:
    """One timed subprocess: wall seconds, peak RSS in MB, and each printed line with the
    seconds after the start at which it arrived."""

    seconds: float
    rss_mb: float
    lines: tuple[tuple[float, str], ...]

    @property
    def stdout(self) -> str:
        return "\n".join(line for _, line in self.lines)

    def arrival(self, prefix: str) -> float:
        """When the first line starting with ``prefix`` arrived (the end if none did)."""
        return next((t for t, line in self.lines if line.startswith(prefix)), self.seconds)


def environment(threads: int) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    for library in ("OMP", "OPENBLAS", "MKL", "NUMEXPR"):
        env[f"{library}_NUM_THREADS"] = str(threads)
    return env


def compile_bytecode() -> None:
    """Compile the package's modules once, before any timing (see the module docstring)."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "reanalysis")],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def run(
    command: Sequence[str], env: dict[str, str], cwd: Path = ROOT, cpus: Sequence[int] = ()
) -> Run:
    """Time ``command`` in a subprocess (through :data:`WRAPPER`); fail loudly if it fails."""
    spec = json.dumps({"command": list(map(str, command)), "cwd": str(cwd), "cpus": list(cpus)})
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, spec], env=env, capture_output=True, text=True, check=True
    )
    result = json.loads(done.stdout)
    if result["returncode"] != 0:
        raise SystemExit(f"benchmark command failed: {' '.join(command)}\n{result['stderr']}")
    # ru_maxrss is in kilobytes on Linux, bytes on macOS.
    rss = result["rss"] * (1 if sys.platform == "darwin" else 1024) / MB
    return Run(result["seconds"], rss, tuple((t, line) for t, line in result["lines"]))


def interleaved(
    commands: dict[str, Sequence[str]], repeats: int, env: dict[str, str], cwd: Path = ROOT
) -> dict[str, list[Run]]:
    """``repeats`` rounds of every command in turn."""
    runs: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(repeats):
        for name, command in commands.items():
            runs[name].append(run(command, env, cwd))
    return runs


def median(runs: list[Run]) -> float:
    return statistics.median(r.seconds for r in runs)


def reanalysis_command() -> list[str]:
    """The installed console script, as users run it; ``python -m reanalysis`` without one."""
    script = Path(sys.executable).with_name("reanalysis")
    return [str(script)] if script.exists() else [sys.executable, "-m", "reanalysis"]


# --- 1. power grid --------------------------------------------------------------------


def bench_power(repeats: int, env: dict[str, str]) -> bool:
    """Print the grid's timings against its baselines; False if they disagree."""
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    one = cpus[:1]
    sides = {
        "grid": "reanalysis power_grid",
        "statsmodels": "statsmodels TTestIndPower().power",
        "ncf": "scipy.stats.ncf.sf one-liner",
    }
    seconds: dict[str, list[float]] = {side: [] for side in sides}
    all_cpus: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(repeats):
            for side in sides:
                out = [f"{tmp}/{side}.npy"] if i == 0 else []
                command = [sys.executable, BENCHMARKS / "bench_power.py", side, *out]
                seconds[side].append(json.loads(run(command, env, cpus=one).stdout)["seconds"])
            if len(cpus) > 1:
                command = [sys.executable, BENCHMARKS / "bench_power.py", "grid"]
                threaded = run(command, environment(len(cpus)), cpus=cpus)
                all_cpus.append(json.loads(threaded.stdout)["seconds"])
        powers = {side: np.load(f"{tmp}/{side}.npy") for side in sides}
    grid = statistics.median(seconds["grid"])
    print(
        f"\n== power grid: {powers['grid'].size:,} designs (ANCOVA planning grid), one "
        f"vectorized call each, median of {repeats} runs, each side in its own process on "
        f"1 CPU with {env['OMP_NUM_THREADS']} BLAS/OpenMP thread"
    )
    for side, label in sides.items():
        t = statistics.median(seconds[side])
        print(f"  {label:<36} {t:7.3f} s  {t / grid:6.2f}× the grid")
    if all_cpus:
        t = statistics.median(all_cpus)
        print(
            f"  {'reanalysis power_grid on ' + str(len(cpus)) + ' CPUs':<36} {t:7.3f} s  "
            f"{t / grid:6.2f}× the grid on 1 CPU"
        )
    agree = bool(np.all(np.isfinite(powers["grid"])))
    for side in ("statsmodels", "ncf"):
        finite = np.isfinite(powers[side])
        difference = float(np.max(np.abs(powers["grid"][finite] - powers[side][finite])))
        agree &= difference <= AGREEMENT
        print(
            f"  {'AGREE' if difference <= AGREEMENT else 'DISAGREE'} with {sides[side]}: max "
            f"|difference| {difference:.1e} on {int(finite.sum()):,} cells (limit {AGREEMENT:g}); "
            f"{int((~finite).sum()):,} cells NaN there, the grid finite in all: "
            f"{bool(np.all(np.isfinite(powers['grid'])))}"
        )
    return agree


# --- 2. command start-up --------------------------------------------------------------

BASE_IMPORT = "numpy, scipy.special"
REPORT_IMPORT = "matplotlib, scipy.stats, pandas"
# Not budgets: what each process of the report cannot do without, to show what is left:
# the main process (statistics, results, rendering) and the figure server (matplotlib),
# which loads on the other core meanwhile.
FLOORS = {
    "report's main process": "numpy, scipy.special, msgspec",
    "report's figure server": "matplotlib.pyplot",
}


def startup_commands() -> dict[str, list[str]]:
    cli = reanalysis_command()
    csvs = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "data").glob("*.csv"))
    return {
        f'python -c "import {BASE_IMPORT}"': [sys.executable, "-c", f"import {BASE_IMPORT}"],
        f'python -c "import {REPORT_IMPORT}"': [sys.executable, "-c", f"import {REPORT_IMPORT}"],
        **{
            f'python -c "import {modules}" (the {process})': [
                sys.executable,
                "-c",
                f"import {modules}",
            ]
            for process, modules in FLOORS.items()
        },
        "reanalysis validate data/*.csv": [*cli, "validate", *csvs],
        "reanalysis effects data/burnett2009.csv --outcome pa_spine_bmd --r 0.9": [
            *cli,
            "effects",
            "data/burnett2009.csv",
            "--outcome",
            "pa_spine_bmd",
            "--r",
            "0.9",
        ],
        "reanalysis power --d 0.5 --n1 64 --n2 64": [
            *cli,
            "power",
            *("--d", "0.5", "--n1", "64", "--n2", "64"),
        ],
        "reanalysis audit": [*cli, "audit"],
    }


def importtime(arguments: Sequence[str], env: dict[str, str], top: int = 6) -> None:
    """Where one command's start-up goes under ``python -X importtime``: self time summed by
    top-level package (numpy, scipy, reanalysis, …)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "reanalysis", *arguments],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    by_package: dict[str, int] = {}
    modules: list[tuple[int, str]] = []
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+\d+ \| +(\S+)", line)
        if match:
            package = match[2].split(".")[0]
            by_package[package] = by_package.get(package, 0) + int(match[1])
            modules.append((int(match[1]), match[2]))
    total = sum(by_package.values())
    ranked = sorted(by_package.items(), key=lambda item: -item[1])[:top]
    shares = ", ".join(f"{name} {us / 1000:.0f}" for name, us in ranked)
    largest = ", ".join(f"{name} {us / 1000:.0f}" for us, name in sorted(modules)[::-1][:top])
    print(f"  importtime `{arguments[0]}`: {total / 1000:.0f} ms of imports")
    print(f"    self time by package (ms): {shares}")
    print(f"    largest modules, self time (ms): {largest}")


def bench_startup(repeats: int, env: dict[str, str]) -> dict[str, float]:
    commands = startup_commands()
    runs = interleaved(commands, repeats, env)
    times = {name: median(r) for name, r in runs.items()}
    base = times[f'python -c "import {BASE_IMPORT}"']
    print(
        f"\n== command start-up: median of {repeats} interleaved runs, each a subprocess "
        f"as a user types it; ratio to `import {BASE_IMPORT}`"
    )
    width = max(map(len, times))
    for name, t in times.items():
        rss = max(r.rss_mb for r in runs[name])
        print(f"  {name:<{width}} {t:6.3f} s  {t / base:5.2f}×  {rss:4.0f} MB")
    print("  (under -X importtime every import is slower; the shares are what matter)")
    importtime(["power", "--d", "0.5", "--n1", "64", "--n2", "64"], env)
    importtime(["effects", "data/burnett2009.csv", "--outcome", "pa_spine_bmd", "--r", "0.9"], env)
    return times


# --- 3. report builds -----------------------------------------------------------------


# The report's progress lines, and the phase that ends at each.
PHASES = (
    ("[1/4]", "start-up"),
    ("[2/4]", "results"),
    ("[3/4]", "figures"),
    ("[4/4]", "render"),
)


@dataclass(frozen=True)
class Build:
    label: str
    seconds: float
    rss_mb: float
    html_mb: float
    json_mb: float
    figures: int
    images: int
    folded: int
    phases: dict[str, float]


def phases(runs: list[Run]) -> dict[str, float]:
    """Median seconds of each phase, from the arrival of the progress lines."""
    out = {}
    for i, (_, name) in enumerate(PHASES):
        starts = [run.arrival(PHASES[i - 1][0]) if i else 0.0 for run in runs]
        ends = [run.arrival(PHASES[i][0]) for run in runs]
        out[name] = statistics.median(e - s for s, e in zip(starts, ends, strict=True))
    out["write and exit"] = statistics.median(r.seconds - r.arrival(PHASES[-1][0]) for r in runs)
    return out


def bench_reports(repeats: int, env: dict[str, str], sizes: Sequence[int]) -> list[Build]:
    cli = reanalysis_command()
    builds = []
    with tempfile.TemporaryDirectory() as tmp:
        folders = {"shipped data/": ROOT / "data"}
        for n in sizes:
            folders[f"{n} generated trials"] = write_folder(n, Path(tmp) / f"trials{n}")
        runs: dict[str, list[Run]] = {label: [] for label in folders}
        for i in range(repeats):
            for j, (label, data) in enumerate(folders.items()):
                out = Path(tmp) / f"report{j}_{i}"
                runs[label].append(
                    run([*cli, "report", "--data", data, "--out", out], env, Path(tmp))
                )
        for j, label in enumerate(folders):
            out = Path(tmp) / f"report{j}_{repeats - 1}"
            html = (out / "report.html").read_text(encoding="utf-8")
            builds.append(
                Build(
                    label,
                    median(runs[label]),
                    max(r.rss_mb for r in runs[label]),
                    (out / "report.html").stat().st_size / MB,
                    (out / "results.json").stat().st_size / MB,
                    len(list((out / "figures").glob("*.svg"))),
                    html.count("<img "),
                    html.count("<details"),
                    phases(runs[label]),
                )
            )
        print_builds(builds, repeats)
        if sizes:
            bench_render(Path(tmp) / f"trials{max(sizes)}")
    return builds


def print_builds(builds: list[Build], repeats: int) -> None:
    shipped = builds[0].seconds
    print(
        f"\n== report builds: `reanalysis report` in a subprocess, start-up included, median of "
        f"{repeats} interleaved runs; ratio to the shipped data's build"
    )
    print(
        f"  {'folder':<20} {'time':>8} {'ratio':>7} {'HTML':>9} {'results.json':>13} "
        f"{'figures':>8} {'<img>':>6} {'folded':>7} {'peak RSS':>9}"
    )
    for b in builds:
        print(
            f"  {b.label:<20} {b.seconds:6.2f} s {b.seconds / shipped:6.2f}× {b.html_mb:6.2f} MB "
            f"{b.json_mb:10.2f} MB {b.figures:8d} {b.images:6d} {b.folded:7d} {b.rss_mb:6.0f} MB"
        )
    print("  phases (median seconds, from the arrival of the progress lines):")
    for b in builds:
        print(f"  {b.label:<20} " + ", ".join(f"{k} {v:.2f}" for k, v in b.phases.items()))


# The sections of results.json that grow with the number of trial files.
PER_TRIAL = ("effects", "power", "bayes", "sensitivity", "thresholds", "headlines", "consistency")


def bench_render(folder: Path, factors: Sequence[int] = (1, 4), repeats: int = 3) -> None:
    """Rendering time per trial at n and 4n trials: the n-trial results with every
    per-comparison record and trial file repeated under new names (no figures drawn)."""
    sys.path.insert(0, str(ROOT))
    from reanalysis.report import render
    from reanalysis.report.results import build_results

    results = build_results(folder, "reanalysis report")
    per_trial = []
    for factor in factors:
        scaled = dict(results)
        for key in PER_TRIAL:
            scaled[key] = [
                {**x, **{k: f"{x[k]}_{i}" for k in ("id", "trial", "name") if k in x}}
                for i in range(factor)
                for x in results[key]
            ]
        trials = results["trials"].items()
        scaled["trials"] = {f"{n}_{i}": t for i in range(factor) for n, t in trials}
        seconds = []
        for _ in range(repeats):
            start = time.perf_counter()
            render.html(scaled, [])
            render.markdown(scaled, [])
            seconds.append(time.perf_counter() - start)
        per_trial.append((len(scaled["trials"]), statistics.median(seconds)))
    (n, first), (m, last) = per_trial[0], per_trial[-1]
    print(
        f"  rendering (report.md and report.html, median of {repeats}): {first:.2f} s at {n} "
        f"trials, {last:.2f} s at {m} (records repeated); per trial {last / m / (first / n):.2f}× "
        "(1.00× is linear)"
    )


# --- 4. budgets -----------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def print_budgets(times: dict[str, float], builds: list[Build]) -> None:
    base = times[f'python -c "import {BASE_IMPORT}"']
    heavy = times[f'python -c "import {REPORT_IMPORT}"']
    floor = {
        process: times[f'python -c "import {modules}" (the {process})']
        for process, modules in FLOORS.items()
    }
    print('\n== budgets of issue 16 ("done when"), from the ratios measured above')
    if builds:
        shipped = builds[0]
        ratio = shipped.seconds / heavy
        server = floor["report's figure server"] / heavy
        print(
            f"  {verdict(ratio <= REPORT_BUDGET)}  report on the shipped data: "
            f"{shipped.seconds:.2f} s = {ratio:.2f}× `import {REPORT_IMPORT}` ({heavy:.2f} s); "
            f"budget {REPORT_BUDGET}× (the imports of its figure server alone: "
            f"{server:.2f}×)"
        )
    for name, t in times.items():
        if name.startswith("reanalysis"):
            ratio = t / base
            print(
                f"  {verdict(ratio <= COMMAND_BUDGET)}  {name}: {t:.3f} s = {ratio:.2f}× "
                f"`import {BASE_IMPORT}` ({base:.3f} s); budget {COMMAND_BUDGET}×"
            )
    for b in builds[1:]:
        if not b.label.startswith("100 "):
            continue
        ratio = b.seconds / builds[0].seconds
        print(
            f"  {verdict(ratio <= SCALE_BUDGET)}  {b.label}: {b.seconds:.2f} s = {ratio:.2f}× the "
            f"shipped report; budget {SCALE_BUDGET:g}×"
        )
        print(
            f"  {verdict(b.html_mb < HTML_BUDGET_MB)}  {b.label}: HTML {b.html_mb:.2f} MB; "
            f"budget < {HTML_BUDGET_MB:g} MB"
        )
        print(
            f"  {verdict(b.rss_mb < MEMORY_BUDGET_MB)}  {b.label}: peak RSS {b.rss_mb:.0f} MB; "
            f"budget < {MEMORY_BUDGET_MB:g} MB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="runs per timing (default 5)")
    parser.add_argument(
        "--report-repeats", type=int, default=3, help="runs per report build (default 3)"
    )
    parser.add_argument("--threads", type=int, default=1, help="BLAS/OpenMP threads (default 1)")
    parser.add_argument(
        "--skip", choices=("grid", "startup", "reports"), action="append", default=[]
    )
    args = parser.parse_args()
    env = environment(args.threads)
    compile_bytecode()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"reanalysis benchmark: Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
        f"load average {load:.1f} at the start"
    )
    agree = "grid" in args.skip or bench_power(args.repeats, env)
    times = {} if "startup" in args.skip else bench_startup(args.repeats, env)
    builds = [] if "reports" in args.skip else bench_reports(args.report_repeats, env, GENERATED)
    if times:
        print_budgets(times, builds)
    if hasattr(os, "getloadavg"):
        print(f"load average {os.getloadavg()[0]:.1f} at the end")
    if not agree:
        raise SystemExit("the power grid disagrees with statsmodels or scipy (see above)")


if __name__ == "__main__":
    main()
