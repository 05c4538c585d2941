"""REST API of the rollups (read-only, scoped), the 赛马 schemes and their rankings, and the
jobs their owners watch."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.views import ScopedModelViewSet, ScopedReadOnlyViewSet
from reports import exports, rankings, services
from reports.api import serializers as s
from reports.filters import RollupFilter
from reports.models import Job, RankingScheme, Rollup

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RollupViewSet(ScopedReadOnlyViewSet):
    """汇总数据 of the current generation, restricted to the user's scope. Filters: org unit,
    `within` a subtree, period (kind, start, end, year), metric (repeatable), industry."""

    queryset = Rollup.objects.current().select_related("org_unit", "industry")
    serializer_class = s.RollupSerializer
    filterset_class = RollupFilter
    ordering = ["org_path", "period_start", "metric", "id"]


QUARTER_PARAMS = [
    OpenApiParameter("year", int, description="年度，默认今年"),
    OpenApiParameter("quarter", int, description="季度 1–4，默认上一个已结束的季度"),
]


class RankingViewSet(ScopedModelViewSet):
    """赛马方案 (`/api/v1/rankings/`) and, under `result`, the quarter's ranking with its formula;
    `xlsx` and `pdf` export it for 晾晒通报."""

    queryset = RankingScheme.objects.select_related("org_unit")
    serializer_class = s.RankingSchemeSerializer
    extra_scope_action = "view"

    def perform_create(self, serializer):
        serializer.instance = services.save_scheme(self.request.user, serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.save_scheme(
            self.request.user, serializer.validated_data, scheme=serializer.instance
        )

    def _ranking(self, request):
        return rankings.compute(self.get_object(), rankings.period_from_query(request.query_params))

    @extend_schema(parameters=QUARTER_PARAMS, responses=s.RankingResultSerializer)
    @action(detail=True, methods=["get"])
    def result(self, request, pk=None):
        return Response(s.RankingResultSerializer(self._ranking(request)).data)

    @extend_schema(parameters=QUARTER_PARAMS, responses={(200, XLSX): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def xlsx(self, request, pk=None):
        return exports.ranking_xlsx_response(self._ranking(request))

    @extend_schema(
        parameters=QUARTER_PARAMS, responses={(200, "application/pdf"): OpenApiTypes.BINARY}
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        return exports.ranking_pdf_response(self._ranking(request))


class JobViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A long job's progress; only its owner sees it (anyone else: 404)."""

    serializer_class = s.JobSerializer

    def get_queryset(self):
        return Job.objects.filter(owner_id=self.request.user.pk)


class RollupRebuildViewSet(viewsets.GenericViewSet):
    """Queue an on-demand rebuild of every rollup (admins); answers the Job to poll."""

    serializer_class = s.JobSerializer
    queryset = Job.objects.none()

    @extend_schema(request=None, responses={202: s.JobSerializer})
    def create(self, request):
        job = services.start_rebuild(request.user)
        return Response(s.JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)
