"""Benchmark of the tree's hot queries on a national-size tree; writes BENCHMARKS.md.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/anquan .venv/bin/python bench/tree_queries.py

Builds a throwaway database next to DATABASE_URL's (anquan_bench_<pid>, migrated, dropped at
the end whatever happens), fills it with 41,323 org units and 100,000 enterprises, then
times the subtree and ancestors queries at each depth and `Enterprise.objects.restrict()`
for users at several levels, with EXPLAIN ANALYZE to show which index each query uses.
"""

from __future__ import annotations

import os
import platform
import re
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.treegen import generate_enterprises, generate_tree  # noqa: E402
from core.models import User  # noqa: E402
from orgs import services  # noqa: E402
from orgs.constants import Kind, Level, Role  # noqa: E402
from orgs.models import Enterprise, Industry, OrgUnit  # noqa: E402

ENTERPRISES = 100_000
REPEAT = 30
OUTPUT = ROOT / "BENCHMARKS.md"
INDEX_IN_PLAN = re.compile(r"(?:Index Scan|Index Only Scan|Bitmap Index Scan) (?:using|on) (\S+)")


def timed(function, repeat=REPEAT):
    """(median ms, p95 ms, queries per call, the last call's SQL, its result)."""
    durations = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            result = function()
            durations.append((time.perf_counter() - start) * 1000)
    durations.sort()
    p95 = durations[min(len(durations) - 1, round(0.95 * len(durations)) - 1)]
    sql = captured.captured_queries[-1]["sql"] if captured.captured_queries else ""
    return statistics.median(durations), p95, len(captured.captured_queries), sql, result


