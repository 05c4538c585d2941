"""Rollups, ranking schemes and jobs in the generic tenancy suites (merged by tests/tenancy.py).

The sibling township's objects: 罗亭镇's own figure row, its ranking scheme and a job of its
staff (jobs are their owner's only). Their labels say 罗亭镇.
"""

from reports.models import Job, RankingScheme, Rollup
from tests.reports.factories import reports_world


def _sibling_rollup(w):
    reports_world(w)
    return Rollup.objects.current().filter(org_unit=w.luoting).order_by("id").first()


SIBLING_OBJECTS = {
    Rollup: (_sibling_rollup, lambda obj: obj.org_unit.name),
    RankingScheme: (lambda w: reports_world(w).sibling_scheme, lambda obj: obj.name),
    Job: (lambda w: reports_world(w).sibling_job, lambda obj: obj.message),
}

UNSCOPED_API_ROUTES = {
    "api/v1/rollup-rebuilds/": "queues a rebuild of every figure (admins only); no object",
    "api/v1/jobs/<pk>/": "the caller's own jobs only (tests/reports/test_api.py)",
}

UNSCOPED_PAGES = {
    "reports:rollup_rebuild": "when the current generation was built, and the rebuild button",
}
