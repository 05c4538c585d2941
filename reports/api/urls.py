from rest_framework.routers import DefaultRouter

from reports.api.bulletin_views import BulletinSeriesViewSet, BulletinViewSet
from reports.api.views import JobViewSet, RankingViewSet, RollupRebuildViewSet, RollupViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("bulletin-series", BulletinSeriesViewSet, basename="bulletin-series")
router.register("bulletins", BulletinViewSet, basename="bulletin")
router.register("rollups", RollupViewSet, basename="rollup")
router.register("rollup-rebuilds", RollupRebuildViewSet, basename="rollup-rebuild")
router.register("rankings", RankingViewSet, basename="ranking")
router.register("jobs", JobViewSet, basename="job")

urlpatterns = router.urls
