"""Exporting rows to .xlsx: every app's ledger download goes through here.

openpyxl's write-only mode streams rows to a temporary file as they come, so an export of a
whole province's ledger keeps memory flat when fed a `queryset.iterator(chunk_size=…)`; only
the finished, compressed workbook is held in memory.
"""

from __future__ import annotations

import io
import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

HEADER_FONT = Font(bold=True)


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


class XlsxBuilder:
    """A workbook of one or more sheets, built row by row in write-only mode."""

    def __init__(self):
        self.workbook = Workbook(write_only=True)

    def add_sheet(self, title: str, columns: Sequence[ExportColumn], rows: Iterable[Any]) -> None:
        sheet = self.workbook.create_sheet(title=title)
        # Write-only sheets take column widths before the first row, never after.
        for index, column in enumerate(columns, 1):
            sheet.column_dimensions[get_column_letter(index)].width = column.column_width
        sheet.freeze_panes = "A2"
        sheet.append([self._cell(sheet, column.title, bold=True) for column in columns])
        for row in rows:
            sheet.append([self._cell(sheet, column.value(row)) for column in columns])

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()

    @staticmethod
    def _cell(sheet, value: Any, *, bold: bool = False):
        value = excel_value(value)
        if not isinstance(value, str) and not bold:
            return value
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            # Always text: a name like "=HYPERLINK(…)" typed into a form must not become a
            # formula in an official's Excel (CSV/formula injection), nor "#N/A" an error.
            cell.data_type = "s"
        if bold:
            cell.font = HEADER_FONT
        return cell


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
    # Control characters pasted from other systems make openpyxl refuse the whole file.
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def export_xlsx(
    rows: Iterable[Any], columns: Sequence[ExportColumn], *, sheet_title: str = "数据"
) -> bytes:
    """One sheet with a bold header row; pass `queryset.iterator(chunk_size=…)` for big exports."""
    builder = XlsxBuilder()
    builder.add_sheet(sheet_title, columns, rows)
    return builder.to_bytes()
