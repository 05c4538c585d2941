"""Serializers of enforcement actions and special campaigns (/api/v1/enforcement-actions/,
/api/v1/special-campaigns/). Writes go through inspections.enforcement; foreign keys are
offered and accepted within the caller's scope only."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import ScopedPrimaryKeyRelatedField
from hazards.api.serializers import ChoiceLabelField
from inspections.models import EnforcementAction, Inspection, SpecialCampaign
from orgs.models import Enterprise, OrgUnit

VERSION_HELP = _("读取时的版本号；若记录已被他人修改，返回409。")


class EnforcementActionSerializer(serializers.ModelSerializer):
    enterprise = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    inspection = ScopedPrimaryKeyRelatedField(
        queryset=Inspection.objects.all(), required=False, allow_null=True
    )
    issuing_unit = ScopedPrimaryKeyRelatedField(
        queryset=OrgUnit.objects.all(),
        required=False,
        help_text=_("执法单位；从检查录入时默认为检查单位。"),
    )
    issuing_unit_name = serializers.CharField(source="issuing_unit.name", read_only=True)
    special_campaign = ScopedPrimaryKeyRelatedField(
        queryset=SpecialCampaign.objects.all(), required=False, allow_null=True
    )
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    kind_display = ChoiceLabelField(EnforcementAction.Kind.choices, source="kind")
    fined_party_display = ChoiceLabelField(
        EnforcementAction.FinedParty.choices, source="fined_party"
    )
    fine_total = serializers.DecimalField(max_digits=15, decimal_places=2, read_only=True)
    document_url = serializers.SerializerMethodField()
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)

    class Meta:
        model = EnforcementAction
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "org_unit",
            "org_unit_name",
            "inspection",
            "issuing_unit",
            "issuing_unit_name",
            "special_campaign",
            "kind",
            "kind_display",
            "decided_on",
            "document_number",
            "reason",
            "deadline",
            "lifted_on",
            "fined_party",
            "fined_party_display",
            "fine_unit_amount",
            "fined_person_name",
            "fine_person_amount",
            "fine_total",
            "transferred_to",
            "document_kind",
            "document_url",
            "document_generated_at",
            "version",
            "created_at",
        ]
        read_only_fields = ["org_unit", "document_kind", "document_generated_at", "created_at"]
        # The services check the rules of each kind, with the messages users read.
        extra_kwargs = {
            "fined_party": {"required": False},
            "deadline": {"required": False},
        }
        validators = []

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_document_url(self, action):
        if not action.document_file:
            return None
        return reverse("inspections:enforcement_document", args=[action.pk])


class DocumentRequestSerializer(serializers.Serializer):
    document_kind = serializers.ChoiceField(choices=EnforcementAction.DocumentKind.choices)


class LiftSerializer(serializers.Serializer):
    lifted_on = serializers.DateField()
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)


class SpecialCampaignSerializer(serializers.ModelSerializer):
    org_unit = ScopedPrimaryKeyRelatedField(queryset=OrgUnit.objects.all())
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    participating_units = ScopedPrimaryKeyRelatedField(
        queryset=OrgUnit.objects.all(), many=True, required=False
    )
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)

    class Meta:
        model = SpecialCampaign
        fields = [
            "id",
            "org_unit",
            "org_unit_name",
            "name",
            "start_date",
            "end_date",
            "participating_units",
            "description",
            "work_groups_sent",
            "version",
            "created_at",
        ]
        read_only_fields = ["created_at"]
        validators = []
