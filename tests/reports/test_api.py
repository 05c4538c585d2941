"""The reports API: rollups (filters, scope, constant queries), ranking schemes and their
results and exports, jobs (owner only) and the on-demand rebuild."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orgs.constants import Level
from reports import rollups
from reports.models import Job, PeriodKind, RankingScheme, Rollup, RollupGeneration
from tests.reports.factories import AS_OF, province_data

pytestmark = pytest.mark.django_db

ROLLUPS = "/api/v1/rollups/"
RANKINGS = "/api/v1/rankings/"


@pytest.fixture
def built(world):
    province_data(world)
    return rollups.build(as_of=AS_OF)


def test_rollups_filtered_by_unit_period_and_metric(world, built, api_for):
    month = rollups.period_for(PeriodKind.MONTH, date(2026, 3, 1))
    response = api_for(world.province_admin).get(
        ROLLUPS,
        {
            "org_unit": world.wanli.pk,
            "period_kind": "month",
            "period_start": month.start.isoformat(),
            "metric": ["hazards_found", "accidents"],
        },
    )
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert rows and {row["metric"] for row in rows} <= {"hazards_found", "accidents"}
    stored = Rollup.objects.current().get(
        org_unit=world.wanli,
        period_kind="month",
        period_start=month.start,
        metric="hazards_found",
        industry=None,
    )
    row = next(r for r in rows if r["metric"] == "hazards_found" and r["industry"] is None)
    assert Decimal(row["subtree_value"]) == stored.subtree_value
    assert row["metric_label"] == "排查隐患" and row["org_unit_name"] == "湾里管理局"


def test_rollups_are_restricted_to_the_scope(world, built, api_for):
    response = api_for(world.township_staff).get(ROLLUPS, {"page_size": 500})
    units = {row["org_unit"] for row in response.json()["results"]}
    assert units == {world.zhaoxian.pk}
    # Above the township: out of scope, as a missing row.
    county_row = Rollup.objects.current().filter(org_unit=world.wanli).first()
    assert api_for(world.township_staff).get(f"{ROLLUPS}{county_row.pk}/").status_code == 404
    assert api_for(world.enterprise_user).get(ROLLUPS).json()["results"] == []


def test_a_department_reads_its_industries_in_its_jurisdiction(world, api_for):
    province_data(world)
    rollups.build(as_of=AS_OF)
    rows = api_for(world.dept_staff).get(ROLLUPS, {"page_size": 500}).json()["results"]
    # 谢家集区民政局 governs 养老 in 谢家集区: nothing of 江西 is visible.
    assert all(row["org_unit_name"] not in ("江西省", "湾里管理局") for row in rows)


def test_rollups_list_in_constant_queries(world, built, api_for):
    client = api_for(world.province_admin)
    client.get(ROLLUPS)
    with CaptureQueriesContext(connection) as small:
        client.get(ROLLUPS, {"page_size": 5})
    with CaptureQueriesContext(connection) as large:
        client.get(ROLLUPS, {"page_size": 200})
    assert len(small) == len(large)


def test_rollups_bad_filter_is_a_json_error(world, built, api_for):
    response = api_for(world.province_admin).get(ROLLUPS, {"metric": "nonsense"})
    assert response.status_code == 400
    assert "metric" in response.json()


# --- Rankings ------------------------------------------------------------------------------


def scheme_payload(world, **extra):
    return {
        "name": "湾里管理局乡镇赛马",
        "org_unit": world.wanli.pk,
        "ranked_level": Level.TOWNSHIP,
        "weights": [
            {"metric": "hazards_closed", "weight": 2, "direction": "higher"},
            {"metric": "hazards_overdue", "weight": 1},
        ],
        "advanced_count": 1,
        **extra,
    }


def test_scheme_crud_and_result(world, built, api_for):
    client = api_for(world.province_admin)
    response = client.post(RANKINGS, scheme_payload(world), format="json")
    assert response.status_code == 201, response.content
    scheme = RankingScheme.objects.get(pk=response.json()["id"])
    # The direction defaults to the metric's own: fewer overdue hazards is better.
    assert scheme.weights[1]["direction"] == "lower"
    assert scheme.history.count() == 1

    result = client.get(f"{RANKINGS}{scheme.pk}/result/", {"year": 2026, "quarter": 1})
    assert result.status_code == 200, result.content
    body = result.json()
    assert body["period_start"] == "2026-01-01" and body["period_end"] == "2026-03-31"
    assert {row["org_unit_name"] for row in body["rows"]} == {"招贤镇", "罗亭镇", "太平镇"}
    assert "得分 = （2×销号隐患（越高越好） + 1×逾期未整改隐患（越低越好））÷ 3" in body["formula"]
    assert [row["rank"] for row in body["rows"]] == sorted(row["rank"] for row in body["rows"])


def test_scheme_bad_input(world, api_for):
    client = api_for(world.province_admin)
    bad_metric = scheme_payload(world, weights=[{"metric": "nope", "weight": 1}])
    assert client.post(RANKINGS, bad_metric, format="json").status_code == 400
    zero = scheme_payload(world, weights=[{"metric": "drills", "weight": 0}])
    assert client.post(RANKINGS, zero, format="json").status_code == 400
    same_level = scheme_payload(world, ranked_level=Level.COUNTY)
    response = client.post(RANKINGS, same_level, format="json")
    assert response.status_code == 400
    assert "下级" in str(response.json())
    assert not RankingScheme.objects.exists()
    bad_quarter = client.get(f"{RANKINGS}0/result/", {"quarter": 9})
    assert bad_quarter.status_code == 404


def test_scheme_out_of_scope_is_refused(world, api_for):
    # A county leader may read but not set up schemes; a township's staff cannot reach 湾里.
    response = api_for(world.county_official).post(RANKINGS, scheme_payload(world), format="json")
    assert response.status_code == 403
    response = api_for(world.township_staff).post(RANKINGS, scheme_payload(world), format="json")
    assert response.status_code == 400
    assert not RankingScheme.objects.exists()


def test_ranking_exports(world, built, api_for):
    client = api_for(world.province_admin)
    scheme_id = client.post(RANKINGS, scheme_payload(world), format="json").json()["id"]
    xlsx = client.get(f"{RANKINGS}{scheme_id}/xlsx/", {"year": 2026, "quarter": 1})
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("名次", "单位", "得分")
    assert {row[1] for row in rows[1:]} == {"招贤镇", "罗亭镇", "太平镇"}
    pdf = client.get(f"{RANKINGS}{scheme_id}/pdf/", {"year": 2026, "quarter": 1})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf["Content-Disposition"]


# --- Jobs and rebuilds ---------------------------------------------------------------------


def test_rebuild_on_demand_runs_and_reports_progress(world, api_for):
    province_data(world, hazards=20, accidents=4)
    client = api_for(world.province_admin)
    response = client.post("/api/v1/rollup-rebuilds/")
    assert response.status_code == 202, response.content
    job = Job.objects.get(pk=response.json()["id"])
    # Eager Celery runs the task on commit; tests run in one transaction, so run it here.
    from reports.tasks import rebuild_rollups_job

    rebuild_rollups_job(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.progress == 100
    generation = RollupGeneration.objects.get(pk=job.result["generation"])
    assert generation.kind == RollupGeneration.Kind.ON_DEMAND
    assert generation.job_id == job.pk
    body = client.get(f"/api/v1/jobs/{job.pk}/").json()
    assert body["status"] == "succeeded" and body["progress"] == 100
    # A second delivery of the task is a no-op.
    rebuild_rollups_job(job.pk)
    assert RollupGeneration.objects.count() == 1


def test_rebuild_is_for_admins_and_jobs_for_their_owner(world, api_for):
    response = api_for(world.county_official).post("/api/v1/rollup-rebuilds/")
    assert response.status_code == 403
    assert "管理员" in response.json()["detail"]
    job = Job.objects.create(kind=Job.Kind.ROLLUP_REBUILD, owner=world.province_admin)
    assert api_for(world.county_official).get(f"/api/v1/jobs/{job.pk}/").status_code == 404
    assert api_for(world.province_admin).get(f"/api/v1/jobs/{job.pk}/").status_code == 200
    # One rebuild at a time: another admin is told to wait.
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    other = api_for(world.province_admin).post("/api/v1/rollup-rebuilds/")
    assert other.status_code == 202 and other.json()["id"] == job.pk
