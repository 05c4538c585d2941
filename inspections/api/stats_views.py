"""/api/v1/inspections/stats/: the figures of inspections.stats for a unit and period or for
a special campaign, over what the caller may see."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.fields import ScopedPrimaryKeyRelatedField
from hazards.stats import default_stats_unit
from inspections.models import SpecialCampaign
from inspections.stats import inspection_stats
from orgs.models import OrgUnit


class StatsQuerySerializer(serializers.Serializer):
    unit = ScopedPrimaryKeyRelatedField(
        queryset=OrgUnit.objects.all(), required=False, help_text=_("默认为本人的最高单位。")
    )
    period_start = serializers.DateField(required=False)
    period_end = serializers.DateField(required=False)
    special_campaign = ScopedPrimaryKeyRelatedField(
        queryset=SpecialCampaign.objects.all(),
        required=False,
        help_text=_("给出时统计该专项行动（忽略unit和期间）。"),
    )

    def validate(self, attrs):
        start, end = attrs.get("period_start"), attrs.get("period_end")
        if start and end and start > end:
            raise ValidationError({"period_end": _("截止日期不能早于起始日期。")})
        return attrs


class ActionKindCountsSerializer(serializers.Serializer):
    rectify_order = serializers.IntegerField()
    suspension = serializers.IntegerField()
    fine = serializers.IntegerField()
    case = serializers.IntegerField()
    transfer = serializers.IntegerField()


class InspectionFiguresSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    work_groups = serializers.IntegerField(help_text=_("派出工作组"))
    members = serializers.IntegerField(help_text=_("派出人员"))
    inspections = serializers.IntegerField(help_text=_("检查次数"))
    enterprises_checked = serializers.IntegerField(help_text=_("检查企业"))
    hazards_found = serializers.IntegerField(help_text=_("发现隐患"))
    hazards_rectified = serializers.IntegerField(help_text=_("整改完成"))
    actions = serializers.IntegerField(help_text=_("执法措施"))
    by_kind = ActionKindCountsSerializer()
    fines = serializers.DecimalField(max_digits=16, decimal_places=2, help_text=_("罚款金额(元)"))
    enterprises_stopped = serializers.IntegerField(help_text=_("责令停产停业企业"))
    rectification_rate = serializers.FloatField(allow_null=True)


class InspectingUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    inspections = serializers.IntegerField()
    actions = serializers.IntegerField()
    zero_penalty = serializers.BooleanField(help_text=_("零处罚：有检查而无执法措施"))


class StatsRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class InspectionStatsSerializer(serializers.Serializer):
    unit = StatsRefSerializer(allow_null=True)
    special_campaign = StatsRefSerializer(allow_null=True)
    period_start = serializers.DateField(allow_null=True)
    period_end = serializers.DateField(allow_null=True)
    totals = InspectionFiguresSerializer()
    by_region = InspectionFiguresSerializer(many=True)
    units = InspectingUnitSerializer(many=True)
    summary = serializers.CharField(help_text=_("简报口径的一句话"))


class InspectionStatsView(APIView):
    """执法统计 of a unit's subtree and period, or of a special campaign."""

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", int, required=False),
            OpenApiParameter("period_start", str, required=False),
            OpenApiParameter("period_end", str, required=False),
            OpenApiParameter("special_campaign", int, required=False),
        ],
        responses={200: InspectionStatsSerializer},
    )
    def get(self, request):
        query = StatsQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        data = query.validated_data
        campaign = data.get("special_campaign")
        stats = inspection_stats(
            request.user,
            unit=data.get("unit") or default_stats_unit(request.user),
            period_start=data.get("period_start"),
            period_end=data.get("period_end") or (None if campaign else timezone.localdate()),
            campaign=campaign,
        )
        return Response(InspectionStatsSerializer(stats.as_dict()).data)
