"""Everything under /api/v1/: each app contributes its own api/urls.py."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from core.api.notifications import NotificationViewSet

app_name = "api"

# core imports no app, so its one route is registered here rather than in a core/api/urls.py
# that would sit beside nothing else.
router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = [
    path("", include("orgs.api.urls")),
    path("", include("campaigns.api.urls")),
    path("", include("hazards.api.urls")),
    path("", include("training.api.urls")),
    path("", include("inspections.api.urls")),
    path("", include("accidents.api.urls")),
    path("", include("reports.api.urls")),
    *router.urls,
]
