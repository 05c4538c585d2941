"""A training session's attendee roster from .xlsx/.csv (core.importing), and the coverage
report out to .xlsx (core.exporting).

Each row is one attendee, matched to a registered person by ID number (exact, through its
keyed hash), else by name within the row's enterprise (or the session's organiser). People
not yet registered are registered from the row. The roster replaces the session's previous
one, so a corrected file is simply imported again; on any row error nothing is written.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core.exporting import ExportColumn, XlsxBuilder
from core.importing import Column, ImportResult, TabularImporter
from orgs.constants import Action
from orgs.models import Enterprise
from training import idnumbers
from training.constants import PERSON_CATEGORIES
from training.models import Attendance, Person, TrainingSession
from training.services import session_audience_category

# Titles are the file format, not UI text: they stay Chinese whatever the UI language.
ROSTER_COLUMNS = (
    Column("name", "姓名"),
    Column("id_number", "身份证号码", aliases=("身份证号", "公民身份号码"), required=False),
    Column("enterprise", "单位名称", aliases=("工作单位", "企业名称"), required=False),
    Column("category", "人员类别", required=False),
    Column("position", "职务", aliases=("职务/岗位", "岗位"), required=False),
    Column("hours", "学时", required=False),
    Column("result", "考核结果", aliases=("考核情况",), required=False),
)
CATEGORY_BY_LABEL = {str(label): value for value, label in PERSON_CATEGORIES}
RESULTS = {"合格": True, "通过": True, "不合格": False, "未通过": False}


class RosterImporter(TabularImporter):
    columns = ROSTER_COLUMNS
    field_columns = {"id_number": "id_number", "category": "category"}

    def __init__(self, session, *, user):
        super().__init__()
        self.session = session
        self.user = user
        self.seen: dict[object, int] = {}

    def prepare(self, rows):
        """Everything rows are matched against, in four queries."""
        visible = Person.objects.restrict(self.user, Action.VIEW)
        hashes = {}
        for row in rows:
            try:
                number = idnumbers.validate_id_number(row["id_number"])
            except (KeyError, ValidationError):
                continue
            hashes[idnumbers.lookup_hash(number)] = number
        # Numbers registered anywhere, to refuse registering one twice; only visible people
        # are matched.
        self.registered = set(
            Person.objects.filter(id_number_hash__in=hashes).values_list(
                "id_number_hash", flat=True
            )
        )
        self.by_hash = {p.id_number_hash: p for p in visible.filter(id_number_hash__in=hashes)}
        names = {row.get("enterprise", "").strip() for row in rows} - {""}
        self.enterprises: dict[str, list[Enterprise]] = {}
        for enterprise in (
            Enterprise.objects.restrict(self.user, Action.VIEW)
            .filter(name__in=names)
            .select_related("industry")
        ):
            self.enterprises.setdefault(enterprise.name, []).append(enterprise)
        self.by_name: dict[tuple, list[Person]] = {}
        for person in visible.filter(name__in={row["name"].strip() for row in rows}):
            key = (person.name, person.enterprise_id, person.org_unit_id)
            self.by_name.setdefault(key, []).append(person)

    def _enterprise(self, row):
        name = row.get("enterprise", "").strip()
        if not name:
            return self.session.enterprise
        found = self.enterprises.get(name, [])
        if not found:
            raise ValidationError({"enterprise": _("找不到该单位，或不在您的管辖范围内。")})
        if len(found) > 1:
            raise ValidationError({"enterprise": _("有多个同名单位，请联系管理员。")})
        return found[0]

    def _hours(self, row) -> Decimal:
        text = row.get("hours", "").strip()
        if not text:
            return self.session.hours
        try:
            hours = Decimal(text)
        except InvalidOperation:
            raise ValidationError({"hours": _("学时应为数字。")}) from None
        if not 0 < hours <= self.session.hours:
            raise ValidationError(
                {"hours": _("学时应大于0且不超过本期培训的%(h)s学时。") % {"h": self.session.hours}}
            )
        return hours

    def _passed(self, row) -> bool:
        text = row.get("result", "").strip()
        if not text:
            return True
        if text not in RESULTS:
            raise ValidationError({"result": _("考核结果应填“合格”或“不合格”。")})
        return RESULTS[text]

    def clean_row(self, row, row_number):
        name = row["name"].strip()
        hours, passed = self._hours(row), self._passed(row)
        enterprise = self._enterprise(row)
        number = ""
        if row.get("id_number", "").strip():
            try:
                number = idnumbers.validate_id_number(row["id_number"])
            except ValidationError as exc:
                raise ValidationError({"id_number": exc.messages}) from None
        person = self._match(name, number, enterprise)
        key = (
            person.pk if person is not None else (number or (name, getattr(enterprise, "pk", None)))
        )
        first = self.seen.setdefault(key, row_number)
        if first != row_number:
            raise ValidationError(_("与第%(row)d行是同一人。") % {"row": first})
        if person is None:
            person = self._new_person(row, name, number, enterprise)
        return person, hours, passed

    def _match(self, name, number, enterprise) -> Person | None:
        if number:
            digest = idnumbers.lookup_hash(number)
            person = self.by_hash.get(digest)
            if person is None and digest in self.registered:
                raise ValidationError(
                    {"id_number": _("该身份证号码已由其他单位登记，请联系上级核对。")}
                )
            if person is not None and person.name != name:
                raise ValidationError({"name": _("姓名与该身份证号码登记的姓名不一致。")})
            if person is not None:
                return person
        unit_id = enterprise.org_unit_id if enterprise else self.session.org_unit_id
        candidates = self.by_name.get((name, getattr(enterprise, "pk", None), unit_id), [])
        if number:
            # A namesake registered with another number is someone else.
            candidates = [p for p in candidates if not p.id_number_hash]
        if len(candidates) > 1:
            raise ValidationError(
                {"id_number": _("本单位有多名同名人员，请填写身份证号码以区分。")}
            )
        return candidates[0] if candidates else None

    def _new_person(self, row, name, number, enterprise) -> Person:
        label = row.get("category", "").strip()
        category = (
            CATEGORY_BY_LABEL.get(label) if label else session_audience_category(self.session)
        )
        if category is None:
            raise ValidationError({"category": _("请填写人员类别（如：从业人员）。")})
        person = Person(
            name=name,
            category=category,
            enterprise=enterprise,
            org_unit=self.session.org_unit,
            position=row.get("position", "").strip()[:100],
        )
        if number:
            person.id_number_hash = idnumbers.lookup_hash(number)
            person.id_number_last4 = number[-4:]
            person.id_number_encrypted = idnumbers.encrypt(number)
        person.copy_location()
        return person

    def save(self, items) -> ImportResult:
        new_people = [person for _row, (person, _h, _p) in items if person.pk is None]
        created = bulk_create_with_history(
            new_people, Person, batch_size=1000, default_user=self.user
        )
        for person, saved in zip(new_people, created, strict=True):
            person.pk = saved.pk
        allowed = Person.objects.restrict(self.user, Action.ADD).filter(
            pk__in=[p.pk for p in new_people]
        )
        if allowed.count() != len(new_people):
            self.add_error(None, "", _("您无权在名单中的部分单位登记人员。"))
            return ImportResult()
        # Locked, and re-checked in scope, for the rest of the transaction: two clerks
        # importing the same session's roster do so one after the other.
        session = (
            TrainingSession.objects.restrict(self.user, Action.CHANGE)
            .select_for_update(of=("self",))
            .filter(pk=self.session.pk)
            .first()
        )
        if session is None:
            self.add_error(None, "", _("您无权修改该培训班。"))
            return ImportResult()
        session.attendances.all().delete()
        Attendance.objects.bulk_create(
            [
                Attendance(
                    session=session,
                    person=person,
                    hours=hours,
                    passed=passed,
                    completed_on=session.end_date,
                )
                for _row, (person, hours, passed) in items
            ],
            batch_size=1000,
        )
        session.attendance_count = len(items)
        session.has_roster = True
        session.version += 1
        session._history_user = self.user
        session.save()
        return ImportResult(created=len(items))


# --- Coverage export ------------------------------------------------------------------------

NOT_COVERED_COLUMNS = (
    ExportColumn("姓名", "name"),
    # The mask only: an export leaves the system, the ID number never does.
    ExportColumn("身份证号码", "masked_id_number", width=22),
    ExportColumn("人员类别", lambda p: p.get_category_display()),
    ExportColumn("职务/岗位", "position"),
    ExportColumn("所在企业", "enterprise.name", width=30),
    ExportColumn("所属单位/属地", "org_unit.name", width=20),
)
SUMMARY_COLUMNS = (
    ExportColumn("统计口径", lambda row: row[0], width=30),
    ExportColumn("数值", lambda row: row[1], width=16),
)


def export_coverage(coverage, *, window_start, window_end) -> bytes:
    """The coverage report: its figures, then everyone not yet covered."""
    builder = XlsxBuilder()
    builder.add_sheet(
        "覆盖情况",
        SUMMARY_COLUMNS,
        [
            ("统计期间", f"{window_start.isoformat()}至{window_end.isoformat()}"),
            ("应培训人数", coverage.total),
            ("已培训人数", coverage.covered),
            ("覆盖率(%)", coverage.share),
        ],
    )
    builder.add_sheet(
        "未覆盖人员",
        NOT_COVERED_COLUMNS,
        coverage.not_covered.select_related("enterprise", "org_unit").iterator(chunk_size=2000),
    )
    return builder.to_bytes()
