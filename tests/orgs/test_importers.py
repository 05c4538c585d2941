"""Spreadsheet import and export of the enterprise register and of townships.

Success and failure cases read the same fixture files (tests/fixtures/), so a failure test
cannot pass because its setup differs.
"""

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from core.importing import RowError, read_rows
from orgs.constants import EnterpriseKind
from orgs.importers import (
    ENTERPRISE_COLUMNS,
    EXAMPLE_ENTERPRISE,
    EnterpriseImporter,
    OrgUnitImporter,
    export_enterprises,
)
from orgs.models import Enterprise, OrgUnit

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
GOOD_CODES = {
    "91360105MA35XK011E",
    "91360105MA35XK021F",
    "52360105MA35XK031H",
    "12360105MA35XK041N",
}


def fixture_rows(name):
    with open(FIXTURES / name, encoding="utf-8", newline="") as stream:
        return list(csv.reader(stream))


def write_csv(path, rows, encoding="utf-8"):
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path, rows):
    """As a clerk's Excel stores them: phone numbers and codes typed as numbers are numbers."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append([int(cell) if cell.isdigit() and len(cell) < 16 else cell for cell in row])
    workbook.save(path)
    return path


def codes_in_db():
    return set(Enterprise.objects.values_list("credit_code", flat=True))


# --- Happy paths ---------------------------------------------------------------------------


def test_csv_import_creates_every_row(world):
    result = EnterpriseImporter().run(FIXTURES / "enterprises.csv")

    assert (result.ok, result.created, result.updated, result.errors) == (True, 4, 0, [])
    assert codes_in_db() >= GOOD_CODES
    quarry = Enterprise.objects.get(credit_code="91360105MA35XK021F")
    assert quarry.org_unit == world.zhaoxian
    assert quarry.county_id == world.wanli.pk  # the location is copied onto the row
    assert quarry.industry.code == "mining" and quarry.high_risk
    care_home = Enterprise.objects.get(credit_code="52360105MA35XK031H")
    assert care_home.kind == EnterpriseKind.ELDERLY_CARE
    assert care_home.high_risk is False  # 否 overrides the industry's default
    assert care_home.principal_phone == "0791-83761234"
    # A blank 是否高危 takes the industry's default.
    assert Enterprise.objects.get(credit_code="91360105MA35XK011E").high_risk is True
    assert Enterprise.objects.get(credit_code="12360105MA35XK041N").high_risk is False


def test_xlsx_upload_as_township_staff_writes_history_with_the_user(world, tmp_path):
    path = write_xlsx(tmp_path / "企业名单.xlsx", fixture_rows("enterprises.csv"))
    upload = SimpleUploadedFile("企业名单.xlsx", path.read_bytes())

    result = EnterpriseImporter(user=world.township_staff).run(upload)

    assert (result.ok, result.created) == (True, 4)
    chemicals = Enterprise.objects.get(credit_code="91360105MA35XK011E")
    assert chemicals.principal_phone == "13907910011"  # the number 13907910011, as text
    assert chemicals.history.get().history_user == world.township_staff


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig"])
def test_csv_saved_by_chinese_excel_is_decoded(world, tmp_path, encoding):
    path = write_csv(tmp_path / "企业.csv", fixture_rows("enterprises.csv"), encoding)

    result = EnterpriseImporter().run(path)

    assert (result.ok, result.created) == (True, 4)
    assert Enterprise.objects.get(credit_code="52360105MA35XK031H").name == "招贤镇福寿养老院"


def test_county_code_is_accepted_as_location_and_headers_may_be_decorated(world, tmp_path):
    header, row = fixture_rows("enterprises.csv")[:2]
    row[4] = world.wanli.division_code
    header = [f"*{title}（必填）" if i < 5 else title for i, title in enumerate(header)]
    header.append("备注")  # extra columns are ignored
    path = write_csv(tmp_path / "e.csv", [header, [*row, "新登记"]])

    result = EnterpriseImporter().run(path)

    assert result.ok, result.errors
    assert Enterprise.objects.get(credit_code=row[1]).org_unit == world.wanli


# --- All or nothing ------------------------------------------------------------------------


def test_malformed_file_reports_every_row_and_writes_nothing(world):
    before = codes_in_db()

    result = EnterpriseImporter().run(FIXTURES / "enterprises_bad.csv")

    assert not result.ok and (result.created, result.updated) == (0, 0)
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "统一社会信用代码"),
        (4, "主要负责人电话"),
        (5, "行业领域"),
        (6, "属地区划代码"),
        (7, "统一社会信用代码"),
        (8, "单位类别"),
        (8, "是否高危"),
        (9, "单位名称"),
    ]
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert messages[(3, "统一社会信用代码")] == "校验位错误，请核对后重新输入。"
    assert "电话号码格式不正确" in messages[(4, "主要负责人电话")]
    assert "未知的行业领域“造船”" in messages[(5, "行业领域")]
    assert "360105199" in messages[(6, "属地区划代码")]
    assert messages[(7, "统一社会信用代码")] == "与第2行重复（同一文件中不能出现两次）。"
    assert messages[(9, "单位名称")] == "不能为空。"
    assert str(result.errors[0]).startswith("第3行 统一社会信用代码：")
    # Row 2 is valid on its own, yet nothing is written.
    assert codes_in_db() == before


def test_wrong_header_is_reported_once_not_per_row(world, tmp_path):
    rows = fixture_rows("enterprises.csv")
    rows[0][1] = "企业代码"
    path = write_csv(tmp_path / "e.csv", rows)

    result = EnterpriseImporter().run(path)

    assert result.errors == [
        RowError(1, "统一社会信用代码", "缺少必填列“统一社会信用代码”，请使用导入模板的表头。")
    ]
    assert not GOOD_CODES & codes_in_db()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("企业.xls", b"\xd0\xcf\x11\xe0", "不支持旧版Excel文件（.xls）"),
        ("企业.txt", b"a,b", "不支持的文件类型“.txt”"),
        ("企业.xlsx", b"not a zip file", "无法读取Excel文件"),
        ("企业.csv", b"", "文件为空"),
        ("企业.csv", (",".join(c.title for c in ENTERPRISE_COLUMNS) + "\n").encode(), "只有表头"),
    ],
    ids=["xls", "txt", "corrupt-xlsx", "empty", "header-only"],
)
def test_unreadable_files_are_refused_with_a_chinese_message(world, name, content, message):
    result = EnterpriseImporter().run(SimpleUploadedFile(name, content))

    assert len(result.errors) == 1
    assert result.errors[0].row is None and message in result.errors[0].message


def test_oversize_file_is_refused(world, settings):
    settings.IMPORT_MAX_BYTES = 100

    result = EnterpriseImporter().run(FIXTURES / "enterprises.csv")

    assert "文件过大" in result.errors[0].message and "上限为100" in result.errors[0].message
    assert not GOOD_CODES & codes_in_db()


def test_a_file_over_the_row_limit_is_refused_before_it_is_read_whole(world, monkeypatch):
    monkeypatch.setattr(EnterpriseImporter, "max_rows", 3)

    result = EnterpriseImporter().run(FIXTURES / "enterprises.csv")

    assert [str(e) for e in result.errors] == ["数据超过单次导入上限3行，请拆分后分批导入。"]


# --- Jurisdiction --------------------------------------------------------------------------


def test_township_staff_cannot_import_into_a_sibling_township(world, tmp_path):
    rows = fixture_rows("enterprises.csv")
    rows[2][4] = world.luoting.division_code  # the quarry, placed in 罗亭镇
    path = write_csv(tmp_path / "e.csv", rows)

    result = EnterpriseImporter(user=world.township_staff).run(path)

    assert result.errors == [RowError(3, "属地区划代码", "属地不在您的管辖范围内。")]
    assert not GOOD_CODES & codes_in_db()


def test_an_existing_enterprise_outside_the_jurisdiction_is_not_revealed(world, tmp_path):
    rows = fixture_rows("enterprises.csv")
    rows[1][1] = world.ent_luoting.credit_code  # registered in 罗亭镇
    path = write_csv(tmp_path / "e.csv", rows)

    result = EnterpriseImporter(user=world.township_staff).run(path)

    assert result.errors == [
        RowError(2, "统一社会信用代码", "该单位不在您的管辖范围内，无法导入。")
    ]
    world.ent_luoting.refresh_from_db()
    assert world.ent_luoting.name == "罗亭镇化工有限公司" and world.ent_luoting.version == 1


def test_sectoral_department_imports_only_its_industries(world, tmp_path):
    header, chemicals, _quarry, care_home, _office = fixture_rows("enterprises.csv")
    for row in (chemicals, care_home):
        row[4] = world.xjj_street.division_code
    path = write_csv(tmp_path / "e.csv", [header, care_home, chemicals])

    result = EnterpriseImporter(user=world.dept_staff).run(path)

    # 谢家集区民政局 governs elderly care: the chemicals plant is outside its remit.
    assert [(e.row, e.column) for e in result.errors] == [(3, "")]
    assert "属地或行业不符" in result.errors[0].message
    assert not GOOD_CODES & codes_in_db()

    path = write_csv(tmp_path / "e.csv", [header, care_home])
    assert EnterpriseImporter(user=world.dept_staff).run(path).created == 1


# --- Export, template, round trip ----------------------------------------------------------


def test_export_reimports_unchanged_and_an_edit_becomes_an_update(world, tmp_path):
    visible = Enterprise.objects.restrict(world.township_staff, "view")
    path = tmp_path / "导出.xlsx"
    path.write_bytes(export_enterprises(visible))
    history_before = Enterprise.history.count()

    result = EnterpriseImporter(user=world.township_staff).run(path)

    assert (result.ok, result.created, result.updated, result.unchanged) == (True, 0, 0, 2)
    assert Enterprise.history.count() == history_before

    workbook = load_workbook(path)
    sheet = workbook.active
    assert [cell.value for cell in sheet[1]] == [c.title for c in ENTERPRISE_COLUMNS]
    row = next(
        r for r in sheet.iter_rows(min_row=2) if r[1].value == world.ent_zhaoxian.credit_code
    )
    row[7].value = "13907918888"
    workbook.save(path)

    result = EnterpriseImporter(user=world.township_staff).run(path)

    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    world.ent_zhaoxian.refresh_from_db()
    assert world.ent_zhaoxian.principal_phone == "13907918888"
    assert world.ent_zhaoxian.version == 2  # open edit forms of the old version go stale
    assert world.ent_zhaoxian.history.first().history_user == world.township_staff


def test_export_writes_text_cells_never_formulas(world):
    world.ent_zhaoxian.name = '=HYPERLINK("http://example.com","点击")'
    world.ent_zhaoxian.save()

    data = export_enterprises(Enterprise.objects.filter(pk=world.ent_zhaoxian.pk))

    cell = load_workbook(io.BytesIO(data)).active["A2"]
    assert (cell.data_type, cell.value) == ("s", world.ent_zhaoxian.name)


def test_template_has_the_header_an_example_and_is_refused_unchanged(world, tmp_path):
    data = EnterpriseImporter.template_workbook()
    workbook = load_workbook(io.BytesIO(data))

    assert workbook.sheetnames == ["单位信息", "填写说明"]
    sheet = workbook["单位信息"]
    assert [cell.value for cell in sheet[1]] == [c.title for c in ENTERPRISE_COLUMNS]
    assert all(cell.font.b for cell in sheet[1])
    assert sheet["B2"].value == EXAMPLE_ENTERPRISE["credit_code"]

    path = tmp_path / "模板.xlsx"
    path.write_bytes(data)
    result = EnterpriseImporter(user=world.township_staff).run(path)
    assert [str(e) for e in result.errors] == ["第2行：这是导入模板中的示例行，请删除后再导入。"]


# --- Townships and the reader --------------------------------------------------------------


def test_township_import_is_idempotent(world):
    first = OrgUnitImporter().run(FIXTURES / "townships.csv")
    second = OrgUnitImporter().run(FIXTURES / "townships.csv")

    assert (first.created, second.created, second.updated, second.unchanged) == (3, 0, 0, 3)
    meiling = OrgUnit.objects.get(division_code="360105104")
    assert (meiling.name, meiling.short_name, meiling.longitude) == (
        "梅岭镇",
        "梅岭",
        Decimal("115.721000"),
    )


def test_only_an_administrator_of_the_county_adds_townships(world):
    denied = OrgUnitImporter(user=world.county_official).run(FIXTURES / "townships.csv")
    allowed = OrgUnitImporter(user=world.province_admin).run(FIXTURES / "townships.csv")

    assert {(e.row, e.column, e.message) for e in denied.errors} == {
        (row, "上级区划代码", "不在您的管辖范围内。") for row in (2, 3, 4)
    }
    assert allowed.created == 3


def test_reader_skips_blank_rows_and_keeps_spreadsheet_row_numbers(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("名称,代码\n\n招贤镇, 360105101 \n,\n", encoding="utf-8")

    assert read_rows(path) == [(1, ["名称", "代码"]), (3, ["招贤镇", "360105101"])]
