"""List pages cost a fixed number of queries, whatever their number of rows."""

from django.urls import reverse

from core.audit import record_event
from core.models import AuditEvent
from core.notifications import notify
from orgs import services
from orgs.constants import Level, Role
from tests.factories import UserFactory, region
from tests.web.conftest import QUERY_BUDGET, assert_constant_queries, queries_for


def test_enterprise_list_1_vs_30_rows(world, client_for, add_enterprises):
    # 罗亭镇 has one enterprise; its staff's list then grows to thirty.
    client = client_for(world.township_staff_b)
    url = reverse("orgs:enterprise_list")
    assert_constant_queries(client, url, lambda: add_enterprises(29, org_unit=world.luoting))
    assert_constant_queries(
        client, url + "?q=测试&is_active=true", lambda: add_enterprises(5, org_unit=world.luoting)
    )


def test_enterprise_export_1_vs_30_rows(world, client_for, add_enterprises):
    client = client_for(world.township_staff_b)
    url = reverse("orgs:enterprise_export")
    assert_constant_queries(client, url, lambda: add_enterprises(29, org_unit=world.luoting))


def test_dashboard(world, client_for, add_enterprises):
    client = client_for(world.county_official)
    assert_constant_queries(
        client, reverse("dashboard"), lambda: add_enterprises(30, industry=world.chemicals)
    )


def test_enterprise_detail_history_1_vs_30_changes(world, client_for):
    enterprise = world.ent_zhaoxian

    def edit(times):
        for index in range(times):
            industry = world.chemicals if index % 2 else world.construction
            services.save_enterprise(
                {"principal_name": f"负责人{index}", "industry": industry},
                user=world.province_admin,
                instance=enterprise,
            )

    edit(1)
    client = client_for(world.township_staff)
    assert_constant_queries(client, enterprise.get_absolute_url(), lambda: edit(29))


def test_org_tree_pages(world, client_for, add_enterprises):
    def thirty_townships():
        for index in range(30):
            region(f"新建{index}镇", Level.TOWNSHIP, f"360105{200 + index}", parent=world.wanli)
        add_enterprises(10)

    client = client_for(world.county_official)
    assert_constant_queries(client, world.wanli.get_absolute_url(), thirty_townships)
    client = client_for(world.province_admin)
    assert_constant_queries(
        client,
        reverse("orgs:orgunit_list") + "?q=镇",
        lambda: region("再建镇", Level.TOWNSHIP, "360105299", parent=world.wanli),
    )


def test_user_list(world, client_for):
    def thirty_users():
        for index in range(30):
            user = UserFactory(username=f"staff{index}")
            services.add_membership(
                user=user, org_unit=world.zhaoxian, role=Role.STAFF, granted_by=None
            )

    client = client_for(world.province_admin)
    assert_constant_queries(client, reverse("orgs:user_list"), thirty_users)


def test_audit_log(world, client_for):
    def thirty_events():
        for index in range(29):
            record_event(
                AuditEvent.Kind.MEMBERSHIP_ADDED,
                username=f"u{index}",
                org_path=world.zhaoxian.path,
                user=f"u{index}",
                role=Role.STAFF,
            )

    assert_constant_queries(client_for(world.auditor), reverse("audit_log"), thirty_events)


def test_audit_history_1_vs_30_changes(world, client_for):
    def change(rounds):
        for index in range(rounds):
            for enterprise in (world.ent_zhaoxian, world.ent_luoting, world.ent_wannian):
                services.save_enterprise(
                    {"principal_name": f"负责人{index}", "industry": world.construction},
                    user=world.province_admin,
                    instance=enterprise,
                )

    change(1)
    url = reverse("audit_history") + "?source=enterprise&username=province_admin"
    assert_constant_queries(client_for(world.auditor), url, lambda: change(10))
    # A page mixing the three tables reads each table's rows, their previous versions and the
    # objects they name: bounded by the tables, not by the rows.
    client = client_for(world.auditor)
    for _round in range(2):
        assert queries_for(client, reverse("audit_history")) <= QUERY_BUDGET + 6
        change(10)


def test_notifications_1_vs_30(world, client_for):
    notify([world.township_staff], "通知")
    assert_constant_queries(
        client_for(world.township_staff),
        reverse("notifications"),
        lambda: [notify([world.township_staff], f"通知{i}") for i in range(29)],
    )
