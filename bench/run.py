"""`make bench`: runs every benchmark of this folder, each writing its part of BENCHMARKS.md.

tree_queries.py rewrites the whole file, so it runs first; the others replace their section.
"""

import runpy
from pathlib import Path

for script in ("tree_queries.py", "campaigns_bench.py", "parser_bench.py"):
    runpy.run_path(str(Path(__file__).with_name(script)), run_name="__main__")
