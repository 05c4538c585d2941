"""双随机 draws: the same seed and pool give the same result; an inspector is never drawn for
an enterprise of their own unit; every draw is recorded (a redraw is a new draw with a
reason); a pool smaller than N is a clear error; a draw can be verified and is published to
its unit once."""

import random
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Notification
from hazards import risk_services
from inspections import draws
from inspections.models import RandomDraw
from orgs.constants import Role
from orgs.services import add_membership
from tests.factories import EnterpriseFactory, UserFactory
from tests.hazards.tenancy_risks import risk_data
from tests.inspections.factories import core_world

URL = "/api/v1/random-draws/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def county(world):
    """湾里管理局 with ten chemical plants across its townships and five officials: the
    county's leader, the two townships' staff, and two county inspectors."""
    w = world
    w.plants = [
        EnterpriseFactory(name=f"湾里化工{i}厂", org_unit=town, industry=w.chemicals)
        for i, town in enumerate([w.zhaoxian, w.luoting, w.taiping] * 3 + [w.taiping])
    ]
    w.inspectors = []
    for name in ("wanli_inspector_1", "wanli_inspector_2"):
        user = UserFactory(username=name, full_name=f"{name}姓名")
        add_membership(user=user, org_unit=w.wanli, role=Role.STAFF, granted_by=None)
        w.inspectors.append(user)
    return w


def draw(client, w, **data):
    return client.post(
        URL,
        {
            "org_unit": w.wanli.pk,
            "title": "2025年第四季度危化企业双随机抽查",
            "target_count": 4,
            "inspectors_per_target": 2,
            "industry": w.chemicals.pk,
            **data,
        },
        format="json",
    )


def test_the_same_seed_and_pool_give_the_same_result(county, api_for):
    client = api_for(county.province_admin)
    first = draw(client, county, seed="2025Q4").json()
    second = draw(client, county, seed="2025Q4").json()
    assert first["id"] != second["id"]
    assert first["pool_snapshot"] == second["pool_snapshot"]
    assert first["result"] == second["result"]
    assert len(first["result"]) == 4
    assert all(len(row["inspectors"]) == 2 for row in first["result"])
    # The order the snapshots are stored or read in does not matter: the draw sorts them.
    shuffled_pool, shuffled_roster = (
        list(first["pool_snapshot"]),
        list(first["inspectors_snapshot"]),
    )
    random.Random(1).shuffle(shuffled_pool)
    random.Random(2).shuffle(shuffled_roster)
    assert draws.compute_result("2025Q4", shuffled_pool, shuffled_roster, 4, 2) == first["result"]
    # Other seeds give other draws.
    others = {
        str(draws.compute_result(f"seed-{i}", shuffled_pool, shuffled_roster, 4, 2))
        for i in range(10)
    }
    assert len(others) > 1
    # Without a seed one is generated and stored.
    fresh = draw(client, county).json()
    assert len(fresh["seed"]) == 32
    assert RandomDraw.objects.count() == 3


def test_an_inspector_is_never_drawn_for_their_own_township(county, api_for):
    client = api_for(county.province_admin)
    by_id = {e.pk: e for e in [*county.plants, county.ent_zhaoxian, county.ent_luoting]}
    for index in range(15):
        body = draw(
            client, county, seed=f"conflict-{index}", target_count=8, inspectors_per_target=3
        ).json()
        roster = {row["id"]: set(row["units"]) for row in body["inspectors_snapshot"]}
        assert county.township_staff.pk in roster and county.township_staff_b.pk in roster
        for row in body["result"]:
            town = by_id[row["enterprise"]].org_unit_id
            assert all(town not in roster[person] for person in row["inspectors"])
    # 招贤镇's staff alone cannot inspect 招贤镇's plants: a clear error, nothing recorded.
    before = RandomDraw.objects.count()
    refused = draw(
        client,
        county,
        org_unit=county.zhaoxian.pk,
        target_count=1,
        inspectors_per_target=1,
        inspectors=[county.township_staff.pk],
    )
    assert refused.status_code == 400
    assert "回避后可抽取的执法检查人员只有0人" in refused.json()["inspectors_per_target"][0]
    assert RandomDraw.objects.count() == before


