"""The plan-text parser (campaigns.parsing) and the upload reader (campaigns.docx).

The seeds in tests/fixtures/seeds/ are the real documents the parser must get right:
000 a province department's plan (PDF text, broken lines, full-width digits), 001 the
province's opinion (8 parts, 24 items), 002 a township's plan (10 actions, 35 tasks),
003 a district bureau's plan (8 actions, 19 tasks, 4 phases), 004 a bulletin (not a plan).
"""

import io
import json
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest

from campaigns import docx
from campaigns.docx import DocumentError, decode_text, docx_paragraphs, text_from_upload
from campaigns.parsing import ParsedPlan, PlanParseError, numeral_value, parse_plan
from campaigns.parsing_constants import (
    ERROR_EMPTY,
    ERROR_GARBAGE,
    ERROR_TOO_LONG,
    MAX_TEXT_CHARS,
    MAX_WARNINGS,
)

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
PROVINCE_DEPARTMENT = "000_e174e967c631737e.txt"
PROVINCE = "001_81515c0679c0fb24.txt"
TOWNSHIP = "002_a889cb10ecd46732.txt"
DISTRICT_BUREAU = "003_1595881797a2f269.txt"
BULLETIN = "004_ecbd0d0bf93b4a90.txt"


@pytest.fixture(autouse=True)
def _reset_axes():
    """Overrides the suite-wide fixture that clears django-axes in the database: the parser
    is pure, so these tests run without one."""


def seed(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


def parse_seed(name: str) -> ParsedPlan:
    return parse_plan(seed(name))


def parse_lines(*lines: str, **options) -> ParsedPlan:
    return parse_plan("\n".join(lines), **options)


def only_task(text: str, **options):
    """The single task of a one-item plan."""
    (task,) = parse_lines("二、主要任务", f"1.{text}", **options).all_tasks
    return task


def task_numbered(plan: ParsedPlan, number: str):
    (task,) = [task for task in plan.all_tasks if task.number == number]
    return task


# ---------------------------------------------------------------------------------------------
# The seeds
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "actions", "tasks"),
    [
        (PROVINCE_DEPARTMENT, 0, 5),
        (PROVINCE, 8, 24),
        (TOWNSHIP, 10, 35),
        (DISTRICT_BUREAU, 8, 19),
    ],
)
def test_seed_counts(name, actions, tasks):
    plan = parse_seed(name)
    assert len(plan.actions) == actions
    assert len(plan.all_tasks) == tasks
    assert plan.counts["actions"] == actions
    assert plan.counts["tasks"] == tasks


def test_township_plan_actions_and_continuous_task_numbers():
    plan = parse_seed(TOWNSHIP)
    assert plan.title == "招贤镇安全生产治本攻坚三年行动工作方案(2024-2026年)"
    assert plan.issuer == "招贤镇"
    assert plan.document_number is None
    assert plan.issue_date is None
    assert [action.number for action in plan.actions][:2] == ["(一)", "(二)"]
    assert plan.actions[0].title == "开展生产经营单位主要负责人安全教育培训行动"
    assert plan.actions[-1].title == "开展基层基础提升行动"
    assert [len(action.tasks) for action in plan.actions] == [2, 6, 3, 2, 3, 4, 5, 4, 3, 3]
    assert [task.ordinal for task in plan.all_tasks] == list(range(1, 36))
    assert plan.warnings == []


def test_township_plan_task_timing():
    plan = parse_seed(TOWNSHIP)

    first = task_numbered(plan, "1")
    assert first.title == "突出重点"
    assert first.line == 32
    assert first.text.startswith("突出重点。深刻吸取全国各地发生的3人以上亡人事故教训")
    assert (first.recurrence, first.times_per_period) == ("monthly", 1)
    assert first.recurrence_phrase == "每月开展一次"
    assert first.deadline is None

    training = task_numbered(plan, "6")
    assert training.deadline == date(2024, 12, 31)
    assert training.deadline_phrase == "2024年底前"
    assert training.recurrence is None
    assert training.times_per_period is None

    # "每年至少组织开展1次疏散逃生演练(高危行业领域每半年至少1次)": the bracket is an exception.
    drills = task_numbered(plan, "8")
    assert (drills.recurrence, drills.times_per_period) == ("yearly", 1)
    assert drills.recurrence_phrase == "每年至少组织开展1次"

    inspections = task_numbered(plan, "18")
    assert (inspections.recurrence, inspections.times_per_period) == ("quarterly", 1)

    enforcement_training = task_numbered(plan, "21")
    assert enforcement_training.deadline == date(2026, 12, 31)
    assert enforcement_training.deadline_phrase == "三年内"

    digital = task_numbered(plan, "26")
    assert [milestone.date.year for milestone in digital.milestones] == [2024, 2025, 2026]
    assert digital.deadline == date(2026, 12, 31)
    assert digital.target.endswith("企业安全风险监测预警全覆盖")

    assert task_numbered(plan, "28").deadline == date(2025, 12, 31)


