from django.urls import path
from rest_framework.routers import DefaultRouter

from training.api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("training-sessions", views.TrainingSessionViewSet, basename="training-session")
router.register("people", views.PersonViewSet, basename="person")
router.register("certificates", views.CertificateViewSet, basename="certificate")
router.register("drills", views.DrillViewSet, basename="drill")
router.register("awareness-events", views.AwarenessEventViewSet, basename="awareness-event")

urlpatterns = [
    path(
        "training/stats/",
        views.TrainingStatsViewSet.as_view({"get": "list"}),
        name="training-stats",
    ),
    *router.urls,
]
