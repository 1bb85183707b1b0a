from django.urls import path

from . import views

app_name = "pathways"
urlpatterns = [
    path("", views.PathwayListView.as_view(), name="list"),
    path("titres-de-sejour/", views.PermitListView.as_view(), name="permits"),
    path("titres-de-sejour/<uuid:pk>/", views.PermitEditView.as_view(), name="permit_edit"),
    path("personne/<uuid:pk>/commencer/", views.StartPathwayView.as_view(), name="start"),
    path("<uuid:pk>/", views.PathwayDetailView.as_view(), name="detail"),
    path("<uuid:pk>/demande/", views.RequestEditView.as_view(), name="request_edit"),
    path("<uuid:pk>/objectifs/", views.ObjectiveAddView.as_view(), name="objective_add"),
    path(
        "<uuid:pk>/objectifs/<uuid:objective>/modifier/",
        views.ObjectiveEditView.as_view(),
        name="objective_edit",
    ),
    path(
        "<uuid:pk>/objectifs/<uuid:objective>/retirer/",
        views.ObjectiveRemoveView.as_view(),
        name="objective_remove",
    ),
    path("<uuid:pk>/pieces/", views.DocumentAddView.as_view(), name="document_add"),
    path("<uuid:pk>/pieces/<uuid:document>/", views.DocumentDownloadView.as_view(), name="document_download"),
    path(
        "<uuid:pk>/pieces/<uuid:document>/retirer/",
        views.DocumentRemoveView.as_view(),
        name="document_remove",
    ),
    path("<uuid:pk>/transmettre/", views.SubmitView.as_view(), name="submit"),
    path("<uuid:pk>/incomplete/", views.ReturnIncompleteView.as_view(), name="return_incomplete"),
    path("<uuid:pk>/complete/", views.MarkReadyView.as_view(), name="mark_ready"),
    path("<uuid:pk>/avis/", views.OpinionView.as_view(), name="opinion"),
    path("<uuid:pk>/decision/", views.DecisionView.as_view(), name="decision"),
    path("<uuid:pk>/renouvellement/", views.RenewalView.as_view(), name="renewal"),
    path("<uuid:pk>/fin/", views.EndView.as_view(), name="end"),
    path("<uuid:pk>/fin/signalement/", views.EndReportView.as_view(), name="end_report"),
    path(
        "<uuid:pk>/fin/signalement/<uuid:report>/confirmer/",
        views.EndReportConfirmView.as_view(),
        name="end_report_confirm",
    ),
    path(
        "<uuid:pk>/fin/signalement/<uuid:report>/refuser/",
        views.EndReportRefuseView.as_view(),
        name="end_report_refuse",
    ),
    path("<uuid:pk>/afis/", views.AfisGrantView.as_view(), name="afis_grant"),
    path("<uuid:pk>/afis/arret/", views.AfisStopView.as_view(), name="afis_stop"),
    path("<uuid:pk>/demarches/", views.RightStepAddView.as_view(), name="step_add"),
    path("<uuid:pk>/afis/suivi/", views.AfisPageView.as_view(), name="afis"),
    path("<uuid:pk>/afis/enfants/", views.AfisChildrenView.as_view(), name="afis_children"),
    path("<uuid:pk>/afis/suspension/", views.AfisSuspendView.as_view(), name="afis_suspend"),
    path("<uuid:pk>/afis/reprise/", views.AfisResumeView.as_view(), name="afis_resume"),
    path("<uuid:pk>/afis/revalorisation/", views.AfisRevaluationView.as_view(), name="afis_revaluation"),
    path("<uuid:pk>/avis-organismes/<uuid:notice>/", views.NoticeStepView.as_view(), name="notice_step"),
    path(
        "<uuid:pk>/avis-organismes/<uuid:notice>/pdf/",
        views.NoticeDownloadView.as_view(),
        name="notice_download",
    ),
    path("<uuid:pk>/transfert/", views.TransferRequestView.as_view(), name="transfer_request"),
    path(
        "<uuid:pk>/transfert/<uuid:transfer>/clore/",
        views.TransferCloseView.as_view(),
        name="transfer_close",
    ),
    path("transferts/<uuid:pk>/", views.TransferDetailView.as_view(), name="transfer"),
    path("transferts/<uuid:pk>/accepter/", views.TransferAcceptView.as_view(), name="transfer_accept"),
    path("transferts/<uuid:pk>/refuser/", views.TransferRefuseView.as_view(), name="transfer_refuse"),
    path("transferts/<uuid:pk>/consentement/", views.TransferConsentView.as_view(), name="transfer_consent"),
    path("associations/transfert/", views.HandoverView.as_view(), name="handover"),
]