def test_township_plan_keeps_sections_out_of_the_tasks():
    plan = parse_seed(TOWNSHIP)
    kinds = [section.kind for section in plan.sections]
    assert kinds == ["preamble", "general_requirements", "main_tasks", "safeguards"]
    general = plan.sections[1]
    assert general.heading == "总体要求"
    assert general.line == 12
    assert "(一)指导思想。" in general.text
    assert "(三)主要目标。" in general.text
    assert "(五)严格督查考核。" in plan.sections[3].text
    for task in plan.all_tasks:
        assert "指导思想" not in task.text
        assert "严格督查考核" not in task.text


def test_district_bureau_plan_particulars_and_phases():
    plan = parse_seed(DISTRICT_BUREAU)
    assert plan.document_number == "谢民〔2024〕6号"
    assert plan.issue_date == date(2024, 4, 29)
    assert plan.title == "谢家集区民政局安全生产治本攻坚三年行动实施方案（2024—2026年）"
    assert plan.issuer == "谢家集区民政局"
    assert [(phase.name, phase.start, phase.end, phase.line) for phase in plan.phases] == [
        ("动员部署", date(2024, 2, 1), date(2024, 4, 30), 55),
        ("专项治理", date(2024, 5, 1), date(2025, 12, 31), 56),
        ("巩固提升", date(2026, 1, 1), date(2026, 9, 30), 58),
        ("总结评估", date(2026, 10, 1), date(2026, 12, 31), 59),
    ]


def test_district_bureau_plan_actions_tasks_and_sections():
    plan = parse_seed(DISTRICT_BUREAU)
    assert [action.number for action in plan.actions] == [
        "（一）",
        "（二）",
        "（三）",
        "（四）",
        "（五）",
        "（六）",
        "（七）",
        "（八）",
    ]
    assert plan.actions[0].title == "开展安全生产责任落实行动"
    assert [len(action.tasks) for action in plan.actions] == [3, 3, 3, 2, 2, 2, 3, 1]

    kinds = [(section.kind, section.heading) for section in plan.sections]
    assert kinds == [
        ("preamble", ""),
        ("general_requirements", "总体要求"),
        ("main_tasks", "主要任务"),
        ("schedule", "进度安排"),
        ("safeguards", "保障措施"),
    ]
    # The paragraph between "二、主要任务" and "（一）" is the tasks' introduction.
    assert plan.sections[2].text.startswith("通过三年治本攻坚，我区民政部门统筹发展和安全")

    supervision = task_numbered(plan, "1")
    assert (supervision.recurrence, supervision.times_per_period) == ("quarterly", 1)
    assert supervision.recurrence_phrase == "每季度对各乡镇街道民政所开展一次"
    assert task_numbered(plan, "3").recurrence == "monthly"
    assert task_numbered(plan, "5").recurrence == "yearly"
    # "每年至少组织开展一次疏散逃生演练（养老服务领域每半年至少一次）"
    assert task_numbered(plan, "13").recurrence == "yearly"

    database = task_numbered(plan, "9")
    assert (database.deadline, database.deadline_phrase) == (date(2024, 12, 31), "2024年底前")

    training = task_numbered(plan, "18")
    assert [(m.date, m.phrase) for m in training.milestones] == [
        (date(2026, 12, 31), "三年内"),
        (date(2024, 12, 31), "2024年底前"),
    ]
    assert training.deadline == date(2026, 12, 31)
    assert task_numbered(plan, "11").target == "基本实现存在安全隐患自建房整治全覆盖"


