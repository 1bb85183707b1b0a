from django.urls import path

from . import views

app_name = "referrals"
urlpatterns = [
    path("", views.DetectionListView.as_view(), name="list"),
    path("nouveau/", views.DetectionCreateView.as_view(), name="create"),
    path("associations-agreees/", views.ApprovedAssociationsView.as_view(), name="associations"),
    path("signes/", views.IndicatorListView.as_view(), name="indicators"),
    path("signes/<uuid:pk>/retrait/", views.IndicatorRetireView.as_view(), name="indicator_retire"),
    path("orientations/", views.ReceivedListView.as_view(), name="received"),
    path("orientations/<uuid:pk>/", views.ReferralDetailView.as_view(), name="referral"),
    path("orientations/<uuid:pk>/reponse/", views.AnswerView.as_view(), name="answer"),
    path("orientations/<uuid:pk>/premier-contact/", views.FirstContactView.as_view(), name="first_contact"),
    path("orientations/<uuid:pk>/retrait/", views.WithdrawView.as_view(), name="withdraw"),
    path("orientations/<uuid:pk>/accompagnement/", views.AccompanimentView.as_view(), name="accompaniment"),
    path("<uuid:pk>/", views.DetectionDetailView.as_view(), name="detail"),
    path("<uuid:pk>/modifier/", views.DetectionUpdateView.as_view(), name="update"),
    path("<uuid:pk>/transmission/", views.ReportView.as_view(), name="report"),
    path("<uuid:pk>/transmission/<uuid:report>/retour/", views.FeedbackView.as_view(), name="feedback"),
    path("<uuid:pk>/sans-transmission/", views.NoTransmissionView.as_view(), name="no_transmission"),
    path("<uuid:pk>/orientation/", views.ReferView.as_view(), name="refer"),
    path("<uuid:pk>/cloture/", views.CloseView.as_view(), name="close"),
]
