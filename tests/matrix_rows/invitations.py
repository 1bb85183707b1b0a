# ruff: noqa: E501 (one aligned column per role)
"""Authorisation-matrix rows of the invitation links of the diagnostic territorial (finding 7).

`invitation` is the link itself: whoever holds a valid one is sent (303) to the structure's pages, with or
without an account; a forged one is not found. `member_entry` lets a member of an invited organisation open
its questionnaire from the board (404 to anyone else). `reissue_link` is the secretariat's "new link".
"""

from __future__ import annotations

from parcours.diagnostic import services
from tests.factories import CampaignFactory, ParticipantFactory
from tests.matrix_rows.base import GET, POST, Row


def _campaign(w):
    return CampaignFactory(departement=w.departement, created_by=w.actors["secretariat"].user)


def _link(w):
    token, _ = services.issue_invitation(ParticipantFactory(campaign=_campaign(w)))
    return {"token": token}, None


def _member_participant(w):
    participant = ParticipantFactory(
        campaign=_campaign(w), organisation=w.association, name=w.association.name
    )
    return {"participant": participant.public_id}, None


def _participant_with_email(w):
    participant = ParticipantFactory(campaign=_campaign(w), email="structure@exemple.invalid")
    return {"pk": participant.campaign.public_id, "participant": participant.public_id}, {}


# fmt: off
#                                                                            S    SG   AW   AM   CM   PA   IM   NA   AD    anon
ROWS: dict[str, Row] = {
    "diagnostic:invitation": Row(GET, _link,                               (303, 303, 303, 303, 303, 303, 303, 303, 303), 303),
    "diagnostic:member_entry": Row(GET, _member_participant,               (404, 404, 303, 303, 404, 404, 404, 404, 404), 302),
    "diagnostic:reissue_link": Row(POST, _participant_with_email,          (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
}
# fmt: on
