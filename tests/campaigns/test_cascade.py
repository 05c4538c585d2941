"""A plan cascades down four levels through the API: 江西省 → 南昌市 → 湾里管理局 → 招贤镇.

Each level derives its plan from the one above ("按照上级方案要求，结合实际"), dates it, and
assigns the copied tasks further down; the province then sees completion at every depth.
"""

from datetime import date

import pytest

from campaigns.models import Assignment, Campaign, Plan, Slot, Task
from orgs.constants import Role
from tests.campaigns.factories import member


@pytest.fixture
def staff(world):
    return {
        "province": world.province_admin,
        "city": member(world.nanchang, "city_staff", Role.STAFF),
        "county": member(world.wanli, "county_staff", Role.STAFF),
        "township": world.township_staff,
    }


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()
    return response.json()


def derive_and_pass_down(client, parent_id, unit, children, issue_date):
    """One level: derive from the superior's plan, date it, assign its tasks below, issue."""
    plan = ok(client.post(f"/api/v1/plans/{parent_id}/derive/", {"org_unit": unit.pk}), 201)
    plan = ok(
        client.patch(
            f"/api/v1/plans/{plan['id']}/",
            {"issue_date": issue_date, "version": plan["version"]},
        )
    )
    tasks = ok(client.get("/api/v1/tasks/", {"plan": plan["id"]}))["results"]
    for task in tasks:
        payload = {"org_units": [child.pk for child in children]}
        ok(client.post(f"/api/v1/tasks/{task['id']}/assign/", payload))
    ok(client.post(f"/api/v1/plans/{plan['id']}/issue/"))
    return plan, tasks


def test_four_levels_derive_and_assign(world, staff, api_for):
    campaign = Campaign.objects.get()
    province = api_for(staff["province"])
    plan = ok(
        province.post(
            "/api/v1/plans/",
            {
                "org_unit": world.jiangxi.pk,
                "campaign": campaign.pk,
                "title": "江西省安全生产治本攻坚三年行动实施方案",
                "document_number": "赣安〔2024〕1号",
                "issue_date": "2024-02-01",
            },
        ),
        201,
    )
    monthly = ok(
        province.post(
            "/api/v1/tasks/",
            {
                "plan": plan["id"],
                "title": "开展重大事故隐患排查整治",
                "text": "各地每月开展一次重大事故隐患排查整治，建立台账。",
                "recurrence": "monthly",
            },
        ),
        201,
    )
    yearly = ok(
        province.post(
            "/api/v1/tasks/",
            {
                "plan": plan["id"],
                "text": "2024年底前完成安全生产责任清单修订。",
                "deadline": "2024-12-31",
                "deadline_phrase": "2024年底前",
            },
        ),
        201,
    )
    assert (monthly["number"], yearly["number"]) == ("1", "2")
    for task in (monthly, yearly):
        units = [world.nanchang.pk, world.shangrao.pk]
        ok(province.post(f"/api/v1/tasks/{task['id']}/assign/", {"org_units": units}))
    ok(province.post(f"/api/v1/plans/{plan['id']}/issue/"))

    city_plan, city_tasks = derive_and_pass_down(
        api_for(staff["city"]), plan["id"], world.nanchang, [world.wanli], "2024-03-01"
    )
    assert city_plan["title"] == "南昌市安全生产治本攻坚三年行动实施方案"
    county_plan, county_tasks = derive_and_pass_down(
        api_for(staff["county"]),
        city_plan["id"],
        world.wanli,
        [world.zhaoxian, world.luoting],
        "2024-04-01",
    )
    township = api_for(staff["township"])
    township_plan = ok(
        township.post(
            f"/api/v1/plans/{county_plan['id']}/derive/", {"org_unit": world.zhaoxian.pk}
        ),
        201,
    )

    # Every level holds the two tasks, each linked to the one above it.
    copies = Task.objects.filter(plan_id=township_plan["id"]).order_by("ordinal")
    assert [task.number for task in copies] == ["1", "2"]
    chain = []
    task = copies[0]
    while task is not None:
        chain.append(task.plan.org_unit.name)
        task = task.origin
    assert chain == ["招贤镇", "湾里管理局", "南昌市", "江西省"]
    assert (
        copies[0].lineage
        == "/".join(str(pk) for pk in (monthly["id"], city_tasks[0]["id"], county_tasks[0]["id"]))
        + "/"
    )
    assert copies[0].text == monthly["text"] and not copies[0].origin_changed
    # The assignment that was passed down points at the copy made from it.
    assert (
        Assignment.objects.get(task_id=county_tasks[0]["id"], org_unit=world.zhaoxian).derived_task
        == copies[0]
    )

    # Monthly slots from each plan's own issue date to the campaign's end; one for the deadline.
    township_slots = Slot.objects.filter(
        assignment__task_id=county_tasks[0]["id"], org_unit=world.zhaoxian
    )
    assert township_slots.count() == 33  # 2024-04 … 2026-12
    assert Slot.objects.get(
        assignment__task_id=county_tasks[1]["id"], org_unit=world.zhaoxian
    ).due_date == date(2024, 12, 31)

    # Deriving again is harmless: the same plan comes back.
    again = township.post(
        f"/api/v1/plans/{county_plan['id']}/derive/", {"org_unit": world.zhaoxian.pk}
    )
    assert ok(again)["id"] == township_plan["id"]
    assert Plan.objects.filter(org_unit=world.zhaoxian).count() == 1

    # The province sees the cascade's completion at every depth, with drill-down.
    rows = ok(province.get(f"/api/v1/plans/{plan['id']}/completion/"))["rows"]
    totals = {row["org_unit_name"]: row["total"] for row in rows}
    # 南昌市: its own 2 + 湾里管理局's 2 + the two townships' 4; 上饶市 did not derive.
    assert totals == {"南昌市": 8, "上饶市": 2, "江西省机关事务管理局": 0}
    rows = ok(province.get(f"/api/v1/plans/{plan['id']}/completion/", {"unit": world.wanli.pk}))[
        "rows"
    ]
    assert {row["org_unit_name"]: row["total"] for row in rows} == {
        "招贤镇": 2,
        "罗亭镇": 2,
        "太平镇": 0,
    }


