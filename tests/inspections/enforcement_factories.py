"""Enforcement actions, special campaigns and 双随机 draws on top of the `world` fixture and
tests/inspections/factories.py's inspections, built through the services.

`enforcement_world(w)` is fixture-free (the tenancy registry calls it from plain lambdas) and
built once per world. 招贤镇 and 罗亭镇 each get a 护航"双节" campaign, an action taken at
their inspection, and a draw of their enterprises; 罗亭镇's texts say 罗亭镇, so a page
showing one is caught by the tenancy suites.
"""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from inspections import draws, enforcement
from inspections.models import EnforcementAction
from tests.inspections.factories import core_world

Kind = EnforcementAction.Kind


def campaign(w, user, unit, name, **data):
    return enforcement.create_campaign(
        {
            "org_unit": unit,
            "name": name,
            "start_date": date(2025, 10, 1),
            "end_date": date(2025, 10, 8),
            **data,
        },
        user=user,
    )


def enforcement_world(w):
    if getattr(w, "inspections_enforcement", None) is not None:
        return w.inspections_enforcement
    core = core_world(w)
    e = SimpleNamespace()
    e.own_campaign = campaign(w, w.township_staff, w.zhaoxian, "招贤镇护航“双节”专项行动")
    e.sibling_campaign = campaign(w, w.township_staff_b, w.luoting, "罗亭镇护航“双节”专项行动")
    e.own_action = enforcement.record_action(
        {
            "inspection": core.own_inspection,
            "enterprise": w.ent_zhaoxian,
            "kind": Kind.FINE,
            "decided_on": date(2025, 9, 30),
            "reason": "招贤镇安全管理人员未经考核合格即上岗",
            "fined_party": EnforcementAction.FinedParty.BOTH,
            "fine_unit_amount": Decimal("30000.00"),
            "fined_person_name": "张三",
            "fine_person_amount": Decimal("5000.00"),
        },
        user=w.township_staff,
    )
    e.sibling_action = enforcement.record_action(
        {
            "inspection": core.sibling_inspection,
            "enterprise": w.ent_luoting,
            "kind": Kind.SUSPENSION,
            "decided_on": date(2025, 9, 30),
            "document_number": "罗应急责停〔2025〕1号",
            "reason": "罗亭镇化工企业液氯储罐区检测报警装置失效且拒不整改",
        },
        user=w.township_staff_b,
    )
    e.sibling_action = enforcement.generate_document(
        e.sibling_action,
        EnforcementAction.DocumentKind.SUPERVISION_LETTER,
        user=w.township_staff_b,
    )
    # Drawn by the province for each township, inspectors from the county and the city so
    # that none is at the enterprises' own township.
    for name, unit in (("own", w.zhaoxian), ("sibling", w.luoting)):
        draw = draws.make_draw(
            {
                "org_unit": unit,
                "title": f"{unit.name}危化企业双随机抽查",
                "target_count": 1,
                "inspectors_per_target": 1,
                "inspectors": [w.county_official, w.city_official],
                "seed": f"{unit.name}-2025",
            },
            user=w.province_admin,
        )
        setattr(e, f"{name}_draw", draw)
    w.inspections_enforcement = e
    return e
