"""The demo ledger behind `manage.py seed_demo`: a few hundred hazards across the demo
enterprises, in every status, channel and grade — stock and increment, some 挂牌督办, some
overdue with the escalations the daily job proposes — with their timelines and notices.

Generated from random.Random(2024), so every run (and machine) builds the same ledger, and
written once: a second seed_demo finds the demo enterprises' hazards and adds nothing. Rows
are written in bulk with the dates of their earlier steps (reported, confirmed, closed…),
which the services would stamp with today's; the history gets one row per hazard.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from core.models import Notification
from hazards import services
from hazards.constants import STOCK_CUTOFF, TransitionAction
from hazards.models import Escalation, Hazard, HazardCriterion, HazardNotice, HazardTransition
from hazards.tasks import mark_overdue_and_escalate
from orgs.constants import Level
from orgs.models import Industry, OrgUnit

Status = Hazard.Status
HAZARDS = 320
FIRST_DAY = date(2023, 3, 1)

# What inspectors write, by industry: (place, description).
FINDINGS = {
    "hazardous_chemicals": [
        ("甲类储罐区", "可燃气体检测报警仪失效，未与紧急切断阀联锁"),
        ("液氯钢瓶库", "未设置有毒气体检测报警装置，吸收装置未投用"),
        ("合成车间", "重点监管危险化工工艺装置未实现自动化控制"),
        ("控制室", "控制室面向装置一侧窗户未采取防爆措施"),
        ("装卸站台", "液化烃充装未使用万向管道充装系统"),
    ],
    "mining": [
        ("主井", "安全出口梯子间损坏，无法正常通行"),
        ("-120m中段", "井下排水系统水泵能力不足，未按设计配备"),
        ("采场边坡", "边坡出现裂缝，未采取监测和处理措施"),
    ],
    "fireworks": [
        ("药物混合工房", "工房实际滞留药量超过核定药量"),
        ("成品仓库", "防雷设施检测不合格，未及时整改"),
        ("装药工房", "作业人员数量超过核定人数"),
    ],
    "metallurgy": [
        ("炼钢车间", "会议室、休息室设置在熔融金属吊运影响区域内"),
        ("煤气柜区", "煤气区域固定式一氧化碳检测报警装置失效"),
    ],
    "aluminium_casting": [
        ("深井铸造区", "铸造机未设置紧急排放和应急储存设施"),
        ("熔炼炉", "熔炼炉冷却水系统未设置温度、流量监测报警"),
    ],
    "combustible_dust": [
        ("抛光车间", "干式除尘系统未采取泄爆、隔爆等爆炸防控措施"),
        ("打磨工位", "粉尘清扫制度未落实，作业现场积尘严重"),
    ],
    "construction": [
        ("3号楼", "高支模未按专项施工方案搭设，立杆间距超标"),
        ("基坑东侧", "深基坑周边堆载超过设计荷载"),
        ("塔吊", "塔式起重机安全装置失效，力矩限制器被拆除"),
        ("外脚手架", "悬挑脚手架连墙件缺失"),
    ],
    "transport": [
        ("停车场", "危险货物运输车辆动态监控装置未正常使用"),
        ("车队", "驾驶人员连续驾驶超过4小时未休息"),
    ],
    "urban_gas": [
        ("储配站", "液化石油气储罐未设置液位超限报警"),
        ("餐饮用户", "燃气管道未安装燃气泄漏报警和自动切断装置"),
    ],
    "fire_safety": [
        ("安全出口", "安全出口锁闭，疏散通道堆放杂物"),
        ("自动喷水灭火系统", "喷淋系统末端试水压力不足，系统不能正常运行"),
        ("消防控制室", "火灾自动报警系统故障，值班人员未持证"),
    ],
    "culture_tourism": [
        ("游客中心", "疏散指示标志不足，应急照明损坏"),
        ("索道", "索道设备定期检验超期"),
    ],
    "elderly_care": [
        ("老人居室", "违规使用电动自行车充电，电气线路私拉乱接"),
        ("厨房", "燃气灶具未安装熄火保护装置和泄漏报警"),
        ("楼梯间", "疏散楼梯间堆放杂物，常闭式防火门处于常开状态"),
    ],
    "government_affairs": [
        ("机关食堂", "燃气管道老化，未设置可燃气体报警装置"),
        ("配电室", "配电柜前未铺设绝缘垫，电缆沟积水"),
    ],
}
MEASURES = [
    "更换失效设备并接入监控系统，整改完成前停止相关作业",
    "按设计要求增设安全设施，委托有资质单位检测验收",
    "立即清理并建立日常巡查制度，明确专人负责",
    "编制专项整改方案，分阶段实施并组织专家验收",
]
CONTINGENCY = ["现场处置方案", "专项应急预案", "停产停业整改期间安全防范措施"]
RETURNS = ["隐患部位描述不清，请补充照片", "整改后照片不能反映整改效果，请重新上传"]
VERIFICATIONS = ["现场复核，已整改到位，同意销号", "经专家复查，隐患已消除", "资料齐全，同意销号"]


def on_demo_seeded(sender, world, stdout=None, **kwargs):
    """Receiver of orgs.demo.demo_seeded (connected in HazardsConfig.ready)."""
    hazards = seed(world)
    if stdout is not None and hazards:
        overdue = sum(h.is_overdue for h in hazards)
        stdout.write(f"隐患台账演示数据：{len(hazards)}条隐患（其中逾期{overdue}条）。")


def seed(world, today: date | None = None) -> list[Hazard]:
    """The demo ledger, or nothing when the demo enterprises have hazards already."""
    if Hazard.objects.filter(enterprise__in=world.enterprises).exists():
        return []
    today = today or timezone.localdate()
    rng = random.Random(2024)
    builder = _Builder(world, rng, today)
    hazards = [builder.hazard() for _ in range(HAZARDS)]
    _number(hazards)
    bulk_create_with_history(hazards, Hazard, batch_size=500)
    HazardTransition.objects.bulk_create(
        [step for hazard in hazards for step in builder.steps[id(hazard)]], batch_size=2000
    )
    _notices(hazards, rng)
    mark_overdue_and_escalate(today=today.isoformat())
    _decide_some_escalations(world)
    for hazard in hazards:
        hazard.refresh_from_db(fields=["is_overdue"])
    return hazards


class _Builder:
    def __init__(self, world, rng, today):
        self.world, self.rng, self.today = world, rng, today
        self.users = world.users
        criteria = defaultdict(list)
        for criterion in HazardCriterion.objects.select_related("industry"):
            criteria[criterion.industry.code].append(criterion)
        self.criteria = criteria
        self.fire = criteria["fire_safety"]
        self.steps: dict[int, list[HazardTransition]] = {}
        enterprises = world.enterprises
        self.units = OrgUnit.objects.in_bulk(
            {e.org_unit_id for e in enterprises}
            | {e.county_id for e in enterprises}
            | {e.city_id for e in enterprises}
        )
        self.industries = Industry.objects.in_bulk()
        self.bound_enterprise_id = self.users["enterprise_user"].memberships.values_list(
            "enterprise_id", flat=True
        )[0]

    def _day(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randint(0, max((end - start).days, 0)))

    def _at(self, day: date) -> datetime:
        return timezone.make_aware(datetime.combine(day, time(self.rng.randint(8, 17), 30)))

    def hazard(self) -> Hazard:
        rng = self.rng
        enterprise = rng.choice(self.world.enterprises)
        industry = self.industries[enterprise.industry_id]
        stock = rng.random() < 0.25
        recent = self.today - timedelta(days=60)
        if stock:
            found = self._day(FIRST_DAY, STOCK_CUTOFF)
        elif rng.random() < 0.35:
            # This season's inspections: what the ledger is busy with.
            found = self._day(recent, self.today - timedelta(days=1))
        else:
            found = self._day(STOCK_CUTOFF + timedelta(days=1), recent)
        major = rng.random() < 0.3
        source = rng.choices(list(Hazard.Source.values), weights=[35, 25, 20, 12, 8], k=1)[0]
        place, description = rng.choice(FINDINGS[industry.code])
        hazard = Hazard(
            enterprise=enterprise,
            org_unit=self.units[enterprise.org_unit_id],
            industry=industry,
            grade=Hazard.Grade.MAJOR if major else Hazard.Grade.GENERAL,
            source=source,
            criterion=rng.choice(self.criteria.get(industry.code) or self.fire) if major else None,
            description=description,
            place=place,
            found_date=found,
            finder_name=rng.choice(["李晓燕", "张丽华", "黄振华", "周文斌", "王海涛"]),
            reported_by=self._reporter(enterprise, source),
        )
        if source == Hazard.Source.OTHER_SYSTEM:
            hazard.external_source = "jx-zhifa" if enterprise.province_id else "ah-zhifa"
            hazard.external_id = f"ZF-{found:%Y%m%d}-{rng.randint(1000, 9999)}"
        hazard.status = self._status(stock, found)
        self._plan(hazard)
        self._workflow(hazard)
        hazard.copy_location()
        hazard.is_stock = stock
        hazard.is_overdue = services.is_overdue_on(hazard, self.today)
        return hazard

    def _reporter(self, enterprise, source):
        users = self.users
        if source == Hazard.Source.SELF_INSPECTION and enterprise.pk == self.bound_enterprise_id:
            return users["enterprise_user"]
        township = self.units[enterprise.org_unit_id].name
        if township == "招贤镇":
            return users["township_staff"]
        if township == "梅岭镇":
            return users["township_staff_b"]
        county = self.units[enterprise.county_id].name
        if self.industries[enterprise.industry_id].code == "elderly_care" and county == "谢家集区":
            return users["dept_staff"]
        if enterprise.city_id and self.units[enterprise.city_id].name == "上饶市":
            return users["supervisor"]
        return None

    def _status(self, stock: bool, found: date) -> str:
        """Older hazards are mostly closed out, as in a ledger that is being worked."""
        age = (self.today - found).days
        if stock:
            weights = {Status.CLOSED: 90, Status.RECTIFYING: 6, Status.CLOSE_OUT_REQUESTED: 4}
        elif age < 20:
            weights = {Status.REPORTED: 50, Status.CONFIRMED: 30, Status.RECTIFYING: 20}
        elif age < 180:
            weights = {
                Status.REPORTED: 5,
                Status.CONFIRMED: 10,
                Status.RECTIFYING: 40,
                Status.CLOSE_OUT_REQUESTED: 15,
                Status.CLOSED: 30,
            }
        else:
            weights = {Status.RECTIFYING: 8, Status.CLOSE_OUT_REQUESTED: 4, Status.CLOSED: 88}
        return self.rng.choices(list(weights), weights=list(weights.values()), k=1)[0]

    def _plan(self, hazard: Hazard) -> None:
        if hazard.status == Status.REPORTED:
            return
        rng = self.rng
        hazard.responsible_person = hazard.enterprise.principal_name
        hazard.responsible_phone = hazard.enterprise.principal_phone
        hazard.measures = rng.choice(MEASURES)
        hazard.funds = Decimal(rng.randint(5, 3000)) / 10
        hazard.deadline = hazard.found_date + timedelta(days=rng.choice([15, 30, 60, 90, 120]))
        hazard.contingency_plan = rng.choice(CONTINGENCY)
        if hazard.status == Status.CONFIRMED and rng.random() < 0.5:
            # The enterprise has not finished its plan yet.
            hazard.funds = None
            hazard.contingency_plan = ""

    def _workflow(self, hazard: Hazard) -> None:
        """The hazard's timeline up to its status, with plausible dates."""
        rng, found = self.rng, hazard.found_date
        end = min(self.today, (hazard.deadline or found) + timedelta(days=40))
        reporter = hazard.reported_by
        steps = [(TransitionAction.REPORT, "", Status.REPORTED, found, reporter, "")]
        order = [Status.CONFIRMED, Status.RECTIFYING, Status.CLOSE_OUT_REQUESTED, Status.CLOSED]
        reached = order[: order.index(hazard.status) + 1] if hazard.status in order else []
        day = found
        official = self._official(hazard)
        for status in reached:
            day = self._day(day + timedelta(days=1), max(day + timedelta(days=1), end))
            day = min(day, self.today)
            if status == Status.CONFIRMED:
                steps.append((TransitionAction.CONFIRM, Status.REPORTED, status, day, official, ""))
            elif status == Status.RECTIFYING:
                steps.append(
                    (TransitionAction.PLAN, Status.CONFIRMED, Status.CONFIRMED, day, None, "")
                )
                steps.append(
                    (TransitionAction.START_RECTIFICATION, Status.CONFIRMED, status, day, None, "")
                )
            elif status == Status.CLOSE_OUT_REQUESTED:
                hazard.close_out_requested_at = self._at(day)
                steps.append(
                    (TransitionAction.REQUEST_CLOSE_OUT, Status.RECTIFYING, status, day, None, "")
                )
                if rng.random() < 0.15 and hazard.status == Status.CLOSED:
                    # Returned once for better evidence, then requested again.
                    reason = rng.choice(RETURNS)
                    steps.append(
                        (TransitionAction.RETURN, status, Status.RECTIFYING, day, official, reason)
                    )
                    steps.append(
                        (
                            TransitionAction.REQUEST_CLOSE_OUT,
                            Status.RECTIFYING,
                            status,
                            day,
                            None,
                            "",
                        )
                    )
            else:
                verifier = self._verifier(hazard)
                note = rng.choice(VERIFICATIONS)
                hazard.verified_by, hazard.verification_note = verifier, note
                hazard.closed_at = self._at(day)
                steps.append(
                    (
                        TransitionAction.CLOSE,
                        Status.CLOSE_OUT_REQUESTED,
                        status,
                        day,
                        verifier,
                        note,
                    )
                )
        if hazard.status == Status.REPORTED and rng.random() < 0.1:
            hazard.return_reason = rng.choice(RETURNS[:1])
            steps.append(
                (
                    TransitionAction.RETURN,
                    Status.REPORTED,
                    Status.REPORTED,
                    found,
                    official,
                    hazard.return_reason,
                )
            )
        if self._listed(hazard):
            steps.append(
                (
                    TransitionAction.LIST,
                    hazard.status,
                    hazard.status,
                    hazard.listed_date,
                    official,
                    "",
                )
            )
        self.steps[id(hazard)] = [
            HazardTransition(
                hazard=hazard,
                action=action,
                from_status=before,
                to_status=after,
                at=self._at(when),
                actor=actor,
                note=note,
            )
            for action, before, after, when, actor, note in steps
        ]

    def _official(self, hazard):
        township = hazard.org_unit.name
        if township == "招贤镇":
            return self.users["township_staff"]
        if township == "梅岭镇":
            return self.users["township_staff_b"]
        return None

    def _verifier(self, hazard):
        """Someone above the location, never the reporter: the county for 湾里管理局, the
        civil-affairs bureau for 谢家集区's care homes; others were verified offline."""
        county = self.units[hazard.enterprise.county_id].name
        if county == "湾里管理局":
            return self.users["county_official"]
        bureau = self.users["dept_staff"]
        care = county == "谢家集区" and hazard.industry.code == "elderly_care"
        return bureau if care and hazard.reported_by != bureau else None

    def _listed(self, hazard) -> bool:
        if hazard.grade != Hazard.Grade.MAJOR or self.rng.random() > 0.25:
            return False
        county = self.units[hazard.enterprise.county_id]
        hazard.listed_supervision = True
        hazard.listed_level = Level.COUNTY
        hazard.listed_unit = county
        hazard.listed_date = min(hazard.found_date + timedelta(days=10), self.today)
        return True


