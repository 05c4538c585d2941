from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reports.models import Job, RankingScheme, RollupGeneration


@admin.register(RollupGeneration)
class RollupGenerationAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "status", "as_of", "started_at", "finished_at", "row_count"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in RollupGeneration._meta.fields]


@admin.register(RankingScheme)
class RankingSchemeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "org_unit", "ranked_level", "advanced_count", "is_active"]
    list_filter = ["ranked_level", "is_active"]
    search_fields = ["name"]
    raw_id_fields = ["org_unit", "created_by"]


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "owner", "status", "progress", "created_at", "finished_at"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["owner", "org_unit"]
