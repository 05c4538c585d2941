"""The ledger's pages: each role's view, isolation, the phone entry form with photos, every
workflow step through its page (and the refusals, in Chinese), stale edits, Excel in and
out, the verifier's queue, escalations, statistics, and query budgets."""

import io
import re
from datetime import date, timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from hazards import services
from hazards.models import Escalation, Hazard, HazardFile
from tests.hazards.conftest import fake_photo, pdf, photo, plan, workbook_bytes
from tests.hazards.factories import hazard_world
from tests.web.conftest import assert_constant_queries, html

Status = Hazard.Status
LIST = reverse("hazards:hazard_list")
CREATE = reverse("hazards:hazard_create")


def url(name, obj):
    return reverse(f"hazards:{name}", args=[obj.pk])


def entry_data(world, criterion=None, **overrides):
    data = {
        "enterprise": world.ent_zhaoxian.pk,
        "grade": Hazard.Grade.MAJOR,
        "source": Hazard.Source.SUPERVISION,
        "criterion": criterion.pk if criterion else "",
        "description": "液氨储罐区紧急切断阀失效",
        "place": "2号储罐区",
        "found_date": "2024-05-06",
        "finder_name": "王强",
    }
    return {**data, **overrides}


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- Each role's pages ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "pages"),
    [
        ("township_staff", {"list": 200, "create": 200, "verify": 200, "stats": 200}),
        ("county_official", {"list": 200, "create": 403, "verify": 200, "stats": 200}),
        ("enterprise_user", {"list": 200, "create": 200, "verify": 200, "stats": 200}),
        ("dept_staff", {"list": 200, "create": 200, "verify": 200, "stats": 200}),
        ("province_admin", {"list": 200, "create": 200, "verify": 200, "stats": 200}),
        ("auditor", {"list": 200, "create": 403, "verify": 200, "stats": 200}),
    ],
)
def test_pages_render_for_each_role(who, pages, world, client_for):
    hazard_world(world)
    client = client_for(getattr(world, who))
    names = {
        "list": LIST,
        "create": CREATE,
        "verify": reverse("hazards:verify_queue"),
        "stats": reverse("hazards:hazard_stats"),
    }
    for page, expected in pages.items():
        assert client.get(names[page]).status_code == expected, page
    assert client.get(reverse("hazards:escalation_list")).status_code == 200


def test_the_ledger_shows_the_township_only(world, client_for):
    h = hazard_world(world)
    page = html(client_for(world.township_staff).get(LIST))
    assert h.own_hazard.ledger_number in page and "招贤镇液氯储罐区" in page
    assert "罗亭镇" not in page
    assert "共 1 条" in page
    county = html(client_for(world.county_official).get(LIST))
    assert "共 2 条" in county and "罗亭镇液氯储罐区" in county


def test_enterprise_user_sees_its_own_hazards_only(world, client_for, report):
    hazard_world(world)
    other = report(enterprise=world.ent_zhaoxian_2, description="脚手架连墙件缺失")
    page = html(client_for(world.enterprise_user).get(LIST))
    assert "招贤镇液氯储罐区" in page
    assert other.ledger_number not in page and "罗亭镇" not in page
    assert client_for(world.enterprise_user).get(other.get_absolute_url()).status_code == 404


def test_nav_links_the_ledger(world, client_for):
    page = html(client_for(world.township_staff).get(reverse("dashboard")))
    assert f'href="{LIST}"' in page and "隐患台账" in page


def test_dashboard_points_each_user_at_what_to_act_on(world, client_for, report, requested):
    """Officials get the overdue hazards of their scope and their queues (the figures come
    from the rollups); enterprise users get their own ledger card, without review queues."""
    hazards = hazard_world(world)  # 招贤镇's overdue hazard, 罗亭镇's
    page = html(client_for(world.township_staff).get(reverse("dashboard")))
    assert hazards.own_hazard.ledger_number in page
    assert hazards.sibling_hazard.ledger_number not in page
    assert f'href="{LIST}?queue=confirm"' in page and reverse("hazards:verify_queue") in page
    enterprise = html(client_for(world.enterprise_user).get(reverse("dashboard")))
    card = enterprise.split('id="hazards-title"')[1].split("</section>")[0]
    assert "待我确认" not in card and "待我审核销号" not in card


# --- Filters and counts --------------------------------------------------------------------


