from django.urls import path
from rest_framework.routers import DefaultRouter

from hazards.api import report_views, risk_views, views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("hazards", views.HazardViewSet, basename="hazard")
router.register("hazard-files", views.HazardFileViewSet, basename="hazard-file")
router.register("hazard-criteria", views.HazardCriterionViewSet, basename="hazard-criterion")
router.register("escalations", views.EscalationViewSet, basename="escalation")
router.register("risks", risk_views.RiskViewSet, basename="risk")
router.register("public-reports", report_views.PublicReportViewSet, basename="public-report")

urlpatterns = [
    path("risk-map/", risk_views.RiskMapView.as_view(), name="risk-map"),
    path(
        "public/reports/",
        report_views.PublicReportSubmitView.as_view(),
        name="public-report-submit",
    ),
    path(
        "public/reports/<str:receipt>/",
        report_views.PublicReportStatusView.as_view(),
        name="public-report-status",
    ),
    *router.urls,
]
