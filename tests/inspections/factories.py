"""Supervision data on top of the `world` fixture, built through inspections.services.

`core_world(w)` is fixture-free (tests/tenancy.py calls it from plain lambdas) and built once
per world: a hazardous-chemicals checklist (one item citing a 判定标准 clause), and for 招贤镇
and 罗亭镇 each a group formed at the township, a schedule and a submitted inspection of its
chemical enterprise with one failed item and its photo. Texts of 罗亭镇's objects say 罗亭镇,
so a page showing one is caught by the tenancy suites.
"""

from datetime import date
from types import SimpleNamespace
from uuid import uuid4

from hazards.models import HazardCriterion
from inspections import services
from inspections.models import (
    ChecklistResult,
    ChecklistTemplate,
    ChecklistTemplateItem,
    Frequency,
    Inspection,
    SupervisionAssignment,
    SupervisionGroupMember,
)
from tests.hazards.factories import png

Result = ChecklistResult.Result


def chemicals_template(w) -> ChecklistTemplate:
    template, created = ChecklistTemplate.objects.get_or_create(
        name="危险化学品企业督导检查表", defaults={"industry": w.chemicals}
    )
    if created:
        criterion = HazardCriterion.objects.get(
            standard__startswith="化工和危险化学品", clause="第十二项"
        )
        ChecklistTemplateItem.objects.create(
            template=template,
            number=1,
            content="涉及可燃和有毒有害气体泄漏的场所按国家标准设置检测报警装置",
            criterion=criterion,
        )
        ChecklistTemplateItem.objects.create(
            template=template,
            number=2,
            content="主要负责人和安全管理人员依法经考核合格",
            regulation="《安全生产法》第二十七条",
        )
        ChecklistTemplateItem.objects.create(
            template=template,
            number=3,
            content="安全警示标志设置齐全",
            regulation="《安全生产法》第三十五条",
        )
    return template


def answers(template, failed=(), notes=None, photos=None, **target):
    """A result for every item: 合格 unless its number is in `failed`."""
    notes, photos = notes or {}, photos or {}
    return [
        services.ResultInput(
            item=item,
            result=Result.FAIL if item.number in failed else Result.PASS,
            note=notes.get(item.number, "现场检查发现问题" if item.number in failed else ""),
            photos=tuple(photos.get(item.number, ())),
            **target,
        )
        for item in template.items.all()
    ]


def inspect(w, user, enterprise, *, failed=(), submit=True, **data):
    """A 督导检查 of one enterprise by `user`, every item answered."""
    template = chemicals_template(w)
    values = {
        "kind": Inspection.Kind.SUPERVISION,
        "method": Inspection.Method.UNANNOUNCED,
        "inspection_date": date(2025, 9, 28),
        "enterprises": [enterprise],
        "template": template,
        "results": answers(template, failed, **data.pop("answer_kwargs", {})),
        "submission_key": uuid4(),
        **data,
    }
    return services.record_inspection(values, user=user, submit=submit)


def core_world(w):
    if getattr(w, "inspections_core", None) is not None:
        return w.inspections_core
    c = SimpleNamespace(template=chemicals_template(w))
    for name, enterprise, staff in (
        ("own", w.ent_zhaoxian, w.township_staff),
        ("sibling", w.ent_luoting, w.township_staff_b),
    ):
        town = enterprise.org_unit.name
        group = services.create_group(
            {
                "org_unit": enterprise.org_unit,
                "name": f"{town}安全生产督导组",
                "term_start": date(2025, 1, 1),
                "term_end": date(2027, 12, 31),
                "members": [(staff, SupervisionGroupMember.Role.LEADER, "")],
                "assignments": [(enterprise.org_unit, SupervisionAssignment.Kind.REGION)],
            },
            user=w.province_admin,
        )
        schedule = services.create_schedule(
            {
                "enterprise": enterprise,
                "supervising_unit": enterprise.org_unit,
                "frequency": Frequency.QUARTERLY,
                "start_date": date(2025, 1, 1),
                "note": f"{town}危化企业每季度督导",
            },
            user=staff,
        )
        inspection = inspect(
            w,
            staff,
            enterprise,
            failed=(2,),
            summary=f"{town}化工企业四不两直督导检查",
            answer_kwargs={
                "notes": {2: f"{town}安全管理人员未经考核"},
                "photos": {2: [png(f"{town}检查照片.png")]},
            },
        )
        setattr(c, f"{name}_group", group)
        setattr(c, f"{name}_schedule", schedule)
        setattr(c, f"{name}_inspection", inspection)
        setattr(c, f"{name}_photo", inspection.results.get(result=Result.FAIL).photos.get())
    w.inspections_core = c
    return c
