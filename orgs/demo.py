"""The demo data set behind `manage.py seed_demo`: real places, plausible enterprises, the
demo accounts.

Every step is idempotent — matched by division code, department name, credit code and
username — and only writes what is missing, so the command can run at every deploy of the
demo and a second run writes nothing. The enterprises come from a seeded random generator,
so every run (and every machine) builds the same ones.

Domain apps add their own demo data (hazards, inspections…) by connecting a receiver to
`demo_seeded` in their AppConfig.ready(): orgs must not import them (DESIGN.md).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.dispatch import Signal

from core.audit import record_event
from core.models import AuditEvent
from core.notifications import notify
from orgs import services
from orgs.constants import EnterpriseKind, Kind, Level, Role
from orgs.importers import load_divisions
from orgs.models import Enterprise, Industry, Membership, OrgUnit
from orgs.validators import CREDIT_CODE_ALPHABET, credit_code_check_char

# Sent after the governance data exists, with `world` (a DemoWorld) and `stdout`.
demo_seeded = Signal()

PROVINCES = ("36", "34")  # 江西省, 安徽省
# cpca predates 2019, when 湾里区 became 湾里管理局 (a management bureau of 南昌市).
RENAMED_DIVISIONS = {"360105": "湾里管理局"}
# County code → its demo townships (9-digit code, name).
TOWNSHIPS = {
    "360105": [  # 湾里管理局
        ("360105101", "招贤镇"),
        ("360105102", "梅岭镇"),
        ("360105103", "太平镇"),
        ("360105104", "罗亭镇"),
        ("360105400", "洗药湖管理处"),
    ],
    "361129": [("361129100", "陈营镇"), ("361129101", "石镇镇"), ("361129102", "青云镇")],
    "361124": [("361124100", "河口镇"), ("361124101", "永平镇"), ("361124102", "石塘镇")],
    "361126": [("361126100", "弋江镇"), ("361126101", "曹溪镇"), ("361126102", "漆工镇")],
    "361123": [("361123001", "冰溪街道"), ("361123101", "临湖镇"), ("361123102", "必姆镇")],
    "340404": [  # 谢家集区
        ("340404001", "谢家集街道"),
        ("340404002", "蔡家岗街道"),
        ("340404003", "平山街道"),
        ("340404101", "望峰岗镇"),
        ("340404102", "李郢孜镇"),
    ],
}
ENTERPRISES_PER_TOWNSHIP = {"36": 10, "34": 8}


@dataclass
class DemoWorld:
    """The named places, enterprises and accounts of the demo, for later seeding steps."""

    units: dict[str, OrgUnit] = field(default_factory=dict)  # by name, unique in the demo
    townships: list[OrgUnit] = field(default_factory=list)
    enterprises: list[Enterprise] = field(default_factory=list)
    users: dict[str, object] = field(default_factory=dict)  # by username


@transaction.atomic
def seed(stdout=None) -> DemoWorld:
    world = DemoWorld()
    ensure_org_tree(world)
    ensure_enterprises(world)
    ensure_demo_users(world)
    ensure_notifications(world)
    demo_seeded.send(sender=DemoWorld, world=world, stdout=stdout)
    return world


# --- The tree ------------------------------------------------------------------------------


def ensure_org_tree(world: DemoWorld) -> None:
    """江西省 and 安徽省 from cpca, the demo townships and the demo departments."""
    load_divisions(PROVINCES, names=RENAMED_DIVISIONS)
    by_code = {
        unit.division_code: unit
        for unit in OrgUnit.objects.filter(
            kind=Kind.REGION,
            division_code__in=["360000", "360100", "361100", "340000", "340400", *TOWNSHIPS],
        )
    }
    for unit in by_code.values():
        world.units[unit.name] = unit
    for county_code, townships in TOWNSHIPS.items():
        county = by_code[county_code]
        rng = random.Random(county_code)
        for code, name in townships:
            unit = _ensure_township(county, code, name, rng)
            world.units[name] = unit
            world.townships.append(unit)

    units = world.units
    industries = {industry.code: industry for industry in Industry.objects.all()}
    units["江西省机关事务管理局"] = _ensure_department(
        units["江西省"], "江西省机关事务管理局", [industries["government_affairs"]]
    )
    bureau = _ensure_department(units["谢家集区"], "谢家集区民政局", [industries["elderly_care"]])
    units["谢家集区民政局"] = bureau
    # The township offices hang under the bureau but answer for one township each.
    for township in ("谢家集街道", "平山街道"):
        name = f"{township}民政所"
        units[name] = _ensure_department(
            bureau, name, [industries["elderly_care"]], jurisdiction=units[township]
        )


def _ensure_township(county, code, name, rng) -> OrgUnit:
    existing = OrgUnit.objects.filter(kind=Kind.REGION, division_code=code).first()
    if existing is not None:
        return existing
    # No open data set of township centroids: place them plausibly near their county seat.
    longitude = latitude = None
    if county.longitude is not None and county.latitude is not None:
        longitude = county.longitude + Decimal(rng.uniform(-0.12, 0.12))
        latitude = county.latitude + Decimal(rng.uniform(-0.1, 0.1))
    return services.create_org_unit(
        parent=county,
        kind=Kind.REGION,
        level=Level.TOWNSHIP,
        division_code=code,
        name=name,
        longitude=longitude,
        latitude=latitude,
    )


def _ensure_department(parent, name, industries, jurisdiction=None) -> OrgUnit:
    existing = OrgUnit.objects.filter(parent=parent, kind=Kind.DEPARTMENT, name=name).first()
    if existing is not None:
        return existing
    return services.create_org_unit(
        parent=parent,
        kind=Kind.DEPARTMENT,
        name=name,
        level=(jurisdiction or parent).level,
        jurisdiction=jurisdiction,
        industries=industries,
    )


# --- Enterprises ---------------------------------------------------------------------------

# Trade names (字号): common ones, and some that belong to one province.
TRADE_NAMES = ["华兴", "鑫达", "宏远", "恒泰", "昌盛", "瑞丰", "金源", "永安", "福达", "兴旺"]
TRADE_NAMES += ["泰和", "德隆", "顺发", "天润", "博远", "振兴", "富华", "长青", "红星", "东升"]
LOCAL_TRADE_NAMES = {"36": ["赣鑫", "洪城", "赣江", "信江"], "34": ["皖鑫", "淮河", "八公", "舜耕"]}
CARE_NAMES = ["福寿", "康宁", "夕阳红", "颐和", "松鹤", "安康", "幸福", "百福", "乐龄", "仁爱"]
# {place}: a place-name prefix; {trade}: a trade name (字号); {seat}: county and township.
NAME_PATTERNS = {
    "hazardous_chemicals": ["{place}{trade}化工有限公司", "{place}{trade}化学品储运有限公司"],
    "mining": ["{place}{trade}矿业有限公司", "{place}{trade}石灰石矿"],
    "fireworks": ["{place}{trade}花炮厂", "{place}{trade}烟花爆竹有限公司"],
    "metallurgy": ["{place}{trade}钢铁有限公司", "{place}{trade}铸造有限公司"],
    "aluminium_casting": ["{place}{trade}铝业有限公司", "{place}{trade}铝材有限公司"],
    "combustible_dust": ["{place}{trade}木业有限公司", "{place}{trade}粮油加工厂"],
    "construction": ["{place}{trade}建筑工程有限公司", "{place}{trade}建设集团有限公司"],
    "transport": ["{place}{trade}汽车运输有限公司", "{place}{trade}物流有限公司"],
    "urban_gas": ["{place}{trade}燃气有限公司", "{place}{trade}液化气站"],
    "fire_safety": ["{place}{trade}大酒店", "{place}{trade}购物广场"],
    "culture_tourism": ["{place}{trade}旅游开发有限公司", "{place}{trade}景区管理有限公司"],
    "elderly_care": ["{place}{trade}养老院", "{place}{trade}敬老院", "{place}{trade}颐养中心"],
    # Services of the government offices themselves, named after the seat they serve.
    "government_affairs": ["{seat}机关服务中心", "{seat}机关食堂", "{seat}机关幼儿园"],
}
SURNAMES = "张王李刘陈杨黄赵吴周徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯董程曹袁邓许傅沈曾彭"
GIVEN_NAMES = ["伟", "芳", "敏", "静", "丽", "强", "磊", "军", "勇", "艳", "杰", "涛", "明", "超"]
GIVEN_NAMES += ["秀英", "桂英", "建华", "志强", "海波", "文斌", "春兰", "玉兰", "建国", "国平"]
GIVEN_NAMES += ["晓燕", "丽华", "红梅", "志刚", "俊杰", "金凤", "德明", "永红", "小平", "卫东"]
MOBILE_PREFIXES = "138 139 135 136 137 150 151 158 159 182 187 188 130 131 155 186 133 153 189 177"
ROADS = ("{stem}大道", "{stem}路", "工业园区", "建设路", "人民路", "创业大道")
# GB 11714 (组织机构代码): the 9th character checks the first 8.
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def ensure_enterprises(world: DemoWorld) -> None:
    """About ten enterprises per township, every key industry represented, generated from
    random.Random(2024); those already present (by credit code) are left as they are."""
    industries = list(Industry.objects.filter(code__in=NAME_PATTERNS).order_by("sort_order"))
    generator = _EnterpriseGenerator(random.Random(2024), industries)
    specs = [
        spec
        for index, township in enumerate(world.townships)
        for spec in generator.for_township(township, index)
    ]
    existing = {
        enterprise.credit_code: enterprise
        for enterprise in Enterprise.objects.filter(
            credit_code__in=[spec["credit_code"] for spec in specs]
        )
    }
    for spec in specs:
        enterprise = existing.get(spec["credit_code"])
        if enterprise is None:
            enterprise = services.build_enterprise(spec)
            enterprise.save()
        world.enterprises.append(enterprise)


class _EnterpriseGenerator:
    def __init__(self, rng: random.Random, industries: list[Industry]):
        self.rng = rng
        self.industries = industries
        self.by_code = {industry.code: industry for industry in industries}
        self.names: set[str] = set()

    def for_township(self, township: OrgUnit, index: int):
        province_code = township.division_code[:2]
        count = ENTERPRISES_PER_TOWNSHIP[province_code]
        if province_code == "34":
            # 谢家集区 in the demo is the civil-affairs case: mostly elderly care, plus the
            # coal mining and chemicals 淮南 is known for.
            codes = ["elderly_care"] * 5 + ["mining", "hazardous_chemicals", "construction"]
        else:
            # Rotate through the sectors so every township has a varied register and every
            # key industry appears in several townships.
            codes = [
                self.industries[(index * 3 + i) % len(self.industries)].code for i in range(count)
            ]
        for position, code in enumerate(codes[:count]):
            yield self._spec(township, self.by_code[code], position)

    def _spec(self, township: OrgUnit, industry: Industry, position: int) -> dict:
        rng = self.rng
        county = township.county
        kind = EnterpriseKind.ENTERPRISE
        if industry.code == "elderly_care":
            # Some care homes are community centres run as 民政服务机构.
            kind = EnterpriseKind.CIVIL_AFFAIRS if position == 4 else EnterpriseKind.ELDERLY_CARE
        principal, principal_phone = self._person(), self._mobile()
        controller, controller_phone = (
            (principal, principal_phone) if rng.random() < 0.7 else (self._person(), self._mobile())
        )
        return {
            "name": self._name(township, county, industry, kind),
            "credit_code": self._credit_code(county.division_code, industry, kind),
            "kind": kind,
            "industry": industry,
            "org_unit": township,
            "high_risk": industry.high_risk,
            "address": self._address(township),
            "principal_name": principal,
            "principal_phone": principal_phone,
            "controller_name": controller,
            "controller_phone": controller_phone,
        }

    def _name(self, township, county, industry, kind) -> str:
        stem = _stem(township.name)
        if kind == EnterpriseKind.CIVIL_AFFAIRS:
            return f"{township.name}社区居家养老服务中心"
        places = [stem, f"{_stem(county.name)}{stem}", county.name]
        if township.province.division_code == "360000":
            places.append(f"江西{stem}")
        if industry.code == "elderly_care":
            trades = CARE_NAMES
        else:
            trades = TRADE_NAMES + LOCAL_TRADE_NAMES[township.division_code[:2]]
        while True:
            name = self.rng.choice(NAME_PATTERNS[industry.code]).format(
                place=self.rng.choice(places),
                trade=self.rng.choice(trades),
                seat=county.name + township.name,
            )
            if name not in self.names:
                self.names.add(name)
                return name

    def _credit_code(self, division, industry, kind) -> str:
        # Registration authority and type (GB 32100): 91 company, 52 private non-enterprise
        # unit (registered with civil affairs), 12 public institution.
        if kind != EnterpriseKind.ENTERPRISE:
            prefix = "52"
        elif industry.code == "government_affairs":
            prefix = "12"
        else:
            prefix = "91"
        body = "MA" + "".join(self.rng.choice(CREDIT_CODE_ALPHABET) for _ in range(6))
        first17 = f"{prefix}{division}{body}{_org_code_check_char(body)}"
        return first17 + credit_code_check_char(first17)

    def _person(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN_NAMES)

    def _mobile(self) -> str:
        prefix = self.rng.choice(MOBILE_PREFIXES.split())
        return prefix + "".join(self.rng.choice("0123456789") for _ in range(8))

    def _address(self, township) -> str:
        parts = [township.province, township.city, township.county, township]
        road = self.rng.choice(ROADS).format(stem=_stem(township.name))
        return "".join(p.name for p in parts if p) + f"{road}{self.rng.randint(1, 399)}号"


def _stem(name: str) -> str:
    """招贤镇 → 招贤, 谢家集街道 → 谢家集, 万年县 → 万年 (but 和县 stays 和县)."""
    for suffix in ("管理处", "管理局", "街道", "镇", "乡", "县", "区", "市"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _org_code_check_char(first8: str) -> str:
    # Digits count as themselves, letters A=10 … Z=35.
    total = sum(int(ch, 36) * weight for ch, weight in zip(first8, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


# --- Accounts ------------------------------------------------------------------------------

# (username, full name, org unit name or None for the enterprise user's, role)
DEMO_USERS = [
    ("province_admin", "陈建国", "江西省", Role.ADMIN),
    ("city_official", "刘志强", "南昌市", Role.LEADER),
    ("county_official", "王海涛", "湾里管理局", Role.LEADER),
    ("township_staff", "李晓燕", "招贤镇", Role.STAFF),
    ("township_staff_b", "张丽华", "梅岭镇", Role.STAFF),
    ("dept_staff", "周文斌", "谢家集区民政局", Role.STAFF),
    ("supervisor", "黄振华", "上饶市", Role.SUPERVISOR),
    ("auditor", "吴秀英", "江西省", Role.AUDITOR),
    ("enterprise_user", "赵明", None, Role.ENTERPRISE),
]


def ensure_demo_users(world: DemoWorld) -> None:
    """The demo accounts, all with settings.DEMO_PASSWORD, each with their one role."""
    User = get_user_model()
    password = None
    rng = random.Random("demo-users")
    zhaoxian = world.units["招贤镇"]
    bound_enterprise = next(e for e in world.enterprises if e.org_unit_id == zhaoxian.pk)
    for username, full_name, unit_name, role in DEMO_USERS:
        enterprise = bound_enterprise if role == Role.ENTERPRISE else None
        unit = enterprise.org_unit if enterprise else world.units[unit_name]
        phone = "139" + "".join(rng.choice("0123456789") for _ in range(8))
        user = User.objects.filter(username=username).first()
        if user is None:
            # Hashed once: each PBKDF2 hash costs half a second, and the password is public.
            password = password or make_password(settings.DEMO_PASSWORD)
            user = User.objects.create(
                username=username, full_name=full_name, phone=phone, password=password
            )
            record_event(AuditEvent.Kind.USER_CREATED, org_path=unit.path, user=username)
        if not Membership.objects.filter(user=user, org_unit=unit, role=role).exists():
            services.add_membership(
                user=user, org_unit=unit, role=role, enterprise=enterprise, granted_by=None
            )
        world.users[username] = user


def ensure_notifications(world: DemoWorld) -> None:
    """A couple of unread messages, so township_staff's inbox is not empty on first login."""
    staff = world.users["township_staff"]
    notify(
        [staff],
        "欢迎使用安全生产治本攻坚管理平台",
        body="请核对本镇生产经营单位台账，发现信息有误请及时更正。",
        dedup_key="demo:welcome",
    )
    notify(
        [staff],
        "请于本月25日前报送本月重大事故隐患排查整治情况",
        body="按照治本攻坚三年行动要求，各乡镇（街道）每月报送一次隐患排查整治进展。",
        dedup_key="demo:monthly-report",
    )


def accounts_table(world: DemoWorld) -> list[tuple[str, str, str, str]]:
    """(username, full name, org unit, role label) of each demo account, for printing."""
    rows = []
    for username, _full_name, _unit, role in DEMO_USERS:
        membership = (
            Membership.objects.filter(user=world.users[username], role=role)
            .select_related("org_unit", "enterprise")
            .first()
        )
        where = membership.org_unit.name
        if membership.enterprise is not None:
            where = f"{where} · {membership.enterprise.name}"
        rows.append((username, str(world.users[username]), where, str(Role(role).label)))
    return rows
