"""Bulk loading of the governance hierarchy: divisions, townships and the enterprise register.

- `load_divisions`: provinces, cities and counties with their real GB/T 2260 codes and
  coordinates, from the table the `cpca` package ships.
- `OrgUnitImporter`: townships (乡镇、街道) from a spreadsheet, under existing counties.
- `EnterpriseImporter`: the register of 生产经营单位 from a spreadsheet, upserted by
  统一社会信用代码, within the importing user's jurisdiction; `export_enterprises` writes the
  same columns, so an export re-imports unchanged.
"""

from __future__ import annotations

import csv
import importlib.resources
import operator
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.exporting import ExportColumn, XlsxBuilder, export_xlsx
from core.importing import Column, Outcome, TabularImporter, parse_yes_no
from orgs import services
from orgs.constants import Action, EnterpriseKind, Kind, Level
from orgs.models import Enterprise, Industry, OrgUnit
from orgs.validators import (
    credit_code_check_char,
    normalise_credit_code,
    validate_division_code,
)

# China's extent, generously: a point outside is a typo or longitude and latitude swapped.
LONGITUDE_RANGE = (Decimal(73), Decimal(136))
LATITUDE_RANGE = (Decimal(3), Decimal(54))
# The OrgUnit fields that the tree manages; model validation of an import row skips them.
TREE_FIELDS = ["path", "depth", "numchild", "jurisdiction"]


def parse_coordinate(value: str, bounds: tuple[Decimal, Decimal]) -> Decimal:
    """A longitude or latitude in decimal degrees, rounded to the stored 6 places."""
    low, high = bounds
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or not low <= number <= high:
        raise ValidationError(
            _("应为%(low)s至%(high)s之间的数字（十进制度），请检查是否与另一坐标填反。"),
            params={"low": low, "high": high},
        )
    return number.quantize(services.COORDINATE_STEP)


# --- Provinces, cities and counties from cpca ----------------------------------------------

# Rows of the national table that are groupings, not places: 市辖区 (the districts of a city
# or 直辖市), 县 (重庆's counties), 省直辖县级行政区划. Their children hang under the province.
PLACEHOLDER_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: Level
    longitude: Decimal | None
    latitude: Decimal | None

    @property
    def parent_codes(self) -> tuple[str, ...]:
        """Candidate parents, nearest first: a county's city may be a placeholder."""
        province = self.code[:2] + "0000"
        if self.level == Level.COUNTY:
            return (self.code[:4] + "00", province)
        return (province,) if self.level == Level.CITY else ()


@dataclass
class DivisionSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    by_level: dict[str, int] = field(default_factory=dict)


def cpca_divisions(province_prefixes: Iterable[str]) -> list[Division]:
    """The provinces, cities and counties of the given provinces ("36", "34"), by code."""
    prefixes = set(province_prefixes)
    table = importlib.resources.files("cpca").joinpath("resources", "adcodes.csv")
    divisions = []
    with table.open(encoding="utf-8") as stream:
        for record in csv.DictReader(stream):
            # cpca pads GB/T 2260 codes to the 12-digit statistical form.
            code = record["adcode"][:6]
            if code[:2] not in prefixes or record["name"] in PLACEHOLDER_NAMES:
                continue
            if code.endswith("0000"):
                level = Level.PROVINCE
            elif code.endswith("00"):
                level = Level.CITY
            else:
                level = Level.COUNTY
            divisions.append(
                Division(
                    code=code,
                    name=record["name"],
                    level=level,
                    longitude=_decimal_or_none(record["longitude"]),
                    latitude=_decimal_or_none(record["latitude"]),
                )
            )
    order = {Level.PROVINCE: 0, Level.CITY: 1, Level.COUNTY: 2}
    return sorted(divisions, key=lambda d: (order[d.level], d.code))


def _decimal_or_none(value: str) -> Decimal | None:
    return Decimal(value).quantize(services.COORDINATE_STEP) if value else None


