from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import account_views, views, views_frame

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
    path(
        "admin/rattachements/<uuid:pk>/confirmation/",
        views.MembershipDecisionView.as_view(),
        name="membership_decision",
    ),
    # One's own account; the pages reached from an e-mail link or the login page are public.
    path("compte/mot-de-passe/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "compte/mot-de-passe/oubli/",
        login_not_required(account_views.PasswordResetView.as_view()),
        name="password_reset",
    ),
    path(
        "compte/mot-de-passe/oubli/envoye/",
        login_not_required(account_views.PasswordResetSentView.as_view()),
        name="password_reset_sent",
    ),
    path(
        "compte/mot-de-passe/nouveau/<str:uidb64>/<str:token>/",
        login_not_required(account_views.PasswordLinkView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "compte/activation/<str:uidb64>/<str:token>/",
        login_not_required(account_views.AccountSetupView.as_view()),
        name="account_setup",
    ),
    path("audit/", views.AuditListView.as_view(), name="audit"),
    # The footer's pages (public) and the national analyst's landing page (views_frame).
    path(
        "accessibilite/",
        views_frame.FramePage.as_view(template_name="core/frame/accessibility.html"),
        name="accessibility",
    ),
    path(
        "mentions-legales/",
        views_frame.FramePage.as_view(template_name="core/frame/legal.html"),
        name="legal",
    ),
    path(
        "donnees-personnelles/",
        views_frame.FramePage.as_view(template_name="core/frame/privacy.html"),
        name="privacy",
    ),
    path(
        "gestion-des-cookies/",
        views_frame.FramePage.as_view(template_name="core/frame/cookies.html"),
        name="cookies",
    ),
    path("statistiques-nationales/", views_frame.NationalStatsView.as_view(), name="national_stats"),
    path("alertes/<uuid:pk>/traitee/", views.AlertAcknowledgeView.as_view(), name="alert_ack"),
]
