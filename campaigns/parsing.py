"""Read a plan's text (实施方案/工作方案) and propose its structure: sections, phases, actions
and numbered tasks with their deadlines, recurrences, targets and units.

Pure and deterministic: no database, no Django, no clock. The same text always gives the same
`ParsedPlan`; nothing is saved. The import preview and `POST /api/v1/plans/parse/` show
`parse_plan(text).as_dict()` for the user to correct before anything is created.

How a plan is read
------------------
Official documents number their outline in a fixed order (GB/T 9704): "一、" above "（一）"
above "1." above "（1）" above "①". The lines are first arranged into that outline, whatever
level a document starts or skips at. Then the top-level parts are read:

* a part whose heading names a known section (总体要求, 进度安排, 保障措施, …) is a `Section`;
  its numbered items are text, not tasks;
* the part named 主要任务 (or 重点任务, …) holds the work: if its items have numbered items of
  their own, the items are actions and theirs are tasks (seeds 002 and 003); otherwise its items
  are tasks that belong to no action (seed 000);
* a part with any other heading is itself an action whose items are its tasks (seed 001's
  "一、牢固树立人民至上、生命至上理念" with "（一）…（二）…"), or, if its items have items of
  their own, a container of actions like 主要任务.

Text extracted from PDFs breaks lines mid-sentence (seed 000); a line that does not end a
sentence runs on into the next one, so an item's text is whole again before its deadlines and
recurrences are read.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from functools import cached_property

from campaigns.parsing_constants import (
    CAMPAIGN_END,
    CAMPAIGN_START,
    COUNT_WINDOW_CHARS,
    ERROR_EMPTY,
    ERROR_GARBAGE,
    ERROR_NO_TASKS,
    ERROR_TOO_LONG,
    LONG_LINE_CHARS,
    MAX_GARBAGE_SHARE,
    MAX_TEXT_CHARS,
    MAX_TITLE_CHARS,
    MAX_WARNINGS,
    SECTION_KEYWORDS,
    WARNING_ACTION_WITHOUT_TASKS,
    WARNING_INVALID_DATE,
    WARNING_ITEM_BEFORE_HEADINGS,
    WARNING_LONG_LINE,
    WARNING_NUMBER_GAP,
    WARNING_NUMBER_MISSING_START,
    WARNING_NUMBER_REPEATED,
    WARNING_NUMBER_RUNS_ON,
    WARNING_PHASE_INVALID_DATES,
    WARNING_PHASE_WITHOUT_DATES,
    WARNING_TRUNCATED,
    WARNING_UNSUPPORTED_RECURRENCE,
    Recurrence,
    SectionKind,
)

# ---------------------------------------------------------------------------------------------
# The result
# ---------------------------------------------------------------------------------------------


class PlanParseError(ValueError):
    """The text cannot be read as a plan at all; the message (Chinese) tells the user why."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class ParseWarning:
    line: int
    message: str

    def __str__(self) -> str:
        return f"第{self.line}行：{self.message}"


@dataclass
class Section:
    kind: SectionKind
    heading: str
    text: str
    line: int


@dataclass
class Phase:
    name: str
    start: date
    end: date
    line: int


@dataclass
class Milestone:
    """A dated phrase in a task's text ("2024年底前", "三年内")."""

    date: date
    phrase: str
    line: int


@dataclass
class Task:
    number: str  # as written: "1", "（三）"
    ordinal: int  # the number's value: 1, 3
    text: str
    line: int
    title: str | None = None  # the short lead-in before the first full stop: "突出重点"
    deadline: date | None = None  # the latest milestone: a task is done when all its parts are
    deadline_phrase: str | None = None
    milestones: list[Milestone] = field(default_factory=list)
    recurrence: Recurrence | None = None
    times_per_period: int | None = None  # with a recurrence: "至少2次" → 2, else 1
    recurrence_phrase: str | None = None
    target: str | None = None  # "化工园区90%达到D级", "…全覆盖"
    lead_units: list[str] = field(default_factory=list)
    responsible_units: list[str] = field(default_factory=list)


@dataclass
class Action:
    number: str  # as written: "（一）", "一"
    ordinal: int
    title: str
    line: int
    text: str = ""  # an introduction between the heading and the first task
    tasks: list[Task] = field(default_factory=list)


@dataclass
class ParsedPlan:
    title: str | None = None
    document_number: str | None = None
    issue_date: date | None = None
    issuer: str | None = None
    sections: list[Section] = field(default_factory=list)
    phases: list[Phase] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)  # tasks listed under no action (seed 000)
    warnings: list[ParseWarning] = field(default_factory=list)

    @property
    def all_tasks(self) -> list[Task]:
        grouped = [task for action in self.actions for task in action.tasks]
        return sorted(self.tasks + grouped, key=lambda task: task.line)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "sections": len(self.sections),
            "phases": len(self.phases),
            "actions": len(self.actions),
            "tasks": len(self.all_tasks),
            "warnings": len(self.warnings),
        }

    def as_dict(self) -> dict:
        """JSON-ready: dates as ISO strings, enums as their values."""
        return asdict(self, dict_factory=_json_dict) | {"counts": self.counts}


def _json_dict(items: list[tuple[str, object]]) -> dict[str, object]:
    return {key: value.isoformat() if isinstance(value, date) else value for key, value in items}


# ---------------------------------------------------------------------------------------------
# Characters and numbers
# ---------------------------------------------------------------------------------------------

