"""Pages anyone may open without logging in: the citizens' report form and its status by
receipt code, and the public listing of major risks and 挂牌 major hazards."""

from django.urls import path  # noqa: F401

app_name = "public"

urlpatterns = []