def test_province_department_plan_from_pdf_text():
    plan = parse_seed(PROVINCE_DEPARTMENT)
    assert plan.document_number == "赣管字〔2024〕20号"
    assert plan.issue_date == date(2024, 4, 8)
    assert plan.issuer == "江西省机关事务管理局"
    assert plan.title == "江西省机关事务管理部门安全生产治本攻坚三年行动实施方案"
    assert plan.actions == []
    assert [task.number for task in plan.tasks] == ["(一)", "(二)", "(三)", "(四)", "(五)"]
    assert [task.title for task in plan.tasks] == [
        "强化机关事务管理部门安全教育培训",
        "深入开展党政机关办公用房安全隐患排查整治",
        "加强公务用车出行安全保障力度",
        "严格落实公共机构节能工作安全要求",
        "规范周转住房和保障性住房安全管理",
    ]
    # PDF lines broken mid-word ("学习习" / "近平总书记") are joined back; paragraphs are kept.
    first = plan.tasks[0]
    assert "及时跟进学习习近平总书记关于安全生产重要讲话" in first.text
    assert first.text.count("\n") == 1
    assert [section.kind for section in plan.sections] == [
        "preamble",
        "general_requirements",
        "main_tasks",
        "safeguards",
        "closing",
    ]
    # The colophon is not part of 保障措施.
    assert plan.sections[-1].text == "江西省机关事务管理局办公室 ２０２４年４月９日印发"
    assert "印发" not in plan.sections[3].text


def test_province_plan_parts_are_actions_and_items_are_tasks():
    plan = parse_seed(PROVINCE)
    assert plan.document_number == "赣发〔2024〕10号"
    assert plan.issue_date == date(2024, 6, 27)
    assert plan.issuer == "中共江西省委"
    assert [action.number for action in plan.actions] == list("一二三四五六七八")
    assert plan.actions[0].title == "牢固树立人民至上、生命至上理念"
    assert plan.actions[-1].title == "锻造全面过硬干部队伍"
    assert [task.ordinal for task in plan.all_tasks] == list(range(1, 25))
    assert task_numbered(plan, "（二十四）").title == "坚决纠治不正之风"

    chemicals = task_numbered(plan, "(十)")
    assert chemicals.deadline == date(2025, 12, 31)
    assert chemicals.target == "已公布认定的化工园区90%达到D级"
    # "2025 年底前" as the PDF spaced it.
    assert task_numbered(plan, "(十一)").deadline == date(2025, 12, 31)
    # "一年内不得评先评优" is a sanction, not a deadline.
    assert task_numbered(plan, "（六）").deadline is None
    assert task_numbered(plan, "(二十)").recurrence == "yearly"
    assert [str(warning) for warning in plan.warnings] == [
        "第41行：“每5年”的周期不在支持范围内（每月、每季度、每半年、每年），请在预览中手动设置"
    ]


def test_province_plan_closing_paragraph_is_not_part_of_the_last_item():
    plan = parse_seed(PROVINCE)
    last = plan.all_tasks[-1]
    assert "各地各部门要加强组织领导" not in last.text
    closing = plan.sections[-1]
    assert closing.kind == "closing"
    assert closing.line == 95
    assert closing.text.startswith("各地各部门要加强组织领导、强化要素保障")
    assert closing.text.endswith("2024年6月27日印发")


def test_a_bulletin_is_not_a_plan():
    with pytest.raises(PlanParseError) as raised:
        parse_seed(BULLETIN)
    assert raised.value.message == "未识别到任何行动或任务，请检查文本格式（第3行起）"
    assert raised.value.line == 3


@pytest.mark.parametrize("name", [PROVINCE_DEPARTMENT, PROVINCE, TOWNSHIP, DISTRICT_BUREAU])
def test_as_dict_is_json_and_deterministic(name):
    first = parse_seed(name).as_dict()
    assert json.loads(json.dumps(first, ensure_ascii=False)) == first
    assert parse_seed(name).as_dict() == first


def test_as_dict_shape():
    result = parse_seed(DISTRICT_BUREAU).as_dict()
    assert result["issue_date"] == "2024-04-29"
    assert result["counts"] == {
        "sections": 5,
        "phases": 4,
        "actions": 8,
        "tasks": 19,
        "warnings": 0,
    }
    assert result["phases"][0] == {
        "name": "动员部署",
        "start": "2024-02-01",
        "end": "2024-04-30",
        "line": 55,
    }
    task = result["actions"][0]["tasks"][0]
    assert task["recurrence"] == "quarterly"
    assert task["number"] == "1"
    assert result["actions"][2]["tasks"][2]["deadline"] == "2024-12-31"
    assert result["actions"][2]["tasks"][2]["milestones"][0]["date"] == "2024-12-31"


