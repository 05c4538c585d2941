"""Serializers of the campaigns API. They shape data; campaigns.services validates and writes."""

from django.utils import timezone
from rest_framework import serializers

from campaigns.models import (
    Action,
    Assignment,
    Campaign,
    Checklist,
    ChecklistItem,
    Phase,
    Plan,
    PlanSection,
    ProgressAttachment,
    ProgressReport,
    Slot,
    Task,
)
from core.api.fields import ScopedPrimaryKeyRelatedField
from orgs.models import OrgUnit

VERSION_HELP = "更新时回传读取到的版本号；若记录已被他人修改，返回409。"
# A plan's .docx is well under a megabyte; the limit keeps an upload from filling memory.
PLAN_UPLOAD_MAX_BYTES = 20 * 1024 * 1024


class PhaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Phase
        fields = ["id", "name", "order", "start", "end"]


class CampaignSerializer(serializers.ModelSerializer):
    phases = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = ["id", "name", "short_name", "start", "end", "description", "phases"]

    def get_phases(self, campaign) -> list[dict]:
        # Campaign-wide phases only (a plan's own phases are shown with the plan); prefetched.
        phases = [phase for phase in campaign.phases.all() if phase.plan_id is None]
        return PhaseSerializer(phases, many=True).data


class PlanSectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanSection
        fields = ["id", "kind", "heading", "text", "order"]


class ActionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Action
        fields = ["id", "number", "ordinal", "title", "text"]


class PlanSerializer(serializers.ModelSerializer):
    org_unit = ScopedPrimaryKeyRelatedField(queryset=OrgUnit.objects.all())
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all())
    parent = ScopedPrimaryKeyRelatedField(
        queryset=Plan.objects.all(), required=False, allow_null=True
    )
    parent_title = serializers.CharField(source="parent.title", read_only=True, default=None)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    task_count = serializers.IntegerField(read_only=True)
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)

    class Meta:
        model = Plan
        fields = [
            "id",
            "title",
            "document_number",
            "issue_date",
            "status",
            "status_display",
            "org_unit",
            "org_unit_name",
            "campaign",
            "parent",
            "parent_title",
            "task_count",
            "issued_at",
            "filed_at",
            "filed_by",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ["status", "issued_at", "filed_at", "filed_by"]
        # One derived plan per (parent, unit) is checked by the service, in its transaction.
        validators = []


class PlanUpdateSerializer(PlanSerializer):
    """A plan's owner, campaign and parent are fixed once it exists."""

    class Meta(PlanSerializer.Meta):
        read_only_fields = [
            *PlanSerializer.Meta.read_only_fields,
            "org_unit",
            "campaign",
            "parent",
        ]


class PlanDetailSerializer(PlanSerializer):
    sections = PlanSectionSerializer(many=True, read_only=True)
    phases = PhaseSerializer(many=True, read_only=True)
    actions = ActionSerializer(many=True, read_only=True)

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "sections", "phases", "actions"]


class DeriveSerializer(serializers.Serializer):
    org_unit = ScopedPrimaryKeyRelatedField(
        queryset=OrgUnit.objects.all(), help_text="制定本级方案的单位（须在上级方案中有分派任务）"
    )
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)


class ParseSerializer(serializers.Serializer):
    text = serializers.CharField(trim_whitespace=False, help_text="方案正文")


class ImportSerializer(serializers.Serializer):
    """Text pasted, or a .txt/.docx file; `confirm` false previews, true saves."""

    text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    file = serializers.FileField(required=False, help_text=".txt 或 .docx 文件")
    org_unit = ScopedPrimaryKeyRelatedField(queryset=OrgUnit.objects.all())
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all())
    parent = ScopedPrimaryKeyRelatedField(
        queryset=Plan.objects.all(), required=False, allow_null=True
    )
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    document_number = serializers.CharField(required=False, allow_blank=True, max_length=60)
    issue_date = serializers.DateField(required=False, allow_null=True)
    confirm = serializers.BooleanField(default=False)

    def validate_file(self, upload):
        if upload.size > PLAN_UPLOAD_MAX_BYTES:
            raise serializers.ValidationError("文件过大，请只保留方案正文后重新上传。")
        return upload

    def validate(self, attrs):
        if not attrs.get("file") and not (attrs.get("text") or "").strip():
            raise serializers.ValidationError({"text": "请粘贴方案正文或上传.txt/.docx文件。"})
        return attrs


class ImportPreviewSerializer(serializers.Serializer):
    preview = serializers.DictField(help_text="parse_plan(text).as_dict()：未保存")


class ParseErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    line = serializers.IntegerField(allow_null=True)
    code = serializers.CharField()


class CompletionQuerySerializer(serializers.Serializer):
    unit = ScopedPrimaryKeyRelatedField(
        queryset=OrgUnit.objects.all(), required=False, help_text="默认为方案制定单位"
    )
    task = ScopedPrimaryKeyRelatedField(
        queryset=Task.objects.all(), required=False, help_text="只统计该任务（及其分解任务）"
    )


class CompletionRowSerializer(serializers.Serializer):
    org_unit = serializers.IntegerField(source="org_unit.pk")
    org_unit_name = serializers.CharField(source="org_unit.name")
    has_children = serializers.BooleanField(source="org_unit.numchild")
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    pending = serializers.IntegerField()
    late = serializers.IntegerField()
    percent_done = serializers.IntegerField()


class CompletionSerializer(serializers.Serializer):
    plan = serializers.IntegerField()
    task = serializers.IntegerField(allow_null=True)
    unit = serializers.IntegerField()
    unit_name = serializers.CharField()
    rows = CompletionRowSerializer(many=True)