def test_counts_by_status_follow_the_other_filters(world, client_for, report, criterion):
    hazard_world(world)
    confirmed = services.confirm(
        report(description="可燃气体报警器失效"), user=world.township_staff, criterion=criterion
    )
    report(grade=Hazard.Grade.GENERAL, description="灭火器过期")
    client = client_for(world.township_staff)
    page = html(client.get(LIST))
    assert re.search(r"全部 <span[^>]*>3</span>", page)
    assert re.search(r"已确认 <span[^>]*>1</span>", page)
    # The status narrows the list; the counts stay those of the other filters.
    page = html(client.get(LIST, {"status": Status.CONFIRMED}))
    assert confirmed.ledger_number in page and "共 1 条" in page
    assert re.search(r"已上报 <span[^>]*>2</span>", page)
    page = html(client.get(LIST, {"grade": Hazard.Grade.MAJOR}))
    assert re.search(r"全部 <span[^>]*>2</span>", page)


@pytest.mark.parametrize(
    "params",
    [
        {"q": "罗亭"},
        {"q": "液氯"},
        {"within": "luoting"},
        {"within": "wanli"},
        {"enterprise": "ent_luoting"},
        {"overdue": "true"},
        {"listed": "false"},
        {"stock": "false"},
        {"found_after": "2024-01-01", "found_before": "2024-12-31"},
        {"deadline_after": "2024-06-01"},
    ],
    ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()),
)
def test_filters_never_reach_the_sibling(params, world, client_for):
    hazard_world(world)
    query = {
        key: getattr(getattr(world, value, None), "pk", value) for key, value in params.items()
    }
    response = client_for(world.township_staff).get(LIST, query)
    page = html(response)
    assert "罗亭镇液氯" not in page


def test_htmx_gets_the_results_only(world, client_for):
    h = hazard_world(world)
    client = client_for(world.township_staff)
    response = client.get(LIST, {"q": "液氯"}, headers={"HX-Target": "hazard-results"})
    page = html(response)
    assert "<html" not in page and h.own_hazard.ledger_number in page
    assert 'name="q"' not in page  # the filter form stays as the user is typing in it


def test_stats_default_to_the_highest_unit_in_scope(world, client_for):
    hazard_world(world)
    page = html(client_for(world.dept_staff).get(reverse("hazards:hazard_stats")))
    assert "谢家集区" in page and "谢家集街道" in page and "平山街道" in page
    assert "湾里管理局" not in page.split("<main")[1]


def test_filters_narrow_the_ledger(world, client_for, report):
    h = hazard_world(world)
    general = report(
        grade=Hazard.Grade.GENERAL, description="安全出口堵塞", found_date=date(2023, 5, 1)
    )
    client = client_for(world.county_official)
    page = html(client.get(LIST, {"stock": "true"}))
    assert general.ledger_number in page and h.own_hazard.ledger_number not in page
    page = html(client.get(LIST, {"overdue": "true"}))
    assert h.own_hazard.ledger_number in page and general.ledger_number not in page
    page = html(client.get(LIST, {"q": "安全出口"}))
    assert "共 1 条" in page
    page = html(client.get(LIST, {"within": world.luoting.pk}))
    assert h.sibling_hazard.ledger_number in page and h.own_hazard.ledger_number not in page
    page = html(client.get(LIST, {"enterprise": world.ent_zhaoxian.pk}))
    assert "单位：招贤镇化工有限公司" in page and "共 2 条" in page
    page = html(client.get(LIST, {"found_after": "not a date"}))
    assert "查询条件有误" in page


def test_voided_hazards_leave_the_ledger_until_asked_for(world, client_for):
    h = hazard_world(world)
    services.void_hazard(h.own_hazard, user=world.township_staff, reason="重复录入")
    client = client_for(world.township_staff)
    assert "共 0 条" in html(client.get(LIST))
    page = html(client.get(LIST, {"is_void": "true"}))
    assert h.own_hazard.ledger_number in page and "已作废" in page


# --- Entering a hazard ---------------------------------------------------------------------


def test_entry_form_is_phone_ready(world, client_for):
    page = html(client_for(world.township_staff).get(CREATE))
    assert 'enctype="multipart/form-data"' in page
    photos = re.search(r'<input type="file" name="files"[^>]*>', page).group(0)
    assert 'accept="image/*"' in photos and 'capture="environment"' in photos
    assert "multiple" in photos
    # Only the township's enterprises are offered.
    assert "招贤镇化工有限公司" in page and "招贤镇建筑工程有限公司" in page
    assert "罗亭镇化工有限公司" not in page
    assert "csrfmiddlewaretoken" in page


def test_enter_a_hazard_with_photos(world, client_for, criterion):
    client = client_for(world.township_staff)
    data = entry_data(world, criterion, files=[photo("现场1.jpg"), photo("现场2.jpg")])
    response = client.post(CREATE, data)
    hazard = Hazard.objects.get()
    assert response.status_code == 302 and response["Location"] == hazard.get_absolute_url()
    assert hazard.status == Status.REPORTED and hazard.reported_by == world.township_staff
    assert hazard.criterion == criterion and hazard.finder_name == "王强"
    files = list(hazard.files.all())
    assert [f.kind for f in files] == [HazardFile.Kind.FOUND] * 2
    assert {f.original_name for f in files} == {"现场1.jpg", "现场2.jpg"}

    page = html(client.get(hazard.get_absolute_url()))
    assert f"已登记隐患，台账编号{hazard.ledger_number}" in page
    for stored in files:
        assert f'src="{url("file_download", stored)}"' in page
        assert stored.file.url not in page  # never the media URL