# ---------------------------------------------------------------------------------------------
# Deadlines, recurrences, targets, units
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("2024年底前", date(2024, 12, 31)),
        ("2024年年底前", date(2024, 12, 31)),
        ("2026年底", date(2026, 12, 31)),
        ("2025年6月底前", date(2025, 6, 30)),
        ("2024年2月底前", date(2024, 2, 29)),
        ("二〇二五年十二月底前", date(2025, 12, 31)),
        ("２０２５年３月底前", date(2025, 3, 31)),
        ("2025年3月15日前", date(2025, 3, 15)),
        ("6月底前", date(2024, 6, 30)),  # no issue date: the campaign's first year
        ("三年内", date(2026, 12, 31)),
        ("3年内", date(2026, 12, 31)),
        ("3 年内", date(2026, 12, 31)),
        ("年内", date(2024, 12, 31)),
        ("今年内", date(2024, 12, 31)),
        ("年底前", date(2024, 12, 31)),
        ("5年内", None),
        ("5 年内", None),
        ("一年内不得", None),
        ("每年底前报送", None),
        ("2024年试点", None),
        ("2024年6月27日印发", None),
    ],
)
def test_deadline_phrases(phrase, expected):
    task = only_task(f"落实整改，{phrase}完成。")
    assert task.deadline == expected
    if expected:
        assert task.deadline_phrase in phrase


def test_deadlines_without_a_year_use_the_issue_year_even_for_a_month_already_past():
    plan = parse_lines(
        "2025年3月1日",
        "二、主要任务",
        "1.6月底前完成排查。",
        "2.2月底前完成部署。",
        "3.年内完成整改。",
    )
    assert plan.issue_date == date(2025, 3, 1)
    assert [task.deadline for task in plan.all_tasks] == [
        date(2025, 6, 30),
        date(2025, 2, 28),
        date(2025, 12, 31),
    ]


def test_a_deadline_at_the_start_of_a_paragraph():
    task = only_task("加强检查。\n年内完成整改。")
    assert task.text == "加强检查。\n年内完成整改。"
    assert (task.deadline, task.milestones[0].line) == (date(2024, 12, 31), 3)


def test_three_years_means_the_end_of_the_given_campaign():
    task = only_task("三年内完成。", campaign_end=date(2027, 12, 31))
    assert task.deadline == date(2027, 12, 31)


def test_invalid_dates_are_warned_about_and_ignored():
    plan = parse_lines("二、主要任务", "1.2024年13月底前完成。")
    assert plan.all_tasks[0].deadline is None
    assert [str(warning) for warning in plan.warnings] == [
        "第2行：“2024年13月底前”不是有效的日期，已忽略"
    ]


@pytest.mark.parametrize(
    ("phrase", "recurrence", "times"),
    [
        ("每月开展一次检查", "monthly", 1),
        ("按月报送进展", "monthly", 1),
        ("每季度至少开展2次检查", "quarterly", 2),
        ("每个季度检查两次", "quarterly", 2),
        ("每半年至少组织1次演练", "half_yearly", 1),
        ("每年至少组织开展三次培训", "yearly", 3),
        ("每年度开展评估", "yearly", 1),
        ("每年开展十二次检查", "yearly", 12),
        ("每年至少1次（高危行业每半年至少1次）", "yearly", 1),
        ("（高危行业每月至少2次）一般企业每季度至少1次", "quarterly", 1),
        ("（高危行业每月1次）", "monthly", 1),  # only a bracketed one: better than none
        ("每季度检查，全年共开展10次", "quarterly", 1),  # the count is in another clause
        ("定期开展检查", None, None),
        ("按年度计划推进", None, None),
    ],
)
def test_recurrence_phrases(phrase, recurrence, times):
    task = only_task(f"{phrase}。")
    assert (task.recurrence, task.times_per_period) == (recurrence, times)


@pytest.mark.parametrize("phrase", ["每5年", "每周", "每两年", "每天"])
def test_unsupported_periods_are_warned_about(phrase):
    plan = parse_lines("二、主要任务", "1.加强检查。", f"{phrase}至少开展1次评估。")
    assert plan.all_tasks[0].recurrence is None
    assert [warning.line for warning in plan.warnings] == [3]
    assert f"“{phrase}”的周期不在支持范围内" in plan.warnings[0].message


@pytest.mark.parametrize(
    ("sentence", "target"),
    [
        ("2025年底前已公布认定的化工园区90%达到D级。", "已公布认定的化工园区90%达到D级"),
        ("推进整治，企业达标率达到９５％以上。", "企业达标率达到９５％以上"),
        ("2025年底前实现重点企业监测预警全覆盖。", "实现重点企业监测预警全覆盖"),
        ("全覆盖学习判定标准。", None),
        ("加强宣传教育。", None),
    ],
)
def test_targets(sentence, target):
    assert only_task(sentence).target == target


