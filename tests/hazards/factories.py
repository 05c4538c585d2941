"""Ledger data on top of the `world` fixture, built through hazards.services and the jobs.

`hazard_world(w)` is fixture-free (tests/tenancy.py calls it from plain lambdas) and built once
per world: 招贤镇 and 罗亭镇 each have a major hazard, reported by their own staff with a
photo, past its deadline, so the daily job has proposed a 函告 for each. Texts of 罗亭镇's
objects say 罗亭镇, so that a page showing one is caught by the tenancy suites.
"""

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile

from hazards import services
from hazards.models import Escalation, Hazard
from hazards.tasks import mark_overdue_and_escalate

# The smallest valid PNG: one transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


def png(name="现场照片.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def hazard_world(w):
    if getattr(w, "hazards", None) is not None:
        return w.hazards
    h = SimpleNamespace()
    for name, enterprise, staff in (
        ("own", w.ent_zhaoxian, w.township_staff),
        ("sibling", w.ent_luoting, w.township_staff_b),
    ):
        town = enterprise.org_unit.name
        hazard = services.report_hazard(
            {
                "enterprise": enterprise,
                "grade": Hazard.Grade.MAJOR,
                "source": Hazard.Source.SUPERVISION,
                "description": f"{town}液氯储罐区可燃气体检测报警装置失效",
                "place": f"{town}甲类储罐区",
                "found_date": date(2024, 5, 6),
                "responsible_person": "张伟",
                "measures": "更换报警探头并与紧急切断阀联锁",
                "funds": Decimal("8.00"),
                "deadline": date(2024, 6, 30),
                "contingency_plan": "储罐泄漏现场处置方案",
            },
            user=staff,
            files=[png(f"{town}隐患照片.png")],
        )
        setattr(h, f"{name}_hazard", hazard)
        setattr(h, f"{name}_file", hazard.files.get())
    mark_overdue_and_escalate(today=(date(2024, 6, 30) + timedelta(days=1)).isoformat())
    h.own_escalation = Escalation.objects.get(hazard=h.own_hazard)
    h.sibling_escalation = Escalation.objects.get(hazard=h.sibling_hazard)
    w.hazards = h
    return h
