"""Serializers of citizens' reports. None of them has a field of ReporterIdentity except
`ReporterIdentitySerializer`, answered only by the audited `reporter` action."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.fields import ScopedPrimaryKeyRelatedField
from hazards.api.serializers import ChoiceLabelField
from hazards.models import Hazard, HazardCriterion, PublicReport
from hazards.report_services import PHOTO_EXTENSIONS
from orgs.models import Enterprise, OrgUnit


class PublicReportSubmitSerializer(serializers.Serializer):
    """What a citizen sends. `website` must stay empty (a trap for robots)."""

    org_unit = serializers.IntegerField(help_text=_("所在地区（县或乡镇）的id"))
    description = serializers.CharField(max_length=2000)
    location_text = serializers.CharField(max_length=200)
    photo = serializers.FileField(
        required=False, help_text=_("照片：%(types)s") % {"types": "/".join(PHOTO_EXTENSIONS)}
    )
    reporter_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    reporter_contact = serializers.CharField(max_length=100, required=False, allow_blank=True)
    website = serializers.CharField(required=False, allow_blank=True)


class PublicStatusSerializer(serializers.Serializer):
    """All a citizen learns of their report: the stage and its dates."""

    receipt_code = serializers.CharField()
    status = serializers.ChoiceField(choices=PublicReport.Status.choices, read_only=True)
    status_display = serializers.CharField()
    received_at = serializers.DateTimeField()
    concluded_at = serializers.DateTimeField(allow_null=True)
    rewarded = serializers.BooleanField()
    reward_paid = serializers.BooleanField()


class PublicReportSerializer(serializers.ModelSerializer):
    """A report as its handlers see it: never who filed it."""

    status = serializers.ChoiceField(choices=PublicReport.Status.choices, read_only=True)
    status_display = ChoiceLabelField(PublicReport.Status.choices, source="status")
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    assigned_unit_name = serializers.CharField(
        source="assigned_unit.name", read_only=True, default=None
    )
    assigned_to_name = serializers.CharField(
        source="assigned_to.__str__", read_only=True, default=None
    )
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, default=None)
    hazard_ledger_number = serializers.CharField(
        source="hazard.ledger_number", read_only=True, default=None
    )
    has_photo = serializers.SerializerMethodField()

    class Meta:
        model = PublicReport
        fields = [
            "id",
            "receipt_code",
            "org_unit",
            "org_unit_name",
            "description",
            "location_text",
            "has_photo",
            "status",
            "status_display",
            "assigned_unit",
            "assigned_unit_name",
            "assigned_to",
            "assigned_to_name",
            "assigned_at",
            "deadline",
            "conclusion",
            "unfounded_reason",
            "concluded_at",
            "enterprise",
            "enterprise_name",
            "industry",
            "hazard",
            "hazard_ledger_number",
            "reward_amount",
            "reward_decision",
            "reward_decided_on",
            "reward_paid_on",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_has_photo(self, report) -> bool:
        return bool(report.photo)


class ReportVersionedSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, help_text=_("读取时的版本号；举报已被他人办理时返回409。")
    )


class ReportAssignSerializer(ReportVersionedSerializer):
    unit = ScopedPrimaryKeyRelatedField(queryset=OrgUnit.objects.all())
    assignee = serializers.IntegerField(required=False, allow_null=True)
    deadline = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReportNoteSerializer(ReportVersionedSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReportVerifySerializer(ReportVersionedSerializer):
    enterprise = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    grade = serializers.ChoiceField(choices=Hazard.Grade.choices)
    criterion = serializers.PrimaryKeyRelatedField(
        queryset=HazardCriterion.objects.all(), required=False, allow_null=True
    )
    description = serializers.CharField(required=False, allow_blank=True)
    place = serializers.CharField(required=False, allow_blank=True, max_length=200)
    found_date = serializers.DateField(required=False)
    conclusion = serializers.CharField()


class ReportReasonSerializer(ReportVersionedSerializer):
    reason = serializers.CharField()


class ReportRewardSerializer(ReportVersionedSerializer):
    amount = serializers.DecimalField(max_digits=10, decimal_places=2)
    decision = serializers.CharField()
    decided_on = serializers.DateField()
    paid_on = serializers.DateField(required=False, allow_null=True)


class ReporterIdentitySerializer(serializers.Serializer):
    anonymous = serializers.BooleanField()
    name = serializers.CharField()
    contact = serializers.CharField()


class ReportStatsQuerySerializer(serializers.Serializer):
    unit = ScopedPrimaryKeyRelatedField(
        queryset=OrgUnit.objects.all(), required=False, help_text=_("统计单位（默认本人所在单位）")
    )
    period_start = serializers.DateField(required=False)
    period_end = serializers.DateField(required=False)

    def validate(self, attrs):
        start, end = attrs.get("period_start"), attrs.get("period_end")
        if start and end and start > end:
            raise serializers.ValidationError(_("起始日期不能晚于截止日期。"))
        return attrs


class ReportFiguresSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    received = serializers.IntegerField()
    verified = serializers.IntegerField()
    unfounded = serializers.IntegerField()
    open = serializers.IntegerField()
    rewarded = serializers.IntegerField()
    reward_total = serializers.DecimalField(max_digits=14, decimal_places=2)
    reward_paid = serializers.DecimalField(max_digits=14, decimal_places=2)


class ReportTotalsSerializer(ReportFiguresSerializer):
    id = None
    name = None


class ReportUnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ReportStatsSerializer(serializers.Serializer):
    unit = ReportUnitRefSerializer(allow_null=True)
    period_start = serializers.DateField(allow_null=True)
    period_end = serializers.DateField()
    totals = ReportTotalsSerializer()
    by_region = ReportFiguresSerializer(many=True)
