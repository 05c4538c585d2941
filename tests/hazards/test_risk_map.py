"""安全风险四色分布图: counts equal the SQL truth for a generated province; colours by the
highest level; a constant number of queries; the API and the page."""

import random
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from hazards import risk_services
from hazards.models import Risk
from hazards.risk_constants import RISK_LEVEL_ORDER, RiskLevel, RiskMethod
from hazards.risk_map import risk_map
from orgs import services as org_services
from orgs.constants import Level
from orgs.models import Industry, OrgUnit
from tests.factories import EnterpriseFactory, UserFactory
from tests.hazards.tenancy_risks import risk_data, risk_world

LEVEL_SCORES = {
    RiskLevel.MAJOR: Decimal("25"),
    RiskLevel.HIGH: Decimal("16"),
    RiskLevel.MODERATE: Decimal("9"),
    RiskLevel.LOW: Decimal("4"),
}


def _generated_province(world, seed=7):
    """湖南省-like tree: 3 cities × 2 counties × 3 townships, 2 enterprises each, and ~300
    risks of random levels and industries (some retired, some at a county itself)."""
    rng = random.Random(seed)
    province = org_services.create_org_unit(
        name="测试省",
        level=Level.PROVINCE,
        division_code="430000",
        parent=None,
        longitude=Decimal("112.98"),
        latitude=Decimal("28.11"),
    )
    industries = list(Industry.objects.order_by("id")[:4])
    enterprises, counties = [], []
    for c in range(3):
        city = org_services.create_org_unit(
            name=f"测试市{c}",
            level=Level.CITY,
            division_code=f"43{c + 1:02d}00",
            parent=province,
            longitude=Decimal(112 + c),
            latitude=Decimal(27 + c) if c != 2 else None,
        )
        for k in range(2):
            county = org_services.create_org_unit(
                name=f"测试县{c}{k}",
                level=Level.COUNTY,
                division_code=f"43{c + 1:02d}{k + 21:02d}",
                parent=city,
            )
            counties.append(county)
            for t in range(3):
                town = org_services.create_org_unit(
                    name=f"测试镇{c}{k}{t}",
                    level=Level.TOWNSHIP,
                    division_code=f"43{c + 1:02d}{k + 21:02d}{t + 101:03d}",
                    parent=county,
                )
                for e in range(2):
                    enterprises.append(
                        EnterpriseFactory(
                            name=f"测试企业{c}{k}{t}{e}",
                            org_unit=town,
                            industry=rng.choice(industries),
                        )
                    )
    rows = []
    for index in range(300):
        level = rng.choice(RISK_LEVEL_ORDER)
        at_county = index % 25 == 0
        enterprise = None if at_county else rng.choice(enterprises)
        unit = rng.choice(counties) if at_county else enterprise.org_unit
        risk = Risk(
            enterprise=enterprise,
            org_unit=unit,
            industry=rng.choice(industries),
            name=f"风险{index}",
            hazard_factors="因素",
            method=RiskMethod.MATRIX,
            matrix_likelihood=5,
            matrix_severity=5,
            score=LEVEL_SCORES[level],
            level=level,
            control_measures="措施",
            responsible_person="张三",
            identified_date=date(2024, 1, 1),
            review_date=date(2025, 1, 1),
            status=Risk.Status.RETIRED if index % 10 == 0 else Risk.Status.ACTIVE,
        )
        risk.copy_location()
        rows.append(risk)
    Risk.objects.bulk_create(rows)
    return province


def _sql_truth(unit):
    """Active risks under each child region by level, straight from SQL on the paths."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT child.id, r.level, count(*)
              FROM orgs_orgunit child
              JOIN hazards_risk r ON r.org_path LIKE child.path || '%%'
             WHERE child.path LIKE %s AND child.depth = %s AND child.kind = 'region'
               AND r.status = 'active'
             GROUP BY child.id, r.level
            """,
            [unit.path + "%", unit.depth + 1],
        )
        truth = {}
        for child_id, level, count in cursor.fetchall():
            truth.setdefault(child_id, {})[level] = count
    return truth


