"""The ledger's scope: territorial, sectoral, and an enterprise's own hazards."""

from datetime import date

import pytest

from hazards.models import Escalation, Hazard


def make_hazard(enterprise, number, **extra):
    return Hazard.objects.create(
        ledger_number=number,
        enterprise=enterprise,
        org_unit=enterprise.org_unit,
        industry=enterprise.industry,
        grade=Hazard.Grade.MAJOR,
        source=Hazard.Source.SELF_INSPECTION,
        description="储罐区可燃气体报警装置失效",
        found_date=extra.pop("found_date", date(2024, 5, 1)),
        **extra,
    )


@pytest.fixture
def ledger(world):
    return {
        "zhaoxian": make_hazard(world.ent_zhaoxian, "360105-2024-000001"),
        "zhaoxian_2": make_hazard(world.ent_zhaoxian_2, "360105-2024-000002"),
        "luoting": make_hazard(world.ent_luoting, "360105-2024-000003"),
        "care": make_hazard(world.ent_xjj_care, "340404-2024-000001", found_date=date(2023, 6, 1)),
        "chem_xjj": make_hazard(world.ent_xjj_chem, "340404-2024-000002"),
    }


def numbers(user, action="view"):
    return set(Hazard.objects.restrict(user, action).values_list("ledger_number", flat=True))


def test_ledger_scope(world, ledger):
    assert numbers(world.township_staff) == {"360105-2024-000001", "360105-2024-000002"}
    assert numbers(world.enterprise_user) == {"360105-2024-000001"}
    assert numbers(world.dept_staff) == {"340404-2024-000001"}
    assert numbers(world.county_official) == {
        "360105-2024-000001",
        "360105-2024-000002",
        "360105-2024-000003",
    }
    assert numbers(world.auditor) == set()


def test_stock_is_fixed_by_the_found_date(ledger):
    assert ledger["care"].is_stock and not ledger["zhaoxian"].is_stock


def test_escalations_follow_their_hazard(world, ledger):
    escalation = Escalation.objects.create(
        hazard=ledger["care"], org_unit=ledger["care"].org_unit, step=Escalation.Step.LETTER
    )
    assert list(Escalation.objects.restrict(world.dept_staff, "view")) == [escalation]
    assert not Escalation.objects.restrict(world.township_staff, "view").exists()


def test_only_units_above_the_location_verify(world, ledger):
    """审核把关销号 and 挂牌督办 are a superior's: a township does not verify its own hazards."""
    for action in ("verify", "list"):
        assert numbers(world.township_staff, action) == set()
        assert numbers(world.county_official, action) == {
            "360105-2024-000001",
            "360105-2024-000002",
            "360105-2024-000003",
        }
    # The sectoral department verifies in its industry at any level; staff do not list.
    assert numbers(world.dept_staff, "verify") == {"340404-2024-000001"}
    assert numbers(world.dept_staff, "list") == set()
    assert numbers(world.enterprise_user, "verify") == set()
    assert numbers(world.supervisor, "verify") == set()


def test_files_follow_their_hazard(world, ledger):
    from django.core.files.base import ContentFile

    from hazards.models import HazardFile

    stored = HazardFile(
        hazard=ledger["luoting"], kind=HazardFile.Kind.FOUND, original_name="罗亭镇.png"
    )
    stored.uploaded_by = world.township_staff_b
    stored.file.save("x.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    assert list(HazardFile.objects.restrict(world.township_staff_b, "view")) == [stored]
    assert not HazardFile.objects.restrict(world.township_staff, "view").exists()
    assert not HazardFile.objects.restrict(world.enterprise_user, "view").exists()
