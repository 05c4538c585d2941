"""The campaign pages: who sees what, forms and their Chinese errors, derive → report → review,
import preview → confirm, completion drill-down, checklists, and query budgets.

湾里管理局 (county) issues a plan whose quarterly task is assigned to 招贤镇 (township_staff)
and 罗亭镇 (township_staff_b); county_official is the county's leader who reviews.
"""

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns import services
from campaigns.models import (
    Assignment,
    Campaign,
    Checklist,
    Plan,
    ProgressReport,
    Slot,
    Task,
)
from orgs import services as org_services
from orgs.constants import Role
from tests.factories import UserFactory
from tests.web.conftest import assert_constant_queries, html

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
# A 1×1 PNG: what a phone camera's photo looks like to the upload checks.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
COUNTY_PLAN = "湾里管理局安全生产治本攻坚三年行动实施方案"
TASK_TEXT = "每季度开展一次安全生产隐患排查整治，建立问题隐患和整改责任“两个清单”"


def staff_of(unit, username, role=Role.STAFF):
    user = UserFactory(username=username)
    org_services.add_membership(user=user, org_unit=unit, role=role, granted_by=None)
    return user


def photo(name="现场照片.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def build_county_plan(world):
    """The county's issued plan: one quarterly task for 招贤镇 and 罗亭镇, and one with a
    deadline for 招贤镇 alone. Issued in spring 2024, so its first quarters are overdue."""
    county_staff = staff_of(world.wanli, "county_staff")
    plan = services.create_plan(
        user=county_staff,
        org_unit=world.wanli,
        campaign=Campaign.objects.get(),
        title=COUNTY_PLAN,
        document_number="湾管字〔2024〕8号",
        issue_date=date(2024, 4, 1),
    )
    quarterly = services.add_task(
        plan,
        {"number": "1", "title": "排查整治", "text": TASK_TEXT, "recurrence": "quarterly"},
        user=county_staff,
    )
    yearly = services.add_task(
        plan,
        {"number": "2", "text": "2025年底前完成应急预案修订", "deadline": date(2025, 12, 31)},
        user=county_staff,
    )
    services.assign_task(quarterly, [world.zhaoxian, world.luoting], user=county_staff)
    services.assign_task(yearly, [world.zhaoxian], user=county_staff)
    services.issue_plan(plan, user=county_staff)
    return SimpleNamespace(county_staff=county_staff, plan=plan, quarterly=quarterly, yearly=yearly)


def first_slot(task, unit):
    return Slot.objects.filter(assignment__task=task, org_unit=unit).order_by("due_date").first()


@pytest.fixture
def county(world):
    return build_county_plan(world)


@pytest.fixture
def luoting(world, county):
    """罗亭镇's own derived plan and a report with a photo: what 招贤镇 must never see."""
    plan = services.derive_plan(
        user=world.township_staff_b, parent_plan=county.plan, org_unit=world.luoting
    )
    report = services.submit_progress_report(
        first_slot(county.quarterly, world.luoting),
        user=world.township_staff_b,
        text="罗亭镇已完成第二季度排查",
        percent_done=40,
        files=[photo("罗亭镇照片.png")],
    )
    return SimpleNamespace(plan=plan, report=report, attachment=report.attachments.get())


def url(name, *args):
    return reverse(f"campaigns:{name}", args=args)


# --- Plan list and tree ----------------------------------------------------------------------


def test_plan_list_shows_own_and_assigning_plans_never_the_siblings(world, client_for, luoting):
    page = html(client_for(world.township_staff).get(url("plan_list")))
    assert COUNTY_PLAN in page  # the superior's plan that assigns 招贤镇 tasks
    assert luoting.plan.title not in page
    county_page = html(client_for(world.county_official).get(url("plan_list")))
    assert COUNTY_PLAN in county_page and luoting.plan.title in county_page
    assert "从上级方案派生" not in county_page  # leaders review, they do not write plans


def test_plan_tree_shows_assignments_in_their_state_colours(world, client_for, county):
    page = html(client_for(world.county_official).get(county.plan.get_absolute_url()))
    assert TASK_TEXT[:20] in page and "湾管字〔2024〕8号" in page
    assert "招贤镇" in page and "罗亭镇" in page
    # Issued in April 2024: the quarterly task's early quarters are past and unreported.
    assert re.search(r'text-bg-danger">已逾期</span>\s*招贤镇', page)
    assert "印发方案" not in page and "备案" not in page  # already issued; no parent to file with


def test_township_reads_the_county_plan_but_only_its_own_assignments(world, client_for, county):
    page = html(client_for(world.township_staff).get(county.plan.get_absolute_url()))
    assert TASK_TEXT[:20] in page
    assert "招贤镇" in page and "罗亭镇" not in page
    assert url("task_create", county.plan.pk) not in page  # reads, never edits


def test_plan_pages_of_another_area_are_404(world, client_for, county, luoting):
    township = client_for(world.township_staff)
    for page in ("plan_detail", "completion", "plan_update", "task_create"):
        assert township.get(url(page, luoting.plan.pk)).status_code == 404
    assert client_for(world.dept_staff).get(county.plan.get_absolute_url()).status_code == 404
    # The superior's plan is read-only for the township: its edit pages are 404 too.
    assert township.get(url("plan_update", county.plan.pk)).status_code == 404
    assert township.post(url("plan_issue", county.plan.pk)).status_code == 404


def test_issue_and_file_buttons_follow_the_roles(world, client_for, county):
    township = client_for(world.township_staff)
    township.post(url("plan_derive"), {"parent": county.plan.pk, "org_unit": world.zhaoxian.pk})
    plan = Plan.objects.get(org_unit=world.zhaoxian)
    page = html(township.get(plan.get_absolute_url()))
    assert "印发方案" in page and "备案" not in page

    township.post(url("plan_issue", plan.pk), follow=True)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.ISSUED
    # Filing is the superior's: not for the township itself …
    assert "备案" not in html(township.get(plan.get_absolute_url()))
    response = township.post(url("plan_file", plan.pk), follow=True)
    assert "只有上级单位的领导或管理员才能为方案备案。" in html(response)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.ISSUED
    # … but for the county's leader.
    leader = client_for(world.county_official)
    assert "备案" in html(leader.get(plan.get_absolute_url()))
    page = html(leader.post(url("plan_file", plan.pk), follow=True))
    assert "方案已备案。" in page
    plan.refresh_from_db()
    assert plan.status == Plan.Status.FILED and plan.filed_by == world.county_official


# --- Create, derive, edit ----------------------------------------------------------------------


def test_create_plan_shows_chinese_errors_and_writes_nothing(world, client_for):
    client = client_for(world.township_staff)
    form = html(client.get(url("plan_create")))
    assert "招贤镇" in form and "罗亭镇" not in form  # only the user's own unit
    campaign = Campaign.objects.get()
    bad = {"org_unit": world.zhaoxian.pk, "campaign": campaign.pk, "title": ""}
    page = html(client.post(url("plan_create"), bad))
    assert "该字段是必填项。" in page
    foreign = {**bad, "title": "罗亭镇方案", "org_unit": world.luoting.pk}
    assert "选择一个有效的选项" in html(client.post(url("plan_create"), foreign))
    assert not Plan.objects.exists()

    good = {**bad, "title": "招贤镇安全生产治本攻坚三年行动实施方案"}
    response = client.post(url("plan_create"), good)
    plan = Plan.objects.get()
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    assert plan.org_unit == world.zhaoxian and plan.created_by == world.township_staff


def test_pages_that_add_plans_are_403_for_leaders(world, client_for):
    client = client_for(world.county_official)
    for page in ("plan_create", "plan_derive", "plan_import"):
        assert client.get(url(page)).status_code == 403


def test_derive_lists_the_superior_plan_and_copies_its_tasks(world, client_for, county):
    client = client_for(world.township_staff)
    page = html(client.get(url("plan_derive")))
    assert COUNTY_PLAN in page and "分派给招贤镇的任务 2 项" in page
    assert "生成招贤镇的实施方案" in page

    response = client.post(
        url("plan_derive"), {"parent": county.plan.pk, "org_unit": world.zhaoxian.pk}
    )
    plan = Plan.objects.get(org_unit=world.zhaoxian)
    assert response["Location"] == plan.get_absolute_url()
    assert plan.parent == county.plan and plan.title.startswith("招贤镇")
    assert {t.origin for t in plan.tasks.all()} == {county.quarterly, county.yearly}
    # Derived once: the page now links to it instead of offering the button again.
    page = html(client.get(url("plan_derive")))
    assert "查看已派生的本级方案" in page and "生成招贤镇的实施方案" not in page


def test_derive_refuses_a_plan_or_unit_out_of_reach(world, client_for, county, luoting):
    client = client_for(world.township_staff)
    response = client.post(
        url("plan_derive"), {"parent": county.plan.pk, "org_unit": world.luoting.pk}, follow=True
    )
    assert "选择一个有效的选项" in html(response)
    response = client.post(
        url("plan_derive"), {"parent": luoting.plan.pk, "org_unit": world.zhaoxian.pk}, follow=True
    )
    assert "选择一个有效的选项" in html(response)
    assert not Plan.objects.filter(org_unit=world.zhaoxian).exists()


def test_edit_plan_particulars_with_a_stale_version(world, client_for, county):
    client = client_for(county.county_staff)
    plan = county.plan
    form = html(client.get(url("plan_update", plan.pk)))
    assert "湾管字〔2024〕8号" in form
    data = {"title": plan.title, "document_number": "湾管字〔2024〕9号", "version": plan.version}
    services.update_plan(plan, {"title": plan.title + "（修订）"}, user=county.county_staff)
    response = client.post(url("plan_update", plan.pk), data)
    assert response.status_code == 409
    assert "该方案已被他人修改，请刷新后重新编辑。" in response.content.decode()
    plan.refresh_from_db()
    assert plan.document_number == "湾管字〔2024〕8号"
    data["version"] = plan.version
    assert client.post(url("plan_update", plan.pk), data).status_code == 302
    plan.refresh_from_db()
    assert plan.document_number == "湾管字〔2024〕9号"


# --- Tasks -----------------------------------------------------------------------------------


def task_data(**overrides):
    data = {
        "action": "",
        "number": "3",
        "title": "",
        "text": "开展燃气安全专项整治",
        "lead_unit": "",
        "deadline": "2024-12-31",
        "deadline_phrase": "2024年底前",
        "recurrence": "",
        "times_per_period": "",
        "target": "",
    }
    return {**data, **overrides}


def test_task_page_for_the_responsible_unit_and_for_the_plans_owner(world, client_for, county):
    task = county.quarterly
    page = html(client_for(world.township_staff).get(task.get_absolute_url()))
    assert "本单位待报送" in page and "2024Q2" in page
    assert url("report_create", first_slot(task, world.zhaoxian).pk) in page
    assert "罗亭镇" not in page and url("task_update", task.pk) not in page
    page = html(client_for(county.county_staff).get(task.get_absolute_url()))
    assert "招贤镇" in page and "罗亭镇" in page and "本单位待报送" not in page
    assert url("task_update", task.pk) in page and url("task_assign", task.pk) in page


def test_add_task_errors_in_chinese_then_saved(world, client_for, county):
    client = client_for(county.county_staff)
    create = url("task_create", county.plan.pk)
    form = html(client.get(create))
    assert "罗亭镇" in form and "谢家集区" not in form  # lead unit: the county and below
    count = Task.objects.count()
    page = html(client.post(create, task_data(deadline="2030-12-31")))
    assert "完成时限应在2024-01-01至2026-12-31之间。" in page
    page = html(client.post(create, task_data(times_per_period="2")))
    assert "只有周期性任务才填写每周期次数。" in page
    page = html(client.post(create, task_data(text="")))
    assert "该字段是必填项。" in page
    page = html(client.post(create, task_data(lead_unit=world.chenying.pk)))
    assert "选择一个有效的选项" in page
    assert Task.objects.count() == count

    response = client.post(create, task_data(lead_unit=world.zhaoxian.pk))
    task = Task.objects.get(plan=county.plan, number="3")
    assert response["Location"] == task.get_absolute_url()
    assert task.lead_unit == world.zhaoxian and task.deadline == date(2024, 12, 31)


def test_edit_task_with_a_stale_version_writes_nothing(world, client_for, county):
    client = client_for(county.county_staff)
    task = county.yearly
    edit = url("task_update", task.pk)
    assert "2025年底前完成应急预案修订" in html(client.get(edit))
    data = task_data(number="2", text="修订完善应急预案", version=task.version)
    services.update_task(task, {"target": "预案修订率100%"}, user=county.county_staff)
    response = client.post(edit, data)
    assert response.status_code == 409
    assert "该任务已被他人修改，请刷新后重新编辑。" in response.content.decode()
    task.refresh_from_db()
    assert task.text == "2025年底前完成应急预案修订"
    data["version"] = task.version
    assert client.post(edit, data).status_code == 302
    task.refresh_from_db()
    assert task.text == "修订完善应急预案"


def test_assign_offers_only_units_below_the_plans_owner(world, client_for, county):
    client = client_for(county.county_staff)
    assign = url("task_assign", county.yearly.pk)
    form = html(client.get(assign))
    assert "太平镇" in form and "陈营镇" not in form and "湾里管理局</label>" not in form
    page = html(client.post(assign, {"org_units": [world.chenying.pk]}))
    assert "选择一个有效的选项" in page
    page = html(
        client.post(assign, {"org_units": [world.taiping.pk], "lead_unit": world.luoting.pk})
    )
    assert "牵头单位必须是所选责任单位之一。" in page
    assert not Assignment.objects.filter(org_unit=world.taiping).exists()

    data = {"org_units": [world.zhaoxian.pk, world.taiping.pk], "lead_unit": world.taiping.pk}
    assert client.post(assign, data).status_code == 302
    assigned = Assignment.objects.filter(task=county.yearly)
    assert {a.org_unit for a in assigned} == {world.zhaoxian, world.taiping}
    assert assigned.get(org_unit=world.taiping).is_lead
    assert Slot.objects.filter(assignment__org_unit=world.taiping).exists()


def test_origin_change_notice_and_acknowledgement(world, client_for, county):
    township = client_for(world.township_staff)
    township.post(url("plan_derive"), {"parent": county.plan.pk, "org_unit": world.zhaoxian.pk})
    copy = Task.objects.get(origin=county.quarterly)
    assert "上级任务已修改" not in html(township.get(copy.get_absolute_url()))

    services.update_task(
        county.quarterly, {"text": "每月开展一次隐患排查整治"}, user=county.county_staff
    )
    for page in (copy.get_absolute_url(), copy.plan.get_absolute_url()):
        assert "上级任务已修改" in html(township.get(page))
    # The county's own plan page shows no notice: its task is the origin.
    assert "上级任务已修改" not in html(
        client_for(county.county_staff).get(county.plan.get_absolute_url())
    )
    # Only the unit that owns the copy may acknowledge it.
    assert (
        client_for(world.township_staff_b).post(url("task_acknowledge", copy.pk)).status_code == 404
    )

    response = township.post(url("task_acknowledge", copy.pk), {"apply_text": "1"}, follow=True)
    page = html(response)
    assert "已采用上级任务的新内容。" in page and "上级任务已修改" not in page
    copy.refresh_from_db()
    assert copy.text == "每月开展一次隐患排查整治"


# --- 我的任务 and progress reports ----------------------------------------------------------


def test_my_tasks_late_first_with_their_next_due_date(world, client_for, county):
    page = html(client_for(world.township_staff).get(url("my_tasks")))
    quarterly = page.index("排查整治")
    yearly = page.index("2025年底前完成应急预案修订")
    # The quarterly task has overdue quarters since 2024: listed first, in red.
    assert quarterly < yearly
    assert "2024-06-30" in page and "已逾期" in page
    slot = first_slot(county.quarterly, world.zhaoxian)
    assert url("report_create", slot.pk) in page
    assert "罗亭镇" not in page


def test_report_form_takes_photos_from_the_phone_camera(world, client_for, county):
    slot = first_slot(county.quarterly, world.zhaoxian)
    page = html(client_for(world.township_staff).get(url("report_create", slot.pk)))
    assert 'accept="image/*,application/pdf"' in page and "multiple" in page
    assert 'capture="environment"' in page
    assert 'enctype="multipart/form-data"' in page


def test_report_form_errors_write_nothing(world, client_for, county):
    client = client_for(world.township_staff)
    slot = first_slot(county.quarterly, world.zhaoxian)
    report = url("report_create", slot.pk)
    page = html(client.post(report, {"text": "", "percent_done": "120"}))
    assert "该字段是必填项。" in page and "确保该值小于或等于100。" in page
    fake = SimpleUploadedFile("照片.png", b"MZ not really a picture", content_type="image/png")
    page = html(client.post(report, {"text": "已排查", "percent_done": "50", "files": [fake]}))
    assert "不是图片（JPG、PNG、WebP、HEIC）或PDF文件。" in page
    assert not ProgressReport.objects.exists()
    slot.refresh_from_db()
    assert slot.status == Slot.Status.OPEN


def test_report_pages_are_for_the_responsible_unit(world, client_for, county, luoting):
    sibling_slot = first_slot(county.quarterly, world.luoting)
    township = client_for(world.township_staff)
    assert township.get(url("report_create", sibling_slot.pk)).status_code == 404
    assert township.get(url("report_detail", luoting.report.pk)).status_code == 404
    assert township.get(url("attachment_download", luoting.attachment.pk)).status_code == 404
    # The county's leader reviews but does not report for the township.
    leader = client_for(world.county_official)
    own_slot = first_slot(county.quarterly, world.zhaoxian)
    assert leader.get(url("report_create", own_slot.pk)).status_code == 404


def test_report_review_flow_through_the_pages(world, client_for, county):
    township = client_for(world.township_staff)
    leader = client_for(world.county_official)
    slot = first_slot(county.quarterly, world.zhaoxian)
    response = township.post(
        url("report_create", slot.pk),
        {"text": "已完成第二季度隐患排查，整改12处", "percent_done": "60", "files": [photo()]},
    )
    report = ProgressReport.objects.get()
    assert response["Location"] == url("report_detail", report.pk)
    attachment = report.attachments.get()
    assert attachment.original_name == "现场照片.png"
    slot.refresh_from_db()
    assert slot.status == Slot.Status.SUBMITTED
    # Reported once: the form is closed until the report is reviewed.
    assert "本期进展已报送，无需重复填报。" in html(township.get(url("report_create", slot.pk)))

    # The reporting unit cannot review its own report.
    own_view = html(township.get(url("report_detail", report.pk)))
    assert "现场照片.png" in own_view and 'value="accept"' not in own_view
    assert township.post(url("report_detail", report.pk), {"decision": "accept"}).status_code == 403
    assert client_for(world.township_staff).get(url("review_queue")).status_code == 403

    queue = html(leader.get(url("review_queue")))
    assert "招贤镇" in queue and "2024Q2" in queue and url("report_detail", report.pk) in queue
    download = leader.get(url("attachment_download", attachment.pk))
    assert download.status_code == 200 and download["Content-Type"] == "image/png"
    assert b"".join(download.streaming_content) == PNG

    # Returning needs a comment.
    data = {"decision": "return", "comment": "", "version": report.version}
    page = html(leader.post(url("report_detail", report.pk), data))
    assert "退回时必须填写审核意见。" in page
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED

    data["comment"] = "请补充整改前后对比照片"
    assert leader.post(url("report_detail", report.pk), data).status_code == 302
    report.refresh_from_db()
    slot.refresh_from_db()
    assert report.status == ProgressReport.Status.RETURNED and slot.status == Slot.Status.RETURNED

    # The township sees the comment and reports again; the leader accepts.
    form = html(township.get(url("report_create", slot.pk)))
    assert "请补充整改前后对比照片" in form
    township.post(
        url("report_create", slot.pk),
        {"text": "已补充对比照片", "percent_done": "100", "files": [photo("对比.png")]},
    )
    second = ProgressReport.objects.get(status=ProgressReport.Status.SUBMITTED)
    data = {"decision": "accept", "comment": "", "version": second.version}
    response = leader.post(url("report_detail", second.pk), data, follow=True)
    assert "已通过该进展汇报。" in html(response)
    second.refresh_from_db()
    slot.refresh_from_db()
    assert (
        second.status == ProgressReport.Status.ACCEPTED
        and second.reviewed_by == world.county_official
    )
    assert slot.status == Slot.Status.ACCEPTED
    assert "没有待审核的进展汇报。" in html(leader.get(url("review_queue")))


def test_a_report_reviewed_meanwhile_is_not_reviewed_again(world, client_for, county):
    slot = first_slot(county.quarterly, world.zhaoxian)
    report = services.submit_progress_report(
        slot, user=world.township_staff, text="已排查", percent_done=30
    )
    city_leader = client_for(world.city_official)
    data = {"decision": "accept", "comment": "", "version": report.version}
    services.review_progress_report(
        report, user=world.county_official, accept=False, comment="补充"
    )
    response = city_leader.post(url("report_detail", report.pk), data)
    assert response.status_code == 409
    assert "该汇报已被他人处理，请刷新后查看。" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.RETURNED


# --- Completion --------------------------------------------------------------------------------


def test_completion_by_child_with_drill_down(world, client_for, county, luoting):
    client = client_for(world.county_official)
    completion = url("completion", county.plan.pk)
    page = html(client.get(completion))
    for name in ("招贤镇", "罗亭镇", "太平镇"):
        assert name in page
    assert "未承担任务" in page  # 太平镇
    assert f"?unit={world.zhaoxian.pk}" in page and f"?unit={world.taiping.pk}" not in page
    rows = re.findall(r'data-label="已完成/总数" class="text-end">(\d+)/(\d+)<', page)
    assert rows == [("0", "2"), ("0", "1"), ("0", "0")]

    task_page = html(client.get(completion, {"task": county.yearly.pk}))
    rows = re.findall(r'data-label="已完成/总数" class="text-end">(\d+)/(\d+)<', task_page)
    assert rows == [("0", "1"), ("0", "0"), ("0", "0")]

    drill = html(client.get(completion, {"unit": world.zhaoxian.pk}))
    assert "该单位没有下级单位。" in drill
    assert client.get(completion, {"unit": world.chenying.pk}).status_code == 404
    assert client.get(completion, {"task": luoting.plan.tasks.first().pk}).status_code == 404
    assert client.get(completion, {"unit": "x"}).status_code == 404


# --- Import ----------------------------------------------------------------------------------


class FormValues(HTMLParser):
    """What a browser would submit for the page's POST form (text inputs, checked boxes,
    textareas, selected options)."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self._textarea = None
        self._select = None
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method") == "post":
            self._in_form = True
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            if attrs.get("type") == "file":
                return
            self.values.setdefault(name, []).append(attrs.get("value", ""))
        elif tag == "textarea":
            self._textarea = name
            self.values[name] = [""]
        elif tag == "select":
            self._select = name
        elif (
            tag == "option"
            and self._select
            and ("selected" in attrs or self._select not in self.values)
        ):
            self.values[self._select] = [attrs.get("value", "")]

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea][0] += data


def form_values(page) -> dict:
    parser = FormValues()
    parser.feed(page)
    # Django's textarea rendering starts with a newline the browser drops.
    return {
        name: [value.removeprefix("\n") for value in values]
        for name, values in parser.values.items()
    }


def seed(name):
    return next(SEEDS.glob(f"{name}_*.txt")).read_text(encoding="utf-8")


def import_step1(world, **data):
    return {
        "org_unit": world.zhaoxian.pk,
        "campaign": Campaign.objects.get().pk,
        "text": "",
        **data,
    }


def test_import_preview_then_confirm(world, client_for, county):
    client = client_for(world.township_staff)
    page = html(client.post(url("plan_import"), import_step1(world, text=seed("002"))))
    assert "识别出" in page and "10 项行动、35 项任务" in page
    assert not Plan.objects.filter(org_unit=world.zhaoxian).exists()  # nothing saved yet

    data = form_values(page)
    assert data["step"] == ["confirm"]
    assert data["tasks-TOTAL_FORMS"] == ["35"]
    assert data["actions-TOTAL_FORMS"] == ["10"]
    # The official corrects the preview: a deadline, a task dropped, the superior plan named.
    data["tasks-0-deadline"] = ["2024-11-30"]
    data["tasks-1-DELETE"] = ["on"]
    data["parent"] = [str(county.plan.pk)]
    response = client.post(url("plan_import"), data)
    plan = Plan.objects.get(org_unit=world.zhaoxian)
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    assert plan.parent == county.plan
    assert plan.actions.count() == 10 and plan.tasks.count() == 34
    assert plan.tasks.get(action__ordinal=1, ordinal=1).deadline == date(2024, 11, 30)
    assert plan.sections.filter(kind="safeguards").exists()
    assert "安全生产治本攻坚三年行动" in plan.title


def test_import_confirms_a_long_plan(world, client_for):
    # About ten form fields per task: a long plan must not hit Django's limit on fields.
    tasks = "\n".join(f"{n}.开展第{n}项专项整治，2025年底前完成。" for n in range(1, 121))
    text = f"招贤镇专项整治工作方案\n一、总体要求\n坚持问题导向。\n二、主要任务\n{tasks}\n"
    client = client_for(world.township_staff)
    data = form_values(html(client.post(url("plan_import"), import_step1(world, text=text))))
    assert len(data) > 1000
    assert client.post(url("plan_import"), data).status_code == 302
    assert Plan.objects.get().tasks.count() == 120


def test_import_preview_errors_save_nothing(world, client_for):
    client = client_for(world.township_staff)
    page = html(client.post(url("plan_import"), import_step1(world, text=seed("003"))))
    assert "4 个实施阶段" in page
    data = form_values(page)
    data["tasks-0-text"] = [""]
    data["phases-0-end"] = ["2023-01-01"]
    page = html(client.post(url("plan_import"), data))
    assert "该字段是必填项。" in page and "结束日期不能早于开始日期。" in page
    # Deleting an action leaves its tasks nowhere: they must be moved or deleted too.
    data = form_values(html(client.post(url("plan_import"), import_step1(world, text=seed("003")))))
    data["actions-0-DELETE"] = ["on"]
    page = html(client.post(url("plan_import"), data))
    assert "所属行动已删除，请改选行动或删除本任务。" in page
    assert not Plan.objects.exists()


def test_import_explains_unreadable_text_with_its_line(world, client_for):
    client = client_for(world.township_staff)
    page = html(client.post(url("plan_import"), import_step1(world)))
    assert "请粘贴方案正文或上传文件。" in page
    text = "关于做好安全生产工作的通知\n各单位要高度重视，认真落实。\n"
    page = html(client.post(url("plan_import"), import_step1(world, text=text)))
    assert "无法识别方案结构：未识别到任何行动或任务，请检查文本格式（第1行起）" in page
    upload = SimpleUploadedFile("方案.doc", b"\xd0\xcf\x11\xe0", content_type="application/msword")
    page = html(client.post(url("plan_import"), import_step1(world, file=upload)))
    assert "只支持.txt和.docx文件" in page
    assert not Plan.objects.exists()


def test_import_reads_an_uploaded_text_file(world, client_for):
    upload = SimpleUploadedFile("方案.txt", seed("000").encode("gb18030"))
    page = html(
        client_for(world.township_staff).post(url("plan_import"), import_step1(world, file=upload))
    )
    assert "5 项任务" in page


# --- Checklists ------------------------------------------------------------------------------


@pytest.fixture
def checklists(world, county):
    def make(unit, user, title):
        return services.create_checklist(
            user=user,
            org_unit=unit,
            kind=Checklist.Kind.ANNUAL_KEY_TASKS,
            title=title,
            year=2024,
            items=["召开专题会议部署治本攻坚行动", "建立重大事故隐患清单"],
        )

    return SimpleNamespace(
        own=make(world.zhaoxian, world.township_staff, "招贤镇2024年度重点工作任务清单"),
        sibling=make(world.luoting, world.township_staff_b, "罗亭镇2024年度重点工作任务清单"),
    )


def test_checklist_tick_off_with_evidence(world, client_for, checklists):
    client = client_for(world.township_staff)
    listing = html(client.get(url("checklist_list")))
    assert checklists.own.title in listing and checklists.sibling.title not in listing
    assert "0/2" in listing
    item = checklists.own.items.first()
    detail = html(client.get(url("checklist_detail", checklists.own.pk)))
    assert url("checklist_item_tick", item.pk) in detail
    response = client.get(url("checklist_evidence", item.pk), follow=True)
    assert "该事项尚未上传佐证材料。" in html(response)

    fake = SimpleUploadedFile("会议纪要.pdf", b"not a pdf", content_type="application/pdf")
    page = html(client.post(url("checklist_item_tick", item.pk), {"done": "on", "evidence": fake}))
    assert "不是图片（JPG、PNG、WebP、HEIC）或PDF文件。" in page
    item.refresh_from_db()
    assert not item.done

    pdf = SimpleUploadedFile("会议纪要.pdf", b"%PDF-1.4 minutes", content_type="application/pdf")
    data = {"done": "on", "note": "4月3日召开专题会议", "evidence": pdf}
    response = client.post(url("checklist_item_tick", item.pk), data)
    assert response["Location"] == url("checklist_detail", checklists.own.pk)
    item.refresh_from_db()
    assert item.done and item.done_by == world.township_staff
    assert "1/2" in html(client.get(url("checklist_list")))
    evidence = client.get(url("checklist_evidence", item.pk))
    assert evidence["Content-Type"] == "application/pdf"
    # The county reads it; the sibling township does not.
    assert (
        client_for(world.county_official).get(url("checklist_evidence", item.pk)).status_code == 200
    )
    assert (
        client_for(world.township_staff_b).get(url("checklist_evidence", item.pk)).status_code
        == 404
    )
    # Read-only for the county's leader: no tick-off page.
    leader = client_for(world.county_official)
    assert "填报" not in html(leader.get(url("checklist_detail", checklists.own.pk)))
    assert leader.get(url("checklist_item_tick", item.pk)).status_code == 404


def test_checklist_pages_of_the_sibling_are_404(world, client_for, checklists):
    client = client_for(world.township_staff)
    item = checklists.sibling.items.first()
    assert client.get(url("checklist_detail", checklists.sibling.pk)).status_code == 404
    assert client.get(url("checklist_item_tick", item.pk)).status_code == 404
    assert client.post(url("checklist_item_tick", item.pk), {"done": "on"}).status_code == 404
    item.refresh_from_db()
    assert not item.done


# --- Navigation and query budgets ----------------------------------------------------------


def test_dashboard_card_counts_tasks_late_ones_and_reports_to_review(world, client_for, county):
    services.submit_progress_report(
        first_slot(county.quarterly, world.zhaoxian),
        user=world.township_staff,
        text="已排查",
        percent_done=30,
    )
    page = html(client_for(world.township_staff).get(reverse("dashboard")))
    cards = re.findall(r'small">([^<]+)</div>\s*<div class="stat-value[^"]*">(\d+)<', page)
    assert ("我的任务", "2") in cards and ("其中逾期", "2") in cards
    assert "待审核汇报" not in page
    page = html(client_for(world.county_official).get(reverse("dashboard")))
    cards = re.findall(r'small">([^<]+)</div>\s*<div class="stat-value[^"]*">(\d+)<', page)
    assert ("待审核汇报", "1") in cards and ("我的任务", "0") in cards
    assert "campaign-title" not in html(client_for(world.enterprise_user).get(reverse("dashboard")))


def test_navigation_links_to_plans_and_my_tasks(world, client_for):
    page = html(client_for(world.township_staff).get(reverse("dashboard")))
    assert url("plan_list") in page and url("my_tasks") in page
    assert url("plan_list") not in html(client_for(world.enterprise_user).get(reverse("dashboard")))


def test_plan_list_1_vs_30_plans(world, client_for):
    staff = staff_of(world.wanli, "county_staff")
    campaign = Campaign.objects.get()

    def plans(count):
        for index in range(count):
            services.create_plan(
                user=staff, org_unit=world.wanli, campaign=campaign, title=f"专项方案{index}"
            )

    plans(1)
    assert_constant_queries(client_for(world.county_official), url("plan_list"), lambda: plans(29))


def test_plan_tree_1_vs_30_tasks(world, client_for, county):
    def tasks(count):
        for index in range(count):
            task = services.add_task(
                county.plan,
                {"text": f"补充任务{index}", "recurrence": "yearly"},
                user=county.county_staff,
            )
            services.assign_task(task, [world.zhaoxian, world.luoting], user=county.county_staff)

    client = client_for(world.county_official)
    assert_constant_queries(client, county.plan.get_absolute_url(), lambda: tasks(28))
    assert_constant_queries(client, url("completion", county.plan.pk), lambda: tasks(1))


def test_my_tasks_and_review_queue_1_vs_30_rows(world, client_for, county):
    def more(count):
        for index in range(count):
            task = services.add_task(
                county.plan,
                {"text": f"补充任务{index}", "recurrence": "yearly"},
                user=county.county_staff,
            )
            services.assign_task(task, [world.zhaoxian], user=county.county_staff)
            services.submit_progress_report(
                first_slot(task, world.zhaoxian),
                user=world.township_staff,
                text="已完成",
                percent_done=100,
                files=[photo()],
            )

    more(1)
    assert_constant_queries(client_for(world.township_staff), url("my_tasks"), lambda: more(14))
    assert_constant_queries(
        client_for(world.county_official), reverse("dashboard"), lambda: more(14)
    )
    assert_constant_queries(
        client_for(world.county_official), url("review_queue"), lambda: more(29)
    )


def test_checklist_list_1_vs_30(world, client_for):
    def make(count):
        for index in range(count):
            services.create_checklist(
                user=world.township_staff,
                org_unit=world.zhaoxian,
                kind=Checklist.Kind.RESPONSIBILITY,
                title=f"责任清单{index}",
                items=["事项一", "事项二"],
            )

    make(1)
    assert_constant_queries(
        client_for(world.township_staff), url("checklist_list"), lambda: make(29)
    )