@pytest.mark.parametrize(
    ("sentence", "lead", "responsible"),
    [
        (
            "开展排查。牵头单位：区应急局；责任单位：各乡镇（街道）、区住建局。",
            ["区应急局"],
            ["各乡镇（街道）", "区住建局"],
        ),
        (
            "开展排查（区应急局牵头，区住建局、区消防救援大队配合）。",
            ["区应急局"],
            ["区住建局", "区消防救援大队"],
        ),
        ("开展排查（责任单位：各村（社区））。", [], ["各村（社区）"]),
        ("开展排查。", [], []),
    ],
)
def test_units(sentence, lead, responsible):
    task = only_task(sentence)
    assert (task.lead_units, task.responsible_units) == (lead, responsible)


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("一", 1),
        ("十", 10),
        ("十五", 15),
        ("二十四", 24),
        ("一百零五", 105),
        ("二〇二四", 2024),
        ("24", 24),
        ("２４", 24),
    ],
)
def test_numeral_value(numeral, value):
    assert numeral_value(numeral) == value


# ---------------------------------------------------------------------------------------------
# Structure
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "number", "ordinal"),
    [
        ("（三）开展检查。", "（三）", 3),
        ("(二十四)开展检查。", "(二十四)", 24),
        ("1．开展检查。", "1", 1),
        ("1、开展检查。", "1", 1),
        ("（1）开展检查。", "（1）", 1),
        ("①开展检查。", "①", 1),
    ],
)
def test_item_numbers_as_written(line, number, ordinal):
    (task,) = parse_lines("二、主要任务", line).all_tasks
    assert (task.number, task.ordinal, task.text) == (number, ordinal, "开展检查。")


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("突出重点。深刻吸取事故教训。", "突出重点"),
        ("指导思想.以习近平新时代中国特色社会主义思想为指导.", "指导思想"),
        ("加强检查，及时整改。每月一次。", None),
        ("提高1.5倍检查频次。", "提高1.5倍检查频次"),
        ("各乡镇街道要总结重大事故隐患专项排查整治2023行动经验做法并全面推广应用于全辖区。", None),
    ],
)
def test_task_titles(text, title):
    assert only_task(text).title == title


def test_ten_actions_as_top_level_parts():
    plan = parse_lines(
        "一、总体要求",
        "坚持人民至上。",
        "二、开展安全责任落实行动",
        "1.每季度督导一次。",
        "2.2024年底前建立清单。",
        "三、开展隐患动态清零行动",
        "3.每月排查一次。",
        "四、保障措施",
        "（一）加强组织领导。",
    )
    assert [(action.number, action.title) for action in plan.actions] == [
        ("二", "开展安全责任落实行动"),
        ("三", "开展隐患动态清零行动"),
    ]
    assert [task.number for task in plan.all_tasks] == ["1", "2", "3"]
    assert [section.kind for section in plan.sections] == ["general_requirements", "safeguards"]


def test_a_part_holding_actions_is_read_like_main_tasks():
    plan = parse_lines(
        "二、全面开展十大行动",
        "（一）开展A行动。本行动的说明。",
        "1.每月检查一次。",
        "（二）开展B行动",
        "2.每季度检查一次。",
    )
    assert [(action.title, action.text) for action in plan.actions] == [
        ("开展A行动", "本行动的说明。"),
        ("开展B行动", ""),
    ]
    assert [(section.kind, section.heading) for section in plan.sections] == [
        ("main_tasks", "全面开展十大行动")
    ]


def test_a_plain_numbered_list_is_a_list_of_tasks():
    plan = parse_lines("1.每月检查一次。", "2.年内完成整改。", "3.每半年演练一次。")
    assert plan.actions == []
    assert [task.ordinal for task in plan.tasks] == [1, 2, 3]
    assert plan.tasks[2].recurrence == "half_yearly"


def test_an_unnumbered_part_with_an_unknown_heading_is_a_section():
    plan = parse_lines("二、主要任务", "1.开展检查。", "三、信息报送", "每月5日前报送。")
    assert [(section.kind, section.heading) for section in plan.sections] == [
        ("main_tasks", "主要任务"),
        ("other", "信息报送"),
    ]
    assert len(plan.all_tasks) == 1


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("总体要求", "general_requirements"),
        ("工作目标", "objectives"),
        ("实施步骤", "schedule"),
        ("工作进度", "schedule"),
        ("保障措施", "safeguards"),
        ("工作要求", "requirements"),
    ],
)
def test_section_headings(heading, kind):
    plan = parse_lines("一、主要任务", "1.开展检查。", f"二、{heading}", "（一）有关内容。")
    assert [(section.kind, section.heading) for section in plan.sections][1:] == [(kind, heading)]
    assert len(plan.all_tasks) == 1


