"""执法统计: the figures equal hand-counted fixtures, the seed 004 holiday paragraph comes out
of the data word for word, units that inspect without penalising are flagged (零处罚), the
cost in queries does not grow with the data, and nobody counts what they cannot see."""

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from hazards.models import Hazard
from inspections import enforcement
from inspections.models import (
    ChecklistResult,
    EnforcementAction,
    Inspection,
    InspectionTarget,
)
from inspections.stats import inspection_stats
from orgs.constants import Role
from orgs.models import Enterprise
from orgs.services import add_membership
from tests.factories import UserFactory
from tests.inspections.factories import chemicals_template, inspect

SEED_004 = Path(__file__).parent.parent / "fixtures" / "seeds" / "004_ecbd0d0bf93b4a90.txt"
HOLIDAY = (date(2025, 10, 1), date(2025, 10, 8))
Kind = EnforcementAction.Kind


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def located(obj):
    obj.copy_location()
    return obj


def holiday_bulletin(w, *, enterprises, groups, found, rectified, stopped, campaign=None):
    """A 护航"双节" in 万年县 at the given scale, written set-wise.

    `groups` inspections by 上饶市 (each an ad-hoc work group) check `enterprises` enterprises
    of 陈营镇 between them; the first `found` enterprises have a failed item filed as a
    hazard, the first `rectified` of which are closed or awaiting close-out; the first
    `stopped` enterprises are ordered to stop (the first one twice: counted once). Noise that
    must not count: a voided finding, a hazard the enterprise reported itself, an inspection
    and an action outside the holiday, a draft inspection.
    """
    item = chemicals_template(w).items.get(number=1)
    firms = Enterprise.objects.bulk_create(
        located(
            Enterprise(
                name=f"万年县节日抽查企业{i:03d}",
                credit_code=f"91361129MA{i:07d}X",
                org_unit=w.chenying,
                industry=w.chemicals,
                principal_name="李四",
                principal_phone="13800000000",
            )
        )
        for i in range(enterprises + 1)
    )
    firms, spare = firms[:-1], firms[-1]

    def inspection(day, status=Inspection.Status.SUBMITTED):
        return located(
            Inspection(
                org_unit=w.chenying,
                inspecting_unit=w.shangrao,
                kind=Inspection.Kind.ENFORCEMENT,
                method=Inspection.Method.UNANNOUNCED,
                inspection_date=day,
                status=status,
                special_campaign=campaign,
            )
        )

    visits = Inspection.objects.bulk_create(
        [inspection(date(2025, 10, 1 + i % 8)) for i in range(groups)]
        + [
            inspection(date(2025, 9, 20)),
            inspection(date(2025, 10, 2), status=Inspection.Status.DRAFT),
        ]
    )
    visits, outside, draft = visits[:groups], visits[-2], visits[-1]
    Inspection.team.through.objects.bulk_create(
        Inspection.team.through(inspection_id=visit.pk, user_id=user.pk)
        for visit in visits
        for user in (w.supervisor, w.city_official)
    )
    targets = InspectionTarget.objects.bulk_create(
        [
            InspectionTarget(inspection=visits[i % groups], enterprise=firm, org_unit=w.chenying)
            for i, firm in enumerate(firms)
        ]
        + [InspectionTarget(inspection=outside, enterprise=spare, org_unit=w.chenying)]
        + [InspectionTarget(inspection=draft, enterprise=spare, org_unit=w.chenying)]
    )

    def hazard(i, firm, **extra):
        fields = {
            "grade": Hazard.Grade.GENERAL,
            "source": Hazard.Source.ENFORCEMENT,
            "description": "节日抽查发现的问题隐患",
            "found_date": date(2025, 10, 2),
            **extra,
        }
        return located(
            Hazard(
                ledger_number=f"T361129-2025-{i:05d}",
                enterprise=firm,
                org_unit=firm.org_unit,
                industry=w.chemicals,
                **fields,
            )
        )

    statuses = [Hazard.Status.CLOSED, Hazard.Status.CLOSE_OUT_REQUESTED]
    hazards = Hazard.objects.bulk_create(
        [
            hazard(
                i,
                firms[i],
                status=statuses[i % 2] if i < rectified else Hazard.Status.RECTIFYING,
            )
            for i in range(found)
        ]
        + [hazard(found, firms[0], is_void=True)]
        + [hazard(found + 1, firms[1], source=Hazard.Source.SELF_INSPECTION)]
    )
    ChecklistResult.objects.bulk_create(
        [
            ChecklistResult(
                inspection=targets[i].inspection,
                target=targets[i],
                item=item,
                result=ChecklistResult.Result.FAIL,
                hazard=hazards[i],
            )
            for i in range(found)
        ]
        + [
            ChecklistResult(
                inspection=targets[0].inspection,
                target=targets[0],
                item=chemicals_template(w).items.get(number=2),
                result=ChecklistResult.Result.FAIL,
                hazard=hazards[found],
            )
        ]
    )

    def action(firm, kind, day, **extra):
        return located(
            EnforcementAction(
                enterprise=firm,
                org_unit=firm.org_unit,
                industry=firm.industry,
                issuing_unit=w.shangrao,
                kind=kind,
                decided_on=day,
                special_campaign=campaign,
                **extra,
            )
        )

    EnforcementAction.objects.bulk_create(
        [action(firm, Kind.SUSPENSION, date(2025, 10, 3)) for firm in firms[:stopped]]
        + [action(firms[0], Kind.SUSPENSION, date(2025, 10, 5))]
        + [
            action(firm, Kind.RECTIFY_ORDER, date(2025, 10, 4), deadline=date(2025, 10, 30))
            for firm in firms[stopped : stopped + 3]
        ]
        + [
            action(
                firms[-1],
                Kind.FINE,
                date(2025, 10, 6),
                fined_party=EnforcementAction.FinedParty.BOTH,
                fine_unit_amount=Decimal("20000"),
                fined_person_name="王五",
                fine_person_amount=Decimal("3000.50"),
            )
        ]
        + [
            located(
                EnforcementAction(
                    enterprise=spare,
                    org_unit=spare.org_unit,
                    industry=spare.industry,
                    issuing_unit=w.shangrao,
                    kind=Kind.SUSPENSION,
                    decided_on=date(2025, 9, 20),
                    special_campaign=campaign,
                )
            )
        ]
    )


