"""The secretariat prepares, opens, follows and closes a campaign; a structure answers through its link."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from parcours.diagnostic import services
from parcours.diagnostic.models import Campaign, CampaignState, Participant
from parcours.outbox.models import OutgoingEmail
from tests.conftest import client_for
from tests.views.helpers import assert_unchanged, db_snapshot

from ..factories import (
    CampaignFactory,
    OrganisationFactory,
    ParticipantFactory,
    give_key_list,
    link_in,
    open_invitation,
)

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def sec(actors):
    return client_for(actors["secretariat"])


def test_the_secretariat_runs_a_campaign_from_creation_to_closing(sec, departement, association):
    today = timezone.localdate()
    association.email = "contact@escale.invalid"
    association.save()
    response = sec.post(
        reverse("diagnostic:create"),
        {
            "title": "Diagnostic 2026",
            "period_start": (today - timedelta(days=365)).isoformat(),
            "period_end": today.isoformat(),
            "deadline": (today + timedelta(days=20)).isoformat(),
        },
    )
    campaign = Campaign.objects.get(title="Diagnostic 2026")
    assert response.status_code == 302 and campaign.code == f"DIAG-99-{today.year}"
    page = reverse("diagnostic:campaign", args=[campaign.public_id])
    sec.post(
        reverse("diagnostic:add_organisations", args=[campaign.public_id]),
        {"organisations": [association.public_id]},
    )
    sec.post(
        reverse("diagnostic:add_structure", args=[campaign.public_id]),
        {"name": "Lycée professionnel fictif", "email": "cpe@lycee.invalid"},
    )
    body = text(sec.get(page))
    assert escape(association.name) in body and "Lycée professionnel fictif" in body
    assert "0 structure sur 2 a répondu" in body

    response = sec.post(reverse("diagnostic:open", args=[campaign.public_id]), follow=True)
    assert "Générez la phrase secrète de la campagne avant de l&#x27;ouvrir" in text(response)
    assert sec.post(reverse("diagnostic:phrase_generated", args=[campaign.public_id])).status_code == 200
    response = sec.post(reverse("diagnostic:open", args=[campaign.public_id]), follow=True)
    assert "Campagne ouverte : 2 invitation(s) envoyée(s)" in text(response)
    assert set(OutgoingEmail.objects.values_list("to", flat=True)) == {
        "contact@escale.invalid",
        "cpe@lycee.invalid",
    }

    lycee = campaign.participants.get(name="Lycée professionnel fictif")
    link = link_in(OutgoingEmail.objects.get(to="cpe@lycee.invalid").body)
    structure = Client()
    assert structure.get(link).status_code == 303
    answer = structure.post(
        reverse("diagnostic:respond"),
        {"total": "4", "minors": "2", "online": "1", "sex_female": "3", "sex_male": "1"},
        follow=True,
    )
    assert "votre réponse est enregistrée" in text(answer)
    body = text(sec.get(page))
    assert "1 structure sur 2 a répondu (taux de réponse : 50 %)" in body

    response = sec.post(reverse("diagnostic:remind", args=[campaign.public_id]), follow=True)
    assert "1 structure(s) relancée(s)" in text(response)
    # The subject is encrypted at rest: compared once decrypted, not in SQL.
    sent = OutgoingEmail.objects.filter(to="contact@escale.invalid")
    assert [e.subject.startswith("Relance") for e in sent].count(True) == 1

    response = sec.post(reverse("diagnostic:close", args=[campaign.public_id]), follow=True)
    assert "Campagne close" in text(response)
    late = structure.post(reverse("diagnostic:respond"), {"total": "9"}, follow=True)
    assert "ne sont plus acceptées" in text(late)
    lycee.refresh_from_db()
    assert lycee.answers["total"] == 4


def test_an_inconsistent_answer_is_shown_back_with_its_reason_and_nothing_saved():
    participant = ParticipantFactory()
    structure = Client()
    open_invitation(structure, participant)
    url = reverse("diagnostic:respond")
    before = db_snapshot()
    response = structure.post(url, {"total": "3", "sex_female": "2", "sex_male": "2", "minors": "-1"})
    assert response.status_code == 200
    page = text(response)
    assert "Le formulaire contient des erreurs" in page and "Le nombre ne peut pas être négatif." in page
    response = structure.post(url, {"total": "3", "sex_female": "2", "sex_male": "2"})
    assert "la somme (4) dépasse le nombre total (3)" in text(response)
    assert_unchanged(before)


def test_a_forged_link_is_not_found():
    participant = ParticipantFactory()
    token, _ = services.issue_invitation(participant)
    for bad in (token + "x", token[:-1], "nimporte-quoi", str(participant.public_id)):
        response = Client().get(reverse("diagnostic:invitation", args=[bad]))
        assert response.status_code == 404 and "Lien inconnu" in text(response)


def test_opening_without_structures_or_with_a_close_deadline_is_refused(sec, departement, actors):
    campaign = CampaignFactory(draft=True, departement=departement)
    response = sec.post(reverse("diagnostic:open", args=[campaign.public_id]), follow=True)
    assert "Ajoutez au moins une structure" in text(response)
    ParticipantFactory(campaign=campaign)
    campaign.deadline = timezone.localdate() + timedelta(days=2)
    campaign.save()
    response = sec.post(reverse("diagnostic:open", args=[campaign.public_id]), follow=True)
    assert "Laissez au moins 7 jours" in text(response)
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.DRAFT


def test_a_structure_that_answered_cannot_be_removed(sec, departement):
    campaign = CampaignFactory(departement=departement)
    participant = ParticipantFactory(campaign=campaign)
    give_key_list(participant, ["x"])
    response = sec.post(
        reverse("diagnostic:remove_participant", args=[campaign.public_id, participant.public_id]),
        follow=True,
    )
    assert "a déjà répondu" in text(response)
    assert Participant.objects.filter(pk=participant.pk).exists()


def test_the_code_and_period_are_fixed_once_open(sec, departement):
    campaign = CampaignFactory(departement=departement, code="DIAG-99-FIXE")
    page = text(sec.get(reverse("diagnostic:edit", args=[campaign.public_id])))
    assert 'name="code"' in page and "disabled" in page
    new_deadline = timezone.localdate() + timedelta(days=60)
    sec.post(
        reverse("diagnostic:edit", args=[campaign.public_id]),
        {
            "title": "Nouveau titre",
            "code": "AUTRE",
            "period_start": "2020-01-01",
            "period_end": "2020-12-31",
            "deadline": new_deadline.isoformat(),
        },
    )
    campaign.refresh_from_db()
    assert (campaign.title, campaign.code, campaign.deadline) == (
        "Nouveau titre",
        "DIAG-99-FIXE",
        new_deadline,
    )


def test_an_invited_organisation_finds_the_survey_on_its_board(clients, actors, association):
    campaign = CampaignFactory(departement=association.departement)
    participant = ParticipantFactory(campaign=campaign, organisation=association, name=association.name)
    board = text(clients["association_worker"].get(reverse("home")))
    assert "Répondre au diagnostic territorial" in board
    entry = reverse("diagnostic:member_entry", args=[participant.public_id])
    assert entry in board
    # No link needed: the member's account opens the structure's questionnaire.
    response = clients["association_worker"].get(entry)
    assert response.status_code == 303 and response["Location"] == reverse("diagnostic:respond")
    assert escape(association.name) in text(clients["association_worker"].get(reverse("diagnostic:respond")))
    services.submit_answers(participant, {"total": 0})
    assert "Répondre au diagnostic territorial" not in text(
        clients["association_worker"].get(reverse("home"))
    )


def test_another_departements_campaign_is_not_found(sec):
    other = CampaignFactory(departement=OrganisationFactory(departement__code="98").departement)
    assert sec.get(reverse("diagnostic:campaign", args=[other.public_id])).status_code == 404


def test_the_secretariat_board_shows_open_campaigns_with_their_deadline_and_answers(sec, departement):
    campaign = CampaignFactory(departement=departement, title="Diagnostic suivi au tableau")
    ParticipantFactory(campaign=campaign)
    services.submit_answers(ParticipantFactory(campaign=campaign), {"total": 2})
    CampaignFactory(departement=departement, closed=True, title="Diagnostic déjà clos")
    board = text(sec.get(reverse("home")))
    assert "Diagnostic suivi au tableau — réponses en cours" in board
    assert "1 réponse(s) sur 2" in board
    assert "Diagnostic déjà clos" not in board