class TaskSerializer(serializers.ModelSerializer):
    plan = ScopedPrimaryKeyRelatedField(queryset=Plan.objects.all(), scope_action="change")
    plan_title = serializers.CharField(source="plan.title", read_only=True)
    action = serializers.PrimaryKeyRelatedField(
        queryset=Action.objects.all(), required=False, allow_null=True
    )
    lead_unit = ScopedPrimaryKeyRelatedField(
        queryset=OrgUnit.objects.all(), required=False, allow_null=True
    )
    lead_unit_name = serializers.CharField(source="lead_unit.name", read_only=True, default=None)
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    origin_changed = serializers.BooleanField(read_only=True)
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)

    class Meta:
        model = Task
        fields = [
            "id",
            "plan",
            "plan_title",
            "action",
            "number",
            "ordinal",
            "title",
            "text",
            "lead_unit",
            "lead_unit_name",
            "deadline",
            "deadline_phrase",
            "recurrence",
            "times_per_period",
            "target",
            "org_unit",
            "org_unit_name",
            "origin",
            "origin_version_seen",
            "origin_changed",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["org_unit", "origin", "origin_version_seen"]
        extra_kwargs = {"number": {"required": False}, "ordinal": {"required": False}}


class TaskUpdateSerializer(TaskSerializer):
    class Meta(TaskSerializer.Meta):
        read_only_fields = [*TaskSerializer.Meta.read_only_fields, "plan"]


class AssignSerializer(serializers.Serializer):
    org_units = ScopedPrimaryKeyRelatedField(
        queryset=OrgUnit.objects.all(), many=True, help_text="责任单位"
    )
    lead_unit = ScopedPrimaryKeyRelatedField(
        queryset=OrgUnit.objects.all(), required=False, allow_null=True, help_text="牵头单位"
    )


class AcknowledgeSerializer(serializers.Serializer):
    apply_text = serializers.BooleanField(default=False, help_text="采用上级任务的新表述")


class AssignmentSerializer(serializers.ModelSerializer):
    plan = serializers.IntegerField(source="task.plan_id", read_only=True)
    task_number = serializers.CharField(source="task.number", read_only=True)
    task_title = serializers.CharField(source="task.title", read_only=True)
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "task",
            "task_number",
            "task_title",
            "plan",
            "org_unit",
            "org_unit_name",
            "is_lead",
            "status",
            "status_display",
            "derived_task",
            "created_at",
            "completed_at",
        ]
        read_only_fields = fields


class SlotSerializer(serializers.ModelSerializer):
    task = serializers.IntegerField(source="assignment.task_id", read_only=True)
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Slot
        fields = [
            "id",
            "assignment",
            "task",
            "org_unit",
            "org_unit_name",
            "period",
            "period_start",
            "due_date",
            "required_count",
            "status",
            "status_display",
            "accepted_at",
            "overdue",
        ]
        read_only_fields = fields

    def get_overdue(self, slot) -> bool:
        """Past its due date and not accepted (campaigns.stats.late_slots)."""
        return slot.status != Slot.Status.ACCEPTED and slot.due_date < timezone.localdate()


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgressAttachment
        fields = ["id", "original_name", "uploaded_at"]


class ProgressReportSerializer(serializers.ModelSerializer):
    slot = ScopedPrimaryKeyRelatedField(queryset=Slot.objects.all(), scope_action="add")
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    submitted_by_name = serializers.CharField(source="submitted_by.__str__", read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    files = serializers.ListField(
        child=serializers.FileField(), required=False, write_only=True, help_text="佐证材料"
    )

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "slot",
            "org_unit",
            "org_unit_name",
            "text",
            "percent_done",
            "status",
            "status_display",
            "submitted_by",
            "submitted_by_name",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "review_comment",
            "version",
            "attachments",
            "files",
        ]
        read_only_fields = [
            "org_unit",
            "status",
            "submitted_by",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "review_comment",
            "version",
        ]


class ReviewSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, help_text="审核意见")
    version = serializers.IntegerField(required=False, help_text=VERSION_HELP)


class ChecklistItemSerializer(serializers.ModelSerializer):
    has_evidence = serializers.SerializerMethodField()

    class Meta:
        model = ChecklistItem
        fields = ["id", "ordinal", "text", "done", "done_at", "done_by", "evidence_note"]
        fields += ["has_evidence"]
        read_only_fields = fields

    def get_has_evidence(self, item) -> bool:
        return bool(item.evidence)


class ChecklistSerializer(serializers.ModelSerializer):
    org_unit = ScopedPrimaryKeyRelatedField(queryset=OrgUnit.objects.all())
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    plan = ScopedPrimaryKeyRelatedField(
        queryset=Plan.objects.all(), required=False, allow_null=True
    )
    items = ChecklistItemSerializer(many=True, read_only=True)
    item_texts = serializers.ListField(
        child=serializers.CharField(), required=False, write_only=True, help_text="清单事项"
    )

    class Meta:
        model = Checklist
        fields = [
            "id",
            "org_unit",
            "org_unit_name",
            "plan",
            "kind",
            "title",
            "year",
            "created_at",
            "items",
            "item_texts",
        ]


class TickSerializer(serializers.Serializer):
    item = serializers.IntegerField(help_text="清单事项id")
    done = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, help_text="完成情况说明")
    evidence = serializers.FileField(required=False, help_text="佐证材料（图片或PDF）")
