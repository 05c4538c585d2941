"""Shared fixtures: a small real hierarchy with the demo users (as healthchecks has alice & bob).

`world` mirrors seed_demo's shape at test size:
  江西省 ─ 南昌市 ─ 湾里管理局 ─ 招贤镇 (township_staff), 罗亭镇 (township_staff_b), 太平镇
        ├ 上饶市 (supervisor) ─ 万年县 ─ 陈营镇
        └ 江西省机关事务管理局 (department: 机关事务)
  安徽省 ─ 淮南市 ─ 谢家集区 ─ 谢家集区民政局 (dept_staff; department: 养老服务)
                             ├ 谢家集街道, 平山街道 (townships)
                             └ (under the bureau) 谢家集街道民政所, 平山街道民政所
"""

import os
from types import SimpleNamespace

import pytest
from django.test import Client
from rest_framework.test import APIClient

from orgs import services
from orgs.constants import Level, Role
from orgs.models import Industry
from tests.factories import PASSWORD, EnterpriseFactory, UserFactory, department, region

# live_server runs in a thread while sync Playwright drives the browser (ENVIRONMENT.md).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """The test database, its serialized data (for `serialized_rollback`) on every connection.

    pytest-playwright's sync API runs browser tests in a greenlet where Django's connections
    are new objects (asgiref's Local is context-local) that lack the serialized data Django
    keeps on the connection that created the database: `serialized_rollback` then restores
    nothing, and a browser test after another one (whose teardown flushed the tables) finds
    no industries. Every connection made from now on carries the data.
    """
    from django.db import connections

    saved = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    create_connection = connections.create_connection

    def with_serialized_contents(alias):
        connection = create_connection(alias)
        if alias in saved:
            connection._test_serialized_contents = saved[alias]
        return connection

    connections.create_connection = with_serialized_contents
    yield
    del connections.create_connection


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached scopes and rate-limit counters of an
    earlier test's users must not meet a later test's rows."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _reset_axes(db):
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()


def _industry(code):
    return Industry.objects.get(code=code)


@pytest.fixture
def world(db):
    w = SimpleNamespace()
    w.password = PASSWORD
    w.chemicals = _industry("hazardous_chemicals")
    w.elderly_care = _industry("elderly_care")
    w.government_affairs = _industry("government_affairs")
    w.construction = _industry("construction")

    w.jiangxi = region("江西省", Level.PROVINCE, "360000", longitude=115.81635, latitude=28.63666)
    w.nanchang = region("南昌市", Level.CITY, "360100", parent=w.jiangxi)
    w.wanli = region("湾里管理局", Level.COUNTY, "360105", parent=w.nanchang)
    w.zhaoxian = region("招贤镇", Level.TOWNSHIP, "360105101", parent=w.wanli)
    w.luoting = region("罗亭镇", Level.TOWNSHIP, "360105102", parent=w.wanli)
    w.taiping = region("太平镇", Level.TOWNSHIP, "360105103", parent=w.wanli)
    w.shangrao = region("上饶市", Level.CITY, "361100", parent=w.jiangxi)
    w.wannian = region("万年县", Level.COUNTY, "361129", parent=w.shangrao)
    w.chenying = region("陈营镇", Level.TOWNSHIP, "361129100", parent=w.wannian)
    w.jiangxi_jgswj = department(
        "江西省机关事务管理局", w.jiangxi, industries=[w.government_affairs]
    )

    w.anhui = region("安徽省", Level.PROVINCE, "340000")
    w.huainan = region("淮南市", Level.CITY, "340400", parent=w.anhui)
    w.xiejiaji = region("谢家集区", Level.COUNTY, "340404", parent=w.huainan)
    w.xjj_street = region("谢家集街道", Level.TOWNSHIP, "340404001", parent=w.xiejiaji)
    w.pingshan = region("平山街道", Level.TOWNSHIP, "340404002", parent=w.xiejiaji)
    w.xjj_mzj = department("谢家集区民政局", w.xiejiaji, industries=[w.elderly_care])
    w.xjj_street_mzs = department(
        "谢家集街道民政所", w.xjj_mzj, industries=[w.elderly_care], jurisdiction=w.xjj_street
    )
    w.pingshan_mzs = department(
        "平山街道民政所", w.xjj_mzj, industries=[w.elderly_care], jurisdiction=w.pingshan
    )

    w.ent_zhaoxian = EnterpriseFactory(
        name="招贤镇化工有限公司", org_unit=w.zhaoxian, industry=w.chemicals
    )
    w.ent_zhaoxian_2 = EnterpriseFactory(
        name="招贤镇建筑工程有限公司", org_unit=w.zhaoxian, industry=w.construction
    )
    w.ent_luoting = EnterpriseFactory(
        name="罗亭镇化工有限公司", org_unit=w.luoting, industry=w.chemicals
    )
    w.ent_wannian = EnterpriseFactory(
        name="万年县陈营化工厂", org_unit=w.chenying, industry=w.chemicals
    )
    w.ent_xjj_care = EnterpriseFactory(
        name="谢家集区幸福养老院", org_unit=w.xjj_street, industry=w.elderly_care
    )
    w.ent_pingshan_care = EnterpriseFactory(
        name="平山街道夕阳红养老院", org_unit=w.pingshan, industry=w.elderly_care
    )
    w.ent_xjj_chem = EnterpriseFactory(
        name="谢家集区化工有限公司", org_unit=w.xjj_street, industry=w.chemicals
    )

    def member(username, unit, role, enterprise=None):
        user = UserFactory(username=username)
        services.add_membership(
            user=user, org_unit=unit, role=role, enterprise=enterprise, granted_by=None
        )
        return user

    w.province_admin = member("province_admin", w.jiangxi, Role.ADMIN)
    w.city_official = member("city_official", w.nanchang, Role.LEADER)
    w.county_official = member("county_official", w.wanli, Role.LEADER)
    w.township_staff = member("township_staff", w.zhaoxian, Role.STAFF)
    w.township_staff_b = member("township_staff_b", w.luoting, Role.STAFF)
    w.dept_staff = member("dept_staff", w.xjj_mzj, Role.STAFF)
    w.supervisor = member("supervisor", w.shangrao, Role.SUPERVISOR)
    w.auditor = member("auditor", w.jiangxi, Role.AUDITOR)
    w.enterprise_user = member(
        "enterprise_user", w.zhaoxian, Role.ENTERPRISE, enterprise=w.ent_zhaoxian
    )
    w.outsider = UserFactory(username="no_membership")
    return w


@pytest.fixture
def client_for():
    """A browser-like client logged in as `user` through the real login form."""

    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def api_for():
    """An API client authenticating with the user's token, as integrations do."""

    def make(user):
        from rest_framework.authtoken.models import Token

        token, _ = Token.objects.get_or_create(user=user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make
