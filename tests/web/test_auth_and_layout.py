"""Login, logout, password change, lockout page, and the shared layout (navigation, assets)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from core.models import AuditEvent
from orgs import services
from orgs.constants import Role
from tests.web.conftest import html

WRONG = "wrong-password-1A"


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_anonymous_users_go_to_the_login_page(world):
    response = Client().get(reverse("orgs:enterprise_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_in_chinese_then_the_dashboard(world):
    client = Client()
    page = html(login(client, "township_staff", WRONG))
    assert "请输入正确的用户名和密码" in page
    response = login(client, "township_staff", world.password)
    assert response["Location"] == reverse("dashboard")
    page = html(client.get(reverse("dashboard")))
    assert "工作台" in page and "招贤镇 · 工作人员" in page


def test_lockout_page_is_chinese(world):
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT + 1):
        response = login(client, "township_staff", WRONG)
        if response.status_code == 429:
            break
    assert response.status_code == 429
    page = response.content.decode()
    assert "账号已锁定" in page and "返回登录页" in page and '<html lang="zh-hans">' in page


def test_logout_is_a_post(world, client_for):
    client = client_for(world.township_staff)
    assert client.get(reverse("logout")).status_code == 405
    page = html(client.get(reverse("dashboard")))
    assert f'action="{reverse("logout")}"' in page  # the navbar's logout is a form
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert client.get(reverse("dashboard")).status_code == 302


def test_password_change_is_audited(world, client_for):
    client = client_for(world.township_staff)
    assert "修改密码" in html(client.get(reverse("password_change")))
    data = {
        "old_password": world.password,
        "new_password1": "Zhaoxian@2025",
        "new_password2": "Zhaoxian@2025",
    }
    response = client.post(reverse("password_change"), data, follow=True)
    assert "密码已修改" in html(response)
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.PASSWORD_CHANGED)
    assert event.actor == world.township_staff and event.org_path == world.zhaoxian.path


@pytest.mark.parametrize(
    "user, shown, hidden",
    [
        ("township_staff", ["组织机构", "生产经营单位", "通知"], ["用户管理", "审计日志"]),
        ("province_admin", ["用户管理", "组织机构"], ["审计日志"]),
        ("auditor", ["审计日志", "数据变更记录"], ["用户管理"]),
        ("enterprise_user", ["本单位"], ["组织机构", "用户管理", "审计日志"]),
    ],
)
def test_navigation_by_role(user, shown, hidden, world, client_for):
    page = html(client_for(getattr(world, user)).get(reverse("dashboard")))
    navbar = page[page.index("<nav") : page.index("</nav>")]
    for label in shown:
        assert label in navbar
    for label in hidden:
        assert label not in navbar


def test_dashboard_figures_of_the_scope(world, client_for):
    world.ent_zhaoxian.high_risk = True
    world.ent_zhaoxian.save()
    response = client_for(world.township_staff).get(reverse("dashboard"))
    page = html(response)
    assert response.context["enterprise_total"] == 2
    assert response.context["high_risk_total"] == 1
    rows = {row["industry__name"]: row["n"] for row in response.context["enterprises_by_industry"]}
    assert rows == {"危险化学品": 1, "建筑施工": 1}
    assert dict(response.context["regions_by_level"])["乡镇(街道)"] == 1
    assert "招贤镇" in page and "罗亭镇" not in page


def test_dashboard_of_an_enterprise_user_is_its_own_unit(world, client_for):
    page = html(client_for(world.enterprise_user).get(reverse("dashboard")))
    assert "本单位" in page and "招贤镇化工有限公司" in page
    assert "招贤镇建筑工程有限公司" not in page and "在营单位行业分布" not in page


def test_dashboard_of_a_user_without_roles(world, client_for):
    page = html(client_for(world.outsider).get(reverse("dashboard")))
    assert "您尚未被授予任何角色" in page


def test_dashboard_of_a_department(world, client_for):
    services.add_membership(
        user=world.dept_staff, org_unit=world.xjj_street_mzs, role=Role.STAFF, granted_by=None
    )
    response = client_for(world.dept_staff).get(reverse("dashboard"))
    rows = {row["industry__name"]: row["n"] for row in response.context["enterprises_by_industry"]}
    assert rows == {"养老服务": 2}  # not the chemical plant of the same street


TEMPLATES = Path(settings.BASE_DIR, "templates")


def test_templates_reference_no_external_url():
    external = re.compile(r"""(?:src|href|action)\s*=\s*["'](?:https?:)?//""", re.I)
    for template in TEMPLATES.rglob("*.html"):
        assert not external.search(template.read_text()), template


def test_vendored_assets_are_served_locally():
    for path in (
        "vendor/bootstrap/css/bootstrap.min.css",
        "vendor/bootstrap/js/bootstrap.bundle.min.js",
        "vendor/htmx/htmx.min.js",
        "css/app.css",
    ):
        assert finders.find(path), path
    base = (TEMPLATES / "base.html").read_text()
    assert "{% static 'vendor/bootstrap/css/bootstrap.min.css' %}" in base
    assert "{% static 'vendor/htmx/htmx.min.js' %}" in base
