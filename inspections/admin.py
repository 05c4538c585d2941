"""Django admin (superusers): checklist templates are maintained here; everything else is
shown read-only.

Groups, schedules and inspections change through inspections.services (which keeps the
guardian grants and the ledger links right), special campaigns and enforcement actions
through inspections.enforcement (versions, the 一案双罚 rules, generated documents), draws
through inspections.draws: a draw's result is reproducible from its seed and snapshots and a
published draw is never redone, so no field of it may be edited here.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdmin, ReadOnlyInline
from inspections.models import (
    ChecklistResult,
    ChecklistTemplate,
    ChecklistTemplateItem,
    EnforcementAction,
    Inspection,
    InspectionTarget,
    RandomDraw,
    SpecialCampaign,
    SupervisionAssignment,
    SupervisionGroup,
    SupervisionGroupMember,
    SupervisionSchedule,
)


class ChecklistTemplateItemInline(admin.TabularInline):
    model = ChecklistTemplateItem
    extra = 1
    raw_id_fields = ["criterion"]


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(SimpleHistoryAdmin):
    list_display = ["name", "industry", "is_active", "updated_at"]
    list_filter = ["industry", "is_active"]
    search_fields = ["name", "items__content"]
    list_select_related = ["industry"]
    inlines = [ChecklistTemplateItemInline]


class MemberInline(ReadOnlyInline):
    model = SupervisionGroupMember
    fields = ["user", "role", "position"]
    select_related = ["user"]


class AssignmentInline(ReadOnlyInline):
    model = SupervisionAssignment
    fields = ["org_unit", "kind", "assigned_at", "assigned_by", "revoked_at"]
    select_related = ["org_unit", "assigned_by"]


@admin.register(SupervisionGroup)
class SupervisionGroupAdmin(ReadOnlyAdmin):
    list_display = ["name", "org_unit", "term_start", "term_end", "ended_at"]
    list_filter = ["ended_at"]
    search_fields = ["name"]
    list_select_related = ["org_unit"]
    raw_id_fields = ["org_unit", "created_by"]
    # Members and assignments go through models of their own, never shown by the form.
    inlines = [MemberInline, AssignmentInline]


class TargetInline(ReadOnlyInline):
    model = InspectionTarget
    fields = ["enterprise", "org_unit"]
    select_related = ["enterprise", "org_unit"]


class ResultInline(ReadOnlyInline):
    model = ChecklistResult
    fields = ["target", "item", "result", "note", "hazard"]
    select_related = ["target__enterprise", "target__org_unit", "item", "hazard"]


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["inspection_date", "org_unit", "kind", "method", "status", "inspecting_unit"]
    list_filter = ["kind", "method", "status"]
    list_select_related = ["org_unit", "inspecting_unit"]
    raw_id_fields = [
        "org_unit",
        "inspecting_unit",
        "group",
        "special_campaign",
        "random_draw",
        "created_by",
        "team",
    ]
    date_hierarchy = "inspection_date"
    inlines = [TargetInline, ResultInline]


@admin.register(SupervisionSchedule)
class SupervisionScheduleAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "supervising_unit",
        "group",
        "frequency",
        "start_date",
        "end_date",
        "is_active",
    ]
    list_filter = ["frequency", "is_active"]
    search_fields = ["org_unit__name", "enterprise__name", "note"]
    list_select_related = ["org_unit", "enterprise", "supervising_unit", "group"]
    raw_id_fields = ["org_unit", "enterprise", "group", "supervising_unit"]
    readonly_fields = ["version", "created_at", "updated_at"]


@admin.register(SpecialCampaign)
class SpecialCampaignAdmin(ReadOnlyAdmin):
    list_display = ["name", "org_unit", "start_date", "end_date", "work_groups_sent"]
    search_fields = ["name", "org_unit__name"]
    list_select_related = ["org_unit"]
    raw_id_fields = ["org_unit", "participating_units", "created_by"]
    readonly_fields = ["version", "created_at", "updated_at"]


@admin.register(RandomDraw)
class RandomDrawAdmin(ReadOnlyAdmin):
    list_display = [
        "title",
        "org_unit",
        "special_campaign",
        "target_count",
        "created_at",
        "published_at",
        "previous_draw",
    ]
    search_fields = ["title", "org_unit__name"]
    list_select_related = ["org_unit", "special_campaign", "previous_draw"]
    raw_id_fields = ["org_unit", "special_campaign", "previous_draw", "created_by"]
    # The pool snapshot lists every enterprise the draw was made from (a county's thousands):
    # its size is shown, the list itself is the draw page's to reproduce.
    exclude = ["pool_snapshot"]
    readonly_fields = ["pool_size", "created_at"]

    @admin.display(description="企业名录数")
    def pool_size(self, draw):
        return len(draw.pool_snapshot)


@admin.register(EnforcementAction)
class EnforcementActionAdmin(ReadOnlyAdmin):
    list_display = [
        "kind",
        "enterprise",
        "org_unit",
        "issuing_unit",
        "decided_on",
        "document_number",
        "fines",
    ]
    list_filter = ["kind", "fined_party", "document_kind", "industry"]
    search_fields = ["document_number", "enterprise__name", "fined_person_name"]
    list_select_related = ["enterprise", "org_unit", "issuing_unit"]
    raw_id_fields = [
        "org_unit",
        "enterprise",
        "inspection",
        "special_campaign",
        "issuing_unit",
        "created_by",
    ]
    readonly_fields = ["version", "created_at", "updated_at"]

    @admin.display(description="罚款合计(元)")
    def fines(self, action):
        return action.fine_total if action.kind == EnforcementAction.Kind.FINE else ""
