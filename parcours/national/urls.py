from django.db import transaction
from django.urls import path

from . import views

app_name = "national"

# Read-only pages: outside the request's transaction, like the dashboards (no write lock on SQLite).
urlpatterns = [
    path("", transaction.non_atomic_requests(views.RankingView.as_view()), name="ranking"),
    path("regions/", transaction.non_atomic_requests(views.RegionsView.as_view()), name="regions"),
    path(
        "departements/<str:code>/<str:year>/",
        transaction.non_atomic_requests(views.DepartementView.as_view()),
        name="departement",
    ),
    # The API tokens the secretariat and the administrator manage (policies.py): writes, in the transaction.
    path("jetons/", views.TokenListView.as_view(), name="tokens"),
    path("jetons/nouveau/", views.TokenIssueView.as_view(), name="token_issue"),
    path("jetons/<uuid:pk>/revoquer/", views.TokenRevokeView.as_view(), name="token_revoke"),
]
