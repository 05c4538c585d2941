"""Serializers of /api/v1/bulletin-series/ and /api/v1/bulletins/.

Writes validate shapes here and go to reports.bulletins, which checks scope, drafts only and
the data blocks. A draft's articles (with their blocks) are written as one list replacing
the previous ones.
"""

from rest_framework import serializers

from core.api.fields import ScopedPrimaryKeyRelatedField
from orgs.models import OrgUnit
from reports import bulletins
from reports.models import Bulletin, BulletinArticle, BulletinSeries, DataBlock, Job
from reports.rollups import metric_choices


class BulletinSeriesSerializer(serializers.ModelSerializer):
    # Any unit in view: whether the user may keep a series there is the series' own scope,
    # checked by the service on the row as written.
    org_unit = ScopedPrimaryKeyRelatedField(queryset=OrgUnit.objects.all())
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)

    class Meta:
        model = BulletinSeries
        fields = [
            "id",
            "title",
            "org_unit",
            "org_unit_name",
            "issuer_name",
            "special_name",
            "is_active",
            "current_year",
            "next_issue_number",
            "next_total_number",
            "next_special_number",
        ]
        read_only_fields = [
            "current_year",
            "next_issue_number",
            "next_total_number",
            "next_special_number",
        ]


class DataBlockSerializer(serializers.ModelSerializer):
    metrics = serializers.ListField(child=serializers.ChoiceField(choices=metric_choices()))
    params = serializers.DictField(required=False, default=dict)

    class Meta:
        model = DataBlock
        fields = ["id", "key", "kind", "metrics", "params", "frozen_value", "frozen_at"]
        read_only_fields = ["frozen_value", "frozen_at"]


class ArticleSerializer(serializers.ModelSerializer):
    blocks = DataBlockSerializer(many=True, required=False, default=list)

    class Meta:
        model = BulletinArticle
        fields = ["id", "order", "heading", "body", "blocks"]


class DistributionField(serializers.PrimaryKeyRelatedField):
    """A unit a 抄报 / 分送 list may name: up and across as well as in scope (the service's
    `distribution_units`); any other id is refused like one that does not exist."""

    def get_queryset(self):
        request = self.context.get("request")
        return bulletins.distribution_units(getattr(request, "user", None))


class BulletinSerializer(serializers.ModelSerializer):
    series = ScopedPrimaryKeyRelatedField(
        queryset=BulletinSeries.objects.all(), scope_action="change"
    )
    series_title = serializers.CharField(source="series.title", read_only=True)
    scope_unit = ScopedPrimaryKeyRelatedField(queryset=OrgUnit.objects.all())
    copy_to = DistributionField(many=True, required=False)
    distribute_to = DistributionField(many=True, required=False)
    articles = ArticleSerializer(many=True, required=False)
    numbers = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()
    version = serializers.IntegerField(required=False)

    class Meta:
        model = Bulletin
        fields = [
            "id",
            "series",
            "series_title",
            "org_unit",
            "title",
            "is_special",
            "status",
            "year",
            "issue_number",
            "total_number",
            "special_number",
            "numbers",
            "date",
            "scope_unit",
            "period_kind",
            "period_start",
            "period_end",
            "copy_to",
            "copy_to_text",
            "distribute_to",
            "distribute_to_text",
            "articles",
            "pdf_url",
            "version",
            "published_at",
        ]
        read_only_fields = [
            "org_unit",
            "status",
            "year",
            "issue_number",
            "total_number",
            "special_number",
            "period_start",
            "published_at",
        ]

    def get_numbers(self, bulletin) -> str:
        if bulletin.status != Bulletin.Status.PUBLISHED:
            return ""
        special = bulletins.special_line(bulletin)
        return bulletins.numbers_line(bulletin) + (f" {special}" if special else "")

    def get_pdf_url(self, bulletin) -> str | None:
        if not bulletin.pdf or bulletin.pdf_version != bulletin.version:
            return None
        request = self.context.get("request")
        url = f"/api/v1/bulletins/{bulletin.pk}/pdf/"
        return request.build_absolute_uri(url) if request else url


class PublishedSerializer(serializers.Serializer):
    bulletin = BulletinSerializer()
    job = serializers.IntegerField(help_text="生成PDF的后台任务，进度见 /api/v1/jobs/{id}/")


class JobQueuedSerializer(serializers.ModelSerializer):
    class Meta:
        model = Job
        fields = ["id", "kind", "status", "progress", "message"]
