"""The supervision demo seed_demo adds: seed 004's groups at demo scale, written once."""

from inspections.models import (
    ChecklistResult,
    Inspection,
    SupervisionAssignment,
    SupervisionGroup,
    SupervisionGroupMember,
    SupervisionSchedule,
)
from orgs.demo import seed
from orgs.models import Enterprise


def test_the_supervision_demo_has_seed_004s_shape_and_is_written_once(db):
    world = seed()
    groups = SupervisionGroup.objects.filter(name__endswith="挂点联系督导组")
    assert groups.count() == 4
    # Three officials each, every one in one group only; one county and one lead unit each.
    members = SupervisionGroupMember.objects.filter(group__in=groups)
    assert members.count() == 12 and members.values("user").distinct().count() == 12
    for group in groups:
        kinds = sorted(group.assignments.values_list("kind", flat=True))
        assert kinds == sorted(SupervisionAssignment.Kind.values)
        assert (group.term_end - group.term_start).days > 3 * 365 - 5
    inspections = Inspection.objects.filter(group__in=groups)
    assert inspections.count() >= 20
    assert not inspections.exclude(status=Inspection.Status.SUBMITTED).exists()
    findings = ChecklistResult.objects.filter(inspection__in=inspections, hazard__isnull=False)
    failed = ChecklistResult.objects.filter(inspection__in=inspections, result="fail")
    assert findings.count() == failed.count() > 0
    assert SupervisionSchedule.objects.filter(enterprise__isnull=True).count() >= 12
    # The demo supervisor leads the first group and sees its county through it.
    supervisor = world.users["supervisor"]
    first = groups.get(name="第一挂点联系督导组")
    assert first.memberships.get(role=SupervisionGroupMember.Role.LEADER).user == supervisor
    county = first.assignments.get(kind="region").org_unit
    assert Enterprise.objects.restrict(supervisor).filter(org_unit__county=county).exists()

    counts = (inspections.count(), findings.count(), SupervisionSchedule.objects.count())
    seed()
    assert (
        Inspection.objects.filter(group__in=groups).count(),
        ChecklistResult.objects.filter(hazard__isnull=False, inspection__in=inspections).count(),
        SupervisionSchedule.objects.count(),
    ) == counts
