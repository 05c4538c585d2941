"""The dashboard (工作台), the 赛马 pages and the rebuild page with its job."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orgs.constants import Level
from reports import rollups
from reports.models import Job, PeriodKind, RankingScheme
from tests.reports.factories import AS_OF, province_data, ready_generation, set_figures

pytestmark = pytest.mark.django_db


def ytd_figures(world, unit=None, **values):
    generation = ready_generation(AS_OF)
    period = rollups.period_for(PeriodKind.YTD, AS_OF)
    set_figures(generation, unit or world.jiangxi, period, **values)
    return generation, period


def test_dashboard_shows_key_figures_with_year_on_year(world, client_for):
    generation, period = ytd_figures(world, accidents=673, accident_deaths=141)
    set_figures(
        generation,
        world.jiangxi,
        rollups.same_period_last_year(period),
        accidents=1105,
        accident_deaths=228,
    )
    page = client_for(world.province_admin).get(reverse("dashboard")).content.decode()
    assert "673" in page and "同比少432起，下降39.10%" in page
    assert "同比少87人，下降38.16%" in page
    assert "南昌市" in page and "上饶市" in page  # the child-region table and chart data
    assert "vendor/echarts/echarts.min.js" in page


def test_dashboard_from_built_rollups_in_constant_queries(world, client_for):
    province_data(world, hazards=40, accidents=6)
    rollups.build(as_of=AS_OF)
    client = client_for(world.province_admin)
    client.get(reverse("dashboard"))
    with CaptureQueriesContext(connection) as province:
        assert client.get(reverse("dashboard")).status_code == 200
    with CaptureQueriesContext(connection) as county:
        client.get(reverse("dashboard"), {"unit": world.wanli.pk})
    assert len(province) == len(county)
    assert len(province) <= 30


def test_dashboard_action_lists(world, client_for):
    from tests.hazards.factories import hazard_world

    hazards = hazard_world(world)
    page = client_for(world.township_staff).get(reverse("dashboard")).content.decode()
    assert hazards.own_hazard.ledger_number in page  # overdue since 2024-06-30
    assert hazards.sibling_hazard.ledger_number not in page


def test_dashboard_unit_out_of_scope_is_404(world, client_for):
    response = client_for(world.township_staff).get(reverse("dashboard"), {"unit": world.wanli.pk})
    assert response.status_code == 404


def test_dashboard_without_rollups_says_so(world, client_for):
    page = client_for(world.county_official).get(reverse("dashboard")).content.decode()
    assert "汇总数据尚未生成" in page


def test_enterprise_user_sees_their_enterprise(world, client_for):
    page = client_for(world.enterprise_user).get(reverse("dashboard")).content.decode()
    assert world.ent_zhaoxian.name in page
    assert "主要指标" not in page


def make_scheme(world, name="湾里管理局乡镇赛马"):
    return RankingScheme.objects.create(
        name=name,
        org_unit=world.wanli,
        ranked_level=Level.TOWNSHIP,
        weights=[{"metric": "hazards_closed", "weight": 1, "direction": "higher"}],
    )


def test_ranking_page_formula_and_exports(world, client_for):
    generation = ready_generation(date(2026, 3, 31))
    q1 = rollups.period_for(PeriodKind.QUARTER, date(2026, 1, 1))
    set_figures(generation, world.luoting, q1, hazards_closed=7)
    scheme = make_scheme(world)
    client = client_for(world.county_official)
    url = reverse("reports:ranking", args=[scheme.pk])
    page = client.get(url, {"year": 2026, "quarter": 1}).content.decode()
    assert "计分办法" in page and "得分 = （1×销号隐患（越高越好））÷ 1" in page
    assert page.index("罗亭镇") < page.index("招贤镇")
    xlsx = client.get(url, {"year": 2026, "quarter": 1, "export": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    pdf = client.get(url, {"year": 2026, "quarter": 1, "export": "pdf"})
    assert pdf.content.startswith(b"%PDF")
    bad = client.get(url, {"year": "x", "quarter": 9}).content.decode()
    assert "请输入整数" in bad or "有效" in bad


def test_ranking_list_in_constant_queries(world, client_for):
    client = client_for(world.province_admin)
    make_scheme(world)
    client.get(reverse("reports:ranking_list"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("reports:ranking_list"))
    for n in range(3):
        make_scheme(world, f"方案{n}")
    with CaptureQueriesContext(connection) as four:
        page = client.get(reverse("reports:ranking_list")).content.decode()
    assert len(one) == len(four) and "方案2" in page


def test_scheme_form_creates_and_shows_errors(world, client_for):
    client = client_for(world.province_admin)
    url = reverse("reports:ranking_create")
    data = {
        "name": "南昌市县区赛马",
        "org_unit": world.nanchang.pk,
        "ranked_level": Level.COUNTY,
        "advanced_count": 2,
        "is_active": "on",
        "metric_0": "hazards_closed",
        "weight_0": "2",
        "metric_1": "accidents",
        "weight_1": "",
    }
    page = client.post(url, data).content.decode()
    assert "请填写该指标的权重" in page
    assert not RankingScheme.objects.exists()
    data["weight_1"] = "1"
    data["ranked_level"] = Level.CITY
    page = client.post(url, data).content.decode()
    assert "排名对象必须是组织单位的下级行政区域" in page
    data["ranked_level"] = Level.COUNTY
    response = client.post(url, data)
    scheme = RankingScheme.objects.get()
    assert response.status_code == 302 and response.url == scheme.get_absolute_url()
    assert scheme.weights == [
        {"metric": "hazards_closed", "weight": 2.0, "direction": "higher"},
        {"metric": "accidents", "weight": 1.0, "direction": "lower"},
    ]
    edit = client.post(
        reverse("reports:ranking_update", args=[scheme.pk]),
        {**data, "name": "南昌市县区赛马（修订）"},
    )
    assert edit.status_code == 302
    scheme.refresh_from_db()
    assert scheme.name == "南昌市县区赛马（修订）" and scheme.history.count() == 2


def test_rebuild_page_queues_a_job_with_a_progress_page(world, client_for):
    client = client_for(world.province_admin)
    page = client.get(reverse("reports:rollup_rebuild")).content.decode()
    assert "立即重算全部汇总数据" in page
    response = client.post(reverse("reports:rollup_rebuild"))
    job = Job.objects.get()
    assert response.url == reverse("reports:job_detail", args=[job.pk])
    page = client.get(response.url).content.decode()
    assert 'role="progressbar"' in page and f"/api/v1/jobs/{job.pk}/" in page
    assert client_for(world.county_official).get(response.url).status_code == 404
    assert (
        client_for(world.county_official).post(reverse("reports:rollup_rebuild")).status_code == 403
    )


def test_nightly_and_quarter_tasks(world):
    from reports.models import RollupGeneration
    from reports.tasks import close_quarter, rebuild_rollups_nightly

    province_data(world, hazards=10, accidents=2)
    rebuild_rollups_nightly(today=AS_OF.isoformat())
    assert rollups.current_generation().kind == RollupGeneration.Kind.NIGHTLY
    close_quarter(today="2026-04-01")
    generation = rollups.current_generation()
    assert generation.kind == RollupGeneration.Kind.QUARTER_CLOSE
    assert generation.as_of == date(2026, 4, 1) - timedelta(days=1)
