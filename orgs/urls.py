from django.urls import path

from orgs import views

app_name = "orgs"

urlpatterns = [
    path("", views.OrgUnitListView.as_view(), name="orgunit_list"),
    path("<int:pk>/", views.OrgUnitDetailView.as_view(), name="orgunit_detail"),
    path("enterprises/", views.EnterpriseListView.as_view(), name="enterprise_list"),
    path("enterprises/new/", views.EnterpriseCreateView.as_view(), name="enterprise_create"),
    path("enterprises/import/", views.EnterpriseImportView.as_view(), name="enterprise_import"),
    path(
        "enterprises/import/template/",
        views.EnterpriseImportTemplateView.as_view(),
        name="enterprise_import_template",
    ),
    path("enterprises/export/", views.EnterpriseExportView.as_view(), name="enterprise_export"),
    path("enterprises/<int:pk>/", views.EnterpriseDetailView.as_view(), name="enterprise_detail"),
    path(
        "enterprises/<int:pk>/edit/", views.EnterpriseUpdateView.as_view(), name="enterprise_update"
    ),
    path(
        "enterprises/<int:pk>/deactivate/",
        views.EnterpriseDeactivateView.as_view(),
        name="enterprise_deactivate",
    ),
    path("users/", views.UserListView.as_view(), name="user_list"),
    path("users/new/", views.UserCreateView.as_view(), name="user_create"),
    path("users/<int:pk>/memberships/", views.MembershipAddView.as_view(), name="membership_add"),
    path(
        "memberships/<int:pk>/delete/",
        views.MembershipDeleteView.as_view(),
        name="membership_delete",
    ),
]
