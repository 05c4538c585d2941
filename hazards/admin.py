"""Django admin (superusers): the criteria are maintained here; the ledger is read-only.

Ledger rows change through hazards.services only (workflow, versions, history); the admin
shows them for support and never deletes them.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hazards.models import Escalation, Hazard, HazardCriterion, Risk


@admin.register(HazardCriterion)
class HazardCriterionAdmin(SimpleHistoryAdmin):
    list_display = ["standard", "clause", "title", "industry", "document_number", "is_active"]
    list_filter = ["industry", "is_active", "standard"]
    search_fields = ["standard", "clause", "title", "text", "document_number"]
    list_select_related = ["industry"]


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Hazard)
class HazardAdmin(ReadOnlyAdmin):
    list_display = [
        "ledger_number",
        "enterprise",
        "org_unit",
        "grade",
        "status",
        "found_date",
        "deadline",
        "is_overdue",
        "is_void",
    ]
    list_filter = ["status", "grade", "source", "is_stock", "is_overdue", "is_void", "industry"]
    search_fields = ["ledger_number", "description", "enterprise__name", "external_id"]
    list_select_related = ["enterprise", "org_unit"]
    raw_id_fields = ["enterprise"]


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin):
    list_display = ["hazard", "step", "status", "issuing_unit", "issued_at", "created_at"]
    list_filter = ["step", "status"]
    list_select_related = ["hazard", "issuing_unit"]


@admin.register(Risk)
class RiskAdmin(ReadOnlyAdmin):
    list_display = ["name", "enterprise", "org_unit", "industry", "level", "status", "review_date"]
    list_filter = ["level", "status", "method", "industry"]
    search_fields = ["name", "place", "enterprise__name"]
    list_select_related = ["enterprise", "org_unit", "industry"]
