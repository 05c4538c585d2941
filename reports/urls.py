from django.urls import path

from reports import bulletin_views as bv
from reports import views

app_name = "reports"

urlpatterns = [
    path("rankings/", views.RankingSchemeListView.as_view(), name="ranking_list"),
    path("rankings/new/", views.RankingSchemeCreateView.as_view(), name="ranking_create"),
    path("rankings/<int:pk>/", views.RankingView.as_view(), name="ranking"),
    path("rankings/<int:pk>/edit/", views.RankingSchemeUpdateView.as_view(), name="ranking_update"),
    path("rollups/", views.RollupRebuildView.as_view(), name="rollup_rebuild"),
    path("jobs/<int:pk>/", views.JobDetailView.as_view(), name="job_detail"),
    path("bulletins/", bv.BulletinListView.as_view(), name="bulletin_list"),
    path("bulletins/inbox/", bv.BulletinInboxView.as_view(), name="bulletin_inbox"),
    path("bulletins/new/", bv.BulletinCreateView.as_view(), name="bulletin_create"),
    path("bulletins/<int:pk>/", bv.BulletinDetailView.as_view(), name="bulletin_detail"),
    path("bulletins/<int:pk>/edit/", bv.BulletinEditView.as_view(), name="bulletin_edit"),
    path("bulletins/<int:pk>/publish/", bv.PublishView.as_view(), name="bulletin_publish"),
    path("bulletins/<int:pk>/build-pdf/", bv.BuildPdfView.as_view(), name="bulletin_build_pdf"),
    path("bulletins/<int:pk>/pdf/", bv.BulletinPdfView.as_view(), name="bulletin_pdf"),
    path(
        "bulletins/<int:pk>/articles/new/",
        bv.ArticleCreateView.as_view(),
        name="bulletin_article_create",
    ),
    path(
        "bulletins/articles/<int:pk>/", bv.ArticleEditView.as_view(), name="bulletin_article_edit"
    ),
    path(
        "bulletins/articles/<int:pk>/preview/",
        bv.ArticlePreviewView.as_view(),
        name="bulletin_article_preview",
    ),
    path(
        "bulletins/articles/<int:pk>/delete/",
        bv.ArticleDeleteView.as_view(),
        name="bulletin_article_delete",
    ),
    path(
        "bulletins/articles/<int:pk>/blocks/new/",
        bv.BlockCreateView.as_view(),
        name="bulletin_block_create",
    ),
    path(
        "bulletins/blocks/<int:pk>/delete/",
        bv.BlockDeleteView.as_view(),
        name="bulletin_block_delete",
    ),
    path("bulletins/series/", bv.SeriesListView.as_view(), name="bulletin_series_list"),
    path("bulletins/series/new/", bv.SeriesCreateView.as_view(), name="bulletin_series_create"),
    path(
        "bulletins/series/<int:pk>/", bv.SeriesUpdateView.as_view(), name="bulletin_series_update"
    ),
]
