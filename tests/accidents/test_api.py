"""The accident API: scope, filters, grading on create, re-grading on edit, versions, errors."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accidents import services
from accidents.models import Accident
from tests.accidents.factories import accident_data, local

LIST = "/api/v1/accidents/"


def titles(response):
    assert response.status_code == 200, response.content
    return {row["title"] for row in response.json()["results"]}


def payload(world, **extra):
    return {
        "title": "招贤镇建筑工程有限公司“5·6”高处坠落事故",
        "occurred_at": "2026-05-06T09:00:00+08:00",
        "enterprise": world.ent_zhaoxian_2.pk,
        "kind": "fall",
        "deaths": 3,
        "serious_injuries": 1,
        "injuries": 0,
        "direct_loss": "450.00",
        "unit_reported_at": "2026-05-06T09:50:00+08:00",
        **extra,
    }


def test_each_user_lists_their_part_of_the_register(world, api_for, acc):
    assert titles(api_for(world.township_staff).get(LIST)) == {acc.own.title}
    assert titles(api_for(world.township_staff_b).get(LIST)) == {acc.sibling.title}
    assert titles(api_for(world.county_official).get(LIST)) == {acc.own.title, acc.sibling.title}
    assert titles(api_for(world.enterprise_user).get(LIST)) == {acc.own.title}
    assert api_for(world.outsider).get(LIST).json()["count"] == 0
    assert api_for(world.township_staff).get(f"{LIST}{acc.sibling.pk}/").status_code == 404


def test_create_grades_and_reports_the_chain(world, api_for):
    response = api_for(world.township_staff).post(LIST, payload(world), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["grade"] == "larger"
    assert body["grade_display"] == "较大事故"
    assert body["industry"] == world.construction.pk
    assert body["org_unit_name"] == "招贤镇"
    assert body["regrade_until"].startswith("2026-06-06T00:00:00")
    # 较大: the county and the city report upward; neither has, hours ago: late.
    assert [step["field"] for step in body["reporting"]] == [
        "unit_reported_at",
        "county_reported_at",
        "city_reported_at",
    ]
    assert body["is_late"] is True
    assert Accident.objects.get(pk=body["id"]).recorded_by == world.township_staff


def test_readers_and_other_townships_cannot_record(world, api_for):
    assert (
        api_for(world.county_official).post(LIST, payload(world), format="json").status_code == 403
    )
    enterprise = api_for(world.enterprise_user)
    own = payload(world, enterprise=world.ent_zhaoxian.pk)
    assert enterprise.post(LIST, own, format="json").status_code == 403
    response = api_for(world.township_staff_b).post(LIST, payload(world), format="json")
    assert response.status_code == 400
    assert "enterprise" in response.json()
    assert not Accident.objects.exists()


def test_bad_input_is_a_json_error_and_nothing_is_written(world, api_for):
    client = api_for(world.township_staff)
    response = client.post(
        LIST,
        payload(world, deaths=-1, kind="meteor", occurred_at="yesterday"),
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) >= {"deaths", "kind", "occurred_at"}
    future = (timezone.now() + timedelta(days=1)).isoformat()
    response = client.post(LIST, payload(world, occurred_at=future), format="json")
    assert response.status_code == 400
    assert response.json()["occurred_at"] == ["发生时间不能晚于当前时间。"]
    assert not Accident.objects.exists()


def test_edit_regrades_within_the_window_and_checks_the_version(world, api_for):
    recent = timezone.now() - timedelta(days=2)
    accident = services.record_accident(
        accident_data(world, occurred_at=recent, unit_reported_at=None, county_reported_at=None),
        user=world.township_staff,
    )
    client = api_for(world.township_staff)
    url = f"{LIST}{accident.pk}/"
    response = client.patch(url, {"deaths": 10, "version": 1}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["grade"] == "major"
    assert response.json()["version"] == 2
    stale = client.patch(url, {"deaths": 30, "version": 1}, format="json")
    assert stale.status_code == 409
    assert "已被他人修改" in stale.json()["detail"]
    assert Accident.objects.get(pk=accident.pk).deaths == 10


def test_edit_after_the_window_keeps_the_grade(world, api_for, acc):
    response = api_for(world.township_staff).patch(
        f"{LIST}{acc.own.pk}/", {"deaths": 3, "version": acc.own.version}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["grade"] == "general"
    assert response.json()["statutory_grade"] == "larger"


def test_filters(world, api_for, acc):
    late = services.record_accident(
        accident_data(
            world,
            title="招贤镇“7·8”迟报事故",
            occurred_at=local(2026, 7, 8, 10, 0),
            unit_reported_at=local(2026, 7, 8, 11, 30),
            county_reported_at=local(2026, 7, 8, 12, 0),
            deaths=4,
            category="road_traffic",
            kind="vehicle",
        ),
        user=world.township_staff,
    )
    client = api_for(world.county_official)
    everyone = {acc.own.title, acc.sibling.title, late.title}
    assert titles(client.get(LIST, {"grade": "larger"})) == {late.title}
    assert titles(client.get(LIST, {"grade": ["larger", "general"]})) == everyone
    assert titles(client.get(LIST, {"late": "true"})) == {late.title}
    assert titles(client.get(LIST, {"late": "false"})) == {acc.own.title, acc.sibling.title}
    assert titles(client.get(LIST, {"within": world.luoting.pk})) == {acc.sibling.title}
    assert titles(client.get(LIST, {"period": "2026-Q1"})) == {acc.own.title}
    assert titles(client.get(LIST, {"period": "2026-04"})) == {acc.sibling.title}
    assert titles(client.get(LIST, {"period": "2026"})) == everyone
    assert titles(client.get(LIST, {"period": "2025"})) == set()
    assert titles(
        client.get(LIST, {"industry": world.chemicals.pk, "category": "road_traffic"})
    ) == {late.title}
    assert titles(client.get(LIST, {"investigation_status": "closed"})) == set()
    assert titles(client.get(LIST, {"q": "罗亭镇"})) == {acc.sibling.title}
    bad = client.get(LIST, {"period": "2026-13"})
    assert bad.status_code == 400
    assert "期间格式" in str(bad.json())
    # A unit outside the user's scope is refused like one that does not exist.
    assert api_for(world.township_staff).get(LIST, {"within": world.luoting.pk}).status_code == 400


def test_list_queries_do_not_grow_with_rows(world, api_for, acc):
    client = api_for(world.province_admin)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    count()  # the first request compiles the scope and reads the token
    one = count()
    for n in range(15):
        services.record_accident(
            accident_data(world, title=f"事故{n}", enterprise=world.ent_wannian),
            user=world.province_admin,
        )
    assert count() == one
