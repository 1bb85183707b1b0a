from django.urls import path

from . import views

app_name = "actions"

# French URL segment of each kind of action.
SEGMENTS = {"outreach": "maraudes", "prevention": "prevention", "training": "formations", "course": "stages"}


def _kind_urls(kind: views.Kind):
    segment = SEGMENTS[kind.slug]

    def view(cls):
        return type(f"{kind.model.__name__}{cls.__name__}", (cls,), {"kind": kind}).as_view()

    return [
        path(f"{segment}/", view(views.ListView), name=f"{kind.slug}_list"),
        path(f"{segment}/nouveau/", view(views.CreateView), name=f"{kind.slug}_create"),
        path(f"{segment}/<uuid:pk>/", view(views.DetailView), name=f"{kind.slug}_detail"),
        path(f"{segment}/<uuid:pk>/modifier/", view(views.EditView), name=f"{kind.slug}_edit"),
        path(f"{segment}/<uuid:pk>/supprimer/", view(views.DeleteView), name=f"{kind.slug}_delete"),
    ]


urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    *(u for kind in views.KINDS.values() for u in _kind_urls(kind)),
    path("etablissements/", views.EstablishmentListView.as_view(), name="establishment_list"),
    path("etablissements/importer/", views.EstablishmentImportView.as_view(), name="establishment_import"),
    path("etablissements/nouveau/", views.EstablishmentFormView.as_view(), name="establishment_create"),
    path("etablissements/<uuid:pk>/", views.EstablishmentFormView.as_view(), name="establishment_edit"),
    path(
        "etablissements/<uuid:pk>/supprimer/",
        views.EstablishmentDeleteView.as_view(),
        name="establishment_delete",
    ),
    path("couverture/", views.CoverageView.as_view(), name="coverage"),
]
