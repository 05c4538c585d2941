"""The ledger in Excel: import (all rows or none, every error by row), export, re-import."""

import io
from datetime import date

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hazards.importers import LEDGER_COLUMNS, HazardLedgerImporter, export_hazards
from hazards.models import Hazard, HazardNotice, HazardTransition
from orgs.constants import Role
from orgs.services import add_membership
from tests.factories import UserFactory
from tests.hazards.conftest import workbook_bytes

HEADER = ["序号", *(column.title for column in LEDGER_COLUMNS)]
CRITERION = "《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）》第十二项"


def sheet_row(enterprise, **cells):
    """A row in the template's layout: 序号 first, then the import columns by key."""
    values = {
        "credit_code": enterprise.credit_code,
        "enterprise_name": enterprise.name,
        "grade": "重大事故隐患",
        "source": "督导检查发现",
        "criterion": CRITERION,
        "description": "储罐区可燃气体检测报警装置失效",
        "place": "1号储罐区",
        "found_date": "2024-05-06",
        "responsible_person": "张伟",
        "responsible_phone": "13907910001",
        "measures": "更换报警探头并与紧急切断阀联锁",
        "funds": "12.5",
        "deadline": "2024-06-30",
        "contingency_plan": "储罐泄漏现场处置方案",
        "status": "已上报",
        **cells,
    }
    return ["", *(values.get(column.key, "") for column in LEDGER_COLUMNS)]


def upload(rows, name="台账.xlsx", header=HEADER):
    return SimpleUploadedFile(name, workbook_bytes(rows, header))


@pytest.fixture
def county_staff(world):
    user = UserFactory(username="county_staff")
    add_membership(user=user, org_unit=world.wanli, role=Role.STAFF, granted_by=None)
    return user


@pytest.fixture
def good_rows(world):
    return [
        sheet_row(world.ent_zhaoxian),
        sheet_row(
            world.ent_zhaoxian_2,
            grade="一般事故隐患",
            criterion="",
            description="脚手架连墙件缺失",
            found_date="2023/11/20",
            status="整改中",
        ),
        sheet_row(
            world.ent_luoting,
            description="液氨管道穿越办公区",
            found_date="2024年3月1日",
            status="已销号",
            closed_date="2024-04-15",
            verification_note="现场复核，已整改到位",
        ),
    ]


def test_a_good_file_is_imported_whole(world, county_staff, good_rows):
    result = HazardLedgerImporter(user=county_staff).run(upload(good_rows))
    assert result.ok, [str(e) for e in result.errors]
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    reported, rectifying, closed = Hazard.objects.order_by("pk")
    assert (
        reported.ledger_number == "360105-2024-000001" and reported.criterion.clause == "第十二项"
    )
    assert rectifying.ledger_number == "360105-2023-000001" and rectifying.is_stock
    assert (
        rectifying.status == Hazard.Status.RECTIFYING and rectifying.industry == world.construction
    )
    assert closed.status == Hazard.Status.CLOSED
    assert timezone.localtime(closed.closed_at).date() == date(2024, 4, 15)
    assert closed.org_unit == world.luoting and closed.verification_note == "现场复核，已整改到位"
    # One history row and one transition each; the open major hazard's principal is told.
    assert all(hazard.history.count() == 1 for hazard in (reported, rectifying, closed))
    assert HazardTransition.objects.filter(action="import").count() == 3
    assert HazardNotice.objects.filter(hazard=reported).count() == 2
    assert not HazardNotice.objects.filter(hazard=closed).exists()


def test_a_file_with_errors_in_several_rows_writes_nothing(world, county_staff, good_rows):
    rows = [
        *good_rows,
        sheet_row(world.ent_zhaoxian, grade="特大", description="另一处隐患"),
        sheet_row(
            world.ent_zhaoxian,
            credit_code="91360105MA35X00000",
            description="第三处",
            found_date="2024-13-01",
            funds="十二万",
        ),
        sheet_row(
            world.ent_zhaoxian,
            description="第四处",
            status="整改中",
            measures="",
            criterion="《不存在的标准》第一条",
        ),
        sheet_row(world.ent_zhaoxian, description="第五处", status="已销号"),
    ]
    result = HazardLedgerImporter(user=county_staff).run(upload(rows))
    assert not result.ok and not Hazard.objects.exists()
    messages = [str(error) for error in result.errors]
    assert any(m.startswith("第5行 隐患等级：应为") for m in messages)
    assert any(m.startswith("第6行 统一社会信用代码：") for m in messages)
    assert "第6行 发现日期：日期格式应为2024-05-06。" in messages
    assert any(m.startswith("第6行 整改资金(万元)：") for m in messages)
    assert any(m.startswith("第7行 判定依据：未找到该判定依据") for m in messages)
    assert any(m.startswith("第7行 状态：整改中的隐患须五落实完整") for m in messages)
    assert "第8行 销号日期：已销号的隐患须填写销号日期。" in messages
    assert "第8行 审核意见：已销号的隐患须填写审核意见。" in messages


