"""The scoping rules of `restrict(user, action)`, through the API as users meet them."""

import pytest
from django.contrib.auth.models import Group

from orgs import services
from orgs.constants import Role
from orgs.models import Enterprise, OrgUnit
from tests.factories import EnterpriseFactory, UserFactory


def enterprise_names(client, **params):
    response = client.get("/api/v1/enterprises/", {"page_size": 500, **params})
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


def org_unit_names(client, **params):
    response = client.get("/api/v1/org-units/", {"page_size": 500, **params})
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


def test_region_membership_covers_its_subtree_never_up_or_sideways(world, api_for):
    county = api_for(world.county_official)
    assert enterprise_names(county) == {
        "招贤镇化工有限公司",
        "招贤镇建筑工程有限公司",
        "罗亭镇化工有限公司",
    }
    units = org_unit_names(county)
    assert {
        "湾里管理局",
        "招贤镇",
        "罗亭镇",
        "太平镇",
    } == units  # not 南昌市 above, not 上饶市 beside


def test_province_sees_whole_province_only(world, api_for):
    names = enterprise_names(api_for(world.province_admin))
    assert "万年县陈营化工厂" in names and "罗亭镇化工有限公司" in names
    assert not any(name.startswith(("谢家集", "平山")) for name in names)


def test_department_gets_own_subtree_plus_its_industries_in_its_region(world, api_for):
    client = api_for(world.dept_staff)
    # 养老服务 in all of 谢家集区, but not the chemicals company in the same township.
    assert enterprise_names(client) == {"谢家集区幸福养老院", "平山街道夕阳红养老院"}
    units = org_unit_names(client)
    assert {"谢家集区民政局", "谢家集街道民政所", "平山街道民政所"} <= units
    # It reads the region nodes where its enterprises are, never the other departments.
    assert {"谢家集区", "谢家集街道", "平山街道"} <= units
    assert "淮南市" not in units


def test_township_department_covers_only_its_jurisdiction(world, api_for):
    clerk = UserFactory(username="mzs_clerk")
    services.add_membership(
        user=clerk, org_unit=world.pingshan_mzs, role=Role.STAFF, granted_by=None
    )
    assert enterprise_names(api_for(clerk)) == {"平山街道夕阳红养老院"}


def test_department_industry_change_changes_scope(world, api_for):
    client = api_for(world.dept_staff)
    assert "谢家集区化工有限公司" not in enterprise_names(client)
    world.xjj_mzj.industries.add(world.chemicals)
    assert "谢家集区化工有限公司" in enterprise_names(client)


def test_guardian_grant_adds_a_subtree_and_revocation_removes_it_at_once(world, api_for):
    client = api_for(world.supervisor)
    assert "招贤镇化工有限公司" not in enterprise_names(client)
    target = world.ent_zhaoxian
    assert client.get(f"/api/v1/enterprises/{target.pk}/").status_code == 404

    services.grant_subtree(
        world.supervisor,
        world.wanli,
        permission="supervise_subtree",
        granted_by=world.province_admin,
    )
    assert "招贤镇化工有限公司" in enterprise_names(client)
    assert client.get(f"/api/v1/enterprises/{target.pk}/").status_code == 200

    services.revoke_subtree(
        world.supervisor,
        world.wanli,
        permission="supervise_subtree",
        revoked_by=world.province_admin,
    )
    assert client.get(f"/api/v1/enterprises/{target.pk}/").status_code == 404
    assert "招贤镇化工有限公司" not in enterprise_names(client)


def test_group_grant_covers_the_groups_members(world, api_for):
    group = Group.objects.create(name="第一督导组")
    world.supervisor.groups.add(group)
    services.grant_subtree(group, world.xiejiaji, granted_by=None)
    assert "谢家集区化工有限公司" in enterprise_names(api_for(world.supervisor))
    services.revoke_subtree(group, world.xiejiaji, revoked_by=None)
    assert "谢家集区化工有限公司" not in enterprise_names(api_for(world.supervisor))


