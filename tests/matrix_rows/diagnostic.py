# ruff: noqa: E501 (one aligned column per role)
"""Authorisation-matrix rows of the diagnostic territorial (parcours/diagnostic).

The structure's pages (`respond`, `key_list`) are reached through its invitation link (rows in invitations.py): the
link binds the browser's session to the structure, with or without an account (structures of the free list
have none). Without that binding, they answer 403 to everyone.
"""

from __future__ import annotations

from datetime import timedelta

from tests.factories import CampaignFactory, ParticipantFactory
from tests.matrix_rows.base import GET, POST, Row, _none


def _campaign(w, **kwargs):
    return CampaignFactory(departement=w.departement, created_by=w.actors["secretariat"].user, **kwargs)


def _open(w, data=None):
    campaign = _campaign(w)
    ParticipantFactory(campaign=campaign)
    return {"pk": campaign.public_id}, data


def _draft_ready(w):
    campaign = _campaign(w, draft=True, deadline=w.today + timedelta(days=30))
    ParticipantFactory(campaign=campaign)
    return {"pk": campaign.public_id}, {}


def _closed(w, *, state="published", data=None):
    """A closed campaign with a frozen report (version 1) in `state`."""
    from django.utils import timezone

    from parcours.diagnostic import tasks
    from parcours.diagnostic.models import FrozenReport, ReportState
    from parcours.diagnostic.report import build_report

    campaign = _campaign(w, closed=True)
    ParticipantFactory(campaign=campaign)
    membership = w.actors["secretariat"].membership
    report = FrozenReport.objects.create(
        campaign=campaign, version=1, reason="clôture de la campagne", requested_by=membership
    )
    tasks._freeze(report, build_report(campaign, w.today, version=1))
    if state == "published":
        FrozenReport.objects.filter(pk=report.pk).update(
            state=ReportState.PUBLISHED, published_at=timezone.now()
        )
    return {"pk": campaign.public_id}, data


def _participant(w, data=None):
    participant = ParticipantFactory(campaign=_campaign(w))
    return {"pk": participant.campaign.public_id, "participant": participant.public_id}, data


# fmt: off
#                                                                            S    SG   AW   AM   CM   PA   IM   NA   AD    anon
ROWS: dict[str, Row] = {
    "diagnostic:list": Row(GET, _none,                                     (200, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "diagnostic:create": Row(GET, _none,                                   (200, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "diagnostic:campaign": Row(GET, _open,                                 (200, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "diagnostic:edit": Row(GET, _open,                                     (200, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "diagnostic:add_organisations": Row(POST, lambda w: _open(w, {"organisations": [w.association.public_id]}),
                                                                           (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "diagnostic:add_structure": Row(POST, lambda w: _open(w, {"name": "Lycée fictif", "email": ""}),
                                                                           (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "diagnostic:participant": Row(GET, _participant,                       (200, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "diagnostic:remove_participant": Row(POST, lambda w: _participant(w, {}),
                                                                           (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "diagnostic:phrase_generated": Row(POST, _draft_ready,                 (200, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "diagnostic:open": Row(POST, _draft_ready,                             (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "diagnostic:remind": Row(POST, lambda w: _open(w, {}),                 (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "diagnostic:close": Row(POST, lambda w: _open(w, {}),                  (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "diagnostic:linkage": Row(GET, _open,                                  (200, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "diagnostic:reports": Row(GET, _none,                                  (200, 200, 403, 403, 200, 403, 403, 403, 403), 302),
    # While a campaign is open, only the secretariat reads its live report (issue 10, finding 2); a closed
    # campaign's frozen report reaches the prefect and the commission once the secretariat publishes it.
    "diagnostic:report": Row(GET, _open,                                   (200, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    # (The draft and the unpublished frozen report: tests/diagnostic/test_frozen_report.py.)
    "diagnostic:report_pdf": Row(GET, _closed,                             (200, 200, 403, 403, 200, 403, 403, 403, 403), 302),
    "diagnostic:report_publish": Row(POST, lambda w: _closed(w, state="ready", data={}),
                                                                           (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    "diagnostic:report_compute": Row(POST, lambda w: _closed(w, data={"reason": "correction du seuil"}),
                                                                           (302, 403, 403, 403, 403, 403, 403, 403, 403), 302),
    # Reached through the session bound by the invitation link (see the module's docstring and invitations.py).
    "diagnostic:respond": Row(GET, _none,                                  (403, 403, 403, 403, 403, 403, 403, 403, 403), 403),
    "diagnostic:key_list": Row(GET, _none,                                 (403, 403, 403, 403, 403, 403, 403, 403, 403), 403),
}
# fmt: on
