"""Django admin (superusers): rollup generations and jobs for support, ranking schemes and
bulletin series maintained here; bulletins are read-only.

Bulletins change through reports.bulletins only: a draft's edits carry a version (two editors
cannot overwrite each other), its period is normalised and its data blocks validated, and a
published issue's numbers and frozen figures never change (issued as printed). An admin form
would bypass all of that, so issues, articles and blocks are shown, not edited.
"""

import json

from django.contrib import admin
from django.utils.html import format_html_join
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdmin, ReadOnlyMixin
from reports.models import (
    Bulletin,
    BulletinArticle,
    BulletinSeries,
    Job,
    RankingScheme,
    RollupGeneration,
)


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


NUMBERING_FIELDS = [
    "current_year",
    "next_issue_number",
    "next_total_number",
    "next_special_number",
]


@admin.register(BulletinSeries)
class BulletinSeriesAdmin(SimpleHistoryAdmin):
    list_display = ["title", "org_unit", "issuer_name", *NUMBERING_FIELDS, "is_active"]
    list_filter = ["is_active"]
    search_fields = ["title", "issuer_name", "org_unit__name"]
    list_select_related = ["org_unit"]
    raw_id_fields = ["org_unit"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # Issues are located at their series' unit (copied when drafted): moving the series
        # would leave them behind.
        readonly = ["org_unit"]
        # Numbering is set here only to carry a paper series' numbers over, before its first
        # issue in the system; afterwards publication alone advances it (series row locked),
        # so an issued number can never be handed out twice or skipped.
        if obj.bulletins.filter(status=Bulletin.Status.PUBLISHED).exists():
            readonly += NUMBERING_FIELDS
        return readonly


class BulletinArticleInline(ReadOnlyMixin, admin.StackedInline):
    model = BulletinArticle
    fields = ["order", "heading", "body", "data_blocks"]
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("blocks")

    @admin.display(description="数据块")
    def data_blocks(self, article):
        # Blocks sit under articles: one level too deep for an inline of their own.
        return format_html_join(
            "\n",
            "<p>{{{{{}}}}} {}：{}；定稿数据：{}</p>",
            (
                (
                    block.key,
                    block.get_kind_display(),
                    "、".join(map(str, block.metrics)),
                    "—"
                    if block.frozen_at is None
                    else json.dumps(block.frozen_value, ensure_ascii=False),
                )
                for block in article.blocks.all()
            ),
        )


@admin.register(Bulletin)
class BulletinAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "series", "org_unit", "status", "date", "published_at"]
    list_filter = ["status", "is_special", "period_kind"]
    search_fields = ["title", "series__title"]
    list_select_related = ["series", "org_unit"]
    raw_id_fields = [
        "org_unit",
        "scope_unit",
        "created_by",
        "published_by",
        "copy_to",
        "distribute_to",
    ]
    readonly_fields = ["pdf_version", "version"]
    inlines = [BulletinArticleInline]
