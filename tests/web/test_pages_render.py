"""Every page renders, in Chinese, for the roles that use it."""

import pytest
from django.urls import reverse

from core.notifications import notify

CHINESE_TITLE = "安全生产治本攻坚"


def pages(world):
    return {
        "dashboard": reverse("dashboard"),
        "notifications": reverse("notifications"),
        "password_change": reverse("password_change"),
        "orgunit_list": reverse("orgs:orgunit_list"),
        "orgunit_detail": reverse("orgs:orgunit_detail", args=[world.zhaoxian.pk]),
        "enterprise_list": reverse("orgs:enterprise_list"),
        "enterprise_detail": reverse("orgs:enterprise_detail", args=[world.ent_zhaoxian.pk]),
        "enterprise_create": reverse("orgs:enterprise_create"),
        "enterprise_update": reverse("orgs:enterprise_update", args=[world.ent_zhaoxian.pk]),
        "enterprise_deactivate": reverse(
            "orgs:enterprise_deactivate", args=[world.ent_zhaoxian.pk]
        ),
        "enterprise_import": reverse("orgs:enterprise_import"),
    }


STAFF_PAGES = [
    "dashboard",
    "notifications",
    "password_change",
    "orgunit_list",
    "orgunit_detail",
    "enterprise_list",
    "enterprise_detail",
    "enterprise_create",
    "enterprise_update",
    "enterprise_deactivate",
    "enterprise_import",
]


SHOWS_TOWNSHIP = {
    "dashboard",
    "orgunit_list",
    "orgunit_detail",
    "enterprise_list",
    "enterprise_detail",
    "enterprise_create",
    "enterprise_update",
    "enterprise_deactivate",
}


@pytest.mark.parametrize("page", STAFF_PAGES)
def test_township_staff_pages_render_in_chinese(page, world, client_for):
    notify([world.township_staff], "请于月底前完成隐患自查")
    response = client_for(world.township_staff).get(pages(world)[page])
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert 'name="viewport"' in html
    assert CHINESE_TITLE in html
    assert "罗亭镇" not in html
    if page in SHOWS_TOWNSHIP:
        assert "招贤镇" in html


@pytest.mark.parametrize(
    "user, url_name",
    [
        ("province_admin", "orgs:user_list"),
        ("province_admin", "orgs:user_create"),
        ("auditor", "audit_log"),
        ("auditor", "audit_history"),
    ],
)
def test_role_pages_render_in_chinese(user, url_name, world, client_for):
    response = client_for(getattr(world, user)).get(reverse(url_name))
    assert response.status_code == 200
    assert CHINESE_TITLE in response.content.decode()


def test_admin_membership_pages_render(world, client_for):
    client = client_for(world.province_admin)
    response = client.get(reverse("orgs:membership_add", args=[world.township_staff.pk]))
    assert response.status_code == 200
    assert "招贤镇 · 工作人员" in response.content.decode()
    membership = world.township_staff.memberships.get()
    response = client.get(reverse("orgs:membership_delete", args=[membership.pk]))
    assert response.status_code == 200
    assert "确认撤销" in response.content.decode()


def test_login_page_is_chinese(client):
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "用户登录" in html and "用户名" in html and "密码" in html
    assert '<html lang="zh-hans">' in html
