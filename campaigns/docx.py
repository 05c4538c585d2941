"""The text of an uploaded plan: a .docx file's paragraphs, or a .txt file in UTF-8 or GB18030.

Standard library only: a .docx file is a zip archive whose word/document.xml holds the
paragraphs (w:p) made of runs of text (w:t). Lists that Word numbers by itself keep their
numbers ("一、", "（一）", "1.") from word/numbering.xml, because the plan parser reads the
structure from them; numbering inherited from a paragraph style is not rendered.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from xml.etree import ElementTree

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PARAGRAPH = f"{_W}p"
_TEXT = f"{_W}t"
_TAB = f"{_W}tab"
_BREAKS = {f"{_W}br", f"{_W}cr"}
_VALUE = f"{_W}val"

# A plan's document.xml is well under a few megabytes; the limit stops zip bombs.
MAX_PART_BYTES = 64 * 1024 * 1024

ERROR_NOT_DOCX = (
    "文件不是有效的.docx文档（可能是旧版.doc或文件已损坏），请用Word另存为.docx后重新上传"
)
ERROR_TOO_LARGE = "文档内容过大，请只保留方案正文后重新上传"
ERROR_DAMAGED = "文档内容已损坏，无法读取"
ERROR_ENCODING = "无法识别文本文件的编码，请另存为UTF-8编码后重新上传"
ERROR_FILE_TYPE = "只支持.txt和.docx文件；旧版Word（.doc）文件请先另存为.docx"


class DocumentError(ValueError):
    """The upload cannot be read as text; the message (Chinese) tells the user what to do."""


def text_from_upload(filename: str, data: bytes) -> str:
    """The text of an uploaded .txt or .docx file, one paragraph per line."""
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".docx":
        return "\n".join(docx_paragraphs(data))
    if suffix == ".txt":
        return decode_text(data)
    raise DocumentError(ERROR_FILE_TYPE)


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM (Notepad's "Unicode"), else GB18030,
    the superset of GBK that Chinese Windows saves text in."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DocumentError(ERROR_ENCODING)


def docx_paragraphs(data: bytes) -> list[str]:
    """The paragraphs of a .docx file in document order (table cells included), each with
    the number Word shows before it when it is an automatically numbered list item."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise DocumentError(ERROR_NOT_DOCX) from exc
    with archive:
        document = _read_part(archive, "word/document.xml")
        if document is None:
            raise DocumentError(ERROR_NOT_DOCX)
        numbering = _Numbering.from_part(_read_part(archive, "word/numbering.xml"))
    return [
        numbering.label(paragraph) + _paragraph_text(paragraph)
        for paragraph in document.iter(_PARAGRAPH)
    ]


def _read_part(archive: zipfile.ZipFile, name: str) -> ElementTree.Element | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_PART_BYTES:
        raise DocumentError(ERROR_TOO_LARGE)
    try:
        content = archive.read(info)  # reads at most the declared (checked) size
    # RuntimeError: an encrypted part; NotImplementedError: an unknown compression method.
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise DocumentError(ERROR_DAMAGED) from exc
    # Office never writes a DTD; refusing one rules out entity expansion tricks altogether.
    if b"<!DOCTYPE" in content or b"<!ENTITY" in content:
        raise DocumentError(ERROR_DAMAGED)
    try:
        return ElementTree.fromstring(content)
    except ElementTree.ParseError as exc:
        raise DocumentError(ERROR_DAMAGED) from exc


def _paragraph_text(paragraph: ElementTree.Element) -> str:
    parts: list[str] = []
    _collect_text(paragraph, parts)
    return "".join(parts)


def _collect_text(element: ElementTree.Element, parts: list[str]) -> None:
    for child in element:
        if child.tag == _PARAGRAPH:
            continue  # a text box's paragraphs come in their own turn
        if child.tag == _TEXT:
            parts.append(child.text or "")
        elif child.tag == _TAB:
            parts.append("\t")
        elif child.tag in _BREAKS:
            parts.append("\n")
        else:
            _collect_text(child, parts)


# ---------------------------------------------------------------------------------------------
# Automatic list numbers
# ---------------------------------------------------------------------------------------------

