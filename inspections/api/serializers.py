"""Serializers of the supervision API: groups, checklist templates and inspections."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import ScopedPrimaryKeyRelatedField
from inspections.models import (
    ChecklistResult,
    ChecklistTemplate,
    ChecklistTemplateItem,
    Inspection,
    InspectionTarget,
    SpecialCampaign,
    SupervisionAssignment,
    SupervisionGroup,
    SupervisionGroupMember,
)
from orgs.models import Enterprise, Industry, OrgUnit

VERSION_HELP = _("读取时的版本号；若记录已被他人修改，返回409。")


# --- Checklist templates -------------------------------------------------------------------


class ChecklistTemplateItemSerializer(serializers.ModelSerializer):
    criterion_label = serializers.CharField(source="criterion.label", read_only=True, default=None)

    class Meta:
        model = ChecklistTemplateItem
        fields = [
            "id",
            "number",
            "content",
            "criterion",
            "criterion_label",
            "regulation",
            "proposed_grade",
        ]


class ChecklistTemplateSerializer(serializers.ModelSerializer):
    industry_name = serializers.CharField(source="industry.name", read_only=True, default=None)
    items = ChecklistTemplateItemSerializer(many=True, read_only=True)

    class Meta:
        model = ChecklistTemplate
        fields = ["id", "name", "industry", "industry_name", "description", "is_active", "items"]


# --- Supervision groups --------------------------------------------------------------------


class SupervisionMemberSerializer(serializers.ModelSerializer):
    user = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.all())
    user_name = serializers.CharField(source="user.__str__", read_only=True)

    class Meta:
        model = SupervisionGroupMember
        fields = ["user", "user_name", "role", "position"]


class SupervisionAssignmentSerializer(serializers.ModelSerializer):
    org_unit = ScopedPrimaryKeyRelatedField(queryset=OrgUnit.objects.all())
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)

    class Meta:
        model = SupervisionAssignment
        fields = ["id", "org_unit", "org_unit_name", "kind", "assigned_at", "revoked_at"]
        read_only_fields = ["assigned_at", "revoked_at"]


class SupervisionGroupSerializer(serializers.ModelSerializer):
    org_unit = ScopedPrimaryKeyRelatedField(queryset=OrgUnit.objects.all())
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    members = SupervisionMemberSerializer(source="memberships", many=True, required=False)
    assignments = SupervisionAssignmentSerializer(many=True, required=False)
    is_active = serializers.BooleanField(read_only=True)
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)

    class Meta:
        model = SupervisionGroup
        fields = [
            "id",
            "org_unit",
            "org_unit_name",
            "name",
            "responsibilities",
            "term_start",
            "term_end",
            "ended_at",
            "is_active",
            "members",
            "assignments",
            "version",
        ]
        read_only_fields = ["ended_at"]

    def validate(self, attrs):
        if self.instance is not None and ("memberships" in attrs or "assignments" in attrs):
            raise serializers.ValidationError(
                _("成员和挂点请用members、assign接口调整，以便授权随之变更。")
            )
        return attrs


class AssignUnitSerializer(serializers.Serializer):
    org_unit = ScopedPrimaryKeyRelatedField(queryset=OrgUnit.objects.all())
    kind = serializers.ChoiceField(choices=SupervisionAssignment.Kind.choices)


class AddSupervisionMemberSerializer(serializers.ModelSerializer):
    user = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.all())

    class Meta:
        model = SupervisionGroupMember
        fields = ["user", "role", "position"]


# --- Inspections ---------------------------------------------------------------------------


class InspectionTargetSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, default=None)
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)

    class Meta:
        model = InspectionTarget
        fields = ["id", "enterprise", "enterprise_name", "org_unit", "org_unit_name"]


class ChecklistResultSerializer(serializers.ModelSerializer):
    item_number = serializers.IntegerField(source="item.number", read_only=True)
    item_content = serializers.CharField(source="item.content", read_only=True)
    hazard_ledger_number = serializers.CharField(
        source="hazard.ledger_number", read_only=True, default=None
    )
    photos = serializers.SerializerMethodField()

    class Meta:
        model = ChecklistResult
        fields = [
            "id",
            "target",
            "item",
            "item_number",
            "item_content",
            "result",
            "note",
            "hazard",
            "hazard_ledger_number",
            "photos",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_photos(self, result):
        from django.urls import reverse

        return [reverse("inspections:photo", args=[photo.pk]) for photo in result.photos.all()]


class ChecklistResultInputSerializer(serializers.Serializer):
    item = serializers.PrimaryKeyRelatedField(queryset=ChecklistTemplateItem.objects.all())
    result = serializers.ChoiceField(choices=ChecklistResult.Result.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    enterprise = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("检查多个对象时注明：被检查企业ID。")
    )
    unit = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("检查多个对象时注明：被检查单位ID。")
    )


class InspectionSerializer(serializers.ModelSerializer):
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    inspecting_unit = serializers.PrimaryKeyRelatedField(
        queryset=OrgUnit.objects.all(),
        required=False,
        help_text=_("不填时为督导组的组建单位或本人所在单位。"),
    )
    inspecting_unit_name = serializers.CharField(source="inspecting_unit.name", read_only=True)
    group = ScopedPrimaryKeyRelatedField(
        queryset=SupervisionGroup.objects.all(), required=False, allow_null=True
    )
    special_campaign = ScopedPrimaryKeyRelatedField(
        queryset=SpecialCampaign.objects.all(), required=False, allow_null=True
    )
    industry = serializers.PrimaryKeyRelatedField(
        queryset=Industry.objects.all(), required=False, allow_null=True
    )
    template = serializers.PrimaryKeyRelatedField(
        queryset=ChecklistTemplate.objects.all(), required=False, allow_null=True
    )
    team = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.all(), many=True, required=False
    )
    enterprises = ScopedPrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(), many=True, required=False, write_only=True
    )
    units = ScopedPrimaryKeyRelatedField(
        queryset=OrgUnit.objects.all(), many=True, required=False, write_only=True
    )
    # No uniqueness check here: the same key again is the retry the service answers.
    submission_key = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text=_("客户端生成的提交标识(UUID)：同一标识重复提交返回首次登记的检查。"),
    )
    targets = InspectionTargetSerializer(many=True, read_only=True)
    results = ChecklistResultInputSerializer(many=True, required=False, write_only=True)
    submit = serializers.BooleanField(
        write_only=True, default=True, help_text=_("false为保存草稿；提交时每个不合格项生成隐患。")
    )
    findings = serializers.IntegerField(read_only=True, help_text=_("生成的隐患数。"))
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "org_unit",
            "org_unit_name",
            "inspecting_unit",
            "inspecting_unit_name",
            "group",
            "kind",
            "method",
            "industry",
            "template",
            "inspection_date",
            "team",
            "outside_experts",
            "special_campaign",
            "random_draw",
            "summary",
            "status",
            "submission_key",
            "submitted_at",
            "enterprises",
            "units",
            "targets",
            "results",
            "submit",
            "findings",
            "version",
        ]
        read_only_fields = ["org_unit", "status", "submitted_at", "random_draw"]


class InspectionDetailSerializer(InspectionSerializer):
    checklist = ChecklistResultSerializer(source="results", many=True, read_only=True)

    class Meta(InspectionSerializer.Meta):
        fields = [*InspectionSerializer.Meta.fields, "checklist"]


class InspectionUpdateSerializer(serializers.ModelSerializer):
    special_campaign = ScopedPrimaryKeyRelatedField(
        queryset=SpecialCampaign.objects.all(), required=False, allow_null=True
    )
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)

    class Meta:
        model = Inspection
        fields = [
            "kind",
            "method",
            "inspection_date",
            "outside_experts",
            "summary",
            "special_campaign",
            "version",
        ]


class InspectionVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)


class ChecklistPhotoUploadSerializer(serializers.Serializer):
    result = serializers.IntegerField(help_text=_("检查结果ID（checklist中的id）。"))
    files = serializers.ListField(
        child=serializers.FileField(), help_text=_("照片（JPG、PNG、WebP、HEIC），一次最多10张。")
    )


class GroupMemberRefSerializer(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.all())


class GroupUnitRefSerializer(serializers.Serializer):
    org_unit = ScopedPrimaryKeyRelatedField(queryset=OrgUnit.objects.all())