def test_a_unit_derives_only_from_plans_that_assign_it_tasks(world, staff, api_for):
    campaign = Campaign.objects.get()
    province = api_for(staff["province"])
    plan = ok(
        province.post(
            "/api/v1/plans/",
            {"org_unit": world.jiangxi.pk, "campaign": campaign.pk, "title": "江西省方案"},
        ),
        201,
    )
    task = ok(province.post("/api/v1/tasks/", {"plan": plan["id"], "text": "全面排查"}), 201)
    ok(province.post(f"/api/v1/tasks/{task['id']}/assign/", {"org_units": [world.shangrao.pk]}))
    city = api_for(staff["city"])
    # 南昌市 is assigned nothing: the plan is not even visible to it.
    response = city.post(f"/api/v1/plans/{plan['id']}/derive/", {"org_unit": world.nanchang.pk})
    assert response.status_code == 404
    # The province admin may derive for 南昌市, but the plan gives 南昌市 nothing to start with.
    response = province.post(f"/api/v1/plans/{plan['id']}/derive/", {"org_unit": world.nanchang.pk})
    assert response.status_code == 400
    assert "没有向“南昌市”分派任务" in response.json()["org_unit"][0]
    # A task cannot be assigned above or beside the plan's owner.
    response = province.post(
        f"/api/v1/tasks/{task['id']}/assign/", {"org_units": [world.xiejiaji.pk]}
    )
    assert response.status_code == 400  # 谢家集区 is outside the admin's scope: no such choice
    own_root = province.post(
        f"/api/v1/tasks/{task['id']}/assign/", {"org_units": [world.jiangxi.pk]}
    )
    assert own_root.status_code == 400
    assert "只能分派给本单位的下级单位" in own_root.json()["org_units"][0]


