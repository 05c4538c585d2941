"""Exporting rows to .xlsx: every app's ledger download goes through here.

Sheets are written row by row as SpreadsheetML text into temporary files and zipped at the
end, so an export of a whole province's ledger keeps memory flat when fed a
`queryset.iterator(chunk_size=…)`; only the finished, compressed workbook is held in memory.

The writer is this module's own rather than openpyxl's write-only mode: openpyxl builds a
cell object per value (some 10 µs each), which made a 100,000-row ledger of 30 columns take
over a minute; formatting the XML directly takes a few seconds. The workbook is the plain
subset every spreadsheet program reads: inline strings, numbers, dates with a date format,
a bold header row frozen at the top, column widths. openpyxl still reads uploads
(core.importing) and the tests' workbooks.
"""

from __future__ import annotations

import math
import operator
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from django.utils import timezone
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter


@dataclass(frozen=True)
class ExportColumn:
    """One column: its Chinese title and how to read the value from a row.

    `accessor` is a dotted attribute path ("industry.name") or a callable taking the row.
    `width` is in Excel's character units; a CJK character takes about two.
    """

    title: str
    accessor: str | Callable[[Any], Any]
    width: int | None = None

    def value(self, row: Any) -> Any:
        if callable(self.accessor):
            return self.accessor(row)
        try:
            return operator.attrgetter(self.accessor)(row)
        except AttributeError:
            # A null foreign key on the way ("org_unit.name" of a row without org unit).
            return None

    @property
    def column_width(self) -> int:
        return self.width or max(10, 2 * len(self.title) + 4)


def excel_value(value: Any) -> Any:
    """A Python value as Excel can store it."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        # Excel has no time zones: show local (Asia/Shanghai) time, as the UI does.
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, int | float | Decimal | date | time):
        return value
    # Control characters pasted from other systems make spreadsheet programs refuse the file.
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


# Cell styles (indexes into styles.xml's cellXfs): plain, bold header, date, date and time,
# time of day.
PLAIN, HEADER, DATE, DATETIME, TIME = range(5)
EXCEL_EPOCH = datetime(1899, 12, 30)
# Bytes reserved for <dimension ref="A1:XFD1048576"/>, the largest a sheet can have.
DIMENSION_SLOT = 40
SECONDS_PER_DAY = 86400


def _cell(reference: str, value: Any, style: int = PLAIN) -> str:
    """One <c> element. Text is always an inline string: a name like "=HYPERLINK(…)" typed into
    a form never becomes a formula in an official's Excel (CSV/formula injection)."""
    value = excel_value(value)
    if value is None or value == "":
        return f'<c r="{reference}" s="{style}"/>' if style != PLAIN else ""
    if isinstance(value, str):
        return (
            f'<c r="{reference}" s="{style}" t="inlineStr"><is><t xml:space="preserve">'
            f"{escape(value)}</t></is></c>"
        )
    if isinstance(value, datetime):
        delta = value - EXCEL_EPOCH
        serial = delta.days + delta.seconds / SECONDS_PER_DAY
        return f'<c r="{reference}" s="{DATETIME}"><v>{serial!r}</v></c>'
    if isinstance(value, date):
        return f'<c r="{reference}" s="{DATE}"><v>{(value - EXCEL_EPOCH.date()).days}</v></c>'
    if isinstance(value, time):
        serial = (value.hour * 3600 + value.minute * 60 + value.second) / SECONDS_PER_DAY
        return f'<c r="{reference}" s="{TIME}"><v>{serial!r}</v></c>'
    text = format(value, "f") if isinstance(value, Decimal) else repr(value)
    if not math.isfinite(value):
        # Excel has no NaN or infinity: say it in words rather than corrupt the file.
        return _cell(reference, text, style)
    return f'<c r="{reference}" s="{style}"><v>{text}</v></c>'


