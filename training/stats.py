"""Training figures computed in SQL: hours status, coverage, drill compliance, statistics.

Every function here annotates or aggregates querysets — a list of 30 people or enterprises
costs the same queries as a list of one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest

from orgs.constants import Action, EnterpriseKind
from orgs.models import Enterprise, OrgUnit
from training.constants import (
    DRILL_INTERVAL_MONTHS,
    DRILL_REMINDER_DAYS,
    HIGH_RISK_DRILL_INTERVAL_MONTHS,
    KEY_GROUPS,
    ON_SITE_DRILL_INTERVAL_MONTHS,
    Audience,
    CertificateStatus,
    DrillKind,
    DrillStatus,
    TrainingStatus,
)
from training.dates import add_months, earliest_still_due
from training.models import (
    Attendance,
    AwarenessEvent,
    Certificate,
    Drill,
    HoursRule,
    Person,
    TrainingSession,
)

HOURS = DecimalField(max_digits=7, decimal_places=1)
ZERO = Value(Decimal(0), output_field=HOURS)
# A unit is listed as due soon from its first drill reminder on.
DUE_SOON_DAYS = max(DRILL_REMINDER_DAYS)


def _hours_sum(attendances) -> Subquery:
    return Subquery(
        attendances.values("person").annotate(total=Sum("hours")).values("total"),
        output_field=HOURS,
    )


def with_training_status(people: QuerySet, today: date) -> QuerySet:
    """Annotate people with their hours status on `today` (one query however many rows).

    Passed attendances up to `today` count. Until a person has the rule's initial hours they
    are short of them; in the year after their first training the initial training suffices;
    from then on the trailing year (the 12 months ending `today`, today included) must hold
    the yearly hours. A category without an HoursRule has no requirement.
    Annotations: training_status, training_shortfall, initial_required, annual_required,
    hours_total, hours_last_year, first_trained_on.
    """
    year_ago = add_months(today, -12)
    rule = HoursRule.objects.filter(category=OuterRef("category"), high_risk=OuterRef("high_risk"))
    attended = Attendance.objects.filter(
        person=OuterRef("pk"), passed=True, completed_on__lte=today
    )
    people = people.annotate(
        initial_required=Subquery(rule.values("initial_hours")[:1], output_field=HOURS),
        annual_required=Subquery(rule.values("annual_hours")[:1], output_field=HOURS),
        hours_total=Coalesce(_hours_sum(attended), ZERO),
        hours_last_year=Coalesce(_hours_sum(attended.filter(completed_on__gt=year_ago)), ZERO),
        first_trained_on=Subquery(attended.order_by("completed_on").values("completed_on")[:1]),
    )
    in_initial_year = Q(first_trained_on__gt=year_ago)
    return people.annotate(
        training_status=Case(
            When(initial_required__isnull=True, then=Value(TrainingStatus.NOT_REQUIRED.value)),
            When(hours_total=0, then=Value(TrainingStatus.NEVER_TRAINED.value)),
            When(hours_total__lt=F("initial_required"), then=Value(TrainingStatus.SHORT.value)),
            When(in_initial_year, then=Value(TrainingStatus.COMPLIANT.value)),
            When(
                hours_last_year__gte=F("annual_required"),
                then=Value(TrainingStatus.COMPLIANT.value),
            ),
            default=Value(TrainingStatus.SHORT.value),
        ),
        training_shortfall=Case(
            When(initial_required__isnull=True, then=ZERO),
            When(
                hours_total__lt=F("initial_required"),
                then=F("initial_required") - F("hours_total"),
            ),
            When(in_initial_year, then=ZERO),
            default=Greatest(F("annual_required") - F("hours_last_year"), ZERO),
            output_field=HOURS,
        ),
    )


@dataclass
class Coverage:
    """The share of a target group trained within a window, and who is not yet covered."""

    total: int
    covered: int
    not_covered: QuerySet

    @property
    def share(self) -> Decimal:
        """Percentage, one decimal place; 100 for an empty group (nobody left to train)."""
        if not self.total:
            return Decimal(100)
        return (Decimal(self.covered) * 100 / self.total).quantize(Decimal("0.1"))


def coverage(people: QuerySet, *, window_start: date, window_end: date) -> Coverage:
    """ "5年内全覆盖" / "分3年": of `people` (a region's or industry's target group, already
    scoped), those with a passed attendance completed within the window."""
    trained = Exists(
        Attendance.objects.filter(
            person=OuterRef("pk"),
            passed=True,
            completed_on__gte=window_start,
            completed_on__lte=window_end,
        )
    )
    marked = people.filter(is_active=True).annotate(trained=trained)
    counts = marked.aggregate(total=Count("pk"), covered=Count("pk", filter=Q(trained=True)))
    return Coverage(
        total=counts["total"],
        covered=counts["covered"],
        not_covered=marked.filter(trained=False),
    )


def drill_interval_q() -> Q:
    """Units drilling every half year: high-risk industries or units, and elderly care."""
    return (
        Q(high_risk=True)
        | Q(industry__high_risk=True)
        | Q(industry__code="elderly_care")
        | Q(kind=EnterpriseKind.ELDERLY_CARE)
    )


def _drill_status(last_field: str, overdue: Q, due_soon: Q) -> Case:
    return Case(
        When(**{f"{last_field}__isnull": True}, then=Value(DrillStatus.OVERDUE.value)),
        When(overdue, then=Value(DrillStatus.OVERDUE.value)),
        When(due_soon, then=Value(DrillStatus.DUE_SOON.value)),
        default=Value(DrillStatus.COMPLIANT.value),
    )


def drill_compliance(unit_or_queryset, today: date) -> QuerySet:
    """Active enterprises annotated with their drill compliance on `today`.

    `unit_or_queryset`: an OrgUnit (its subtree) or an Enterprise queryset (scoped already).
    Two requirements (training.constants), each due `interval` months after the last drill
    that counts for it and overdue from the day after; never drilled is overdue:
    - general: drills other than 现场处置, every 12 months (6 for drill_interval_q);
    - on-site: 现场处置 drills, every ON_SITE_DRILL_INTERVAL_MONTHS.
    Annotations: last_drill_on, drill_interval_months, general_drill_status (general);
    last_on_site_drill_on, on_site_drill_status; drill_status, the worse of the two.
    `drill_due_on(row)` / `on_site_drill_due_on(row)` give the dates.
    """
    if isinstance(unit_or_queryset, OrgUnit):
        enterprises = Enterprise.objects.within(unit_or_queryset)
    else:
        enterprises = unit_or_queryset
    held = Drill.objects.filter(enterprise=OuterRef("pk"), held_on__lte=today).order_by("-held_on")
    general = held.exclude(kind=DrillKind.ON_SITE)
    on_site = held.filter(kind=DrillKind.ON_SITE)
    half_yearly = drill_interval_q()
    # Due within DUE_SOON_DAYS (due date included) = overdue on the day after that.
    soon = today + timedelta(days=DUE_SOON_DAYS + 1)
    cutoffs = {
        months: (earliest_still_due(today, months), earliest_still_due(soon, months))
        for months in (
            DRILL_INTERVAL_MONTHS,
            HIGH_RISK_DRILL_INTERVAL_MONTHS,
            ON_SITE_DRILL_INTERVAL_MONTHS,
        )
    }

    def general_before(index):
        return Q(
            half_yearly, last_drill_on__lt=cutoffs[HIGH_RISK_DRILL_INTERVAL_MONTHS][index]
        ) | Q(~half_yearly, last_drill_on__lt=cutoffs[DRILL_INTERVAL_MONTHS][index])

    def on_site_before(index):
        return Q(last_on_site_drill_on__lt=cutoffs[ON_SITE_DRILL_INTERVAL_MONTHS][index])

    def either(status):
        return Q(general_drill_status=status) | Q(on_site_drill_status=status)

    return (
        enterprises.filter(is_active=True)
        .annotate(
            last_drill_on=Subquery(general.values("held_on")[:1]),
            last_on_site_drill_on=Subquery(on_site.values("held_on")[:1]),
            drill_interval_months=Case(
                When(half_yearly, then=Value(HIGH_RISK_DRILL_INTERVAL_MONTHS)),
                default=Value(DRILL_INTERVAL_MONTHS),
                output_field=IntegerField(),
            ),
        )
        .annotate(
            general_drill_status=_drill_status(
                "last_drill_on", general_before(0), general_before(1)
            ),
            on_site_drill_status=_drill_status(
                "last_on_site_drill_on", on_site_before(0), on_site_before(1)
            ),
        )
        .annotate(
            drill_status=Case(
                When(either(DrillStatus.OVERDUE), then=Value(DrillStatus.OVERDUE.value)),
                When(either(DrillStatus.DUE_SOON), then=Value(DrillStatus.DUE_SOON.value)),
                default=Value(DrillStatus.COMPLIANT.value),
            )
        )
    )


# Units needing attention first.
URGENCY = (DrillStatus.OVERDUE, DrillStatus.DUE_SOON, DrillStatus.COMPLIANT)


def by_urgency(rows: QuerySet) -> QuerySet:
    """Rows of `drill_compliance` overdue first, then due soon; within each, the units that
    drilled longest ago (or never) first."""
    return rows.order_by(
        Case(
            *(When(drill_status=status, then=Value(rank)) for rank, status in enumerate(URGENCY)),
            output_field=IntegerField(),
        ),
        F("last_drill_on").asc(nulls_first=True),
        F("last_on_site_drill_on").asc(nulls_first=True),
        "name",
        "pk",
    )


def drill_due_on(row) -> date | None:
    """The last day a row of `drill_compliance` meets the general requirement; None when it
    never drilled."""
    if row.last_drill_on is None:
        return None
    return add_months(row.last_drill_on, row.drill_interval_months)


def on_site_drill_due_on(row) -> date | None:
    """The last day a row of `drill_compliance` meets the on-site requirement."""
    if row.last_on_site_drill_on is None:
        return None
    return add_months(row.last_on_site_drill_on, ON_SITE_DRILL_INTERVAL_MONTHS)


def certificate_status_q(today: date) -> dict[str, Q]:
    return {
        CertificateStatus.EXPIRED: Q(expires_on__lt=today),
        CertificateStatus.REVIEW_DUE: Q(expires_on__gte=today, review_due_on__lt=today),
        CertificateStatus.VALID: Q(expires_on__gte=today, review_due_on__gte=today),
    }


def with_certificate_status(certificates: QuerySet, today: date) -> QuerySet:
    """Annotate `certificate_status`: expired after its expiry date, review due after its
    review date (both dates themselves still count as valid)."""
    return certificates.annotate(
        certificate_status=Case(
            *(
                When(q, then=Value(status.value))
                for status, q in certificate_status_q(today).items()
            )
        )
    )


def with_expired_certificates(enterprises: QuerySet, today: date) -> QuerySet:
    """Flag enterprises whose people hold expired certificates: `expired_certificates`."""
    expired = (
        Certificate.objects.filter(enterprise=OuterRef("pk"), is_void=False, expires_on__lt=today)
        .values("enterprise")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return enterprises.annotate(
        expired_certificates=Coalesce(Subquery(expired, output_field=IntegerField()), 0)
    )


def flagged_enterprises(certificates: QuerySet, today: date) -> QuerySet:
    """The enterprises holding expired certificates among `certificates` (scoped already),
    the most first: dicts of enterprise, enterprise__name, expired. One grouped query over
    the expired certificates only."""
    return (
        certificates.filter(is_void=False, expires_on__lt=today, enterprise__isnull=False)
        .values("enterprise", "enterprise__name")
        .annotate(expired=Count("pk"))
        .order_by("-expired", "enterprise__name")
    )


def training_stats(unit: OrgUnit, period_start: date, period_end: date, *, user=None) -> dict:
    """Figures for `unit`'s subtree and the period (restricted to `user`'s scope if given):
    sessions, attendance and person-hours by audience; key-group coverage; certificates
    valid / due for review / expired on `period_end`; drills held and units overdue;
    awareness events and their reach. A fixed number of queries."""

    def scoped(model):
        rows = model.objects.within(unit)
        return rows.restrict(user, Action.VIEW) if user is not None else rows

    sessions = scoped(TrainingSession).filter(end_date__gte=period_start, end_date__lte=period_end)
    by_audience = {
        row["audience"]: row
        for row in sessions.values("audience").annotate(
            sessions=Count("pk"),
            attendance=Sum("attendance_count"),
            person_hours=Sum(F("attendance_count") * F("hours"), output_field=HOURS),
        )
    }
    audiences = [
        {
            "audience": audience.value,
            "label": str(audience.label),
            "sessions": by_audience.get(audience, {}).get("sessions", 0),
            "attendance": by_audience.get(audience, {}).get("attendance") or 0,
            "person_hours": by_audience.get(audience, {}).get("person_hours") or Decimal(0),
        }
        for audience in Audience
    ]
    key_people = scoped(Person).filter(category__in=KEY_GROUPS)
    key_coverage = coverage(key_people, window_start=period_start, window_end=period_end)
    certificates = scoped(Certificate).filter(is_void=False)
    certificate_counts = certificates.aggregate(
        **{
            status.value: Count("pk", filter=q)
            for status, q in certificate_status_q(period_end).items()
        }
    )
    enterprises = scoped(Enterprise)
    drills = scoped(Drill).filter(held_on__gte=period_start, held_on__lte=period_end)
    drill_counts = drills.aggregate(
        held=Count("pk"),
        unscripted=Count("pk", filter=Q(unscripted=True)),
        on_site=Count("pk", filter=Q(kind=DrillKind.ON_SITE)),
    )
    compliance = drill_compliance(enterprises, period_end).aggregate(
        units=Count("pk"),
        overdue=Count("pk", filter=Q(drill_status=DrillStatus.OVERDUE)),
        due_soon=Count("pk", filter=Q(drill_status=DrillStatus.DUE_SOON)),
        on_site_overdue=Count("pk", filter=Q(on_site_drill_status=DrillStatus.OVERDUE)),
    )
    events = scoped(AwarenessEvent).filter(held_on__gte=period_start, held_on__lte=period_end)
    event_counts = events.aggregate(events=Count("pk"), reach=Coalesce(Sum("reach"), 0))
    return {
        "unit": unit,
        "period_start": period_start,
        "period_end": period_end,
        "sessions": sum(a["sessions"] for a in audiences),
        "attendance": sum(a["attendance"] for a in audiences),
        "person_hours": sum((a["person_hours"] for a in audiences), Decimal(0)),
        "by_audience": audiences,
        "key_group_coverage": {
            "total": key_coverage.total,
            "covered": key_coverage.covered,
            "share": key_coverage.share,
        },
        "certificates": certificate_counts,
        "drills": {**drill_counts, **compliance},
        "awareness": event_counts,
    }
