"""The demo risk points behind `manage.py seed_demo`: two to four graded risks per demo
enterprise, by its industry, in all four colours (LEC and L×S), and a few area risks of the
demo counties (reservoirs, scenic spots, gas mains) — with some past their review date and the
red ones published.

Generated from random.Random(2025) and written once: a second seed_demo finds the demo
enterprises' risks and adds nothing.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from hazards.models import Risk
from hazards.risk_constants import (
    AccidentType,
    RiskLevel,
    RiskMethod,
    RiskPublicField,
)
from hazards.risk_levels import grade
from orgs.constants import Level
from orgs.models import Industry

A = AccidentType
# By industry: (risk point, place, hazard factors, accident types, control measures, emergency).
RISKS = {
    "hazardous_chemicals": [
        (
            "液氯储罐区泄漏",
            "液氯储罐区",
            "液氯储罐及管道阀门泄漏；充装超量",
            [A.POISONING_ASPHYXIA, A.VESSEL_EXPLOSION],
            "有毒气体检测报警与紧急切断联锁；事故氯吸收装置保持运行",
            "启动碱液喷淋吸收，疏散下风向人员，报告园区",
        ),
        (
            "甲类仓库火灾爆炸",
            "甲类仓库",
            "易燃液体挥发、静电积聚、违规动火",
            [A.FIRE, A.OTHER_EXPLOSION],
            "防爆电气、静电接地；动火作业票证管理",
            "切断电源物料，使用干粉、泡沫灭火，设置警戒",
        ),
        (
            "反应釜超温超压",
            "合成车间",
            "冷却失效导致反应失控",
            [A.VESSEL_EXPLOSION, A.SCALD_BURN],
            "温度压力联锁与紧急泄放；DCS报警",
            "紧急停车、投加终止剂，人员撤离",
        ),
    ],
    "construction": [
        (
            "高支模坍塌",
            "3号楼高支模区",
            "立杆间距超标、混凝土浇筑顺序不当",
            [A.COLLAPSE, A.STRUCK_BY_OBJECT],
            "专项方案论证，浇筑过程监测",
            "立即停止浇筑，撤离模板下方人员",
        ),
        (
            "塔吊倾覆",
            "塔式起重机",
            "力矩限制器失效、超载起吊",
            [A.LIFTING],
            "安全装置每日检查，司索信号工持证上岗",
            "停止作业、设立警戒区，组织救援",
        ),
        (
            "外架高处坠落",
            "悬挑脚手架",
            "临边防护缺失、未系安全带",
            [A.FALL_FROM_HEIGHT],
            "临边防护与安全网，安全带高挂低用",
            "现场急救并送医",
        ),
    ],
    "elderly_care": [
        (
            "厨房燃气火灾",
            "厨房",
            "燃气泄漏、油锅起火",
            [A.FIRE, A.OTHER_EXPLOSION],
            "燃气泄漏报警与自动切断装置，灶台定期清洗",
            "关闭气源，用灭火毯扑救，疏散老人",
        ),
        (
            "老人跌倒",
            "居室与走廊",
            "地面湿滑、照明不足",
            [A.OTHER],
            "防滑地面、扶手与夜间照明，护理员巡查",
            "现场评估伤情，联系家属并送医",
        ),
    ],
    "urban_gas": [
        (
            "储配站储罐泄漏",
            "液化石油气储配站",
            "储罐、阀门泄漏",
            [A.FIRE, A.OTHER_EXPLOSION],
            "液位超限报警、可燃气体检测；巡检制度",
            "关闭紧急切断阀，喷淋降温，周边警戒",
        ),
    ],
}
GENERIC = [
    (
        "配电室触电",
        "配电室",
        "带电设备绝缘老化、违规操作",
        [A.ELECTROCUTION],
        "停送电操作票，绝缘用具定期检测",
        "切断电源后施救，心肺复苏",
    ),
    (
        "机械伤害",
        "生产车间",
        "转动部位防护罩缺失",
        [A.MACHINERY],
        "防护罩完好，设备检修挂牌上锁",
        "停机施救，止血包扎并送医",
    ),
    (
        "叉车伤害",
        "厂内道路",
        "叉车超速、视线盲区",
        [A.VEHICLE],
        "厂内限速，人车分流",
        "停车施救并送医",
    ),
]
# Area risks of a county, not of one enterprise: (name, place, industry code, factors, types).
AREA_RISKS = [
    ("汛期水库溃坝", "水库大坝", "transport", "强降雨导致水位超汛限", [A.DROWNING, A.COLLAPSE]),
    ("景区游客踩踏", "景区主要游览步道", "culture_tourism", "节假日游客聚集", [A.OTHER]),
    (
        "城区燃气管网泄漏",
        "城区中压燃气管网",
        "urban_gas",
        "第三方施工破坏管道",
        [A.OTHER_EXPLOSION, A.FIRE],
    ),
]
D05, D1, D2, D3, D6, D7, D15, D40 = (Decimal(v) for v in ("0.5", 1, 2, 3, 6, 7, 15, 40))
PEOPLE = ["李强", "王芳", "张伟", "刘洋", "陈静", "杨军", "赵敏"]
UNITS = ["安全环保部", "生产部", "设备部", "后勤保障部"]


def on_demo_seeded(sender, world, stdout=None, **kwargs):
    """Receiver of orgs.demo.demo_seeded (connected in HazardsConfig.ready)."""
    risks = seed(world)
    if stdout is not None and risks:
        red = sum(risk.level == RiskLevel.MAJOR for risk in risks)
        stdout.write(f"安全风险演示数据：{len(risks)}个风险点（其中重大风险{red}个）。")


def _inputs(rng) -> dict:
    """Factors drawn so that the colours form the usual pyramid: few red, most blue."""
    if rng.random() < 0.6:
        return {
            "method": RiskMethod.LEC,
            "lec_likelihood": rng.choice([D6, D3, D1, D1, D05]),
            "lec_exposure": rng.choice([D6, D3, D2, D1]),
            "lec_consequence": rng.choice([D40, D15, D7, D7, D3]),
        }
    return {
        "method": RiskMethod.MATRIX,
        "matrix_likelihood": rng.choice([1, 2, 2, 3, 3, 4, 5]),
        "matrix_severity": rng.choice([2, 3, 3, 4, 5]),
    }


def _risk(rng, today, *, name, place, factors, types, measures="", emergency="", **location):
    inputs = _inputs(rng)
    score, level = grade(**inputs)
    identified = today - timedelta(days=rng.randint(30, 500))
    # Some are past their review date, for the daily reminders.
    review = identified + timedelta(days=365 if rng.random() < 0.8 else 180)
    public = level == RiskLevel.MAJOR
    risk = Risk(
        name=name,
        place=place,
        hazard_factors=factors,
        accident_types=sorted(types),
        control_measures=measures or "落实分级管控责任，定期巡查检查",
        emergency_actions=emergency,
        responsible_unit=rng.choice(UNITS),
        responsible_person=rng.choice(PEOPLE),
        responsible_phone=f"139{rng.randint(0, 99999999):08d}",
        identified_date=identified,
        review_date=review,
        is_public=public,
        public_fields=[RiskPublicField.PLACE, RiskPublicField.ACCIDENT_TYPES] if public else [],
        public_summary="已落实分级管控措施，责任人定期巡查。" if public else "",
        score=score,
        level=level,
        **inputs,
        **location,
    )
    risk.copy_location()
    return risk


def seed(world, today: date | None = None) -> list[Risk]:
    """The demo risks, or nothing when the demo enterprises have risks already."""
    if Risk.objects.filter(enterprise__in=world.enterprises).exists():
        return []
    today = today or timezone.localdate()
    rng = random.Random(2025)
    risks = []
    for enterprise in world.enterprises:
        templates = RISKS.get(enterprise.industry.code, []) + GENERIC
        for name, place, factors, types, measures, emergency in rng.sample(
            templates, k=min(len(templates), rng.randint(2, 4))
        ):
            risks.append(
                _risk(
                    rng,
                    today,
                    name=name,
                    place=place,
                    factors=factors,
                    types=types,
                    measures=measures,
                    emergency=emergency,
                    enterprise=enterprise,
                    org_unit=enterprise.org_unit,
                    industry=enterprise.industry,
                )
            )
    industries = {industry.code: industry for industry in Industry.objects.all()}
    counties = [unit for unit in world.units.values() if unit.level == Level.COUNTY]
    for county in sorted(counties, key=lambda unit: unit.path)[:6]:
        name, place, code, factors, types = rng.choice(AREA_RISKS)
        risks.append(
            _risk(
                rng,
                today,
                name=f"{county.name}{name}",
                place=place,
                factors=factors,
                types=types,
                enterprise=None,
                org_unit=county,
                industry=industries[code],
            )
        )
    bulk_create_with_history(risks, Risk, batch_size=500)
    return risks
