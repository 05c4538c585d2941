"""Supervision demo behind `manage.py seed_demo`: seed 004's 挂点联系督导 at demo scale.

上饶市 forms four groups of three officials each from its 安委办 (the real city: 13 groups of
39), one per demo county and one lead department each, for three years; the demo account
`supervisor` leads the first. Each group has visited its county's enterprises by 四不两直 and
明察暗访 over the last months with the checklists below, and the failed items are in the
ledger. Each township of a group's county is to be visited once a quarter, and (seed 003)
谢家集区民政局 supervises each township's 民政所 once a quarter.

Written through inspections.services, and idempotent: groups are found by name, and each
inspection has a fixed submission key, so a second seed_demo records nothing again.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from hazards.models import HazardCriterion
from inspections import services
from inspections.models import (
    ChecklistResult,
    ChecklistTemplate,
    ChecklistTemplateItem,
    Frequency,
    Inspection,
    SupervisionAssignment,
    SupervisionGroup,
    SupervisionGroupMember,
    SupervisionSchedule,
)
from orgs import services as org_services
from orgs.constants import Kind, Role
from orgs.models import Industry, Membership, OrgUnit

KEY_NAMESPACE = uuid.UUID("6f1c1c52-5a43-4e0e-9a55-2f4e0b1e6d04")
TERM = (date(2025, 1, 1), date(2027, 12, 31))
# (group, county code, lead department, its industry)
GROUPS = [
    ("第一挂点联系督导组", "361129", "上饶市住房和城乡建设局", "construction"),
    ("第二挂点联系督导组", "361124", "上饶市交通运输局", "transport"),
    ("第三挂点联系督导组", "361126", "上饶市文化广电新闻出版旅游局", "culture_tourism"),
    ("第四挂点联系督导组", "361123", "上饶市城市管理局", "urban_gas"),
]
# Eleven officials of the 安委办 besides the demo `supervisor`: (username, name, position).
OFFICIALS = [
    ("dudao_liu", "刘国平", "安委办专职副主任"),
    ("dudao_xu", "徐文军", "危化监管科科长"),
    ("dudao_zhu", "朱海燕", "执法支队副支队长"),
    ("dudao_hu", "胡建明", "安委办副主任"),
    ("dudao_ye", "叶春生", "工贸监管科科长"),
    ("dudao_fang", "方丽萍", "应急指挥科副科长"),
    ("dudao_wu", "吴志刚", "安委办副主任"),
    ("dudao_yu", "余晓东", "综合协调科科长"),
    ("dudao_cheng", "程桂兰", "法规科科长"),
    ("dudao_zheng", "郑卫东", "安委办副主任"),
    ("dudao_qiu", "邱建华", "调查评估科科长"),
]
GENERAL_ITEMS = [
    ("安全生产责任制建立并落实到岗位", "《安全生产法》第二十二条"),
    ("主要负责人和安全管理人员依法经考核合格", "《安全生产法》第二十七条"),
    ("从业人员经安全生产教育和培训合格", "《安全生产法》第二十八条"),
    ("生产经营场所和设备设施设置明显的安全警示标志", "《安全生产法》第三十五条"),
    ("建立事故隐患排查治理制度并如实记录", "《安全生产法》第四十一条"),
    ("制定生产安全事故应急救援预案并定期演练", "《安全生产法》第八十一条"),
]
# What the inspectors wrote when an item failed, by item number.
FAILURE_NOTES = {
    1: "安全生产责任制未覆盖车间班组岗位",
    2: "新任安全管理人员未经考核即上岗",
    3: "三名新入职员工未经岗前安全培训",
    4: "配电室、危险作业场所未设置安全警示标志",
    5: "隐患排查记录不全，近两个月无排查台账",
    6: "应急预案未按规定演练，演练记录缺失",
}


def on_demo_seeded(sender, world, stdout=None, **kwargs):
    """Receiver of orgs.demo.demo_seeded (connected in InspectionsConfig.ready)."""
    inspections = seed(world)
    if stdout is not None and inspections:
        found = ChecklistResult.objects.filter(
            inspection__in=inspections, hazard__isnull=False
        ).count()
        stdout.write(
            f"督导检查演示数据：{len(GROUPS)}个督导组，{len(inspections)}次检查，"
            f"发现隐患{found}项。"
        )


def seed(world, today: date | None = None) -> list[Inspection]:
    today = today or timezone.localdate()
    templates = ensure_templates()
    admin = world.users["province_admin"]
    city = OrgUnit.objects.get(kind=Kind.REGION, division_code="361100")
    office = _department(city, "上饶市安全生产委员会办公室", [])
    officials = [world.users["supervisor"], *_officials(office)]
    groups = []
    for index, (name, county_code, department, industry_code) in enumerate(GROUPS):
        county = OrgUnit.objects.get(kind=Kind.REGION, division_code=county_code)
        lead = _department(city, department, [Industry.objects.get(code=industry_code)])
        members = officials[index * 3 : index * 3 + 3]
        groups.append(_group(name, office, county, lead, members, admin))
        _schedules(groups[-1], county, office, admin)
    _civil_affairs_schedules(world)
    return _inspections(world, groups, templates, today)


def ensure_templates() -> list[ChecklistTemplate]:
    general, created = ChecklistTemplate.objects.get_or_create(
        name="生产经营单位安全生产通用检查表",
        defaults={"description": "各行业通用的安全生产主体责任检查项。"},
    )
    if created:
        for number, (content, regulation) in enumerate(GENERAL_ITEMS, start=1):
            ChecklistTemplateItem.objects.create(
                template=general, number=number, content=content, regulation=regulation
            )
    chemicals, created = ChecklistTemplate.objects.get_or_create(
        name="危险化学品企业重大隐患专项检查表",
        defaults={"industry": Industry.objects.get(code="hazardous_chemicals")},
    )
    if created:
        criteria = HazardCriterion.objects.filter(
            standard__startswith="化工和危险化学品", is_active=True
        ).order_by("id")[:6]
        for number, criterion in enumerate(criteria, start=1):
            ChecklistTemplateItem.objects.create(
                template=chemicals,
                number=number,
                content=criterion.title or criterion.text[:100] or criterion.label,
                criterion=criterion,
                proposed_grade="major",
            )
    return [general, chemicals]


def _department(parent, name, industries) -> OrgUnit:
    existing = OrgUnit.objects.filter(parent=parent, kind=Kind.DEPARTMENT, name=name).first()
    if existing is not None:
        return existing
    return org_services.create_org_unit(
        parent=parent, kind=Kind.DEPARTMENT, name=name, level=parent.level, industries=industries
    )


def _officials(office) -> list:
    User = get_user_model()
    password = None
    users = []
    for username, full_name, _position in OFFICIALS:
        user = User.objects.filter(username=username).first()
        if user is None:
            password = password or make_password(settings.DEMO_PASSWORD)
            user = User.objects.create(username=username, full_name=full_name, password=password)
        if not Membership.objects.filter(user=user, org_unit=office).exists():
            org_services.add_membership(
                user=user, org_unit=office, role=Role.STAFF, granted_by=None
            )
        users.append(user)
    return users


def _group(name, office, county, lead, members, admin) -> SupervisionGroup:
    existing = SupervisionGroup.objects.filter(org_unit=office, name=name).first()
    if existing is not None:
        return existing
    positions = {username: position for username, _name, position in OFFICIALS}
    roles = [
        SupervisionGroupMember.Role.LEADER,
        SupervisionGroupMember.Role.LIAISON,
        SupervisionGroupMember.Role.MEMBER,
    ]
    return services.create_group(
        {
            "org_unit": office,
            "name": name,
            "responsibilities": (
                f"挂点督导{county.name}和{lead.name}三年行动，实行任务、责任、效果包干；"
                "督导效果与被督导地区、单位工作成效挂钩，纳入年度考核。"
            ),
            "term_start": TERM[0],
            "term_end": TERM[1],
            "members": [
                (user, role, positions.get(user.username, "安委办副主任"))
                for user, role in zip(members, roles, strict=True)
            ],
            "assignments": [
                (county, SupervisionAssignment.Kind.REGION),
                (lead, SupervisionAssignment.Kind.LEAD_DEPARTMENT),
            ],
        },
        user=admin,
    )


def _schedules(group, county, office, admin) -> None:
    if SupervisionSchedule.objects.filter(group=group).exists():
        return
    for township in OrgUnit.objects.filter(parent=county, kind=Kind.REGION).order_by("path"):
        services.create_schedule(
            {
                "org_unit": township,
                "group": group,
                "supervising_unit": office,
                "frequency": Frequency.QUARTERLY,
                "start_date": TERM[0],
                "note": "挂点督导：每季度到乡镇督导一次",
            },
            user=admin,
        )


def _civil_affairs_schedules(world) -> None:
    # The bureau's own staff set them: the province admin of the demo is 江西's.
    staff = world.users["dept_staff"]
    bureau = world.units["谢家集区民政局"]
    for name in ("谢家集街道民政所", "平山街道民政所"):
        office = world.units[name]
        if SupervisionSchedule.objects.filter(org_unit=office, enterprise__isnull=True).exists():
            continue
        services.create_schedule(
            {
                "org_unit": office,
                "supervising_unit": bureau,
                "frequency": Frequency.QUARTERLY,
                "start_date": TERM[0],
                "note": "民政服务机构安全监管工作每季度督导一次",
            },
            user=staff,
        )


def _note(template, general, item) -> str:
    if template == general:
        return FAILURE_NOTES[item.number]
    return f"现场发现：{item.content}"


def _inspections(world, groups, templates, today) -> list[Inspection]:
    rng = random.Random(2004)
    general, chemicals = templates
    chemicals_industry = chemicals.industry_id
    recorded = []
    for group in groups:
        county = group.assignments.get(kind=SupervisionAssignment.Kind.REGION).org_unit
        leader = group.memberships.get(role=SupervisionGroupMember.Role.LEADER).user
        team = [m.user for m in group.memberships.all()]
        enterprises = [e for e in world.enterprises if e.org_unit.county_id == county.pk][:8]
        for index, enterprise in enumerate(enterprises):
            template = chemicals if enterprise.industry_id == chemicals_industry else general
            items = list(template.items.all())
            failed = {item.number for item in items if rng.random() < 0.18}
            key = uuid.uuid5(KEY_NAMESPACE, f"{group.name}:{enterprise.pk}")
            recorded.append(
                services.record_inspection(
                    {
                        "kind": Inspection.Kind.SUPERVISION,
                        "method": rng.choice(
                            [Inspection.Method.UNANNOUNCED, Inspection.Method.COVERT]
                        ),
                        "inspection_date": today - timedelta(days=7 + index * 11),
                        "enterprises": [enterprise],
                        "group": group,
                        "team": team,
                        "template": template,
                        "summary": f"{group.name}赴{enterprise.org_unit.name}开展督导检查。",
                        "results": [
                            services.ResultInput(
                                item=item,
                                result=ChecklistResult.Result.FAIL
                                if item.number in failed
                                else ChecklistResult.Result.PASS,
                                note=_note(template, general, item)
                                if item.number in failed
                                else "",
                            )
                            for item in items
                        ],
                        "submission_key": key,
                    },
                    user=leader,
                )
            )
    return recorded