# Full-width ASCII variants (（）．，：；０-９％) fold one-to-one to ASCII, so patterns are
# written once and an offset in the folded text is the same offset in the text as written.
# (A substitution, not str.translate: it is several times faster on Chinese text, which has
# few such characters among many that need no lookup.)
_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")
_FULL_WIDTH_TO_ASCII = {chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)} | {
    "\u3000": " "
}

# Removed from every line: C0/C1 controls, zero-width characters, byte order marks.
_INVISIBLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u200b-\u200d\ufeff]")
# Controls, U+FFFD (what a decoder puts for bytes it cannot read) and private-use characters
# are what binary files and wrongly decoded text are made of.
_GARBAGE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd\ue000-\uf8ff]")
_WHITESPACE = re.compile(r"\s")

_CHINESE_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CHINESE_UNITS = {"十": 10, "百": 100}
_NUMERAL_CHARS = "".join(_CHINESE_DIGITS) + "".join(_CHINESE_UNITS)

# Building blocks of the date patterns below (they run on folded text).
_YEAR = r"\d{4}|[〇零一二三四五六七八九]{4}"
_SMALL_NUMBER = r"\d{1,2}|[一二三四五六七八九十]{1,3}"
_BEFORE = r"(?:前|之前|以前)"


def _fold(text: str) -> str:
    return _FULL_WIDTH.sub(lambda match: _FULL_WIDTH_TO_ASCII[match[0]], text)


def numeral_value(numeral: str) -> int:
    """The value of an Arabic or Chinese numeral: "24", "２４", "二十四", "十", "一百零五",
    and the digit-by-digit years "二〇二四" official documents date themselves with."""
    folded = _fold(numeral)
    if folded.isascii() and folded.isdigit():
        return int(folded)
    if not any(char in _CHINESE_UNITS for char in numeral):
        return int("".join(str(_CHINESE_DIGITS[char]) for char in numeral))
    total, digit = 0, 0
    for char in numeral:
        if char in _CHINESE_UNITS:
            total += (digit or 1) * _CHINESE_UNITS[char]  # "十五": a bare 十 is one ten
            digit = 0
        else:
            digit = _CHINESE_DIGITS[char]
    return total + digit


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


# ---------------------------------------------------------------------------------------------
# Lines
# ---------------------------------------------------------------------------------------------

# The outline markers, highest rank first; each captures the number as written and its value.
_MARKERS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(rf"(?P<number>(?P<value>[{_NUMERAL_CHARS}]{{1,4}}))\s*[、.]")),  # 一、
    (2, re.compile(rf"(?P<number>\(\s*(?P<value>[{_NUMERAL_CHARS}]{{1,4}})\s*\))[、.]?")),  # （一）
    # 1.  1．  1、 and "2.2024年底前…", "1.6月底前…", but not the decimal in "1.5倍"
    (3, re.compile(r"(?P<number>(?P<value>\d{1,3}))\s*(?:、|\.(?!\d{1,3}(?![\d年月日])))")),
    (4, re.compile(r"(?P<number>\(\s*(?P<value>\d{1,3})\s*\))[、.]?")),  # （1）
    (5, re.compile(r"(?P<number>(?P<value>[①-⑳]))")),  # ①
)

# Where a sentence ends; a line ending elsewhere was broken mid-sentence and runs on.
_SENTENCE_END = frozenset("。.!?;:…")
_CLOSING_MARKS = "”’\"'」』》)]】"
_SENTENCE_PUNCTUATION = re.compile(r"[,。.;:!?]")
# Headings ("一、总体要求", "通知") are short and unpunctuated: they never run on.
_HEADING_MAX_CHARS = 20

# 版记 and the like, after which the body is over: "（此件公开发布）", "…2024年4月9日印发",
# "抄送：…".
_COLOPHON = re.compile(
    rf"\(此件[^)]{{2,10}}\)$|(?:{_YEAR})\s*年\s*(?:{_SMALL_NUMBER})\s*月\s*(?:{_SMALL_NUMBER})\s*日\s*印发$"
    r"|^(?:抄送|抄报|分送)\s*:"
)


@dataclass(frozen=True)
class _Marker:
    rank: int
    number: str  # as written, without the "、" or "." that follows it
    ordinal: int
    rest: str  # the line after the marker


@dataclass(frozen=True)
class _Line:
    number: int
    text: str  # stripped, as written
    marker: _Marker | None = None

    @property
    def content(self) -> str:
        return self.marker.rest if self.marker else self.text


def _read_lines(text: str) -> list[_Line]:
    """The non-blank lines, numbered as an editor numbers them, each with its outline marker."""
    if len(text) > MAX_TEXT_CHARS:
        raise PlanParseError(ERROR_TOO_LONG.format(length=len(text), limit=MAX_TEXT_CHARS))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    _reject_garbage(text)
    lines = []
    for number, raw in enumerate(text.split("\n"), 1):
        stripped = _INVISIBLE.sub("", raw.replace("\t", " ")).strip()
        if stripped:
            lines.append(_Line(number, stripped, _marker(stripped)))
    if not lines:
        raise PlanParseError(ERROR_EMPTY)
    return lines


def _reject_garbage(text: str) -> None:
    first = _GARBAGE.search(text)
    if not first:
        return
    visible = len(text) - len(_WHITESPACE.findall(text))
    if len(_GARBAGE.findall(text)) > MAX_GARBAGE_SHARE * visible:
        line = text.count("\n", 0, first.start()) + 1
        raise PlanParseError(ERROR_GARBAGE.format(line=line), line)