def seed_sentence():
    text = SEED_004.read_text(encoding="utf-8")
    start = text.index("全市应急管理系统") + len("全市应急管理系统")
    return text[start : text.index("确保了全市重点时段")]


def test_the_seed_004_holiday_paragraph_comes_out_of_the_data(world):
    holiday_bulletin(world, enterprises=479, groups=98, found=462, rectified=438, stopped=8)
    stats = inspection_stats(
        world.province_admin, unit=world.shangrao, period_start=HOLIDAY[0], period_end=HOLIDAY[1]
    )
    assert stats.summary_sentence() == seed_sentence()
    assert stats.summary_sentence() == (
        "共派出工作组98个，抽查检查企业479家，发现问题隐患462项（督促整改完成438项），"
        "责令8家企业停产停业。"
    )
    assert [(label, value) for label, value, _unit in stats.summary_rows()] == [
        ("派出工作组", 98),
        ("抽查检查企业", 479),
        ("发现问题隐患", 462),
        ("督促整改完成", 438),
        ("责令停产停业企业", 8),
    ]
    totals = stats.totals
    assert (totals.inspections, totals.members) == (98, 2)
    assert totals.by_kind == {
        Kind.RECTIFY_ORDER: 3,
        Kind.SUSPENSION: 9,
        Kind.FINE: 1,
        Kind.CASE: 0,
        Kind.TRANSFER: 0,
    }
    assert totals.fines == Decimal("23000.50")
    assert totals.rectification_rate == 94.8
    # 上饶市's only child region holds everything; the rows add up to the totals.
    [wannian] = stats.by_region
    assert wannian.name == "万年县"
    assert (wannian.enterprises_checked, wannian.hazards_found, wannian.enterprises_stopped) == (
        479,
        462,
        8,
    )


