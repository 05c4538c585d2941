"""The campaign cascade in a real browser (Debian's chromium) on a phone: 招贤镇 derives its
plan from 湾里管理局's and reports with a photo; the county's leader accepts the report.

Screenshots are kept under the test's output directory (test-results/…) as CI artefacts.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from campaigns.models import Plan, ProgressReport, Slot
from tests.campaigns.test_views import PNG, build_county_plan, seed

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Officials' browsers are Chinese: so are the file pickers' own buttons.
    return {**browser_context_args, "locale": "zh-CN"}


def log_in(page, base_url, username, password, path):
    page.goto(f"{base_url}{path}")
    expect(page).to_have_url(re.compile(r"/login/\?next="))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def log_out(page, username):
    page.get_by_role("button", name="展开导航").click()
    page.get_by_role("button", name=username).click()
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("heading", name="用户登录")).to_be_visible()


# The live server runs in another thread: the data must be committed (transactional test).
# Serialized rollback puts back the rows of data migrations (industries, the campaign).
@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_township_derives_and_reports_county_leader_accepts(
    live_server, world, page, output_path, tmp_path
):
    shots = Path(output_path)
    county = build_county_plan(world)
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(PNG)
    page.set_viewport_size(PHONE)

    # 招贤镇's staff: 我的任务 lists the county's tasks, the overdue quarterly one first.
    log_in(page, live_server.url, "township_staff", world.password, "/campaigns/mine/")
    expect(page.get_by_role("heading", name="我的任务")).to_be_visible()
    rows = page.locator("tbody tr")
    expect(rows.first).to_contain_text("排查整治")
    expect(rows.first).to_contain_text("已逾期")

    # Derive the township's plan from the county's: one button.
    page.get_by_role("link", name="从上级方案派生本级方案").click()
    expect(
        page.get_by_role("heading", name="湾里管理局安全生产治本攻坚三年行动实施方案")
    ).to_be_visible()
    expect(page.get_by_text("分派给招贤镇的任务 2 项")).to_be_visible()
    page.get_by_role("button", name="生成招贤镇的实施方案").click()
    expect(page.get_by_text("已根据上级方案生成本级方案")).to_be_visible()
    plan = Plan.objects.get(org_unit=world.zhaoxian)
    expect(page.get_by_role("heading", name=plan.title)).to_be_visible()
    expect(page.get_by_role("link", name="1. 排查整治")).to_be_visible()
    page.screenshot(path=shots / "phone-derived-plan.png", full_page=True)

    # Report on the overdue quarter, with a photo.
    page.get_by_role("button", name="展开导航").click()
    page.get_by_role("link", name="我的任务").click()
    page.locator("tbody tr").first.get_by_role("link", name="填报进展").click()
    expect(page.get_by_role("heading", name="填报进展")).to_be_visible()
    page.get_by_label("工作进展").fill("已完成第二季度隐患排查，发现并整改问题隐患12处。")
    page.get_by_label("完成比例(%)").fill("60")
    page.get_by_label("选择照片或PDF（可多选）").set_input_files(photo)
    page.screenshot(path=shots / "phone-report-form.png", full_page=True)
    page.get_by_role("button", name="提交汇报").click()
    expect(page.get_by_text("进展已报送，等待上级审核。")).to_be_visible()
    expect(page.get_by_role("link", name="现场照片.png")).to_be_visible()
    report = ProgressReport.objects.get()
    assert report.org_unit == world.zhaoxian and report.attachments.count() == 1
    log_out(page, "township_staff")

    # The county's leader reviews it from the queue and accepts it.
    log_in(page, live_server.url, "county_official", world.password, "/campaigns/reports/review/")
    expect(page.get_by_role("heading", name="待审核汇报")).to_be_visible()
    page.get_by_role("link", name="审核").click()
    expect(page.get_by_text("已完成第二季度隐患排查")).to_be_visible()
    expect(page.get_by_role("link", name="现场照片.png")).to_be_visible()
    page.screenshot(path=shots / "phone-review.png", full_page=True)
    page.get_by_role("button", name="通过").click()
    expect(page.get_by_text("已通过该进展汇报。")).to_be_visible()
    expect(page.get_by_text("没有待审核的进展汇报。")).to_be_visible()
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.ACCEPTED
    assert report.slot.status == Slot.Status.ACCEPTED

    # The plan tree shows 招贤镇's assignment as under way.
    page.goto(f"{live_server.url}{county.plan.get_absolute_url()}")
    task = page.locator(f"#task-{county.quarterly.pk}")
    expect(task).to_contain_text("招贤镇")
    page.screenshot(path=shots / "phone-county-plan.png", full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_township_imports_its_plan_text_with_a_correction(live_server, world, page, output_path):
    shots = Path(output_path)
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, "township_staff", world.password, "/campaigns/plans/import/")
    page.get_by_label("方案正文").fill(seed("002"))
    page.get_by_role("button", name="识别并预览").click()
    expect(page.get_by_text("10 项行动、35 项任务")).to_be_visible()
    page.screenshot(path=shots / "phone-import-preview.png")
    # Nothing is saved before the confirmation; the official corrects the first deadline.
    assert not Plan.objects.exists()
    page.locator("#id_tasks-0-deadline").fill("2024-11-30")
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_text("已导入方案")).to_be_visible()
    plan = Plan.objects.get()
    assert plan.tasks.count() == 35
    assert plan.tasks.get(action__ordinal=1, ordinal=1).deadline.isoformat() == "2024-11-30"
    page.screenshot(path=shots / "phone-imported-plan.png")