def test_action_without_tasks_is_warned_about():
    plan = parse_lines(
        "二、主要任务",
        "（一）开展A行动",
        "1.开展检查。",
        "（二）开展B行动",
        "（三）开展C行动",
        "2.开展检查。",
    )
    assert [len(action.tasks) for action in plan.actions] == [1, 0, 1]
    assert [str(warning) for warning in plan.warnings] == [
        "第4行：行动“开展B行动”下没有识别到编号任务"
    ]


def test_sub_items_stay_in_their_task():
    plan = parse_lines(
        "二、主要任务", "（一）开展A行动", "1.加强检查：", "（1）每月自查；", "（2）每季度抽查。"
    )
    (task,) = plan.all_tasks
    assert task.text == "加强检查：\n（1）每月自查；\n（2）每季度抽查。"
    assert task.recurrence == "monthly"


def test_items_with_sub_items_are_actions():
    plan = parse_lines("二、主要任务", "1.开展A行动", "（1）每月自查。", "（2）每季度抽查。")
    assert [(action.number, action.title) for action in plan.actions] == [("1", "开展A行动")]
    assert [task.number for task in plan.all_tasks] == ["（1）", "（2）"]


def test_lines_broken_mid_sentence_are_joined_and_keep_their_line_numbers():
    plan = parse_lines(
        "二、主要任务",
        "1.加强重点企业安全管理,督促企业健全制度,2025",
        "年底前实现监测预警全覆盖.",
    )
    (task,) = plan.all_tasks
    assert task.text == "加强重点企业安全管理,督促企业健全制度,2025年底前实现监测预警全覆盖."
    assert task.deadline == date(2025, 12, 31)
    assert task.milestones[0].line == 2


def test_a_year_at_the_start_of_an_item_is_not_a_decimal():
    plan = parse_lines("二、主要任务", "1.开展检查。", "2.2024年底前完成整改。")
    assert [task.deadline for task in plan.all_tasks] == [None, date(2024, 12, 31)]


def test_a_broken_line_starting_like_an_item_is_kept_in_place():
    plan = parse_lines(
        "二、主要任务",
        "1.每月检查一次，发现问题的，按照",
        "5.项标准整改。",
        "2.年内完成。",
    )
    assert [task.text for task in plan.all_tasks] == [
        "每月检查一次，发现问题的，按照5.项标准整改。",
        "年内完成。",
    ]
    assert [warning.line for warning in plan.warnings] == [3]
    assert "已当作上一段的续行" in plan.warnings[0].message


def test_phases_with_inferred_years_and_ordinal_headings():
    plan = parse_lines(
        "二、主要任务",
        "1.开展检查。",
        "三、实施步骤",
        "第一阶段：动员部署（2024年2月—4月）。",
        "第二阶段：集中整治阶段（5月至12月）。",
        "第三阶段：巩固提升（2025年1月1日至2025年6月15日）",
        "第四阶段：总结（2025年11月至2月）",
    )
    assert [(phase.name, phase.start, phase.end) for phase in plan.phases] == [
        ("动员部署", date(2024, 2, 1), date(2024, 4, 30)),
        ("集中整治", date(2024, 5, 1), date(2024, 12, 31)),
        ("巩固提升", date(2025, 1, 1), date(2025, 6, 15)),
        ("总结", date(2025, 11, 1), date(2026, 2, 28)),
    ]


def test_phases_without_usable_dates_are_warned_about():
    plan = parse_lines(
        "二、主要任务",
        "1.开展检查。",
        "三、进度安排",
        "（一）动员部署阶段。全面部署。",
        "（二）集中整治阶段（2024年13月至2025年2月）",
    )
    assert plan.phases == []
    assert [str(warning) for warning in plan.warnings] == [
        "第4行：阶段“动员部署”没有识别到起止时间",
        "第5行：阶段“集中整治”的起止时间“2024年13月至2025年2月”无效",
    ]


# ---------------------------------------------------------------------------------------------
# Malformed input
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "\n \u3000\n\t\n"])
def test_empty_text_is_refused(text):
    with pytest.raises(PlanParseError, match=re.escape(ERROR_EMPTY)):
        parse_plan(text)


def test_prose_is_refused_pointing_at_its_first_line():
    with pytest.raises(PlanParseError) as raised:
        parse_plan("\n\n今天天气很好。我们去公园散步。\n然后回家吃饭。")
    assert str(raised.value) == "未识别到任何行动或任务，请检查文本格式（第3行起）"


def test_headings_alone_are_refused_pointing_at_main_tasks():
    with pytest.raises(PlanParseError) as raised:
        parse_lines("一、总体要求", "二、主要任务", "三、保障措施")
    assert raised.value.line == 2
    assert "（第2行起）" in raised.value.message


