"""The campaigns API: thin viewsets over campaigns.services, scoped by core.api.views.

Reads go through `restrict()` (core.api.views.ScopedViewSetMixin); every write is a service
call, whose Chinese ValidationErrors come back as 400 and stale versions as 409
(core.api.exceptions).
"""

from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from campaigns import services, stats
from campaigns.api import serializers as s
from campaigns.docx import DocumentError, text_from_upload
from campaigns.filters import (
    AssignmentFilter,
    ChecklistFilter,
    PlanFilter,
    ProgressReportFilter,
    SlotFilter,
    TaskFilter,
)
from campaigns.models import (
    Assignment,
    Campaign,
    Checklist,
    Phase,
    Plan,
    ProgressReport,
    Slot,
    Task,
)
from campaigns.parsing import PlanParseError, parse_plan
from core.api.views import ScopedReadOnlyViewSet, ScopedViewSetMixin
from orgs.constants import Action as ScopeAction
from orgs.models import OrgUnit

PARSE_ERROR = OpenApiResponse(s.ParseErrorSerializer, description="无法识别的文本，附行号")


class CampaignViewSet(viewsets.ReadOnlyModelViewSet):
    """专项行动 and its phases: reference data, the same for every user."""

    queryset = Campaign.objects.prefetch_related("phases")
    serializer_class = s.CampaignSerializer


class ActionScopedViewSet(ScopedViewSetMixin, viewsets.GenericViewSet):
    """Custom actions look their object up in the scope of what they do (`action_scopes`):
    issuing a plan needs `change` on it, accepting a report `approve`."""

    action_scopes: dict[str, str] = {}

    def scope_action(self) -> str:
        return self.action_scopes.get(self.action) or super().scope_action()

    def scoped(self, queryset):
        """`queryset` within the user's scope for reading: to re-read what a service wrote."""
        return queryset.restrict(self.request.user, ScopeAction.VIEW)


def _parse_error(error: PlanParseError) -> Response:
    return Response(
        {"detail": error.message, "line": error.line, "code": "parse_error"},
        status=status.HTTP_400_BAD_REQUEST,
    )


