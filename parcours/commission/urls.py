from django.urls import path

from .views import secretariat as views
from .views.end_decisions import EndDecisionView
from .views.letters import LetterHandoverView

app_name = "commission"

urlpatterns = [
    path("", views.CommissionHomeView.as_view(), name="home"),
    path("composition/nouvel-arrete/", views.ArreteCreateView.as_view(), name="arrete_create"),
    path("composition/<uuid:pk>/", views.ArreteDetailView.as_view(), name="arrete_detail"),
    path("composition/<uuid:pk>/sieges/", views.SeatAddView.as_view(), name="seat_add"),
    path("sieges/<uuid:pk>/nomination/", views.AppointView.as_view(), name="appoint"),
    path("mandats/<uuid:pk>/fin/", views.MandateEndView.as_view(), name="mandate_end"),
    path("seances/", views.MeetingListView.as_view(), name="meeting_list"),
    path("seances/nouvelle/", views.MeetingCreateView.as_view(), name="meeting_create"),
    path(
        "seances/consultation-ecrite/", views.WrittenConsultationCreateView.as_view(), name="written_create"
    ),
    path("seances/<uuid:pk>/", views.MeetingDetailView.as_view(), name="meeting_detail"),
    path("seances/<uuid:pk>/demandes/", views.AddRequestItemView.as_view(), name="item_add_request"),
    path("seances/<uuid:pk>/points/", views.AddFreeItemView.as_view(), name="item_add_free"),
    path("seances/<uuid:pk>/agrements/", views.AddApplicationItemView.as_view(), name="item_add_agrement"),
    path("seances/<uuid:pk>/points/<uuid:item>/retirer/", views.RemoveItemView.as_view(), name="item_remove"),
    path("seances/<uuid:pk>/points/<uuid:item>/deplacer/", views.MoveItemView.as_view(), name="item_move"),
    path("seances/<uuid:pk>/points/<uuid:item>/deport/", views.RecusalView.as_view(), name="recusal_add"),
    path("seances/<uuid:pk>/points/<uuid:item>/avis/", views.OpinionView.as_view(), name="opinion"),
    path("seances/<uuid:pk>/points/<uuid:item>/desaccord/", views.DissentView.as_view(), name="dissent_add"),
    path("seances/<uuid:pk>/procurations/", views.ProxyView.as_view(), name="proxy_add"),
    path("seances/<uuid:pk>/reconvocation/", views.ReconveneView.as_view(), name="reconvene"),
    path("seances/<uuid:pk>/cloture-consultation/", views.WrittenCloseView.as_view(), name="written_close"),
    path("seances/<uuid:pk>/situations/", views.AddSituationItemView.as_view(), name="item_add_situation"),
    path("seances/<uuid:pk>/suivis/", views.AddFollowUpItemView.as_view(), name="item_add_follow_up"),
    path(
        "seances/<uuid:pk>/points/<uuid:item>/resume/",
        views.SituationSummaryView.as_view(),
        name="situation_summary",
    ),
    path("seances/<uuid:pk>/points/<uuid:item>/plan/", views.PlanActionView.as_view(), name="plan_action"),
    path(
        "seances/<uuid:pk>/points/<uuid:item>/cloture-situation/",
        views.SituationCloseView.as_view(),
        name="situation_close",
    ),
    path(
        "seances/<uuid:pk>/actions/<uuid:action>/etat/",
        views.ActionStatusView.as_view(),
        name="action_status",
    ),
    path("seances/<uuid:pk>/convocations/", views.ConveneView.as_view(), name="convene"),
    path("seances/<uuid:pk>/presences/", views.AttendanceView.as_view(), name="attendance"),
    path("seances/<uuid:pk>/annulation/", views.CancelMeetingView.as_view(), name="meeting_cancel"),
    path("seances/<uuid:pk>/ordre-du-jour-rectifie/", views.AgendaNoticeView.as_view(), name="agenda_notice"),
    path("seances/<uuid:pk>/proces-verbal/", views.MinutesDraftView.as_view(), name="minutes_draft"),
    path("seances/<uuid:pk>/cloture/", views.MeetingCloseView.as_view(), name="meeting_close"),
    path(
        "seances/<uuid:pk>/points/<uuid:item>/decision/",
        views.DecisionDraftView.as_view(),
        name="decision_draft",
    ),
    path("decisions/", views.DecisionListView.as_view(), name="decision_list"),
    path("decisions/fin-de-parcours/<uuid:pk>/", EndDecisionView.as_view(), name="end_decision"),
    path("decisions/<uuid:pk>/", views.DecisionDetailView.as_view(), name="decision_detail"),
    path("decisions/<uuid:pk>/signature/", views.DecisionSignView.as_view(), name="decision_sign"),
    path("decisions/<uuid:pk>/renvoi/", views.DecisionReturnView.as_view(), name="decision_return"),
    path("decisions/<uuid:pk>/reprise/", views.DecisionReviseView.as_view(), name="decision_revise"),
    path("decisions/<uuid:pk>/acte/", views.DecisionIssueView.as_view(), name="decision_issue"),
    path("decisions/<uuid:pk>/pdf/", views.DecisionPdfView.as_view(), name="decision_pdf"),
    path("courriers/<uuid:pk>/", views.LetterDownloadView.as_view(), name="letter_download"),
    path("courriers/<uuid:pk>/remise/", LetterHandoverView.as_view(), name="letter_handover"),
]

from .urls_portal import urlpatterns as portal_urls  # noqa: E402 (the member portal)

urlpatterns += portal_urls
