"""Importing spreadsheets (.csv, .xlsx): every row checked, then all rows written or none.

Every app's bulk import (enterprise register, hazard ledger, training rosters) is a
`TabularImporter` subclass: it declares its `columns` by their Chinese titles, turns one row
into something to save in `clean_row`, and saves it in `save_row`. `run()` reads the file,
checks every row — collecting every problem with its row number and column, so that a clerk
corrects the whole sheet in one pass instead of one error per upload — and writes only when
the whole file is clean, inside one transaction.

Row numbers are the spreadsheet's own (the header is row 1), so a message such as
"第5行 统一社会信用代码：…" points at the cell the clerk sees in Excel.
"""

from __future__ import annotations

import csv
import enum
import io
import os
import re
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

SUPPORTED_SUFFIXES = (".csv", ".xlsx")


class ImportFileError(Exception):
    """The file as a whole cannot be imported: its type, size, encoding or header."""


@dataclass(frozen=True)
class Column:
    """One column of an import: `key` names it in code, `title` is the header users type.

    `aliases` are other titles accepted for it (older templates, other systems' exports).
    A required column must be in the header and filled in on every row.
    """

    key: str
    title: str
    aliases: tuple[str, ...] = ()
    required: bool = True

    @property
    def titles(self) -> tuple[str, ...]:
        return (self.title, *self.aliases)


@dataclass(frozen=True)
class RowError:
    """One problem: `row` is the spreadsheet row (None: the file itself), `column` its title."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        where = _("第%(row)d行") % {"row": self.row}
        if self.column:
            where = f"{where} {self.column}"
        return f"{where}：{self.message}"


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    # Rows that match the database already: a re-imported file writes nothing new.
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class Outcome(enum.Enum):
    """What `save_row` did with one row."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


# --- Reading files -------------------------------------------------------------------------


def read_rows(
    source, *, max_bytes: int | None = None, max_rows: int | None = None
) -> list[tuple[int, list[str]]]:
    """The non-blank rows of a .csv or .xlsx file as (row number, cell texts).

    `source` is a filesystem path or an uploaded file (anything with `.name` and `read()`).
    `max_rows` bounds the rows after the first (the header); reading stops there, so a small
    file that unzips into millions of rows cannot fill the memory.
    Raises ImportFileError, with a message for the user, when the file cannot be read.
    """
    name, size = _name_and_size(source)
    suffix = Path(name).suffix.lower()
    if suffix == ".xls":
        raise ImportFileError(
            _("不支持旧版Excel文件（.xls），请在Excel中“另存为”.xlsx格式后重新上传。")
        )
    if suffix not in SUPPORTED_SUFFIXES:
        raise ImportFileError(
            _("不支持的文件类型“%(suffix)s”，请上传.xlsx或.csv文件。")
            % {"suffix": suffix or _("无扩展名")}
        )
    limit = settings.IMPORT_MAX_BYTES if max_bytes is None else max_bytes
    if size > limit:
        raise ImportFileError(
            _("文件过大（%(size)s），上限为%(limit)s，请拆分后分批导入。")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )
    if size == 0:
        raise ImportFileError(_("文件为空。"))
    with _open_binary(source) as stream:
        rows = _xlsx_rows(stream) if suffix == ".xlsx" else _csv_rows(stream.read())
        try:
            return _collect(rows, max_rows)
        finally:
            rows.close()


def _collect(rows: Iterator[tuple[int, list[str]]], max_rows: int | None):
    collected: list[tuple[int, list[str]]] = []
    for number, cells in rows:
        if not any(cells):
            continue
        if max_rows is not None and len(collected) > max_rows:
            raise ImportFileError(
                _("数据超过单次导入上限%(max)d行，请拆分后分批导入。") % {"max": max_rows}
            )
        collected.append((number, cells))
    return collected


def _name_and_size(source) -> tuple[str, int]:
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        try:
            return path.name, path.stat().st_size
        except OSError as exc:
            raise ImportFileError(_("无法读取文件“%(name)s”。") % {"name": path.name}) from exc
    size = getattr(source, "size", None)
    if size is None:
        source.seek(0, os.SEEK_END)
        size = source.tell()
    return os.path.basename(getattr(source, "name", "") or ""), size


@contextmanager
def _open_binary(source) -> Iterator[IO[bytes]]:
    """Open a path, or rewind an uploaded file; close only what was opened here."""
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as stream:
            yield stream
    else:
        source.seek(0)
        yield source


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM) first; then GB18030, a superset of the GBK that Excel on
    Chinese Windows writes when a sheet is saved as CSV."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("无法识别文件编码，请将文件另存为UTF-8编码的CSV或.xlsx格式后重新上传。")
        ) from exc


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(decode_csv(data), newline=""))
    try:
        # Numbered by record, not by physical line: Excel shows a cell with line breaks in
        # one row, and the clerk looks for the row number Excel shows.
        for number, cells in enumerate(reader, 1):
            yield number, [cell_text(cell) for cell in cells]
    except csv.Error as exc:
        raise ImportFileError(_("CSV文件格式有误：%(error)s") % {"error": exc}) from exc


