"""Everything under /api/v1/: each app contributes its own api/urls.py."""

from django.urls import include, path

app_name = "api"

urlpatterns = [
    path("", include("orgs.api.urls")),
]
