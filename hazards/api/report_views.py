"""REST API of citizens' reports.

Public, no authentication, throttled per (hashed) client address:
- `POST /api/v1/public/reports/`: file a report (JSON or multipart with a photo); 201 with
  the receipt code. Refusals are JSON in Chinese; nothing is stored for them.
- `GET /api/v1/public/reports/{receipt}/`: the stage and dates, nothing internal.

Staff, `/api/v1/public-reports/`: a scoped read-only viewset with the triage steps as POST
actions (assign, investigate, verify, unfounded, reward), the photo, the audited `reporter`
reveal and the statistics. A report out of scope is 404 on every route.
"""

import hashlib

from django.contrib.auth import get_user_model
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from core.api.views import ScopedViewSetMixin
from core.security import client_ip
from core.uploads import content_type_for
from hazards import report_services as services
from hazards.api import report_serializers as s
from hazards.models import PublicReport
from hazards.report_filters import PublicReportFilter
from hazards.report_stats import report_stats
from hazards.stats import default_stats_unit

# Defaults for the public routes' throttles; settings.REST_FRAMEWORK's
# DEFAULT_THROTTLE_RATES overrides them by scope.
PUBLIC_THROTTLE_RATES = {"public_report_submit": "20/hour", "public_report_status": "60/hour"}


class PublicThrottle(ScopedRateThrottle):
    """ScopedRateThrottle keyed on a hash of the client address: the cache holds no IPs."""

    THROTTLE_RATES = {**PUBLIC_THROTTLE_RATES, **api_settings.DEFAULT_THROTTLE_RATES}

    def get_cache_key(self, request, view):
        return self.cache_format % {
            "scope": self.scope,
            "ident": hashlib.sha256(self.get_ident(request).encode()).hexdigest(),
        }


class PublicView(APIView):
    # No session or token: a citizen's browser posts without CSRF machinery, and a logged-in
    # official filing a report is a citizen like any other.
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicThrottle]


class PublicReportSubmitView(PublicView):
    """群众举报: file a report without an account; the answer carries the receipt code."""

    throttle_scope = "public_report_submit"
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        operation_id="public_report_submit",
        request={
            "application/json": s.PublicReportSubmitSerializer,
            "multipart/form-data": s.PublicReportSubmitSerializer,
        },
        responses={201: s.PublicStatusSerializer},
    )
    def post(self, request):
        serializer = s.PublicReportSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        report = services.submit_report(
            data,
            ip=client_ip(request),
            photo=data.pop("photo", None),
            honeypot=data.pop("website", ""),
        )
        return Response(
            s.PublicStatusSerializer(services.public_status(report)).data, status.HTTP_201_CREATED
        )


class PublicReportStatusView(PublicView):
    """办理进度: the stage of a report and its dates, by receipt code."""

    throttle_scope = "public_report_status"

    @extend_schema(operation_id="public_report_status", responses=s.PublicStatusSerializer)
    def get(self, request, receipt):
        report = services.find_by_receipt(receipt)
        if report is None:
            raise NotFound(_("未找到该回执码，请核对后重新输入。"))
        return Response(s.PublicStatusSerializer(services.public_status(report)).data)


def _step_schema(name, serializer):
    return extend_schema(
        request=serializer,
        responses={200: s.PublicReportSerializer},
        description=f"办理“{name}”。",
    )


class PublicReportViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """群众举报 as their handlers see them; steps are POST actions; the reporter's identity
    only through `reporter` (permission hazards.view_reporter_identity or auditor; audited)."""

    queryset = PublicReport.objects.select_related(
        "org_unit", "assigned_unit", "assigned_to", "enterprise", "hazard"
    )
    serializer_class = s.PublicReportSerializer
    filterset_class = PublicReportFilter
    ordering_fields = ["created_at", "deadline"]

    def _run(self, request, serializer_class, call):
        report = self.get_object()
        serializer = serializer_class(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        call(report, data, version)
        return Response(self.get_serializer(self.get_queryset().get(pk=report.pk)).data)

    @_step_schema("交办", s.ReportAssignSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        def call(report, data, version):
            assignee = data.pop("assignee", None)
            user = None
            if assignee is not None:
                user = get_user_model().objects.filter(pk=assignee).first()
                if user is None:
                    raise ValidationError({"assignee": [_("承办人不存在。")]})
            services.assign(
                report, user=request.user, assignee=user, expected_version=version, **data
            )

        return self._run(request, s.ReportAssignSerializer, call)

    @_step_schema("开始核查", s.ReportNoteSerializer)
    @action(detail=True, methods=["post"])
    def investigate(self, request, pk=None):
        return self._run(
            request,
            s.ReportNoteSerializer,
            lambda report, data, version: services.start_investigation(
                report, user=request.user, expected_version=version, **data
            ),
        )

    @_step_schema("查实（登记隐患）", s.ReportVerifySerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        return self._run(
            request,
            s.ReportVerifySerializer,
            lambda report, data, version: services.verify(
                report, data, user=request.user, expected_version=version
            ),
        )

    @_step_schema("不实", s.ReportReasonSerializer)
    @action(detail=True, methods=["post"])
    def unfounded(self, request, pk=None):
        return self._run(
            request,
            s.ReportReasonSerializer,
            lambda report, data, version: services.mark_unfounded(
                report, user=request.user, expected_version=version, **data
            ),
        )

    @_step_schema("举报奖励", s.ReportRewardSerializer)
    @action(detail=True, methods=["post"])
    def reward(self, request, pk=None):
        return self._run(
            request,
            s.ReportRewardSerializer,
            lambda report, data, version: services.decide_reward(
                report, user=request.user, expected_version=version, **data
            ),
        )

    @extend_schema(
        request=None,
        responses=s.ReporterIdentitySerializer,
        description="举报人姓名和联系方式：须有查看举报人信息的权限（或审计员），每次查看记入审计日志。",
    )
    @action(detail=True, methods=["post"])
    def reporter(self, request, pk=None):
        identity = services.reveal_reporter(self.get_object(), user=request.user, request=request)
        body = {
            "anonymous": identity is None,
            "name": identity.name if identity else "",
            "contact": identity.contact if identity else "",
        }
        response = Response(s.ReporterIdentitySerializer(body).data)
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def photo(self, request, pk=None):
        report = self.get_object()
        if not report.photo:
            raise NotFound(_("该举报没有照片。"))
        return FileResponse(
            report.photo.open("rb"), content_type=content_type_for(report.photo.name)
        )

    @extend_schema(
        parameters=[s.ReportStatsQuerySerializer],
        responses=s.ReportStatsSerializer,
        description="举报统计：受理、查实、不实、办理中、奖励件数和金额，按下级地区。",
    )
    @action(detail=False, methods=["get"])
    def stats(self, request):
        query = s.ReportStatsQuerySerializer(
            data=request.query_params, context=self.get_serializer_context()
        )
        query.is_valid(raise_exception=True)
        data = dict(query.validated_data)
        unit = data.pop("unit", None) or default_stats_unit(request.user)
        figures = report_stats(self.get_queryset(), unit=unit, **data)
        return Response(s.ReportStatsSerializer(figures).data)
