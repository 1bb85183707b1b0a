from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("modeles/", views.TemplateListView.as_view(), name="templates"),
    path("en-tete/", views.LetterheadView.as_view(), name="letterhead"),
    path("modeles/<uuid:departement>/<str:kind>/", views.TemplateEditView.as_view(), name="template_edit"),
    path(
        "modeles/<uuid:departement>/<str:kind>/reinitialiser/",
        views.TemplateResetView.as_view(),
        name="template_reset",
    ),
    path("<uuid:pk>/", views.DraftView.as_view(), name="draft"),
    path("<uuid:pk>/figer/", views.FreezeView.as_view(), name="freeze"),
    path("<uuid:pk>/telecharger/", views.DocumentDownloadView.as_view(), name="download"),
]
