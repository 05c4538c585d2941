from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import ScopedPrimaryKeyRelatedField
from core.api.serializers import ValuesRowSerializer
from core.models import Notification
from hazards.constants import HazardAction
from hazards.models import Escalation, Hazard, HazardCriterion, HazardFile, HazardTransition
from hazards.services import PLAN_FIELDS, TRANSITIONS
from orgs.models import Enterprise, Industry, OrgUnit

VERSION_HELP = _("读取时的版本号；若隐患已被他人修改，返回409（也可用If-Match请求头，返回412）。")
NOTICE_CHANNELS = [
    (value, label)
    for value, label in Notification.Channel.choices
    if value != Notification.Channel.IN_APP
]


class CriterionSerializer(serializers.ModelSerializer):
    industry_name = serializers.CharField(source="industry.name", read_only=True)

    class Meta:
        model = HazardCriterion
        fields = [
            "id",
            "industry",
            "industry_name",
            "standard",
            "document_number",
            "clause",
            "title",
            "text",
            "label",
            "is_active",
        ]
        read_only_fields = fields


@extend_schema_field(serializers.CharField())
class ChoiceLabelField(serializers.ReadOnlyField):
    """The Chinese label of a choice field's value.

    On the ledger's hot list: `source="get_status_display"` makes DRF inspect the method's
    signature for every row; the labels are rendered once per list serializer and language
    instead.
    """

    def __init__(self, choices, **kwargs):
        self.choices = choices
        super().__init__(**kwargs)

    def bind(self, field_name, parent):
        super().bind(field_name, parent)
        self.labels = {value: str(label) for value, label in self.choices}

    def to_representation(self, value):
        return self.labels.get(value, value)


class HazardListSerializer(ValuesRowSerializer):
    """A ledger row: what the list shows, read with values() from the row and its joins."""

    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    industry_name = serializers.CharField(source="industry.name", read_only=True)
    grade_display = ChoiceLabelField(Hazard.Grade.choices, source="grade")
    source_display = ChoiceLabelField(Hazard.Source.choices, source="source")
    status_display = ChoiceLabelField(Hazard.Status.choices, source="status")

    class Meta:
        model = Hazard
        fields = [
            "id",
            "ledger_number",
            "enterprise",
            "enterprise_name",
            "org_unit",
            "org_unit_name",
            "industry",
            "industry_name",
            "grade",
            "grade_display",
            "source",
            "source_display",
            "description",
            "place",
            "found_date",
            "deadline",
            "status",
            "status_display",
            "is_stock",
            "is_overdue",
            "listed_supervision",
            "listed_level",
            "is_void",
            "version",
            "updated_at",
        ]
        read_only_fields = fields


class HazardFileSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    uploaded_by_name = serializers.CharField(source="uploaded_by.__str__", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = HazardFile
        fields = [
            "id",
            "hazard",
            "kind",
            "kind_display",
            "original_name",
            "uploaded_by",
            "uploaded_by_name",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, obj) -> str:
        return f"/api/v1/hazard-files/{obj.pk}/download/"


class TransitionSerializer(serializers.ModelSerializer):
    action_display = serializers.CharField(source="get_action_display", read_only=True)
    actor_name = serializers.CharField(source="actor.__str__", read_only=True, default=None)

    class Meta:
        model = HazardTransition
        fields = [
            "id",
            "action",
            "action_display",
            "from_status",
            "to_status",
            "note",
            "actor",
            "actor_name",
            "at",
        ]
        read_only_fields = fields


class NoticeSerializer(serializers.ModelSerializer):
    channel_display = serializers.CharField(source="get_channel_display", read_only=True)
    sender_name = serializers.CharField(source="sender.__str__", read_only=True, default=None)

    class Meta:
        model = Notification
        fields = [
            "id",
            "recipient_name",
            "recipient_phone",
            "channel",
            "channel_display",
            "sender",
            "sender_name",
            "title",
            "created_at",
        ]
        read_only_fields = fields


class HazardSerializer(serializers.ModelSerializer):
    """One hazard in full; writable for reporting (POST) and editing (PUT/PATCH)."""

    enterprise = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    criterion = serializers.PrimaryKeyRelatedField(
        queryset=HazardCriterion.objects.filter(is_active=True), required=False, allow_null=True
    )
    industry = serializers.PrimaryKeyRelatedField(
        queryset=Industry.objects.all(), required=False, help_text=_("默认为单位的行业领域。")
    )
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    credit_code = serializers.CharField(source="enterprise.credit_code", read_only=True)
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    industry_name = serializers.CharField(source="industry.name", read_only=True)
    criterion_label = serializers.CharField(source="criterion.label", read_only=True, default=None)
    grade_display = serializers.CharField(source="get_grade_display", read_only=True)
    source_display = serializers.CharField(source="get_source_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    listed_unit_name = serializers.CharField(
        source="listed_unit.name", read_only=True, default=None
    )
    reported_by_name = serializers.CharField(
        source="reported_by.__str__", read_only=True, default=None
    )
    verified_by_name = serializers.CharField(
        source="verified_by.__str__", read_only=True, default=None
    )
    plan_complete = serializers.BooleanField(source="rectification_plan_complete", read_only=True)
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)
    notice_channel = serializers.ChoiceField(
        choices=NOTICE_CHANNELS,
        required=False,
        write_only=True,
        help_text=_("重大事故隐患告知主要负责人、实际控制人的方式，默认短信。"),
    )
    files = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        write_only=True,
        help_text=_("上报时的隐患照片（multipart）；之后用files接口上传。"),
    )

    class Meta:
        model = Hazard
        fields = [
            "id",
            "ledger_number",
            "enterprise",
            "enterprise_name",
            "credit_code",
            "org_unit",
            "org_unit_name",
            "industry",
            "industry_name",
            "grade",
            "grade_display",
            "source",
            "source_display",
            "criterion",
            "criterion_label",
            "description",
            "place",
            "found_date",
            "finder_name",
            "is_stock",
            *PLAN_FIELDS,
            "plan_complete",
            "listed_supervision",
            "listed_level",
            "listed_unit",
            "listed_unit_name",
            "listed_date",
            "status",
            "status_display",
            "return_reason",
            "is_overdue",
            "reported_by",
            "reported_by_name",
            "close_out_requested_at",
            "verified_by",
            "verified_by_name",
            "verification_note",
            "closed_at",
            "is_void",
            "void_reason",
            "external_source",
            "external_id",
            "version",
            "notice_channel",
            "files",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "ledger_number",
            "org_unit",
            "is_stock",
            "listed_supervision",
            "listed_level",
            "listed_unit",
            "listed_date",
            "status",
            "return_reason",
            "is_overdue",
            "reported_by",
            "close_out_requested_at",
            "verified_by",
            "verification_note",
            "closed_at",
            "is_void",
            "void_reason",
            "external_source",
            "external_id",
            "created_at",
            "updated_at",
        ]


class HazardDetailSerializer(HazardSerializer):
    """A hazard with its files, timeline, notices and what the user may do next."""

    files = HazardFileSerializer(many=True, read_only=True)
    transitions = TransitionSerializer(many=True, read_only=True)
    notices = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta(HazardSerializer.Meta):
        fields = [*HazardSerializer.Meta.fields, "transitions", "notices", "actions"]

    @extend_schema_field(NoticeSerializer(many=True))
    def get_notices(self, hazard):
        return NoticeSerializer(
            [notice.notification for notice in hazard.notices.all()], many=True
        ).data

    @extend_schema_field(serializers.DictField(child=serializers.CharField(allow_null=True)))
    def get_actions(self, hazard):
        return self.context["actions"]


class ActionStateSerializer(serializers.Serializer):
    """Whether the user may take a step now: GET on any action route."""

    action = serializers.ChoiceField(choices=[*sorted(TRANSITIONS), "issue", "dismiss"])
    allowed = serializers.BooleanField()
    reason = serializers.CharField(allow_null=True)
    version = serializers.IntegerField(required=False, help_text=_("隐患当前版本号"))


class VersionedSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)


class ConfirmSerializer(VersionedSerializer):
    grade = serializers.ChoiceField(choices=Hazard.Grade.choices, required=False)
    criterion = serializers.PrimaryKeyRelatedField(
        queryset=HazardCriterion.objects.filter(is_active=True), required=False
    )


class RectificationPlanSerializer(VersionedSerializer):
    responsible_person = serializers.CharField(required=False, allow_blank=True, max_length=50)
    responsible_phone = serializers.CharField(required=False, allow_blank=True, max_length=20)
    measures = serializers.CharField(required=False, allow_blank=True)
    funds = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )
    deadline = serializers.DateField(required=False, allow_null=True)
    contingency_plan = serializers.CharField(required=False, allow_blank=True)


class NoteSerializer(VersionedSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RequiredNoteSerializer(VersionedSerializer):
    note = serializers.CharField(help_text=_("审核意见（必填）。"))


class ReasonSerializer(VersionedSerializer):
    reason = serializers.CharField()


class CloseOutRequestSerializer(NoteSerializer):
    files = serializers.ListField(
        child=serializers.FileField(), required=False, help_text=_("整改后照片或佐证材料。")
    )


class FilesUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=HazardFile.Kind.choices)
    files = serializers.ListField(child=serializers.FileField(), allow_empty=False)


