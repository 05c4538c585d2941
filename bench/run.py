"""`make bench`: runs every benchmark of this folder; today, the tree queries (BENCHMARKS.md)."""

import runpy
from pathlib import Path

runpy.run_path(str(Path(__file__).with_name("tree_queries.py")), run_name="__main__")
