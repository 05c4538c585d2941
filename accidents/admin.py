"""Django admin (superusers): the accident register is shown read-only.

Accidents change through accidents.services only: the grade is computed by the statute from
the figures and frozen once the 补报 window closes, edits carry a version, and the rollups and
rankings read what the services recorded. An admin form would bypass all of that.
"""

from django.contrib import admin

from accidents.models import Accident
from core.admin import ReadOnlyAdmin


@admin.register(Accident)
class AccidentAdmin(ReadOnlyAdmin):
    list_display = [
        "title",
        "occurred_at",
        "org_unit",
        "enterprise",
        "industry",
        "grade",
        "deaths",
        "investigation_status",
    ]
    list_filter = [
        "grade",
        "category",
        "kind",
        "investigation_status",
        "listed_supervision",
        "industry",
    ]
    search_fields = ["title", "place", "enterprise__name"]
    list_select_related = ["org_unit", "enterprise", "industry"]
    raw_id_fields = ["org_unit", "enterprise", "recorded_by"]
    readonly_fields = ["grade", "version", "created_at", "updated_at"]
