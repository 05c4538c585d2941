"""Enforcement actions: the rules of each kind (限期整改 needs a deadline, 停产停业 a lift date
when lifted, 罚款 the fined party and amounts — 一案双罚 both), through the API and the form
at an inspection; the 督办函 / 警示函 PDFs (A4, CJK fonts embedded, text extractable); special
campaigns; constant query counts on the lists."""

import shutil
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inspections import enforcement
from inspections.models import EnforcementAction, SpecialCampaign
from tests.inspections.enforcement_factories import enforcement_world
from tests.inspections.factories import core_world, inspect

Kind = EnforcementAction.Kind
URL = "/api/v1/enforcement-actions/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def inspection(world):
    return core_world(world).own_inspection


def payload(inspection, **data):
    return {
        "inspection": inspection.pk,
        "enterprise": inspection.targets.get().enterprise_id,
        "decided_on": "2025-09-30",
        **data,
    }


# --- The rules of each kind ------------------------------------------------------------------


def test_a_fine_on_both_the_unit_and_the_person(world, api_for, inspection):
    response = api_for(world.township_staff).post(
        URL,
        payload(
            inspection,
            kind="fine",
            fined_party="both",
            fine_unit_amount="30000",
            fined_person_name="张三",
            fine_person_amount="5000.50",
        ),
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["fined_party_display"] == "单位和个人(一案双罚)"
    assert Decimal(body["fine_total"]) == Decimal("35000.50")
    # Defaults from the inspection: its inspecting unit issues, its township is the location.
    assert body["issuing_unit"] == inspection.inspecting_unit_id
    assert body["org_unit_name"] == "招贤镇"
    action = EnforcementAction.objects.get(pk=body["id"])
    assert action.history.get().history_user == world.township_staff


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "fine"}, "fined_party", "罚款须选择处罚对象"),
        (
            {"kind": "fine", "fined_party": "both", "fine_unit_amount": "100"},
            "fine_person_amount",
            "个人罚款金额须大于0",
        ),
        (
            {
                "kind": "fine",
                "fined_party": "both",
                "fine_unit_amount": "100",
                "fine_person_amount": "50",
            },
            "fined_person_name",
            "处罚个人须填写被处罚人姓名",
        ),
        (
            {"kind": "fine", "fined_party": "unit", "fine_unit_amount": "0"},
            "fine_unit_amount",
            "单位罚款金额须大于0",
        ),
        (
            {
                "kind": "fine",
                "fined_party": "unit",
                "fine_unit_amount": "100",
                "fine_person_amount": "50",
            },
            "fine_person_amount",
            "处罚对象不含个人",
        ),
        ({"kind": "rectify_order"}, "deadline", "责令限期整改须填写整改期限"),
        (
            {"kind": "rectify_order", "deadline": "2025-09-01"},
            "deadline",
            "整改期限不能早于决定日期",
        ),
        (
            {"kind": "suspension", "lifted_on": "2025-09-01"},
            "lifted_on",
            "解除停产停业日期不能早于决定日期",
        ),
        ({"kind": "case", "lifted_on": "2025-10-09"}, "lifted_on", "只有责令停产停业才有解除日期"),
        (
            {"kind": "rectify_order", "deadline": "2025-10-30", "fine_unit_amount": "10"},
            "fined_party",
            "只有罚款才填写处罚对象和罚款金额",
        ),
        ({"kind": "transfer"}, "transferred_to", "移送须填写移送机关"),
        ({"kind": "case", "decided_on": "2099-01-01"}, "decided_on", "决定日期不能晚于今天"),
    ],
)
def test_each_kind_refuses_what_it_lacks(world, api_for, inspection, data, field, message):
    response = api_for(world.township_staff).post(URL, payload(inspection, **data), format="json")
    assert response.status_code == 400, response.content
    assert any(message in text for text in response.json()[field]), response.json()
    assert not EnforcementAction.objects.exists()


