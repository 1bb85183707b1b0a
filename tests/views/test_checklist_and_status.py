"""The submission checklist says what the submission will refuse; the pathway's status tells the truth;
only an authorised pathway is offered (and allowed) to end; names are kept out of the reasoned opinion."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.pathways.forms import NAMES_IN_OPINION, OPINION_HELP, RequestForm
from parcours.pathways.models import PathwayState, RequestState
from parcours.people.models import ConsentPurpose
from tests.conftest import client_for, complete_request
from tests.views.helpers import fast_static, messages_of


@pytest.fixture(autouse=True)
def _fast_static(settings):
    fast_static(settings)


def page(response) -> str:
    return html.unescape(response.content.decode())


def test_complete_is_not_shown_while_the_psp_consent_is_missing(actors, pathway):
    asso = actors["association_worker"]
    request = complete_request(asso, pathway)
    pathway.person.consents.filter(purpose=ConsentPurpose.PSP_REQUEST).update(
        withdrawn_on=timezone.localdate()
    )
    client = client_for(asso)
    detail = reverse("pathways:detail", args=[pathway.public_id])
    shown = page(client.get(detail))
    assert "La demande est complète." not in shown
    consent_line = "Le consentement de la personne à la demande de parcours de sortie n'est pas recueilli"
    assert consent_line in shown
    person_url = reverse("people:detail", args=[pathway.person.public_id]) + "#consentements"
    assert f'href="{person_url}"' in shown

    response = client.post(reverse("pathways:submit", args=[pathway.public_id]), follow=True)
    assert any(consent_line in m for m in messages_of(response))
    request.refresh_from_db()
    assert request.state == RequestState.DRAFT

    # Once the consent is recorded, the checklist says complete and the submission goes through.
    from tests.factories import ConsentFactory

    ConsentFactory(person=pathway.person, purpose=ConsentPurpose.PSP_REQUEST)
    assert "La demande est complète." in page(client.get(detail))
    client.post(reverse("pathways:submit", args=[pathway.public_id]))
    request.refresh_from_db()
    assert request.state == RequestState.SUBMITTED


def test_the_reasoned_opinion_warns_and_refuses_the_persons_names(actors, pathway):
    person = pathway.person
    person.last_name, person.first_name = "Lefèvre", "Anaïs"
    person.save()
    request = pathway.requests.get()
    form = RequestForm(instance=request)
    assert form.fields["association_opinion"].help_text == OPINION_HELP
    for typed in ("Anais tient ses engagements.", "Mme LEFEVRE tient ses engagements.", "anaïs est motivée."):
        form = RequestForm({"association_opinion": typed}, instance=request)
        assert not form.is_valid()
        assert form.errors["association_opinion"] == [NAMES_IN_OPINION]
    form = RequestForm({"association_opinion": "La personne tient ses engagements."}, instance=request)
    assert form.is_valid(), form.errors


def test_a_pathway_whose_last_period_is_over_shows_it(actors, active_pathway):
    period = active_pathway.periods.get()
    client = client_for(actors["secretariat"])
    detail = reverse("pathways:detail", args=[active_pathway.public_id])
    assert "Autorisé, en cours" in page(client.get(detail))
    yesterday = timezone.localdate() - timedelta(days=1)
    period.start, period.end = yesterday - timedelta(days=180), yesterday
    period.save()
    shown = page(client.get(detail))
    assert f"Autorisé, période échue le {yesterday:%d/%m/%Y}" in shown
    assert "Autorisé, en cours" not in shown
    listing = page(client.get(reverse("pathways:list")))
    assert "période échue" in listing


def test_ending_is_not_offered_nor_accepted_before_authorisation(actors, pathway):
    asso = actors["association_worker"]
    request = complete_request(asso, pathway)
    from parcours.pathways import services as psp

    psp.submit_request(actor=asso, request=request)
    client = client_for(actors["secretariat"])
    detail = reverse("pathways:detail_decisions", args=[pathway.public_id])
    shown = page(client.get(detail))
    assert "Terminer le parcours" not in shown
    assert "Parcours achevé" not in shown  # the end reasons of an authorised pathway are not offered
    assert "Clore la demande" in shown
    url = reverse("pathways:end", args=[pathway.public_id])
    today = timezone.localdate().isoformat()
    # A forged « completed » end is refused in French; nothing changes.
    response = client.post(url, {"reason": "completed", "day": today, "confirmation": "oui"}, follow=True)
    assert "Sélectionnez un choix valide" in page(response)
    pathway.refresh_from_db()
    assert pathway.state == PathwayState.IN_INSTRUCTION
    # The person withdraws: asked first, then the request is closed.
    question = page(client.post(url, {"reason": "withdrawn", "day": today}))
    assert "Oui, clore la demande" in question
    pathway.refresh_from_db()
    assert pathway.state == PathwayState.IN_INSTRUCTION
    response = client.post(url, {"reason": "withdrawn", "day": today, "confirmation": "oui"}, follow=True)
    assert "Demande close : le parcours n'a pas été engagé." in messages_of(response)
    pathway.refresh_from_db()
    assert pathway.state == PathwayState.ENDED


def test_an_authorised_pathway_offers_the_end_with_its_confirmation(actors, active_pathway):
    client = client_for(actors["secretariat"])
    assert "Terminer le parcours" in page(
        client.get(reverse("pathways:detail_decisions", args=[active_pathway.public_id]))
    )