def _marker(text: str) -> _Marker | None:
    folded = _fold(text)
    for rank, pattern in _MARKERS:
        match = pattern.match(folded)
        if match:
            number = text[match.start("number") : match.end("number")].replace(" ", "")
            ordinal = _marker_value(match["value"])
            return _Marker(rank, number, ordinal, text[match.end() :].strip())
    return None


def _marker_value(value: str) -> int:
    if "①" <= value <= "⑳":
        return ord(value) - ord("①") + 1
    return numeral_value(value)


def _looks_like_heading(folded: str) -> bool:
    return len(folded) <= _HEADING_MAX_CHARS and not _SENTENCE_PUNCTUATION.search(folded)


def _runs_on(text: str) -> bool:
    """Whether a line was broken mid-sentence, so that the next line continues it."""
    folded = _fold(text)
    end = folded.rstrip(_CLOSING_MARKS)
    return bool(end) and end[-1] not in _SENTENCE_END and not _looks_like_heading(folded)


def _long_line_warnings(lines: Sequence[_Line]) -> list[ParseWarning]:
    return [
        ParseWarning(line.number, WARNING_LONG_LINE.format(length=len(line.text)))
        for line in lines
        if len(line.text) > LONG_LINE_CHARS
    ]


def _split_colophon(lines: list[_Line]) -> tuple[list[_Line], list[_Line]]:
    """The body, and the 版记 lines after it. A colophon only counts once an item has begun:
    "（此件公开发布）" under a title is not the end of anything."""
    seen_item = False
    for index, line in enumerate(lines):
        seen_item = seen_item or line.marker is not None
        if seen_item and _COLOPHON.search(_fold(line.text)):
            return lines[:index], lines[index:]
    return lines, []


# ---------------------------------------------------------------------------------------------
# Text spans: joined lines that remember where each came from
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Text:
    text: str
    starts: tuple[int, ...]  # the offset at which each joined line starts
    line_numbers: tuple[int, ...]  # and its line number

    @cached_property
    def folded(self) -> str:
        return _fold(self.text)

    def line_at(self, offset: int) -> int:
        return self.line_numbers[max(bisect_right(self.starts, offset) - 1, 0)]

    def head(self, length: int) -> _Text:
        kept = bisect_right(self.starts, length - 1)
        return _Text(self.text[:length], self.starts[:kept], self.line_numbers[:kept])


def _join(segments: Sequence[tuple[int, str]]) -> _Text:
    """Join lines into paragraphs: a line broken mid-sentence runs straight on into the next
    (Chinese needs no space), any other line ends its paragraph."""
    parts: list[str] = []
    starts: list[int] = []
    line_numbers: list[int] = []
    length = 0
    for line_number, text in segments:
        if not text:
            continue
        if parts and not _runs_on(parts[-1]):
            parts.append("\n")
            length += 1
        starts.append(length)
        line_numbers.append(line_number)
        parts.append(text)
        length += len(text)
    return _Text("".join(parts), tuple(starts), tuple(line_numbers))


# ---------------------------------------------------------------------------------------------
# The outline
# ---------------------------------------------------------------------------------------------


@dataclass(eq=False)  # nodes are told apart by identity, and key dictionaries
class _Node:
    head: _Line | None  # the numbered line; None for the root (the whole text)
    body: list[_Line] = field(default_factory=list)  # unnumbered lines before the first child
    children: list[_Node] = field(default_factory=list)

    @property
    def marker(self) -> _Marker:
        assert self.head is not None and self.head.marker is not None
        return self.head.marker

    @property
    def rank(self) -> int:
        return self.marker.rank if self.head else 0

    @property
    def line(self) -> int:
        assert self.head is not None, "the root has no line of its own"
        return self.head.number

    def own_segments(self) -> list[tuple[int, str]]:
        """The node's heading (after its number) and its own unnumbered lines."""
        head = [(self.head.number, self.head.content)] if self.head else []
        return head + [(line.number, line.text) for line in self.body]

    def lines(self) -> Iterator[_Line]:
        """Every line of the subtree, in document order."""
        if self.head:
            yield self.head
        yield from self.body
        for child in self.children:
            yield from child.lines()

    def last_descendant(self) -> _Node:
        return self.children[-1].last_descendant() if self.children else self


def _subtree_text(node: _Node, *, skip_heading: bool = False) -> _Text:
    """The node's text after its number, then its items as written (with their numbers)."""
    own = node.own_segments()[1 if skip_heading and node.head else 0 :]
    items = [(line.number, line.text) for child in node.children for line in child.lines()]
    return _join(own + items)


def _build_outline(lines: Sequence[_Line], warnings: list[ParseWarning]) -> _Node:
    root = _Node(None)
    stack = [root]  # the open nodes, each of a higher rank (smaller number) than the next
    last_ordinals: dict[int, int] = {}  # the latest ordinal at each rank, anywhere
    previous: _Line | None = None
    for line in lines:
        marker = line.marker
        if marker:
            depth = len(stack)
            while stack[depth - 1].rank >= marker.rank:
                depth -= 1
            sibling = _previous_sibling(stack[depth - 1], marker.rank)
            in_sequence = _in_sequence(marker, sibling, last_ordinals.get(marker.rank, 0))
            if not in_sequence and previous and _runs_on(previous.text):
                # A broken line that happens to start with "3." or "（二）": keep it in place.
                warnings.append(
                    ParseWarning(line.number, WARNING_NUMBER_RUNS_ON.format(number=marker.number))
                )
                marker = None
            elif not in_sequence:
                warnings.append(_numbering_warning(line.number, marker, sibling))
        if marker:
            del stack[depth:]
            node = _Node(line)
            stack[-1].children.append(node)
            stack.append(node)
            last_ordinals[marker.rank] = marker.ordinal
        else:
            stack[-1].body.append(replace(line, marker=None))
        previous = line
    return root


