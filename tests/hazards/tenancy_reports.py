"""Citizens' reports in the generic tenancy suites (merged by tests/tenancy.py).

`report_world(w)` is fixture-free and built once per world: a citizen has filed a report
with a photo and their name and phone in 招贤镇 and another in 罗亭镇 (the sibling township).
The sibling's texts say 罗亭镇, so a page or answer showing it is caught.
"""

import uuid
from types import SimpleNamespace

from hazards import report_services
from hazards.models import PublicReport
from tests.hazards.factories import png

REPORTER_NAME = "甄保密"
REPORTER_PHONE = "13900001111"


def file_report(region, *, description, location="", photo=True, name="", contact=""):
    """A citizen's report through the public service, from an address of its own (the rate
    limit counts per address, and the cache outlives a test)."""
    return report_services.submit_report(
        {
            "org_unit": region,
            "description": description,
            "location_text": location or f"{region.name}某某路12号",
            "reporter_name": name,
            "reporter_contact": contact,
        },
        ip=f"factory-{uuid.uuid4()}",
        photo=png(f"{region.name}举报照片.png") if photo else None,
    )


def report_world(w):
    if getattr(w, "reports", None) is not None:
        return w.reports
    r = SimpleNamespace()
    r.own_report = file_report(
        w.zhaoxian,
        description="招贤镇某加油站外有人用塑料桶倒卖散装汽油",
        name=REPORTER_NAME,
        contact=REPORTER_PHONE,
    )
    r.sibling_report = file_report(
        w.luoting,
        description="罗亭镇某作坊晚上偷偷生产烟花，院子里堆着火药原料",
        name=REPORTER_NAME,
        contact=REPORTER_PHONE,
    )
    w.reports = r
    return r


SIBLING_OBJECTS = {
    PublicReport: (lambda w: report_world(w).sibling_report, lambda obj: obj.description),
}

UNSCOPED_API_ROUTES = {
    "api/v1/public/reports/": "a citizen files a report: no login, no object of anyone's",
    "api/v1/public/reports/<str:receipt>/": (
        "a report's stage and dates by its unguessable receipt code, nothing internal"
    ),
    "api/v1/public-reports/stats/": (
        "figures of the restricted reports (tests/hazards/test_report_api.py)"
    ),
}

UNSCOPED_PAGES = {
    "public:report_create": "the citizens' public report form (no login)",
    "public:report_receipt": "the receipt code of the visitor's own report, from their session",
    "public:report_status": "a report's stage and dates by its receipt code, nothing internal",
    "public:report_region_options": "public region names for the report form",
}
