"""The reports demo behind `manage.py seed_demo`: two 赛马 schemes (湾里管理局 ranking its
townships, 上饶市 its counties) and, once every app has seeded its rows, the rollups.

Schemes are found by (name, unit), so a second seed_demo adds none; the rollups are simply
rebuilt (a build is idempotent). Connected first among the reports receivers, after every
other app's (reports is the last installed app), so the figures include the whole demo.
"""

from __future__ import annotations

from orgs.constants import Level
from reports import rollups
from reports.models import RankingScheme

SCHEMES = [
    (
        "湾里管理局乡镇安全生产赛马",
        "湾里管理局",
        Level.TOWNSHIP,
        [
            {"metric": "hazards_closed", "weight": 3, "direction": "higher"},
            {"metric": "hazards_overdue", "weight": 2, "direction": "lower"},
            {"metric": "training_attendance", "weight": 1, "direction": "higher"},
            {"metric": "accidents", "weight": 2, "direction": "lower"},
        ],
        2,
    ),
    (
        "上饶市县（市、区）安全生产赛马",
        "上饶市",
        Level.COUNTY,
        [
            {"metric": "hazards_found", "weight": 2, "direction": "higher"},
            {"metric": "hazards_closed", "weight": 2, "direction": "higher"},
            {"metric": "hazards_overdue", "weight": 2, "direction": "lower"},
            {"metric": "accident_deaths", "weight": 3, "direction": "lower"},
            {"metric": "drills", "weight": 1, "direction": "higher"},
        ],
        1,
    ),
]


def on_demo_seeded(sender, world, stdout=None, **kwargs):
    """Receiver of orgs.demo.demo_seeded (connected in ReportsConfig.ready)."""
    created = seed_schemes(world)
    generation = rollups.build()
    if stdout is not None:
        stdout.write(
            f"统计报告演示数据：新增{created}个赛马方案，汇总数据{generation.row_count}行。"
        )


def seed_schemes(world) -> int:
    created = 0
    for name, unit_name, level, weights, advanced in SCHEMES:
        unit = world.units.get(unit_name)
        if unit is None:
            continue
        _scheme, new = RankingScheme.objects.get_or_create(
            name=name,
            org_unit=unit,
            defaults={"ranked_level": level, "weights": weights, "advanced_count": advanced},
        )
        created += new
    return created
