"""Tenancy registration of 风险分级管控 (merged by tests/tenancy.py), and `risk_world(w)`,
fixture-free like tests/hazards/factories.py: 招贤镇's and 罗亭镇's chemical plants each have
a red, public risk entered by their own township staff. Texts of 罗亭镇's risk say 罗亭镇, so
a page showing it is caught by the tenancy suites."""

from datetime import date
from types import SimpleNamespace

from hazards import risk_services
from hazards.models import Risk
from hazards.risk_constants import AccidentType, RiskMethod, RiskPublicField


def risk_data(enterprise, **extra):
    """A complete LEC-graded risk of `enterprise` (D = 6×6×15 = 540: red)."""
    town = enterprise.org_unit.name
    return {
        "enterprise": enterprise,
        "name": f"{town}液氯储罐区泄漏中毒风险",
        "place": f"{town}液氯储罐区",
        "hazard_factors": "液氯储罐、管道阀门泄漏；装卸作业误操作",
        "accident_types": [AccidentType.POISONING_ASPHYXIA, AccidentType.VESSEL_EXPLOSION],
        "method": RiskMethod.LEC,
        "lec_likelihood": "6",
        "lec_exposure": "6",
        "lec_consequence": "15",
        "control_measures": "储罐区设置有毒气体检测报警并与紧急切断阀联锁；装卸双人操作",
        "emergency_actions": "发生泄漏立即启动碱液喷淋吸收，疏散下风向人员",
        "responsible_unit": "生产部",
        "responsible_person": "李强",
        "responsible_phone": "13907910002",
        "identified_date": date(2024, 3, 1),
        "review_date": date(2025, 3, 1),
        "is_public": True,
        "public_fields": [RiskPublicField.PLACE, RiskPublicField.CONTROL_MEASURES],
        "public_summary": f"{town}液氯储罐区已落实检测报警与紧急切断联锁",
        **extra,
    }


def risk_world(w):
    if getattr(w, "risks", None) is not None:
        return w.risks
    r = SimpleNamespace()
    r.own_risk = risk_services.create_risk(risk_data(w.ent_zhaoxian), user=w.township_staff)
    r.sibling_risk = risk_services.create_risk(risk_data(w.ent_luoting), user=w.township_staff_b)
    w.risks = r
    return r


SIBLING_OBJECTS = {
    Risk: (lambda w: risk_world(w).sibling_risk, lambda obj: obj.name),
}

UNSCOPED_API_ROUTES = {
    "api/v1/risk-map/": "figures of the restricted risks (tests/hazards/test_risk_map.py)",
}

UNSCOPED_PAGES = {
    "public:risk_list": "public listing (no login) of risks marked public and 挂牌 major "
    "hazards, per region chosen; shows only public fields (tests/hazards/test_risk_public.py)",
}
