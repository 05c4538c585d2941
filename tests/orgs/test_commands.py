"""The management commands: load_divisions, import_org_units, import_enterprises, seed_demo."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.models import Notification, User
from orgs.constants import KEY_INDUSTRIES, EnterpriseKind, Kind, Level, Role
from orgs.importers import cpca_divisions
from orgs.models import Enterprise, Membership, OrgUnit
from orgs.validators import validate_credit_code

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def run(*args):
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command(*args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


# --- load_divisions ------------------------------------------------------------------------


def test_load_divisions_loads_jiangxi_with_coordinates_and_is_idempotent(db):
    out, _ = run("load_divisions", "--province", "36")

    expected = len(cpca_divisions(["36"]))
    assert OrgUnit.objects.count() == expected
    assert f"新增{expected}个" in out
    nanchang = OrgUnit.objects.get(division_code="360100")
    assert (nanchang.name, nanchang.level, nanchang.parent.name) == ("南昌市", Level.CITY, "江西省")
    assert (nanchang.longitude, nanchang.latitude) == (Decimal("115.858198"), Decimal("28.682892"))
    wannian = OrgUnit.objects.get(division_code="361129")
    assert (wannian.parent.name, wannian.city_id, wannian.province_id) == (
        "上饶市",
        wannian.parent_id,
        nanchang.province_id,
    )
    # The 市辖区 placeholder rows of the national table are not places.
    assert not OrgUnit.objects.filter(name="市辖区").exists()

    history = OrgUnit.history.count()
    out, _ = run("load_divisions", "--province", "360000")

    assert OrgUnit.objects.count() == expected and OrgUnit.history.count() == history
    assert f"新增0个，更新0个，未变化{expected}个" in out


def test_load_divisions_applies_renames_back_from_the_table(db):
    run("load_divisions", "--province", "36")
    OrgUnit.objects.filter(division_code="360100").update(name="洪城市")

    out, _ = run("load_divisions", "--province", "36")

    assert OrgUnit.objects.get(division_code="360100").name == "南昌市"
    assert "更新1个" in out


def test_counties_directly_under_a_province_hang_under_it(db):
    run("load_divisions", "--province", "42", "--province", "11")

    xiantao = OrgUnit.objects.get(division_code="429004")  # 省直辖县级行政区划
    dongcheng = OrgUnit.objects.get(division_code="110101")  # under 北京市's 市辖区
    for county, province in ((xiantao, "湖北省"), (dongcheng, "北京市")):
        assert (county.level, county.parent.name, county.city_id) == (Level.COUNTY, province, None)


@pytest.mark.parametrize(
    ("code", "message"), [("3", "应为2位数字"), ("99", "未找到省级行政区划代码：99")]
)
def test_load_divisions_rejects_unknown_provinces(db, code, message):
    with pytest.raises(CommandError, match=message):
        run("load_divisions", "--province", code)
    assert not OrgUnit.objects.exists()


# --- import_org_units / import_enterprises -------------------------------------------------


def test_import_org_units_creates_townships_under_their_counties(world):
    out, _ = run("import_org_units", str(FIXTURES / "townships.csv"))

    assert "新增3条，更新0条，未变化0条" in out
    meiling = OrgUnit.objects.get(division_code="360105104")
    assert (meiling.name, meiling.level, meiling.kind) == ("梅岭镇", Level.TOWNSHIP, Kind.REGION)
    assert meiling.parent == world.wanli
    assert (meiling.county_id, meiling.township_id) == (world.wanli.pk, meiling.pk)
    assert meiling.path.startswith(world.wanli.path)
    assert OrgUnit.objects.get(division_code="361129101").parent == world.wannian

    out, _ = run("import_org_units", str(FIXTURES / "townships.csv"))
    assert "新增0条，更新0条，未变化3条" in out


def test_import_org_units_with_errors_lists_them_all_and_writes_nothing(world):
    count = OrgUnit.objects.count()

    with pytest.raises(CommandError, match="共7处错误，未写入任何数据"):
        run("import_org_units", str(FIXTURES / "townships_bad.csv"))

    assert OrgUnit.objects.count() == count
    assert not OrgUnit.objects.filter(division_code="360105104").exists()  # row 2 was valid


def test_import_org_units_prints_each_error_in_chinese(world):
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_org_units", str(FIXTURES / "townships_bad.csv"), stderr=stderr)

    assert stderr.getvalue().splitlines() == [
        "第3行 上级区划代码：未找到区划代码为“360199”的县(市、区)，请先导入区县。",
        "第4行 上级区划代码：“360100”是设区市，上级应为县(市、区)。",
        "第5行 区划代码：行政区划代码361129105与上级区划代码360105不一致。",
        "第6行 区划代码：与第2行重复（同一文件中不能出现两次）。",
        "第7行 经度：应为73至136之间的数字（十进制度），请检查是否与另一坐标填反。",
        "第7行 纬度：应为3至54之间的数字（十进制度），请检查是否与另一坐标填反。",
        "第8行 区划代码：乡镇(街道)的行政区划代码应为9位数字。",
    ]


def test_import_enterprises_command(world, tmp_path):
    out, _ = run("import_enterprises", str(FIXTURES / "enterprises.csv"))
    assert "新增4条" in out

    before = Enterprise.objects.count()
    with pytest.raises(CommandError, match="共8处错误"):
        run("import_enterprises", str(FIXTURES / "enterprises_bad.csv"))
    with pytest.raises(CommandError, match="共1处错误"):
        run("import_enterprises", str(tmp_path / "不存在.csv"))
    assert Enterprise.objects.count() == before


# --- seed_demo -----------------------------------------------------------------------------

DEMO_MEMBERSHIPS = {
    "province_admin": ("江西省", Role.ADMIN),
    "city_official": ("南昌市", Role.LEADER),
    "county_official": ("湾里管理局", Role.LEADER),
    "township_staff": ("招贤镇", Role.STAFF),
    "township_staff_b": ("梅岭镇", Role.STAFF),
    "dept_staff": ("谢家集区民政局", Role.STAFF),
    "supervisor": ("上饶市", Role.SUPERVISOR),
    "auditor": ("江西省", Role.AUDITOR),
    "enterprise_user": ("招贤镇", Role.ENTERPRISE),
}


def demo_counts():
    return {
        model.__name__: model.objects.count()
        for model in (OrgUnit, Enterprise, User, Membership, Notification)
    } | {"history": OrgUnit.history.count() + Enterprise.history.count()}


def test_seed_demo_builds_the_demo_and_a_second_run_changes_nothing(db, settings):
    out, _ = run("seed_demo")
    first = demo_counts()
    run("seed_demo")

    assert demo_counts() == first
    assert "township_staff" in out and settings.DEMO_PASSWORD in out

    enterprises = Enterprise.objects.select_related("industry", "org_unit")
    assert enterprises.count() >= 200
    assert {e.industry.code for e in enterprises} == {code for code, *_ in KEY_INDUSTRIES}
    for enterprise in enterprises:
        validate_credit_code(enterprise.credit_code)
    assert enterprises.filter(org_unit__name="招贤镇").count() >= 3
    assert enterprises.filter(org_unit__name="梅岭镇").count() >= 3
    care_homes = enterprises.filter(kind=EnterpriseKind.ELDERLY_CARE, industry__code="elderly_care")
    assert care_homes.filter(org_unit__parent__name="谢家集区").count() >= 10

    wanli = OrgUnit.objects.get(division_code="360105")
    assert wanli.name == "湾里管理局"
    assert {u.name for u in OrgUnit.objects.filter(parent=wanli)} == {
        "招贤镇",
        "梅岭镇",
        "太平镇",
        "罗亭镇",
        "洗药湖管理处",
    }
    for county in ("万年县", "铅山县", "弋阳县", "玉山县"):
        assert OrgUnit.objects.filter(parent__name=county, level=Level.TOWNSHIP).count() >= 3
    office = OrgUnit.objects.get(name="平山街道民政所")
    assert (office.kind, office.level, office.parent.name, office.jurisdiction.name) == (
        Kind.DEPARTMENT,
        Level.TOWNSHIP,
        "谢家集区民政局",
        "平山街道",
    )
    assert list(
        OrgUnit.objects.get(name="江西省机关事务管理局").industries.values_list("code", flat=True)
    ) == ["government_affairs"]

    for username, (unit_name, role) in DEMO_MEMBERSHIPS.items():
        user = User.objects.get(username=username)
        assert user.full_name and user.check_password(settings.DEMO_PASSWORD)
        membership = Membership.objects.get(user=user)
        assert (membership.org_unit.name, membership.role) == (unit_name, role)
    bound = Membership.objects.get(user__username="enterprise_user").enterprise
    assert bound.org_unit.name == "招贤镇"
    staff = User.objects.get(username="township_staff")
    # The welcome messages (the domain apps' demo data adds its own notices).
    assert Notification.objects.filter(recipient=staff, dedup_key__startswith="demo:").count() == 2
    # The demo users see what their role says: the township its own enterprises only.
    visible = Enterprise.objects.restrict(staff, "view")
    assert set(visible.values_list("org_unit__name", flat=True)) == {"招贤镇"}
