"""Serializers of 双随机 draws (/api/v1/random-draws/): the draw as recorded, with its result
named from its own snapshots, and what a new draw or a redraw takes."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import ScopedPrimaryKeyRelatedField
from inspections import draws
from inspections.models import RandomDraw, SpecialCampaign
from orgs.models import Industry, OrgUnit


class DrawnPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class DrawnEnterpriseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    credit_code = serializers.CharField(required=False)


class DrawnRowSerializer(serializers.Serializer):
    enterprise = DrawnEnterpriseSerializer()
    inspectors = DrawnPersonSerializer(many=True)


class RandomDrawSerializer(serializers.ModelSerializer):
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    result_rows = serializers.SerializerMethodField()
    pool_size = serializers.SerializerMethodField()
    roster_size = serializers.SerializerMethodField()
    redraw_ids = serializers.SerializerMethodField()

    class Meta:
        model = RandomDraw
        fields = [
            "id",
            "org_unit",
            "org_unit_name",
            "title",
            "special_campaign",
            "pool_filters",
            "seed",
            "target_count",
            "inspectors_per_target",
            "pool_size",
            "roster_size",
            "pool_snapshot",
            "inspectors_snapshot",
            "result",
            "result_rows",
            "reason",
            "previous_draw",
            "redraw_ids",
            "published_at",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(DrawnRowSerializer(many=True))
    def get_result_rows(self, draw):
        return DrawnRowSerializer(draws.result_rows(draw), many=True).data

    def get_pool_size(self, draw) -> int:
        return len(draw.pool_snapshot)

    def get_roster_size(self, draw) -> int:
        return len(draw.inspectors_snapshot)

    def get_redraw_ids(self, draw) -> list[int]:
        return [redraw.pk for redraw in draw.redraws.all()]


class RandomDrawCreateSerializer(serializers.Serializer):
    org_unit = ScopedPrimaryKeyRelatedField(queryset=OrgUnit.objects.all(), scope_action="add")
    title = serializers.CharField(max_length=200)
    target_count = serializers.IntegerField(min_value=1, max_value=draws.MAX_TARGETS)
    inspectors_per_target = serializers.IntegerField(min_value=1, max_value=draws.MAX_TARGETS)
    industry = serializers.PrimaryKeyRelatedField(
        queryset=Industry.objects.all(), required=False, allow_null=True
    )
    risk_level = serializers.ChoiceField(
        choices=draws.risk_levels(),
        required=False,
        allow_blank=True,
        help_text=_("只从有该等级在控风险点的企业中抽取。"),
    )
    not_inspected_months = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=120
    )
    inspectors = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text=_("执法检查人员名录（用户id）；不填为组织单位及下级的工作人员。"),
    )
    seed = serializers.CharField(
        required=False, allow_blank=True, max_length=64, help_text=_("不填则随机生成。")
    )
    special_campaign = ScopedPrimaryKeyRelatedField(
        queryset=SpecialCampaign.objects.all(), required=False, allow_null=True
    )


class RedrawSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text=_("重新抽取的原因，必填。"))


class VerifySerializer(serializers.Serializer):
    reproducible = serializers.BooleanField()
    recomputed = serializers.JSONField(allow_null=True)
