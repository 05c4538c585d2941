"""Django admin (superusers): checklist templates are maintained here; groups, inspections and
their findings are shown read-only (they change through inspections.services, which keeps
the guardian grants and the ledger links right)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from inspections.models import (
    ChecklistTemplate,
    ChecklistTemplateItem,
    Inspection,
    SupervisionGroup,
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


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SupervisionGroup)
class SupervisionGroupAdmin(ReadOnlyAdmin):
    list_display = ["name", "org_unit", "term_start", "term_end", "ended_at"]
    list_filter = ["ended_at"]
    search_fields = ["name"]
    list_select_related = ["org_unit"]


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["inspection_date", "org_unit", "kind", "method", "status", "inspecting_unit"]
    list_filter = ["kind", "method", "status"]
    list_select_related = ["org_unit", "inspecting_unit"]
    date_hierarchy = "inspection_date"
