from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("", views.DirectoryView.as_view(), name="list"),
    path("nouvelle-entree/", views.EntryFormView.as_view(), name="create"),
    path("entree/<uuid:pk>/modifier/", views.EntryFormView.as_view(), name="edit"),
    path("entree/<uuid:pk>/retirer/", views.EntryRetireView.as_view(), name="retire"),
    path("export.csv", views.ExportView.as_view(), name="export"),
]
