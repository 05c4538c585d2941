"""`make bench`: runs every benchmark of this folder, each writing its part of BENCHMARKS.md.

Each runs in a process of its own (their settings differ: the ledger's are production's).
The tree benchmark rewrites the file, so it runs first; the others replace their own section.
"""

import subprocess
import sys
from pathlib import Path

for script in (
    "tree_queries.py",
    "parser_bench.py",
    "campaigns_bench.py",
    "hazards_bench.py",
    "reports_bench.py",
    "bulletins_bench.py",
):
    subprocess.run([sys.executable, str(Path(__file__).with_name(script))], check=True)
