"""Serializers of the rollups, rankings and jobs."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from core.api.fields import ScopedPrimaryKeyRelatedField
from orgs.constants import Level
from orgs.models import OrgUnit
from reports import rankings
from reports.models import Job, RankingScheme, Rollup
from reports.rollups import METRIC_BY_CODE


class RollupSerializer(serializers.ModelSerializer):
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    industry_name = serializers.CharField(source="industry.name", read_only=True, default=None)
    metric_label = serializers.SerializerMethodField()
    metric_unit = serializers.SerializerMethodField()

    class Meta:
        model = Rollup
        fields = [
            "id",
            "org_unit",
            "org_unit_name",
            "period_kind",
            "period_start",
            "period_end",
            "metric",
            "metric_label",
            "metric_unit",
            "industry",
            "industry_name",
            "own_value",
            "subtree_value",
        ]
        read_only_fields = fields

    def get_metric_label(self, obj) -> str:
        metric = METRIC_BY_CODE.get(obj.metric)
        return str(metric.label) if metric else obj.metric

    def get_metric_unit(self, obj) -> str:
        metric = METRIC_BY_CODE.get(obj.metric)
        return metric.unit if metric else ""


class WeightSerializer(serializers.Serializer):
    metric = serializers.ChoiceField(
        choices=[(code, m.label) for code, m in METRIC_BY_CODE.items()]
    )
    weight = serializers.FloatField(min_value=0.01)
    direction = serializers.ChoiceField(choices=list(rankings.DIRECTIONS.items()), required=False)


class RankingSchemeSerializer(serializers.ModelSerializer):
    org_unit = ScopedPrimaryKeyRelatedField(queryset=OrgUnit.objects.all())
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    weights = WeightSerializer(many=True)
    ranked_level = serializers.ChoiceField(
        choices=[(c, label) for c, label in Level.choices if c != Level.PROVINCE]
    )

    class Meta:
        model = RankingScheme
        fields = [
            "id",
            "name",
            "org_unit",
            "org_unit_name",
            "ranked_level",
            "weights",
            "advanced_count",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class RankedUnitSerializer(serializers.Serializer):
    org_unit = serializers.IntegerField(source="unit.pk")
    org_unit_name = serializers.CharField(source="unit.name")
    rank = serializers.IntegerField()
    score = serializers.DecimalField(max_digits=7, decimal_places=2)
    vetoed = serializers.BooleanField(help_text=_("一票否决"))
    advanced = serializers.BooleanField(help_text=_("先进"))
    values = serializers.DictField(child=serializers.DecimalField(max_digits=20, decimal_places=2))
    normalised = serializers.DictField(
        child=serializers.DecimalField(max_digits=7, decimal_places=2, coerce_to_string=True)
    )


class RankingResultSerializer(serializers.Serializer):
    scheme = RankingSchemeSerializer()
    period_start = serializers.DateField(source="period.start")
    period_end = serializers.DateField(source="period.end")
    formula = serializers.CharField()
    rows = RankedUnitSerializer(many=True)


class JobSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    result_file = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "kind_display",
            "status",
            "status_display",
            "progress",
            "message",
            "result",
            "result_file",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_result_file(self, obj) -> str | None:
        return obj.result_file.url if obj.result_file else None
