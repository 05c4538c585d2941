from rest_framework.routers import DefaultRouter

from accidents.api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("accidents", views.AccidentViewSet, basename="accident")

urlpatterns = router.urls