def _previous_sibling(parent: _Node, rank: int) -> _Node | None:
    if parent.children and parent.children[-1].rank == rank:
        return parent.children[-1]
    return None


def _in_sequence(marker: _Marker, sibling: _Node | None, last_at_rank: int) -> bool:
    """An item follows its sibling. A first item starts at 1 or, as in seed 002 where tasks
    are numbered 1–35 across all actions, continues the numbering of the previous group; the
    first top-level heading may have any number, as an excerpt often starts at "二、主要任务"."""
    if sibling:
        return marker.ordinal == sibling.marker.ordinal + 1
    if marker.rank == 1 and last_at_rank == 0:
        return True
    return marker.ordinal in (1, last_at_rank + 1)


def _numbering_warning(line: int, marker: _Marker, sibling: _Node | None) -> ParseWarning:
    if sibling is None:
        return ParseWarning(line, WARNING_NUMBER_MISSING_START.format(number=marker.number))
    if sibling.marker.ordinal == marker.ordinal:
        return ParseWarning(line, WARNING_NUMBER_REPEATED.format(number=marker.number))
    previous = sibling.marker.number
    return ParseWarning(line, WARNING_NUMBER_GAP.format(number=marker.number, previous=previous))


# ---------------------------------------------------------------------------------------------
# Parts of the plan: sections, actions, tasks
# ---------------------------------------------------------------------------------------------

# A short lead-in ends at the first full stop or colon ("突出重点。", "指导思想."); a decimal
# point ("1.5倍") is not a full stop.
_TITLE_END = re.compile(r"[。:;!?]|\.(?!\d)")
_TRAILING_PUNCTUATION = "。.，,;；:：、 "


def _split_title(text: str) -> tuple[str | None, str]:
    """Split a short lead-in title off an item: "突出重点。深刻吸取…" → ("突出重点", "深刻吸取…").
    No title if the first sentence is long or has a comma ("各乡镇街道要总结…做法，围绕…")."""
    folded = _fold(text)
    end = _TITLE_END.search(folded, 0, MAX_TITLE_CHARS + 1)
    if end and end.start() > 0 and "," not in folded[: end.start()]:
        return text[: end.start()], text[end.end() :].strip()
    return None, text


def _heading_of(node: _Node) -> tuple[str, str]:
    """A heading line's title and whatever follows the title on the same line."""
    title, rest = _split_title(node.marker.rest)
    if title is None:
        return node.marker.rest.rstrip(_TRAILING_PUNCTUATION), ""
    return title, rest


def _section_kind(heading: str) -> SectionKind | None:
    for kind, keywords in SECTION_KEYWORDS:
        if any(keyword in heading for keyword in keywords):
            return kind
    return None


@dataclass
class _Layout:
    """Which nodes are sections, actions and tasks."""

    sections: list[Section] = field(default_factory=list)
    section_nodes: list[_Node] = field(default_factory=list)
    actions: list[tuple[_Node, list[_Node]]] = field(default_factory=list)
    loose_tasks: list[_Node] = field(default_factory=list)
    task_area_line: int | None = None  # where the tasks were looked for, for the error message

    @property
    def task_nodes(self) -> list[_Node]:
        grouped = [task for _, tasks in self.actions for task in tasks]
        return sorted(self.loose_tasks + grouped, key=lambda node: node.line)


def _lay_out(root: _Node, warnings: list[ParseWarning]) -> _Layout:
    layout = _Layout()
    parts = [node for node in root.children if node.rank == 1]
    if not parts:  # no "一、" headings: the whole text is the list of actions or tasks
        _add_preamble(root, [], layout)
        _read_task_area(root, layout, warnings, named=True)
        return layout
    early_items = [node for node in root.children if node.rank != 1]
    for node in early_items:
        warnings.append(
            ParseWarning(node.line, WARNING_ITEM_BEFORE_HEADINGS.format(number=node.marker.number))
        )
    _add_preamble(root, early_items, layout)
    for part in parts:
        heading, _ = _heading_of(part)
        kind = _section_kind(heading)
        if kind is None or kind is SectionKind.MAIN_TASKS:
            _read_task_area(part, layout, warnings, named=kind is SectionKind.MAIN_TASKS)
        else:
            layout.sections.append(_section(part, kind))
            layout.section_nodes.append(part)
    return layout


def _add_preamble(root: _Node, early_items: list[_Node], layout: _Layout) -> None:
    segments = root.own_segments()
    segments += [(line.number, line.text) for node in early_items for line in node.lines()]
    text = _join(segments)
    if text.text:
        layout.sections.append(Section(SectionKind.PREAMBLE, "", text.text, text.line_numbers[0]))


def _section(node: _Node, kind: SectionKind) -> Section:
    heading, rest = _heading_of(node)
    body = _subtree_text(node, skip_heading=True).text
    text = f"{rest}\n{body}".strip("\n") if rest else body
    return Section(kind, heading, text, node.line)


