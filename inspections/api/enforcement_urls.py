"""API routes of enforcement actions, special campaigns, 双随机 draws and the statistics.

Included before the inspections router, so that `inspections/stats/` is not read as the
detail route of an inspection whose id is "stats"."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from inspections.api import draw_views, enforcement_views, stats_views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register(
    "enforcement-actions", enforcement_views.EnforcementActionViewSet, basename="enforcement-action"
)
router.register(
    "special-campaigns", enforcement_views.SpecialCampaignViewSet, basename="special-campaign"
)
router.register("random-draws", draw_views.RandomDrawViewSet, basename="random-draw")

urlpatterns = [
    path("inspections/stats/", stats_views.InspectionStatsView.as_view(), name="inspection-stats"),
    *router.urls,
]
