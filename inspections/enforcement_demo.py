"""Enforcement demo behind `manage.py seed_demo`: seed 004's 护航"双节" at demo scale.

上饶市 runs 护航“双节”安全 over the last National Day holiday: the city's `supervisor` visits a
dozen of its enterprises by 四不两直, and the failed items lead to 责令限期整改, two
责令停产停业 (one since lifted), a 一案双罚 fine and a 立案, with their 督办函 and 警示函. The
city draws the next 双随机 round for 万年县 from its 安委办 officials and publishes it; 湾里管理局
(where the demo accounts work) has a draw replaced by a redraw with its reason. The
supervision groups' visits (inspections.demo) took no action: the statistics flag their
office as 零处罚.

Written through the services and idempotent: the campaign and draws are found by name, the
inspections by fixed submission keys, and an inspection that has actions gets no more.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from inspections import draws, enforcement, services
from inspections.demo import OFFICIALS, ensure_templates
from inspections.models import (
    ChecklistResult,
    EnforcementAction,
    Inspection,
    RandomDraw,
    SpecialCampaign,
)
from orgs.constants import Kind
from orgs.models import OrgUnit

KEY_NAMESPACE = uuid.UUID("0b7f7c1e-3c55-4a4e-8f0e-6a1d2b9c4e17")
CAMPAIGN = "护航“双节”安全"
HOLIDAY_VISITS = 12
ActionKind = EnforcementAction.Kind


def on_demo_seeded(sender, world, stdout=None, **kwargs):
    """Receiver of orgs.demo.demo_seeded, connected after inspections.demo's."""
    campaign = seed(world)
    if stdout is not None:
        actions = EnforcementAction.objects.filter(special_campaign=campaign).count()
        stdout.write(
            f"执法演示数据：专项行动“{campaign.name}”，执法措施{actions}项，"
            f"双随机抽查{RandomDraw.objects.count()}次。"
        )


def holiday(today: date) -> tuple[date, date]:
    """The last National Day holiday (1–8 October) that is over."""
    year = today.year if today > date(today.year, 10, 8) else today.year - 1
    return date(year, 10, 1), date(year, 10, 8)


def seed(world, today: date | None = None) -> SpecialCampaign:
    today = today or timezone.localdate()
    start, end = holiday(today)
    admin = world.users["province_admin"]
    inspector = world.users["supervisor"]
    city = OrgUnit.objects.get(kind=Kind.REGION, division_code="361100")
    name = f"{start.year}年{CAMPAIGN}"
    campaign = SpecialCampaign.objects.filter(org_unit=city, name=name).first()
    if campaign is None:
        campaign = enforcement.create_campaign(
            {
                "org_unit": city,
                "name": name,
                "start_date": start,
                "end_date": end,
                "description": "国庆、中秋“双节”期间开展“防风险、除隐患、保平安”行动，"
                "成立矿山、危化、工贸等领域督查组赴各地督查，边排查、边整治。",
                "participating_units": list(
                    OrgUnit.objects.filter(
                        kind=Kind.REGION, depth=city.depth + 1, path__startswith=city.path
                    )
                ),
            },
            user=admin,
        )
    visits = _holiday_visits(world, campaign, inspector, start)
    _actions(visits, inspector, today)
    _draws(world, campaign, admin, city)
    return campaign


def _holiday_visits(world, campaign, inspector, start) -> list[Inspection]:
    general, chemicals = ensure_templates()
    rng = random.Random(1001)
    enterprises = [e for e in world.enterprises if e.org_unit.city_id == campaign.org_unit_id]
    visits = []
    for index, enterprise in enumerate(enterprises[:HOLIDAY_VISITS]):
        template = chemicals if enterprise.industry_id == chemicals.industry_id else general
        items = list(template.items.all())
        # Every other visit finds something: the holiday's "边排查、边整治".
        failed = {item.number for item in items if rng.random() < 0.3} if index % 2 == 0 else set()
        visits.append(
            services.record_inspection(
                {
                    "kind": Inspection.Kind.ENFORCEMENT,
                    "method": Inspection.Method.UNANNOUNCED,
                    "inspection_date": start + timedelta(days=index % 8),
                    "enterprises": [enterprise],
                    "template": template,
                    "special_campaign": campaign,
                    "summary": f"护航“双节”四不两直检查{enterprise.name}。",
                    "results": [
                        services.ResultInput(
                            item=item,
                            result=ChecklistResult.Result.FAIL
                            if item.number in failed
                            else ChecklistResult.Result.PASS,
                            note="节日期间检查发现，现场责令整改" if item.number in failed else "",
                        )
                        for item in items
                    ],
                    "submission_key": uuid.uuid5(KEY_NAMESPACE, f"{campaign.pk}:{enterprise.pk}"),
                },
                user=inspector,
            )
        )
    return visits


