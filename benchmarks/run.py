"""`make bench`: every benchmark, printed. Performance is measured here, never asserted in tests."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_power import main as bench_power  # noqa: E402

from reanalysis.report.writer import write_report  # noqa: E402


def bench_report(repeats: int = 3) -> None:
    """Wall time of a full report build from data/ (the work `make report` does once set up)."""
    times = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            write_report(ROOT / "data", Path(tmp) / "reports")
            times.append(time.perf_counter() - start)
    print(
        f"report build: median {statistics.median(times):.2f} s over {repeats} runs "
        f"(min {min(times):.2f} s, max {max(times):.2f} s)"
    )


if __name__ == "__main__":
    bench_power()
    bench_report()
