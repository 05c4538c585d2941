"""The compiled scope is cached between requests, and no change to a grant is ever served stale.

Each test warms the cache with one request, changes what the scope is compiled from — through
the services and also straight through the ORM, as an admin shell or a data migration would —
and checks the very next request.
"""

from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orgs import services
from orgs.constants import Role
from orgs.models import Membership, OrgUnitGroupGrant
from tests.factories import UserFactory

SCOPE_TABLES = ("orgs_membership", "orgs_orgunitusergrant", "orgs_orgunitgroupgrant")


def enterprise_names(client):
    response = client.get("/api/v1/enterprises/", {"page_size": 500})
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


def scope_queries(client):
    with CaptureQueriesContext(connection) as captured:
        enterprise_names(client)
    return [q["sql"] for q in captured if any(t in q["sql"] for t in SCOPE_TABLES)]


def test_a_second_request_reuses_the_compiled_scope(world, api_for):
    client = api_for(world.township_staff)
    assert scope_queries(client), "the first request compiles the scope"
    assert scope_queries(client) == []


def test_a_membership_deleted_through_the_orm_ends_access_on_the_next_request(world, api_for):
    client = api_for(world.township_staff)
    assert "招贤镇化工有限公司" in enterprise_names(client)
    Membership.objects.filter(user=world.township_staff).delete()
    assert enterprise_names(client) == set()


def test_a_role_changed_through_the_orm_is_seen_on_the_next_request(world, api_for):
    viewer = UserFactory(username="viewer_then_staff")
    services.add_membership(
        user=viewer, org_unit=world.zhaoxian, role=Role.AUDITOR, granted_by=None
    )
    client = api_for(viewer)
    assert enterprise_names(client) == set()
    membership = Membership.objects.get(user=viewer)
    membership.role = Role.STAFF
    membership.save()
    assert "招贤镇化工有限公司" in enterprise_names(client)


def test_leaving_a_group_ends_its_grant_on_the_next_request(world, api_for):
    group = Group.objects.create(name="第二督导组")
    services.grant_subtree(group, world.xiejiaji, granted_by=None)
    client = api_for(world.supervisor)
    assert "谢家集区化工有限公司" not in enterprise_names(client)
    group.user_set.add(world.supervisor)
    assert "谢家集区化工有限公司" in enterprise_names(client)
    world.supervisor.groups.remove(group)
    assert "谢家集区化工有限公司" not in enterprise_names(client)


def test_a_group_grant_deleted_through_the_orm_ends_access_on_the_next_request(world, api_for):
    group = Group.objects.create(name="第三督导组")
    world.supervisor.groups.add(group)
    services.grant_subtree(group, world.xiejiaji, granted_by=None)
    client = api_for(world.supervisor)
    assert "谢家集区化工有限公司" in enterprise_names(client)
    OrgUnitGroupGrant.objects.filter(group=group).delete()
    assert "谢家集区化工有限公司" not in enterprise_names(client)


def test_a_new_jurisdiction_of_a_department_is_seen_on_the_next_request(world, api_for):
    staff = UserFactory(username="pingshan_mzs_staff")
    services.add_membership(
        user=staff, org_unit=world.pingshan_mzs, role=Role.STAFF, granted_by=None
    )
    client = api_for(staff)
    assert "平山街道夕阳红养老院" in enterprise_names(client)
    world.pingshan_mzs.jurisdiction = world.xjj_street
    world.pingshan_mzs.save()
    names = enterprise_names(client)
    assert "谢家集区幸福养老院" in names
    assert "平山街道夕阳红养老院" not in names


def test_a_moved_subtree_keeps_its_members_scope_on_the_next_request(world, api_for):
    """The move rewrites the paths a cached scope holds; a stale one would match nothing."""
    client = api_for(world.township_staff)
    assert "招贤镇化工有限公司" in enterprise_names(client)
    services.move_org_unit(world.wanli, world.shangrao)
    assert "招贤镇化工有限公司" in enterprise_names(client)
    assert "招贤镇化工有限公司" not in enterprise_names(api_for(world.city_official))


def test_a_scope_cached_by_another_process_is_not_used_after_a_change(world, api_for):
    """Another worker may hold the old scope in a shared cache: the bumped version skips it."""
    client = api_for(world.township_staff)
    enterprise_names(client)
    version = type(world.township_staff).objects.get(pk=world.township_staff.pk).scope_version
    services.add_membership(
        user=world.township_staff, org_unit=world.luoting, role=Role.STAFF, granted_by=None
    )
    assert (
        type(world.township_staff).objects.get(pk=world.township_staff.pk).scope_version > version
    )
    assert "罗亭镇化工有限公司" in enterprise_names(client)
