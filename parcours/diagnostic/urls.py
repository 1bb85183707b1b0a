from django.urls import path

from .views import analysis, campaigns, keylist, link, report, respond

app_name = "diagnostic"

urlpatterns = [
    path("", campaigns.CampaignListView.as_view(), name="list"),
    path("nouvelle/", campaigns.CampaignCreateView.as_view(), name="create"),
    path("campagne/<uuid:pk>/", campaigns.CampaignDetailView.as_view(), name="campaign"),
    path("campagne/<uuid:pk>/modifier/", campaigns.CampaignEditView.as_view(), name="edit"),
    path(
        "campagne/<uuid:pk>/structures/", campaigns.AddOrganisationsView.as_view(), name="add_organisations"
    ),
    path("campagne/<uuid:pk>/structure-libre/", campaigns.AddStructureView.as_view(), name="add_structure"),
    path(
        "campagne/<uuid:pk>/structure/<uuid:participant>/",
        campaigns.ParticipantView.as_view(),
        name="participant",
    ),
    path(
        "campagne/<uuid:pk>/structure/<uuid:participant>/retirer/",
        campaigns.RemoveParticipantView.as_view(),
        name="remove_participant",
    ),
    path(
        "campagne/<uuid:pk>/phrase-generee/", campaigns.PhraseGeneratedView.as_view(), name="phrase_generated"
    ),
    path("campagne/<uuid:pk>/ouvrir/", campaigns.OpenView.as_view(), name="open"),
    path("campagne/<uuid:pk>/relancer/", campaigns.RemindView.as_view(), name="remind"),
    path("campagne/<uuid:pk>/clore/", campaigns.CloseView.as_view(), name="close"),
    path("campagne/<uuid:pk>/rapprochement/", analysis.LinkageView.as_view(), name="linkage"),
    path("rapports/", report.ReportListView.as_view(), name="reports"),
    path("campagne/<uuid:pk>/rapport/", report.ReportView.as_view(), name="report"),
    path("campagne/<uuid:pk>/rapport.pdf", report.ReportPdfView.as_view(), name="report_pdf"),
    path("campagne/<uuid:pk>/rapport/publier/", report.ReportPublishView.as_view(), name="report_publish"),
    path("campagne/<uuid:pk>/rapport/calculer/", report.ReportComputeView.as_view(), name="report_compute"),
    path(
        "campagne/<uuid:pk>/structure/<uuid:participant>/nouveau-lien/",
        campaigns.ReissueLinkView.as_view(),
        name="reissue_link",
    ),
    # The structure's link (the token is exchanged for a bound session), then its pages, without the token.
    path("invitation/<str:token>/", link.InvitationView.as_view(), name="invitation"),
    path("structure/<uuid:participant>/repondre/", link.MemberEntryView.as_view(), name="member_entry"),
    path("reponse/", respond.RespondView.as_view(), name="respond"),
    path("reponse/liste/", keylist.KeyListView.as_view(), name="key_list"),
]
