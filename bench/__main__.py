"""`python -m bench [--quick] [--only NAME]`: run the benchmarks, print one JSON document.

Each benchmark module (``bench/bench_*.py``) exposes ``run(quick: bool) -> dict`` and measures its
own baseline in the same run, so results carry ratios that survive a slower or faster machine.
The document also records the machine it ran on; copy the numbers into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCHMARKS = ("bench_nlp", "bench_guard", "bench_app", "bench_medspacy")


def machine() -> dict[str, object]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (smoke run)")
    parser.add_argument("--only", choices=BENCHMARKS, action="append")
    args = parser.parse_args()
    results: dict[str, object] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
    }
    for name in args.only or BENCHMARKS:
        started = time.perf_counter()
        module = importlib.import_module(f"bench.{name}")
        result = module.run(quick=args.quick)
        result["wall_s"] = round(time.perf_counter() - started, 2)
        results[name] = result
        print(f"{name}: done in {result['wall_s']} s", file=sys.stderr)
    json.dump(results, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
