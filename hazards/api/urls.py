from rest_framework.routers import DefaultRouter

from hazards.api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("hazards", views.HazardViewSet, basename="hazard")
router.register("hazard-files", views.HazardFileViewSet, basename="hazard-file")
router.register("hazard-criteria", views.HazardCriterionViewSet, basename="hazard-criterion")
router.register("escalations", views.EscalationViewSet, basename="escalation")

urlpatterns = router.urls
