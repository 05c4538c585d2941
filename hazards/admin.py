"""Django admin (superusers): the criteria are maintained here; the ledger, the risks and
the citizens' reports are read-only.

Ledger rows change through hazards.services only (workflow, versions, history), reports
through hazards.report_services (triage, deadlines, the verified hazard); the admin shows
them for support and never deletes them. The reporter's identity (`ReporterIdentity`) is
confidential and shown only by the audited reveal: it is not registered here, nor an
inline, nor searched by the reports' admin.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdmin, ReadOnlyInline
from hazards.models import (
    Escalation,
    Hazard,
    HazardCriterion,
    HazardFile,
    HazardTransition,
    PublicReport,
    Risk,
)


@admin.register(HazardCriterion)
class HazardCriterionAdmin(SimpleHistoryAdmin):
    list_display = ["standard", "clause", "title", "industry", "document_number", "is_active"]
    list_filter = ["industry", "is_active", "standard"]
    search_fields = ["standard", "clause", "title", "text", "document_number"]
    list_select_related = ["industry"]


class TransitionInline(ReadOnlyInline):
    model = HazardTransition
    fields = ["at", "action", "from_status", "to_status", "actor", "note"]
    select_related = ["actor"]


class FileInline(ReadOnlyInline):
    model = HazardFile
    fields = ["kind", "original_name", "file", "uploaded_by", "uploaded_at"]
    select_related = ["uploaded_by"]


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
    raw_id_fields = ["enterprise", "org_unit", "listed_unit", "reported_by", "verified_by"]
    inlines = [TransitionInline, FileInline]


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin):
    list_display = ["hazard", "step", "status", "issuing_unit", "issued_at", "created_at"]
    list_filter = ["step", "status"]
    list_select_related = ["hazard", "issuing_unit"]
    raw_id_fields = ["org_unit", "hazard", "issuing_unit", "issued_by"]


@admin.register(Risk)
class RiskAdmin(ReadOnlyAdmin):
    list_display = ["name", "enterprise", "org_unit", "industry", "level", "status", "review_date"]
    list_filter = ["level", "status", "method", "industry"]
    search_fields = ["name", "place", "enterprise__name"]
    list_select_related = ["enterprise", "org_unit", "industry"]
    raw_id_fields = ["enterprise", "org_unit", "created_by"]


@admin.register(PublicReport)
class PublicReportAdmin(ReadOnlyAdmin):
    list_display = [
        "receipt_code",
        "org_unit",
        "status",
        "assigned_unit",
        "deadline",
        "enterprise",
        "hazard",
        "created_at",
    ]
    list_filter = ["status", "industry"]
    # Never the reporter's name or contact: a search by them would confirm who reported.
    search_fields = ["receipt_code", "description", "location_text", "enterprise__name"]
    list_select_related = ["org_unit", "assigned_unit", "enterprise", "hazard"]
    raw_id_fields = [
        "org_unit",
        "enterprise",
        "assigned_unit",
        "assigned_to",
        "concluded_by",
        "hazard",
    ]
    readonly_fields = ["receipt_code", "version", "created_at", "updated_at"]