def test_reimporting_creates_no_duplicates(world, county_staff, good_rows):
    HazardLedgerImporter(user=county_staff).run(upload(good_rows))
    again = HazardLedgerImporter(user=county_staff).run(upload(good_rows))
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert Hazard.objects.count() == 3


def test_an_exported_ledger_reimports_unchanged_and_updates_by_number(
    world, county_staff, good_rows
):
    HazardLedgerImporter(user=county_staff).run(upload(good_rows))
    content = export_hazards(Hazard.objects.all())
    result = HazardLedgerImporter(user=county_staff).run(SimpleUploadedFile("导出.xlsx", content))
    assert result.ok and result.unchanged == 3, [str(e) for e in result.errors]
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    header = [cell.value for cell in sheet[1]]
    assert header[:6] == ["序号", "台账编号", "单位名称", "统一社会信用代码", "属地", "行业领域"]
    measures = header.index("整改措施")
    sheet.cell(row=2, column=measures + 1, value="加装报警器并联锁")
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    result = HazardLedgerImporter(user=county_staff).run(
        SimpleUploadedFile("修改.xlsx", buffer.getvalue())
    )
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    changed = Hazard.objects.get(measures="加装报警器并联锁")
    assert changed.version == 2 and changed.history.count() == 2


def test_duplicates_within_the_file_are_refused(world, county_staff, good_rows):
    result = HazardLedgerImporter(user=county_staff).run(upload([good_rows[0], good_rows[0]]))
    assert [str(e) for e in result.errors] == [
        "第3行：与第2行是同一条隐患（同一文件中不能出现两次）。"
    ]


def test_a_renamed_non_excel_file_is_refused(world, county_staff):
    fake = SimpleUploadedFile("台账.xlsx", b"PK\x03\x04 this is not a workbook at all")
    result = HazardLedgerImporter(user=county_staff).run(fake)
    assert not result.ok
    assert "无法读取Excel文件" in str(result.errors[0])


def test_township_staff_imports_within_their_rights(world, good_rows):
    result = HazardLedgerImporter(user=world.township_staff).run(upload(good_rows))
    assert not result.ok and not Hazard.objects.exists()
    messages = [str(error) for error in result.errors]
    # 罗亭镇's enterprise is not theirs to see: refused like an unknown code.
    assert any(m.startswith("第4行 统一社会信用代码：未找到") for m in messages)


def test_only_a_verifier_imports_closed_hazards(world, good_rows):
    closed = sheet_row(
        world.ent_zhaoxian,
        status="已销号",
        closed_date="2024-04-15",
        verification_note="已整改",
        found_date="2024-03-01",
    )
    result = HazardLedgerImporter(user=world.township_staff).run(upload([closed]))
    assert [str(e) for e in result.errors] == [
        "第2行：只有隐患所在地的上级单位或行业主管部门才能导入“已销号”的隐患。"
    ]
    assert not Hazard.objects.exists()


def test_enterprise_user_imports_its_own_self_inspection(world):
    own = sheet_row(world.ent_zhaoxian, source="企业自查上报", criterion="")
    result = HazardLedgerImporter(user=world.enterprise_user).run(upload([own]))
    assert result.ok and Hazard.objects.get().source == Hazard.Source.SELF_INSPECTION
    other = sheet_row(world.ent_zhaoxian, description="另一处", status="已确认")
    result = HazardLedgerImporter(user=world.enterprise_user).run(upload([other]))
    messages = [str(error) for error in result.errors]
    assert any("企业自查上报" in m for m in messages) and Hazard.objects.count() == 1


def test_an_existing_hazard_is_not_moved_by_a_file(world, county_staff, report):
    hazard = report()
    row = sheet_row(world.ent_zhaoxian_2, ledger_number=hazard.ledger_number)
    result = HazardLedgerImporter(user=county_staff).run(upload([row]))
    assert [str(e) for e in result.errors] == [
        "第2行 统一社会信用代码：与系统中该隐患的单位不一致，单位不能修改。"
    ]


def test_the_template_has_the_layout_and_its_example_is_refused(world, county_staff):
    content = HazardLedgerImporter.template_workbook()
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert [cell.value for cell in workbook.worksheets[0][1]] == [c.title for c in LEDGER_COLUMNS]
    assert workbook.sheetnames == ["隐患台账", "填写说明"]
    result = HazardLedgerImporter(user=county_staff).run(SimpleUploadedFile("模板.xlsx", content))
    assert [str(e) for e in result.errors] == ["第2行：这是导入模板中的示例行，请删除后再导入。"]
