"""The hazards API: the ledger, each workflow step, versions, files, stats, Excel, upserts."""

import io
import json
from datetime import date

import openpyxl
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from core.api.serializers import ValuesRowSerializer
from hazards import services
from hazards.api.serializers import HazardListSerializer
from hazards.models import Escalation, Hazard
from tests.hazards.conftest import PNG, fake_photo, photo, plan
from tests.hazards.factories import hazard_world

LIST = "/api/v1/hazards/"


def detail(hazard, suffix=""):
    return f"{LIST}{hazard.pk}/{suffix}"


def numbers(response):
    assert response.status_code == 200, response.content
    return {row["ledger_number"] for row in response.json()["results"]}


def payload(world, **extra):
    return {
        "enterprise": world.ent_zhaoxian.pk,
        "grade": "major",
        "source": "supervision",
        "description": "储罐区可燃气体检测报警装置失效",
        "place": "1号储罐区",
        "found_date": "2024-05-06",
        **extra,
    }


# --- The ledger ----------------------------------------------------------------------------


def test_each_user_lists_their_part_of_the_ledger(world, api_for, report):
    h = hazard_world(world)
    mine = report(user=world.enterprise_user, source=Hazard.Source.SELF_INSPECTION)
    other = report(enterprise=world.ent_zhaoxian_2)
    township = numbers(api_for(world.township_staff).get(LIST))
    assert township == {h.own_hazard.ledger_number, mine.ledger_number, other.ledger_number}
    # The enterprise user sees its own enterprise's hazards only.
    assert numbers(api_for(world.enterprise_user).get(LIST)) == {
        h.own_hazard.ledger_number,
        mine.ledger_number,
    }
    assert len(numbers(api_for(world.county_official).get(LIST))) == 4
    assert api_for(world.outsider).get(LIST).json()["count"] == 0


def test_filters(world, api_for, report):
    h = hazard_world(world)
    general = report(grade=Hazard.Grade.GENERAL, found_date=date(2023, 6, 1))
    client = api_for(world.county_official)
    assert numbers(client.get(LIST, {"grade": "general"})) == {general.ledger_number}
    assert numbers(client.get(LIST, {"stock": "true"})) == {general.ledger_number}
    assert len(numbers(client.get(LIST, {"overdue": "true"}))) == 2
    assert numbers(client.get(LIST, {"within": world.luoting.pk})) == {
        h.sibling_hazard.ledger_number
    }
    assert numbers(client.get(LIST, {"q": "罗亭镇液氯"})) == {h.sibling_hazard.ledger_number}
    assert numbers(
        client.get(LIST, {"status": "reported", "industry": world.chemicals.pk, "listed": "false"})
    ) == {h.own_hazard.ledger_number, h.sibling_hazard.ledger_number, general.ledger_number}
    assert numbers(client.get(LIST, {"found_after": "2024-01-01", "deadline_before": "2024-07-01"}))
    # An enterprise outside the user's scope is refused like one that does not exist.
    township = api_for(world.township_staff)
    assert township.get(LIST, {"enterprise": world.ent_luoting.pk}).status_code == 400


def test_voided_rows_leave_the_ledger_but_stay_reachable(world, api_for):
    h = hazard_world(world)
    client = api_for(world.township_staff)
    voided = client.post(detail(h.own_hazard, "void/"), {"reason": "重复录入"}, format="json")
    assert voided.status_code == 200 and voided.json()["is_void"]
    assert numbers(client.get(LIST)) == set()
    assert numbers(client.get(LIST, {"is_void": "true"})) == {h.own_hazard.ledger_number}
    assert client.get(detail(h.own_hazard)).status_code == 200
    restored = client.post(detail(h.own_hazard, "restore/"), {}, format="json")
    assert restored.status_code == 200 and not restored.json()["is_void"]


