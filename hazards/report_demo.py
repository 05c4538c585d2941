"""Citizens' reports for `manage.py seed_demo`: a few dozen 随手拍 across the demo townships,
some anonymous, in every stage — received, assigned, under investigation, 查实 (each with its
ledger hazard), 不实 with a reason — and rewards decided or paid for some verified ones.

Rows are written directly (a script filing dozens of reports is exactly what the public
form's rate limit stops), then moved through hazards.report_services by the demo officials,
so the verified ones enter the ledger as any would. The county's leader is granted
`hazards.view_reporter_identity` so the audited reveal can be shown. Generated from
random.Random(2025): every run builds the same reports, and a second seed_demo finds them
and adds nothing.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.utils import timezone

from hazards import report_services as services
from hazards.models import Hazard, PublicReport, ReporterIdentity
from orgs.constants import Level

REPORTS = 36
# What citizens write: (where, what).
SIGHTINGS = [
    ("加油站东侧空地", "有人用塑料桶在加油站外私自倒卖散装汽油，旁边就是居民楼。"),
    ("工业园区3号厂房", "厂房里堆满了泡沫板，安全出口被铁链锁住，工人说一直这样。"),
    ("村口小作坊", "小作坊晚上偷偷生产烟花，院子里堆着很多火药原料，没有任何防护。"),
    ("建筑工地北门", "塔吊旁边的脚手架没有连墙件，刮风的时候晃得厉害。"),
    ("老街餐馆后厨", "餐馆后厨液化气瓶放在灶台旁边，软管老化开裂，经常闻到气味。"),
    ("养老院二楼", "养老院二楼走廊堆放杂物，消防通道被堵，烟感报警器不响。"),
    ("化工厂围墙外", "化工厂晚上往河沟里排东西，气味刺鼻，怀疑储罐泄漏。"),
    ("石料厂采场", "采石场边坡有裂缝，下面还在作业，没有人监测。"),
    ("电动车充电点", "居民楼楼道里私拉电线给电动车充电，已经冒过烟。"),
    ("粉末涂装车间", "车间里粉尘很大，除尘设备坏了好几天还在生产。"),
]
NAMES = ["王先生", "李女士", "张师傅", "刘先生", "陈女士", "杨先生"]
UNFOUNDED = [
    "经现场核查，该加油站已取得危险化学品经营许可，未发现私自倒卖行为。",
    "经核查，举报所述场所已于上月停业，现场无生产经营活动。",
]
CONCLUSIONS = ["经现场核查，举报情况属实，已责令立即整改。", "执法人员现场检查，情况属实。"]


def on_demo_seeded(sender, world, stdout=None, **kwargs):
    """Receiver of orgs.demo.demo_seeded (connected in HazardsConfig.ready)."""
    reports = seed(world)
    if stdout is not None and reports:
        verified = sum(r.status == PublicReport.Status.VERIFIED for r in reports)
        stdout.write(f"群众举报演示数据：{len(reports)}条举报（其中查实{verified}条）。")


def seed(world) -> list[PublicReport]:
    townships = [t for t in world.townships if t.level == Level.TOWNSHIP]
    if PublicReport.objects.filter(org_unit__in=townships).exists():
        return []
    rng = random.Random(2025)
    users = world.users
    leader = users["county_official"]
    leader.user_permissions.add(
        Permission.objects.get(content_type__app_label="hazards", codename="view_reporter_identity")
    )
    # Half of them where the demo's township accounts work, so that every account has some.
    home = [t for t in townships if t.parent_id == world.units["湾里管理局"].pk]
    now = timezone.now()
    reports = []
    for index in range(REPORTS):
        township = rng.choice(home if rng.random() < 0.5 else townships)
        place, text = rng.choice(SIGHTINGS)
        report = PublicReport.objects.create(
            org_unit=township,
            description=text,
            location_text=f"{township.name}{place}",
            ip_hash=services.ip_hash(f"demo-{index}"),
            deadline=(now - timedelta(days=40 - index)).date()
            + timedelta(days=services.REPORT_DEADLINE_DAYS),
        )
        # Filed over the last forty days: the creation time is not the services' to set.
        PublicReport.objects.filter(pk=report.pk).update(
            created_at=now - timedelta(days=40 - index, hours=rng.randint(0, 12))
        )
        if rng.random() < 0.6:
            ReporterIdentity.objects.create(
                report=report,
                name=rng.choice(NAMES),
                contact="139" + "".join(rng.choice("0123456789") for _ in range(8)),
            )
        reports.append(_handle(report, world, rng, index))
    return reports


def _handler(report, world):
    """The official who handles a report of this township: its staff, else the province's
    admin (江西), else nobody yet (安徽's demo has no township accounts)."""
    users = world.users
    for username in ("township_staff", "township_staff_b"):
        user = users[username]
        if PublicReport.objects.restrict(user, "handle").filter(pk=report.pk).exists():
            return user
    admin = users["province_admin"]
    if PublicReport.objects.restrict(admin, "handle").filter(pk=report.pk).exists():
        return admin
    return None


def _handle(report, world, rng, index) -> PublicReport:
    handler = _handler(report, world)
    stage = rng.random()
    # The newest stay as the citizens left them: received, waiting for triage.
    if handler is None or index >= REPORTS - 6 or stage < 0.15:
        return report
    report = services.assign(
        report,
        user=handler,
        unit=report.org_unit,
        deadline=timezone.localdate() + timedelta(days=rng.choice([1, 5, 10, 20])),
    )
    if stage < 0.3:
        return report
    report = services.start_investigation(report, user=handler, note="已安排人员现场核查")
    if stage < 0.45:
        return report
    if stage < 0.6:
        return services.mark_unfounded(report, user=handler, reason=rng.choice(UNFOUNDED))
    enterprises = [e for e in world.enterprises if e.org_unit_id == report.org_unit_id]
    if not enterprises:
        return report
    report = services.verify(
        report,
        {
            "enterprise": rng.choice(enterprises),
            "grade": Hazard.Grade.GENERAL,
            "description": report.description,
            "conclusion": rng.choice(CONCLUSIONS),
        },
        user=handler,
    )
    rewarder = world.users["province_admin"]
    if stage > 0.75 and services.available_steps(report, rewarder)["reward"] is None:
        decided = timezone.localdate() - timedelta(days=rng.randint(3, 10))
        report = services.decide_reward(
            report,
            user=rewarder,
            amount=Decimal(rng.choice([200, 500, 1000, 3000])),
            decision="依据《安全生产领域举报奖励办法》给予奖励",
            decided_on=decided,
            paid_on=decided + timedelta(days=2) if stage > 0.85 else None,
        )
    return report