def _xlsx_rows(stream: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    # Imported lazily: openpyxl is only needed when someone uploads a workbook.
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportFileError(_("无法读取Excel文件，请确认文件未损坏且为.xlsx格式。")) from exc
    try:
        sheet = workbook.worksheets[0]
        # Some tools write a wrong <dimension>; without it openpyxl reads every cell present.
        sheet.reset_dimensions()
        for number, values in enumerate(sheet.iter_rows(values_only=True), 1):
            yield number, [cell_text(value) for value in values]
    finally:
        workbook.close()


def cell_text(value: Any) -> str:
    """A cell as the text the user sees: Excel stores 13800000000 as the number 13800000000.0."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    # str.strip() also removes the full-width space (U+3000) Chinese input methods type.
    return str(value).strip()


_TITLE_NOISE = re.compile(r"[\s*＊]|[（(](必填|选填|可选)[)）]")


def normalise_title(title: str) -> str:
    """Header titles as templates decorate them: "* 单位名称（必填）" is "单位名称"."""
    return _TITLE_NOISE.sub("", title)


# --- The importer --------------------------------------------------------------------------


class _Rollback(Exception):
    """Raised inside the write transaction to undo it when a row fails while saving."""


class TabularImporter:
    """Base of every spreadsheet import; subclasses set `columns` and implement
    `clean_row` and `save_row`.

    Within `clean_row`, report problems either by raising ValidationError (a dict form maps
    column keys, or model field names listed in `field_columns`, to messages) or by calling
    `add_error`. A row with any error is not saved, whatever `clean_row` returns. At most one
    message is kept per cell, the first, and a message is not repeated within a row, so a
    problem found by a cell check is not reported again by model validation.
    """

    columns: Sequence[Column] = ()
    # The column whose values must be unique within one file (e.g. the credit code).
    key_column: str | None = None
    # Model field name → column key, for ValidationErrors raised by model validation.
    field_columns: dict[str, str] = {}
    # Large enough for a county's whole register; beyond it, split the file.
    max_rows = 20_000

    def __init__(self):
        self._errors: dict[tuple[int | None, str], RowError] = {}
        self._row_messages: dict[int | None, set[str]] = {}
        self._columns_by_key = {column.key: column for column in self.columns}

    # Hooks for subclasses

    def prepare(self, rows: list[dict[str, str]]) -> None:
        """Look up, in bulk, what `clean_row` needs (a few queries instead of one per row)."""

    def clean_row(self, row: dict[str, str], row_number: int) -> Any:
        raise NotImplementedError

    def save_row(self, item: Any, row_number: int) -> Outcome:
        raise NotImplementedError

    def save(self, items: list[tuple[int, Any]]) -> ImportResult:
        """Write the cleaned rows; runs inside the transaction. May add errors to roll back."""
        result = ImportResult()
        for row_number, item in items:
            try:
                outcome = self.save_row(item, row_number)
            except ValidationError as exc:
                self.add_validation_error(row_number, exc)
                continue
            if outcome is Outcome.CREATED:
                result.created += 1
            elif outcome is Outcome.UPDATED:
                result.updated += 1
            else:
                result.unchanged += 1
        return result

    def normalise_key(self, value: str) -> str:
        return value.upper()

    # Error collection

    def add_error(self, row_number: int | None, column: str, message: str) -> None:
        """Record a problem at a cell; `column` is a column key or a model field name."""
        key = self.field_columns.get(column, column)
        title = self._columns_by_key[key].title if key in self._columns_by_key else ""
        message = str(message)
        if title and message.startswith(title):
            # "统一社会信用代码：统一社会信用代码校验位错误" reads better without the repetition.
            message = message[len(title) :]
        messages = self._row_messages.setdefault(row_number, set())
        if message in messages:
            # Model validation repeats, for the row as a whole, what a cell check said.
            return
        messages.add(message)
        self._errors.setdefault((row_number, title), RowError(row_number, title, message))

    def add_validation_error(self, row_number: int | None, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                column = "" if name == NON_FIELD_ERRORS else name
                for message in ValidationError(errors).messages:
                    self.add_error(row_number, column, message)
        else:
            for message in error.messages:
                self.add_error(row_number, "", message)

    @property
    def has_errors(self) -> bool:
        return bool(self._errors)

    # The run

    def run(self, source) -> ImportResult:
        """Import a file (path or uploaded file): all rows, or nothing and every error."""
        self._errors, self._row_messages = {}, {}
        try:
            rows = self._read(source)
        except ImportFileError as exc:
            return ImportResult(errors=[RowError(None, "", str(exc))])
        # A wrong header makes every row wrong: report the header alone.
        items = [] if self.has_errors else self._clean_all(rows)
        if self.has_errors:
            return ImportResult(errors=self._sorted_errors())
        try:
            with transaction.atomic():
                result = self.save(items)
                if self.has_errors:
                    raise _Rollback
        except _Rollback:
            return ImportResult(errors=self._sorted_errors())
        except IntegrityError:
            # A concurrent writer took a unique key between our checks and our writes.
            message = _("导入期间数据被他人修改，未写入任何数据，请重新导入。")
            return ImportResult(errors=[RowError(None, "", message)])
        return result

    def _read(self, source) -> list[tuple[int, dict[str, str]]]:
        lines = read_rows(source, max_rows=self.max_rows)
        if not lines:
            raise ImportFileError(_("文件中没有数据。"))
        header_number, header = lines[0]
        positions = self._map_header(header_number, header)
        data = lines[1:]
        if not data and not self.has_errors:
            raise ImportFileError(_("文件中只有表头，没有数据行。"))
        return [
            (
                number,
                {key: (cells[i] if i < len(cells) else "") for key, i in positions.items()},
            )
            for number, cells in data
        ]

    def _map_header(self, row_number: int, header: list[str]) -> dict[str, int]:
        by_title = {
            normalise_title(title): column for column in self.columns for title in column.titles
        }
        positions: dict[str, int] = {}
        for index, title in enumerate(header):
            column = by_title.get(normalise_title(title))
            if column is None:
                # Extra columns (备注, 序号…) are common in real sheets and harmless.
                continue
            if column.key in positions:
                self._errors[(row_number, column.title)] = RowError(
                    row_number, column.title, _("该列重复出现。")
                )
            positions[column.key] = index
        for column in self.columns:
            if column.required and column.key not in positions:
                self._errors[(row_number, column.title)] = RowError(
                    row_number,
                    column.title,
                    _("缺少必填列“%(title)s”，请使用导入模板的表头。") % {"title": column.title},
                )
        return positions

    def _clean_all(self, rows: list[tuple[int, dict[str, str]]]) -> list[tuple[int, Any]]:
        self.prepare([row for _number, row in rows])
        seen_keys: dict[str, int] = {}
        items = []
        for row_number, row in rows:
            self._check_required(row_number, row)
            self._check_duplicate_key(row_number, row, seen_keys)
            try:
                item = self.clean_row(row, row_number)
            except ValidationError as exc:
                self.add_validation_error(row_number, exc)
                continue
            if item is not None and row_number not in self._row_messages:
                items.append((row_number, item))
        return items

    def _check_required(self, row_number: int, row: dict[str, str]) -> None:
        for column in self.columns:
            if column.required and not row.get(column.key):
                self.add_error(row_number, column.key, _("不能为空。"))

    def _check_duplicate_key(self, row_number, row, seen_keys: dict[str, int]) -> None:
        if self.key_column is None or not row.get(self.key_column):
            return
        key = self.normalise_key(row[self.key_column])
        first = seen_keys.setdefault(key, row_number)
        if first != row_number:
            self.add_error(
                row_number,
                self.key_column,
                _("与第%(row)d行重复（同一文件中不能出现两次）。") % {"row": first},
            )

    def _sorted_errors(self) -> list[RowError]:
        return sorted(self._errors.values(), key=lambda e: -1 if e.row is None else e.row)


def parse_yes_no(value: str) -> bool | None:
    """是/否 as clerks type it; None when the text is neither."""
    text = value.strip().lower()
    if text in {"是", "y", "yes", "true", "1", "√"}:
        return True
    if text in {"否", "n", "no", "false", "0", "×"}:
        return False
    return None


def run_import_command(command, importer: TabularImporter, path: str) -> ImportResult:
    """The body of every `import_*` management command: errors listed, nothing written."""
    from django.core.management.base import CommandError

    result = importer.run(path)
    if not result.ok:
        for error in result.errors:
            command.stderr.write(str(error))
        raise CommandError(
            _("导入失败：共%(n)d处错误，未写入任何数据。") % {"n": len(result.errors)}
        )
    command.stdout.write(
        command.style.SUCCESS(
            _("导入完成：新增%(created)d条，更新%(updated)d条，未变化%(unchanged)d条。")
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
        )
    )
    return result
