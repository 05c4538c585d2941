"""The enterprise register pages: isolation, create/edit/注销, history, import and export."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from orgs import services
from orgs.models import Enterprise
from tests.factories import make_credit_code
from tests.web.conftest import html

OWN = "招贤镇化工有限公司"
SIBLING = "罗亭镇化工有限公司"
LIST = reverse("orgs:enterprise_list")


def valid_data(world, **overrides):
    data = {
        "name": "招贤镇新材料有限公司",
        "credit_code": make_credit_code(),
        "kind": "enterprise",
        "industry": world.chemicals.pk,
        "org_unit": world.zhaoxian.pk,
        "address": "招贤大道1号",
        "principal_name": "赵六",
        "principal_phone": "13800000001",
        "controller_name": "",
        "controller_phone": "",
    }
    return {**data, **overrides}


def edit_data(enterprise, **overrides):
    data = {
        "name": enterprise.name,
        "credit_code": enterprise.credit_code,
        "kind": enterprise.kind,
        "industry": enterprise.industry_id,
        "org_unit": enterprise.org_unit_id,
        "high_risk": "on" if enterprise.high_risk else "",
        "address": enterprise.address,
        "principal_name": enterprise.principal_name,
        "principal_phone": enterprise.principal_phone,
        "controller_name": enterprise.controller_name,
        "controller_phone": enterprise.controller_phone,
        "version": enterprise.version,
    }
    return {**data, **overrides}


# --- Isolation ---------------------------------------------------------------------------


def test_list_shows_the_township_only(world, client_for):
    page = html(client_for(world.township_staff).get(LIST))
    assert OWN in page and "招贤镇建筑工程有限公司" in page
    assert SIBLING not in page
    assert "共 2 家" in page


@pytest.mark.parametrize(
    "params",
    [
        {"q": "罗亭"},
        {"q": "化工"},
        {"industry": "chemicals"},
        {"high_risk": "true"},
        {"within": "wanli"},
        {"within": "luoting"},
        {"org_unit": "luoting"},
    ],
    ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()),
)
def test_search_and_filters_never_reach_the_sibling(params, world, client_for):
    objects = {"chemicals": world.chemicals, "wanli": world.wanli, "luoting": world.luoting}
    query = {key: getattr(objects.get(value), "pk", value) for key, value in params.items()}
    page = html(client_for(world.township_staff).get(LIST, query))
    assert SIBLING not in page


def test_a_filter_on_a_unit_out_of_scope_is_an_error_not_a_leak(world, client_for):
    response = client_for(world.township_staff).get(LIST, {"within": world.luoting.pk})
    page = html(response)
    assert "查询条件有误" in page
    assert "共 0 家" in page


def test_search_finds_own_enterprises(world, client_for):
    page = html(client_for(world.township_staff).get(LIST, {"q": "化工"}))
    assert OWN in page and "招贤镇建筑工程有限公司" not in page


def test_filter_choices_are_scoped(world, client_for):
    response = client_for(world.township_staff).get(LIST)
    form = response.context["filter_form"]
    assert [unit.name for unit in form.fields["within"].queryset] == ["招贤镇"]
    page = html(response)
    assert "罗亭镇" not in page
    # "No filter" reads 全部 in every select, and each choice is offered once.
    assert "---------" not in page and "未知" not in page
    assert page.count('<option value="elderly_care">养老机构</option>') == 1


def test_htmx_filtering_renders_the_results_only(world, client_for):
    response = client_for(world.township_staff).get(
        LIST, {"q": "化工"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="enterprise-results"
    )
    page = html(response)
    assert "<html" not in page
    assert OWN in page and "招贤镇建筑工程有限公司" not in page


def test_form_choices_are_scoped_regions(world, client_for):
    response = client_for(world.township_staff).get(reverse("orgs:enterprise_create"))
    assert [u.name for u in response.context["form"].fields["org_unit"].queryset] == ["招贤镇"]
    response = client_for(world.province_admin).get(reverse("orgs:enterprise_create"))
    choices = {u.name for u in response.context["form"].fields["org_unit"].queryset}
    assert {"江西省", "招贤镇", "罗亭镇", "陈营镇"} <= choices
    assert "江西省机关事务管理局" not in choices  # a department is no place to locate a unit
    assert "谢家集街道" not in choices
    # Township names carry their city and county: names repeat across counties.
    assert "南昌市 / 湾里管理局 / 招贤镇" in html(response)


def test_other_townships_enterprise_pages_are_404(world, client_for):
    client = client_for(world.township_staff)
    pk = world.ent_luoting.pk
    for name in ("enterprise_detail", "enterprise_update", "enterprise_deactivate"):
        url = reverse(f"orgs:{name}", args=[pk])
        response = client.get(url)
        assert response.status_code == 404
        # The same page as for a missing unit (templates/404.html), naming nothing.
        assert "不存在，或不在您的管辖范围内" in response.content.decode()
        assert SIBLING not in response.content.decode()
        assert client.post(url, {"name": "改名"}).status_code == 404
    world.ent_luoting.refresh_from_db()
    assert world.ent_luoting.name == SIBLING and world.ent_luoting.is_active


def test_enterprise_user_sees_only_its_own_unit(world, client_for):
    client = client_for(world.enterprise_user)
    page = html(client.get(LIST))
    assert OWN in page
    assert "招贤镇建筑工程有限公司" not in page and SIBLING not in page
    assert html(client.get(world.ent_zhaoxian.get_absolute_url())).count(OWN) >= 1
    other = reverse("orgs:enterprise_detail", args=[world.ent_zhaoxian_2.pk])
    assert client.get(other).status_code == 404
    # Reading only: no editing, 注销, creating or importing.
    own = world.ent_zhaoxian.pk
    assert client.get(reverse("orgs:enterprise_update", args=[own])).status_code == 404
    assert client.post(reverse("orgs:enterprise_deactivate", args=[own])).status_code == 404
    assert client.get(reverse("orgs:enterprise_create")).status_code == 403
    assert client.get(reverse("orgs:enterprise_import")).status_code == 403


def test_a_leader_reads_but_does_not_edit(world, client_for):
    client = client_for(world.county_official)
    page = html(client.get(LIST))
    assert OWN in page and SIBLING in page
    assert "新增单位" not in page
    edit = reverse("orgs:enterprise_update", args=[world.ent_zhaoxian.pk])
    assert client.get(edit).status_code == 404
    assert client.get(reverse("orgs:enterprise_create")).status_code == 403


# --- Create, edit, 注销 ---------------------------------------------------------------------


def test_create(world, client_for):
    response = client_for(world.township_staff).post(
        reverse("orgs:enterprise_create"), valid_data(world)
    )
    enterprise = Enterprise.objects.get(name="招贤镇新材料有限公司")
    assert response.status_code == 302
    assert response["Location"] == enterprise.get_absolute_url()
    assert enterprise.org_unit == world.zhaoxian
    assert enterprise.high_risk  # left unticked: the industry (危险化学品) decides
    record = enterprise.history.get()
    assert record.history_user == world.township_staff and record.request_id


def test_create_ticked_high_risk_overrides_the_industry(world, client_for):
    data = valid_data(world, industry=world.government_affairs.pk, high_risk="on")
    client_for(world.township_staff).post(reverse("orgs:enterprise_create"), data)
    assert Enterprise.objects.get(name="招贤镇新材料有限公司").high_risk


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("credit_code", "91360105MA35XXXX0X", "统一社会信用代码校验位错误"),
        ("credit_code", "91360105MA35", "统一社会信用代码应为18位"),
        ("credit_code", "91360105MA35OOOO0X", "含有无效字符“O”"),
        ("principal_phone", "12345", "电话号码格式不正确"),
        ("controller_phone", "0791-123", "电话号码格式不正确"),
        ("name", "", "必填项"),
    ],
)
def test_bad_input_is_explained_in_chinese_and_nothing_is_written(
    field, value, message, world, client_for
):
    before = Enterprise.objects.count()
    response = client_for(world.township_staff).post(
        reverse("orgs:enterprise_create"), valid_data(world, **{field: value})
    )
    page = html(response)
    assert message in page
    assert "is-invalid" in page
    assert Enterprise.objects.count() == before


def test_duplicate_credit_code_is_rejected(world, client_for):
    data = valid_data(world, credit_code=world.ent_luoting.credit_code.lower())
    page = html(client_for(world.township_staff).post(reverse("orgs:enterprise_create"), data))
    assert "已存在" in page
    assert not Enterprise.objects.filter(name="招贤镇新材料有限公司").exists()


def test_a_unit_out_of_scope_is_not_a_valid_choice(world, client_for):
    data = valid_data(world, org_unit=world.luoting.pk)
    page = html(client_for(world.township_staff).post(reverse("orgs:enterprise_create"), data))
    assert "选择一个有效的选项" in page
    assert not Enterprise.objects.filter(name="招贤镇新材料有限公司").exists()


def test_a_department_cannot_place_a_unit_outside_its_industries(world, client_for):
    # 谢家集区民政局 governs 养老服务 only: a chemical plant is not theirs to register.
    data = valid_data(world, org_unit=world.xjj_street.pk, industry=world.chemicals.pk)
    page = html(client_for(world.dept_staff).post(reverse("orgs:enterprise_create"), data))
    assert "不在您的管辖范围内" in page
    assert not Enterprise.objects.filter(name="招贤镇新材料有限公司").exists()


def test_edit_and_its_history(world, client_for):
    enterprise = world.ent_zhaoxian
    client = client_for(world.township_staff)
    url = reverse("orgs:enterprise_update", args=[enterprise.pk])
    form = client.get(url).context["form"]
    assert form["version"].value() == enterprise.version
    data = edit_data(enterprise, principal_name="王五", industry=world.construction.pk)
    response = client.post(url, data)
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.principal_name == "王五" and enterprise.version == 2

    page = html(client.get(enterprise.get_absolute_url()))
    assert "变更记录" in page
    assert "主要负责人" in page and "张三" in page and "王五" in page
    assert "危险化学品" in page and "建筑施工" in page  # related objects by name, not id
    assert "township_staff" in page


def test_a_stale_edit_is_rejected(world, client_for):
    enterprise = world.ent_zhaoxian
    loaded = edit_data(enterprise, principal_name="王五")
    # Someone else saves in between.
    services.save_enterprise({"address": "新地址"}, user=world.province_admin, instance=enterprise)
    response = client_for(world.township_staff).post(
        reverse("orgs:enterprise_update", args=[enterprise.pk]), loaded
    )
    assert response.status_code == 409
    assert "该单位已被他人修改，请刷新后重新编辑。" in response.content.decode()
    enterprise.refresh_from_db()
    assert enterprise.principal_name == "张三" and enterprise.address == "新地址"


def test_deactivate(world, client_for):
    enterprise = world.ent_zhaoxian
    client = client_for(world.township_staff)
    url = reverse("orgs:enterprise_deactivate", args=[enterprise.pk])
    assert "确认注销" in html(client.get(url))
    response = client.post(url)
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert not enterprise.is_active
    page = html(client.get(enterprise.get_absolute_url()))
    assert "已注销" in page
    assert "在营" in page and "是" in page and "否" in page  # the change listed in the history


def test_every_form_posts_with_a_csrf_token(world, client_for):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.township_staff)
    url = reverse("orgs:enterprise_deactivate", args=[world.ent_zhaoxian.pk])
    assert client.post(url).status_code == 403
    assert 'name="csrfmiddlewaretoken"' in html(client.get(url))


# --- Import and export ---------------------------------------------------------------------

HEADER = (
    "单位名称,统一社会信用代码,单位类别,行业领域,属地区划代码,地址,"
    "主要负责人,主要负责人电话,实际控制人,实际控制人电话,是否高危"
)


def csv_row(name, credit_code, division="360105101", phone="13800000001"):
    return f"{name},{credit_code},生产经营单位,危险化学品,{division},,赵六,{phone},,,"


def upload(*rows):
    content = "\n".join([HEADER, *rows]) + "\n"
    return SimpleUploadedFile("单位.csv", content.encode("utf-8"), content_type="text/csv")


def test_import_lists_every_error_by_row_and_writes_nothing(world, client_for):
    before = Enterprise.objects.count()
    good = csv_row("招贤镇新材料有限公司", make_credit_code())
    bad_code = csv_row("招贤镇甲公司", "91360105MA35XXXX0X")
    sibling = csv_row("罗亭镇乙公司", make_credit_code(), division="360105102", phone="1380000")
    response = client_for(world.township_staff).post(
        reverse("orgs:enterprise_import"), {"file": upload(good, bad_code, sibling)}
    )
    page = html(response)
    assert "未导入任何数据" in page
    assert "第3行" in page and "统一社会信用代码" in page and "校验位错误" in page
    assert "第4行" in page and "电话号码格式不正确" in page
    assert Enterprise.objects.count() == before


def test_import_writes_a_clean_file(world, client_for):
    row = csv_row("招贤镇新材料有限公司", make_credit_code())
    client = client_for(world.township_staff)
    response = client.post(reverse("orgs:enterprise_import"), {"file": upload(row)}, follow=True)
    page = html(response)
    assert "导入完成：新增1家" in page
    assert Enterprise.objects.get(name="招贤镇新材料有限公司").org_unit == world.zhaoxian


def test_import_rejects_a_file_it_cannot_read(world, client_for):
    bad = SimpleUploadedFile("单位.txt", b"hello", content_type="text/plain")
    client = client_for(world.township_staff)
    page = html(client.post(reverse("orgs:enterprise_import"), {"file": bad}))
    assert "整个文件" in page and "不支持的文件类型" in page


def test_import_template_download(world, client_for):
    response = client_for(world.township_staff).get(reverse("orgs:enterprise_import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.cell(row=1, column=1).value == "单位名称"
    leader = client_for(world.county_official)
    assert leader.get(reverse("orgs:enterprise_import_template")).status_code == 403


def exported_names(response):
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    return {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}


def test_export_is_the_filtered_list_in_scope(world, client_for):
    client = client_for(world.township_staff)
    export = reverse("orgs:enterprise_export")
    assert exported_names(client.get(export)) == {OWN, "招贤镇建筑工程有限公司"}
    assert exported_names(client.get(export, {"q": "化工"})) == {OWN}
    page = html(client.get(LIST, {"q": "化工"}))
    assert f"{export}?q=" in page  # the export link carries the current filters