def test_photos_are_served_in_scope_only(world, client_for):
    h = hazard_world(world)
    response = client_for(world.township_staff).get(url("file_download", h.own_file))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert (
        client_for(world.township_staff).get(url("file_download", h.sibling_file)).status_code
        == 404
    )
    assert client_for(world.outsider).get(url("file_download", h.own_file)).status_code == 404


def test_a_file_that_is_not_a_photo_is_refused_in_chinese(world, client_for, criterion):
    data = entry_data(world, criterion, files=[photo(), fake_photo()])
    page = html(client_for(world.township_staff).post(CREATE, data))
    assert "伪装照片.jpg" in page and "不是图片" in page
    assert not Hazard.objects.exists()


def test_entry_errors_are_shown_by_field(world, client_for):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    client = client_for(world.township_staff)
    page = html(client.post(CREATE, entry_data(world, description="")))
    assert "该字段是必填项" in page
    # The service's own checks land under their fields too.
    page = html(client.post(CREATE, entry_data(world, found_date=tomorrow)))
    assert re.search(
        r'name="found_date"[^>]*>\s*<div class="invalid-feedback d-block">发现日期不能晚于今天',
        page,
    )
    assert not Hazard.objects.exists()


def test_an_enterprise_out_of_scope_cannot_be_chosen(world, client_for, criterion):
    data = entry_data(world, criterion, enterprise=world.ent_luoting.pk)
    page = html(client_for(world.township_staff).post(CREATE, data))
    assert "选择一个有效的选项" in page
    assert not Hazard.objects.exists()


def test_enterprise_user_reports_for_itself_by_self_inspection(world, client_for):
    client = client_for(world.enterprise_user)
    page = html(client.get(CREATE))
    assert "招贤镇化工有限公司" in page and "招贤镇建筑工程有限公司" not in page
    # The fixed fields ignore what is posted.
    data = entry_data(
        world,
        enterprise=world.ent_zhaoxian_2.pk,
        source=Hazard.Source.ENFORCEMENT,
        grade=Hazard.Grade.GENERAL,
    )
    assert client.post(CREATE, data).status_code == 302
    hazard = Hazard.objects.get()
    assert hazard.enterprise == world.ent_zhaoxian
    assert hazard.source == Hazard.Source.SELF_INSPECTION


def test_criteria_follow_the_chosen_enterprise(world, client_for, criterion):
    client = client_for(world.township_staff)
    options = reverse("hazards:criterion_options")
    chemicals = client.get(options, {"enterprise": world.ent_zhaoxian.pk}).content.decode()
    assert criterion.standard in chemicals and "第十二项" in chemicals
    construction = client.get(options, {"enterprise": world.ent_zhaoxian_2.pk}).content.decode()
    assert criterion.standard not in construction and "房屋市政工程" in construction
    # Another township's enterprise: nothing (its industry is not even hinted at).
    sibling = client.get(options, {"enterprise": world.ent_luoting.pk}).content.decode()
    assert "<option" in sibling and criterion.standard not in sibling


def test_enterprise_search_for_large_scopes(world, client_for, monkeypatch):
    client = client_for(world.township_staff)
    assert 'id="enterprise-search"' not in html(client.get(CREATE))
    # More enterprises in scope than the select lists: the user searches.
    monkeypatch.setattr("hazards.forms.ENTERPRISE_CHOICES_SHOWN", 1)
    page = html(client.get(CREATE))
    assert 'id="enterprise-search"' in page
    options = reverse("hazards:enterprise_options")
    found = client.get(options, {"q": "建筑"}).content.decode()
    assert "招贤镇建筑工程有限公司" in found and "招贤镇化工有限公司" not in found
    assert "罗亭镇" not in client.get(options, {"q": "罗亭"}).content.decode()


def test_leaders_read_but_do_not_enter(world, client_for, criterion):
    client = client_for(world.county_official)
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, entry_data(world, criterion)).status_code == 403
    assert not Hazard.objects.exists()


# --- One hazard and its workflow -----------------------------------------------------------


def test_detail_shows_everything_and_the_timeline(world, client_for):
    h = hazard_world(world)
    page = html(client_for(world.township_staff).get(h.own_hazard.get_absolute_url()))
    for text in (
        h.own_hazard.ledger_number,
        "招贤镇化工有限公司",
        "招贤镇甲类储罐区",
        "督导检查发现",
        "更换报警探头并与紧急切断阀联锁",
        "8.00 万元",
        "2024-06-30",
        "逾期",
        # The timeline: the report, the notices to 主要负责人 张三 and 实际控制人 李四.
        "上报",
        "告知张三（短信）",
        "告知李四（短信）",
    ):
        assert text in page, text