def test_numbering_gaps_and_repeats_are_warned_about():
    plan = parse_lines(
        "二、主要任务",
        "（一）开展A行动",
        "1.开展检查。",
        "2.开展整改。",
        "4.开展督导。",
        "4.开展考核。",
        "（二）开展B行动",
        "5.开展评估。",
    )
    assert [task.number for task in plan.all_tasks] == ["1", "2", "4", "4", "5"]
    assert [str(warning) for warning in plan.warnings] == [
        "第5行：编号“4”与上一项“2”不连续",
        "第6行：编号“4”与上一项重复",
    ]


def test_an_extremely_long_line_is_parsed_with_a_warning():
    plan = parse_lines("二、主要任务", "1." + "每月检查。" * 2_000, "2.年内完成。")
    assert len(plan.all_tasks) == 2
    assert plan.all_tasks[0].recurrence == "monthly"
    assert [warning.line for warning in plan.warnings] == [2]
    assert plan.warnings[0].message.startswith("本行很长（10002字）")


@pytest.mark.parametrize(
    "garbage",
    [
        bytes(range(256)).decode("latin-1") * 20,
        (b"PK\x03\x04\x14\x00\x06\x00" * 500).decode("utf-8", "replace"),
        "\ufffd" * 500 + "\n1.开展检查。",
    ],
)
def test_binary_garbage_is_refused(garbage):
    with pytest.raises(PlanParseError, match=re.escape(ERROR_GARBAGE.format(line=1))):
        parse_plan(garbage)


def test_a_few_stray_control_characters_are_removed():
    (task,) = parse_plan(
        "二、主要任务\n1.每月开展\x00安全生产检查\u200b，及时整改隐患。\x07"
    ).all_tasks
    assert task.text == "每月开展安全生产检查，及时整改隐患。"


def test_a_first_item_that_does_not_start_at_one_is_warned_about():
    plan = parse_lines("二、主要任务", "（一）开展A行动", "3.开展检查。")
    assert [str(warning) for warning in plan.warnings] == ["第3行：编号“3”之前缺少前面的条目"]


def test_text_over_the_limit_is_refused():
    message = ERROR_TOO_LONG.format(length=MAX_TEXT_CHARS + 1, limit=MAX_TEXT_CHARS)
    with pytest.raises(PlanParseError, match=re.escape(message)):
        parse_plan("一" * (MAX_TEXT_CHARS + 1))


def test_a_megabyte_parses():
    # Its speed is measured by bench/parser_bench.py, not here.
    text = seed(TOWNSHIP) + seed(DISTRICT_BUREAU)
    text *= 1_000_000 // len(text.encode()) + 1
    assert len(text.encode()) > 1_000_000
    plan = parse_plan(text)
    assert len(plan.all_tasks) > 1_000


def test_warnings_are_capped():
    plan = parse_plan("二、主要任务\n" + "1.开展检查。\n" * (MAX_WARNINGS + 51))
    assert len(plan.warnings) == MAX_WARNINGS + 1
    assert plan.warnings[-1].message == "另有50条提示未列出"


# ---------------------------------------------------------------------------------------------
# Uploads: .docx and .txt
# ---------------------------------------------------------------------------------------------

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _paragraph(*runs: str, numbered: tuple[int, int] | None = None) -> str:
    properties = ""
    if numbered:
        num_id, level = numbered
        properties = (
            f'<w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/>'
            "</w:numPr></w:pPr>"
        )
    return f"<w:p>{properties}{''.join(f'<w:r>{run}</w:r>' for run in runs)}</w:p>"


def _text(text: str) -> str:
    return f'<w:t xml:space="preserve">{text}</w:t>'


_NUMBERING = f"""<w:numbering {_W}>
  <w:abstractNum w:abstractNumId="3">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>
      <w:lvlText w:val="（%1）"/></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/>
      <w:lvlText w:val="%2."/></w:lvl>
  </w:abstractNum>
  <w:num w:numId="5"><w:abstractNumId w:val="3"/></w:num>
</w:numbering>"""


def make_docx(body: str, numbering: str | None = None) -> bytes:
    document = f"<w:document {_W}><w:body>{body}</w:body></w:document>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", document)
        if numbering:
            archive.writestr("word/numbering.xml", numbering)
    return buffer.getvalue()


def test_docx_paragraphs_runs_tabs_breaks_and_tables():
    body = (
        _paragraph(_text("二、"), _text("主要任务"))
        + _paragraph(_text("1.每月"), "<w:tab/>", _text("检查一次。"), "<w:br/>", _text("续行"))
        + "<w:tbl><w:tr><w:tc>"
        + _paragraph(_text("表格中的任务"))
        + "</w:tc></w:tr></w:tbl>"
        + _paragraph("<w:delText>删除的字</w:delText>", _text("保留的字"))
    )
    assert docx_paragraphs(make_docx(body)) == [
        "二、主要任务",
        "1.每月\t检查一次。\n续行",
        "表格中的任务",
        "保留的字",
    ]


