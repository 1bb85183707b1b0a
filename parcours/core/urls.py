from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("admin/organisations/", views.OrganisationListView.as_view(), name="organisations"),
    path("admin/organisations/nouvelle/", views.OrganisationFormView.as_view(), name="organisation_create"),
    path("admin/organisations/<uuid:pk>/", views.OrganisationFormView.as_view(), name="organisation_edit"),
    path("admin/utilisateurs/", views.UserListView.as_view(), name="users"),
    path("admin/utilisateurs/nouveau/", views.UserCreateView.as_view(), name="user_create"),
    path("admin/utilisateurs/<uuid:pk>/", views.UserDetailView.as_view(), name="user_detail"),
    path(
        "admin/utilisateurs/<uuid:pk>/rattachements/",
        views.MembershipAddView.as_view(),
        name="membership_add",
    ),
    path(
        "admin/rattachements/<uuid:pk>/bascule/",
        views.MembershipToggleView.as_view(),
        name="membership_toggle",
    ),
    path("audit/", views.AuditListView.as_view(), name="audit"),
    path("alertes/<uuid:pk>/traitee/", views.AlertAcknowledgeView.as_view(), name="alert_ack"),
]
