"""Shared builders of the referrals tests."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from parcours.core.models import OrganisationKind
from parcours.core.roles import Role
from parcours.referrals import services
from parcours.referrals.models import AgeBand, Detection, PlaceType, PlatformType
from parcours.referrals.selectors import indicators_offered
from tests.factories import OrganisationFactory, make_actor


def detection(actor, *, minor=False, identity=None, days_ago=5, **fields):
    today = timezone.localdate()
    values = {
        "detected_on": today - timedelta(days=days_ago),
        "age_band": AgeBand.FROM_15_TO_17 if minor else AgeBand.FROM_18_TO_21,
        "sex": "F",
        "place_type": PlaceType.HOTEL,
        "platform_type": PlatformType.SOCIAL_NETWORK,
        "context": "Vue plusieurs soirs devant un hôtel.",
        **(identity or {}),
        **fields,
    }
    d = Detection(**values)
    return services.create_detection(
        actor=actor, detection=d, indicators=list(indicators_offered(actor.departement)[:2])
    )


def other_partner(departement):
    org = OrganisationFactory(departement=departement, kind=OrganisationKind.MISSION_LOCALE)
    return make_actor(Role.PARTNER_ADVISOR, org)