class _Sheet:
    """A worksheet being written: its rows go to a temporary file as they come."""

    def __init__(self, title: str, columns: Sequence[ExportColumn]):
        self.title = title
        # Closed by XlsxBuilder.save once zipped into the workbook.
        self.file = tempfile.TemporaryFile()  # noqa: SIM115
        letters = [get_column_letter(index) for index in range(1, len(columns) + 1)]
        widths = "".join(
            f'<col min="{index}" max="{index}" width="{column.column_width}" customWidth="1"/>'
            for index, column in enumerate(columns, 1)
        )
        self.file.write(
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        )
        # The sheet's extent is known at the end; its element is written then, over a blank
        # slot reserved here (readers such as openpyxl's read-only mode size sheets by it).
        self.dimension_at = self.file.tell()
        self.file.write(b" " * DIMENSION_SLOT)
        self.file.write(
            (
                '<sheetViews><sheetView workbookViewId="0">'
                '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                "</sheetView></sheetViews>"
                f"<cols>{widths}</cols><sheetData>"
            ).encode()
        )
        header = "".join(
            _cell(f"{letter}1", column.title, HEADER)
            for letter, column in zip(letters, columns, strict=True)
        )
        self.file.write(f'<row r="1">{header}</row>'.encode())
        self.columns = list(zip(letters, columns, strict=True))
        self.rows = 1

    def append(self, row: Any) -> None:
        self.rows += 1
        number = self.rows
        cells = "".join(
            _cell(f"{letter}{number}", column.value(row)) for letter, column in self.columns
        )
        self.file.write(f'<row r="{number}">{cells}</row>'.encode())

    def close(self) -> None:
        self.file.write(b"</sheetData></worksheet>")
        last = self.columns[-1][0] if self.columns else "A"
        self.file.seek(self.dimension_at)
        self.file.write(f'<dimension ref="A1:{last}{self.rows}"/>'.encode())
        self.file.seek(0)


class XlsxBuilder:
    """A workbook of one or more sheets, built row by row."""

    def __init__(self):
        self.sheets: list[_Sheet] = []

    def add_sheet(self, title: str, columns: Sequence[ExportColumn], rows: Iterable[Any]) -> None:
        sheet = _Sheet(title, columns)
        for row in rows:
            sheet.append(row)
        sheet.close()
        self.sheets.append(sheet)

    def to_bytes(self) -> bytes:
        with tempfile.TemporaryFile() as output:
            self.save(output)
            output.seek(0)
            return output.read()

    def save(self, stream) -> None:
        """Write the workbook to a binary stream; the sheets are copied in chunks."""
        with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as package:
            count = len(self.sheets)
            package.writestr("[Content_Types].xml", _content_types(count))
            package.writestr("_rels/.rels", _ROOT_RELS)
            package.writestr("xl/workbook.xml", _workbook([s.title for s in self.sheets]))
            package.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(count))
            package.writestr("xl/styles.xml", _STYLES)
            for index, sheet in enumerate(self.sheets, 1):
                with package.open(f"xl/worksheets/sheet{index}.xml", "w") as target:
                    while chunk := sheet.file.read(1 << 20):
                        target.write(chunk)
                sheet.file.close()


def export_xlsx(
    rows: Iterable[Any], columns: Sequence[ExportColumn], *, sheet_title: str = "数据"
) -> bytes:
    """One sheet with a bold header row; pass `queryset.iterator(chunk_size=…)` for big exports."""
    builder = XlsxBuilder()
    builder.add_sheet(sheet_title, columns, rows)
    return builder.to_bytes()


# --- The package's fixed parts --------------------------------------------------------------

_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_ROOT_RELS = (
    f'{_XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_STYLES = (
    f'{_XML}<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/>'
    '<numFmt numFmtId="166" formatCode="hh:mm:ss"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _content_types(sheets: int) -> str:
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{index}.xml" ContentType="{kind}.worksheet+xml"/>'
        for index in range(1, sheets + 1)
    )
    return (
        f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{kind}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{kind}.styles+xml"/>'
        f"{overrides}</Types>"
    )


def _workbook(titles: list[str]) -> str:
    sheets = "".join(
        f'<sheet name={quoteattr(title[:31])} sheetId="{index}" r:id="rId{index}"/>'
        for index, title in enumerate(titles, 1)
    )
    return f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>{sheets}</sheets></workbook>'


def _workbook_rels(sheets: int) -> str:
    links = "".join(
        f'<Relationship Id="rId{index}" Type="{_REL}/worksheet" '
        f'Target="worksheets/sheet{index}.xml"/>'
        for index in range(1, sheets + 1)
    )
    styles = f'<Relationship Id="rId{sheets + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
    return (
        f'{_XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f"{links}{styles}</Relationships>"
    )