def explain(sql: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {sql}")
        return [row[0] for row in cursor.fetchall()]


def member(username, unit, role):
    user = User.objects.create(username=username)
    services.add_membership(user=user, org_unit=unit, role=role, granted_by=None)
    return user


def fresh(user):
    """The same user without the scope cached on it: what a new request sees."""
    return User.objects.get(pk=user.pk)


def run() -> str:
    lines = []
    t0 = time.perf_counter()
    tree = generate_tree()
    tree_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    generate_enterprises(tree.levels[Level.TOWNSHIP], ENTERPRISES)
    enterprise_seconds = time.perf_counter() - t0
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    lines += [
        "## Data",
        "",
        f"- {tree.count:,} org units (31 provinces × 12 cities × 10 counties × 10 townships), "
        f"inserted set-wise in {tree_seconds:.1f} s (bench/treegen.py)",
        f"- {ENTERPRISES:,} enterprises spread over the townships, "
        f"inserted in {enterprise_seconds:.1f} s",
        f"- each figure: median and 95th percentile of {REPEAT} runs, in milliseconds, "
        "measured in Python around the ORM call (query + row construction)",
        "",
        "## Tree queries (`OrgUnit.objects.subtree` / `ancestors_of`)",
        "",
        "| node | subtree rows | subtree median / p95 | queries "
        "| ancestors median / p95 | queries |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    plans = {}
    for level in (Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP):
        node = tree.sample(level)
        s_med, s_p95, s_queries, s_sql, rows = timed(
            lambda n=node: list(OrgUnit.objects.subtree(n))
        )
        a_med, a_p95, a_queries, a_sql, _ = timed(
            lambda n=node: list(OrgUnit.objects.ancestors_of(n))
        )
        lines.append(
            f"| {Level(level).label} (depth {node.depth}) | {len(rows):,} "
            f"| {s_med:.2f} / {s_p95:.2f} | {s_queries} "
            f"| {a_med:.2f} / {a_p95:.2f} | {a_queries} |"
        )
        if level == Level.PROVINCE:
            plans["Subtree of a province (1,333 rows)"] = explain(s_sql)
        if level == Level.TOWNSHIP:
            plans["Ancestors of a township"] = explain(a_sql)
    lines += [
        "",
        "A province has no ancestors: Django answers `path IN ()` without a query.",
        "",
    ]

    county = tree.sample(Level.COUNTY)
    province = tree.sample(Level.PROVINCE)
    township = tree.sample(Level.TOWNSHIP)
    bureau = services.create_org_unit(
        parent=county,
        name="县应急管理局",
        kind=Kind.DEPARTMENT,
        industries=list(Industry.objects.filter(code__in=["hazardous_chemicals", "mining"])),
    )
    users = [
        ("province staff", member("bench_province", province, Role.STAFF)),
        ("county staff", member("bench_county", county, Role.STAFF)),
        ("township staff", member("bench_township", township, Role.STAFF)),
        ("county department (sectoral: 2 industries)", member("bench_bureau", bureau, Role.STAFF)),
    ]
    lines += [
        "## Scoped count (`Enterprise.objects.restrict(user, 'view').count()`)",
        "",
        "Cold: a fresh user object, so the scope is compiled (memberships, guardian grants) — "
        "a request's first call. Warm: the scope cached on the user — every later call.",
        "",
        "| user | enterprises | cold median / p95 | cold queries "
        "| warm median / p95 | warm queries |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, user in users:
        c_med, c_p95, c_queries, _, count = timed(
            lambda u=user: Enterprise.objects.restrict(fresh(u), "view").count()
        )
        # fresh() itself is one query; it is not part of what a request pays.
        c_queries -= 1
        warm_user = fresh(user)
        w_med, w_p95, w_queries, w_sql, _ = timed(
            lambda u=warm_user: Enterprise.objects.restrict(u, "view").count()
        )
        lines.append(
            f"| {label} | {count:,} | {c_med:.2f} / {c_p95:.2f} | {c_queries} "
            f"| {w_med:.2f} / {w_p95:.2f} | {w_queries} |"
        )
        if label.startswith("county staff"):
            plans["Scoped count, county user"] = explain(w_sql)
        if label.startswith("county department"):
            plans["Scoped count, sectoral department"] = explain(w_sql)
    lines += [
        "",
        "The cold time includes `User.objects.get` for the fresh user object (one query, not "
        "counted above), which a real request has already paid in its session middleware.",
        "",
        "## Query plans (EXPLAIN ANALYZE, after ANALYZE)",
        "",
    ]
    for title, plan in plans.items():
        used = sorted(set(INDEX_IN_PLAN.findall("\n".join(plan)))) or ["none (sequential scan)"]
        lines += [f"### {title}", "", f"Index used: {', '.join(used)}", "", "```", *plan, "```", ""]
    lines += [
        "## Reading the numbers",
        "",
        "- Every query above is one index lookup: a subtree is a range scan on a pattern-ops "
        "index of `path` (PostgreSQL turns `LIKE 'prefix%'` into `~>=~ / ~<~` bounds), "
        "ancestors hit the unique index on `path`, and a scoped count is a range scan on "
        "`orgs_enterprise_op` (the copied `org_path`), never a join through the tree.",
        "- The province subtree's time is mostly Python building 1,333 model instances; the "
        "database's share is the Execution Time of its plan.",
        "- A request pays the cold figure once (compiling the user's scope: memberships, their "
        "industries, user and group grants) and the warm figure for every further query.",
    ]
    return "\n".join(lines)


def machine_notes() -> list[str]:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{memory_kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        memory = "unknown RAM"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = f"PostgreSQL {cursor.fetchone()[0]}"
    return [
        f"- {cpu}, {os.cpu_count()} cores, {memory}; PostgreSQL on the same machine "
        "(default configuration, no tuning)",
        f"- {server}, Python {platform.python_version()}, Django {django.get_version()}",
        f"- run {datetime.now():%Y-%m-%d %H:%M} with `bench/tree_queries.py`",
    ]


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("bench/tree_queries.py measures PostgreSQL: set DATABASE_URL=postgres://…")
    # A database of its own: never the developer's data, nor pytest's test_anquan.
    connection.settings_dict["TEST"]["NAME"] = f"anquan_bench_{os.getpid()}"
    original_name = connection.settings_dict["NAME"]
    started = time.perf_counter()
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        body = run()
        notes = machine_notes()
    finally:
        connection.creation.destroy_test_db(original_name, verbosity=0)
    total = time.perf_counter() - started
    OUTPUT.write_text(
        "\n".join(
            [
                "# Benchmarks",
                "",
                "Generated by `bench/tree_queries.py` (whole run, including creating, migrating "
                f"and dropping its throwaway database: {total:.0f} s). Re-run it to refresh "
                "this file.",
                "",
                "## Machine",
                "",
                *notes,
                "",
                body,
            ]
        ).rstrip()
        + "\n",
        encoding="utf-8",
    )
    print(f"BENCHMARKS.md written ({total:.0f} s).")


if __name__ == "__main__":
    main()
