from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from parcours.core import proconnect
from parcours.core import views as core_views
from parcours.core import views_second_factor as second_factor_views
from parcours.deadlines import views as board_views

urlpatterns = [
    path("", board_views.BoardView.as_view(), name="home"),
    path("sante/", login_not_required(core_views.HealthView.as_view()), name="health"),
    path("compte/connexion/", login_not_required(core_views.LoginView.as_view()), name="login"),
    path("compte/deconnexion/", core_views.LogoutView.as_view(), name="logout"),
    path("compte/rattachement/", core_views.ChooseMembershipView.as_view(), name="choose_membership"),
    path("compte/double-authentification/", second_factor_views.ManageView.as_view(), name="second_factor"),
    path(
        "compte/double-authentification/activer/",
        second_factor_views.EnrolView.as_view(),
        name="second_factor_enrol",
    ),
    path(
        "compte/double-authentification/verifier/",
        second_factor_views.VerifyView.as_view(),
        name="second_factor_verify",
    ),
    path(
        "compte/double-authentification/remplacer/",
        second_factor_views.ReplaceView.as_view(),
        name="second_factor_replace",
    ),
    path(
        "compte/double-authentification/desactiver/",
        second_factor_views.DisableView.as_view(),
        name="second_factor_disable",
    ),
    path("compte/proconnect/", login_not_required(proconnect.StartView.as_view()), name="proconnect_start"),
    path(
        "compte/proconnect/retour/",
        login_not_required(proconnect.CallbackView.as_view()),
        name="proconnect_callback",
    ),
    path("", include("parcours.core.urls")),
    path("personnes/", include("parcours.people.urls")),
    path("parcours/", include("parcours.pathways.urls")),
    path("logement/", include("parcours.housing.urls")),
    path("droits/", include("parcours.datarights.urls")),
    path("attestations/", include("parcours.attestations.urls")),
    path("commission/", include("parcours.commission.urls")),
    path("agrements/", include("parcours.approvals.urls")),
    path("recours/", include("parcours.appeals.urls")),
    path("reperage/", include("parcours.referrals.urls")),
    path("documents/", include("parcours.documents.urls")),
    path("diagnostic/", include("parcours.diagnostic.urls")),
    path("conventions/", include("parcours.conventions.urls")),
    path("actions/", include("parcours.actions.urls")),
    path("courriels/", include("parcours.outbox.urls")),
    path("annuaire/", include("parcours.directory.urls")),
    path("tableaux-de-bord/", include("parcours.stats.urls")),
    path("national/", include("parcours.national.urls")),
    path("", include("parcours.national.api_urls")),
]

# A database that cannot be reached answers 503 with Retry-After, anything else 500 (parcours/core/errors.py).
handler500 = "parcours.core.errors.server_error"
handler400 = "parcours.core.errors.bad_request"