def test_superior_plans_are_read_only_below(world, staff, api_for):
    campaign = Campaign.objects.get()
    county = api_for(staff["county"])
    plan = ok(
        county.post(
            "/api/v1/plans/",
            {"org_unit": world.wanli.pk, "campaign": campaign.pk, "title": "湾里管理局方案"},
        ),
        201,
    )
    task = ok(county.post("/api/v1/tasks/", {"plan": plan["id"], "text": "全面排查"}), 201)
    ok(county.post(f"/api/v1/tasks/{task['id']}/assign/", {"org_units": [world.zhaoxian.pk]}))
    township = api_for(staff["township"])
    assert ok(township.get(f"/api/v1/plans/{plan['id']}/"))["title"] == "湾里管理局方案"
    assert ok(township.get(f"/api/v1/tasks/{task['id']}/"))["text"] == "全面排查"
    # Read, never changed: the change scope does not reach the superior's rows.
    assert township.patch(f"/api/v1/plans/{plan['id']}/", {"title": "改"}).status_code == 404
    assert township.patch(f"/api/v1/tasks/{task['id']}/", {"text": "改"}).status_code == 404
    assert township.post(f"/api/v1/plans/{plan['id']}/issue/").status_code == 404
    response = township.post("/api/v1/tasks/", {"plan": plan["id"], "text": "加一条"})
    assert response.status_code == 400 and "plan" in response.json()
    # The sibling township, assigned nothing, sees none of it.
    sibling = api_for(world.township_staff_b)
    assert sibling.get(f"/api/v1/plans/{plan['id']}/").status_code == 404
    assert sibling.get(f"/api/v1/tasks/{task['id']}/").status_code == 404


def test_a_department_assigns_within_its_jurisdiction(world, api_for):
    """谢家集区民政局 (seed 003) assigns to the streets of 谢家集区 it governs by industry and
    to its own 民政所; its leader reviews a street's report."""
    campaign = Campaign.objects.get()
    bureau = api_for(world.dept_staff)
    plan = ok(
        bureau.post(
            "/api/v1/plans/",
            {
                "org_unit": world.xjj_mzj.pk,
                "campaign": campaign.pk,
                "title": "谢家集区民政局安全生产治本攻坚三年行动实施方案",
                "issue_date": "2024-04-29",
            },
        ),
        201,
    )
    task = ok(
        bureau.post(
            "/api/v1/tasks/",
            {
                "plan": plan["id"],
                "text": "2024年底前完成养老机构消防设施改造。",
                "deadline": "2024-12-31",
            },
        ),
        201,
    )
    units = [world.xjj_street.pk, world.xjj_street_mzs.pk]
    assignments = ok(bureau.post(f"/api/v1/tasks/{task['id']}/assign/", {"org_units": units}))
    assert {a["org_unit_name"] for a in assignments} == {"谢家集街道", "谢家集街道民政所"}
    # Beyond its jurisdiction (another county) there is no one to assign to.
    response = bureau.post(
        f"/api/v1/tasks/{task['id']}/assign/", {"org_units": [world.zhaoxian.pk]}
    )
    assert response.status_code == 400

    street_staff = member(world.xjj_street, "street_staff", Role.STAFF)
    slot = Slot.objects.get(assignment__task_id=task["id"], org_unit=world.xjj_street)
    report = ok(
        api_for(street_staff).post(
            "/api/v1/progress-reports/",
            {"slot": slot.pk, "text": "已改造3家", "percent_done": 60},
        ),
        201,
    )
    # The bureau reads the street's report though the street is not in its subtree.
    assert bureau.get(f"/api/v1/progress-reports/{report['id']}/").status_code == 200
    bureau_leader = member(world.xjj_mzj, "bureau_leader", Role.LEADER)
    accepted = api_for(bureau_leader).post(f"/api/v1/progress-reports/{report['id']}/accept/", {})
    assert ok(accepted)["status"] == "accepted"
