"""REST API of the hazard ledger: thin viewsets over hazards.services.

Every route goes through core.api.views' scoped base classes: a hazard out of the user's
scope is 404 on every route. Each workflow step is a detail route answering GET (may the user
take it now, and if not why) and POST (take it). Edits carry a version — `If-Match` (412 when
stale) or a `version` field (409) — and answer with the new `ETag`.
"""

from django.db.models import Prefetch
from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from core.api.views import ScopedViewSetMixin, ValuesListMixin
from core.exceptions import StaleVersionError
from core.uploads import content_type_for
from hazards import services
from hazards.api import serializers as s
from hazards.constants import HazardAction
from hazards.filters import CriterionFilter, EscalationFilter, HazardFilter
from hazards.importers import HazardLedgerImporter, export_hazards
from hazards.models import Escalation, Hazard, HazardCriterion, HazardFile, HazardNotice
from hazards.stats import default_stats_unit, hazard_stats
from orgs.scoping import scope_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("该记录已被他人修改，请刷新后重试。")
    default_code = "precondition_failed"


class PreconditionRequired(APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = _("修改须提供读取时的版本号：version字段或If-Match请求头。")
    default_code = "precondition_required"


def parse_if_match(request) -> int | None:
    """The version in `If-Match: "3"` (or W/"3"); None without the header."""
    header = request.headers.get("If-Match")
    if not header:
        return None
    tag = header.strip().removeprefix("W/").strip('"')
    if not tag.isdigit():
        raise PreconditionFailed(_('If-Match请求头应为读取时的ETag，如"3"。'))
    return int(tag)


def etag(hazard) -> str:
    return f'"{hazard.version}"'


def xlsx_download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _action_schema(name, request_serializer, *, multipart=False):
    """GET: may the user take this step now; POST: take it."""
    return extend_schema(
        methods=["GET", "POST"],
        request={"multipart/form-data": request_serializer} if multipart else request_serializer,
        responses={200: s.HazardDetailSerializer},
        description=f"GET：当前用户能否办理“{name}”（allowed、reason）。POST：办理。",
    )


VERSION_PARAMETER = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description='读取时的ETag（如"3"）；隐患已被他人修改时返回412。',
)


