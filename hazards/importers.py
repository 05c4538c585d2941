"""The hazard ledger in Excel: the official column layout, out (export) and in (import).

Built on core.importing / core.exporting, as the enterprise register is. The export writes
every column of the ledger; the import reads the same layout (columns it does not take, such
as 属地 or 逾期, are ignored), so an exported ledger re-imports unchanged.

Which hazard a row is: its 台账编号 when filled in; else its 来源系统 + 来源系统编号; else the
same enterprise, found date and description — so re-importing a file creates no duplicates.
An existing hazard takes the row's description and 五落实 under the workflow's rules (as
hazards.services.update_hazard); its status is the system's and is never changed by a file.
A new hazard is entered in the status the row gives — the ledgers kept in Excel since 2023
hold hazards already confirmed, rectifying or closed out — provided the importer may take
that step: confirm for 已确认 and 整改中 (with the complete 五落实), verify for 已销号 (with
its date and verification note). 申请销号 needs evidence files, which a sheet cannot carry.
"""

from __future__ import annotations

import operator
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.dates import start_of_day
from core.exporting import ExportColumn, XlsxBuilder, export_xlsx
from core.importing import Column, ImportResult, TabularImporter
from core.models import Notification
from core.notifications import notify
from hazards import services
from hazards.constants import STOCK_CUTOFF, HazardAction, TransitionAction
from hazards.models import Hazard, HazardCriterion, HazardNotice, HazardTransition
from orgs.importers import EXAMPLE_ENTERPRISE
from orgs.models import Enterprise, Industry
from orgs.validators import normalise_credit_code

Status = Hazard.Status

# Titles are the file format, not UI text: they stay Chinese whatever the UI language.
LEDGER_COLUMNS = (
    Column("ledger_number", "台账编号", aliases=("隐患编号",), required=False),
    Column("enterprise_name", "单位名称", aliases=("企业名称",), required=False),
    Column("credit_code", "统一社会信用代码", aliases=("社会信用代码", "信用代码")),
    Column("industry", "行业领域", aliases=("所属行业",), required=False),
    Column("grade", "隐患等级", aliases=("隐患级别",)),
    Column("source", "发现渠道", aliases=("隐患来源", "来源渠道")),
    Column("criterion", "判定依据", required=False),
    Column("description", "隐患描述", aliases=("隐患内容", "隐患情况")),
    Column("place", "隐患部位", aliases=("隐患位置",), required=False),
    Column("found_date", "发现日期", aliases=("排查日期", "检查日期")),
    Column("responsible_person", "整改责任人", required=False),
    Column("measures", "整改措施", required=False),
    Column("funds", "整改资金(万元)", aliases=("整改资金（万元）", "整改资金"), required=False),
    Column("deadline", "整改时限", aliases=("整改期限",), required=False),
    Column("contingency_plan", "应急预案", aliases=("应急预案措施",), required=False),
    Column("status", "状态", aliases=("整改状态",), required=False),
    Column("closed_date", "销号日期", required=False),
    Column("finder_name", "发现人", required=False),
    Column("responsible_phone", "责任人电话", aliases=("整改责任人电话",), required=False),
    Column("verification_note", "审核意见", aliases=("销号审核意见",), required=False),
    Column("external_source", "来源系统", required=False),
    Column("external_id", "来源系统编号", required=False),
)

GRADE_LABELS = {"一般": Hazard.Grade.GENERAL, "重大": Hazard.Grade.MAJOR}
STATUS_ALLOWED_ON_IMPORT = (Status.REPORTED, Status.CONFIRMED, Status.RECTIFYING, Status.CLOSED)
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$")
_SPACES = re.compile(r"\s+")

EXAMPLE_ROW = {
    "ledger_number": "",
    "enterprise_name": EXAMPLE_ENTERPRISE["name"],
    "credit_code": EXAMPLE_ENTERPRISE["credit_code"],
    "industry": "危险化学品",
    "grade": "重大事故隐患",
    "source": "督导检查发现",
    "criterion": "《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）》第十二项",
    "description": "甲类罐区可燃气体检测报警仪失效，未与紧急切断阀联锁",
    "place": "甲类储罐区",
    "found_date": "2024-05-06",
    "responsible_person": "张伟",
    "measures": "更换报警探头并接入DCS，与紧急切断阀联锁；整改完成前罐区停止装卸作业",
    "funds": "12.5",
    "deadline": "2024-06-30",
    "contingency_plan": "储罐泄漏现场处置方案",
    "status": "整改中",
    "closed_date": "",
    "finder_name": "李晓燕",
    "responsible_phone": "13907910001",
    "verification_note": "",
    "external_source": "",
    "external_id": "",
}