def _read_task_area(node: _Node, layout: _Layout, warnings: list[ParseWarning], named: bool):
    """Read 主要任务 (named), another part that is not a known section, or the whole text."""
    if layout.task_area_line is None:
        layout.task_area_line = node.line if node.head else None
    children = node.children
    if any(child.children for child in children):
        # Items with items of their own: the items are actions ("（一）开展…行动" → "1. …").
        _add_task_heading(node, layout)
        for child in children:
            _add_action(child, child.children, layout, warnings)
    elif named or not node.head:
        _add_task_heading(node, layout)
        layout.loose_tasks.extend(children)
    elif children or "行动" in _heading_of(node)[0]:
        _add_action(node, children, layout, warnings)
    else:  # an unnumbered part whose heading names no known section: keep its text
        layout.sections.append(_section(node, SectionKind.OTHER))


def _add_task_heading(node: _Node, layout: _Layout) -> None:
    if node.head:  # the root has no heading of its own; its text is the preamble
        heading, rest = _heading_of(node)
        intro = _join([(node.line, rest), *[(line.number, line.text) for line in node.body]])
        layout.sections.append(Section(SectionKind.MAIN_TASKS, heading, intro.text, node.line))


def _add_action(node: _Node, tasks: list[_Node], layout: _Layout, warnings: list[ParseWarning]):
    if not tasks:
        title = _heading_of(node)[0]
        warnings.append(ParseWarning(node.line, WARNING_ACTION_WITHOUT_TASKS.format(title=title)))
    layout.actions.append((node, tasks))


def _closing(root: _Node, texts: dict[_Node, _Text], colophon: Sequence[_Line]) -> Section | None:
    """The plan's closing: a closing paragraph, if the last task's text ends with one (which
    is then taken out of that text), and the 版记 lines."""
    segments = [(line.number, line.text) for line in colophon]
    last = root.last_descendant()
    split = _closing_split(last, texts)
    if split is not None:
        text = texts[last]
        segments.insert(0, (text.line_at(split + 1), text.text[split + 1 :]))
        texts[last] = text.head(split)
    closing = _join(segments)
    if not closing.text:
        return None
    return Section(SectionKind.CLOSING, "", closing.text, closing.line_numbers[0])


def _closing_split(last: _Node, texts: dict[_Node, _Text]) -> int | None:
    """Where a closing paragraph starts in the text of the document's last node, if it has one.

    Plans often end with an unnumbered paragraph addressed to everyone ("各地各部门要加强组织
    领导…", seed 001). When the last item is a task and ends the document, and every other task
    is a single paragraph, the last task's further paragraphs are that closing."""
    if last not in texts or len(texts) < 2:
        return None
    if any("\n" in text.text for node, text in texts.items() if node is not last):
        return None
    split = texts[last].text.find("\n")
    return split if split > 0 else None


# ---------------------------------------------------------------------------------------------
# A task's timing, target and units
# ---------------------------------------------------------------------------------------------

_DEADLINE = re.compile(
    # 2024年底前, 2024年年底前, 二〇二四年底
    rf"(?P<year_end>(?P<ye_year>{_YEAR})\s*年(?:年底|年末|底|末){_BEFORE}?)"
    # 2025年6月底前, 6月底前 (the plan's year)
    rf"|(?P<month_end>(?:(?P<me_year>{_YEAR})\s*年\s*)?(?P<me_month>{_SMALL_NUMBER})\s*月份?(?:底|末){_BEFORE}?)"
    # 2024年6月30日前: an exact date is a deadline only with 前 ("…日印发" is not one)
    rf"|(?P<day>(?P<d_year>{_YEAR})\s*年\s*(?P<d_month>{_SMALL_NUMBER})\s*月\s*(?P<d_day>{_SMALL_NUMBER})\s*日{_BEFORE})"
    # 三年内: by the end of the three-year campaign; "5年内", "一年内不得…" are not deadlines
    rf"|(?P<campaign>(?<![\d{_NUMERAL_CHARS}])[三3]\s*年内)"
    # 年内, 今年内, 年底前 without a year: the plan's own year; "每年底前" is a recurrence
    rf"|(?P<this_year>(?<![\d {_NUMERAL_CHARS}每近])[今当本]?年(?:内|年?底{_BEFORE}))"
)

_RECURRENCE = re.compile(
    r"(?P<half_yearly>每半年|按半年)"
    r"|(?P<quarterly>每个?季度?|按季度?)"
    r"|(?P<monthly>每个?月|按月)"
    r"|(?P<yearly>每一?年度?)"  # not 按年度: "按年度计划推进" is no recurrence
)
# Periods the campaign does not schedule (每5年, 每周, 每天): the user sets them by hand.
_OTHER_PERIOD = re.compile(
    rf"每(?:\d+|[{_NUMERAL_CHARS}]+)个?(?:年|月|季度?|周|星期|天|日)|每(?:周|星期|天|日|旬)"
)
_TIMES = re.compile(rf"(?:至少)?(?P<count>\d{{1,3}}|[{_NUMERAL_CHARS}]{{1,3}})[次轮]")
# A count after a recurrence belongs to it only within the same clause.
_CLAUSE_END = re.compile(r"[,。;()\n]")

_TARGET_ANCHOR = re.compile(r"\d+(?:\.\d+)?%|全覆盖(?=[,。;:\n]|$)")
_TARGET_BOUNDARY = ",。;:\n"

