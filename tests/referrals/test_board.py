"""The referrals' sections of the « À traiter » board load their most urgent items only, say the true count
and link to the list that shows them all, in a number of queries that does not grow with the items."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.core.roles import Role
from parcours.referrals import rules, services
from parcours.referrals.models import Detection, DetectionState, ReferralState
from tests.conftest import client_for
from tests.deadlines.helpers import assert_limited, limit_board, listed, read_board
from tests.factories import DetectionFactory, ProtectionReportFactory, ReferralFactory

pytestmark = pytest.mark.django_db
PA, AW = Role.PARTNER_ADVISOR, Role.ASSOCIATION_WORKER


def _minors(partner, n: int, *, start: int = 0) -> list[Detection]:
    """`n` minors' detections of the partner awaiting a transmission, a day apart, the oldest first."""
    today = timezone.localdate()
    return [
        DetectionFactory(
            minor=True,
            organisation=partner.organisation,
            created_by=partner.user,
            detected_on=today - timedelta(days=100 - start - i),
        )
        for i in range(n)
    ]


def test_minors_without_transmission_limited_with_their_true_count_and_the_list(actors, monkeypatch):
    limit = limit_board(monkeypatch)
    partner = actors[PA]
    client = client_for(partner)
    minors = _minors(partner, 5)
    # Not awaiting a transmission: transmitted, justified, closed, or an adult.
    ProtectionReportFactory(detection=DetectionFactory(minor=True, organisation=partner.organisation))
    justified = DetectionFactory(minor=True, organisation=partner.organisation, created_by=partner.user)
    services.justify_no_transmission(actor=partner, detection=justified, reason="Déjà connue de la CRIP")
    DetectionFactory(minor=True, organisation=partner.organisation, state=DetectionState.CLOSED)
    DetectionFactory(organisation=partner.organisation)
    more = reverse("referrals:list") + "?a_traiter=mineurs-sans-transmission"

    five = read_board(client, "referrals_minors")
    assert_limited(five, total=5, limit=limit, more_url=more)
    # The oldest first.
    assert [i.label.split()[1] for i in five.section.items] == [d.pseudonym for d in minors[:limit]]
    page = listed(client, more)
    assert "5 résultats" in page
    assert all(d.pseudonym in page for d in minors)
    assert justified.pseudonym not in page
    # Without the filter the list shows every detection of the partner.
    assert "9 résultats" in listed(client, reverse("referrals:list"))

    _minors(partner, 15, start=50)
    twenty = read_board(client, "referrals_minors")
    assert_limited(twenty, total=20, limit=limit, more_url=more)
    assert twenty.queries == five.queries
    assert "20 résultats" in listed(client, more)


def test_the_secretariat_sees_every_partners_minors_and_their_list(actors, monkeypatch):
    limit = limit_board(monkeypatch)
    _minors(actors[PA], 4)
    secretariat = client_for(actors[Role.SECRETARIAT])
    more = reverse("referrals:list") + "?a_traiter=mineurs-sans-transmission"
    assert_limited(read_board(secretariat, "referrals_minors"), total=4, limit=limit, more_url=more)
    assert "4 résultats" in listed(secretariat, more)


def _received(association, n: int, *, state=ReferralState.PENDING, start: int = 0, **fields):
    today = timezone.localdate()
    referrals = []
    for i in range(n):
        detection = DetectionFactory(
            departement=association.departement, detected_on=today - timedelta(days=200 - start - i)
        )
        referrals.append(ReferralFactory(detection=detection, association=association, state=state, **fields))
    return referrals


@pytest.mark.parametrize(
    ("key", "filter_key", "state", "fields"),
    [
        ("referrals_to_answer", "en-attente", ReferralState.PENDING, {}),
        (
            "referrals_first_contact",
            "sans-premier-contact",
            ReferralState.ACCEPTED,
            {"answered_on": timezone.localdate() - timedelta(days=rules.FIRST_CONTACT_WARNING_DAYS + 1)},
        ),
    ],
)
def test_referrals_received_limited_with_their_true_count_and_the_list(
    actors, association, monkeypatch, key, filter_key, state, fields
):
    limit = limit_board(monkeypatch)
    client = client_for(actors[AW])
    first = _received(association, 5, state=state, **fields)
    # Another kind of referral received, not in this section nor in its list.
    declined = {"answered_on": timezone.localdate(), "decline_reason": "Complet"}
    _received(association, 2, state=ReferralState.DECLINED, start=100, **declined)
    more = reverse("referrals:received") + f"?a_traiter={filter_key}"

    five = read_board(client, key)
    assert_limited(five, total=5, limit=limit, more_url=more)
    if state == ReferralState.PENDING:  # the oldest referred first
        assert [i.label.split()[1] for i in five.section.items] == [
            r.detection.pseudonym for r in first[:limit]
        ]
    page = listed(client, more)
    assert "5 résultats" in page
    assert all(r.detection.pseudonym in page for r in first)
    assert "7 résultats" in listed(client, reverse("referrals:received"))

    _received(association, 15, state=state, start=50, **fields)
    twenty = read_board(client, key)
    assert_limited(twenty, total=20, limit=limit, more_url=more)
    assert twenty.queries == five.queries
    assert "20 résultats" in listed(client, more)