@pytest.mark.parametrize("depth_name", ["province", "city", "county"])
def test_counts_equal_the_sql_truth(world, depth_name, django_assert_max_num_queries):
    province = _generated_province(world)
    unit = {
        "province": province,
        "city": OrgUnit.objects.get(name="测试市0"),
        "county": OrgUnit.objects.get(name="测试县11"),
    }[depth_name]
    with django_assert_max_num_queries(3):
        data = risk_map(Risk.objects.all(), unit=unit)
    truth = _sql_truth(unit)
    children = {row["id"]: row for row in data["regions"] if row["id"] != unit.pk}
    assert set(children) == set(OrgUnit.objects.filter(parent=unit).values_list("pk", flat=True))
    for child_id, row in children.items():
        expected = {level: truth.get(child_id, {}).get(level, 0) for level in row["counts"]}
        assert row["counts"] == expected
        assert row["total"] == sum(expected.values())
        highest = next((lvl for lvl in RISK_LEVEL_ORDER if expected[lvl]), None)
        assert row["highest"] == highest
    # Everything active in the area is counted once: children plus the unit's own level.
    active = Risk.objects.filter(status="active", org_path__startswith=unit.path)
    assert data["totals"]["total"] == active.count()
    assert sum(cell["total"] for cell in data["matrix"]) == active.count()
    per_industry = {row["id"]: row["total"] for row in data["industries"]}
    for industry_id, total in per_industry.items():
        assert total == active.filter(industry_id=industry_id).count()


def test_province_map_places_cities_by_coordinates(world, client_for):
    province = _generated_province(world)
    root = UserFactory(username="risk_root", is_superuser=True)
    response = client_for(root).get("/hazards/risks/map/", {"unit": province.pk})
    assert response.status_code == 200
    points = response.context["chart_data"]["points"]
    # 测试市2 has no coordinates: in the table, not on the map.
    assert {p["name"] for p in points} == {"测试市0", "测试市1"}
    assert "测试市2" in response.content.decode()


def test_township_drills_down_to_enterprises(world, api_for):
    r = risk_world(world)
    response = api_for(world.township_staff).get("/api/v1/risk-map/")
    body = response.json()
    assert body["unit"]["id"] == world.zhaoxian.pk
    # No child regions: one row for the township itself, and its enterprises.
    assert [(row["id"], row["name"], row["total"]) for row in body["regions"]] == [
        (world.zhaoxian.pk, "招贤镇本级", 1)
    ]
    assert [(e["id"], e["highest"]) for e in body["enterprises"]] == [
        (world.ent_zhaoxian.pk, "major")
    ]
    assert r.sibling_risk.name not in response.content.decode()


def test_county_map_counts_and_colours(world, api_for, client_for):
    risk_world(world)
    body = api_for(world.county_official).get("/api/v1/risk-map/").json()
    by_name = {row["name"]: row for row in body["regions"]}
    assert by_name["招贤镇"]["highest"] == "major" and by_name["招贤镇"]["counts"]["major"] == 1
    assert by_name["太平镇"]["highest"] is None and by_name["太平镇"]["total"] == 0
    assert body["totals"]["total"] == 2
    page = client_for(world.county_official).get("/hazards/risks/map/")
    assert "红·重大风险" in page.content.decode()


def test_map_of_an_out_of_scope_unit_is_404(world, api_for, client_for):
    assert (
        api_for(world.township_staff)
        .get("/api/v1/risk-map/", {"unit": world.luoting.pk})
        .status_code
        == 404
    )
    assert (
        client_for(world.township_staff)
        .get("/hazards/risks/map/", {"unit": world.luoting.pk})
        .status_code
        == 404
    )
    assert api_for(world.township_staff).get("/api/v1/risk-map/", {"unit": "x"}).status_code == 404


def test_department_sees_its_industries_only(world, api_for):
    """谢家集区民政局 governs elderly care: its map counts the care home's risk, not the
    chemical plant's beside it."""
    risk_services.create_risk(
        {**risk_data(world.ent_xjj_care), "name": "养老院厨房燃气火灾风险"}, user=world.dept_staff
    )
    root = UserFactory(username="risk_root", is_superuser=True)
    risk_services.create_risk(risk_data(world.ent_xjj_chem), user=root)
    body = api_for(world.dept_staff).get("/api/v1/risk-map/").json()
    assert body["totals"]["total"] == 1
    assert [row["name"] for row in body["industries"]] == ["养老服务"]


def test_map_endpoint_queries_do_not_grow_with_regions(
    world, api_for, django_assert_max_num_queries
):
    province = _generated_province(world)
    root = UserFactory(username="risk_root", is_superuser=True)
    client = api_for(root)
    client.get("/api/v1/risk-map/", {"unit": province.pk})
    # Token lookup, the unit, then the map's three queries — for the province as for a county.
    for unit in (province, OrgUnit.objects.get(name="测试县11")):
        with django_assert_max_num_queries(6):
            response = client.get("/api/v1/risk-map/", {"unit": unit.pk})
        assert response.status_code == 200