def test_a_special_campaign_counts_what_is_linked_to_it(world):
    campaign = enforcement.create_campaign(
        {
            "org_unit": world.shangrao,
            "name": "护航“双节”安全",
            "start_date": HOLIDAY[0],
            "end_date": HOLIDAY[1],
        },
        user=world.province_admin,
    )
    holiday_bulletin(
        world, enterprises=12, groups=4, found=7, rectified=5, stopped=2, campaign=campaign
    )
    stats = inspection_stats(world.province_admin, campaign=campaign)
    # The inspection and action dated outside the holiday are linked too: a campaign counts
    # what is linked to it, whatever the dates.
    assert stats.summary_sentence() == (
        "共派出工作组5个，抽查检查企业13家，发现问题隐患7项（督促整改完成5项），"
        "责令3家企业停产停业。"
    )
    assert (stats.period_start, stats.period_end) == HOLIDAY


def test_queries_do_not_grow_with_the_data(world, django_assert_num_queries):
    holiday_bulletin(world, enterprises=3, groups=2, found=2, rectified=1, stopped=1)
    user = world.province_admin
    # The user's scope is compiled once per request, before any figure.
    inspection_stats(user, unit=world.jiangxi, period_end=HOLIDAY[1])
    # The regions, the inspections (totals and by region), the enterprises checked, the
    # findings, the actions, and the inspecting units with their names.
    with django_assert_num_queries(9):
        inspection_stats(user, unit=world.jiangxi, period_end=HOLIDAY[1])
    holiday_bulletin_more(world)
    with django_assert_num_queries(9):
        stats = inspection_stats(user, unit=world.jiangxi, period_end=HOLIDAY[1])
    # With no start, the inspection before the holiday counts too.
    assert stats.totals.inspections == 3 + 40
    assert stats.totals.hazards_found == 2 + 40


def holiday_bulletin_more(w):
    """Forty more inspections, each of its own enterprise with a finding and an action."""
    item = chemicals_template(w).items.get(number=3)
    firms = Enterprise.objects.bulk_create(
        located(
            Enterprise(
                name=f"陈营镇企业{i}",
                credit_code=f"91361129MB{i:07d}X",
                org_unit=w.chenying,
                industry=w.chemicals,
                principal_name="赵六",
                principal_phone="13900000000",
            )
        )
        for i in range(40)
    )
    visits = Inspection.objects.bulk_create(
        located(
            Inspection(
                org_unit=w.chenying,
                inspecting_unit=w.wannian,
                kind=Inspection.Kind.SUPERVISION,
                inspection_date=date(2025, 10, 3),
                status=Inspection.Status.SUBMITTED,
            )
        )
        for _firm in firms
    )
    targets = InspectionTarget.objects.bulk_create(
        InspectionTarget(inspection=visit, enterprise=firm, org_unit=w.chenying)
        for visit, firm in zip(visits, firms, strict=True)
    )
    hazards = Hazard.objects.bulk_create(
        located(
            Hazard(
                ledger_number=f"M361129-2025-{i:05d}",
                enterprise=firm,
                org_unit=firm.org_unit,
                industry=w.chemicals,
                grade=Hazard.Grade.GENERAL,
                source=Hazard.Source.SUPERVISION,
                description="警示标志缺失",
                found_date=date(2025, 10, 3),
            )
        )
        for i, firm in enumerate(firms)
    )
    ChecklistResult.objects.bulk_create(
        ChecklistResult(
            inspection=target.inspection,
            target=target,
            item=item,
            result=ChecklistResult.Result.FAIL,
            hazard=hazard,
        )
        for target, hazard in zip(targets, hazards, strict=True)
    )