def _same_text(text: str) -> str:
    """Descriptions compared as clerks retype them: whitespace does not make a new hazard."""
    return _SPACES.sub("", text or "")


def parse_date(text: str) -> date:
    """2024-05-06, 2024/5/6, 2024.5.6, 2024年5月6日, or an Excel date cell."""
    match = _DATE.match(text.strip())
    if match:
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise ValidationError(_("日期格式应为2024-05-06。"))


@dataclass
class NewRow:
    hazard: Hazard
    closed_date: date | None = None


@dataclass
class UpdateRow:
    hazard: Hazard
    changes: dict
    loaded_version: int


@dataclass
class UnchangedRow:
    hazard: Hazard


@dataclass
class _Lookups:
    enterprises: dict = field(default_factory=dict)
    by_number: dict = field(default_factory=dict)
    by_external: dict = field(default_factory=dict)
    by_natural: dict = field(default_factory=dict)


class HazardLedgerImporter(TabularImporter):
    """The ledger from a sheet in the official layout; all rows written, or none.

    `user` is the importing official or enterprise user: every row must lie within what they
    may add or change, and the steps a row's status implies within what they may do.
    """

    columns = LEDGER_COLUMNS
    field_columns = {"enterprise": "credit_code", "closed_at": "closed_date"}
    max_rows = 20_000

    def __init__(self, user):
        super().__init__()
        self.user = user

    # --- Looking up, in bulk ---------------------------------------------------------------

    def prepare(self, rows):
        self.enterprise_user = services.is_enterprise_user(self.user)
        self.today = timezone.localdate()
        self.grades = {str(label): value for value, label in Hazard.Grade.choices} | {
            **GRADE_LABELS,
            **{value: value for value in Hazard.Grade.values},
        }
        self.sources = {str(label): value for value, label in Hazard.Source.choices} | {
            value: value for value in Hazard.Source.values
        }
        self.statuses = {str(label): value for value, label in Status.choices} | {
            value: value for value in Status.values
        }
        industries = list(Industry.objects.all())
        self.industries = {i.name: i for i in industries} | {i.code: i for i in industries}
        self.criteria = {
            _same_text(criterion.label): criterion
            for criterion in HazardCriterion.objects.filter(is_active=True)
        }
        codes = {normalise_credit_code(row["credit_code"]) for row in rows} - {""}
        self.enterprises = {
            enterprise.credit_code: enterprise
            for enterprise in Enterprise.objects.restrict(self.user, HazardAction.VIEW)
            .filter(credit_code__in=codes)
            .select_related("org_unit__county", "industry")
        }
        numbers = {row["ledger_number"] for row in rows} - {""}
        external = {(row["external_source"], row["external_id"]) for row in rows} - {("", "")}
        found_dates = set()
        for row in rows:
            try:
                found_dates.add(parse_date(row["found_date"]))
            except ValidationError:
                continue
        # The hazards rows may name, in three queries whatever the number of rows; only
        # those the user may change are candidates, others are refused by row.
        changeable = Hazard.objects.restrict(self.user, HazardAction.CHANGE)
        self.by_number = {h.ledger_number: h for h in changeable.filter(ledger_number__in=numbers)}
        self.taken_numbers = set(
            Hazard.objects.filter(ledger_number__in=numbers).values_list("ledger_number", flat=True)
        )
        by_external = Hazard.objects.none()
        for source, external_id in external:
            by_external |= Hazard.objects.filter(external_source=source, external_id=external_id)
        self.by_external = {(h.external_source, h.external_id): h for h in by_external}
        self.changeable_external = set(
            changeable.filter(pk__in=[h.pk for h in self.by_external.values()]).values_list(
                "pk", flat=True
            )
        )
        self.by_natural = {
            (h.enterprise_id, h.found_date, _same_text(h.description)): h
            for h in changeable.filter(
                is_void=False,
                enterprise__in=list(self.enterprises.values()),
                found_date__in=found_dates,
            )
        }
        self.seen_keys: dict[tuple, int] = {}

    # --- One row ---------------------------------------------------------------------------

    def clean_row(self, row, row_number):
        credit_code = normalise_credit_code(row["credit_code"])
        if (
            credit_code == EXAMPLE_ROW["credit_code"]
            and row["description"] == EXAMPLE_ROW["description"]
        ):
            self.add_error(row_number, "", _("这是导入模板中的示例行，请删除后再导入。"))
            return None
        enterprise = self._enterprise(credit_code, row_number)
        data = {
            "grade": self._choice(row, row_number, "grade", self.grades),
            "source": self._choice(row, row_number, "source", self.sources),
            "criterion": self._criterion(row, row_number),
            "description": row["description"],
            "place": row["place"],
            "found_date": self._date(row, row_number, "found_date"),
            "finder_name": row["finder_name"],
            "responsible_person": row["responsible_person"],
            "responsible_phone": row["responsible_phone"],
            "measures": row["measures"],
            "funds": self._funds(row, row_number),
            "deadline": self._date(row, row_number, "deadline"),
            "contingency_plan": row["contingency_plan"],
        }
        industry = self._industry(row, row_number)
        existing = self._existing(row, row_number, enterprise, data)
        if existing is False:
            return None
        if self.enterprise_user and data["source"] not in (None, Hazard.Source.SELF_INSPECTION):
            self.add_error(row_number, "source", _("企业用户只能导入“企业自查上报”的隐患。"))
        if enterprise is None:
            return None
        # A row with cell errors is still built and validated, to report its other problems
        # in the same pass; the base class does not save a row with any error.
        if existing is not None:
            return self._update(existing, data, row_number)
        return self._new(row, row_number, enterprise, industry, data)

    def _existing(self, row, row_number, enterprise, data):
        """The hazard the row names: a Hazard, None for a new one, False on an error."""
        number = row["ledger_number"]
        external = (row["external_source"], row["external_id"])
        if bool(external[0]) != bool(external[1]):
            self.add_error(
                row_number, "external_id", _("来源系统与来源系统编号须同时填写或同时留空。")
            )
            return False
        if number:
            key = ("number", number)
            existing = self.by_number.get(number)
            if existing is None:
                message = (
                    _("该台账编号的隐患不在您的管辖范围内，无法导入。")
                    if number in self.taken_numbers
                    else _("系统中没有该台账编号；新隐患请将台账编号留空，由系统编号。")
                )
                self.add_error(row_number, "ledger_number", message)
                return False
        elif external[0]:
            key = ("external", *external)
            existing = self.by_external.get(external)
            if existing is not None and existing.pk not in self.changeable_external:
                self.add_error(
                    row_number, "external_id", _("该来源系统编号的隐患不在您的管辖范围内。")
                )
                return False
        else:
            if enterprise is None or data["found_date"] is None:
                return None
            key = ("natural", enterprise.pk, data["found_date"], _same_text(data["description"]))
            existing = self.by_natural.get(key[1:])
        first = self.seen_keys.setdefault(key, row_number)
        if first != row_number:
            self.add_error(
                row_number,
                "",
                _("与第%(row)d行是同一条隐患（同一文件中不能出现两次）。") % {"row": first},
            )
            return False
        if (
            existing is not None
            and enterprise is not None
            and existing.enterprise_id != enterprise.pk
        ):
            self.add_error(
                row_number, "credit_code", _("与系统中该隐患的单位不一致，单位不能修改。")
            )
            return False
        return existing

    def _update(self, hazard, data, row_number):
        # Blank optional cells keep what the system has: a sheet lacking a column or a value
        # does not erase it.
        data = {name: value for name, value in data.items() if value not in (None, "")}
        changes = services._changed(hazard, data)
        if not changes:
            return UnchangedRow(hazard)
        if hazard.is_void:
            self.add_error(row_number, "", _("该隐患已作废，不能通过导入修改。"))
            return None
        if hazard.status not in services.EDITABLE_STATUSES:
            self.add_error(
                row_number,
                "",
                _("该隐患已“%(status)s”，不能通过导入修改。")
                % {"status": hazard.get_status_display()},
            )
            return None
        allowed = services._editable_fields(hazard, self.user)
        for name in sorted(set(changes) - set(allowed)):
            self.add_error(row_number, name, _("当前不能修改此项。"))
        if row_number in self._row_messages:
            return None
        loaded_version = hazard.version
        for name, value in changes.items():
            setattr(hazard, name, value)
        if hazard.grade == Hazard.Grade.GENERAL:
            hazard.criterion = None
        services._validate_plan_kept(hazard)
        services.validate_hazard(hazard)
        return UpdateRow(hazard, changes, loaded_version)

    def _new(self, row, row_number, enterprise, industry, data):
        status = self._status(row, row_number)
        hazard = Hazard(
            enterprise=enterprise,
            org_unit=enterprise.org_unit,
            industry=industry or enterprise.industry,
            status=status or Status.REPORTED,
            reported_by=self.user,
            external_source=row["external_source"],
            external_id=row["external_id"],
        )
        for name, value in data.items():
            setattr(hazard, name, "" if value is None and services._is_text(name) else value)
        hazard.finder_name = hazard.finder_name or str(self.user)
        closed_date = self._closing(row, row_number, hazard)
        if hazard.status in (Status.RECTIFYING, Status.CLOSED):
            missing = services.missing_plan_parts(hazard)
            if missing and hazard.status == Status.RECTIFYING:
                self.add_error(
                    row_number,
                    "status",
                    _("整改中的隐患须五落实完整，缺少：%(parts)s。")
                    % {"parts": "、".join(missing)},
                )
        services.validate_hazard(hazard)
        return NewRow(hazard, closed_date)

    def _closing(self, row, row_number, hazard):
        if hazard.status != Status.CLOSED:
            return None
        closed_date = self._date(row, row_number, "closed_date")
        if closed_date is None:
            self.add_error(row_number, "closed_date", _("已销号的隐患须填写销号日期。"))
        elif closed_date > self.today or (hazard.found_date and closed_date < hazard.found_date):
            self.add_error(row_number, "closed_date", _("销号日期应在发现日期与今天之间。"))
        if not row["verification_note"]:
            self.add_error(row_number, "verification_note", _("已销号的隐患须填写审核意见。"))
        hazard.verification_note = row["verification_note"]
        return closed_date

    # --- Cells -----------------------------------------------------------------------------

    def _enterprise(self, credit_code, row_number):
        if not credit_code:
            return None
        enterprise = self.enterprises.get(credit_code)
        if enterprise is None:
            self.add_error(
                row_number,
                "credit_code",
                _("未找到该统一社会信用代码的单位，或该单位不在您的管辖范围内；请先登记单位。"),
            )
        elif not enterprise.is_active:
            self.add_error(row_number, "credit_code", _("该单位已注销。"))
        return enterprise

    def _choice(self, row, row_number, key, choices):
        text = row[key]
        if not text:
            return None
        value = choices.get(text)
        if value is None:
            labels = "、".join(sorted({f"“{label}”" for label in choices if not label.isascii()}))
            self.add_error(row_number, key, _("应为%(labels)s之一。") % {"labels": labels})
        return value

    def _status(self, row, row_number):
        value = self._choice(row, row_number, "status", self.statuses)
        if value == Status.CLOSE_OUT_REQUESTED:
            self.add_error(
                row_number,
                "status",
                _("“申请销号”须上传整改后照片或佐证材料：请导入为“整改中”，再在系统中申请销号。"),
            )
        return value if value in STATUS_ALLOWED_ON_IMPORT else None

    def _criterion(self, row, row_number):
        text = row["criterion"]
        if not text:
            return None
        criterion = self.criteria.get(_same_text(text))
        if criterion is None:
            self.add_error(
                row_number,
                "criterion",
                _("未找到该判定依据，应写作“《标准名称》条款”，如导出的台账所示。"),
            )
        return criterion

    def _industry(self, row, row_number):
        text = row["industry"]
        if not text:
            return None
        industry = self.industries.get(text)
        if industry is None:
            self.add_error(row_number, "industry", _("未知的行业领域“%(name)s”。") % {"name": text})
        return industry

    def _date(self, row, row_number, key):
        if not row[key]:
            return None
        try:
            return parse_date(row[key])
        except ValidationError as exc:
            self.add_validation_error(row_number, ValidationError({key: exc}))
            return None

    def _funds(self, row, row_number):
        text = row["funds"].replace(",", "").replace("，", "")
        if not text:
            return None
        try:
            funds = Decimal(text)
        except InvalidOperation:
            funds = None
        if funds is None or not funds.is_finite():
            self.add_error(row_number, "funds", _("应为数字（万元），如12.5。"))
            return None
        return funds.quantize(Decimal("0.01"))

    # --- Writing ---------------------------------------------------------------------------

    def save(self, items):
        new = [(number, item) for number, item in items if isinstance(item, NewRow)]
        updates = [(number, item) for number, item in items if isinstance(item, UpdateRow)]
        self._create(new)
        self._update_all(updates)
        if not self.has_errors:
            self._check_scope(new, updates)
        return self._outcomes(items)

    def _outcomes(self, items):
        result = ImportResult()
        for _number, item in items:
            if isinstance(item, NewRow):
                result.created += 1
            elif isinstance(item, UpdateRow):
                result.updated += 1
            else:
                result.unchanged += 1
        return result

    def _create(self, rows):
        if not rows:
            return
        groups = defaultdict(list)
        for _number, item in rows:
            hazard = item.hazard
            groups[(services._county_code(hazard.org_unit), hazard.found_date.year)].append(item)
        for (_code, year), group in groups.items():
            numbers = services.allocate_ledger_numbers(group[0].hazard.org_unit, year, len(group))
            for item, number in zip(group, numbers, strict=True):
                item.hazard.ledger_number = number
        now = timezone.now()
        hazards = []
        for _number, item in rows:
            hazard = item.hazard
            # bulk_create does not call save(): what save() derives is set here.
            hazard.copy_location()
            hazard.is_stock = hazard.found_date <= STOCK_CUTOFF
            hazard.is_overdue = services.is_overdue_on(hazard, self.today)
            if item.closed_date is not None:
                hazard.closed_at = start_of_day(item.closed_date)
            hazard.created_at = hazard.updated_at = now
            hazards.append(hazard)
        bulk_create_with_history(hazards, Hazard, batch_size=1000, default_user=self.user)
        note = _("导入台账")
        HazardTransition.objects.bulk_create(
            [
                HazardTransition(
                    hazard=hazard,
                    from_status="",
                    to_status=hazard.status,
                    action=TransitionAction.IMPORT,
                    note=note,
                    actor=self.user,
                    at=now,
                )
                for hazard in hazards
            ],
            batch_size=2000,
        )
        self._notify(hazards)

    def _notify(self, hazards):
        """A major hazard's principal is told as when it is reported one by one; the
        enterprise's users get one message per enterprise, not one per row."""
        major = [h for h in hazards if h.grade == Hazard.Grade.MAJOR and h.status != Status.CLOSED]
        notices = []
        for hazard in major:
            title, body = services.notice_text(hazard)
            for name, phone in services.notice_people(hazard.enterprise):
                notices.append(
                    (
                        hazard,
                        Notification(
                            recipient_name=name,
                            recipient_phone=phone,
                            channel=Notification.Channel.SMS,
                            title=title,
                            body=body,
                            sender=self.user,
                        ),
                    )
                )
        created = Notification.objects.bulk_create([n for _h, n in notices], batch_size=2000)
        HazardNotice.objects.bulk_create(
            [
                HazardNotice(hazard=hazard, notification=notification)
                for (hazard, _n), notification in zip(notices, created, strict=True)
            ],
            batch_size=2000,
        )
        per_enterprise = defaultdict(int)
        for hazard in major:
            per_enterprise[hazard.enterprise_id] += 1
        for enterprise_id, count in per_enterprise.items():
            notify(
                services.enterprise_users(enterprise_id),
                _("导入了%(n)d条重大事故隐患，请落实整改") % {"n": count},
                sender=self.user,
            )

    def _update_all(self, rows):
        if not rows:
            return
        # Lock the rows; a version moved since they were read means someone edited them.
        current = dict(
            Hazard.objects.select_for_update()
            .filter(pk__in=[item.hazard.pk for _n, item in rows])
            .values_list("pk", "version")
        )
        fields = {"version", "updated_at", "is_overdue", "criterion"}
        now = timezone.now()
        for row_number, item in rows:
            if current.get(item.hazard.pk) != item.loaded_version:
                self.add_error(row_number, "", _("该隐患在导入期间已被他人修改，请重新导入。"))
                continue
            hazard = item.hazard
            hazard.version = item.loaded_version + 1
            hazard.updated_at = now
            hazard.is_overdue = services.is_overdue_on(hazard, self.today)
            fields.update(item.changes)
        if self.has_errors:
            return
        bulk_update_with_history(
            [item.hazard for _n, item in rows],
            Hazard,
            fields=sorted(fields),
            batch_size=1000,
            default_user=self.user,
        )

    def _check_scope(self, new_rows, update_rows):
        """Re-check, set-wise, that what was written is what the user may add, change, and
        the steps the new rows' statuses imply."""
        created = [item.hazard for _number, item in new_rows]
        updated = [item.hazard for _number, item in update_rows]
        checks = [
            (HazardAction.ADD, [h.pk for h in created], _("您无权为该单位录入隐患。")),
            (HazardAction.CHANGE, [h.pk for h in updated], _("您无权修改该隐患。")),
            (
                HazardAction.CONFIRM,
                [h.pk for h in created if h.status in (Status.CONFIRMED, Status.RECTIFYING)],
                _("您无权确认隐患，不能导入为“已确认”或“整改中”。"),
            ),
            (
                HazardAction.VERIFY,
                [h.pk for h in created if h.status == Status.CLOSED],
                _("只有隐患所在地的上级单位或行业主管部门才能导入“已销号”的隐患。"),
            ),
        ]
        rows_by_pk = {item.hazard.pk: number for number, item in [*new_rows, *update_rows]}
        for action, ids, message in checks:
            if not ids:
                continue
            allowed = set(
                Hazard.objects.restrict(self.user, action)
                .filter(pk__in=ids)
                .values_list("pk", flat=True)
            )
            for pk in set(ids) - allowed:
                self.add_error(rows_by_pk.get(pk), "", message)

    # --- The template ----------------------------------------------------------------------

    @classmethod
    def template_workbook(cls) -> bytes:
        """The import template: the header, one example row, and a sheet of instructions."""
        builder = XlsxBuilder()
        builder.add_sheet(
            _("隐患台账"),
            [
                ExportColumn(column.title, operator.itemgetter(column.key), _WIDTHS.get(column.key))
                for column in cls.columns
            ],
            [EXAMPLE_ROW],
        )
        builder.add_sheet(
            _("填写说明"),
            [
                ExportColumn(_("列名"), operator.itemgetter(0)),
                ExportColumn(_("是否必填"), operator.itemgetter(1)),
                ExportColumn(_("说明"), operator.itemgetter(2), width=90),
            ],
            _instructions(cls.columns),
        )
        return builder.to_bytes()