def test_an_enterprise_not_inspected_there_or_out_of_scope(world, api_for, inspection):
    client = api_for(world.township_staff)
    other = client.post(
        URL,
        payload(inspection, kind="case", enterprise=world.ent_zhaoxian_2.pk),
        format="json",
    )
    assert other.status_code == 400
    assert "不是本次检查的被检查企业" in other.json()["enterprise"][0]
    sibling = client.post(
        URL, payload(inspection, kind="case", enterprise=world.ent_luoting.pk), format="json"
    )
    missing = client.post(
        URL, payload(inspection, kind="case", enterprise=999_999_999), format="json"
    )
    assert sibling.status_code == missing.status_code == 400
    assert not EnforcementAction.objects.exists()


def test_enterprise_users_and_draft_inspections_are_refused(world, api_for, inspection):
    refused = api_for(world.enterprise_user).post(
        URL, payload(inspection, kind="case"), format="json"
    )
    assert refused.status_code in (400, 403)
    draft = inspect(world, world.township_staff, world.ent_zhaoxian_2, submit=False)
    response = api_for(world.township_staff).post(
        URL,
        {
            "inspection": draft.pk,
            "enterprise": world.ent_zhaoxian_2.pk,
            "kind": "case",
            "decided_on": "2025-09-30",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "检查提交后才能录入执法措施" in response.json()["inspection"][0]
    assert not EnforcementAction.objects.exists()


def test_a_suspension_is_lifted_once_with_its_date(world, api_for, inspection):
    client = api_for(world.township_staff)
    created = client.post(URL, payload(inspection, kind="suspension"), format="json").json()
    lift = f"{URL}{created['id']}/lift/"
    early = client.post(lift, {"lifted_on": "2025-09-01"}, format="json")
    assert early.status_code == 400
    assert "不能早于决定日期" in early.json()["lifted_on"][0]
    done = client.post(lift, {"lifted_on": "2025-10-15", "version": 1}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["lifted_on"] == "2025-10-15"
    again = client.post(lift, {"lifted_on": "2025-10-16"}, format="json")
    assert again.status_code == 400 and "已于2025-10-15解除" in again.json()["lifted_on"][0]
    # Only a suspension is lifted; an edit based on an old version is refused.
    order = client.post(
        URL, payload(inspection, kind="rectify_order", deadline="2025-10-30"), format="json"
    ).json()
    wrong = client.post(f"{URL}{order['id']}/lift/", {"lifted_on": "2025-10-15"}, format="json")
    assert "只有责令停产停业才能解除" in wrong.json()["lifted_on"][0]
    stale = client.patch(f"{URL}{order['id']}/", {"reason": "补充", "version": 0}, format="json")
    assert stale.status_code == 409
    moved = client.patch(
        f"{URL}{order['id']}/", {"enterprise": world.ent_zhaoxian_2.pk}, format="json"
    )
    assert moved.status_code == 400 and "不能更改" in moved.json()["enterprise"][0]
    edited = client.patch(
        f"{URL}{order['id']}/", {"reason": "补充违法事实", "version": 1}, format="json"
    )
    assert edited.status_code == 200 and edited.json()["version"] == 2


def test_the_inspected_township_reads_but_the_enterprise_cannot_write(world, api_for, inspection):
    enforcement_world(world)
    seen = api_for(world.enterprise_user).get(URL).json()["results"]
    assert [row["enterprise_name"] for row in seen] == ["招贤镇化工有限公司"]
    action = EnforcementAction.objects.get(enterprise=world.ent_zhaoxian)
    response = api_for(world.enterprise_user).patch(
        f"{URL}{action.pk}/", {"reason": "不服"}, format="json"
    )
    assert response.status_code in (403, 404)
    action.refresh_from_db()
    assert action.reason != "不服"


# --- Letters -------------------------------------------------------------------------------


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    # Lines wrap where the page ends them: compare without any whitespace.
    return "".join(text.split())


def pdf_fonts(content: bytes, tmp_path) -> str:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout


needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed"
)


@needs_poppler
def test_supervision_letter_pdf(world, api_for, client_for, inspection, tmp_path):
    client = api_for(world.township_staff)
    created = client.post(
        URL,
        payload(
            inspection,
            kind="fine",
            fined_party="both",
            fine_unit_amount="30000",
            fined_person_name="张三",
            fine_person_amount="5000",
            document_number="招应急罚〔2025〕3号",
        ),
        format="json",
    ).json()
    generated = client.post(
        f"{URL}{created['id']}/document/", {"document_kind": "supervision_letter"}, format="json"
    )
    assert generated.status_code == 201, generated.content
    assert generated.json()["document_url"] == f"/inspections/enforcement/{created['id']}/document/"

    download = client_for(world.township_staff).get(generated.json()["document_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    content = b"".join(download.streaming_content)
    assert content.startswith(b"%PDF-")
    text = pdf_text(content, tmp_path)
    for expected in (
        "安全生产督办函",
        "招贤镇化工有限公司：",
        "招应急罚〔2025〕3号",
        "对你单位处以罚款人民币30000.00元",
        "对张三处以罚款人民币5000.00元",
        "一案双罚",
        # The failed item of the inspection, with its legal basis.
        "主要负责人和安全管理人员依法经考核合格",
        "《安全生产法》第二十七条",
        "2025年9月30日",
    ):
        assert expected in text, expected
    fonts = pdf_fonts(content, tmp_path)
    assert "NotoSerifCJKSC" in fonts.replace("-", "") or "Noto-Serif-CJK-SC" in fonts
    # Every font is embedded (the "emb" column), so it reads the same without the fonts.
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all("yes" in row[-5:-4] for row in rows), fonts
    # The API serves the same file.
    api_pdf = client.get(f"{URL}{created['id']}/document/pdf/")
    assert api_pdf.status_code == 200
    assert b"".join(api_pdf.streaming_content) == content


@needs_poppler
def test_warning_letter_of_a_suspension_page_flow(world, client_for, inspection, tmp_path):
    client = client_for(world.township_staff)
    form = client.get(f"/inspections/{inspection.pk}/enforcement/new/")
    assert form.status_code == 200
    page = form.content.decode()
    # Only the inspection's enterprise is offered.
    assert "招贤镇化工有限公司" in page and "招贤镇建筑工程有限公司" not in page
    bad = client.post(
        f"/inspections/{inspection.pk}/enforcement/new/",
        {"enterprise": world.ent_zhaoxian.pk, "kind": "fine", "decided_on": "2025-09-30"},
    )
    assert bad.status_code == 200
    assert "罚款须选择处罚对象" in bad.content.decode()
    assert not EnforcementAction.objects.exists()
    saved = client.post(
        f"/inspections/{inspection.pk}/enforcement/new/",
        {
            "enterprise": world.ent_zhaoxian.pk,
            "kind": "suspension",
            "decided_on": "2025-09-30",
            "reason": "可燃气体检测报警装置失效，拒不整改",
        },
    )
    action = EnforcementAction.objects.get()
    assert (
        saved.status_code == 302 and saved["Location"] == f"/inspections/enforcement/{action.pk}/"
    )
    assert action.issuing_unit == inspection.inspecting_unit
    # The inspection's page lists it.
    inspection_page = client.get(f"/inspections/{inspection.pk}/").content.decode()
    assert "执法措施（1项）" in inspection_page and "责令停产停业" in inspection_page
    detail = client.get(saved["Location"]).content.decode()
    assert "解除停产停业" in detail and "尚未生成文书" in detail

    generated = client.post(
        f"/inspections/enforcement/{action.pk}/document/new/", {"document_kind": "warning_letter"}
    )
    assert generated.status_code == 302
    pdf = client.get(f"/inspections/enforcement/{action.pk}/document/")
    text = pdf_text(b"".join(pdf.streaming_content), tmp_path)
    assert "安全生产警示函" in text and "停产停业整顿" in text and "特此警示" in text

    lifted = client.post(f"/inspections/enforcement/{action.pk}/lift/", {"lifted_on": "2025-10-20"})
    assert lifted.status_code == 302
    action.refresh_from_db()
    assert action.lifted_on == date(2025, 10, 20)
    assert action.history.count() == 3  # recorded, letter generated, lifted


def test_the_pages_refuse_what_the_user_may_not_do(world, client_for, inspection):
    core_world(world)
    # An enterprise user sees no enforcement form at all; the sibling's inspection is 404.
    assert client_for(world.enterprise_user).get(
        f"/inspections/{inspection.pk}/enforcement/new/"
    ).status_code in (403, 404)
    sibling = core_world(world).sibling_inspection
    assert (
        client_for(world.township_staff)
        .get(f"/inspections/{sibling.pk}/enforcement/new/")
        .status_code
        == 404
    )


# --- Lists cost the same queries for 1 row and for many ------------------------------------


def add_actions(world, inspection, count):
    for _ in range(count):
        enforcement.record_action(
            {
                "inspection": inspection,
                "enterprise": world.ent_zhaoxian,
                "kind": Kind.RECTIFY_ORDER,
                "decided_on": date(2025, 9, 30),
                "deadline": date(2025, 10, 30),
            },
            user=world.township_staff,
        )


def count_queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_lists_cost_the_same_queries_for_1_and_12_rows(world, api_for, client_for, inspection):
    add_actions(world, inspection, 1)
    api, pages = api_for(world.township_staff), client_for(world.township_staff)
    enforcement.create_campaign(
        {
            "org_unit": world.zhaoxian,
            "name": "节日检查",
            "start_date": date(2025, 10, 1),
            "end_date": date(2025, 10, 8),
            "participating_units": [world.zhaoxian],
        },
        user=world.township_staff,
    )
    calls = [
        lambda: api.get(URL),
        lambda: pages.get("/inspections/enforcement/"),
        lambda: api.get("/api/v1/special-campaigns/"),
        lambda: pages.get("/inspections/campaigns/"),
    ]
    for call in calls:
        call()  # warm the scope cache of the session
    few = [count_queries(call) for call in calls]
    add_actions(world, inspection, 11)
    for index in range(11):
        enforcement.create_campaign(
            {
                "org_unit": world.zhaoxian,
                "name": f"检查{index}",
                "start_date": date(2025, 10, 1),
                "end_date": date(2025, 10, 8),
                "participating_units": [world.zhaoxian],
            },
            user=world.township_staff,
        )
    assert [count_queries(call) for call in calls] == few
    assert len(api.get(URL).json()["results"]) == 12


# --- Special campaigns ----------------------------------------------------------------------


def test_special_campaigns_through_the_api_and_pages(world, api_for, client_for):
    client = api_for(world.county_official)
    bad = client.post(
        "/api/v1/special-campaigns/",
        {
            "org_unit": world.wanli.pk,
            "name": "护航双节",
            "start_date": "2025-10-08",
            "end_date": "2025-10-01",
        },
        format="json",
    )
    # A leader reads but does not create; staff of the county would.
    assert bad.status_code in (400, 403)
    admin = api_for(world.province_admin)
    refused = admin.post(
        "/api/v1/special-campaigns/",
        {
            "org_unit": world.wanli.pk,
            "name": "护航双节",
            "start_date": "2025-10-08",
            "end_date": "2025-10-01",
        },
        format="json",
    )
    assert refused.status_code == 400
    assert "结束日期不能早于开始日期" in str(refused.json())
    created = admin.post(
        "/api/v1/special-campaigns/",
        {
            "org_unit": world.wanli.pk,
            "name": "护航“双节”安全",
            "start_date": "2025-10-01",
            "end_date": "2025-10-08",
            "participating_units": [world.zhaoxian.pk, world.luoting.pk],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    campaign = SpecialCampaign.objects.get()
    assert set(campaign.participating_units.values_list("name", flat=True)) == {"招贤镇", "罗亭镇"}
    page = client_for(world.province_admin).get(f"/inspections/campaigns/{campaign.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "护航“双节”安全" in text
    assert "共派出工作组0个，抽查检查企业0家" in text
    edited = client_for(world.province_admin).post(
        f"/inspections/campaigns/{campaign.pk}/edit/",
        {
            "org_unit": world.wanli.pk,
            "name": "护航“双节”安全（延长）",
            "start_date": "2025-10-01",
            "end_date": "2025-10-10",
            "participating_units": [world.zhaoxian.pk],
        },
    )
    assert edited.status_code == 302
    campaign.refresh_from_db()
    assert (campaign.name, campaign.end_date, campaign.version) == (
        "护航“双节”安全（延长）",
        date(2025, 10, 10),
        2,
    )
