"""Setting a visiting frequency from the coverage page (督导频次)."""

from django.urls import reverse

from inspections.models import SupervisionSchedule

URL = reverse("inspections:schedule_create")


def test_township_staff_schedule_a_quarterly_visit_of_an_enterprise(world, client_for):
    client = client_for(world.township_staff)
    assert "设定督导频次" in client.get(reverse("inspections:coverage")).content.decode()
    response = client.post(
        URL,
        {
            "enterprise": world.ent_zhaoxian.pk,
            "supervising_unit": world.zhaoxian.pk,
            "frequency": "quarterly",
            "start_date": "2026-01-01",
            "note": "危化企业每季度督导",
        },
    )
    assert response.status_code == 302, response.content.decode()
    schedule = SupervisionSchedule.objects.get()
    assert schedule.enterprise == world.ent_zhaoxian and schedule.org_unit == world.zhaoxian
    assert schedule.history.count() == 1
    coverage = client.get(reverse("inspections:coverage")).content.decode()
    assert "危化企业每季度督导" in coverage and "本期未督导" in coverage


def test_a_schedule_needs_a_target_and_stays_in_scope(world, client_for):
    client = client_for(world.township_staff)
    base = {"supervising_unit": world.zhaoxian.pk, "frequency": "quarterly"}
    page = client.post(URL, {**base, "start_date": "2026-01-01"}).content.decode()
    assert "请选择督导对象" in page
    page = client.post(
        URL, {**base, "enterprise": world.ent_luoting.pk, "start_date": "2026-01-01"}
    ).content.decode()
    assert "选择一个有效的选项" in page or "不在您的管辖范围内" in page
    page = client.post(
        URL,
        {
            **base,
            "org_unit": world.zhaoxian.pk,
            "start_date": "2026-02-01",
            "end_date": "2026-01-01",
        },
    ).content.decode()
    assert "截止日期不能早于起始日期" in page
    assert not SupervisionSchedule.objects.exists()


def test_enterprise_users_may_not_set_schedules(world, client_for):
    assert client_for(world.enterprise_user).get(URL).status_code in (403, 404)
