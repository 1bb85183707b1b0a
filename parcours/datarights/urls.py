from django.urls import path

from . import views

app_name = "datarights"
urlpatterns = [
    path("registre/", views.RegisterView.as_view(), name="register"),
    path("personne/<uuid:pk>/", views.PersonRightsView.as_view(), name="person"),
    path("personne/<uuid:pk>/demande/", views.RequestAddView.as_view(), name="request_add"),
    path("demande/<uuid:pk>/reponse/", views.RequestAnswerView.as_view(), name="request_answer"),
    path("demande/<uuid:pk>/prolongation/", views.RequestExtendView.as_view(), name="request_extend"),
    path("personne/<uuid:pk>/notice/", views.NoticeView.as_view(), name="notice"),
    path("personne/<uuid:pk>/notice/remise/", views.NoticeGivenView.as_view(), name="notice_given"),
    path("personne/<uuid:pk>/export/", views.ExportView.as_view(), name="export"),
    path("export/telechargement/", views.ExportDownloadView.as_view(), name="export_download"),
]