_UNIT_LABEL_WORDS = r"(?:牵头|责任|配合|参与)(?:单位|部门)\s*:"
# 牵头单位：区应急局；责任单位：各乡镇街道
_UNIT_LABEL = re.compile(
    rf"(?P<kind>牵头|责任|配合|参与)(?:单位|部门)\s*:\s*"
    rf"(?P<names>(?:(?!{_UNIT_LABEL_WORDS})[^;。\n])+)"
)
# （区应急局牵头，区住建局、区消防救援大队配合）
_UNIT_PARENTHESIS = re.compile(
    r"\((?P<lead>[^()]{2,40}?)牵头"
    r"(?:[,、;]\s*(?P<others>[^()]{2,80}?)(?:按职责分工负责|配合|参与|负责|落实))?\)"
)
_UNIT_SEPARATORS = re.compile(r"[、,，/／;；]")


@dataclass(frozen=True)
class _Years:
    """The years that words without a year refer to."""

    plan_year: int
    campaign_end: date


def _task(node: _Node, text: _Text, years: _Years, warnings: list[ParseWarning]) -> Task:
    title, _ = _split_title(text.text)
    task = Task(
        number=node.marker.number,
        ordinal=node.marker.ordinal,
        text=text.text,
        line=node.line,
        title=title,
        target=_target(text),
    )
    task.milestones = _milestones(text, years, warnings)
    if task.milestones:
        latest = max(task.milestones, key=lambda milestone: milestone.date)
        task.deadline, task.deadline_phrase = latest.date, latest.phrase
    _read_recurrence(task, text, warnings)
    task.lead_units, task.responsible_units = _units(text)
    return task


def _milestones(text: _Text, years: _Years, warnings: list[ParseWarning]):
    milestones = []
    for match in _DEADLINE.finditer(text.folded):
        phrase, line = text.text[match.start() : match.end()], text.line_at(match.start())
        try:
            milestones.append(Milestone(_deadline_date(match, years), phrase, line))
        except ValueError:
            warnings.append(ParseWarning(line, WARNING_INVALID_DATE.format(phrase=phrase)))
    return milestones


def _deadline_date(match: re.Match[str], years: _Years) -> date:
    """The date a deadline phrase means. "N月底前" without a year is in the plan's year (the
    issue date's, else the campaign's first) even when that month is already past at issue:
    the text says that month, and the preview shows the date for the user to correct."""
    if match["year_end"]:
        return date(numeral_value(match["ye_year"]), 12, 31)
    if match["month_end"]:
        year = numeral_value(match["me_year"]) if match["me_year"] else years.plan_year
        return _month_end(year, numeral_value(match["me_month"]))
    if match["day"]:
        return date(
            numeral_value(match["d_year"]),
            numeral_value(match["d_month"]),
            numeral_value(match["d_day"]),
        )
    if match["campaign"]:
        return years.campaign_end
    return date(years.plan_year, 12, 31)


def _read_recurrence(task: Task, text: _Text, warnings: list[ParseWarning]) -> None:
    """The first recurrence outside parentheses: "每年至少组织开展1次疏散逃生演练（高危行业
    领域每半年至少1次）" is yearly; the bracketed stricter rule is an exception for some."""
    folded = text.folded
    matches = list(_RECURRENCE.finditer(folded))
    if not matches:
        other = _OTHER_PERIOD.search(folded)
        if other:
            phrase = text.text[other.start() : other.end()]
            warnings.append(
                ParseWarning(
                    text.line_at(other.start()),
                    WARNING_UNSUPPORTED_RECURRENCE.format(phrase=phrase),
                )
            )
        return
    match = next(_outside_parentheses(folded, matches), matches[0])
    task.recurrence = Recurrence(match.lastgroup)
    clause_end = _CLAUSE_END.search(folded, match.end(), match.end() + COUNT_WINDOW_CHARS)
    window_end = clause_end.start() if clause_end else match.end() + COUNT_WINDOW_CHARS
    times = _TIMES.search(folded, match.end(), window_end)
    task.times_per_period = numeral_value(times["count"]) if times else 1
    task.recurrence_phrase = text.text[match.start() : times.end() if times else match.end()]


def _outside_parentheses(folded: str, matches: list[re.Match[str]]) -> Iterator[re.Match[str]]:
    depth, position = 0, 0
    for match in matches:
        between = folded[position : match.start()]
        depth += between.count("(") - between.count(")")
        position = match.start()
        if depth <= 0:
            yield match


def _target(text: _Text) -> str | None:
    """The clause holding the first percentage or "全覆盖", without its leading deadline:
    "2025年底前已公布认定的化工园区90%达到D级" → "已公布认定的化工园区90%达到D级"."""
    folded = text.folded
    anchor = _TARGET_ANCHOR.search(folded)
    if not anchor:
        return None
    start = max(folded.rfind(mark, 0, anchor.start()) for mark in _TARGET_BOUNDARY) + 1
    ends = [folded.find(mark, anchor.end()) for mark in _TARGET_BOUNDARY]
    end = min((position for position in ends if position >= 0), default=len(folded))
    deadline = _DEADLINE.match(folded, start, end)
    if deadline:
        start = deadline.end()
    return text.text[start:end].strip(_TRAILING_PUNCTUATION) or None