def test_a_pool_smaller_than_n_is_a_clear_error(county, api_for):
    client = api_for(county.province_admin)
    # Ten plants and the world's two chemical enterprises of 湾里管理局.
    response = draw(client, county, target_count=13)
    assert response.status_code == 400
    assert response.json()["target_count"] == [
        "符合条件的企业只有12家，少于要抽取的13家：请放宽条件或减少抽取数量。"
    ]
    empty_roster = draw(client, county, inspectors=[county.enterprise_user.pk])
    assert empty_roster.status_code == 400
    assert "执法检查人员不存在或不在您的管辖范围内" in empty_roster.json()["inspectors"][0]
    assert not RandomDraw.objects.exists()
    # Out of scope: 招贤镇's staff cannot draw for the county or name 罗亭镇's staff.
    township = api_for(county.township_staff)
    assert draw(township, county).status_code == 400
    assert "org_unit" in draw(township, county).json()


def test_pool_filters_industry_risk_level_and_recent_inspections(county):
    w = county
    core_world(w)  # 招贤镇化工有限公司 inspected on 2025-09-28
    admin = w.province_admin
    everyone = list(draws.enterprise_pool(admin, org_unit=w.wanli))
    assert w.ent_zhaoxian_2 in everyone  # construction
    chemicals = list(draws.enterprise_pool(admin, org_unit=w.wanli, industry=w.chemicals))
    assert w.ent_zhaoxian in chemicals and w.ent_zhaoxian_2 not in chemicals
    recent = list(
        draws.enterprise_pool(
            admin, org_unit=w.wanli, not_inspected_months=3, today=date(2025, 12, 27)
        )
    )
    assert w.ent_zhaoxian not in recent and w.ent_luoting not in recent
    later = list(
        draws.enterprise_pool(
            admin, org_unit=w.wanli, not_inspected_months=3, today=date(2025, 12, 29)
        )
    )
    assert w.ent_zhaoxian in later
    risk_services.create_risk(risk_data(w.plants[2]), user=w.province_admin)
    red = list(draws.enterprise_pool(admin, org_unit=w.wanli, risk_level="major"))
    assert red == [w.plants[2]]
    assert list(draws.enterprise_pool(admin, org_unit=w.wanli, risk_level="low")) == []
    # The pool is in canonical order, whatever the enterprises' names.
    assert [e.pk for e in everyone] == sorted(e.pk for e in everyone)


def test_every_draw_is_recorded_and_a_redraw_needs_a_reason(county, api_for):
    client = api_for(county.province_admin)
    original = draw(client, county, seed="first").json()
    redraw_url = f"{URL}{original['id']}/redraw/"
    no_reason = client.post(redraw_url, {"reason": " "}, format="json")
    assert no_reason.status_code == 400
    assert RandomDraw.objects.count() == 1
    again = client.post(redraw_url, {"reason": "抽中企业已停业注销"}, format="json")
    assert again.status_code == 201, again.content
    new = again.json()
    assert new["previous_draw"] == original["id"] and new["reason"] == "抽中企业已停业注销"
    assert new["seed"] != "first"
    assert new["pool_filters"]["industry"] == county.chemicals.pk
    # The original is kept as it was, and points at its replacement.
    kept = client.get(f"{URL}{original['id']}/").json()
    assert kept["result"] == original["result"] and kept["redraw_ids"] == [new["id"]]
    twice = client.post(redraw_url, {"reason": "再抽一次"}, format="json")
    assert twice.status_code == 400
    assert "已被重新抽取过" in str(twice.json())
    replaced = client.post(f"{URL}{original['id']}/publish/", format="json")
    assert replaced.status_code == 400 and "已被重新抽取，不能公示" in str(replaced.json())
    assert RandomDraw.objects.count() == 2
    # No edit, no delete.
    assert client.patch(f"{URL}{original['id']}/", {"seed": "x"}, format="json").status_code == 405
    assert client.delete(f"{URL}{original['id']}/").status_code == 405


