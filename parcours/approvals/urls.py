from django.urls import path

from . import views

app_name = "approvals"

urlpatterns = [
    path("", views.AssociationListView.as_view(), name="list"),
    path("association/<uuid:pk>/", views.AssociationDetailView.as_view(), name="association"),
    path("agrement/<uuid:pk>/retrait/", views.WithdrawView.as_view(), name="withdraw"),
    path("mon-agrement/", views.OwnAgrementView.as_view(), name="own"),
    path("demande/nouvelle/", views.StartApplicationView.as_view(), name="start"),
    path("demande/<uuid:pk>/", views.ApplicationDetailView.as_view(), name="application"),
    path("demande/<uuid:pk>/dossier/", views.InfoView.as_view(), name="info"),
    path("demande/<uuid:pk>/pieces/ajouter/", views.DocumentAddView.as_view(), name="document_add"),
    path(
        "demande/<uuid:pk>/pieces/<uuid:document>/retirer/",
        views.DocumentRemoveView.as_view(),
        name="document_remove",
    ),
    path(
        "demande/<uuid:pk>/pieces/<uuid:document>/",
        views.DocumentDownloadView.as_view(),
        name="document_download",
    ),
    path("demande/<uuid:pk>/deposer/", views.SubmitView.as_view(), name="submit"),
    path("demande/<uuid:pk>/incomplete/", views.ReturnIncompleteView.as_view(), name="incomplete"),
    path("demande/<uuid:pk>/complete/", views.MarkCompleteView.as_view(), name="complete"),
    path("demande/<uuid:pk>/avis/", views.OpinionView.as_view(), name="opinion"),
    path("demande/<uuid:pk>/decision/", views.DecisionView.as_view(), name="decide"),
    path("demande/<uuid:pk>/agrement-tacite/", views.TacitView.as_view(), name="tacit"),
    path("demande/<uuid:pk>/commission/", views.AskCommissionView.as_view(), name="ask_commission"),
    path(
        "demande/<uuid:pk>/departements/<uuid:listed>/avis/",
        views.OtherOpinionView.as_view(),
        name="other_opinion",
    ),
    path(
        "demande/<uuid:pk>/departements/<uuid:listed>/etablissement/",
        views.EstablishmentView.as_view(),
        name="establishment",
    ),
]
