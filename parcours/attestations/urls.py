from django.urls import path

from . import views

app_name = "attestations"
urlpatterns = [
    path("parcours/<uuid:pk>/", views.PathwayAttestationsView.as_view(), name="pathway"),
    path("parcours/<uuid:pk>/demander/", views.AttestationRequestView.as_view(), name="request"),
    path("<uuid:pk>/delivrer/", views.AttestationIssueView.as_view(), name="issue"),
    path("<uuid:pk>/refuser/", views.AttestationRefuseView.as_view(), name="refuse"),
    path("<uuid:pk>/telecharger/", views.AttestationDownloadView.as_view(), name="download"),
]