def test_a_draw_verifies_from_its_seed_and_snapshots(county, api_for):
    client = api_for(county.province_admin)
    made = draw(client, county, seed="verify-me").json()
    verified = client.get(f"{URL}{made['id']}/verify/").json()
    assert verified == {"reproducible": True, "recomputed": made["result"]}
    tampered = list(reversed(made["result"]))
    RandomDraw.objects.filter(pk=made["id"]).update(result=tampered)
    assert client.get(f"{URL}{made['id']}/verify/").json()["reproducible"] is False


def test_publishing_notifies_the_unit_and_the_drawn_inspectors_once(county, api_for):
    client = api_for(county.province_admin)
    made = draw(client, county, seed="publish").json()
    published = client.post(f"{URL}{made['id']}/publish/", format="json")
    assert published.status_code == 200 and published.json()["published_at"]
    drawn = {person for row in made["result"] for person in row["inspectors"]}
    # The county's officials (its leader and its inspectors) and everyone drawn.
    unit_staff = {county.county_official.pk, *(u.pk for u in county.inspectors)}
    recipients = set(
        Notification.objects.filter(title__startswith="双随机抽查结果公示").values_list(
            "recipient_id", flat=True
        )
    )
    assert recipients == drawn | unit_staff
    again = client.post(f"{URL}{made['id']}/publish/", format="json")
    assert again.status_code == 400 and "已于" in str(again.json())
    assert Notification.objects.filter(title__startswith="双随机抽查结果公示").count() == len(
        recipients
    )


def test_the_draw_pages(county, client_for):
    client = client_for(county.province_admin)
    form = client.get("/inspections/draws/new/")
    assert form.status_code == 200 and "风险等级" in form.content.decode()
    too_many = client.post(
        "/inspections/draws/new/",
        {
            "org_unit": county.wanli.pk,
            "title": "第四季度抽查",
            "target_count": 50,
            "inspectors_per_target": 1,
        },
    )
    assert too_many.status_code == 200
    assert "符合条件的企业只有" in too_many.content.decode()
    made = client.post(
        "/inspections/draws/new/",
        {
            "org_unit": county.wanli.pk,
            "title": "第四季度抽查",
            "target_count": 3,
            "inspectors_per_target": 2,
            "industry": county.chemicals.pk,
            "seed": "page",
        },
    )
    record = RandomDraw.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/inspections/draws/{record.pk}/"
    page = client.get(made["Location"]).content.decode()
    assert "按记录的种子和名录重算，结果一致" in page
    for row in draws.result_rows(record):
        assert row["enterprise"]["name"] in page
    assert "公示抽取结果" in page
    client.post(f"/inspections/draws/{record.pk}/publish/")
    page = client.get(made["Location"]).content.decode()
    assert "已于" in page and "公示抽取结果" not in page
    # The unit's inspectors read the published result in their township's list.
    listed = client_for(county.county_official).get("/inspections/draws/").content.decode()
    assert "第四季度抽查" in listed and "已公示" in listed
    redrawn = client.post(f"/inspections/draws/{record.pk}/redraw/", {"reason": ""})
    assert redrawn.status_code == 302 and RandomDraw.objects.count() == 1


def test_the_draw_list_costs_the_same_queries_for_1_and_8_draws(county, api_for):
    client = api_for(county.province_admin)
    draw(client, county, seed="0")

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured.captured_queries)

    count()
    few = count()
    for index in range(7):
        draw(client, county, seed=str(index + 1))
    assert count() == few
