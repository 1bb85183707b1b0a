"""The member portal's URLs (added to the app's `urls.py`, namespace `commission`)."""

from django.urls import path

from .views import portal

urlpatterns = [
    path("mes-seances/", portal.PortalHomeView.as_view(), name="portal"),
    path("mes-seances/proces-verbaux/", portal.PortalMinutesListView.as_view(), name="portal_minutes"),
    path(
        "mes-seances/proces-verbaux/<uuid:minutes>/",
        portal.PortalMinutesPdfView.as_view(),
        name="portal_minutes_pdf",
    ),
    path("mes-seances/<uuid:meeting>/", portal.PortalMeetingView.as_view(), name="portal_meeting"),
    path("mes-seances/<uuid:meeting>/reponse/", portal.PortalAnswerView.as_view(), name="portal_answer"),
    path(
        "mes-seances/<uuid:meeting>/points/<uuid:item>/",
        portal.PortalItemView.as_view(),
        name="portal_item",
    ),
    path(
        "mes-seances/<uuid:meeting>/points/<uuid:item>/vote/",
        portal.PortalVoteView.as_view(),
        name="portal_vote",
    ),
    path(
        "mes-seances/<uuid:meeting>/situations/<uuid:item>/",
        portal.PortalSituationView.as_view(),
        name="portal_situation",
    ),
]