def _number(hazards: list[Hazard]) -> None:
    groups = defaultdict(list)
    for hazard in sorted(hazards, key=lambda h: (h.found_date, h.org_path)):
        groups[(services._county_code(hazard.org_unit), hazard.found_date.year)].append(hazard)
    for (_code, year), group in groups.items():
        numbers = services.allocate_ledger_numbers(group[0].org_unit, year, len(group))
        for hazard, number in zip(group, numbers, strict=True):
            hazard.ledger_number = number


def _notices(hazards: list[Hazard], rng: random.Random) -> None:
    """The principals of the major hazards' enterprises were told, by one channel or another."""
    channels = [
        Notification.Channel.SMS,
        Notification.Channel.PHONE,
        Notification.Channel.IN_PERSON,
        Notification.Channel.LETTER,
    ]
    pairs = []
    for hazard in hazards:
        if hazard.grade != Hazard.Grade.MAJOR:
            continue
        title, body = services.notice_text(hazard)
        channel = rng.choice(channels)
        for name, phone in services.notice_people(hazard.enterprise):
            notice = Notification(
                recipient_name=name,
                recipient_phone=phone,
                channel=channel,
                title=title,
                body=body,
                sender=hazard.reported_by,
            )
            pairs.append((hazard, notice))
    created = Notification.objects.bulk_create([notice for _h, notice in pairs], batch_size=1000)
    HazardNotice.objects.bulk_create(
        [
            HazardNotice(hazard=hazard, notification=notice)
            for (hazard, _n), notice in zip(pairs, created, strict=True)
        ],
        batch_size=1000,
    )


def _decide_some_escalations(world) -> None:
    """湾里管理局 has issued its first 函告 and dismissed one, as a county leader would."""
    leader = world.users["county_official"]
    proposed = Escalation.objects.filter(
        status=Escalation.Status.PROPOSED, county=world.units["湾里管理局"]
    ).order_by("pk")[:3]
    for index, escalation in enumerate(proposed):
        if index < 2:
            services.issue_escalation(
                escalation, user=leader, note="请于接函后10日内整改到位并书面报告"
            )
        else:
            services.dismiss_escalation(escalation, user=leader, note="企业已停产整改，暂不函告")
