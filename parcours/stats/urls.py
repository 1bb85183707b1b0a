from django.db import transaction
from django.urls import path

from . import views

app_name = "stats"

urlpatterns = [
    # The dashboard only reads, and reads a lot: outside the request's transaction, it takes no write lock on
    # the embedded SQLite (its transactions are IMMEDIATE), so that many readers do not queue behind it.
    path("", transaction.non_atomic_requests(views.DashboardView.as_view()), name="dashboard"),
    path("indicateurs/", views.CatalogueView.as_view(), name="catalogue"),
]
