"""Finding 2 of issue 10, the membership oracle: a commission member whose organisation is invited to an open
campaign re-uploads its own list plus one guessed person's key, then reads the report. If the distinct count
does not grow, someone else knows the person; the pair overlaps say who. The report of an open campaign must
therefore be refused to everyone but the secretariat."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from parcours.core.roles import Role

from ..conftest import client_for
from ..factories import CampaignFactory, ParticipantFactory, give_key_list, key_payload, make_actor

pytestmark = pytest.mark.django_db


def figures_read(client, campaign) -> tuple[int, str]:
    """What the member reads on the report page: its status, and the page's text (figures included)."""
    response = client.get(reverse("diagnostic:report", args=[campaign.public_id]))
    return response.status_code, html.unescape(response.content.decode())


def distinct_people(page: str) -> str | None:
    found = re.search(r"Personnes distinctes</th><td class=\"figure\">([^<]+)</td>", page)
    return found.group(1) if found else None


def refusal_text(page: str) -> str:
    found = re.search(r'data-testid="report-refused">(.*?)</div>', page, re.S)
    return found.group(1) if found else page


def test_a_member_of_an_invited_organisation_cannot_test_whether_a_guessed_person_is_known_elsewhere():
    secretariat = make_actor(Role.SECRETARIAT)
    member = make_actor(Role.COMMISSION_MEMBER, departement=secretariat.departement)
    campaign = CampaignFactory(departement=secretariat.departement)
    own = ParticipantFactory(
        campaign=campaign, name="Structure du membre fictive", organisation=member.organisation
    )
    hospital = ParticipantFactory(campaign=campaign, name="Centre hospitalier fictif")
    police = ParticipantFactory(campaign=campaign, name="Commissariat fictif")
    own_people = [f"own{i}" for i in range(30)]
    give_key_list(own, own_people)
    # The guessed person (« target ») is known to the hospital; « stranger » is known to nobody.
    give_key_list(hospital, [f"own{i}" for i in range(12)] + [f"hosp{i}" for i in range(25)] + ["target"])
    give_key_list(police, [f"own{i}" for i in range(10, 24)] + [f"pol{i}" for i in range(20)])

    client = client_for(member)
    # The member opens its structure's pages from its board, then replaces its list as the attack needs.
    client.get(reverse("diagnostic:member_entry", args=[own.public_id]))
    reads = []
    for guess in ([], ["target"], ["stranger"]):
        response = client.post(reverse("diagnostic:key_list"), {"payload": key_payload(own_people + guess)})
        assert (
            response.status_code == 302
        )  # the upload itself is the structure's right while the campaign is open
        reads.append(figures_read(client, campaign))

    for status, page in reads:
        assert status == 403, "the live report of an open campaign reaches a commission member"
        assert "Le rapport de cette campagne n'est pas encore publié" in page
        assert distinct_people(page) is None
    # Whatever the guess, the member learns nothing: the three answers are the same refusal.
    assert len({refusal_text(page) for _, page in reads}) == 1