def test_list_costs_the_same_queries_for_1_and_30_rows(world, api_for, report):
    client = api_for(world.township_staff)
    report()
    client.get(LIST)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST, {"status": "reported"}).status_code == 200
        return len(captured)

    one = count()
    for index in range(29):
        report(description=f"第{index}处隐患")
    assert count() == one


def test_ledger_rows_read_by_values_equal_the_serializers_reading_of_the_models(
    world, api_for, report, rectifying
):
    """The list reads rows with values(); the same serializer over model instances is the
    reference: every field, null deadlines and listed levels, dates, times and labels."""
    hazard_world(world)
    report(grade=Hazard.Grade.GENERAL, found_date=date(2023, 6, 1))
    services.list_for_supervision(
        rectifying,
        user=world.county_official,
        level=Hazard.ListedLevel.COUNTY,
        unit=world.wanli,
        listed_date=date(2024, 5, 10),
    )
    response = api_for(world.county_official).get(LIST, {"ordering": "deadline"})
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert len(rows) == 4 and any(row["deadline"] is None for row in rows)
    assert any(row["listed_level"] == "county" for row in rows)
    instances = Hazard.objects.filter(pk__in=[row["id"] for row in rows])
    by_id = {hazard.pk: hazard for hazard in instances}
    reference = HazardListSerializer([by_id[row["id"]] for row in rows], many=True).data
    assert rows == json.loads(JSONRenderer().render(reference))


def test_values_rows_carry_the_active_time_zone(world, report):
    """A datetime column keeps its zone with the columns, built per time zone: a request in
    another zone reads its own offset, as the serializer over the models would."""
    report()
    queryset = Hazard.objects.all()
    for zone in ("Asia/Shanghai", "UTC", "Asia/Shanghai"):
        with timezone.override(zone):
            rows = HazardListSerializer.rows(HazardListSerializer.values(queryset))
            reference = HazardListSerializer(list(queryset), many=True).data
        assert [row["updated_at"] for row in rows] == [r["updated_at"] for r in reference]
        offset = "+08:00" if zone == "Asia/Shanghai" else "Z"
        assert all(row["updated_at"].endswith(offset) for row in rows)


def test_a_values_row_serializer_refuses_fields_that_are_not_columns():
    class WithMethod(ValuesRowSerializer):
        computed = serializers.SerializerMethodField()

        class Meta:
            model = Hazard
            fields = ["id", "computed"]

        def get_computed(self, hazard):
            return hazard.pk

    with pytest.raises(ImproperlyConfigured, match="computed"):
        WithMethod.value_columns()


def test_detail_carries_its_version_files_timeline_and_next_steps(world, api_for):
    h = hazard_world(world)
    response = api_for(world.township_staff).get(detail(h.own_hazard))
    body = response.json()
    assert response["ETag"] == '"1"' and body["version"] == 1
    assert body["files"][0]["original_name"] == "招贤镇隐患照片.png"
    assert [t["action"] for t in body["transitions"]] == ["report"]
    assert {n["recipient_name"] for n in body["notices"]} == {"张三", "李四"}
    assert body["actions"]["confirm"] is None and body["actions"]["close"] is not None


def test_detail_costs_the_same_queries_with_more_history(world, api_for, criterion):
    h = hazard_world(world)
    client = api_for(world.township_staff)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(detail(h.own_hazard)).status_code == 200
        return len(captured)

    client.get(detail(h.own_hazard))
    before = count()
    client.post(detail(h.own_hazard, "confirm/"), {"criterion": criterion.pk}, format="json")
    for index in range(5):
        client.post(
            detail(h.own_hazard, "files/"),
            {"kind": "found", "files": [photo(f"第{index}张.jpg")]},
            format="multipart",
        )
    assert count() == before


# --- Reporting and editing -----------------------------------------------------------------


