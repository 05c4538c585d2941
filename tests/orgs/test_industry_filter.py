"""`?industry=`: checked against the cached industries, with the database's answer for an id
the cache does not hold, and the cache forgotten whenever an industry changes."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from orgs.models import Industry
from tests.factories import EnterpriseFactory

ENTERPRISES = "/api/v1/enterprises/"
HAZARDS = "/api/v1/hazards/"
ROLLUPS = "/api/v1/rollups/"


def names(response):
    assert response.status_code == 200, response.content
    return {row["name"] for row in response.json()["results"]}


def test_a_known_industry_filters_without_reading_the_industry_table(world, api_for):
    client = api_for(world.province_admin)
    assert client.get(ENTERPRISES, {"industry": world.chemicals.pk}).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(ENTERPRISES, {"industry": world.chemicals.pk})
    assert names(response) == {"招贤镇化工有限公司", "罗亭镇化工有限公司", "万年县陈营化工厂"}
    assert not [q for q in captured if 'FROM "orgs_industry"' in q["sql"]]


def test_an_unknown_or_malformed_industry_is_a_json_error_in_chinese(world, api_for):
    client = api_for(world.province_admin)
    client.get(ENTERPRISES, {"industry": world.chemicals.pk})
    for bad in (str(Industry.objects.order_by("-pk").first().pk + 1000), "abc"):
        for url in (ENTERPRISES, HAZARDS, ROLLUPS):
            response = client.get(url, {"industry": bad})
            assert response.status_code == 400, (url, bad)
            assert "选择一个有效的选项" in response.json()["industry"][0]


def test_an_industry_added_after_the_cache_was_filled_is_accepted(world, api_for):
    client = api_for(world.province_admin)
    assert client.get(ENTERPRISES, {"industry": world.chemicals.pk}).status_code == 200
    mining = Industry.objects.create(code="metal_mining", name="金属非金属矿山", sort_order=99)
    EnterpriseFactory(name="招贤镇石灰石矿", org_unit=world.zhaoxian, industry=mining)
    assert names(client.get(ENTERPRISES, {"industry": mining.pk})) == {"招贤镇石灰石矿"}


def test_renaming_or_deleting_an_industry_forgets_the_cached_ones(world):
    assert Industry.objects.by_id()[world.construction.pk].name == world.construction.name
    world.construction.name = "建筑施工（含市政）"
    world.construction.save()
    assert Industry.objects.by_id()[world.construction.pk].name == "建筑施工（含市政）"
    spare = Industry.objects.create(code="spare", name="备用行业")
    assert spare.pk in Industry.objects.by_id()
    spare.delete()
    assert spare.pk not in Industry.objects.by_id()
