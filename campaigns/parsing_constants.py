"""The words, limits and messages of the plan-text parser (`campaigns.parsing`).

Kept apart from the parser's logic so that the vocabulary (which headings are sections, which
words make a recurrence) can be read and extended in one place. Messages are plain Chinese:
the parser is pure Python and must not depend on Django's translation machinery.
"""

from datetime import date
from enum import StrEnum

# 安全生产治本攻坚三年行动 runs 2024–2026; "三年内" means "by the end of the campaign".
CAMPAIGN_START = date(2024, 1, 1)
CAMPAIGN_END = date(2026, 12, 31)

# A real plan is 10,000–30,000 characters; the limit protects the API, not the officials.
MAX_TEXT_CHARS = 1_000_000
# A line this long usually means a whole plan pasted without line breaks.
LONG_LINE_CHARS = 3_000
# Share of control, replacement and private-use characters above which text is garbage
# (a binary file, or a file decoded with the wrong encoding).
MAX_GARBAGE_SHARE = 0.1
# The preview lists warnings one by one; past this many, one more says how many were left out.
MAX_WARNINGS = 200
# The longest short title ("突出重点。", "强化风险监测预警。") a numbered item can start with.
MAX_TITLE_CHARS = 40
# A count ("至少1次") belongs to a recurrence ("每季度") only within this many characters.
COUNT_WINDOW_CHARS = 40


class Recurrence(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    YEARLY = "yearly"


class SectionKind(StrEnum):
    PREAMBLE = "preamble"  # 前言: everything before the first heading
    GENERAL_REQUIREMENTS = "general_requirements"  # 总体要求、指导思想、基本原则
    OBJECTIVES = "objectives"  # 工作目标、主要目标
    MAIN_TASKS = "main_tasks"  # 主要任务: the heading (and introduction) above the actions
    SCHEDULE = "schedule"  # 实施步骤、进度安排
    SAFEGUARDS = "safeguards"  # 保障措施、组织领导
    REQUIREMENTS = "requirements"  # 工作要求
    OTHER = "other"  # a top-level heading without numbered items that names no known part
    CLOSING = "closing"  # 结语 and 版记 (此件公开发布, …印发) after the last item


# Top-level headings ("一、总体要求") are recognised by these words; the first kind whose word
# the heading contains wins. A heading that contains none of them is a part of the tasks
# (e.g. seed 001's "一、牢固树立人民至上、生命至上理念").
SECTION_KEYWORDS: tuple[tuple[SectionKind, tuple[str, ...]], ...] = (
    (
        SectionKind.MAIN_TASKS,
        (
            "主要任务",
            "重点任务",
            "工作任务",
            "具体任务",
            "任务措施",
            "主要措施",
            "重点工作",
            "工作重点",
            "主要内容",
            "工作内容",
            "主要行动",
            "重点行动",
        ),
    ),
    (SectionKind.GENERAL_REQUIREMENTS, ("总体要求", "指导思想", "基本原则", "总体思路")),
    (SectionKind.OBJECTIVES, ("工作目标", "主要目标", "目标任务", "总体目标", "行动目标")),
    (
        SectionKind.SCHEDULE,
        (
            "步骤",  # 实施步骤, 工作步骤, 方法步骤, 推进步骤
            "进度安排",
            "工作进度",
            "时间进度",
            "进度要求",
            "时间安排",
            "时间节点",
            "阶段安排",
            "实施阶段",
            "工作安排",
        ),
    ),
    (
        SectionKind.SAFEGUARDS,
        ("保障措施", "组织保障", "工作保障", "保障机制", "组织领导", "组织实施"),
    ),
    (SectionKind.REQUIREMENTS, ("工作要求", "有关要求", "相关要求", "具体要求")),
)

# PlanParseError: the text cannot be used at all.
ERROR_EMPTY = "文本为空，请粘贴或上传方案正文"
ERROR_TOO_LONG = "文本过长（{length}字），超过{limit}字的上限，请只导入方案正文"
ERROR_GARBAGE = (
    "文本中有大量无法识别的字符，可能是乱码或二进制文件，"
    "请确认文件为纯文本且编码正确（第{line}行起）"
)
ERROR_NO_TASKS = "未识别到任何行动或任务，请检查文本格式（第{line}行起）"

# ParseWarning: the text was read, but this line needs the user's eye in the preview.
WARNING_LONG_LINE = "本行很长（{length}字）；如果其中包含多个编号条目，请在每个编号前换行"
WARNING_NUMBER_GAP = "编号“{number}”与上一项“{previous}”不连续"
WARNING_NUMBER_REPEATED = "编号“{number}”与上一项重复"
WARNING_NUMBER_MISSING_START = "编号“{number}”之前缺少前面的条目"
WARNING_NUMBER_RUNS_ON = (
    "“{number}”与上文编号不连续，且上一行没有以标点结束，已当作上一段的续行；"
    "如果这是新的条目，请检查编号"
)
WARNING_ITEM_BEFORE_HEADINGS = "编号条目“{number}”出现在第一个标题之前，已归入前言"
WARNING_ACTION_WITHOUT_TASKS = "行动“{title}”下没有识别到编号任务"
WARNING_INVALID_DATE = "“{phrase}”不是有效的日期，已忽略"
WARNING_UNSUPPORTED_RECURRENCE = (
    "“{phrase}”的周期不在支持范围内（每月、每季度、每半年、每年），请在预览中手动设置"
)
WARNING_PHASE_WITHOUT_DATES = "阶段“{name}”没有识别到起止时间"
WARNING_PHASE_INVALID_DATES = "阶段“{name}”的起止时间“{phrase}”无效"
WARNING_TRUNCATED = "另有{count}条提示未列出"
