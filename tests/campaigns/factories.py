"""Campaign data on top of the `world` fixture, built through campaigns.services.

`campaign_world(w)` is fixture-free (tests/tenancy.py calls it from plain lambdas) and built
once per world: 湾里管理局's plan assigns one monthly task to 招贤镇 and 罗亭镇; each township
derives its own plan, adds a task of its own, reports on its first month and keeps a
checklist (罗亭镇's report and ticked item carry a photo). Names of 罗亭镇's objects say
罗亭镇, so that a page showing one is caught by the tenancy suites.
"""

from datetime import date
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns import services
from campaigns.models import Campaign, Recurrence, Slot
from orgs import services as org_services
from tests.factories import UserFactory

# The smallest valid PNG: one transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)
COUNTY_TASK_TEXT = "每月开展一次燃气安全隐患排查，建立问题清单、责任清单、整改清单。"


def png(name="现场照片.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def campaign_world(w):
    if getattr(w, "campaigns", None) is not None:
        return w.campaigns
    c = SimpleNamespace(campaign=Campaign.objects.get())
    c.county_plan = services.create_plan(
        user=w.province_admin,
        org_unit=w.wanli,
        campaign=c.campaign,
        title="湾里管理局安全生产治本攻坚三年行动工作方案",
        issue_date=date(2024, 3, 1),
    )
    c.county_task = services.add_task(
        c.county_plan,
        {"text": COUNTY_TASK_TEXT, "recurrence": Recurrence.MONTHLY, "times_per_period": 1},
        user=w.province_admin,
    )
    c.assignment, c.sibling_assignment = services.assign_task(
        c.county_task, [w.zhaoxian, w.luoting], user=w.province_admin
    )
    for name, unit, staff in (
        ("own", w.zhaoxian, w.township_staff),
        ("sibling", w.luoting, w.township_staff_b),
    ):
        plan = services.derive_plan(user=staff, parent_plan=c.county_plan, org_unit=unit)
        task = services.add_task(
            plan, {"text": f"{unit.name}自定任务：整治九小场所消防隐患"}, user=staff
        )
        assignment = c.assignment if name == "own" else c.sibling_assignment
        first, second = Slot.objects.filter(assignment=assignment).order_by("due_date")[:2]
        files = [png()] if name == "sibling" else []
        report = services.submit_progress_report(
            first,
            user=staff,
            text=f"{unit.name}已完成3月燃气管道排查，整改问题5处",
            percent_done=80,
            files=files,
        )
        checklist = services.create_checklist(
            user=staff,
            org_unit=unit,
            kind="annual_key_tasks",
            title=f"{unit.name}2024年度重点工作任务清单",
            year=2024,
            plan=plan,
            items=[f"{unit.name}完成全部燃气用户入户安检"],
        )
        setattr(c, f"{name}_plan", plan)
        setattr(c, f"{name}_task", task)
        setattr(c, f"{name}_reported_slot", first)
        # The next slot to report on: what 我的任务 (`/api/v1/slots/mine/`) lists.
        setattr(c, f"{name}_slot", second)
        setattr(c, f"{name}_report", report)
        setattr(c, f"{name}_checklist", checklist)
    c.sibling_attachment = c.sibling_report.attachments.get()
    c.sibling_item = services.tick_checklist_item(
        c.sibling_checklist.items.get(),
        user=w.township_staff_b,
        done=True,
        note="已完成入户安检",
        evidence=png("安检记录.png"),
    )
    w.campaigns = c
    return c


def member(unit, username, role):
    user = UserFactory(username=username)
    org_services.add_membership(user=user, org_unit=unit, role=role, granted_by=None)
    return user
