from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from parcours.core import views as core_views
from parcours.deadlines import views as board_views

urlpatterns = [
    path("", board_views.BoardView.as_view(), name="home"),
    path("compte/connexion/", login_not_required(core_views.LoginView.as_view()), name="login"),
    path("compte/deconnexion/", core_views.LogoutView.as_view(), name="logout"),
    path("compte/rattachement/", core_views.ChooseMembershipView.as_view(), name="choose_membership"),
    path("", include("parcours.core.urls")),
    path("personnes/", include("parcours.people.urls")),
    path("parcours/", include("parcours.pathways.urls")),
    path("commission/", include("parcours.commission.urls")),
    path("agrements/", include("parcours.approvals.urls")),
    path("documents/", include("parcours.documents.urls")),
    path("diagnostic/", include("parcours.diagnostic.urls")),
    path("courriels/", include("parcours.outbox.urls")),
]
