"""Training data on top of the `world` fixture, built through training.services.

`training_world(w)` is fixture-free (tests/tenancy.py calls it from plain lambdas) and built
once per world: 招贤镇 and 罗亭镇 each have an enterprise principal with an ID number and a
licence, a training session with that person on its roster, a drill with a photo and an
awareness event. Texts of 罗亭镇's objects say 罗亭镇, so a page showing one is caught by
the tenancy suites.
"""

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

from tests.hazards.factories import png
from training import services
from training.constants import Audience, AwarenessKind, CertificateKind, DrillKind
from training.idnumbers import check_character


def id_number(serial: int, birth: str = "19850312", region: str = "360105") -> str:
    """A valid 18-character ID number (GB 11643) for a test person."""
    first17 = f"{region}{birth}{serial:03d}"
    return first17 + check_character(first17)


def add_sessions(w, count, **extra):
    """`count` one-day, 8-hour classes for workers in 招贤镇, one a day from 2025-01-01."""
    return [
        services.record_session(
            {
                "org_unit": w.zhaoxian,
                "title": f"第{index}期培训班",
                "audience": Audience.WORKER,
                "start_date": date(2025, 1, 1) + timedelta(days=index),
                "end_date": date(2025, 1, 1) + timedelta(days=index),
                "hours": Decimal(8),
                **extra,
            },
            user=w.township_staff,
        )
        for index in range(count)
    ]


def training_world(w):
    if getattr(w, "training", None) is not None:
        return w.training
    t = SimpleNamespace()
    for name, enterprise, staff, serial in (
        ("own", w.ent_zhaoxian, w.township_staff, 11),
        ("sibling", w.ent_luoting, w.township_staff_b, 12),
    ):
        town = enterprise.org_unit.name
        person = services.register_person(
            {
                "name": f"{town}王建国",
                "category": Audience.PRINCIPAL,
                "enterprise": enterprise,
                "id_number": id_number(serial),
            },
            user=staff,
        )
        session = services.record_session(
            {
                "org_unit": enterprise.org_unit,
                "title": f"{town}危化企业主要负责人培训班",
                "audience": Audience.PRINCIPAL,
                "industries": [w.chemicals],
                "start_date": date(2025, 3, 1),
                "end_date": date(2025, 3, 4),
                "hours": Decimal(32),
                "attendance_count": 1,
            },
            user=staff,
        )
        services.add_attendance(session, person, user=staff)
        certificate = services.record_certificate(
            {
                "holder": person,
                "kind": CertificateKind.SPECIAL_OPERATION,
                "operation": "电工作业",
                "number": f"T2022-0{serial}",
                "issued_on": date(2022, 4, 1),
            },
            user=staff,
        )
        drill = services.record_drill(
            {
                "enterprise": enterprise,
                "held_on": date(2025, 6, 10),
                "kind": DrillKind.EVACUATION,
                "scenario": f"{town}储罐区泄漏疏散逃生",
                "participants": 40,
            },
            user=staff,
            files=[png(f"{town}演练照片.png")],
        )
        event = services.record_awareness_event(
            {
                "org_unit": enterprise.org_unit,
                "kind": AwarenessKind.SAFETY_MONTH,
                "title": f"{town}安全生产月咨询日活动",
                "held_on": date(2025, 6, 16),
                "reach": 300,
            },
            user=staff,
        )
        for label, obj in (
            ("person", person),
            ("session", session),
            ("certificate", certificate),
            ("drill", drill),
            ("photo", drill.photos.get()),
            ("event", event),
        ):
            setattr(t, f"{name}_{label}", obj)
    w.training = t
    return t
