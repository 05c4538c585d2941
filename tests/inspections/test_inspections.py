"""Inspections with checklists: one ledger hazard per failed item, linked both ways, nothing
filed twice when the same submission arrives again; bad input refused with nothing written;
the API and the field form on the same service; constant queries on lists."""

from datetime import date, timedelta
from uuid import uuid4

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hazards.models import Hazard, HazardFile
from inspections import services
from inspections.models import ChecklistPhoto, ChecklistResult, Inspection
from orgs.models import Enterprise
from tests.hazards.factories import png
from tests.inspections.factories import answers, chemicals_template, core_world, inspect

Result = ChecklistResult.Result


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def template(world):
    return chemicals_template(world)


def test_each_failed_item_becomes_one_hazard_linked_both_ways(world, template):
    inspection = inspect(
        world,
        world.township_staff,
        world.ent_zhaoxian,
        failed=(1, 2),
        answer_kwargs={
            "notes": {1: "液氯库报警仪失效", 2: "安全员无证"},
            "photos": {1: [png("报警仪.png")]},
        },
    )
    assert inspection.status == Inspection.Status.SUBMITTED
    results = {r.item.number: r for r in inspection.results.select_related("item", "hazard")}
    major, general = results[1].hazard, results[2].hazard
    assert results[3].hazard is None
    # Grade and criterion proposed from the item: a 判定标准 clause makes it major.
    assert major.grade == Hazard.Grade.MAJOR
    assert major.criterion == template.items.get(number=1).criterion
    assert general.grade == Hazard.Grade.GENERAL and general.criterion is None
    assert major.source == Hazard.Source.SUPERVISION
    assert major.found_date == inspection.inspection_date
    assert "液氯库报警仪失效" in major.description
    assert major.enterprise == world.ent_zhaoxian
    # Both ways: hazard → finding → inspection.
    assert major.inspection_findings.get().inspection == inspection
    # The item's photo is the hazard's photo too (a copy of its own).
    hazard_photo = HazardFile.objects.get(hazard=major)
    assert hazard_photo.original_name == "报警仪.png"
    assert hazard_photo.kind == HazardFile.Kind.FOUND
    assert ChecklistPhoto.objects.get().file.name != hazard_photo.file.name


def test_enforcement_inspection_files_enforcement_hazards(world):
    inspect(
        world,
        world.township_staff,
        world.ent_zhaoxian,
        failed=(3,),
        kind=Inspection.Kind.ENFORCEMENT,
    )
    assert Hazard.objects.get().source == Hazard.Source.ENFORCEMENT


def test_same_submission_twice_files_nothing_twice(world, template):
    key = uuid4()
    data = {
        "kind": Inspection.Kind.SUPERVISION,
        "inspection_date": date(2025, 9, 28),
        "enterprises": [world.ent_zhaoxian],
        "template": template,
        "results": answers(template, failed=(1,)),
        "submission_key": key,
    }
    first = services.record_inspection(data, user=world.township_staff)
    again = services.record_inspection(
        {**data, "results": answers(template, failed=(1,))}, user=world.township_staff
    )
    assert again.pk == first.pk
    assert Inspection.objects.count() == 1
    assert Hazard.objects.count() == 1
    assert ChecklistResult.objects.count() == 3
    # Filing the findings again (a retried job) adds nothing either.
    assert services.file_findings(first, user=world.township_staff) == []
    assert Hazard.objects.count() == 1


def test_draft_then_submit_files_findings_once(world):
    draft = inspect(world, world.township_staff, world.ent_zhaoxian, failed=(1,), submit=False)
    assert draft.status == Inspection.Status.DRAFT
    assert not Hazard.objects.exists()
    services.submit_inspection(draft, user=world.township_staff)
    assert Hazard.objects.count() == 1
    with pytest.raises(ValidationError, match="已提交"):
        services.submit_inspection(draft, user=world.township_staff)
    assert Hazard.objects.count() == 1


