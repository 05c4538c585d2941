"""Serializers of the accident API: the register row, its grade and its reporting chain."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accidents import services
from accidents.constants import Grade
from accidents.models import Accident
from core.api.fields import ScopedPrimaryKeyRelatedField
from orgs.models import Enterprise, Industry, OrgUnit


class ReportStepSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)
    reported_at = serializers.DateTimeField(allow_null=True)
    late = serializers.BooleanField()


class AccidentSerializer(serializers.ModelSerializer):
    org_unit = ScopedPrimaryKeyRelatedField(queryset=OrgUnit.objects.all(), required=False)
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    enterprise = ScopedPrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(), required=False, allow_null=True
    )
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, default=None)
    industry = serializers.PrimaryKeyRelatedField(
        queryset=Industry.objects.all(), required=False, help_text=_("缺省为事故单位的行业。")
    )
    industry_name = serializers.CharField(source="industry.name", read_only=True)
    grade_display = serializers.CharField(source="get_grade_display", read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    investigation_status_display = serializers.CharField(
        source="get_investigation_status_display", read_only=True
    )
    statutory_grade = serializers.SerializerMethodField(
        help_text=_("按现有伤亡和损失应定的等级；超过补报期限后可能与统计等级不同。")
    )
    regrade_until = serializers.SerializerMethodField(
        help_text=_("补报期限：此前伤亡、损失的变化会调整事故等级，此后统计等级不再变化。")
    )
    is_late = serializers.BooleanField(read_only=True, help_text=_("迟报（按当前时间计算）"))
    reporting = serializers.SerializerMethodField()
    version = serializers.IntegerField(
        required=False, help_text=_("读取时的版本号；若记录已被他人修改，返回409。")
    )

    class Meta:
        model = Accident
        fields = [
            "id",
            "title",
            "occurred_at",
            "place",
            "org_unit",
            "org_unit_name",
            "enterprise",
            "enterprise_name",
            "industry",
            "industry_name",
            "category",
            "category_display",
            "kind",
            "kind_display",
            "deaths",
            "serious_injuries",
            "injuries",
            "direct_loss",
            "grade",
            "grade_display",
            "statutory_grade",
            "regrade_until",
            "narrative",
            "investigation_status",
            "investigation_status_display",
            "listed_supervision",
            "elevated_investigation",
            "unit_reported_at",
            "county_reported_at",
            "city_reported_at",
            "province_reported_at",
            "is_late",
            "reporting",
            "version",
        ]
        read_only_fields = ["grade"]

    @extend_schema_field(serializers.ChoiceField(choices=Grade.choices))
    def get_statutory_grade(self, obj) -> str:
        return services.statutory_grade(obj)

    @extend_schema_field(serializers.DateTimeField())
    def get_regrade_until(self, obj) -> str:
        deadline = services.regrade_deadline(obj.occurred_at, obj.category)
        return timezone.localtime(deadline).isoformat()

    @extend_schema_field(ReportStepSerializer(many=True))
    def get_reporting(self, obj):
        return ReportStepSerializer(services.reporting_steps(obj), many=True).data
