"""User management for admins: users of their area, new accounts, granting and revoking roles."""

import pytest
from django.test import Client
from django.urls import reverse

from core.models import AuditEvent, User
from orgs import services
from orgs.constants import Role
from orgs.models import Membership
from tests.web.conftest import html

LIST = reverse("orgs:user_list")
CREATE = reverse("orgs:user_create")


def new_user_data(world, **overrides):
    data = {
        "username": "zhaoxian_new",
        "full_name": "孙八",
        "phone": "13800000002",
        "password1": "Zhaoxian@2025",
        "password2": "Zhaoxian@2025",
        "org_unit": world.zhaoxian.pk,
        "role": Role.STAFF,
        "enterprise_code": "",
    }
    return {**data, **overrides}


def test_admin_lists_users_of_the_area_with_their_roles_there(world, client_for):
    # A role outside Jiangxi is none of the Jiangxi admin's business.
    services.add_membership(
        user=world.township_staff, org_unit=world.xjj_street, role=Role.LEADER, granted_by=None
    )
    page = html(client_for(world.province_admin).get(LIST))
    assert "township_staff" in page and "township_staff_b" in page and "auditor" in page
    assert "招贤镇 · 工作人员" in page
    assert "dept_staff" not in page and "谢家集" not in page


def test_search_users(world, client_for):
    response = client_for(world.province_admin).get(LIST, {"q": "township_staff_b"})
    assert [u.username for u in response.context["object_list"]] == ["township_staff_b"]


@pytest.mark.parametrize(
    "user", ["township_staff", "county_official", "auditor", "enterprise_user"]
)
def test_non_admins_get_403_or_404(user, world, client_for):
    client = client_for(getattr(world, user))
    response = client.get(LIST)
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()  # templates/403.html, in Chinese
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, new_user_data(world)).status_code == 403
    target = world.township_staff_b
    membership = Membership.objects.get(user=target)
    assert client.get(reverse("orgs:membership_add", args=[target.pk])).status_code == 404
    assert client.post(reverse("orgs:membership_delete", args=[membership.pk])).status_code == 404
    assert not User.objects.filter(username="zhaoxian_new").exists()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_admins_do_not_reach_users_of_another_area(world, client_for):
    client = client_for(world.province_admin)
    membership = Membership.objects.get(user=world.dept_staff)
    assert client.get(reverse("orgs:membership_add", args=[world.dept_staff.pk])).status_code == 404
    assert client.post(reverse("orgs:membership_delete", args=[membership.pk])).status_code == 404


def test_create_user_with_first_role(world, client_for):
    response = client_for(world.province_admin).post(CREATE, new_user_data(world))
    assert response.status_code == 302
    user = User.objects.get(username="zhaoxian_new")
    assert user.full_name == "孙八" and user.check_password("Zhaoxian@2025")
    membership = user.memberships.get()
    assert (membership.org_unit, membership.role) == (world.zhaoxian, Role.STAFF)
    assert membership.created_by == world.province_admin
    created = AuditEvent.objects.get(kind=AuditEvent.Kind.USER_CREATED)
    assert created.actor == world.province_admin and created.org_path == world.zhaoxian.path
    assert AuditEvent.objects.filter(
        kind=AuditEvent.Kind.MEMBERSHIP_ADDED, detail__user="zhaoxian_new"
    ).exists()
    login = {"username": "zhaoxian_new", "password": "Zhaoxian@2025"}
    assert Client().post(reverse("login"), login).status_code == 302


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"password1": "abcdefgh", "password2": "abcdefgh"}, "至少3类"),
        ({"password1": "Ab1!", "password2": "Ab1!"}, "至少"),
        ({"password2": "Zhaoxian@2026"}, "不一致"),
        ({"phone": "12345"}, "电话号码格式不正确"),
        ({"username": "TOWNSHIP_STAFF"}, "已存在"),
        ({"org_unit": ""}, "请选择授予角色的机构"),
        ({"role": Role.ENTERPRISE}, "企业用户必须填写"),
        ({"enterprise_code": "91360105MA35XXXX0X"}, "只有“企业用户”角色才绑定企业"),
    ],
)
def test_bad_input_creates_nothing(overrides, message, world, client_for):
    page = html(client_for(world.province_admin).post(CREATE, new_user_data(world, **overrides)))
    assert message in page
    assert not User.objects.filter(username="zhaoxian_new").exists()
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.USER_CREATED).exists()


def test_roles_cannot_be_granted_outside_the_area(world, client_for):
    client = client_for(world.province_admin)
    page = html(client.post(CREATE, new_user_data(world, org_unit=world.xjj_street.pk)))
    assert "选择一个有效的选项" in page
    choices = client.get(CREATE).context["form"].fields["org_unit"].queryset
    assert world.zhaoxian in choices and world.xjj_street not in choices
    # An enterprise of another province is not found by its credit code either.
    data = new_user_data(
        world, role=Role.ENTERPRISE, enterprise_code=world.ent_xjj_care.credit_code
    )
    assert "不在您的管理范围内" in html(client.post(CREATE, data))
    assert not User.objects.filter(username="zhaoxian_new").exists()


def test_create_enterprise_user_bound_by_credit_code(world, client_for):
    code = world.ent_zhaoxian.credit_code.lower()
    data = new_user_data(world, org_unit="", role=Role.ENTERPRISE, enterprise_code=code)
    assert client_for(world.province_admin).post(CREATE, data).status_code == 302
    membership = Membership.objects.get(user__username="zhaoxian_new")
    assert membership.enterprise == world.ent_zhaoxian and membership.org_unit == world.zhaoxian


def test_grant_and_revoke_a_role(world, client_for):
    client = client_for(world.province_admin)
    url = reverse("orgs:membership_add", args=[world.township_staff.pk])
    response = client.post(url, {"org_unit": world.luoting.pk, "role": Role.LEADER})
    assert response.status_code == 302
    granted = Membership.objects.get(user=world.township_staff, org_unit=world.luoting)
    assert granted.role == Role.LEADER
    assert "罗亭镇 · 领导" in html(client.get(url))

    page = html(client.post(url, {"org_unit": world.luoting.pk, "role": Role.LEADER}))
    assert "该用户在该机构已有此角色" in page  # the same role twice
    assert Membership.objects.filter(user=world.township_staff).count() == 2

    delete = reverse("orgs:membership_delete", args=[granted.pk])
    assert "确认撤销" in html(client.get(delete))
    assert client.post(delete)["Location"] == url
    assert not Membership.objects.filter(pk=granted.pk).exists()
    removed = AuditEvent.objects.get(kind=AuditEvent.Kind.MEMBERSHIP_REMOVED)
    assert removed.actor == world.province_admin and removed.org_path == world.luoting.path
