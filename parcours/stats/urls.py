from django.db import transaction
from django.urls import path

from . import views

app_name = "stats"

urlpatterns = [
    # The dashboard only reads, and reads a lot: outside the request's transaction, it takes no write lock on
    # the embedded SQLite (its transactions are IMMEDIATE), so that many readers do not queue behind it.
    path("", transaction.non_atomic_requests(views.DashboardView.as_view()), name="dashboard"),
    path(
        "indicateur/<str:code>/",
        transaction.non_atomic_requests(views.IndicatorView.as_view()),
        name="indicator",
    ),
    path("indicateurs/", views.CatalogueView.as_view(), name="catalogue"),
    path("exports/", views.ExportView.as_view(), name="export"),
    path("exports/<uuid:pk>/", views.ExportStatusView.as_view(), name="export_status"),
    path("exports/<uuid:pk>/fichier/", views.ExportDownloadView.as_view(), name="export_download"),
    path("rapport-annuel/", views.AnnualReportView.as_view(), name="annual_report"),
    path("rapport-annuel/produire/", views.AnnualReportGenerateView.as_view(), name="annual_report_generate"),
]
