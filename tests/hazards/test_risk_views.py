"""Risk pages: list with level tabs in constant queries, the form (errors in Chinese, nothing
half-written), edit conflicts, retire, detail history, the 一图一牌三清单 PDF, the public
listing and the review reminders."""

import shutil
import subprocess
from datetime import date

import pytest

from core.models import Notification
from hazards import risk_services
from hazards.models import Hazard, Risk
from hazards.risk_constants import RiskLevel
from hazards.tasks import send_risk_review_reminders
from tests.factories import UserFactory
from tests.hazards.factories import hazard_world
from tests.hazards.tenancy_risks import risk_data, risk_world


def form_data(world, **extra):
    data = risk_data(world.ent_zhaoxian)
    data.update(
        enterprise=world.ent_zhaoxian.pk,
        identified_date="2024-03-01",
        review_date="2025-03-01",
        is_public="on",
    )
    data.update(extra)
    return data


def test_list_shows_levels_in_constant_queries(world, client_for, django_assert_max_num_queries):
    risk_world(world)
    client = client_for(world.county_official)
    client.get("/hazards/risks/")  # warm the session and scope caches
    with django_assert_max_num_queries(14):
        response = client.get("/hazards/risks/")
    page = response.content.decode()
    assert "招贤镇液氯储罐区泄漏中毒风险" in page and "罗亭镇液氯储罐区泄漏中毒风险" in page
    assert "红·重大风险" in page
    tabs = {value: count for value, _l, _c, _h, count in response.context["level_tabs"]}
    assert tabs == {"major": 2, "high": 0, "moderate": 0, "low": 0}
    for index in range(6):
        risk_services.create_risk(
            risk_data(
                world.ent_zhaoxian_2,
                name=f"高处坠落风险{index}",
                method="matrix",
                matrix_likelihood=2,
                matrix_severity=2,
            ),
            user=world.township_staff,
        )
    with django_assert_max_num_queries(14):
        response = client.get("/hazards/risks/", {"level": "low"})
    assert len(response.context["object_list"]) == 6


def test_create_form_grades_and_redirects(world, client_for):
    client = client_for(world.township_staff)
    assert client.get("/hazards/risks/new/").status_code == 200
    response = client.post("/hazards/risks/new/", form_data(world))
    risk = Risk.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/hazards/risks/{risk.pk}/"
    assert risk.level == RiskLevel.MAJOR and risk.created_by == world.township_staff