def test_timeline_shows_each_steps_changes_under_it(world, client_for, report, criterion):
    # Reported, confirmed and planned by the same person within a second or two.
    hazard = report(grade=Hazard.Grade.GENERAL)
    hazard = services.confirm(
        hazard, user=world.township_staff, grade=Hazard.Grade.MAJOR, criterion=criterion
    )
    services.set_rectification_plan(hazard, plan(), user=world.township_staff)
    services.update_hazard(
        hazard, {"place": "3号储罐区"}, user=world.township_staff, expected_version=3
    )
    page = html(client_for(world.township_staff).get(hazard.get_absolute_url()))
    timeline = page.split('class="list-unstyled mb-0 hazard-timeline"')[1].split("</ol>")[0]
    items = timeline.split('<li class="pb-2 mb-2 border-bottom">')[1:]
    by_title = {
        re.search(r'<span class="badge[^"]*">([^<]+)</span>', item).group(1): item for item in items
    }
    assert "整改责任人" in by_title["制定整改方案"] and "张伟" in by_title["制定整改方案"]
    assert "隐患等级" in by_title["确认"] and "重大事故隐患" in by_title["确认"]
    assert "整改责任人" not in by_title["上报"] and "隐患等级" not in by_title["上报"]
    assert "3号储罐区" in by_title["修改"]


def test_buttons_are_those_the_user_may_take(world, client_for, report):
    hazard = report()
    staff = html(client_for(world.township_staff).get(hazard.get_absolute_url()))
    assert url("hazard_confirm", hazard) in staff and url("hazard_void", hazard) in staff
    assert url("hazard_close", hazard) not in staff
    leader = html(client_for(world.county_official).get(hazard.get_absolute_url()))
    assert url("hazard_confirm", hazard) in leader and url("hazard_update", hazard) not in leader
    enterprise = html(client_for(world.enterprise_user).get(hazard.get_absolute_url()))
    assert url("hazard_confirm", hazard) not in enterprise
    assert url("hazard_plan", hazard) in enterprise


def test_the_whole_workflow_through_the_pages(world, client_for, criterion):
    staff, enterprise, leader = (
        client_for(world.township_staff),
        client_for(world.enterprise_user),
        client_for(world.county_official),
    )
    staff.post(CREATE, entry_data(world, criterion, files=[photo()]))
    hazard = Hazard.objects.get()

    def post(client, name, data=None, **extra):
        hazard.refresh_from_db()
        data = {"expected_version": hazard.version, **(data or {})}
        response = client.post(url(name, hazard), data, **extra)
        assert response.status_code == 302, response.content.decode()[:3000]
        hazard.refresh_from_db()
        return response

    post(staff, "hazard_confirm", {"grade": Hazard.Grade.MAJOR, "criterion": criterion.pk})
    assert hazard.status == Status.CONFIRMED
    deadline = (timezone.localdate() + timedelta(days=30)).isoformat()
    post(enterprise, "hazard_plan", {**plan(), "deadline": deadline})
    assert hazard.rectification_plan_complete
    post(enterprise, "hazard_start")
    assert hazard.status == Status.RECTIFYING
    post(enterprise, "hazard_request_close_out", {"note": "已更换", "files": [photo("整改后.jpg")]})
    assert hazard.status == Status.CLOSE_OUT_REQUESTED
    assert hazard.files.filter(kind=HazardFile.Kind.AFTER).count() == 1

    queue = html(leader.get(reverse("hazards:verify_queue")))
    assert hazard.ledger_number in queue and url("hazard_close", hazard) in queue
    close_page = html(leader.get(url("hazard_close", hazard)))
    assert "审核意见" in close_page
    response = post(leader, "hazard_close", {"note": "现场复核，已整改到位"})
    assert hazard.status == Status.CLOSED and hazard.verified_by == world.county_official

    page = html(leader.get(response["Location"]))
    assert "隐患已销号。" in page and "现场复核，已整改到位" in page
    for step in ("上报", "确认", "制定整改方案", "开始整改", "申请销号", "审核销号"):
        assert step in page
    # The plan's values are shown under its step in the timeline.
    assert "整改责任人" in page and "张伟" in page


def test_start_without_the_five_implementations_is_refused(world, client_for, report, criterion):
    hazard = services.confirm(report(), user=world.township_staff, criterion=criterion)
    client = client_for(world.township_staff)
    page = html(client.get(url("hazard_start", hazard)))
    assert "五落实不完整" in page and 'type="submit"' not in page.split("<main")[1]
    response = client.post(url("hazard_start", hazard), {"expected_version": hazard.version})
    assert response.status_code == 200
    assert (
        "五落实不完整，缺少：整改责任人、整改措施、整改资金、整改时限、应急预案"
        in response.content.decode()
    )
    hazard.refresh_from_db()
    assert hazard.status == Status.CONFIRMED