def _units(text: _Text) -> tuple[list[str], list[str]]:
    folded = text.folded
    lead: list[str] = []
    responsible: list[str] = []
    for match in _UNIT_LABEL.finditer(folded):
        names = _balanced_prefix(text.text[match.start("names") : match.end("names")])
        (lead if match["kind"] == "牵头" else responsible).extend(_unit_names(names))
    for match in _UNIT_PARENTHESIS.finditer(folded):
        lead.extend(_unit_names(text.text[match.start("lead") : match.end("lead")]))
        if match["others"]:
            others = text.text[match.start("others") : match.end("others")]
            responsible.extend(_unit_names(others))
    return list(dict.fromkeys(lead)), list(dict.fromkeys(responsible))


def _balanced_prefix(text: str) -> str:
    """Cut at the first unmatched closing bracket, so that the names in
    "（责任单位：各村（社区））" are "各村（社区）"."""
    depth = 0
    for index, char in enumerate(_fold(text)):
        depth += (char == "(") - (char == ")")
        if depth < 0:
            return text[:index]
    return text


def _unit_names(text: str) -> list[str]:
    names = (name.strip(_TRAILING_PUNCTUATION) for name in _UNIT_SEPARATORS.split(text))
    return [name.removesuffix("等") for name in names if name]


# ---------------------------------------------------------------------------------------------
# Phases
# ---------------------------------------------------------------------------------------------

# "（一）动员部署阶段（2024年2月至4月）" (a numbered line) or "第一阶段：动员部署（…）".
_PHASE_NAMED = re.compile(r"(?P<name>[\u4e00-\u9fff]{2,8}?)阶段")
_PHASE_ORDINAL = re.compile(
    rf"第[\d{_NUMERAL_CHARS}]{{1,2}}阶段\s*[:,、]?\s*(?P<name>[\u4e00-\u9fff]{{2,8}}?)(?:阶段)?(?![\u4e00-\u9fff])"
)
_MONTH_RANGE = re.compile(
    rf"(?:(?P<y1>{_YEAR})\s*年\s*)?(?P<m1>{_SMALL_NUMBER})\s*月(?:\s*(?P<d1>{_SMALL_NUMBER})\s*日)?"
    r"\s*(?:至|到|-|—|–|―|~)+\s*"
    rf"(?:(?P<y2>{_YEAR})\s*年\s*)?(?P<m2>{_SMALL_NUMBER})\s*月(?:\s*(?P<d2>{_SMALL_NUMBER})\s*日)?(?:底|末)?"
)


def _phases(nodes: Sequence[_Node], plan_year: int, warnings: list[ParseWarning]) -> list[Phase]:
    phases: list[Phase] = []
    for line in (line for node in nodes for line in node.lines()):
        folded = _fold(line.content)
        named = _PHASE_NAMED.match(folded) if line.marker else None
        match = named or _PHASE_ORDINAL.match(folded)
        if not match:
            continue
        name = line.content[match.start("name") : match.end("name")]
        dates = _MONTH_RANGE.search(folded, match.end())
        if not dates:
            warnings.append(
                ParseWarning(line.number, WARNING_PHASE_WITHOUT_DATES.format(name=name))
            )
            continue
        previous_end = phases[-1].end if phases else None
        try:
            start, end = _range_dates(dates, previous_end, plan_year)
        except ValueError:
            phrase = line.content[dates.start() : dates.end()]
            warnings.append(
                ParseWarning(
                    line.number, WARNING_PHASE_INVALID_DATES.format(name=name, phrase=phrase)
                )
            )
            continue
        phases.append(Phase(name, start, end, line.number))
    return phases


def _range_dates(match: re.Match[str], previous_end: date | None, plan_year: int):
    """Start and end of "2024年2月至4月", "2024年5月—2025年12月", "2月至4月". A missing start
    year follows the previous phase (or is the plan's year); a missing end year is the start's,
    or the next one when the end month comes before the start month ("11月至2月")."""
    start_month = numeral_value(match["m1"])
    if match["y1"]:
        start_year = numeral_value(match["y1"])
    elif previous_end:
        start_year = previous_end.year + (start_month <= previous_end.month)
    else:
        start_year = plan_year
    end_month = numeral_value(match["m2"])
    end_year = numeral_value(match["y2"]) if match["y2"] else start_year + (end_month < start_month)
    start = date(start_year, start_month, numeral_value(match["d1"]) if match["d1"] else 1)
    if match["d2"]:
        end = date(end_year, end_month, numeral_value(match["d2"]))
    else:
        end = _month_end(end_year, end_month)
    if end < start:
        raise ValueError("the phase ends before it starts")
    return start, end


# ---------------------------------------------------------------------------------------------
# The document's particulars: title, 文号, date, issuer
# ---------------------------------------------------------------------------------------------

# 谢民〔2024〕6号, 赣管字〔２０２４〕２０号, alone on their line (or before 签发人).
_DOCUMENT_NUMBER = re.compile(
    r"(?:文号\s*:\s*)?(?P<number>[\u4e00-\u9fff]{1,12}[〔\[(【]\s*\d{4}\s*[〕\])】]\s*第?\d{1,5}\s*号)"
    r"(?:\s+签发人.*)?"
)
_DATE = rf"(?P<year>{_YEAR})\s*年\s*(?P<month>{_SMALL_NUMBER})\s*月\s*(?P<day>{_SMALL_NUMBER})\s*日"
_DATE_LINE = re.compile(rf"\(?{_DATE}\)?")  # "2024年4月29日", "(2024年6月27日)"
_PRINTED_DATE = re.compile(rf"{_DATE}\s*印发$")  # the colophon's "…2024年4月9日印发"
_PUBLISHED_TITLE = re.compile(r"关于印发[《«〈<](?P<title>[^》»〉>]{4,100})[》»〉>]")
_TITLE_LINE = re.compile(
    r"(?:方案|意见|计划|要点)(?:\s*\(\s*\d{4}\s*[-—–~至]+\s*\d{4}\s*年?\s*\))?$"
)
_NOT_A_TITLE = re.compile(r"^(?:为|按照|根据|附件|关于印发)|[,。;:]")
_ISSUER_HEADER = re.compile(r"(?P<issuer>[\u4e00-\u9fff ]{2,40}?)\s*文件")  # 中共江西省委文件
_ISSUER_IN_TITLE = re.compile(r"(?P<issuer>[\u4e00-\u9fff]{2,20}?)(?:关于|安全生产)")