def _instructions(columns):
    notes = {
        "ledger_number": _("新隐患留空，由系统编号；填写已有编号则更新该隐患。"),
        "credit_code": _("隐患所在单位的18位代码，该单位须已登记。"),
        "industry": _("留空则取单位的行业领域。"),
        "grade": _("“一般事故隐患”或“重大事故隐患”。"),
        "source": _("可选：%(names)s。")
        % {"names": "、".join(str(label) for label in Hazard.Source.labels)},
        "criterion": _("重大事故隐患的判定依据，写作“《标准名称》条款”，如导出的台账所示。"),
        "found_date": _("如2024-05-06；2023年12月31日及以前发现的为存量隐患。"),
        "deadline": _("如2024-06-30。"),
        "funds": _("单位：万元。"),
        "status": _(
            "仅用于新隐患：已上报、已确认、整改中（五落实须完整）或已销号（须填销号日期和审核意见）；"
            "已有隐患的状态以系统为准。"
        ),
        "external_source": _("其他系统推送的隐患：来源系统与来源系统编号须同时填写。"),
    }
    return [
        (column.title, _("必填") if column.required else _("选填"), notes.get(column.key, ""))
        for column in columns
    ]


_WIDTHS = {"enterprise_name": 30, "credit_code": 22, "description": 48, "measures": 40}


