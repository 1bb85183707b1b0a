from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.PersonListView.as_view(), name="list"),
    path("nouvelle/", views.PersonCreateView.as_view(), name="create"),
    path("doublons/", views.DuplicateListView.as_view(), name="duplicates"),
    path("fusion/<uuid:kept>/<uuid:other>/", views.MergeView.as_view(), name="merge"),
    path("<uuid:pk>/", views.PersonDetailView.as_view(), name="detail"),
    path("<uuid:pk>/modifier/", views.PersonEditView.as_view(), name="edit"),
    path("<uuid:pk>/notes/", views.NoteAddView.as_view(), name="note_add"),
    path("<uuid:pk>/alias/", views.AliasAddView.as_view(), name="alias_add"),
    path("<uuid:pk>/interpretariat/", views.InterpretingAddView.as_view(), name="interpreting_add"),
    path("documents-traduits/", views.TranslatedDocumentListView.as_view(), name="translations"),
    path("documents-traduits/<str:code>/", views.TranslatedDocumentView.as_view(), name="translation"),
    path("<uuid:pk>/piece-identite/", views.IdentityDocumentAddView.as_view(), name="identity_document_add"),
    path("<uuid:pk>/consentements/", views.ConsentAddView.as_view(), name="consent_add"),
    path("<uuid:pk>/partages/", views.ShareAddView.as_view(), name="share_add"),
    path("consentements/<uuid:pk>/retrait/", views.ConsentWithdrawView.as_view(), name="consent_withdraw"),
    path("partages/<uuid:pk>/fin/", views.ShareEndView.as_view(), name="share_end"),
]
