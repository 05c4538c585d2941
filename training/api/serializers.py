"""Serializers of the training API. ID numbers are write-only; reads show the mask."""

from datetime import date

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.fields import ScopedPrimaryKeyRelatedField
from orgs.models import Enterprise, Industry, OrgUnit
from training.constants import (
    ON_SITE_DRILL_INTERVAL_MONTHS,
    PERSON_CATEGORIES,
    CertificateStatus,
    DrillStatus,
    TrainingStatus,
)
from training.models import (
    AwarenessEvent,
    Certificate,
    Drill,
    DrillPhoto,
    Person,
    TrainingSession,
)
from training.stats import drill_due_on, on_site_drill_due_on

VERSION_HELP = _("读取时的版本号；若记录已被他人修改，返回409。")
LOCATED = ["org_unit", "org_unit_name", "enterprise", "enterprise_name"]


class LocatedSerializer(serializers.ModelSerializer):
    """The organiser or location: an enterprise (its township follows) or an org unit."""

    org_unit = ScopedPrimaryKeyRelatedField(queryset=OrgUnit.objects.all(), required=False)
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    enterprise = ScopedPrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(), required=False, allow_null=True
    )
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, default=None)
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)


class TrainingSessionSerializer(LocatedSerializer):
    industries = serializers.PrimaryKeyRelatedField(
        queryset=Industry.objects.all(), many=True, required=False
    )
    audience_display = serializers.CharField(source="get_audience_display", read_only=True)

    class Meta:
        model = TrainingSession
        fields = [
            "id",
            *LOCATED,
            "title",
            "audience",
            "audience_display",
            "industries",
            "start_date",
            "end_date",
            "hours",
            "place",
            "trainer",
            "materials",
            "attendance_count",
            "has_roster",
            "version",
        ]
        read_only_fields = ["has_roster"]


class PersonSerializer(LocatedSerializer):
    id_number = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        help_text=_("18位居民身份号码（GB 11643），只写；读出时只显示后4位。"),
    )
    id_number_masked = serializers.CharField(source="masked_id_number", read_only=True)
    category = serializers.ChoiceField(choices=PERSON_CATEGORIES)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    training_status = serializers.ChoiceField(
        choices=TrainingStatus.choices, read_only=True, required=False
    )
    training_shortfall = serializers.DecimalField(
        max_digits=7, decimal_places=1, read_only=True, required=False
    )

    class Meta:
        model = Person
        fields = [
            "id",
            *LOCATED,
            "name",
            "category",
            "category_display",
            "position",
            "phone",
            "id_number",
            "id_number_masked",
            "is_active",
            "training_status",
            "training_shortfall",
            "version",
        ]


class CertificateSerializer(serializers.ModelSerializer):
    holder = ScopedPrimaryKeyRelatedField(queryset=Person.objects.all())
    holder_name = serializers.CharField(source="holder.name", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, default=None)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    certificate_status = serializers.ChoiceField(
        choices=CertificateStatus.choices, read_only=True, required=False
    )
    number = serializers.CharField(
        max_length=50,
        help_text=_(
            "证书编号。为身份证号码时须通过校验（GB 11643），读出时只显示后4位，"
            "与人员身份证号同样保护。"
        ),
    )
    number_is_id_number = serializers.BooleanField(read_only=True)
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)

    class Meta:
        model = Certificate
        fields = [
            "id",
            "holder",
            "holder_name",
            "enterprise",
            "enterprise_name",
            "org_unit",
            "kind",
            "kind_display",
            "operation",
            "number",
            "number_is_id_number",
            "issuing_authority",
            "issued_on",
            "review_due_on",
            "reviewed_on",
            "expires_on",
            "certificate_status",
            "version",
        ]
        read_only_fields = ["enterprise", "org_unit", "reviewed_on"]
        extra_kwargs = {
            "review_due_on": {"required": False},
            "expires_on": {"required": False},
        }


class RenewCertificateSerializer(serializers.Serializer):
    reviewed_on = serializers.DateField(required=False, help_text=_("复审通过的日期"))
    issued_on = serializers.DateField(required=False, help_text=_("换发新证的日期"))
    number = serializers.CharField(required=False, max_length=50)
    issuing_authority = serializers.CharField(required=False, max_length=100)
    expires_on = serializers.DateField(required=False)
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)


class DrillPhotoSerializer(serializers.ModelSerializer):
    class Meta:
        model = DrillPhoto
        fields = ["id", "original_name", "uploaded_at"]
        read_only_fields = fields


