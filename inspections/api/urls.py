from rest_framework.routers import DefaultRouter

from inspections.api import enforcement_urls, views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("supervision-groups", views.SupervisionGroupViewSet, basename="supervision-group")
router.register("inspections", views.InspectionViewSet, basename="inspection")
router.register(
    "checklist-templates", views.ChecklistTemplateViewSet, basename="checklist-template"
)

# Enforcement, draws and statistics first: `inspections/stats/` before `inspections/<pk>/`.
urlpatterns = [*enforcement_urls.urlpatterns, *router.urls]
