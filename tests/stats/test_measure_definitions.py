"""The measures say what a statistician reading their definition expects: an association's own activity is
the referrals it received, a sum of hours keeps its decimal."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from parcours.core.roles import Role
from parcours.referrals import services
from parcours.stats import dashboards
from parcours.stats.registry import Scope, get
from tests.referrals.helpers import detection

pytestmark = pytest.mark.django_db


def test_an_association_counts_the_referrals_it_received_and_their_delays(actors, association):
    partner = actors[Role.PARTNER_ADVISOR]
    today = timezone.localdate()
    referral = services.refer(
        actor=partner,
        detection=detection(partner, days_ago=10),
        association=association,
        consent_given_on=today - timedelta(days=4),
        referred_on=today - timedelta(days=4),
    )
    worker = actors[Role.ASSOCIATION_WORKER]
    services.answer_referral(actor=worker, referral=referral, accept=True, day=today - timedelta(days=3))
    services.record_first_contact(actor=worker, referral=referral, day=today - timedelta(days=1))

    def scope(organisation):
        return Scope(partner.departement, today - timedelta(days=30), today, organisation)

    assert get("referrals.referrals").value(scope(association)) == 1
    assert get("referrals.referrals").value(scope(partner.organisation)) == 1
    assert get("referrals.delay_referral_contact").value(scope(association)) == 3.0
    # The network: one referral, not two.
    assert get("referrals.referrals").value(scope(None)) == 1
    # An organisation that neither made nor received it.
    assert get("referrals.referrals").value(scope(actors[Role.IMMIGRATION].organisation)) == 0


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [(7.5, "count", "7,5"), (7.0, "count", "7"), (12, "count", "12"), (Decimal("3"), "days", "3 jours")],
)
def test_figures_are_printed_as_they_are(value, unit, text):
    assert dashboards.format_value(float(value) if isinstance(value, Decimal) else value, unit) == text