def test_close_out_without_evidence_is_refused(world, client_for, rectifying):
    client = client_for(world.enterprise_user)
    response = client.post(
        url("hazard_request_close_out", rectifying),
        {"expected_version": rectifying.version, "note": "已整改"},
    )
    assert "申请销号须上传整改后照片或佐证材料" in html(response)
    rectifying.refresh_from_db()
    assert rectifying.status == Status.RECTIFYING


def test_close_out_with_a_pdf(world, client_for, rectifying):
    client = client_for(world.enterprise_user)
    response = client.post(
        url("hazard_request_close_out", rectifying),
        {"expected_version": rectifying.version, "files": [pdf()]},
    )
    assert response.status_code == 302
    assert rectifying.files.get().kind == HazardFile.Kind.EVIDENCE


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("township_staff", "审核销号须由隐患所在地的上级单位或行业主管部门办理"),
        ("enterprise_user", "审核销号须由隐患所在地的上级单位或行业主管部门办理"),
    ],
)
def test_who_may_not_close_is_told_why(who, message, world, client_for, requested):
    client = client_for(getattr(world, who))
    page = html(client.get(url("hazard_close", requested)))
    assert message in page
    response = client.post(
        url("hazard_close", requested), {"expected_version": requested.version, "note": "同意"}
    )
    assert message in html(response)
    requested.refresh_from_db()
    assert requested.status == Status.CLOSE_OUT_REQUESTED


def test_the_reporter_may_not_close_their_own_report(world, client_for, report, criterion):
    # The province's admin reports (and could verify a township's hazard) — but not this one.
    hazard = report(user=world.province_admin)
    hazard = services.confirm(hazard, user=world.township_staff, criterion=criterion)
    hazard = services.set_rectification_plan(hazard, plan(), user=world.township_staff)
    hazard = services.start_rectification(hazard, user=world.township_staff)
    hazard = services.request_close_out(hazard, user=world.township_staff, files=[photo()])
    client = client_for(world.province_admin)
    assert hazard.ledger_number not in html(client.get(reverse("hazards:verify_queue")))
    response = client.post(
        url("hazard_close", hazard), {"expected_version": hazard.version, "note": "同意销号"}
    )
    assert "隐患上报人不能审核销号本人上报的隐患" in html(response)
    hazard.refresh_from_db()
    assert hazard.status == Status.CLOSE_OUT_REQUESTED


def test_closing_needs_a_note(world, client_for, requested):
    response = client_for(world.county_official).post(
        url("hazard_close", requested), {"expected_version": requested.version, "note": ""}
    )
    assert "该字段是必填项" in html(response)


def test_return_at_close_out(world, client_for, requested):
    client = client_for(world.county_official)
    response = client.post(
        url("hazard_return", requested),
        {"expected_version": requested.version, "reason": "整改后照片不清晰"},
    )
    assert response.status_code == 302
    requested.refresh_from_db()
    assert requested.status == Status.RECTIFYING
    page = html(client.get(requested.get_absolute_url()))
    assert "已退回：整改后照片不清晰" in page


