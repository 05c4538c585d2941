from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.fields import ScopedPrimaryKeyRelatedField
from hazards.api.serializers import ChoiceLabelField
from hazards.models import Risk
from hazards.risk_constants import (
    LEC_CONSEQUENCE,
    LEC_EXPOSURE,
    LEC_LIKELIHOOD,
    AccidentType,
    RiskAction,
    RiskLevel,
    RiskMethod,
    RiskPublicField,
)
from hazards.risk_services import EDITABLE_FIELDS
from orgs.models import Enterprise, OrgUnit

VERSION_HELP = _("读取时的版本号；若风险已被他人修改，返回409（也可用If-Match请求头，返回412）。")


def _factor_choices(table):
    return [(str(value), f"{value} {meaning}") for value, meaning in table.items()]


class RiskSerializer(serializers.ModelSerializer):
    """A risk point; score and level are computed from the method's inputs."""

    enterprise = ScopedPrimaryKeyRelatedField(
        scope_action=RiskAction.VIEW,
        queryset=Enterprise.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("所属单位；区域性风险不填，改填org_unit。创建后不能修改。"),
    )
    org_unit = ScopedPrimaryKeyRelatedField(
        scope_action=RiskAction.VIEW,
        queryset=OrgUnit.objects.all(),
        required=False,
        help_text=_("区域性风险所在地区；填写单位时取单位的属地。创建后不能修改。"),
    )
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, default="")
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    industry_name = serializers.CharField(source="industry.name", read_only=True)
    accident_types = serializers.ListField(
        child=serializers.ChoiceField(choices=AccidentType.choices), required=False
    )
    public_fields = serializers.ListField(
        child=serializers.ChoiceField(choices=RiskPublicField.choices), required=False
    )
    method = serializers.ChoiceField(choices=RiskMethod.choices)
    lec_likelihood = serializers.ChoiceField(
        choices=_factor_choices(LEC_LIKELIHOOD), required=False, allow_null=True
    )
    lec_exposure = serializers.ChoiceField(
        choices=_factor_choices(LEC_EXPOSURE), required=False, allow_null=True
    )
    lec_consequence = serializers.ChoiceField(
        choices=_factor_choices(LEC_CONSEQUENCE), required=False, allow_null=True
    )
    level_display = ChoiceLabelField(RiskLevel.choices, source="level")
    method_display = ChoiceLabelField(RiskMethod.choices, source="method")
    status_display = ChoiceLabelField(Risk.Status.choices, source="status")
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)

    class Meta:
        model = Risk
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "org_unit",
            "org_unit_name",
            *EDITABLE_FIELDS,
            "industry_name",
            "score",
            "level",
            "level_display",
            "method_display",
            "status",
            "status_display",
            "retire_reason",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "score",
            "level",
            "status",
            "retire_reason",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"industry": {"required": False}}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # Factors as numbers, as they were entered (the choices are their string forms).
        for name in ("lec_likelihood", "lec_exposure", "lec_consequence"):
            value = getattr(instance, name)
            data[name] = float(value) if value is not None else None
        return data


class RetireSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text=_("撤销原因"))
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)


class LevelCountsSerializer(serializers.Serializer):
    major = serializers.IntegerField(help_text=_("重大风险(红)"))
    high = serializers.IntegerField(help_text=_("较大风险(橙)"))
    moderate = serializers.IntegerField(help_text=_("一般风险(黄)"))
    low = serializers.IntegerField(help_text=_("低风险(蓝)"))


class _CountedRow(serializers.Serializer):
    counts = LevelCountsSerializer()
    total = serializers.IntegerField()
    highest = serializers.ChoiceField(choices=RiskLevel.choices, allow_null=True)


class MapRegionSerializer(_CountedRow):
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    division_code = serializers.CharField()
    longitude = serializers.FloatField(allow_null=True)
    latitude = serializers.FloatField(allow_null=True)


class MapNamedRowSerializer(_CountedRow):
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()


class MapCellSerializer(_CountedRow):
    region_id = serializers.IntegerField(allow_null=True)
    industry_id = serializers.IntegerField()


class MapUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    level = serializers.CharField()


class RiskMapSerializer(serializers.Serializer):
    unit = MapUnitSerializer(allow_null=True)
    totals = _CountedRow()
    regions = MapRegionSerializer(many=True)
    industries = MapNamedRowSerializer(many=True)
    matrix = MapCellSerializer(many=True)
    enterprises = MapNamedRowSerializer(many=True)
