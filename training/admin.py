"""Django admin (superusers): hours rules are maintained here; the records are read-only.

Training records change through training.services (scope, versions, history). ID numbers
are shown masked; who may reveal them is the `training.view_id_number` permission, granted
to users or groups on their admin pages.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdmin, ReadOnlyInline
from training.models import (
    Attendance,
    AwarenessEvent,
    Certificate,
    Drill,
    DrillPhoto,
    HoursRule,
    Person,
    TrainingSession,
)


@admin.register(HoursRule)
class HoursRuleAdmin(SimpleHistoryAdmin):
    list_display = ["category", "high_risk", "initial_hours", "annual_hours"]
    list_filter = ["category", "high_risk"]


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ["name", "category", "masked_id_number", "enterprise", "org_unit", "is_active"]
    list_filter = ["category", "is_active", "high_risk"]
    search_fields = ["name", "id_number_last4", "enterprise__name"]
    list_select_related = ["enterprise", "org_unit"]
    raw_id_fields = ["org_unit", "enterprise"]
    # The encrypted number and its hash stay out of the admin, read-only or not.
    exclude = ["id_number_hash", "id_number_encrypted"]


class AttendanceInline(ReadOnlyInline):
    model = Attendance
    fields = ["person", "hours", "completed_on", "passed"]
    select_related = ["person"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(ReadOnlyAdmin):
    list_display = ["title", "org_unit", "audience", "start_date", "hours", "attendance_count"]
    list_filter = ["audience", "has_roster"]
    search_fields = ["title", "org_unit__name"]
    list_select_related = ["org_unit"]
    raw_id_fields = ["org_unit", "enterprise", "created_by"]
    inlines = [AttendanceInline]


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "holder", "enterprise", "review_due_on", "expires_on"]
    list_filter = ["kind", "is_void"]
    search_fields = ["number", "holder__name"]
    list_select_related = ["holder", "enterprise"]
    raw_id_fields = ["org_unit", "holder"]
    # A number that is an ID number is shown masked, as in the pages.
    exclude = ["number_hash", "number_encrypted"]


class DrillPhotoInline(ReadOnlyInline):
    model = DrillPhoto
    fields = ["original_name", "file", "uploaded_by", "uploaded_at"]
    select_related = ["uploaded_by"]


@admin.register(Drill)
class DrillAdmin(ReadOnlyAdmin):
    list_display = ["held_on", "kind", "enterprise", "org_unit", "unscripted", "participants"]
    list_filter = ["kind", "unscripted"]
    list_select_related = ["enterprise", "org_unit"]
    raw_id_fields = ["org_unit", "enterprise", "created_by"]
    inlines = [DrillPhotoInline]


@admin.register(AwarenessEvent)
class AwarenessEventAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "org_unit", "held_on", "reach"]
    list_filter = ["kind"]
    list_select_related = ["org_unit"]
    raw_id_fields = ["org_unit", "enterprise", "created_by"]