@transaction.atomic
def load_divisions(
    province_prefixes: Iterable[str], *, names: dict[str, str] | None = None
) -> DivisionSummary:
    """Create or update the provinces, cities and counties of the given provinces.

    Idempotent: nodes are matched by division code and only changed attributes are written,
    so a second run writes nothing (no history rows either). `names` overrides the table's
    name for a code, for places renamed since it was compiled (360105 湾里区 → 湾里管理局).
    """
    prefixes = {prefix[:2] for prefix in province_prefixes}
    names = names or {}
    divisions = cpca_divisions(prefixes)
    missing = prefixes - {d.code[:2] for d in divisions if d.level == Level.PROVINCE}
    if missing:
        raise ValidationError(
            _("未找到省级行政区划代码：%(codes)s。"), params={"codes": "、".join(sorted(missing))}
        )
    nodes = {
        unit.division_code: unit
        for unit in OrgUnit.objects.filter(
            kind=Kind.REGION, division_code__in=[d.code for d in divisions]
        )
    }
    summary = DivisionSummary()
    for division in divisions:
        wanted = {
            "name": names.get(division.code, division.name),
            "longitude": division.longitude,
            "latitude": division.latitude,
        }
        unit = nodes.get(division.code)
        if unit is None:
            parent = next((nodes[c] for c in division.parent_codes if c in nodes), None)
            nodes[division.code] = services.create_org_unit(
                parent=parent,
                kind=Kind.REGION,
                level=division.level,
                division_code=division.code,
                **wanted,
            )
            summary.created += 1
            summary.by_level[division.level] = summary.by_level.get(division.level, 0) + 1
            continue
        changed = [name for name, value in wanted.items() if getattr(unit, name) != value]
        if changed:
            for name in changed:
                setattr(unit, name, wanted[name])
            unit.save(update_fields=changed)
            summary.updated += 1
        else:
            summary.unchanged += 1
    return summary


# --- Townships from a spreadsheet ----------------------------------------------------------


@dataclass
class TownshipRow:
    unit: OrgUnit
    parent: OrgUnit
    is_new: bool
    changed: list[str]


class OrgUnitImporter(TabularImporter):
    """乡镇(街道) from a sheet, one row each, under counties that already exist.

    A township already present (same code, same county) is updated: name, and the short
    name and coordinates when given — a blank optional cell keeps the stored value, so a
    re-import of the same file changes nothing. Moving a township is not an import's job.
    """

    columns = (
        Column("parent_code", "上级区划代码", aliases=("县级区划代码", "所属县区代码")),
        Column("division_code", "区划代码", aliases=("乡镇区划代码", "行政区划代码")),
        Column("name", "名称", aliases=("乡镇名称", "乡镇(街道)名称")),
        Column("short_name", "简称", required=False),
        Column("longitude", "经度", required=False),
        Column("latitude", "纬度", required=False),
    )
    key_column = "division_code"

    def __init__(self, user=None):
        super().__init__()
        self.user = user

    def prepare(self, rows):
        codes = {row[key] for row in rows for key in ("parent_code", "division_code")} - {""}
        self.regions = {
            unit.division_code: unit
            for unit in OrgUnit.objects.filter(kind=Kind.REGION, division_code__in=codes)
        }
        if self.user is not None:
            ids = [unit.pk for unit in self.regions.values()]
            # Only administrators change the tree (OrgUnit.scope_role_actions).
            self.may_add = set(
                OrgUnit.objects.restrict(self.user, Action.ADD)
                .filter(pk__in=ids)
                .values_list("pk", flat=True)
            )
            self.may_change = set(
                OrgUnit.objects.restrict(self.user, Action.CHANGE)
                .filter(pk__in=ids)
                .values_list("pk", flat=True)
            )

    def clean_row(self, row, row_number):
        parent = self._parent(row, row_number)
        code = row["division_code"]
        if code:
            try:
                validate_division_code(
                    code, Level.TOWNSHIP, parent.division_code if parent else None
                )
            except ValidationError as exc:
                self.add_validation_error(row_number, ValidationError({"division_code": exc}))
        fields = {"name": row["name"]}
        if row["short_name"]:
            fields["short_name"] = row["short_name"]
        for key, bounds in (("longitude", LONGITUDE_RANGE), ("latitude", LATITUDE_RANGE)):
            if row[key]:
                try:
                    fields[key] = parse_coordinate(row[key], bounds)
                except ValidationError as exc:
                    self.add_validation_error(row_number, ValidationError({key: exc}))
        if parent is None:
            return None
        existing = self.regions.get(code)
        if existing is None:
            unit = OrgUnit(kind=Kind.REGION, level=Level.TOWNSHIP, division_code=code, **fields)
            unit._pending_parent = parent
            unit.full_clean(exclude=TREE_FIELDS)
            return TownshipRow(unit=unit, parent=parent, is_new=True, changed=[])
        if existing.level != Level.TOWNSHIP or existing.parent_id != parent.pk:
            self.add_error(
                row_number,
                "division_code",
                _("该区划代码已被其他区域使用（导入不会移动已有区域）。"),
            )
            return None
        if self.user is not None and existing.pk not in self.may_change:
            self.add_error(row_number, "division_code", _("该乡镇(街道)不在您的管辖范围内。"))
            return None
        changed = [name for name, value in fields.items() if getattr(existing, name) != value]
        for name in changed:
            setattr(existing, name, fields[name])
        existing.parent = parent
        existing.full_clean(exclude=TREE_FIELDS)
        return TownshipRow(unit=existing, parent=parent, is_new=False, changed=changed)

    def _parent(self, row, row_number) -> OrgUnit | None:
        code = row["parent_code"]
        if not code:
            return None
        parent = self.regions.get(code)
        if parent is None:
            self.add_error(
                row_number,
                "parent_code",
                _("未找到区划代码为“%(code)s”的县(市、区)，请先导入区县。") % {"code": code},
            )
            return None
        if self.user is not None and parent.pk not in self.may_add:
            self.add_error(row_number, "parent_code", _("不在您的管辖范围内。"))
            return None
        if parent.level != Level.COUNTY:
            self.add_error(
                row_number,
                "parent_code",
                _("“%(code)s”是%(level)s，上级应为县(市、区)。")
                % {"code": code, "level": Level(parent.level).label},
            )
            return None
        return parent

    def save_row(self, item: TownshipRow, row_number):
        unit = item.unit
        if item.is_new:
            services.create_org_unit(
                parent=item.parent,
                kind=unit.kind,
                level=unit.level,
                division_code=unit.division_code,
                name=unit.name,
                short_name=unit.short_name,
                longitude=unit.longitude,
                latitude=unit.latitude,
            )
            return Outcome.CREATED
        if not item.changed:
            return Outcome.UNCHANGED
        unit._history_user = self.user
        unit.save(update_fields=item.changed)
        return Outcome.UPDATED


