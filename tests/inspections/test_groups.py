"""Supervision groups: assignment grants the members scope over the assigned county through
the foundation's guardian grant, ending the term (explicitly or by the daily job) revokes it;
the roster page shows each group's counties with their coverage."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hazards.models import Hazard
from inspections import services
from inspections.models import SupervisionAssignment, SupervisionGroup, SupervisionGroupMember
from inspections.tasks import end_expired_supervision_terms
from orgs.models import Enterprise, OrgUnitGroupGrant
from tests.inspections.factories import core_world, inspect

Kind = SupervisionAssignment.Kind
Role = SupervisionGroupMember.Role


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def fresh(user):
    """The user as the next request loads it (scope_version read afresh)."""
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def wanli_group(world):
    """南昌市's group for 湾里管理局, with 上饶市's supervisor as a member (no scope there yet)."""
    return services.create_group(
        {
            "org_unit": world.nanchang,
            "name": "第一挂点联系督导组",
            "responsibilities": "任务、责任、效果包干",
            "term_start": date(2025, 1, 1),
            "term_end": date(2027, 12, 31),
            "members": [(world.supervisor, Role.MEMBER, "安委办副主任")],
        },
        user=world.province_admin,
    )


def test_assignment_grants_members_scope_over_the_county(world, wanli_group):
    supervisor = fresh(world.supervisor)
    assert not Enterprise.objects.restrict(supervisor).filter(pk=world.ent_zhaoxian.pk).exists()

    services.assign_unit(wanli_group, world.wanli, kind=Kind.REGION, user=world.province_admin)

    supervisor = fresh(world.supervisor)
    visible = set(Enterprise.objects.restrict(supervisor).values_list("pk", flat=True))
    assert {world.ent_zhaoxian.pk, world.ent_luoting.pk} <= visible
    # Over the assigned county only: not the rest of 南昌市's neighbours in Anhui.
    assert world.ent_xjj_care.pk not in visible
    # The grant is the foundation's: guardian's group permission on the county.
    assert OrgUnitGroupGrant.objects.filter(
        group=wanli_group.auth_group, content_object=world.wanli
    ).exists()


def test_term_end_removes_the_scope(world, wanli_group):
    services.assign_unit(wanli_group, world.wanli, kind=Kind.REGION, user=world.province_admin)
    assert (
        Enterprise.objects.restrict(fresh(world.supervisor))
        .filter(pk=world.ent_zhaoxian.pk)
        .exists()
    )

    services.end_term(wanli_group, user=world.province_admin)

    assert (
        not Enterprise.objects.restrict(fresh(world.supervisor))
        .filter(pk=world.ent_zhaoxian.pk)
        .exists()
    )
    wanli_group.refresh_from_db()
    assert wanli_group.ended_at is not None
    assert wanli_group.assignments.get().revoked_at is not None
    assert not OrgUnitGroupGrant.objects.filter(group=wanli_group.auth_group).exists()
    # History records who ended it.
    assert wanli_group.history.first().history_user == world.province_admin
    with pytest.raises(ValidationError, match="任期已结束"):
        services.assign_unit(wanli_group, world.wanli, kind=Kind.REGION, user=world.province_admin)


def test_daily_job_ends_expired_terms_once(world, wanli_group):
    services.assign_unit(wanli_group, world.wanli, kind=Kind.REGION, user=world.province_admin)
    SupervisionGroup.objects.filter(pk=wanli_group.pk).update(term_end=date(2025, 6, 30))
    assert end_expired_supervision_terms("2025-06-30") == 0  # the last day still counts
    assert end_expired_supervision_terms("2025-07-01") == 1
    assert end_expired_supervision_terms("2025-07-01") == 0
    assert (
        not Enterprise.objects.restrict(fresh(world.supervisor))
        .filter(pk=world.ent_zhaoxian.pk)
        .exists()
    )


def test_member_inspects_in_the_assigned_county_and_files_a_hazard(world, wanli_group):
    services.assign_unit(wanli_group, world.wanli, kind=Kind.REGION, user=world.province_admin)
    supervisor = fresh(world.supervisor)
    inspection = inspect(world, supervisor, world.ent_zhaoxian, failed=(1,), group=wanli_group)
    assert inspection.inspecting_unit == world.nanchang
    assert inspection.org_unit == world.zhaoxian
    hazard = Hazard.objects.get()
    assert hazard.source == Hazard.Source.SUPERVISION
    assert Hazard.objects.restrict(world.township_staff).filter(pk=hazard.pk).exists()


def test_group_refusals(world, wanli_group):
    # A unit out of the admin's scope (安徽) cannot be assigned.
    with pytest.raises(ValidationError, match="不在您的管辖范围内"):
        services.assign_unit(
            wanli_group, world.xiejiaji, kind=Kind.REGION, user=world.province_admin
        )
    with pytest.raises(ValidationError, match="须是部门"):
        services.assign_unit(
            wanli_group, world.wanli, kind=Kind.LEAD_DEPARTMENT, user=world.province_admin
        )
    services.assign_unit(wanli_group, world.wanli, kind=Kind.REGION, user=world.province_admin)
    with pytest.raises(ValidationError, match="已由本组挂点"):
        services.assign_unit(wanli_group, world.wanli, kind=Kind.REGION, user=world.province_admin)
    # A township's staff do not manage the city's group.
    with pytest.raises(PermissionDenied):
        services.end_term(wanli_group, user=world.township_staff)
    with pytest.raises(ValidationError, match="任期结束不能早于任期开始"):
        services.create_group(
            {
                "org_unit": world.nanchang,
                "name": "第二组",
                "term_start": date(2025, 1, 1),
                "term_end": date(2024, 1, 1),
            },
            user=world.province_admin,
        )
    assert not SupervisionGroup.objects.filter(name="第二组").exists()


def test_roster_page_shows_counties_with_coverage(world, wanli_group, client_for):
    services.assign_unit(wanli_group, world.wanli, kind=Kind.REGION, user=world.province_admin)
    supervisor = fresh(world.supervisor)
    today = timezone.localdate()
    inspect(
        world,
        supervisor,
        world.ent_zhaoxian,
        group=wanli_group,
        inspection_date=today,
    )
    services.create_schedule(
        {
            "enterprise": world.ent_zhaoxian,
            "supervising_unit": world.nanchang,
            "group": wanli_group,
            "frequency": "quarterly",
            "start_date": date(2025, 1, 1),
        },
        user=world.province_admin,
    )
    services.create_schedule(
        {
            "enterprise": world.ent_luoting,
            "supervising_unit": world.nanchang,
            "frequency": "quarterly",
            "start_date": date(2025, 1, 1),
        },
        user=world.province_admin,
    )
    response = client_for(world.city_official).get("/inspections/groups/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "第一挂点联系督导组" in page
    assert "湾里管理局" in page
    group = next(g for g in response.context["groups"] if g.pk == wanli_group.pk)
    (assignment,) = group.active_assignments
    assert assignment.quarter_visits == 1
    assert (assignment.schedules_covered, assignment.schedules_total) == (1, 2)


def test_roster_page_queries_do_not_grow_with_groups(
    world, client_for, django_assert_max_num_queries
):
    for n in range(6):
        group = services.create_group(
            {
                "org_unit": world.nanchang,
                "name": f"第{n + 1}组",
                "term_start": date(2025, 1, 1),
                "term_end": date(2027, 12, 31),
                "members": [(world.supervisor, Role.MEMBER, "")],
            },
            user=world.province_admin,
        )
        services.assign_unit(group, world.wanli, kind=Kind.REGION, user=world.province_admin)
    client = client_for(world.city_official)
    client.get("/inspections/groups/")
    with django_assert_max_num_queries(14):
        response = client.get("/inspections/groups/")
    assert len(response.context["groups"]) == 6


def test_core_world_builds(world):
    c = core_world(world)
    assert c.sibling_inspection.results.filter(hazard__isnull=False).count() == 1


def test_group_form_forms_a_group_and_grants_scope(world, client_for):
    client = client_for(world.province_admin)
    page = client.get("/inspections/groups/new/")
    assert page.status_code == 200 and "挂点地区" in page.content.decode()
    data = {
        "org_unit": world.nanchang.pk,
        "name": "第五挂点联系督导组",
        "term_start": "2025-01-01",
        "term_end": "2027-12-31",
        "leader": world.supervisor.pk,
        "regions": [world.wanli.pk],
        "lead_departments": [world.jiangxi_jgswj.pk],
        "responsibilities": "任务、责任、效果包干",
    }
    bad = client.post("/inspections/groups/new/", {**data, "term_end": "2024-12-31"})
    assert bad.status_code == 200
    assert "任期结束不能早于任期开始。" in bad.content.decode()
    assert not SupervisionGroup.objects.exists()
    response = client.post("/inspections/groups/new/", data)
    group = SupervisionGroup.objects.get()
    assert response["Location"] == group.get_absolute_url()
    assert group.memberships.get().role == Role.LEADER
    assert sorted(group.assignments.values_list("kind", flat=True)) == [
        Kind.LEAD_DEPARTMENT,
        Kind.REGION,
    ]
    assert (
        Enterprise.objects.restrict(fresh(world.supervisor))
        .filter(pk=world.ent_zhaoxian.pk)
        .exists()
    )
    # A township's staff cannot pick people or units outside their township.
    form = client_for(world.township_staff).get("/inspections/groups/new/").context["form"]
    assert set(form.fields["leader"].queryset) == {world.township_staff}
    assert world.wanli not in form.fields["regions"].queryset


def test_api_revoke_and_remove_member_take_the_scope_away(world, wanli_group, api_for):
    client = api_for(world.province_admin)
    url = f"/api/v1/supervision-groups/{wanli_group.pk}/"

    def sees_zhaoxian():
        return (
            Enterprise.objects.restrict(fresh(world.supervisor))
            .filter(pk=world.ent_zhaoxian.pk)
            .exists()
        )

    assigned = client.post(f"{url}assign/", {"org_unit": world.wanli.pk, "kind": "region"})
    assert assigned.status_code == 200 and sees_zhaoxian()
    revoked = client.post(f"{url}revoke/", {"org_unit": world.wanli.pk}, format="json")
    assert revoked.status_code == 200 and revoked.json()["assignments"] == []
    assert not sees_zhaoxian()
    again = client.post(f"{url}revoke/", {"org_unit": world.wanli.pk}, format="json")
    assert again.status_code == 400 and "org_unit" in again.json()

    client.post(f"{url}assign/", {"org_unit": world.wanli.pk, "kind": "region"})
    assert sees_zhaoxian()
    removed = client.post(f"{url}remove-member/", {"user": world.supervisor.pk}, format="json")
    assert removed.status_code == 200 and removed.json()["members"] == []
    assert not sees_zhaoxian()