# --- Hand-counted: two counties, a township each, the 零处罚 flag ------------------------------


@pytest.fixture
def counted(world):
    """湾里管理局's 招贤镇: two inspections by the township (one failed item each), one fine
    (一案双罚) and one rectification order — the township penalises. 万年县's 陈营镇: two
    inspections by 万年县, one failed item, no action — 零处罚. 罗亭镇: one inspection by
    its township and one suspension."""
    w = world
    w.wannian_staff = UserFactory(username="wannian_staff")
    add_membership(user=w.wannian_staff, org_unit=w.wannian, role=Role.STAFF, granted_by=None)
    zx1 = inspect(w, w.township_staff, w.ent_zhaoxian, failed=(1, 2))
    inspect(w, w.township_staff, w.ent_zhaoxian_2, failed=(3,), team=[w.township_staff])
    inspect(w, w.wannian_staff, w.ent_wannian, failed=(3,))
    inspect(w, w.wannian_staff, w.ent_wannian)
    lt = inspect(w, w.township_staff_b, w.ent_luoting, failed=(2,))
    enforcement.record_action(
        {
            "inspection": zx1,
            "enterprise": w.ent_zhaoxian,
            "kind": Kind.FINE,
            "decided_on": date(2025, 9, 29),
            "fined_party": EnforcementAction.FinedParty.BOTH,
            "fine_unit_amount": Decimal("50000"),
            "fined_person_name": "张三",
            "fine_person_amount": Decimal("8000"),
        },
        user=w.township_staff,
    )
    enforcement.record_action(
        {
            "inspection": zx1,
            "enterprise": w.ent_zhaoxian,
            "kind": Kind.RECTIFY_ORDER,
            "decided_on": date(2025, 9, 29),
            "deadline": date(2025, 10, 29),
        },
        user=w.township_staff,
    )
    enforcement.record_action(
        {
            "inspection": lt,
            "enterprise": w.ent_luoting,
            "kind": Kind.SUSPENSION,
            "decided_on": date(2025, 9, 30),
        },
        user=w.township_staff_b,
    )
    # One of 招贤镇's findings rectified and awaiting close-out.
    Hazard.objects.filter(enterprise=w.ent_zhaoxian).order_by("pk").filter(
        pk=Hazard.objects.filter(enterprise=w.ent_zhaoxian).order_by("pk").values("pk")[:1]
    ).update(status=Hazard.Status.CLOSE_OUT_REQUESTED)
    return w


def figures(row):
    return (
        row.inspections,
        row.enterprises_checked,
        row.hazards_found,
        row.hazards_rectified,
        row.actions,
        row.fines,
        row.enterprises_stopped,
    )


def test_figures_equal_the_hand_count(counted):
    w = counted
    stats = inspection_stats(w.province_admin, unit=w.jiangxi, period_end=date(2025, 12, 31))
    rows = {row.name: row for row in stats.by_region}
    assert figures(rows["南昌市"]) == (3, 3, 4, 1, 3, Decimal("58000"), 1)
    assert figures(rows["上饶市"]) == (2, 1, 1, 0, 0, Decimal(0), 0)
    assert figures(stats.totals) == (5, 4, 5, 1, 3, Decimal("58000"), 1)
    assert stats.totals.by_kind[Kind.FINE] == 1
    assert stats.totals.work_groups == 5
    # A county's view: its townships.
    wanli = inspection_stats(w.province_admin, unit=w.wanli, period_end=date(2025, 12, 31))
    assert {row.name: row.inspections for row in wanli.by_region} == {
        "招贤镇": 2,
        "罗亭镇": 1,
        "太平镇": 0,
    }