def test_report_through_the_api(world, api_for):
    response = api_for(world.township_staff).post(LIST, payload(world), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["ledger_number"] == "360105-2024-000001"
    assert response.json()["status"] == "reported"


def test_enterprise_user_reports_only_self_inspections(world, api_for):
    client = api_for(world.enterprise_user)
    refused = client.post(LIST, payload(world), format="json")
    assert refused.status_code == 400 and "企业自查上报" in refused.json()["source"][0]
    other = client.post(
        LIST, payload(world, enterprise=world.ent_zhaoxian_2.pk, source="self_inspection")
    )
    assert other.status_code == 400 and "enterprise" in other.json()
    own = client.post(LIST, payload(world, source="self_inspection"), format="json")
    assert own.status_code == 201


def test_stale_edits_get_a_conflict_and_nothing_is_lost(world, api_for):
    h = hazard_world(world)
    url = detail(h.own_hazard)
    first = api_for(world.township_staff)
    second = api_for(world.province_admin)
    won = first.patch(url, {"place": "2号储罐区"}, format="json", HTTP_IF_MATCH='"1"')
    assert won.status_code == 200 and won["ETag"] == '"2"'
    lost = second.patch(url, {"description": "别的描述"}, format="json", HTTP_IF_MATCH='"1"')
    assert lost.status_code == 412 and "已被他人修改" in lost.json()["detail"]
    lost = second.patch(url, {"description": "别的描述", "version": 1}, format="json")
    assert lost.status_code == 409 and lost.json()["code"] == "stale_version"
    unversioned = second.patch(url, {"description": "别的描述"}, format="json")
    assert unversioned.status_code == 428
    h.own_hazard.refresh_from_db()
    assert h.own_hazard.place == "2号储罐区" and "别的" not in h.own_hazard.description
    assert h.own_hazard.version == 2


def test_a_leader_cannot_edit(world, api_for):
    h = hazard_world(world)
    response = api_for(world.county_official).patch(
        detail(h.own_hazard), {"place": "别处", "version": 1}, format="json"
    )
    assert response.status_code == 404


# --- The workflow --------------------------------------------------------------------------


def test_the_whole_workflow_through_the_api(world, api_for, criterion):
    h = hazard_world(world)
    hazard = h.own_hazard
    township, enterprise, county = (
        api_for(world.township_staff),
        api_for(world.enterprise_user),
        api_for(world.county_official),
    )
    state = enterprise.get(detail(hazard, "confirm/")).json()
    assert state == {
        "action": "confirm",
        "allowed": False,
        "reason": state["reason"],
        "version": 1,
    }
    assert enterprise.post(detail(hazard, "confirm/"), {}, format="json").status_code == 403
    response = township.post(
        detail(hazard, "confirm/"), {"criterion": criterion.pk}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 200 and response.json()["status"] == "confirmed"
    data = {k: str(v) for k, v in plan().items()}
    response = enterprise.post(detail(hazard, "plan/"), data, format="json")
    assert response.json()["plan_complete"] is True
    response = enterprise.post(detail(hazard, "start-rectification/"), {}, format="json")
    assert response.json()["status"] == "rectifying"
    missing = enterprise.post(detail(hazard, "request-close-out/"), {"note": "已整改"})
    assert missing.status_code == 400 and "整改后照片" in str(missing.json())
    fake = enterprise.post(
        detail(hazard, "request-close-out/"), {"files": [fake_photo()]}, format="multipart"
    )
    assert fake.status_code == 400 and "不是图片" in str(fake.json())
    requested = enterprise.post(
        detail(hazard, "request-close-out/"),
        {"note": "已更换探头", "files": [photo("整改后.jpg")]},
        format="multipart",
    )
    assert requested.json()["status"] == "close_out_requested"
    refused = township.post(detail(hazard, "close/"), {"note": "同意"}, format="json")
    assert refused.status_code == 403 and "上级单位" in refused.json()["detail"]
    assert county.post(detail(hazard, "close/"), {}, format="json").status_code == 400
    returned = county.post(detail(hazard, "return/"), {"reason": "照片不清晰"}, format="json")
    assert returned.json()["status"] == "rectifying"
    enterprise.post(detail(hazard, "request-close-out/"), {"note": "重拍"}, format="multipart")
    closed = county.post(detail(hazard, "close/"), {"note": "现场复核合格"}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert [t["action"] for t in closed.json()["transitions"]] == [
        "report",
        "confirm",
        "plan",
        "start_rectification",
        "request_close_out",
        "return",
        "request_close_out",
        "close",
    ]


def test_listing_through_the_api(world, api_for, criterion):
    h = hazard_world(world)
    hazard = h.own_hazard
    url = detail(hazard, "list/")
    body = {"level": "county", "unit": world.wanli.pk, "listed_date": "2024-07-01"}
    # The township is not above itself; nor can it name its county as the listing unit.
    assert api_for(world.township_staff).get(url).json()["allowed"] is False
    assert api_for(world.township_staff).post(url, body, format="json").status_code == 400
    listed = api_for(world.county_official).post(url, body, format="json")
    assert listed.status_code == 200 and listed.json()["listed_unit_name"] == "湾里管理局"
    delisted = api_for(world.county_official).post(detail(hazard, "delist/"), {}, format="json")
    assert delisted.json()["listed_supervision"] is False
    # A unit out of scope is refused like one that does not exist.
    body["unit"] = world.wannian.pk
    assert api_for(world.county_official).post(url, body, format="json").status_code == 400


# --- Files ---------------------------------------------------------------------------------


def test_files_upload_and_download_through_scope(world, api_for):
    h = hazard_world(world)
    client = api_for(world.township_staff)
    refused = client.post(
        detail(h.own_hazard, "files/"),
        {"kind": "found", "files": [fake_photo()]},
        format="multipart",
    )
    assert refused.status_code == 400
    stored = client.post(
        detail(h.own_hazard, "files/"),
        {"kind": "evidence", "files": [photo("验收.jpg")]},
        format="multipart",
    )
    assert stored.status_code == 201
    record = stored.json()[0]
    response = client.get(record["download_url"])
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    assert "attachment" in response["Content-Disposition"]
    assert api_for(world.township_staff_b).get(record["download_url"]).status_code == 404


# --- Statistics, export, import ------------------------------------------------------------


def test_stats_default_to_the_users_unit_and_stay_in_scope(world, api_for):
    hazard_world(world)
    township = api_for(world.township_staff)
    response = township.get(f"{LIST}stats/")
    body = response.json()
    assert response.status_code == 200, body
    assert body["unit"]["name"] == "招贤镇" and body["totals"]["found"] == 1
    assert township.get(f"{LIST}stats/", {"within": world.luoting.pk}).status_code == 400
    county = api_for(world.county_official).get(f"{LIST}stats/", {"period_end": "2024-12-31"})
    regions = {row["name"]: row for row in county.json()["by_region"]}
    assert regions["罗亭镇"]["found"] == 1 and county.json()["totals"]["overdue"] == 2
    within = api_for(world.county_official).get(f"{LIST}stats/", {"within": world.luoting.pk})
    assert within.json()["unit"]["name"] == "罗亭镇" and within.json()["totals"]["found"] == 1
    bad = api_for(world.county_official).get(
        f"{LIST}stats/", {"period_start": "2025-01-01", "period_end": "2024-01-01"}
    )
    assert bad.status_code == 400


def test_export_is_restricted_and_constant_in_queries(world, api_for, report):
    h = hazard_world(world)
    client = api_for(world.township_staff)
    response = client.get(f"{LIST}export/")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[1] for row in rows] == [h.own_hazard.ledger_number]
    assert "罗亭镇" not in str(rows)

    def count():
        with CaptureQueriesContext(connection) as captured:
            client.get(f"{LIST}export/")
        return len(captured)

    before = count()
    for index in range(29):
        report(description=f"第{index}处隐患")
    assert count() == before


def test_import_through_the_api(world, api_for):
    from tests.hazards.test_importers import upload

    bad = SimpleUploadedFile("台账.xlsx", b"not a workbook")
    client = api_for(world.township_staff)
    response = client.post(f"{LIST}import/", {"file": bad}, format="multipart")
    assert response.status_code == 400 and "Excel" in response.json()["errors"][0]["text"]
    leader = api_for(world.county_official).post(
        f"{LIST}import/", {"file": upload([])}, format="multipart"
    )
    assert leader.status_code == 403
    template = client.get(f"{LIST}import-template/")
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd")


# --- Integrations --------------------------------------------------------------------------


def test_upsert_by_external_id_is_idempotent(world, api_for):
    client = api_for(world.township_staff)
    url = f"{LIST}by-external-id/jx-zhifa/ZF-2024-0001/"
    body = {
        "credit_code": world.ent_zhaoxian.credit_code,
        "grade": "major",
        "source": "enforcement",
        "description": "液氨储罐未设置紧急切断装置",
        "found_date": "2024-05-06",
    }
    created = client.put(url, body, format="json")
    assert created.status_code == 201, created.content
    again = client.put(url, body, format="json")
    assert again.status_code == 200 and again.json()["id"] == created.json()["id"]
    assert again.json()["version"] == 1 and Hazard.objects.count() == 1
    changed = client.put(url, {**body, "place": "液氨罐区"}, format="json")
    assert changed.json()["version"] == 2 and changed.json()["place"] == "液氨罐区"
    hazard = Hazard.objects.get()
    assert (hazard.external_source, hazard.external_id) == ("jx-zhifa", "ZF-2024-0001")
    # Another township's system cannot reach it, nor push for an enterprise it cannot see.
    assert api_for(world.township_staff_b).put(url, body, format="json").status_code == 400
    foreign = {**body, "credit_code": world.ent_luoting.credit_code}
    response = client.put(f"{LIST}by-external-id/jx-zhifa/ZF-2024-0002/", foreign, format="json")
    assert response.status_code == 400 and "credit_code" in response.json()


# --- Reference data and escalations --------------------------------------------------------


def test_criteria_are_reference_data(world, api_for):
    response = api_for(world.enterprise_user).get(
        "/api/v1/hazard-criteria/", {"industry": world.chemicals.pk, "page_size": 100}
    )
    rows = response.json()["results"]
    assert len(rows) == 20 and rows[0]["document_number"] == "安监总管三〔2017〕121号"
    assert rows[11]["label"].endswith("第十二项")


def test_escalations_are_issued_by_a_superior(world, api_for):
    h = hazard_world(world)
    url = f"/api/v1/escalations/{h.own_escalation.pk}/issue/"
    township = api_for(world.township_staff)
    assert [row["id"] for row in township.get("/api/v1/escalations/").json()["results"]] == [
        h.own_escalation.pk
    ]
    assert township.get(url).json()["allowed"] is False
    assert township.post(url, {}, format="json").status_code == 403
    county = api_for(world.county_official)
    assert county.get(url).json()["allowed"] is True
    issued = county.post(url, {"note": "限期整改"}, format="json")
    assert issued.status_code == 200 and issued.json()["issuing_unit_name"] == "湾里管理局"
    assert county.post(url, {}, format="json").status_code == 400
    dismiss = f"/api/v1/escalations/{h.own_escalation.pk}/dismiss/"
    assert county.post(dismiss, {"note": "x"}, format="json").status_code == 400
    assert Escalation.objects.get(pk=h.own_escalation.pk).status == "issued"


def test_report_with_photos_by_multipart(world, api_for):
    data = {**payload(world), "files": [photo("现场.jpg"), photo("全景.jpg")]}
    response = api_for(world.township_staff).post(LIST, data, format="multipart")
    assert response.status_code == 201, response.content
    assert Hazard.objects.get(pk=response.json()["id"]).files.count() == 2
