"""REST API of the bulletins: /api/v1/bulletin-series/ and /api/v1/bulletins/ (+ publish, pdf).

Thin viewsets over reports.bulletins through core.api.views' scoping base (out of scope =
404). Bulletins are read as the pages read them: those in scope and the published issues
sent to the caller's units. Series are never deleted (their numbering is the archive's);
bulletins are not deleted either, a draft is simply left unpublished.
"""

from django.db.models import Prefetch
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.views import ScopedViewSetMixin
from orgs.constants import Action
from reports import bulletins
from reports.api.bulletin_serializers import (
    BulletinSerializer,
    BulletinSeriesSerializer,
    JobQueuedSerializer,
    PublishedSerializer,
)
from reports.bulletin_pdf import pdf_filename
from reports.models import Bulletin, BulletinArticle, BulletinSeries, DataBlock


class EditableViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """List, read, create and edit; no delete."""


NOT_READY = inline_serializer(
    "BulletinPdfNotReady", {"detail": serializers.CharField(), "code": serializers.CharField()}
)


class BulletinSeriesViewSet(EditableViewSet):
    """简报系列: title, issuing unit and its signature, special series; numbering read-only."""

    queryset = BulletinSeries.objects.select_related("org_unit")
    serializer_class = BulletinSeriesSerializer
    filterset_fields = ["org_unit", "is_active"]
    search_fields = ["title", "issuer_name"]

    def perform_create(self, serializer):
        serializer.instance = bulletins.save_series(
            self.request.user, dict(serializer.validated_data)
        )

    def perform_update(self, serializer):
        serializer.instance = bulletins.save_series(
            self.request.user, dict(serializer.validated_data), serializer.instance
        )


class BulletinViewSet(EditableViewSet):
    """简报: drafts written with their articles and data blocks; `publish` numbers and
    freezes the issue; `pdf` downloads the PDF (GET) or queues its build (POST)."""

    queryset = Bulletin.objects.all()
    serializer_class = BulletinSerializer
    filterset_fields = ["series", "status", "year"]
    search_fields = ["title"]
    ordering_fields = ["date", "total_number", "id"]
    reading_actions = frozenset({"list", "retrieve", "pdf"})

    def scope_action(self) -> str:
        if self.action == "publish":
            return Action.VIEW  # the service decides between change and approve
        return super().scope_action()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Bulletin.objects.none()
        if self.action in self.reading_actions:
            queryset = bulletins.readable_bulletins(self.request.user)
        else:
            queryset = super().get_queryset()
        return (
            queryset.select_related("series")
            .prefetch_related(
                "copy_to",
                "distribute_to",
                Prefetch(
                    "articles",
                    queryset=BulletinArticle.objects.order_by("order", "id").prefetch_related(
                        Prefetch("blocks", queryset=DataBlock.objects.order_by("id"))
                    ),
                ),
            )
            .order_by("-date", "-total_number", "-id")
        )

    def _save(self, serializer, bulletin=None):
        data = dict(serializer.validated_data)
        articles = data.pop("articles", None)
        copy_to = data.pop("copy_to", None)
        distribute_to = data.pop("distribute_to", None)
        version = data.pop("version", None)
        saved = bulletins.save_bulletin(
            self.request.user,
            data,
            copy_to=copy_to,
            distribute_to=distribute_to,
            bulletin=bulletin,
            version=version,
            articles=articles,
        )
        serializer.instance = self._fresh(saved)

    def _fresh(self, bulletin):
        return (
            Bulletin.objects.filter(pk=bulletin.pk)
            .select_related("series")
            .prefetch_related("copy_to", "distribute_to", "articles__blocks")
            .get()
        )

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)

    @extend_schema(request=None, responses=PublishedSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        bulletin, job = bulletins.publish(request.user, self.get_object())
        data = BulletinSerializer(self._fresh(bulletin), context={"request": request}).data
        return Response({"bulletin": data, "job": job.pk})

    @extend_schema(
        methods=["GET"],
        request=None,
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            409: OpenApiResponse(NOT_READY, description="PDF尚未生成或正在生成"),
        },
    )
    @extend_schema(methods=["POST"], request=None, responses={202: JobQueuedSerializer})
    @action(detail=True, methods=["get", "post"])
    def pdf(self, request, pk=None):
        bulletin = self.get_object()
        if request.method == "POST":
            job = bulletins.request_pdf(request.user, bulletin)
            return Response(JobQueuedSerializer(job).data, status=status.HTTP_202_ACCEPTED)
        if not bulletin.pdf or bulletin.pdf_version != bulletin.version:
            return Response(
                {"detail": _("PDF尚未生成或正在生成，请稍后再试。"), "code": "pdf_not_ready"},
                status=status.HTTP_409_CONFLICT,
            )
        return FileResponse(
            bulletin.pdf.open("rb"),
            filename=pdf_filename(bulletin),
            content_type="application/pdf",
        )