def test_create_form_errors_in_chinese_and_nothing_written(world, client_for):
    response = client_for(world.township_staff).post(
        "/hazards/risks/new/",
        form_data(world, method="matrix", matrix_likelihood="", review_date="2024-01-01"),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "L（可能性）应为1至5的整数。" in form.errors["matrix_likelihood"]
    assert form.errors["review_date"] == ["下次复评日期应晚于辨识评估日期。"]
    assert not Risk.objects.exists()


def test_edit_conflict_is_409_and_keeps_the_newer_edit(world, client_for):
    risk = risk_world(world).own_risk
    risk_services.update_risk(risk, {"name": "先改"}, user=world.province_admin, expected_version=1)
    data = form_data(world, name="后改", expected_version=1)
    data.pop("enterprise")
    data["industry"] = world.chemicals.pk
    response = client_for(world.township_staff).post(f"/hazards/risks/{risk.pk}/edit/", data)
    assert response.status_code == 409
    assert "已被他人修改" in response.content.decode()
    risk.refresh_from_db()
    assert risk.name == "先改"


def test_edit_form_shows_stored_factors_as_options(world, client_for):
    risk = risk_world(world).own_risk
    response = client_for(world.township_staff).get(f"/hazards/risks/{risk.pk}/edit/")
    assert response.context["form"].initial["lec_consequence"] == "15"
    assert '<option value="15" selected>' in response.content.decode()


def test_retire_page_and_history_on_the_detail_page(world, client_for):
    risk = risk_world(world).own_risk
    client = client_for(world.township_staff)
    risk_services.update_risk(
        risk,
        {"lec_likelihood": "1"},
        user=world.township_staff,
        expected_version=1,
    )
    response = client.post(
        f"/hazards/risks/{risk.pk}/retire/", {"reason": "", "expected_version": 2}
    )
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    response = client.post(
        f"/hazards/risks/{risk.pk}/retire/", {"reason": "储罐拆除", "expected_version": 2}
    )
    assert response.status_code == 302
    page = client.get(f"/hazards/risks/{risk.pk}/").content.decode()
    # 6×6×15 = 540 red → 1×6×15 = 90 yellow: the level change is in the history.
    assert "风险等级" in page and "重大风险" in page and "一般风险" in page
    assert "已撤销" in page
    # A leader reads it but has no edit or retire buttons, and the pages are 404 to them.
    leader = client_for(world.county_official)
    assert "修改/复评" not in leader.get(f"/hazards/risks/{risk.pk}/").content.decode()
    assert leader.get(f"/hazards/risks/{risk.pk}/retire/").status_code == 404


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) absent")
def test_board_pdf_contains_the_enterprise_and_the_levels(world, client_for, tmp_path):
    risk_world(world)
    risk_services.create_risk(
        risk_data(
            world.ent_zhaoxian,
            name="配电室触电风险",
            method="matrix",
            matrix_likelihood=3,
            matrix_severity=5,
            accident_types=["electrocution"],
        ),
        user=world.township_staff,
    )
    risk_services.create_risk(
        risk_data(
            world.ent_zhaoxian,
            name="办公区火灾风险",
            method="matrix",
            matrix_likelihood=1,
            matrix_severity=3,
        ),
        user=world.township_staff,
    )
    response = client_for(world.township_staff).get(
        f"/hazards/risks/board/{world.ent_zhaoxian.pk}/"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "board.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "招贤镇化工有限公司" in text
    for words in (
        "红色",
        "重大风险",
        "橙色",
        "较大风险",
        "蓝色",
        "低风险",
        "管控责任清单",
        "管控措施清单",
        "应急处置清单",
        "配电室触电风险",
        "触电",
    ):
        assert words in text, words
    # The CJK fonts are embedded, so the PDF reads the same without Chinese fonts installed.
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert "NotoSerifCJK" in fonts.replace(" ", "") or "Noto" in fonts


def test_public_listing_shows_public_fields_only(world, client):
    r = risk_world(world)
    risk_services.update_risk(
        r.own_risk,
        {"public_fields": ["place"], "responsible_person": "王秘密"},
        user=world.township_staff,
        expected_version=1,
    )
    hidden = risk_services.create_risk(
        risk_data(world.ent_zhaoxian, name="未公开的重大风险", is_public=False, public_fields=[]),
        user=world.township_staff,
    )
    h = hazard_world(world)
    # The listing's own workflow is tested with the ledger; here only its outcome matters.
    Hazard.objects.filter(pk=h.own_hazard.pk).update(
        listed_supervision=True,
        listed_level="county",
        listed_unit=world.wanli,
        listed_date=date(2024, 6, 1),
        status=Hazard.Status.RECTIFYING,
    )
    first = client.get("/public/risks/")
    assert first.status_code == 200
    assert "江西省" in first.content.decode() and "液氯" not in first.content.decode()
    page = client.get("/public/risks/", {"region": world.zhaoxian.pk}).content.decode()
    assert r.own_risk.name in page and "招贤镇液氯储罐区" in page
    assert hidden.name not in page
    # Not marked public: measures, responsible person.
    assert "王秘密" not in page and "紧急切断阀联锁" not in page
    assert h.own_hazard.ledger_number in page
    assert r.sibling_risk.name not in page
    assert client.get("/public/risks/", {"region": "abc"}).status_code == 404


def test_public_listing_queries_are_constant(world, client, django_assert_max_num_queries):
    risk_world(world)
    for index in range(5):
        risk_services.create_risk(
            risk_data(world.ent_zhaoxian, name=f"公开风险{index}"), user=world.township_staff
        )
    with django_assert_max_num_queries(8):
        response = client.get("/public/risks/", {"region": world.wanli.pk})
    assert len(response.context["risks"]) == 7


def test_review_reminders_once_per_review_date(world):
    r = risk_world(world)
    root = UserFactory(username="risk_root", is_superuser=True)
    assert send_risk_review_reminders(today="2025-03-01") == 0
    assert send_risk_review_reminders(today="2025-03-02") == 2
    send_risk_review_reminders(today="2025-03-03")
    own = Notification.objects.filter(dedup_key__startswith=f"risk-review:{r.own_risk.pk}:")
    assert sorted(own.values_list("recipient__username", flat=True)) == [
        "enterprise_user",
        "township_staff",
    ]
    assert "已过复评日期" in own.first().title and "重大风险" in own.first().title
    # Re-reviewed: a new date, reminded again once it passes; retired risks never.
    risk_services.update_risk(
        r.own_risk, {"review_date": date(2026, 3, 1)}, user=root, expected_version=1
    )
    risk_services.retire_risk(r.sibling_risk, user=root, reason="拆除", expected_version=1)
    assert send_risk_review_reminders(today="2026-03-02") == 1
    assert own.count() == 4


def test_admin_lists_risks_read_only(world, client_for):
    risk = risk_world(world).own_risk
    root = UserFactory(username="risk_root", is_superuser=True, is_staff=True)
    client = client_for(root)
    assert risk.name in client.get("/django-admin/hazards/risk/").content.decode()
    assert client.get("/django-admin/hazards/risk/add/").status_code == 403
