"""/api/v1/: the read-only API (api.py), its OpenAPI schema and documentation page (docs/national.md).

The API answers with a token, not a session cookie alone: its views are exempt from the login redirect
(LoginRequiredMiddleware) and answer 401 without credentials; DRF's permissions decide the rest.
"""

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import api, api_docs

app_name = "api"

api_patterns = [
    path("api/v1/indicateurs/", login_not_required(api.IndicatorsView.as_view()), name="indicators"),
    path(
        "api/v1/departements/<str:code>/<str:year>/",
        login_not_required(api.ReleaseView.as_view()),
        name="release",
    ),
    path(
        "api/v1/national/<str:year>/<str:indicator>/",
        login_not_required(api.RankingView.as_view()),
        name="ranking",
    ),
    path("api/v1/export/<str:year>/", login_not_required(api.ExportView.as_view()), name="export"),
]

urlpatterns = [
    *api_patterns,
    path("api/v1/schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    path("api/v1/docs/", api_docs.ApiDocsView.as_view(), name="docs"),
]