_CHINESE_DIGITS = "〇一二三四五六七八九"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
# 一二三 (not chineseLegalSimplified's 壹贰叁 nor ideographTraditional's 甲乙丙)
_CHINESE_FORMATS = {
    "chineseCounting",
    "chineseCountingThousand",
    "taiwaneseCounting",
    "taiwaneseCountingThousand",
}
_CIRCLED_FORMATS = {"decimalEnclosedCircle", "decimalEnclosedCircleChinese"}


def _chinese_number(number: int) -> str:
    """1 → 一, 10 → 十, 15 → 十五, 24 → 二十四; lists never run past 99 in a plan."""
    if not 0 < number < 100:
        return str(number)
    tens, units = divmod(number, 10)
    if not tens:
        return _CHINESE_DIGITS[units]
    return (
        ("" if tens == 1 else _CHINESE_DIGITS[tens])
        + "十"
        + (_CHINESE_DIGITS[units] if units else "")
    )


def _format_number(number: int, number_format: str) -> str:
    if number_format in _CHINESE_FORMATS:
        return _chinese_number(number)
    if number_format in _CIRCLED_FORMATS and 0 < number <= len(_CIRCLED):
        return _CIRCLED[number - 1]
    if number_format in {"lowerLetter", "upperLetter"} and 0 < number <= 26:
        letter = chr(ord("a") + number - 1)
        return letter if number_format == "lowerLetter" else letter.upper()
    return str(number)  # decimal, and what Word would show for formats plans do not use


@dataclass(frozen=True)
class _Level:
    start: int
    number_format: str
    text: str  # "%1、", "（%1）", "%1.%2"


@dataclass
class _Numbering:
    """Word's list definitions, and the counters of the lists met so far."""

    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)  # by numId, then ilvl
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    @classmethod
    def from_part(cls, root: ElementTree.Element | None) -> _Numbering:
        if root is None:
            return cls()
        definitions = {
            element.get(f"{_W}abstractNumId"): {
                _int(level.get(f"{_W}ilvl"), 0): _level(level)
                for level in element.findall(f"{_W}lvl")
            }
            for element in root.iter(f"{_W}abstractNum")
        }
        levels = {}
        for num in root.iter(f"{_W}num"):
            definition = definitions.get(_value(num, "abstractNumId"))
            if definition is not None:
                levels[num.get(f"{_W}numId")] = _overridden(definition, num)
        return cls(levels)

    def label(self, paragraph: ElementTree.Element) -> str:
        properties = paragraph.find(f"{_W}pPr/{_W}numPr")
        if properties is None:
            return ""
        num_id = _value(properties, "numId") or ""
        level = _int(_value(properties, "ilvl"), 0)
        levels = self.levels.get(num_id, {})
        if level not in levels or levels[level].number_format in {"bullet", "none"}:
            return ""
        counters = self.counters.setdefault(num_id, {})
        counters[level] = counters.get(level, levels[level].start - 1) + 1
        for deeper in [key for key in counters if key > level]:
            del counters[deeper]  # a new item restarts the levels below it
        text = levels[level].text
        for shown, definition in levels.items():  # "%1.%2": every level's number may show
            number = counters.get(shown, definition.start)
            text = text.replace(f"%{shown + 1}", _format_number(number, definition.number_format))
        return text


def _level(element: ElementTree.Element) -> _Level:
    return _Level(
        start=_int(_value(element, "start"), 1),
        number_format=_value(element, "numFmt") or "decimal",
        text=_value(element, "lvlText") or "",
    )


def _overridden(definition: dict[int, _Level], num: ElementTree.Element) -> dict[int, _Level]:
    """A list instance may redefine levels of its definition, or restart them at a number."""
    levels = dict(definition)
    for override in num.findall(f"{_W}lvlOverride"):
        index = _int(override.get(f"{_W}ilvl"), 0)
        redefined = override.find(f"{_W}lvl")
        if redefined is not None:
            levels[index] = _level(redefined)
        start = _value(override, "startOverride")
        if start is not None and index in levels:
            levels[index] = replace(levels[index], start=_int(start, 1))
    return levels


def _value(element: ElementTree.Element, child: str) -> str | None:
    found = element.find(f"{_W}{child}")
    return found.get(_VALUE) if found is not None else None


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default