def test_units_that_inspect_without_penalising_are_flagged(counted):
    w = counted
    stats = inspection_stats(w.province_admin, unit=w.jiangxi, period_end=date(2025, 12, 31))
    assert {(u.name, u.inspections, u.actions, u.zero_penalty) for u in stats.units} == {
        ("招贤镇", 2, 2, False),
        ("罗亭镇", 1, 1, False),
        ("万年县", 2, 0, True),
    }
    assert [unit.name for unit in stats.zero_penalty] == ["万年县"]
    rows = {row.name: row for row in stats.by_region}
    assert rows["上饶市"].zero_penalty and not rows["南昌市"].zero_penalty
    # Before the actions were decided 招贤镇 had inspected without penalising.
    before = inspection_stats(
        w.province_admin, unit=w.wanli, period_start=date(2025, 9, 28), period_end=date(2025, 9, 28)
    )
    assert {unit.name for unit in before.zero_penalty} == {"招贤镇", "罗亭镇"}


def test_api_counts_only_what_the_caller_sees(counted, api_for):
    w = counted
    url = "/api/v1/inspections/stats/"
    own = api_for(w.township_staff).get(url, {"period_end": "2025-12-31"})
    assert own.status_code == 200
    body = own.json()
    assert body["unit"]["name"] == "招贤镇"
    assert body["totals"]["inspections"] == 2
    assert body["totals"]["by_kind"]["fine"] == 1
    assert "罗亭镇" not in own.content.decode()
    # The sibling township as a unit is refused like a unit that does not exist.
    refused = api_for(w.township_staff).get(url, {"unit": w.luoting.pk})
    missing = api_for(w.township_staff).get(url, {"unit": 999_999_999})
    assert refused.status_code == missing.status_code == 400
    # The province sees everything, and the period's bounds are checked.
    province = api_for(w.province_admin).get(
        url, {"unit": w.jiangxi.pk, "period_end": "2025-12-31"}
    )
    assert province.json()["totals"]["inspections"] == 5
    assert [u["name"] for u in province.json()["units"] if u["zero_penalty"]] == ["万年县"]
    bad = api_for(w.province_admin).get(
        url, {"period_start": "2025-10-02", "period_end": "2025-10-01"}
    )
    assert bad.status_code == 400 and "period_end" in bad.json()


def test_statistics_page_and_its_workbook(counted, client_for):
    w = counted
    client = client_for(w.province_admin)
    page = client.get("/inspections/stats/", {"unit": w.jiangxi.pk, "period_end": "2025-12-31"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "零处罚" in text and "万年县" in text
    assert "共派出工作组5个，抽查检查企业4家，发现问题隐患5项（督促整改完成1项）" in text
    export = client.get(
        "/inspections/stats/export/", {"unit": w.jiangxi.pk, "period_end": "2025-12-31"}
    )
    assert export.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(export.content))
    assert book.sheetnames == ["分地区", "检查单位", "简报口径"]
    rows = list(book["分地区"].iter_rows(values_only=True))
    assert rows[0][0] == "地区"
    assert rows[-1][:4] == ("江西省", 5, 3, 5)
    units = {row[0]: row[3] for row in book["检查单位"].iter_rows(min_row=2, values_only=True)}
    assert units == {"招贤镇": None, "罗亭镇": None, "万年县": "是"}
    # A bad period goes back to the page with the form's error.
    bad = client.get(
        "/inspections/stats/", {"period_start": "2025-10-02", "period_end": "2025-10-01"}
    )
    assert "起始日期不能晚于截止日期" in bad.content.decode()
    assert (
        client.get(
            "/inspections/stats/export/", {"period_start": "2025-10-02", "period_end": "2025-10-01"}
        ).status_code
        == 302
    )


def test_the_township_page_never_counts_the_sibling(counted, client_for):
    text = (
        client_for(counted.township_staff)
        .get("/inspections/stats/", {"period_end": "2025-12-31"})
        .content.decode()
    )
    assert "罗亭镇" not in text
    assert "共派出工作组2个，抽查检查企业2家，发现问题隐患3项（督促整改完成1项）" in text