def test_docx_automatic_numbering_is_kept():
    body = (
        _paragraph(_text("二、主要任务"))
        + _paragraph(_text("开展A行动"), numbered=(5, 0))
        + _paragraph(_text("每月检查一次。"), numbered=(5, 1))
        + _paragraph(_text("年内完成整改。"), numbered=(5, 1))
        + _paragraph(_text("开展B行动"), numbered=(5, 0))
        + _paragraph(_text("每季度督导一次。"), numbered=(5, 1))
    )
    data = make_docx(body, _NUMBERING)
    assert docx_paragraphs(data) == [
        "二、主要任务",
        "（一）开展A行动",
        "1.每月检查一次。",
        "2.年内完成整改。",
        "（二）开展B行动",
        "1.每季度督导一次。",
    ]
    plan = parse_plan(text_from_upload("方案.DOCX", data))
    assert [len(action.tasks) for action in plan.actions] == [2, 1]


def test_docx_seed_round_trip():
    body = "".join(_paragraph(_text(line)) for line in seed(DISTRICT_BUREAU).splitlines())
    plan = parse_plan(text_from_upload("谢民〔2024〕6号.docx", make_docx(body)))
    assert (len(plan.actions), len(plan.all_tasks), len(plan.phases)) == (8, 19, 4)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not a zip file",
        make_docx(_paragraph(_text("x"))).replace(b"word/document.xml", b"word/other00.xml"),
    ],
)
def test_not_a_docx(data):
    with pytest.raises(DocumentError, match=re.escape(docx.ERROR_NOT_DOCX)):
        docx_paragraphs(data)


def test_docx_with_a_dtd_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "word/document.xml",
            '<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">]><w:document ' + _W + ">&a;</w:document>",
        )
    with pytest.raises(DocumentError, match=re.escape(docx.ERROR_DAMAGED)):
        docx_paragraphs(buffer.getvalue())


def test_docx_with_broken_xml_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document")
    with pytest.raises(DocumentError, match=re.escape(docx.ERROR_DAMAGED)):
        docx_paragraphs(buffer.getvalue())


def test_docx_with_an_encrypted_part_is_refused():
    data = bytearray(make_docx(_paragraph(_text("开展检查。"))))
    # Set the "encrypted" flag (bit 0 of the general purpose flags) in the central directory.
    entry = data.rindex(b"PK\x01\x02", 0, data.index(b"PK\x05\x06"))
    data[entry + 8] |= 1
    with pytest.raises(DocumentError, match=re.escape(docx.ERROR_DAMAGED)):
        docx_paragraphs(bytes(data))


def test_docx_too_large_is_refused(monkeypatch):
    monkeypatch.setattr(docx, "MAX_PART_BYTES", 100)
    with pytest.raises(DocumentError, match=re.escape(docx.ERROR_TOO_LARGE)):
        docx_paragraphs(make_docx(_paragraph(_text("安全生产" * 50))))


@pytest.mark.parametrize(
    "data",
    [
        seed(DISTRICT_BUREAU).encode("gb18030"),
        seed(DISTRICT_BUREAU).encode("utf-8"),
        seed(DISTRICT_BUREAU).encode("utf-8-sig"),
        seed(DISTRICT_BUREAU).encode("utf-16"),
    ],
    ids=["gb18030", "utf-8", "utf-8 with BOM", "utf-16 with BOM"],
)
def test_txt_decoding(data):
    assert decode_text(data) == seed(DISTRICT_BUREAU)
    assert parse_plan(text_from_upload("plan.txt", data)).document_number == "谢民〔2024〕6号"


def test_gb18030_is_not_mistaken_for_utf8():
    data = "二、主要任务\n1.每月检查一次。".encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert decode_text(data) == "二、主要任务\n1.每月检查一次。"


def test_undecodable_txt_is_refused():
    with pytest.raises(DocumentError, match=re.escape(docx.ERROR_ENCODING)):
        decode_text(b"\xff\x00\xff\xfe\x80")


@pytest.mark.parametrize("filename", ["plan.doc", "plan.pdf", "plan"])
def test_other_file_types_are_refused(filename):
    with pytest.raises(DocumentError, match=re.escape(docx.ERROR_FILE_TYPE)):
        text_from_upload(filename, "1.开展检查。".encode())