def _actions(visits, inspector, today) -> None:
    with_findings = [
        visit
        for visit in visits
        if visit.results.filter(result=ChecklistResult.Result.FAIL).exists()
        and not visit.enforcement_actions.exists()
    ]
    for index, visit in enumerate(with_findings):
        enterprise = visit.targets.get().enterprise
        base = {"inspection": visit, "enterprise": enterprise, "decided_on": visit.inspection_date}
        order = enforcement.record_action(
            {
                **base,
                "kind": ActionKind.RECTIFY_ORDER,
                "deadline": visit.inspection_date + timedelta(days=30),
                "reason": "节日期间检查发现事故隐患，责令限期整改。",
            },
            user=inspector,
        )
        if index < 2:
            stop = enforcement.record_action(
                {
                    **base,
                    "kind": ActionKind.SUSPENSION,
                    "document_number": f"饶应急责停〔{visit.inspection_date.year}〕{index + 1}号",
                    "reason": "存在重大事故隐患，不能保证生产经营安全。",
                },
                user=inspector,
            )
            enforcement.generate_document(
                stop, EnforcementAction.DocumentKind.SUPERVISION_LETTER, user=inspector
            )
            lift_on = visit.inspection_date + timedelta(days=20)
            if index == 0 and lift_on <= today:
                enforcement.lift_suspension(stop, lift_on, user=inspector)
        elif index == 2:
            fine = enforcement.record_action(
                {
                    **base,
                    "kind": ActionKind.FINE,
                    "fined_party": EnforcementAction.FinedParty.BOTH,
                    "fine_unit_amount": Decimal("50000"),
                    "fined_person_name": enterprise.principal_name,
                    "fine_person_amount": Decimal("8000"),
                    "reason": "未按规定对重大危险源进行监测监控，一案双罚。",
                },
                user=inspector,
            )
            enforcement.generate_document(
                fine, EnforcementAction.DocumentKind.WARNING_LETTER, user=inspector
            )
        elif index == 3:
            enforcement.record_action(
                {**base, "kind": ActionKind.CASE, "reason": "涉嫌违法生产经营，立案调查。"},
                user=inspector,
            )
        else:
            enforcement.generate_document(
                order, EnforcementAction.DocumentKind.SUPERVISION_LETTER, user=inspector
            )


def _draws(world, campaign, admin, city) -> None:
    wannian = OrgUnit.objects.get(kind=Kind.REGION, division_code="361129")
    title = f"{campaign.start_date.year}年第四季度万年县双随机抽查"
    if not RandomDraw.objects.filter(org_unit=wannian, title=title).exists():
        officials = get_user_model().objects.filter(
            username__in=[username for username, _name, _position in OFFICIALS]
        )
        pool = draws.enterprise_pool(admin, org_unit=wannian).count()
        draw = draws.make_draw(
            {
                "org_unit": wannian,
                "title": title,
                "target_count": min(5, pool),
                "inspectors_per_target": 2,
                "inspectors": list(officials),
                "seed": title,
                "special_campaign": campaign,
            },
            user=admin,
        )
        draws.publish(draw, user=admin)
    wanli = OrgUnit.objects.get(kind=Kind.REGION, name="湾里管理局")
    title = "湾里管理局危险化学品企业双随机抽查"
    if not RandomDraw.objects.filter(org_unit=wanli, title=title).exists():
        draw = draws.make_draw(
            {
                "org_unit": wanli,
                "title": title,
                "target_count": 3,
                "inspectors_per_target": 1,
                "seed": f"{title}-1",
            },
            user=admin,
        )
        draws.redraw(draw, "抽中的一家企业已停业，经局务会同意重新抽取。", user=admin)