class ListingSerializer(VersionedSerializer):
    level = serializers.ChoiceField(choices=Hazard.ListedLevel.choices)
    unit = ScopedPrimaryKeyRelatedField(queryset=OrgUnit.objects.all())
    listed_date = serializers.DateField()


class ExternalHazardSerializer(serializers.Serializer):
    """A hazard as another government system pushes it, its enterprise by credit code."""

    credit_code = serializers.CharField(
        max_length=18, help_text=_("隐患所在单位的统一社会信用代码")
    )
    grade = serializers.ChoiceField(choices=Hazard.Grade.choices)
    source = serializers.ChoiceField(choices=Hazard.Source.choices, required=False)
    criterion = serializers.PrimaryKeyRelatedField(
        queryset=HazardCriterion.objects.filter(is_active=True), required=False, allow_null=True
    )
    description = serializers.CharField()
    place = serializers.CharField(required=False, allow_blank=True, max_length=200)
    found_date = serializers.DateField()
    finder_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    responsible_person = serializers.CharField(required=False, allow_blank=True, max_length=50)
    responsible_phone = serializers.CharField(required=False, allow_blank=True, max_length=20)
    measures = serializers.CharField(required=False, allow_blank=True)
    funds = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )
    deadline = serializers.DateField(required=False, allow_null=True)
    contingency_plan = serializers.CharField(required=False, allow_blank=True)

    def validate_credit_code(self, value):
        from orgs.validators import normalise_credit_code

        request = self.context["request"]
        enterprise = (
            Enterprise.objects.restrict(request.user, HazardAction.VIEW)
            .filter(credit_code=normalise_credit_code(value))
            .first()
        )
        if enterprise is None:
            raise serializers.ValidationError(_("未找到该单位，或该单位不在您的管辖范围内。"))
        return enterprise


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField()
    message = serializers.CharField()
    text = serializers.CharField()


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    errors = ImportErrorSerializer(many=True)


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("按隐患台账导入模板填写的.xlsx或.csv文件"))


class EscalationSerializer(serializers.ModelSerializer):
    ledger_number = serializers.CharField(source="hazard.ledger_number", read_only=True)
    enterprise_name = serializers.CharField(source="hazard.enterprise.name", read_only=True)
    deadline = serializers.DateField(source="hazard.deadline", read_only=True)
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    step_display = serializers.CharField(source="get_step_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    issuing_unit_name = serializers.CharField(
        source="issuing_unit.name", read_only=True, default=None
    )

    class Meta:
        model = Escalation
        fields = [
            "id",
            "hazard",
            "ledger_number",
            "enterprise_name",
            "deadline",
            "org_unit",
            "org_unit_name",
            "step",
            "step_display",
            "status",
            "status_display",
            "issuing_unit",
            "issuing_unit_name",
            "issued_by",
            "issued_at",
            "note",
            "created_at",
        ]
        read_only_fields = fields


class EscalationDecisionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class FiguresSerializer(serializers.Serializer):
    found = serializers.IntegerField()
    major_found = serializers.IntegerField()
    rectified = serializers.IntegerField()
    rectification_rate = serializers.FloatField(allow_null=True, help_text=_("整改率（%）"))
    closed = serializers.IntegerField()
    open = serializers.IntegerField()
    major_open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    listed_open = serializers.IntegerField()
    stock_total = serializers.IntegerField()
    stock_closed = serializers.IntegerField()
    stock_remaining = serializers.IntegerField()
    stock_remaining_at_target = serializers.IntegerField(allow_null=True)
    increment_found = serializers.IntegerField()
    increment_closed = serializers.IntegerField()
    increment_open = serializers.IntegerField()


class RegionFiguresSerializer(FiguresSerializer):
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    division_code = serializers.CharField()


class IndustryFiguresSerializer(FiguresSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CellFiguresSerializer(FiguresSerializer):
    region_id = serializers.IntegerField(allow_null=True)
    industry_id = serializers.IntegerField()


class UnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class StatsSerializer(serializers.Serializer):
    unit = UnitRefSerializer(allow_null=True)
    period_start = serializers.DateField(allow_null=True)
    period_end = serializers.DateField()
    stock_target = serializers.DateField()
    totals = FiguresSerializer()
    by_region = RegionFiguresSerializer(many=True)
    by_industry = IndustryFiguresSerializer(many=True)
    cells = CellFiguresSerializer(many=True)


class StatsQuerySerializer(serializers.Serializer):
    period_start = serializers.DateField(required=False)
    period_end = serializers.DateField(required=False)

    def validate(self, attrs):
        start, end = attrs.get("period_start"), attrs.get("period_end")
        if start and end and start > end:
            raise serializers.ValidationError({"period_end": _("结束日期不能早于开始日期。")})
        return attrs