@pytest.mark.parametrize(
    "change, message",
    [
        ({"results": "missing"}, "尚未填写"),
        ({"results": "fail_without_note"}, "请说明存在的问题"),
        ({"enterprises": []}, "请至少选择一个"),
        ({"inspection_date": "tomorrow"}, "不能晚于今天"),
        ({"kind": "picnic"}, "请选择检查类别"),
        ({"photo": "fake"}, "不是图片"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(world, template, change, message):
    results = answers(template, failed=(2,))
    data = {
        "kind": Inspection.Kind.SUPERVISION,
        "inspection_date": date(2025, 9, 28),
        "enterprises": [world.ent_zhaoxian],
        "template": template,
        "results": results,
        "submission_key": uuid4(),
    }
    if change.get("results") == "missing":
        data["results"] = results[:2]
    elif change.get("results") == "fail_without_note":
        results[1].note = ""
    elif change.get("inspection_date") == "tomorrow":
        data["inspection_date"] = timezone.localdate() + timedelta(days=1)
    elif change.get("photo") == "fake":
        results[1].photos = (
            SimpleUploadedFile("伪装照片.jpg", b"MZ\x90\x00 not an image", "image/jpeg"),
        )
    else:
        data.update(change)
    with pytest.raises(ValidationError, match=message):
        services.record_inspection(data, user=world.township_staff)
    assert not Inspection.objects.exists()
    assert not ChecklistResult.objects.exists()
    assert not Hazard.objects.exists()


def test_out_of_scope_enterprise_is_refused(world):
    with pytest.raises(ValidationError, match="不在您的管辖范围内"):
        inspect(world, world.township_staff, world.ent_luoting)
    # A leader sees the township but does not record inspections (no add role).
    with pytest.raises((PermissionDenied, ValidationError)):
        inspect(world, world.county_official, world.ent_zhaoxian, failed=(1,))
    assert not Inspection.objects.exists() and not Hazard.objects.exists()


def test_inspection_of_several_targets_is_filed_at_their_common_region(world, template):
    data = {
        "kind": Inspection.Kind.SPECIAL,
        "method": Inspection.Method.CROSS,
        "inspection_date": date(2025, 9, 28),
        "enterprises": [world.ent_zhaoxian, world.ent_luoting],
        "template": template,
        "results": answers(template, failed=(1,), enterprise=world.ent_zhaoxian.pk)
        + answers(template, enterprise=world.ent_luoting.pk),
        "submission_key": uuid4(),
    }
    inspection = services.record_inspection(data, user=world.province_admin)
    assert inspection.org_unit == world.wanli
    assert Hazard.objects.get().enterprise == world.ent_zhaoxian
    # Each township sees the inspection that concerns it only through its superiors.
    assert not Inspection.objects.restrict(world.township_staff).filter(pk=inspection.pk).exists()
    assert Inspection.objects.restrict(world.county_official).filter(pk=inspection.pk).exists()


# --- API -----------------------------------------------------------------------------------


def _payload(world, template, **extra):
    items = list(template.items.all())
    return {
        "kind": "supervision",
        "method": "unannounced",
        "inspection_date": "2025-09-28",
        "enterprises": [world.ent_zhaoxian.pk],
        "template": template.pk,
        "results": [
            {"item": items[0].pk, "result": "fail", "note": "报警仪失效"},
            {"item": items[1].pk, "result": "pass"},
            {"item": items[2].pk, "result": "na"},
        ],
        "submission_key": str(uuid4()),
        **extra,
    }


def test_api_records_an_inspection_once_per_key(world, template, api_for):
    client = api_for(world.township_staff)
    payload = _payload(world, template)
    response = client.post("/api/v1/inspections/", payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted"
    assert body["findings"] == 1
    (finding,) = [row for row in body["checklist"] if row["hazard"]]
    assert finding["item_number"] == 1
    assert finding["hazard_ledger_number"]
    again = client.post("/api/v1/inspections/", payload, format="json")
    assert again.status_code == 201
    assert again.json()["id"] == body["id"]
    assert Hazard.objects.count() == 1
    # From the hazard back to its inspection.
    listed = client.get("/api/v1/inspections/", {"hazard": finding["hazard"]}).json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]


def test_api_bad_input_is_a_json_error(world, template, api_for):
    client = api_for(world.township_staff)
    payload = _payload(world, template)
    payload["results"] = payload["results"][:1]
    response = client.post("/api/v1/inspections/", payload, format="json")
    assert response.status_code == 400
    assert "尚未填写" in str(response.json()["results"])
    payload = _payload(world, template, enterprises=[world.ent_luoting.pk])
    response = client.post("/api/v1/inspections/", payload, format="json")
    assert response.status_code == 400 and "enterprises" in response.json()
    assert not Inspection.objects.exists()


def test_api_draft_submit_and_header_edit(world, template, api_for):
    client = api_for(world.township_staff)
    created = client.post(
        "/api/v1/inspections/", _payload(world, template, submit=False), format="json"
    ).json()
    assert created["status"] == "draft" and not Hazard.objects.exists()
    url = f"/api/v1/inspections/{created['id']}/"
    edited = client.patch(url, {"summary": "补充检查情况", "version": 1}, format="json")
    assert edited.status_code == 200 and edited.json()["summary"] == "补充检查情况"
    stale = client.patch(url, {"summary": "再改", "version": 1}, format="json")
    assert stale.status_code == 409
    submitted = client.post(f"{url}submit/", {"version": 2}, format="json")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted"
    assert Hazard.objects.count() == 1


def test_api_supervision_groups(world, api_for):
    client = api_for(world.province_admin)
    response = client.post(
        "/api/v1/supervision-groups/",
        {
            "org_unit": world.nanchang.pk,
            "name": "第三挂点联系督导组",
            "term_start": "2025-01-01",
            "term_end": "2027-12-31",
            "members": [{"user": world.supervisor.pk, "role": "leader", "position": "组长"}],
            "assignments": [{"org_unit": world.wanli.pk, "kind": "region"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    group = response.json()
    assert group["assignments"][0]["org_unit_name"] == "湾里管理局"
    supervisor = type(world.supervisor).objects.get(pk=world.supervisor.pk)
    assert Enterprise.objects.restrict(supervisor).filter(pk=world.ent_zhaoxian.pk).exists()
    ended = client.post(f"/api/v1/supervision-groups/{group['id']}/end-term/")
    assert ended.status_code == 200 and ended.json()["is_active"] is False
    assert ended.json()["assignments"] == []
    supervisor = type(world.supervisor).objects.get(pk=world.supervisor.pk)
    assert not Enterprise.objects.restrict(supervisor).filter(pk=world.ent_zhaoxian.pk).exists()
    refused = client.post(
        f"/api/v1/supervision-groups/{group['id']}/assign/",
        {"org_unit": world.wanli.pk, "kind": "region"},
        format="json",
    )
    assert refused.status_code == 400


def test_api_lists_in_constant_queries(world, template, api_for, django_assert_max_num_queries):
    for _n in range(5):
        inspect(world, world.township_staff, world.ent_zhaoxian, failed=(1,))
    client = api_for(world.township_staff)
    client.get("/api/v1/inspections/")
    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/inspections/")
    assert response.json()["count"] == 5
    with django_assert_max_num_queries(12):
        client.get(f"/api/v1/inspections/{Inspection.objects.first().pk}/")
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/checklist-templates/").status_code == 200


# --- Pages ---------------------------------------------------------------------------------


def _form(world, template, key, failed_note="报警仪失效", photo=None):
    items = list(template.items.all())
    data = {
        "kind": "supervision",
        "method": "unannounced",
        "inspection_date": "2025-09-28",
        "submission_key": str(key),
        f"result_{items[0].pk}": "fail",
        f"note_{items[0].pk}": failed_note,
        f"result_{items[1].pk}": "pass",
        f"result_{items[2].pk}": "pass",
    }
    if photo is not None:
        data[f"photos_{items[0].pk}"] = photo
    return data


def test_field_form_submits_once(world, template, client_for):
    client = client_for(world.township_staff)
    url = f"/inspections/new/?enterprise={world.ent_zhaoxian.pk}&template={template.pk}"
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'capture="environment"' in body and 'accept="image/*"' in body
    assert "data-inspection-draft" in body
    key = uuid4()
    response = client.post(url, _form(world, template, key, photo=png("现场.png")))
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and response["Location"] == inspection.get_absolute_url()
    again = client.post(url, _form(world, template, key, photo=png("现场.png")))
    assert again["Location"] == inspection.get_absolute_url()
    assert Hazard.objects.count() == 1
    detail = client.get(inspection.get_absolute_url()).content.decode()
    assert Hazard.objects.get().ledger_number in detail
    assert f'data-submitted-key="{key}"' in detail


def test_field_form_errors_are_shown_in_chinese(world, template, client_for):
    client = client_for(world.township_staff)
    url = f"/inspections/new/?enterprise={world.ent_zhaoxian.pk}&template={template.pk}"
    response = client.post(url, _form(world, template, uuid4(), failed_note=""))
    assert response.status_code == 400
    assert "第1项不合格：请说明存在的问题。" in response.content.decode()
    assert not Inspection.objects.exists()
    # Another township's enterprise is not a choice.
    other = client.get(
        f"/inspections/new/?enterprise={world.ent_luoting.pk}&template={template.pk}"
    )
    assert "罗亭镇化工有限公司" not in other.content.decode()
    assert "开始检查" in other.content.decode()


def test_field_form_inspects_a_unit_such_as_a_civil_affairs_office(world, template, client_for):
    """Seed 003: the bureau supervises each township's 民政所 — a unit, not an enterprise."""
    client = client_for(world.township_staff)
    url = f"/inspections/new/?unit={world.zhaoxian.pk}&template={template.pk}"
    page = client.get(url).content.decode()
    assert "招贤镇" in page and "data-inspection-draft" in page
    response = client.post(url, _form(world, template, uuid4()))
    inspection = Inspection.objects.get()
    assert response.status_code == 302
    assert [t.org_unit for t in inspection.targets.all()] == [world.zhaoxian]
    # A failed item of a unit is recorded, not filed as an enterprise's hazard.
    assert not Hazard.objects.exists()


def test_field_form_takes_one_target(world, template, client_for):
    client = client_for(world.township_staff)
    both = client.get(
        f"/inspections/new/?unit={world.zhaoxian.pk}&enterprise={world.ent_zhaoxian.pk}"
        f"&template={template.pk}"
    ).content.decode()
    assert "二选一" in both and "开始检查" in both
    sibling = client.get(f"/inspections/new/?unit={world.luoting.pk}&template={template.pk}")
    assert "开始检查" in sibling.content.decode()
    assert not Inspection.objects.exists()


def test_pages_list_in_constant_queries(world, client_for, django_assert_max_num_queries):
    core_world(world)
    for _n in range(4):
        inspect(world, world.township_staff, world.ent_zhaoxian, failed=(1,))
    client = client_for(world.township_staff)
    client.get("/inspections/")
    with django_assert_max_num_queries(16):
        response = client.get("/inspections/")
    assert len(response.context["object_list"]) == 5
    with django_assert_max_num_queries(16):
        assert client.get("/inspections/coverage/").status_code == 200
    own = core_world(world).own_inspection
    with django_assert_max_num_queries(20):
        assert client.get(own.get_absolute_url()).status_code == 200


def test_coverage_shows_targets_without_a_visit(world, client_for):
    c = core_world(world)
    response = client_for(world.township_staff).get("/inspections/coverage/?gaps=1")
    (row,) = response.context["rows"]
    assert row.schedule == c.own_schedule
    assert not row.covered and row.last_visit == date(2025, 9, 28)
    today = timezone.localdate()
    inspect(world, world.township_staff, world.ent_zhaoxian, inspection_date=today)
    response = client_for(world.township_staff).get("/inspections/coverage/?gaps=1")
    assert response.context["rows"] == []
    assert response.context["covered"] == 1


def test_api_photos_of_a_draft_go_with_its_findings(world, template, api_for):
    client = api_for(world.township_staff)
    created = client.post(
        "/api/v1/inspections/", _payload(world, template, submit=False), format="json"
    ).json()
    url = f"/api/v1/inspections/{created['id']}/"
    failed = next(row for row in created["checklist"] if row["result"] == "fail")
    response = client.post(
        f"{url}photos/", {"result": failed["id"], "files": [png("报警仪.png")]}, format="multipart"
    )
    assert response.status_code == 201, response.content
    (row,) = [r for r in response.json()["checklist"] if r["id"] == failed["id"]]
    assert len(row["photos"]) == 1
    client.post(f"{url}submit/", {}, format="json")
    assert HazardFile.objects.get().original_name == "报警仪.png"
    refused = client.post(
        f"{url}photos/", {"result": failed["id"], "files": [png("补拍.png")]}, format="multipart"
    )
    assert refused.status_code == 400 and "已提交" in str(refused.json())
