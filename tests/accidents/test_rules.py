"""The statute's rules: grading at every boundary, the 补报 window, reporting timers, veto."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accidents import services
from accidents.constants import Category, Grade, Kind
from accidents.models import Accident
from core.exceptions import StaleVersionError
from tests.accidents.factories import accident_data, local

G, L, M, X = Grade.GENERAL, Grade.LARGER, Grade.MAJOR, Grade.EXTRAORDINARY
ZERO = Decimal("0")


@pytest.mark.parametrize(
    ("deaths", "expected"),
    [(0, G), (2, G), (3, L), (9, L), (10, M), (29, M), (30, X), (31, X)],
)
def test_grade_by_deaths(deaths, expected):
    assert services.grade_for(deaths, 0, ZERO) == expected


@pytest.mark.parametrize(
    ("serious", "expected"),
    [(9, G), (10, L), (49, L), (50, M), (99, M), (100, X)],
)
def test_grade_by_serious_injuries(serious, expected):
    assert services.grade_for(0, serious, ZERO) == expected


@pytest.mark.parametrize(
    ("loss", "expected"),
    [
        ("999.99", G),
        ("1000", L),
        ("4999.99", L),
        ("5000", M),
        ("9999.99", M),
        ("10000", X),
    ],
)
def test_grade_by_direct_loss_in_wan_yuan(loss, expected):
    assert services.grade_for(0, 0, Decimal(loss)) == expected


def test_the_highest_figure_decides():
    assert services.grade_for(2, 50, Decimal("1000")) == M
    assert services.grade_for(30, 0, ZERO) == X


def test_recording_grades_and_defaults_from_the_enterprise(world):
    accident = services.record_accident(
        accident_data(world, deaths=3, enterprise=world.ent_zhaoxian_2), user=world.township_staff
    )
    accident.refresh_from_db()
    assert accident.grade == L
    assert accident.org_unit == world.zhaoxian
    assert accident.industry == world.construction
    assert accident.county_id == world.wanli.pk
    assert accident.history.count() == 1
    assert "较大事故" in accident.history.first().history_change_reason


def _edit(accident, user, at, **data):
    return services.update_accident(
        accident, data, user=user, expected_version=accident.version, now=at
    )


@pytest.mark.parametrize(
    ("category", "days"),
    [(Category.PRODUCTION, 30), (Category.ROAD_TRAFFIC, 7), (Category.FIRE, 7)],
)
def test_regrading_within_the_window_to_its_last_minute(world, category, days):
    accident = services.record_accident(
        accident_data(
            world,
            category=category,
            occurred_at=local(2026, 3, 1, 23, 30),
            unit_reported_at=local(2026, 3, 1, 23, 50),
            county_reported_at=None,
        ),
        user=world.township_staff,
    )
    assert accident.grade == G
    last_minute = local(2026, 3, 1, 23, 59, 59) + timedelta(days=days)
    accident = _edit(accident, world.township_staff, last_minute, deaths=3)
    assert accident.grade == L
    assert accident.version == 2
    latest = accident.history.first()
    assert latest.grade == L
    assert "由一般事故调整为较大事故" in latest.history_change_reason


@pytest.mark.parametrize(
    ("category", "days"),
    [(Category.PRODUCTION, 30), (Category.ROAD_TRAFFIC, 7), (Category.FIRE, 7)],
)
def test_after_the_window_the_change_is_recorded_but_the_grade_frozen(world, category, days):
    accident = services.record_accident(
        accident_data(
            world,
            category=category,
            occurred_at=local(2026, 3, 1, 0, 5),
            unit_reported_at=None,
            county_reported_at=None,
        ),
        user=world.township_staff,
    )
    first_moment_after = local(2026, 3, 2) + timedelta(days=days)
    accident = _edit(accident, world.township_staff, first_moment_after, deaths=3)
    accident.refresh_from_db()
    assert accident.deaths == 3
    assert accident.grade == G
    assert services.statutory_grade(accident) == L
    assert "统计等级保持一般事故" in accident.history.first().history_change_reason


def test_regrading_goes_down_as_well(world):
    accident = services.record_accident(accident_data(world, deaths=3), user=world.township_staff)
    accident = _edit(accident, world.township_staff, local(2026, 3, 5), deaths=2)
    assert accident.grade == G


def test_stale_version_writes_nothing(world):
    accident = services.record_accident(accident_data(world), user=world.township_staff)
    _edit(accident, world.township_staff, local(2026, 3, 2), injuries=5)
    with pytest.raises(StaleVersionError, match="已被他人修改"):
        services.update_accident(
            accident, {"deaths": 9}, user=world.township_staff, expected_version=1
        )
    accident.refresh_from_db()
    assert accident.deaths == 1
    assert accident.version == 2


def test_bad_input_is_refused_in_chinese_and_nothing_written(world):
    count = Accident.objects.count()
    with pytest.raises(ValidationError) as error:
        services.record_accident(
            accident_data(
                world,
                title=" ",
                occurred_at=local(2099, 1, 1),
                direct_loss=Decimal("-1"),
                unit_reported_at=None,
                county_reported_at=None,
            ),
            user=world.township_staff,
        )
    assert set(error.value.message_dict) == {"title", "occurred_at", "direct_loss"}
    with pytest.raises(ValidationError) as error:
        services.record_accident(
            accident_data(world, county_reported_at=local(2026, 3, 1, 8, 30)),
            user=world.township_staff,
        )
    assert "不能早于" in error.value.message_dict["county_reported_at"][0]
    with pytest.raises(ValidationError) as error:
        services.record_accident(accident_data(world, enterprise=None), user=world.township_staff)
    assert "事故发生地" in error.value.message_dict["org_unit"][0]
    with pytest.raises(ValidationError):
        services.record_accident(
            accident_data(world, enterprise=None, org_unit=world.xjj_mzj, industry=world.chemicals),
            user=world.province_admin,
        )
    assert Accident.objects.count() == count


def test_scope_refuses_other_townships_and_readers(world):
    with pytest.raises(ValidationError, match="管辖范围"):
        services.record_accident(
            accident_data(world, enterprise=world.ent_luoting), user=world.township_staff
        )
    with pytest.raises(PermissionDenied):
        services.record_accident(
            accident_data(world, enterprise=None, org_unit=world.luoting, industry=world.chemicals),
            user=world.township_staff,
        )
    with pytest.raises(PermissionDenied):
        services.record_accident(accident_data(world), user=world.county_official)
    assert not Accident.objects.exists()


# -- reporting timers ------------------------------------------------------------------------

OCCURRED = local(2026, 3, 1, 8, 0)
HOUR = timedelta(hours=1)
SECOND = timedelta(seconds=1)


def _timed(world, grade_deaths=1, **times):
    data = accident_data(
        world,
        deaths=grade_deaths,
        occurred_at=OCCURRED,
        unit_reported_at=None,
        county_reported_at=None,
    )
    data.update(times)
    return services.record_accident(data, user=world.province_admin)


def _late_in_sql(accident, now):
    return Accident.objects.filter(services.late_q(now), pk=accident.pk).exists()


@pytest.mark.parametrize(("delay", "late"), [(HOUR, False), (HOUR + SECOND, True)])
def test_unit_reports_within_one_hour(world, delay, late):
    accident = _timed(world, unit_reported_at=OCCURRED + delay, county_reported_at=OCCURRED + delay)
    now = local(2026, 6, 1)
    assert services.is_late(accident, now) is late
    assert _late_in_sql(accident, now) is late


@pytest.mark.parametrize(("delay", "late"), [(2 * HOUR, False), (2 * HOUR + SECOND, True)])
@pytest.mark.parametrize("level", ["county", "city", "province"])
def test_each_level_reports_within_two_hours_of_the_one_below(world, level, delay, late):
    # A 重大 accident goes all the way up; each level is timed from the one below it.
    times = {"unit_reported_at": OCCURRED + HOUR}
    previous = times["unit_reported_at"]
    for name in ("county", "city", "province"):
        times[f"{name}_reported_at"] = previous + (delay if name == level else HOUR)
        previous = times[f"{name}_reported_at"]
    accident = _timed(world, grade_deaths=10, **times)
    now = local(2026, 6, 1)
    steps = {step.field: step.late for step in services.reporting_steps(accident, now)}
    assert steps[f"{level}_reported_at"] is late
    assert services.is_late(accident, now) is late
    assert _late_in_sql(accident, now) is late


def test_missing_reports_turn_late_when_their_deadline_passes(world):
    accident = _timed(world)
    for now, late in ((OCCURRED + HOUR, False), (OCCURRED + HOUR + SECOND, True)):
        assert services.is_late(accident, now) is late
        assert _late_in_sql(accident, now) is late
    reported = _timed(world, unit_reported_at=OCCURRED + HOUR)
    deadline = OCCURRED + 3 * HOUR
    for now, late in ((deadline, False), (deadline + SECOND, True)):
        assert services.is_late(reported, now) is late
        assert _late_in_sql(reported, now) is late


def test_how_far_up_depends_on_the_grade(world):
    # 一般: up to the city (the county reports); 较大: the province; 重大: the State Council.
    fields = {
        1: ["unit_reported_at", "county_reported_at"],
        3: ["unit_reported_at", "county_reported_at", "city_reported_at"],
        10: ["unit_reported_at", "county_reported_at", "city_reported_at", "province_reported_at"],
    }
    for deaths, expected in fields.items():
        accident = _timed(
            world,
            grade_deaths=deaths,
            unit_reported_at=OCCURRED + HOUR,
            county_reported_at=OCCURRED + 2 * HOUR,
        )
        steps = services.reporting_steps(accident, local(2026, 6, 1))
        assert [step.field for step in steps] == expected
        # The 一般 accident's chain is complete; the others wait on the city, now long late.
        assert services.is_late(accident, local(2026, 6, 1)) is (deaths > 1)
        assert _late_in_sql(accident, local(2026, 6, 1)) is (deaths > 1)


def test_with_late_annotates_every_row(world):
    on_time = _timed(world, unit_reported_at=OCCURRED + HOUR, county_reported_at=OCCURRED + HOUR)
    late = _timed(world)
    flags = dict(
        services.with_late(Accident.objects.all(), local(2026, 6, 1)).values_list("pk", "is_late")
    )
    assert flags == {on_time.pk: False, late.pk: True}


# -- 一票否决 ---------------------------------------------------------------------------------


def test_vetoed_units_are_the_place_and_its_regions_below_the_ranking(world):
    services.record_accident(
        accident_data(
            world,
            deaths=3,
            occurred_at=local(2026, 1, 1, 0, 0),
            unit_reported_at=None,
            county_reported_at=None,
        ),
        user=world.province_admin,
    )
    # 一般 accidents, and 较大 ones of another year (local time), do not count.
    services.record_accident(
        accident_data(world, enterprise=world.ent_wannian, deaths=2), user=world.province_admin
    )
    services.record_accident(
        accident_data(
            world, enterprise=world.ent_luoting, deaths=3, occurred_at=local(2025, 12, 31, 23, 59)
        ),
        user=world.province_admin,
    )
    everyone = {world.zhaoxian.pk, world.wanli.pk, world.nanchang.pk, world.jiangxi.pk}
    assert services.vetoed_unit_ids(2026) == everyone
    assert services.vetoed_unit_ids(2026, within=world.jiangxi) == {
        world.zhaoxian.pk,
        world.wanli.pk,
        world.nanchang.pk,
    }
    assert services.vetoed_unit_ids(2026, within=world.wanli) == {world.zhaoxian.pk}
    assert services.vetoed_unit_ids(2026, within=world.shangrao) == set()
    assert services.vetoed_unit_ids(2025, within=world.wanli) == {world.luoting.pk}


def test_a_regraded_accident_enters_the_veto(world):
    accident = services.record_accident(accident_data(world), user=world.township_staff)
    assert services.vetoed_unit_ids(2026) == set()
    _edit(accident, world.township_staff, local(2026, 3, 10), serious_injuries=10)
    assert world.zhaoxian.pk in services.vetoed_unit_ids(2026)
    assert Accident.objects.get(pk=accident.pk).kind == Kind.POISONING