# --- The enterprise register ---------------------------------------------------------------

# Titles are the file format, not UI text: they stay Chinese whatever the UI language.
ENTERPRISE_COLUMNS = (
    Column("name", "单位名称", aliases=("企业名称", "单位全称")),
    Column("credit_code", "统一社会信用代码", aliases=("社会信用代码", "信用代码")),
    Column("kind", "单位类别", aliases=("单位类型",)),
    Column("industry", "行业领域", aliases=("所属行业", "行业")),
    Column("org_unit", "属地区划代码", aliases=("属地代码", "乡镇区划代码", "区划代码")),
    Column("address", "地址", aliases=("详细地址", "经营地址"), required=False),
    Column("principal_name", "主要负责人"),
    Column("principal_phone", "主要负责人电话", aliases=("主要负责人联系电话",)),
    Column("controller_name", "实际控制人", required=False),
    Column("controller_phone", "实际控制人电话", aliases=("实际控制人联系电话",), required=False),
    Column("high_risk", "是否高危", aliases=("高危",), required=False),
)

# The template's example row; an upload still containing it is refused, not imported.
_EXAMPLE_CODE_BODY = "91360105MA35X0001"
EXAMPLE_ENTERPRISE = {
    "name": "江西招贤化工有限公司",
    "credit_code": _EXAMPLE_CODE_BODY + credit_code_check_char(_EXAMPLE_CODE_BODY),
    "kind": EnterpriseKind.ENTERPRISE.label,
    "industry": "危险化学品",
    "org_unit": "360105101",
    "address": "江西省南昌市湾里管理局招贤镇招贤大道88号",
    "principal_name": "张伟",
    "principal_phone": "13907910001",
    "controller_name": "张伟",
    "controller_phone": "13907910001",
    "high_risk": "是",
}
# The fields an import writes; comparing them tells an update from an unchanged row.
_COMPARED_ATTNAMES = [
    Enterprise._meta.get_field(name).attname for name in services.ENTERPRISE_FIELDS
]


@dataclass
class EnterpriseRow:
    enterprise: Enterprise
    is_new: bool
    changed: bool
    loaded_version: int | None