class DrillSerializer(LocatedSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    photos = DrillPhotoSerializer(many=True, read_only=True)
    files = serializers.ListField(
        child=serializers.FileField(), write_only=True, required=False, help_text=_("演练照片")
    )

    class Meta:
        model = Drill
        fields = [
            "id",
            *LOCATED,
            "held_on",
            "kind",
            "kind_display",
            "unscripted",
            "participants",
            "scenario",
            "evaluation",
            "plan_revision",
            "photos",
            "files",
            "version",
        ]


class AwarenessEventSerializer(LocatedSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = AwarenessEvent
        fields = [
            "id",
            *LOCATED,
            "kind",
            "kind_display",
            "title",
            "held_on",
            "place",
            "reach",
            "description",
            "version",
        ]


class RosterImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("参训名单（.xlsx或.csv）"))


class RosterImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField()
    message = serializers.CharField()


class RosterImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    errors = RosterImportErrorSerializer(many=True)


class RevealSerializer(serializers.Serializer):
    id_number = serializers.CharField()


class FlaggedEnterpriseSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField()
    enterprise_name = serializers.CharField(source="enterprise__name")
    expired = serializers.IntegerField(help_text=_("过期证书数"))


class RevealCertificateNumberSerializer(serializers.Serializer):
    number = serializers.CharField()


class TrainingStatsQuerySerializer(serializers.Serializer):
    within = serializers.IntegerField(help_text=_("统计单位（含下级）"))
    period_start = serializers.DateField()
    period_end = serializers.DateField()


class AudienceFiguresSerializer(serializers.Serializer):
    audience = serializers.CharField()
    label = serializers.CharField()
    sessions = serializers.IntegerField()
    attendance = serializers.IntegerField()
    person_hours = serializers.DecimalField(max_digits=12, decimal_places=1)


class TrainingCoverageSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    covered = serializers.IntegerField()
    share = serializers.DecimalField(max_digits=5, decimal_places=1)


class CertificateFiguresSerializer(serializers.Serializer):
    valid = serializers.IntegerField()
    review_due = serializers.IntegerField()
    expired = serializers.IntegerField()


class DrillFiguresSerializer(serializers.Serializer):
    held = serializers.IntegerField()
    unscripted = serializers.IntegerField()
    on_site = serializers.IntegerField(help_text=_("其中现场处置方案演练"))
    units = serializers.IntegerField()
    overdue = serializers.IntegerField(help_text=_("期末逾期的单位（任一项演练要求）"))
    due_soon = serializers.IntegerField()
    on_site_overdue = serializers.IntegerField(help_text=_("期末现场处置方案演练逾期的单位"))


class AwarenessFiguresSerializer(serializers.Serializer):
    events = serializers.IntegerField()
    reach = serializers.IntegerField()


class TrainingStatsSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit.pk")
    unit_name = serializers.CharField(source="unit.name")
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    sessions = serializers.IntegerField()
    attendance = serializers.IntegerField()
    person_hours = serializers.DecimalField(max_digits=12, decimal_places=1)
    by_audience = AudienceFiguresSerializer(many=True)
    key_group_coverage = TrainingCoverageSerializer()
    certificates = CertificateFiguresSerializer()
    drills = DrillFiguresSerializer()
    awareness = AwarenessFiguresSerializer()


class CoverageQuerySerializer(serializers.Serializer):
    within = serializers.IntegerField(help_text=_("统计区域（含下级）"))
    category = serializers.MultipleChoiceField(
        choices=PERSON_CATEGORIES,
        required=False,
        help_text=_("人员类别，可多选；默认主要负责人和安全管理人员"),
    )
    industry = serializers.IntegerField(required=False, help_text=_("行业领域"))
    window_start = serializers.DateField(help_text=_("覆盖期间起，如三年行动的2024-01-01"))
    window_end = serializers.DateField()


class PersonBriefSerializer(serializers.ModelSerializer):
    id_number_masked = serializers.CharField(source="masked_id_number", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True, default=None)
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "category",
            "id_number_masked",
            "enterprise",
            "enterprise_name",
            "org_unit_name",
        ]
        read_only_fields = fields


class CoverageResponseSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    covered = serializers.IntegerField()
    share = serializers.DecimalField(max_digits=5, decimal_places=1)
    count = serializers.IntegerField(help_text=_("未覆盖人数"))
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = PersonBriefSerializer(many=True, help_text=_("未覆盖人员"))


class ComplianceQuerySerializer(serializers.Serializer):
    within = serializers.IntegerField(required=False, help_text=_("区域（含下级）"))
    status = serializers.ChoiceField(choices=DrillStatus.choices, required=False)


class GeneralDrillSerializer(serializers.Serializer):
    """The requirement on a unit's plans' drills (综合, 专项, 疏散逃生, 桌面推演)."""

    last_drill_on = serializers.DateField(allow_null=True)
    interval_months = serializers.IntegerField(source="drill_interval_months")
    due_on = serializers.SerializerMethodField()
    drill_status = serializers.ChoiceField(
        choices=DrillStatus.choices, source="general_drill_status"
    )

    def get_due_on(self, row) -> date | None:
        return drill_due_on(row)


class OnSiteDrillSerializer(serializers.Serializer):
    """The requirement on a unit's on-site response drills (现场处置方案演练)."""

    last_drill_on = serializers.DateField(allow_null=True, source="last_on_site_drill_on")
    interval_months = serializers.SerializerMethodField()
    due_on = serializers.SerializerMethodField()
    drill_status = serializers.ChoiceField(
        choices=DrillStatus.choices, source="on_site_drill_status"
    )

    def get_interval_months(self, row) -> int:
        return ON_SITE_DRILL_INTERVAL_MONTHS

    def get_due_on(self, row) -> date | None:
        return on_site_drill_due_on(row)


class DrillComplianceSerializer(serializers.ModelSerializer):
    """A unit against both drill requirements: `general` (its plans' drills, every 12 or 6
    months; also flat as last_drill_on, drill_interval_months, due_on) and `on_site` (现场处置,
    every 6 months). `drill_status` is the worse of the two."""

    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    industry_name = serializers.CharField(source="industry.name", read_only=True)
    last_drill_on = serializers.DateField(allow_null=True)
    drill_interval_months = serializers.IntegerField()
    due_on = serializers.SerializerMethodField()
    general = GeneralDrillSerializer(source="*", read_only=True)
    on_site = OnSiteDrillSerializer(source="*", read_only=True)
    drill_status = serializers.ChoiceField(choices=DrillStatus.choices)

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "name",
            "org_unit",
            "org_unit_name",
            "industry_name",
            "last_drill_on",
            "drill_interval_months",
            "due_on",
            "general",
            "on_site",
            "drill_status",
        ]
        read_only_fields = fields

    def get_due_on(self, row) -> date | None:
        return drill_due_on(row)
