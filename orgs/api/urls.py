from django.urls import path
from rest_framework.routers import DefaultRouter

from orgs.api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("org-units", views.OrgUnitViewSet, basename="orgunit")
router.register("enterprises", views.EnterpriseViewSet, basename="enterprise")
router.register("industries", views.IndustryViewSet, basename="industry")

urlpatterns = [
    path("auth/token/", views.ObtainTokenView.as_view(), name="auth-token"),
    path("me/", views.MeView.as_view(), name="me"),
    *router.urls,
]