def test_list_for_supervision_and_delist(world, client_for, rectifying):
    client = client_for(world.county_official)
    form = html(client.get(url("hazard_list_supervision", rectifying)))
    assert "湾里管理局" in form and "罗亭镇" not in form
    response = client.post(
        url("hazard_list_supervision", rectifying),
        {
            "expected_version": rectifying.version,
            "level": Hazard.ListedLevel.COUNTY,
            "unit": world.wanli.pk,
            "listed_date": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    rectifying.refresh_from_db()
    assert rectifying.listed_supervision and rectifying.listed_unit == world.wanli
    page = html(client.get(rectifying.get_absolute_url()))
    assert "县级挂牌" in page and url("hazard_delist", rectifying) in page
    response = client.post(
        url("hazard_delist", rectifying),
        {"expected_version": rectifying.version, "note": "整改完成"},
    )
    rectifying.refresh_from_db()
    assert response.status_code == 302 and not rectifying.listed_supervision


def test_listing_a_general_hazard_is_refused(world, client_for, report):
    hazard = report(grade=Hazard.Grade.GENERAL)
    page = html(client_for(world.county_official).get(url("hazard_list_supervision", hazard)))
    assert "只有重大事故隐患才能挂牌督办" in page


def test_void_and_restore(world, client_for, report):
    hazard = report()
    client = client_for(world.township_staff)
    response = client.post(url("hazard_void", hazard), {"expected_version": hazard.version})
    assert "该字段是必填项" in html(response)
    client.post(
        url("hazard_void", hazard), {"expected_version": hazard.version, "reason": "重复录入"}
    )
    hazard.refresh_from_db()
    assert hazard.is_void
    page = html(client.get(hazard.get_absolute_url()))
    assert "已作废：重复录入" in page and url("hazard_restore", hazard) in page
    client.post(url("hazard_restore", hazard), {"expected_version": hazard.version})
    hazard.refresh_from_db()
    assert not hazard.is_void and Hazard.objects.filter(pk=hazard.pk).exists()


def test_extra_photos(world, client_for, report):
    hazard = report()
    client = client_for(world.township_staff)
    response = client.post(
        url("hazard_add_files", hazard), {"kind": HazardFile.Kind.FOUND, "files": [photo()]}
    )
    assert "已上传1个文件" in " ".join(messages_of(client.get(response["Location"])))
    assert hazard.files.count() == 1
    response = client.post(
        url("hazard_add_files", hazard), {"kind": HazardFile.Kind.FOUND, "files": [fake_photo()]}
    )
    page = html(client.get(response["Location"]))
    assert "不是图片" in page and hazard.files.count() == 1


# --- Stale pages ---------------------------------------------------------------------------


def test_stale_edit_is_a_conflict_never_an_overwrite(world, client_for, report, criterion):
    hazard = report()
    client = client_for(world.township_staff)
    form = html(client.get(url("hazard_update", hazard)))
    assert f'name="expected_version" value="{hazard.version}"' in form
    # Someone else saves first.
    services.update_hazard(
        hazard, {"place": "3号储罐区"}, user=world.township_staff, expected_version=hazard.version
    )
    data = {
        "expected_version": hazard.version,
        "grade": Hazard.Grade.MAJOR,
        "criterion": criterion.pk,
        "description": "我的修改",
        "place": "2号储罐区",
        "found_date": "2024-05-06",
        "finder_name": "王强",
    }
    response = client.post(url("hazard_update", hazard), data)
    assert response.status_code == 409
    assert "该隐患已被他人修改" in response.content.decode()
    hazard.refresh_from_db()
    assert hazard.place == "3号储罐区" and hazard.description != "我的修改"
    # With the current version the same edit goes through.
    data["expected_version"] = hazard.version
    assert client.post(url("hazard_update", hazard), data).status_code == 302
    hazard.refresh_from_db()
    assert hazard.description == "我的修改"
    page = html(client.get(hazard.get_absolute_url()))
    assert "修改" in page and "我的修改" in page


def test_a_step_on_a_stale_page_is_a_conflict(world, client_for, report, criterion):
    hazard = report()
    stale = hazard.version
    services.confirm(hazard, user=world.township_staff, criterion=criterion)
    response = client_for(world.township_staff).post(
        url("hazard_void", hazard), {"expected_version": stale, "reason": "重复"}
    )
    assert response.status_code == 409 and "该隐患已被他人修改" in response.content.decode()
    hazard.refresh_from_db()
    assert not hazard.is_void


def test_enterprise_user_edits_its_report_without_the_grade(world, client_for, report):
    hazard = report(user=world.enterprise_user, source=Hazard.Source.SELF_INSPECTION)
    client = client_for(world.enterprise_user)
    form = html(client.get(url("hazard_update", hazard)))
    assert 'name="description"' in form and 'name="grade"' not in form
    data = {
        "expected_version": hazard.version,
        "description": "更正后的描述",
        "place": "",
        "found_date": "2024-05-06",
        "finder_name": "",
    }
    assert client.post(url("hazard_update", hazard), data).status_code == 302
    hazard.refresh_from_db()
    assert hazard.description == "更正后的描述"


# --- Out of scope --------------------------------------------------------------------------


def test_out_of_scope_hazards_are_404_on_every_page(world, client_for):
    h = hazard_world(world)
    client = client_for(world.township_staff)
    for name in ("hazard_detail", "hazard_update", "hazard_confirm", "hazard_close", "hazard_void"):
        assert client.get(url(name, h.sibling_hazard)).status_code == 404, name
        assert client.post(url(name, h.sibling_hazard), {"reason": "x"}).status_code == 404, name
    h.sibling_hazard.refresh_from_db()
    assert not h.sibling_hazard.is_void


# --- Escalations ---------------------------------------------------------------------------


def test_escalations_are_issued_by_a_superior(world, client_for):
    h = hazard_world(world)
    staff = client_for(world.township_staff)
    page = html(staff.get(reverse("hazards:escalation_list")))
    assert h.own_hazard.ledger_number in page and "罗亭镇" not in page
    assert url("escalation_issue", h.own_escalation) not in page
    denied = staff.post(url("escalation_issue", h.own_escalation))
    assert "督办措施须由隐患所在地的上级单位发出，您无权办理。" in messages_of(
        staff.get(denied["Location"])
    )
    h.own_escalation.refresh_from_db()
    assert h.own_escalation.status == Escalation.Status.PROPOSED

    leader = client_for(world.county_official)
    page = html(leader.get(reverse("hazards:escalation_list")))
    assert url("escalation_issue", h.own_escalation) in page
    response = leader.post(url("escalation_issue", h.own_escalation), {"note": "限期7日内整改"})
    assert "已发出函告。" in messages_of(leader.get(response["Location"]))
    h.own_escalation.refresh_from_db()
    assert h.own_escalation.status == Escalation.Status.ISSUED
    assert h.own_escalation.issuing_unit == world.wanli
    issued = html(leader.get(reverse("hazards:escalation_list"), {"status": "issued"}))
    assert "限期7日内整改" in issued


def test_dismissing_an_escalation_needs_a_reason(world, client_for):
    h = hazard_world(world)
    leader = client_for(world.county_official)
    response = leader.post(url("escalation_dismiss", h.sibling_escalation), {"note": ""})
    assert "请说明不予采取的理由" in " ".join(messages_of(leader.get(response["Location"])))
    leader.post(url("escalation_dismiss", h.sibling_escalation), {"note": "已在整改，延期获批"})
    h.sibling_escalation.refresh_from_db()
    assert h.sibling_escalation.status == Escalation.Status.DISMISSED


# --- Excel in and out ----------------------------------------------------------------------


def ledger_numbers(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    column = header.index("台账编号")
    return {row[column] for row in sheet.iter_rows(min_row=2, values_only=True)}


def test_export_is_the_filtered_ledger_in_scope(world, client_for, report):
    h = hazard_world(world)
    general = report(grade=Hazard.Grade.GENERAL, description="灭火器过期")
    client = client_for(world.township_staff)
    export = reverse("hazards:hazard_export")
    assert ledger_numbers(client.get(export)) == {h.own_hazard.ledger_number, general.ledger_number}
    assert ledger_numbers(client.get(export, {"grade": "general"})) == {general.ledger_number}
    assert ledger_numbers(client.get(export, {"within": world.luoting.pk})) == set()
    list_page = html(client.get(LIST, {"grade": "general"}))
    assert f'href="{export}?grade=general"' in list_page


def test_import_template_and_page(world, client_for):
    client = client_for(world.township_staff)
    page = html(client.get(reverse("hazards:hazard_import")))
    assert reverse("hazards:hazard_import_template") in page
    response = client.get(reverse("hazards:hazard_import_template"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert "统一社会信用代码" in [cell.value for cell in sheet[1]]
    assert (
        client_for(world.county_official).get(reverse("hazards:hazard_import")).status_code == 403
    )


def import_header(client):
    response = client.get(reverse("hazards:hazard_import_template"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    return [cell.value for cell in sheet[1]]


def ledger_row(header, **values):
    return [values.get(title, "") for title in header]


def xlsx(content, name="隐患台账.xlsx"):
    return SimpleUploadedFile(
        name,
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def test_import_lists_errors_by_row_and_column_and_writes_nothing(world, client_for):
    client = client_for(world.township_staff)
    header = import_header(client)
    good = {
        "统一社会信用代码": world.ent_zhaoxian.credit_code,
        "隐患等级": "一般事故隐患",
        "发现渠道": "督导检查发现",
        "隐患描述": "消防通道堵塞",
        "发现日期": "2024-03-01",
    }
    rows = [
        ledger_row(header, **good),
        ledger_row(header, **{**good, "发现日期": "明天"}),
        ledger_row(header, **{**good, "统一社会信用代码": world.ent_luoting.credit_code}),
    ]
    response = client.post(
        reverse("hazards:hazard_import"), {"file": xlsx(workbook_bytes(rows, header))}
    )
    page = html(response)
    assert "未导入任何数据" in page
    assert "第3行" in page and "发现日期" in page
    assert "第4行" in page
    assert not Hazard.objects.exists()

    response = client.post(
        reverse("hazards:hazard_import"), {"file": xlsx(workbook_bytes(rows[:1], header))}
    )
    assert response.status_code == 302
    assert "导入完成：新增1条" in " ".join(messages_of(client.get(response["Location"])))
    assert Hazard.objects.get().description == "消防通道堵塞"


def test_import_refuses_a_file_that_is_not_excel(world, client_for):
    fake = xlsx(b"this is not a workbook", name="台账.xlsx")
    page = html(
        client_for(world.township_staff).post(reverse("hazards:hazard_import"), {"file": fake})
    )
    assert "整个文件" in page and "未导入任何数据" in page


# --- Statistics ----------------------------------------------------------------------------


def test_stats_by_region_and_industry(world, client_for, report):
    hazard_world(world)
    report(enterprise=world.ent_zhaoxian_2, grade=Hazard.Grade.GENERAL, description="临边防护缺失")
    client = client_for(world.county_official)
    page = html(client.get(reverse("hazards:hazard_stats")))
    # The county's townships are the rows, the industries with hazards the columns.
    table = page.split('id="table-title"')[1].split("</table>")[0]
    for text in ("招贤镇", "罗亭镇", "太平镇", "危险化学品", "建筑施工"):
        assert text in table, text
    assert 'id="stats-data"' in page and "vendor/echarts/echarts.min.js" in page
    assert "cdn" not in page.lower()
    # A township's row leads down to it: its two hazards, one of them overdue.
    assert f'href="?unit={world.zhaoxian.pk}"' in table
    town = html(client.get(reverse("hazards:hazard_stats"), {"unit": world.zhaoxian.pk}))
    assert "罗亭镇" not in town.split("<main")[1]
    assert stat(town, "发现隐患") == 2 and stat(town, "逾期未整改") == 1


def stat(page, title) -> int:
    return int(re.search(rf"{title}</div>\s*<div class=\"stat-value[^\"]*\">(\d+)", page).group(1))


def test_stats_of_a_unit_out_of_scope_are_refused(world, client_for):
    hazard_world(world)
    client = client_for(world.township_staff)
    page = html(client.get(reverse("hazards:hazard_stats"), {"unit": world.luoting.pk}))
    assert "罗亭镇" not in page.split("<main")[1]
    assert "提交的内容有误" in page or "选择一个有效的选项" in page


# --- Query budgets -------------------------------------------------------------------------


def add_hazards(world, count, enterprise=None, user=None):
    enterprise = enterprise or world.ent_luoting
    for index in range(count):
        services.report_hazard(
            {
                "enterprise": enterprise,
                "grade": Hazard.Grade.GENERAL,
                "source": Hazard.Source.SUPERVISION,
                "description": f"测试隐患{index}",
                "found_date": date(2024, 5, 6),
            },
            user=user or world.township_staff_b,
        )


def test_ledger_list_1_vs_30_rows(world, client_for):
    add_hazards(world, 1)
    client = client_for(world.township_staff_b)
    assert_constant_queries(client, LIST, lambda: add_hazards(world, 29))
    assert_constant_queries(
        client, LIST + "?q=测试&grade=general&status=reported", lambda: add_hazards(world, 3)
    )


def test_export_1_vs_30_rows(world, client_for):
    add_hazards(world, 1)
    client = client_for(world.township_staff_b)
    assert_constant_queries(
        client, reverse("hazards:hazard_export"), lambda: add_hazards(world, 29)
    )


def test_detail_1_vs_many_steps(world, client_for, requested):
    client = client_for(world.county_official)

    def more_steps():
        for index in range(5):
            services.return_hazard(requested, user=world.county_official, reason=f"退回{index}")
            services.request_close_out(requested, user=world.enterprise_user, files=[photo()])

    assert_constant_queries(client, requested.get_absolute_url(), more_steps)


def test_verify_queue_1_vs_30(world, client_for, rectifying):
    def request_more(count):
        for _index in range(count):
            add_hazards(world, 1, enterprise=world.ent_zhaoxian, user=world.township_staff)
        for hazard in Hazard.objects.filter(status=Status.REPORTED):
            hazard = services.confirm(hazard, user=world.township_staff, grade="general")
            hazard = services.set_rectification_plan(hazard, plan(), user=world.township_staff)
            hazard = services.start_rectification(hazard, user=world.township_staff)
            services.request_close_out(hazard, user=world.township_staff, files=[photo()])

    services.request_close_out(rectifying, user=world.enterprise_user, files=[photo()])
    client = client_for(world.county_official)
    assert_constant_queries(client, reverse("hazards:verify_queue"), lambda: request_more(10))


def test_escalations_and_stats_1_vs_30(world, client_for):
    from hazards.tasks import mark_overdue_and_escalate

    hazard_world(world)

    def overdue_more():
        for index in range(10):
            hazard = services.report_hazard(
                {
                    "enterprise": world.ent_zhaoxian_2,
                    "grade": Hazard.Grade.GENERAL,
                    "source": Hazard.Source.SUPERVISION,
                    "description": f"逾期隐患{index}",
                    "found_date": date(2024, 5, 6),
                    **plan(deadline=date(2024, 6, 30)),
                },
                user=world.township_staff,
            )
            assert hazard.pk
        mark_overdue_and_escalate(today="2024-07-01")

    client = client_for(world.county_official)
    assert_constant_queries(client, reverse("hazards:escalation_list"), overdue_more)
    assert_constant_queries(client, reverse("hazards:hazard_stats"), lambda: add_hazards(world, 10))