@extend_schema_view(
    update=extend_schema(request=s.PlanUpdateSerializer),
    partial_update=extend_schema(request=s.PlanUpdateSerializer),
)
class PlanViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ActionScopedViewSet,
):
    """实施方案: the user's own and their subtree's, and the superior plans that assign them
    tasks (read only). Created as drafts; `issue` 印发, `file` 备案 with the superior."""

    # Meta.ordering does not apply to a query grouped for the count: ordered again here.
    queryset = (
        Plan.objects.select_related("org_unit", "parent")
        .annotate(task_count=Count("tasks"))
        .order_by(*Plan._meta.ordering)
    )
    serializer_class = s.PlanSerializer
    filterset_class = PlanFilter
    search_fields = ["title", "document_number"]
    ordering_fields = ["org_path", "issue_date", "title", "updated_at"]
    # derive and file read the plan (a superior's, or a subordinate's); issuing changes it.
    action_scopes = {"issue": ScopeAction.CHANGE}

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                "sections", Prefetch("phases", Phase.objects.order_by("order")), "actions"
            )
        return queryset

    def get_serializer_class(self):
        if self.action == "retrieve":
            return s.PlanDetailSerializer
        if self.action in ("update", "partial_update"):
            return s.PlanUpdateSerializer
        return super().get_serializer_class()

    def _reread(self, plan):
        return self.scoped(self.queryset).get(pk=plan.pk)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        plan = services.create_plan(user=self.request.user, **data)
        serializer.instance = self._reread(plan)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        plan = services.update_plan(
            serializer.instance, data, user=self.request.user, expected_version=version
        )
        serializer.instance = self._reread(plan)

    @extend_schema(
        request=s.DeriveSerializer,
        responses={201: s.PlanSerializer, 200: s.PlanSerializer},
        description="按照上级方案要求，结合实际：为本级单位建立方案，带入上级分派给它的全部任务。"
        "已建立过则返回原方案（200）。",
    )
    @action(detail=True, methods=["post"])
    def derive(self, request, pk=None):
        parent = self.get_object()
        serializer = s.DeriveSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        unit = serializer.validated_data["org_unit"]
        existed = Plan.objects.filter(parent=parent, org_unit=unit).exists()
        plan = services.derive_plan(
            user=request.user,
            parent_plan=parent,
            org_unit=unit,
            title=serializer.validated_data.get("title"),
        )
        return Response(
            s.PlanSerializer(self._reread(plan), context=self.get_serializer_context()).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses=s.PlanSerializer, description="印发：草稿 → 已印发")
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        plan = services.issue_plan(self.get_object(), user=request.user)
        return Response(self.get_serializer(self._reread(plan)).data)

    @extend_schema(
        request=None, responses=s.PlanSerializer, description="备案：由上级单位领导或管理员办理"
    )
    @action(detail=True, methods=["post"])
    def file(self, request, pk=None):
        plan = services.file_plan(self.get_object(), user=request.user)
        return Response(self.get_serializer(self._reread(plan)).data)

    @extend_schema(
        request=s.ParseSerializer,
        responses={200: OpenApiTypes.OBJECT, 400: PARSE_ERROR},
        description="识别方案正文的章节、阶段、行动和任务（时限、周期、目标、单位）；不保存。",
    )
    @action(detail=False, methods=["post"])
    def parse(self, request):
        serializer = s.ParseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            return Response(parse_plan(serializer.validated_data["text"]).as_dict())
        except PlanParseError as error:
            return _parse_error(error)

    @extend_schema(
        request={"multipart/form-data": s.ImportSerializer, "application/json": s.ImportSerializer},
        responses={200: s.ImportPreviewSerializer, 201: s.PlanSerializer, 400: PARSE_ERROR},
        description="导入方案：confirm=false 时只返回识别结果供核对，confirm=true 时保存。",
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        url_name="import",
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def import_text(self, request):
        serializer = s.ImportSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        upload = data.get("file")
        try:
            text = text_from_upload(upload.name, upload.read()) if upload else data["text"]
        except DocumentError as error:
            return Response({"file": [str(error)]}, status=status.HTTP_400_BAD_REQUEST)
        try:
            parsed = parse_plan(text)
        except PlanParseError as error:
            return _parse_error(error)
        if not data["confirm"]:
            return Response({"preview": parsed.as_dict()})
        plan = services.import_parsed_plan(
            parsed,
            user=request.user,
            org_unit=data["org_unit"],
            campaign=data["campaign"],
            parent=data.get("parent"),
            title=data.get("title") or None,
            document_number=data.get("document_number"),
            issue_date=data.get("issue_date"),
        )
        return Response(
            s.PlanSerializer(self._reread(plan), context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        parameters=[s.CompletionQuerySerializer],
        responses=s.CompletionSerializer,
        description="各下级单位（含其全部下级）的任务完成情况；以下级单位为 unit 再次查询即下钻。",
    )
    @action(detail=True, methods=["get"])
    def completion(self, request, pk=None):
        plan = self.get_object()
        query = s.CompletionQuerySerializer(
            data=request.query_params, context=self.get_serializer_context()
        )
        query.is_valid(raise_exception=True)
        unit = query.validated_data.get("unit") or self._default_unit(plan)
        task = query.validated_data.get("task")
        if task is not None and task.plan_id != plan.pk:
            return Response({"task": ["该任务不属于此方案。"]}, status=400)
        rows = stats.completion_by_child(task or plan, unit, user=request.user)
        payload = {
            "plan": plan.pk,
            "task": task.pk if task else None,
            "unit": unit.pk,
            "unit_name": unit.name,
            "rows": rows,
        }
        return Response(s.CompletionSerializer(payload).data)

    def _default_unit(self, plan):
        """The plan's owner, for those who may see it; a unit assigned tasks by a superior's
        plan names itself (or one below it)."""
        units = OrgUnit.objects.restrict(self.request.user, ScopeAction.VIEW)
        if not units.filter(pk=plan.org_unit_id).exists():
            raise ValidationError({"unit": ["请指定统计单位（本单位或下级单位）。"]})
        return plan.org_unit


@extend_schema_view(
    update=extend_schema(request=s.TaskUpdateSerializer),
    partial_update=extend_schema(request=s.TaskUpdateSerializer),
)
class TaskViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ActionScopedViewSet,
):
    """任务 of the plans the user sees, and the superiors' tasks assigned to them (read only).

    `origin_changed`: the superior changed the task this one was copied from; `acknowledge`
    clears the notice, optionally taking the superior's new wording."""

    queryset = Task.objects.select_related("plan", "org_unit", "lead_unit", "origin")
    serializer_class = s.TaskSerializer
    filterset_class = TaskFilter
    search_fields = ["text", "title", "number"]
    ordering_fields = ["ordinal", "deadline", "updated_at"]
    action_scopes = {"assign": ScopeAction.CHANGE, "acknowledge": ScopeAction.CHANGE}

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return s.TaskUpdateSerializer
        return super().get_serializer_class()

    def _reread(self, task):
        return self.scoped(self.queryset).get(pk=task.pk)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        plan = data.pop("plan")
        task = services.add_task(plan, data, user=self.request.user)
        serializer.instance = self._reread(task)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        task = services.update_task(
            serializer.instance, data, user=self.request.user, expected_version=version
        )
        serializer.instance = self._reread(task)

    @extend_schema(
        request=s.AssignSerializer,
        responses=s.AssignmentSerializer(many=True),
        description="分派给下级责任单位，按时限或周期生成报送节点；已分派的单位保持不变。",
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        task = self.get_object()
        serializer = s.AssignSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        assignments = services.assign_task(
            task,
            serializer.validated_data["org_units"],
            user=request.user,
            lead_unit=serializer.validated_data.get("lead_unit"),
        )
        return Response(s.AssignmentSerializer(assignments, many=True).data)

    @extend_schema(request=s.AcknowledgeSerializer, responses=s.TaskSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        task = self.get_object()
        serializer = s.AcknowledgeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        task = services.acknowledge_origin_change(
            task, user=request.user, apply_text=serializer.validated_data["apply_text"]
        )
        return Response(
            s.TaskSerializer(self._reread(task), context=self.get_serializer_context()).data
        )


class AssignmentViewSet(ScopedReadOnlyViewSet):
    """任务分派: a task × a responsible unit, seen by the unit, its superiors and the plan's
    owner."""

    queryset = Assignment.objects.select_related("task", "org_unit")
    serializer_class = s.AssignmentSerializer
    filterset_class = AssignmentFilter
    ordering_fields = ["org_path", "status", "created_at"]


class SlotViewSet(ScopedReadOnlyViewSet):
    """报送节点: the due dates of each assignment. `mine`: the next one of each assignment of
    the user's own units (我的任务)."""

    queryset = Slot.objects.select_related("assignment", "org_unit")
    serializer_class = s.SlotSerializer
    filterset_class = SlotFilter
    ordering_fields = ["due_date", "org_path", "status"]

    @action(detail=False, methods=["get"])
    def mine(self, request):
        slots = self.filter_queryset(stats.my_slots(request.user))
        page = self.paginate_queryset(slots)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class ProgressReportViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    ActionScopedViewSet,
):
    """进展汇报: submitted by the responsible unit (multipart, with `files`), then accepted or
    returned with a comment by a leader above it or of the plan's owner."""

    queryset = ProgressReport.objects.select_related("org_unit", "submitted_by").prefetch_related(
        "attachments"
    )
    serializer_class = s.ProgressReportSerializer
    filterset_class = ProgressReportFilter
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    ordering_fields = ["submitted_at", "status"]
    action_scopes = {"accept": ScopeAction.APPROVE, "return_report": ScopeAction.APPROVE}

    def perform_create(self, serializer):
        data = serializer.validated_data
        report = services.submit_progress_report(
            data["slot"],
            user=self.request.user,
            text=data["text"],
            percent_done=data["percent_done"],
            files=data.get("files", ()),
        )
        serializer.instance = self.scoped(self.queryset).get(pk=report.pk)

    def _review(self, request, accept):
        report = self.get_object()
        serializer = s.ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.review_progress_report(
            report,
            user=request.user,
            accept=accept,
            comment=serializer.validated_data.get("comment", ""),
            expected_version=serializer.validated_data.get("version"),
        )
        return Response(self.get_serializer(self.scoped(self.queryset).get(pk=report.pk)).data)

    @extend_schema(request=s.ReviewSerializer, responses=s.ProgressReportSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._review(request, accept=True)

    @extend_schema(
        request=s.ReviewSerializer,
        responses=s.ProgressReportSerializer,
        description="退回，须填写审核意见。",
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_report(self, request, pk=None):
        return self._review(request, accept=False)


class ChecklistViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    ActionScopedViewSet,
):
    """责任清单 / 年度重点工作任务清单 and their items; `tick` marks one item done with evidence."""

    queryset = Checklist.objects.select_related("org_unit").prefetch_related("items")
    serializer_class = s.ChecklistSerializer
    filterset_class = ChecklistFilter
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    search_fields = ["title"]
    action_scopes = {"tick": ScopeAction.CHANGE}

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        checklist = services.create_checklist(
            user=self.request.user, items=data.pop("item_texts", ()), **data
        )
        serializer.instance = self.scoped(self.queryset).get(pk=checklist.pk)

    @extend_schema(
        request={"multipart/form-data": s.TickSerializer, "application/json": s.TickSerializer},
        responses=s.ChecklistSerializer,
    )
    @action(detail=True, methods=["post"])
    def tick(self, request, pk=None):
        checklist = self.get_object()
        serializer = s.TickSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        item = get_object_or_404(checklist.items, pk=data["item"])
        services.tick_checklist_item(
            item,
            user=request.user,
            done=data["done"],
            note=data.get("note", ""),
            evidence=data.get("evidence"),
        )
        return Response(self.get_serializer(self.scoped(self.queryset).get(pk=checklist.pk)).data)
