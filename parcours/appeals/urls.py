from django.urls import path

from . import views

app_name = "appeals"
urlpatterns = [
    path("", views.AppealListView.as_view(), name="list"),
    path("nouveau/<str:target>/<uuid:pk>/", views.AppealCreateView.as_view(), name="create"),
    path("<uuid:pk>/", views.AppealDetailView.as_view(), name="detail"),
    path("<uuid:pk>/issue/", views.AppealOutcomeView.as_view(), name="outcome"),
    path("<uuid:pk>/reexamen/", views.AppealReexamineView.as_view(), name="reexamine"),
    path(
        "procedures/parcours/<uuid:pk>/<str:kind>/",
        views.ProcedureStartView.as_view(),
        name="procedure_start",
    ),
    path("procedures/agrement/<uuid:pk>/", views.ProcedureStartView.as_view(), name="withdrawal_start"),
    path("procedures/<uuid:pk>/", views.ProcedureDetailView.as_view(), name="procedure"),
    path("procedures/<uuid:pk>/preavis/", views.NoticeHandoverView.as_view(), name="notice_handover"),
    path("procedures/<uuid:pk>/observations/", views.ObservationsView.as_view(), name="observations"),
    path("procedures/<uuid:pk>/avis/", views.ProcedureOpinionView.as_view(), name="procedure_opinion"),
    path("procedures/<uuid:pk>/decision/", views.ProcedureDecisionView.as_view(), name="procedure_decide"),
    path(
        "procedures/<uuid:pk>/notification/", views.DecisionHandoverView.as_view(), name="decision_handover"
    ),
    path("procedures/<uuid:pk>/abandon/", views.AbandonView.as_view(), name="abandon"),
    path(
        "procedures/<uuid:pk>/document/<str:which>/", views.ProcedureDocumentView.as_view(), name="document"
    ),
]