class EnterpriseImporter(TabularImporter):
    """The enterprise register from a sheet, upserted by 统一社会信用代码.

    With a `user` (uploads through the web UI) every row must lie in their jurisdiction: the
    属地 among the org units they may view, an existing enterprise among those they may
    change, and the saved row within what they may add or change (属地 and industry, for a
    sectoral department). Without a user (management commands) there is no such limit.
    A blank 是否高危 takes the industry's default.
    """

    columns = ENTERPRISE_COLUMNS
    key_column = "credit_code"

    def __init__(self, user=None):
        super().__init__()
        self.user = user

    def normalise_key(self, value):
        return normalise_credit_code(value)

    def prepare(self, rows):
        # Labels as the template shows them (translated now, not at import time), or codes.
        self.kinds = {str(kind.label): kind.value for kind in EnterpriseKind} | {
            kind.value: kind.value for kind in EnterpriseKind
        }
        industries = list(Industry.objects.all())
        self.industry_names = "、".join(industry.name for industry in industries)
        self.industries = {industry.name: industry for industry in industries} | {
            industry.code: industry for industry in industries
        }
        unit_codes = {row["org_unit"] for row in rows} - {""}
        self.org_units = {
            unit.division_code: unit
            for unit in OrgUnit.objects.filter(kind=Kind.REGION, division_code__in=unit_codes)
        }
        credit_codes = {normalise_credit_code(row["credit_code"]) for row in rows} - {""}
        self.existing = {
            enterprise.credit_code: enterprise
            for enterprise in Enterprise.objects.filter(credit_code__in=credit_codes)
        }
        if self.user is not None:
            self.visible_units = set(
                OrgUnit.objects.restrict(self.user, Action.VIEW)
                .filter(pk__in=[unit.pk for unit in self.org_units.values()])
                .values_list("pk", flat=True)
            )
            self.changeable = set(
                Enterprise.objects.restrict(self.user, Action.CHANGE)
                .filter(pk__in=[enterprise.pk for enterprise in self.existing.values()])
                .values_list("pk", flat=True)
            )

    def clean_row(self, row, row_number):
        credit_code = normalise_credit_code(row["credit_code"])
        if credit_code == EXAMPLE_ENTERPRISE["credit_code"]:
            self.add_error(row_number, "", _("这是导入模板中的示例行，请删除后再导入。"))
            return None
        existing = self.existing.get(credit_code)
        if existing is not None and self.user is not None and existing.pk not in self.changeable:
            # Say no more than that: the register of another jurisdiction is not to be read.
            self.add_error(row_number, "credit_code", _("该单位不在您的管辖范围内，无法导入。"))
            return None
        data: dict[str, Any] = {
            key: row[key]
            for key in (
                "name",
                "address",
                "principal_name",
                "principal_phone",
                "controller_name",
                "controller_phone",
            )
        }
        data["credit_code"] = credit_code
        data["kind"] = self._kind(row, row_number)
        data["industry"] = self._industry(row, row_number)
        data["org_unit"] = self._org_unit(row, row_number)
        data["high_risk"] = self._high_risk(row, row_number, data["industry"])
        # Model validation still runs on a row with errors, to report its other cells too.
        data = {key: value for key, value in data.items() if value is not None}
        before = _compared_values(existing) if existing is not None else None
        enterprise = services.build_enterprise(data, instance=existing)
        return EnterpriseRow(
            enterprise=enterprise,
            is_new=existing is None,
            changed=before != _compared_values(enterprise),
            loaded_version=existing.version if existing is not None else None,
        )

    def _kind(self, row, row_number):
        text = row["kind"]
        if not text:
            return None
        kind = self.kinds.get(text)
        if kind is None:
            labels = "、".join(f"“{k.label}”" for k in EnterpriseKind)
            self.add_error(row_number, "kind", _("应为%(labels)s之一。") % {"labels": labels})
        return kind

    def _industry(self, row, row_number):
        text = row["industry"]
        if not text:
            return None
        industry = self.industries.get(text)
        if industry is None:
            self.add_error(
                row_number,
                "industry",
                _("未知的行业领域“%(name)s”，可选：%(names)s。")
                % {"name": text, "names": self.industry_names},
            )
        return industry

    def _org_unit(self, row, row_number):
        code = row["org_unit"]
        if not code:
            return None
        unit = self.org_units.get(code)
        if unit is None:
            self.add_error(
                row_number,
                "org_unit",
                _("未找到区划代码为“%(code)s”的乡镇(街道)或县(市、区)。") % {"code": code},
            )
            return None
        if self.user is not None and unit.pk not in self.visible_units:
            self.add_error(row_number, "org_unit", _("属地不在您的管辖范围内。"))
            return None
        if unit.level not in (Level.TOWNSHIP, Level.COUNTY):
            self.add_error(
                row_number,
                "org_unit",
                _("属地应为乡镇(街道)（9位代码）或县(市、区)（6位代码），“%(code)s”是%(level)s。")
                % {"code": code, "level": Level(unit.level).label},
            )
            return None
        return unit

    def _high_risk(self, row, row_number, industry):
        text = row["high_risk"]
        if not text:
            return industry.high_risk if industry is not None else None
        value = parse_yes_no(text)
        if value is None:
            self.add_error(row_number, "high_risk", _("应填“是”或“否”，留空则按行业默认。"))
        return value

    def save(self, items):
        updated = [item.enterprise.pk for _row, item in items if not item.is_new and item.changed]
        # Lock the rows to update; a version moved since the check means someone edited them.
        self.current_versions = dict(
            Enterprise.objects.select_for_update()
            .filter(pk__in=updated)
            .values_list("pk", "version")
        )
        result = super().save(items)
        if self.user is not None and not self.has_errors:
            self._check_scope_after_save(items)
        return result

    def save_row(self, item: EnterpriseRow, row_number):
        enterprise = item.enterprise
        if not item.is_new and not item.changed:
            return Outcome.UNCHANGED
        if not item.is_new:
            if self.current_versions.get(enterprise.pk) != item.loaded_version:
                raise ValidationError(_("该单位在导入期间已被他人修改，请重新导入。"))
            enterprise.version = item.loaded_version + 1
        enterprise._history_user = self.user
        enterprise.save()
        return Outcome.CREATED if item.is_new else Outcome.UPDATED

    def _check_scope_after_save(self, items):
        """Re-check, set-wise, that what was written is what the user may add or change."""
        written = {
            Action.ADD: {item.enterprise.pk for _row, item in items if item.is_new},
            Action.CHANGE: {
                item.enterprise.pk for _row, item in items if not item.is_new and item.changed
            },
        }
        allowed = set()
        for action, ids in written.items():
            if ids:
                allowed.update(
                    Enterprise.objects.restrict(self.user, action)
                    .filter(pk__in=ids)
                    .values_list("pk", flat=True)
                )
        denied = (written[Action.ADD] | written[Action.CHANGE]) - allowed
        for row_number, item in items:
            if item.enterprise.pk in denied:
                self.add_error(
                    row_number, "", _("该单位不在您的管辖范围内（属地或行业不符），无法导入。")
                )

    @classmethod
    def template_workbook(cls) -> bytes:
        """The import template: the header and one example row, plus a sheet of instructions."""
        builder = XlsxBuilder()
        builder.add_sheet(
            _("单位信息"),
            [
                ExportColumn(column.title, operator.itemgetter(column.key), _WIDTHS.get(column.key))
                for column in cls.columns
            ],
            [EXAMPLE_ENTERPRISE],
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


def _compared_values(enterprise: Enterprise) -> list[Any]:
    return [getattr(enterprise, attname) for attname in _COMPARED_ATTNAMES]


def _instructions(columns) -> list[tuple[str, str, str]]:
    industries = "、".join(Industry.objects.values_list("name", flat=True))
    kinds = "、".join(str(kind.label) for kind in EnterpriseKind)
    notes = {
        "name": _("营业执照或登记证书上的全称。"),
        "credit_code": _("18位；已登记的代码将更新该单位的信息。"),
        "kind": _("可选：%(kinds)s。") % {"kinds": kinds},
        "industry": _("可选：%(names)s。") % {"names": industries},
        "org_unit": _("所在乡镇(街道)的9位区划代码，或县(市、区)的6位区划代码。"),
        "principal_phone": _("11位手机号或带区号的固定电话，如0791-86281234。"),
        "controller_phone": _("11位手机号或带区号的固定电话。"),
        "high_risk": _("填“是”或“否”；留空则按行业领域默认。"),
    }
    return [
        (column.title, _("必填") if column.required else _("选填"), notes.get(column.key, ""))
        for column in columns
    ]


_WIDTHS = {"name": 36, "credit_code": 22, "address": 48}
# How each import column reads from an Enterprise: what is exported re-imports unchanged.
_EXPORT_ACCESSORS = {
    "kind": lambda enterprise: enterprise.get_kind_display(),
    "industry": "industry.name",
    "org_unit": "org_unit.division_code",
}
EXPORT_COLUMNS = [
    ExportColumn(
        column.title, _EXPORT_ACCESSORS.get(column.key, column.key), _WIDTHS.get(column.key)
    )
    for column in ENTERPRISE_COLUMNS
]


def export_enterprises(queryset) -> bytes:
    """The enterprises of `queryset` (already restricted by the caller) in the import layout."""
    rows = queryset.select_related("industry", "org_unit").iterator(chunk_size=2000)
    return export_xlsx(rows, EXPORT_COLUMNS, sheet_title=_("生产经营单位"))