def test_enterprise_user_sees_only_its_own_enterprise(world, api_for):
    client = api_for(world.enterprise_user)
    assert enterprise_names(client) == {"招贤镇化工有限公司"}
    assert client.get(f"/api/v1/enterprises/{world.ent_zhaoxian_2.pk}/").status_code == 404
    # Reads its own record but does not rewrite the register.
    response = client.patch(
        f"/api/v1/enterprises/{world.ent_zhaoxian.pk}/", {"name": "改名"}, format="json"
    )
    assert response.status_code == 404
    assert org_unit_names(client) == {"招贤镇"}


def test_no_membership_sees_nothing(world, api_for):
    client = api_for(world.outsider)
    assert enterprise_names(client) == set()
    assert org_unit_names(client) == set()


def test_auditor_reads_no_domain_rows(world, api_for):
    assert enterprise_names(api_for(world.auditor)) == set()


@pytest.mark.parametrize(
    ("username", "can_change"),
    [
        ("township_staff", True),
        ("county_official", False),  # leaders read and approve, they do not keep the register
        ("province_admin", True),
        ("enterprise_user", False),
    ],
)
def test_change_needs_a_role_that_changes(world, api_for, username, can_change):
    client = api_for(getattr(world, username))
    response = client.patch(
        f"/api/v1/enterprises/{world.ent_zhaoxian.pk}/", {"address": "招贤镇新街1号"}, format="json"
    )
    assert response.status_code == (200 if can_change else 404), response.content
    world.ent_zhaoxian.refresh_from_db()
    assert (world.ent_zhaoxian.address == "招贤镇新街1号") is can_change


def test_active_membership_narrows_a_multi_membership_user(world, client_for):
    services.add_membership(
        user=world.township_staff, org_unit=world.chenying, role=Role.STAFF, granted_by=None
    )
    EnterpriseFactory(name="陈营镇第二化工厂", org_unit=world.chenying, industry=world.chemicals)
    client = client_for(world.township_staff)
    assert "陈营镇第二化工厂" in enterprise_names(client)
    membership = world.township_staff.memberships.get(org_unit=world.zhaoxian)
    session = client.session
    session["active_membership_id"] = membership.pk
    session.save()
    names = enterprise_names(client)
    assert "陈营镇第二化工厂" not in names and "招贤镇化工有限公司" in names


def test_superuser_sees_everything(world, api_for):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    assert len(enterprise_names(api_for(root))) == Enterprise.objects.count()


def test_restrict_is_default_deny_for_anonymous(world):
    from django.contrib.auth.models import AnonymousUser

    assert not Enterprise.objects.restrict(AnonymousUser(), "view").exists()
    assert not OrgUnit.objects.restrict(None, "view").exists()


def test_moving_a_subtree_resyncs_every_location_copy(world):
    services.move_org_unit(world.wanli, world.shangrao)
    world.ent_zhaoxian.refresh_from_db()
    world.zhaoxian.refresh_from_db()
    assert world.ent_zhaoxian.org_path == world.zhaoxian.path
    assert world.zhaoxian.city_id == world.shangrao.pk
    assert world.ent_zhaoxian.city_id == world.shangrao.pk
    assert world.ent_zhaoxian.county_id == world.wanli.pk
    names = set(
        Enterprise.objects.restrict(world.supervisor, "view").values_list("name", flat=True)
    )
    assert "招贤镇化工有限公司" in names


def test_role_grants_are_rechecked_in_the_service(world):
    from django.core.exceptions import ValidationError

    # A leader of 湾里 may not hand out roles, and an admin of 江西 may not in 安徽.
    with pytest.raises(ValidationError):
        services.add_membership(
            user=world.outsider,
            org_unit=world.zhaoxian,
            role=Role.STAFF,
            granted_by=world.county_official,
        )
    with pytest.raises(ValidationError):
        services.create_user(
            username="anhui_clerk",
            password="Anhui@2024x",
            full_name="安徽办事员",
            org_unit=world.xiejiaji,
            role=Role.STAFF,
            created_by=world.province_admin,
        )
    assert not world.outsider.memberships.exists()
    user = services.create_user(
        username="wanli_clerk",
        password="Wanli@2024x",
        full_name="湾里办事员",
        org_unit=world.wanli,
        role=Role.STAFF,
        created_by=world.province_admin,
    )
    assert user.check_password("Wanli@2024x") and user.memberships.get().org_unit == world.wanli