class HazardViewSet(
    ScopedViewSetMixin,
    ValuesListMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """事故隐患台账. Ledger rows are never deleted: `void` them (and `restore`)."""

    queryset = Hazard.objects.all()
    filterset_class = HazardFilter
    ordering_fields = ["found_date", "deadline", "ledger_number", "updated_at"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_serializer_class(self):
        if self.action == "list":
            return s.HazardListSerializer
        if self.action == "retrieve":
            return s.HazardDetailSerializer
        return s.HazardSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        # The list reads its rows with values() (ValuesListMixin), which joins what it needs.
        if self.action != "list":
            queryset = queryset.select_related(
                "enterprise__org_unit",
                "org_unit",
                "industry",
                "criterion",
                "listed_unit",
                "reported_by",
                "verified_by",
            )
        return queryset

    def filter_queryset(self, queryset):
        # The ledger's filters narrow lists; a detail route finds its hazard whatever they
        # say (a voided one too, to be restored).
        if self.detail:
            return queryset
        return super().filter_queryset(queryset)

    def _detail_queryset(self):
        return self.get_queryset().prefetch_related(
            Prefetch("files", queryset=HazardFile.objects.select_related("uploaded_by")),
            "transitions__actor",
            Prefetch(
                "notices",
                queryset=HazardNotice.objects.select_related("notification__sender"),
            ),
        )

    def _detail(self, pk, status_code=status.HTTP_200_OK):
        hazard = self._detail_queryset().get(pk=pk)
        context = {
            **self.get_serializer_context(),
            "actions": services.available_actions(hazard, self.request.user),
        }
        response = Response(s.HazardDetailSerializer(hazard, context=context).data, status_code)
        response["ETag"] = etag(hazard)
        return response

    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object().pk)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        files = data.pop("files", ())
        serializer.instance = services.report_hazard(data, user=self.request.user, files=files)

    @extend_schema(parameters=[VERSION_PARAMETER])
    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        hazard = self.get_object()
        serializer = self.get_serializer(hazard, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        body_version = data.pop("version", None)
        data.pop("notice_channel", None)
        if data.pop("files", None):
            raise ValidationError({"files": _("请用files接口上传附件。")})
        header_version = parse_if_match(request)
        if header_version is None and body_version is None:
            raise PreconditionRequired
        self._run(
            lambda version: services.update_hazard(
                hazard, data, user=request.user, expected_version=version
            ),
            header_version,
            body_version,
        )
        return self._detail(hazard.pk)

    @extend_schema(parameters=[VERSION_PARAMETER])
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    # --- Workflow steps --------------------------------------------------------------------

    def _run(self, call, header_version, body_version):
        try:
            return call(header_version if header_version is not None else body_version)
        except StaleVersionError as exc:
            if header_version is not None:
                raise PreconditionFailed(exc.messages[0]) from exc
            raise

    def _step(self, request, name, serializer_class, call):
        hazard = self.get_object()
        if request.method == "GET":
            reason = services.available_actions(hazard, request.user)[name]
            state = {
                "action": name,
                "allowed": reason is None,
                "reason": reason,
                "version": hazard.version,
            }
            response = Response(s.ActionStateSerializer(state).data)
            response["ETag"] = etag(hazard)
            return response
        serializer = serializer_class(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        body_version = data.pop("version", None)
        self._run(
            lambda version: call(hazard, data, version), parse_if_match(request), body_version
        )
        return self._detail(hazard.pk)

    @_action_schema("确认", s.ConfirmSerializer)
    @action(detail=True, methods=["get", "post"])
    def confirm(self, request, pk=None):
        return self._step(
            request,
            "confirm",
            s.ConfirmSerializer,
            lambda hazard, data, version: services.confirm(
                hazard, user=request.user, expected_version=version, **data
            ),
        )

    @_action_schema("制定整改方案（五落实）", s.RectificationPlanSerializer)
    @action(detail=True, methods=["get", "post"])
    def plan(self, request, pk=None):
        return self._step(
            request,
            "plan",
            s.RectificationPlanSerializer,
            lambda hazard, data, version: services.set_rectification_plan(
                hazard, data, user=request.user, expected_version=version
            ),
        )

    @_action_schema("开始整改", s.VersionedSerializer)
    @action(detail=True, methods=["get", "post"], url_path="start-rectification")
    def start_rectification(self, request, pk=None):
        return self._step(
            request,
            "start_rectification",
            s.VersionedSerializer,
            lambda hazard, data, version: services.start_rectification(
                hazard, user=request.user, expected_version=version
            ),
        )

    @_action_schema("申请销号", s.CloseOutRequestSerializer, multipart=True)
    @action(detail=True, methods=["get", "post"], url_path="request-close-out")
    def request_close_out(self, request, pk=None):
        return self._step(
            request,
            "request_close_out",
            s.CloseOutRequestSerializer,
            lambda hazard, data, version: services.request_close_out(
                hazard,
                user=request.user,
                note=data.get("note", ""),
                files=data.get("files", ()),
                expected_version=version,
            ),
        )

    @_action_schema("审核销号", s.RequiredNoteSerializer)
    @action(detail=True, methods=["get", "post"])
    def close(self, request, pk=None):
        return self._step(
            request,
            "close",
            s.RequiredNoteSerializer,
            lambda hazard, data, version: services.close(
                hazard, user=request.user, note=data["note"], expected_version=version
            ),
        )

    @_action_schema("退回", s.ReasonSerializer)
    @action(detail=True, methods=["get", "post"], url_path="return")
    def return_(self, request, pk=None):
        return self._step(
            request,
            "return",
            s.ReasonSerializer,
            lambda hazard, data, version: services.return_hazard(
                hazard, user=request.user, reason=data["reason"], expected_version=version
            ),
        )

    @_action_schema("挂牌督办", s.ListingSerializer)
    @action(detail=True, methods=["get", "post"], url_path="list")
    def list_(self, request, pk=None):
        return self._step(
            request,
            "list",
            s.ListingSerializer,
            lambda hazard, data, version: services.list_for_supervision(
                hazard, user=request.user, expected_version=version, **data
            ),
        )

    @_action_schema("摘牌", s.NoteSerializer)
    @action(detail=True, methods=["get", "post"])
    def delist(self, request, pk=None):
        return self._step(
            request,
            "delist",
            s.NoteSerializer,
            lambda hazard, data, version: services.delist(
                hazard, user=request.user, note=data.get("note", ""), expected_version=version
            ),
        )

    @_action_schema("作废", s.ReasonSerializer)
    @action(detail=True, methods=["get", "post"])
    def void(self, request, pk=None):
        return self._step(
            request,
            "void",
            s.ReasonSerializer,
            lambda hazard, data, version: services.void_hazard(
                hazard, user=request.user, reason=data["reason"], expected_version=version
            ),
        )

    @_action_schema("恢复", s.VersionedSerializer)
    @action(detail=True, methods=["get", "post"])
    def restore(self, request, pk=None):
        return self._step(
            request,
            "restore",
            s.VersionedSerializer,
            lambda hazard, data, version: services.restore_hazard(
                hazard, user=request.user, expected_version=version
            ),
        )

    @extend_schema(methods=["GET"], responses=s.HazardFileSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": s.FilesUploadSerializer},
        responses={201: s.HazardFileSerializer(many=True)},
    )
    @action(detail=True, methods=["get", "post"])
    def files(self, request, pk=None):
        """GET: the hazard's photos and documents. POST: upload more (images or PDF)."""
        hazard = self.get_object()
        if request.method == "GET":
            files = hazard.files.select_related("uploaded_by")
            return Response(s.HazardFileSerializer(files, many=True).data)
        serializer = s.FilesUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        stored = services.add_files(hazard, user=request.user, **serializer.validated_data)
        return Response(s.HazardFileSerializer(stored, many=True).data, status.HTTP_201_CREATED)

    # --- The ledger as a whole -------------------------------------------------------------

    @extend_schema(
        parameters=[s.StatsQuerySerializer],
        responses=s.StatsSerializer,
        description="分区域、分行业统计：within为统计单位（默认本人所在单位），其余筛选条件同台账。",
    )
    @action(detail=False, methods=["get"])
    def stats(self, request):
        query = s.StatsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filterset = self.filterset_class(
            request.query_params, queryset=self.get_queryset(), request=request
        )
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        unit = filterset.form.cleaned_data.get("within") or default_stats_unit(request.user)
        figures = hazard_stats(filterset.qs, unit=unit, **query.validated_data)
        return Response(s.StatsSerializer(figures).data)

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"])
    def export(self, request):
        """The filtered ledger as .xlsx in the official column layout."""
        content = export_hazards(self.filter_queryset(self.get_queryset()))
        return xlsx_download(content, _("隐患台账.xlsx"))

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"], url_path="import-template")
    def import_template(self, request):
        return xlsx_download(HazardLedgerImporter.template_workbook(), _("隐患台账导入模板.xlsx"))

    @extend_schema(
        request={"multipart/form-data": s.ImportUploadSerializer},
        responses={200: s.ImportResultSerializer, 400: s.ImportResultSerializer},
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def import_(self, request):
        """A ledger workbook: every row checked, all written or none, errors by row."""
        if (
            not request.user.is_superuser
            and scope_for(request.user).q_for(Hazard, HazardAction.ADD) is None
        ):
            raise PermissionDenied(_("您无权导入隐患。"))
        upload = s.ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        result = HazardLedgerImporter(user=request.user).run(upload.validated_data["file"])
        body = {
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "errors": [
                {"row": e.row, "column": e.column, "message": e.message, "text": str(e)}
                for e in result.errors
            ],
        }
        return Response(body, status.HTTP_200_OK if result.ok else status.HTTP_400_BAD_REQUEST)

    @extend_schema(
        request=s.ExternalHazardSerializer,
        responses={200: s.HazardSerializer, 201: s.HazardSerializer},
        description="其他政务系统推送隐患：按（来源系统, 来源系统编号）新增或更新，可重复推送。",
    )
    @action(
        detail=False,
        methods=["put"],
        url_path=r"by-external-id/(?P<source>[^/]+)/(?P<external_id>[^/]+)",
    )
    def by_external_id(self, request, source=None, external_id=None):
        serializer = s.ExternalHazardSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["enterprise"] = data.pop("credit_code")
        hazard, created = services.upsert_external(source, external_id, data, user=request.user)
        hazard = self.get_queryset().get(pk=hazard.pk)
        response = Response(
            s.HazardSerializer(hazard, context=self.get_serializer_context()).data,
            status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
        response["ETag"] = etag(hazard)
        return response


class HazardFileViewSet(ScopedViewSetMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A hazard's photo or document; downloadable exactly where its hazard is visible."""

    queryset = HazardFile.objects.select_related("uploaded_by")
    serializer_class = s.HazardFileSerializer

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        record = self.get_object()
        return FileResponse(
            record.file.open("rb"),
            as_attachment=True,
            filename=record.original_name,
            content_type=content_type_for(record.file.name),
        )


class HazardCriterionViewSet(viewsets.ReadOnlyModelViewSet):
    """判定标准: reference data, the same for every user."""

    queryset = HazardCriterion.objects.select_related("industry")
    serializer_class = s.CriterionSerializer
    filterset_class = CriterionFilter


class EscalationViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """函告 → 通报 → 约谈 → 曝光 proposed by the daily overdue job; a superior issues or
    dismisses each."""

    queryset = Escalation.objects.select_related("hazard__enterprise", "org_unit", "issuing_unit")
    serializer_class = s.EscalationSerializer
    filterset_class = EscalationFilter
    ordering_fields = ["created_at", "step"]

    def _decide(self, request, name, call):
        escalation = self.get_object()
        if request.method == "GET":
            reason = services.escalation_refusal(escalation, request.user)
            state = {"action": name, "allowed": reason is None, "reason": reason}
            return Response(s.ActionStateSerializer(state).data)
        serializer = s.EscalationDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        escalation = call(escalation, user=request.user, **serializer.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=escalation.pk)).data)

    @extend_schema(
        methods=["GET", "POST"],
        request=s.EscalationDecisionSerializer,
        responses={200: s.EscalationSerializer},
        description="GET：能否发出；POST：发出（函告、通报、约谈或曝光）。",
    )
    @action(detail=True, methods=["get", "post"])
    def issue(self, request, pk=None):
        return self._decide(request, "issue", services.issue_escalation)

    @extend_schema(
        methods=["GET", "POST"],
        request=s.EscalationDecisionSerializer,
        responses={200: s.EscalationSerializer},
        description="GET：能否作出不予采取的决定；POST：不予采取（须说明理由）。",
    )
    @action(detail=True, methods=["get", "post"])
    def dismiss(self, request, pk=None):
        return self._decide(request, "dismiss", services.dismiss_escalation)
