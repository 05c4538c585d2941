"""Accident data on top of the `world` fixture, recorded through accidents.services.

`accidents_world(w)` is fixture-free (tests/tenancy.py calls it from plain lambdas) and built
once per world: one accident in 招贤镇 and one in the sibling 罗亭镇, whose title says 罗亭镇 so
a page showing it is caught by the tenancy suites.
"""

from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from accidents import services
from accidents.constants import Category, Kind


def local(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


def accident_data(w, **overrides) -> dict:
    data = {
        "title": "招贤镇化工有限公司“3·1”中毒和窒息事故",
        "occurred_at": local(2026, 3, 1, 8, 0),
        "enterprise": w.ent_zhaoxian,
        "category": Category.PRODUCTION,
        "kind": Kind.POISONING,
        "deaths": 1,
        "serious_injuries": 0,
        "injuries": 2,
        "direct_loss": Decimal("120.50"),
        "narrative": "储罐清洗作业未检测气体，1名作业人员中毒死亡。",
        "unit_reported_at": local(2026, 3, 1, 8, 40),
        "county_reported_at": local(2026, 3, 1, 10, 0),
    }
    data.update(overrides)
    return data


def accidents_world(w):
    if getattr(w, "accidents", None) is not None:
        return w.accidents
    a = SimpleNamespace()
    a.own = services.record_accident(accident_data(w), user=w.township_staff)
    a.sibling = services.record_accident(
        accident_data(
            w,
            title="罗亭镇化工有限公司“4·2”火灾事故",
            enterprise=w.ent_luoting,
            kind=Kind.FIRE,
            occurred_at=local(2026, 4, 2, 14, 0),
            unit_reported_at=local(2026, 4, 2, 14, 30),
            county_reported_at=local(2026, 4, 2, 15, 0),
        ),
        user=w.township_staff_b,
    )
    w.accidents = a
    return a