@dataclass(frozen=True)
class _Particulars:
    title: str | None
    document_number: str | None
    issue_date: date | None
    issuer: str | None


def _particulars(preamble: Sequence[_Line], lines: Sequence[_Line]) -> _Particulars:
    title = _title(preamble)
    return _Particulars(
        title=title,
        document_number=next(filter(None, map(_document_number, preamble)), None),
        issue_date=_issue_date(lines),
        issuer=_issuer(preamble, title),
    )


def _document_number(line: _Line) -> str | None:
    match = _DOCUMENT_NUMBER.fullmatch(_fold(line.text))
    return match["number"].replace(" ", "") if match else None


def _title(preamble: Sequence[_Line]) -> str | None:
    """The plan's own title: the one a covering notice publishes ("关于印发《X》的通知", possibly
    broken across lines), else a line that reads like a title ("…工作方案(2024-2026年)")."""
    joined = "".join(line.text for line in preamble)
    published = _PUBLISHED_TITLE.search(_fold(joined))
    if published:
        return joined[published.start("title") : published.end("title")]
    for line in preamble:
        folded = _fold(line.text)
        if len(folded) <= 100 and _TITLE_LINE.search(folded) and not _NOT_A_TITLE.search(folded):
            return line.text
    return None


def _issue_date(lines: Sequence[_Line]) -> date | None:
    """The first date standing alone on its line (the signing date), else the printing date."""
    for pattern in (_DATE_LINE.fullmatch, _PRINTED_DATE.search):
        for line in lines:
            match = pattern(_fold(line.text))
            if match:
                try:
                    return date(*(numeral_value(match[part]) for part in ("year", "month", "day")))
                except ValueError:
                    continue
    return None


def _issuer(preamble: Sequence[_Line], title: str | None) -> str | None:
    for line in preamble:
        header = _ISSUER_HEADER.fullmatch(line.text)
        if header:
            return header["issuer"].strip()
    in_title = _ISSUER_IN_TITLE.match(title) if title else None
    return in_title["issuer"] if in_title else None


# ---------------------------------------------------------------------------------------------
# The entry point
# ---------------------------------------------------------------------------------------------


def parse_plan(
    text: str,
    *,
    campaign_start: date = CAMPAIGN_START,
    campaign_end: date = CAMPAIGN_END,
) -> ParsedPlan:
    """Propose the structure of a plan from its text.

    Raises PlanParseError when nothing usable is found; everything else that could not be
    read is reported in `warnings`, each pointing at its line (numbered from 1)."""
    lines = _read_lines(text)
    warnings = _long_line_warnings(lines)
    body, colophon = _split_colophon(lines)
    root = _build_outline(body, warnings)
    layout = _lay_out(root, warnings)
    task_nodes = layout.task_nodes
    if not task_nodes:
        line = layout.task_area_line or lines[0].number
        raise PlanParseError(ERROR_NO_TASKS.format(line=line), line)

    particulars = _particulars(root.body, lines)
    plan_year = particulars.issue_date.year if particulars.issue_date else campaign_start.year
    texts = {node: _subtree_text(node) for node in task_nodes}
    closing = _closing(root, texts, colophon)  # before the tasks are read: it may shorten one
    sections = layout.sections + ([closing] if closing else [])
    years = _Years(plan_year, campaign_end)
    tasks = {node: _task(node, texts[node], years, warnings) for node in task_nodes}

    return ParsedPlan(
        title=particulars.title,
        document_number=particulars.document_number,
        issue_date=particulars.issue_date,
        issuer=particulars.issuer,
        sections=sorted(sections, key=lambda section: section.line),
        phases=_phases(layout.section_nodes, plan_year, warnings),
        actions=[_action(node, items, tasks) for node, items in layout.actions],
        tasks=[tasks[node] for node in layout.loose_tasks],
        warnings=_capped(warnings),
    )


def _action(node: _Node, items: list[_Node], tasks: dict[_Node, Task]) -> Action:
    title, intro = _heading_of(node)
    text = _join([(node.line, intro), *((line.number, line.text) for line in node.body)])
    tasks_of_action = [tasks[item] for item in items]
    return Action(
        node.marker.number, node.marker.ordinal, title, node.line, text.text, tasks_of_action
    )


def _capped(warnings: list[ParseWarning]) -> list[ParseWarning]:
    ordered = sorted(warnings, key=lambda warning: warning.line)
    if len(ordered) <= MAX_WARNINGS:
        return ordered
    rest = len(ordered) - MAX_WARNINGS
    return [
        *ordered[:MAX_WARNINGS],
        ParseWarning(ordered[MAX_WARNINGS].line, WARNING_TRUNCATED.format(count=rest)),
    ]