# --- Export --------------------------------------------------------------------------------

_EXPORT_VALUES = (
    "ledger_number",
    "enterprise__name",
    "enterprise__credit_code",
    "org_unit__name",
    "industry__name",
    "grade",
    "source",
    "criterion__standard",
    "criterion__clause",
    "description",
    "place",
    "found_date",
    "responsible_person",
    "measures",
    "funds",
    "deadline",
    "contingency_plan",
    "listed_supervision",
    "listed_level",
    "listed_unit__name",
    "listed_date",
    "status",
    "closed_at",
    "finder_name",
    "responsible_phone",
    "verification_note",
    "is_overdue",
    "is_stock",
    "is_void",
    "external_source",
    "external_id",
)


def _export_columns():
    # Labels rendered once, not once per row (they are lazy translations).
    grades = {value: str(label) for value, label in Hazard.Grade.choices}
    sources = {value: str(label) for value, label in Hazard.Source.choices}
    statuses = {value: str(label) for value, label in Status.choices}
    levels = {value: str(label) for value, label in Hazard.ListedLevel.choices}
    stock, increment, void = _("存量"), _("增量"), _("（已作废）")

    def criterion(row):
        if not row["criterion__standard"]:
            return None
        return f"《{row['criterion__standard']}》{row['criterion__clause']}"

    def status(row):
        return statuses[row["status"]] + (void if row["is_void"] else "")

    def closed_date(row):
        closed = row["closed_at"]
        return timezone.localtime(closed).date() if closed else None

    item = operator.itemgetter
    return [
        ExportColumn("序号", item("index"), 6),
        ExportColumn("台账编号", item("ledger_number"), 20),
        ExportColumn("单位名称", item("enterprise__name"), 30),
        ExportColumn("统一社会信用代码", item("enterprise__credit_code"), 22),
        ExportColumn("属地", item("org_unit__name"), 14),
        ExportColumn("行业领域", item("industry__name"), 14),
        ExportColumn("隐患等级", lambda row: grades[row["grade"]], 14),
        ExportColumn("发现渠道", lambda row: sources[row["source"]], 14),
        ExportColumn("判定依据", criterion, 40),
        ExportColumn("隐患描述", item("description"), 48),
        ExportColumn("隐患部位", item("place"), 16),
        ExportColumn("发现日期", item("found_date"), 12),
        ExportColumn("整改责任人", item("responsible_person")),
        ExportColumn("整改措施", item("measures"), 40),
        ExportColumn("整改资金(万元)", item("funds")),
        ExportColumn("整改时限", item("deadline"), 12),
        ExportColumn("应急预案", item("contingency_plan"), 30),
        ExportColumn("挂牌督办", lambda row: "是" if row["listed_supervision"] else "否"),
        ExportColumn("督办级别", lambda row: levels.get(row["listed_level"], "")),
        ExportColumn("状态", status),
        ExportColumn("销号日期", closed_date, 12),
        ExportColumn("发现人", item("finder_name")),
        ExportColumn("责任人电话", item("responsible_phone"), 14),
        ExportColumn("督办单位", item("listed_unit__name"), 16),
        ExportColumn("挂牌日期", item("listed_date"), 12),
        ExportColumn("审核意见", item("verification_note"), 30),
        ExportColumn("逾期", lambda row: "是" if row["is_overdue"] else "否"),
        ExportColumn("存量/增量", lambda row: stock if row["is_stock"] else increment),
        ExportColumn("来源系统", item("external_source")),
        ExportColumn("来源系统编号", item("external_id")),
    ]


def _numbered(rows):
    for index, row in enumerate(rows, 1):
        row["index"] = index
        yield row


def export_hazards(queryset) -> bytes:
    """The hazards of `queryset` (restricted by the caller) in the official ledger layout.

    Rows are read as dictionaries, 2,000 at a time from a server-side cursor, and written to
    a write-only workbook as they come: a 100,000-row ledger never sits in memory whole.
    """
    rows = queryset.order_by("org_path", "found_date", "pk").values(*_EXPORT_VALUES)
    return export_xlsx(
        _numbered(rows.iterator(chunk_size=2000)), _export_columns(), sheet_title=_("隐患台账")
    )
