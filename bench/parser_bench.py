"""How fast the plan-text parser reads a 1 MB plan (the API's size limit); no database.

Run: `.venv/bin/python bench/parser_bench.py`. Writes its section of BENCHMARKS.md.
"""

import os
import platform
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.sections import replace_section  # noqa: E402
from campaigns.parsing import parse_plan  # noqa: E402

SEEDS = ROOT / "tests" / "fixtures" / "seeds"
RUNS = 7
TARGET_SECONDS = 1.0


def megabyte_of_plans() -> str:
    text = "".join(
        (SEEDS / name).read_text(encoding="utf-8")
        for name in ("002_a889cb10ecd46732.txt", "003_1595881797a2f269.txt")
    )
    return text * (1_000_000 // len(text.encode()) + 1)


def main() -> None:
    text = megabyte_of_plans()
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        plan = parse_plan(text)
        timings.append(time.perf_counter() - started)
    median = statistics.median(timings)
    body = "\n".join(
        [
            "## Plan-text parser (`campaigns.parsing.parse_plan`)",
            "",
            f"- {os.cpu_count()} cores; Python {platform.python_version()}; "
            f"run {datetime.now():%Y-%m-%d %H:%M} with `bench/parser_bench.py`",
            f"- input: seeds 002 + 003 repeated to {len(text.encode()) / 1e6:.2f} MB "
            f"({len(plan.all_tasks)} tasks parsed)",
            "",
            "| runs | median | fastest | slowest | target |",
            "|---:|---:|---:|---:|---:|",
            f"| {RUNS} | {median:.2f} s | {min(timings):.2f} s | {max(timings):.2f} s "
            f"| ≤ {TARGET_SECONDS:.0f} s |",
        ]
    )
    replace_section("parser-bench", body)
    print(body)
    if median > TARGET_SECONDS:
        sys.exit(f"median {median:.2f} s is over the {TARGET_SECONDS:.0f} s target")


if __name__ == "__main__":
    main()
