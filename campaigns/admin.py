"""Django admin (superusers): the campaign and its phases are maintained here; plans and
everything under them are read-only.

Plans, tasks, assignments, slots and reports change through campaigns.services only (scope,
versions, slots, notifications, history); the admin shows them for support. The reminder
schedule is django-celery-beat's periodic task 任务报送到期提醒, editable under its own app.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from campaigns.models import (
    Assignment,
    Campaign,
    Checklist,
    ChecklistItem,
    Phase,
    Plan,
    ProgressAttachment,
    ProgressReport,
    Slot,
    Task,
)
from core.admin import ReadOnlyAdmin, ReadOnlyInline, ReadOnlyMixin


class PhaseInline(admin.TabularInline):
    model = Phase
    fields = ["order", "name", "start", "end"]
    extra = 0

    def get_queryset(self, request):
        # Campaign-wide phases; a plan's own are shown with the plan.
        return super().get_queryset(request).filter(plan=None)


@admin.register(Campaign)
class CampaignAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "start", "end"]
    inlines = [PhaseInline]


class TaskInline(ReadOnlyInline):
    model = Task
    fields = ["number", "title", "deadline", "recurrence", "times_per_period", "origin"]
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ["title", "org_unit", "document_number", "issue_date", "status", "parent"]
    list_filter = ["status", "campaign"]
    search_fields = ["title", "document_number", "org_unit__name"]
    list_select_related = ["org_unit", "parent"]
    inlines = [TaskInline]


class AssignmentInline(ReadOnlyInline):
    model = Assignment
    fk_name = "task"
    fields = ["org_unit", "is_lead", "status", "derived_task", "completed_at"]


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "plan", "org_unit", "deadline", "recurrence", "version"]
    list_filter = ["recurrence"]
    search_fields = ["text", "title", "plan__title"]
    list_select_related = ["plan", "org_unit"]
    inlines = [AssignmentInline]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["task", "org_unit", "is_lead", "status", "completed_at"]
    list_filter = ["status"]
    search_fields = ["org_unit__name", "task__text"]
    list_select_related = ["task", "org_unit"]


@admin.register(Slot)
class SlotAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["assignment", "period", "due_date", "status", "last_reminder"]
    list_filter = ["status"]
    search_fields = ["org_unit__name", "period"]
    list_select_related = ["assignment__task", "assignment__org_unit"]
    # Two million rows a province: no COUNT(*) of the whole table on each page.
    show_full_result_count = False


class AttachmentInline(ReadOnlyInline):
    model = ProgressAttachment
    fields = ["original_name", "uploaded_by", "uploaded_at"]


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = ["slot", "org_unit", "percent_done", "status", "submitted_at", "reviewed_by"]
    list_filter = ["status"]
    search_fields = ["org_unit__name", "text"]
    list_select_related = ["slot__assignment__task", "slot__assignment__org_unit", "org_unit"]
    inlines = [AttachmentInline]


class ChecklistItemInline(ReadOnlyInline):
    model = ChecklistItem
    fields = ["ordinal", "text", "done", "done_at", "done_by", "evidence_note"]


@admin.register(Checklist)
class ChecklistAdmin(ReadOnlyAdmin):
    list_display = ["title", "org_unit", "kind", "year"]
    list_filter = ["kind", "year"]
    search_fields = ["title", "org_unit__name"]
    list_select_related = ["org_unit"]
    inlines = [ChecklistItemInline]
