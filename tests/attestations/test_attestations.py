"""Attestations of engagement in the PSP: asked for by the association, issued (numbered, signed, frozen) or
refused by the secretariat, downloaded by both; the act's text per purpose."""

from __future__ import annotations

import io
from datetime import timedelta
from html import unescape

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from parcours.attestations import services
from parcours.attestations.models import Attestation
from parcours.deadlines.selectors import board_for
from parcours.documents import services as documents
from parcours.pathways import services as psp
from tests.conftest import client_for
from tests.factories import make_actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(actors):
    return actors["association_worker"]


@pytest.fixture
def secretariat(actors):
    return actors["secretariat"]


def _issued(worker, secretariat, pathway, purpose="tax", recipient=""):
    attestation = services.request_attestation(
        actor=worker, pathway=pathway, purpose=purpose, recipient=recipient
    )
    return services.issue_attestation(actor=secretariat, attestation=attestation)


def _pdf_text(document) -> str:
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(documents.pdf_of(document))).pages)


def test_an_issued_attestation_is_numbered_frozen_and_says_the_period_and_the_purpose(
    worker, secretariat, active_pathway
):
    person = active_pathway.person
    attestation = _issued(worker, secretariat, active_pathway, recipient="Centre des finances publiques")
    year = timezone.localdate().year
    assert attestation.number == f"ATT-{year}-0001" and attestation.document.is_frozen
    period = active_pathway.last_period
    html = unescape(attestation.document.html)
    assert person.last_name.upper() in html and person.first_name in html
    assert "est engagée dans un parcours de sortie de la prostitution" in html  # the recorded sex: F
    assert (
        "présumée remplir la condition de gêne" in html and "L. 247 du livre des procédures fiscales" in html
    )
    assert "l'intéressée" in html and "Centre des finances publiques" in html
    text = _pdf_text(attestation.document)
    assert f"ATT-{year}-0001" in text and str(period.end.year) in text
    second = _issued(worker, secretariat, active_pathway, purpose="bank")
    assert second.number == f"ATT-{year}-0002"
    assert "droit au compte" in unescape(second.document.html)


@pytest.mark.parametrize(
    ("purpose", "phrase"),
    [
        ("housing", "L. 441-1 du code de la construction et de l'habitation"),
        ("health", "assurance maladie"),
        ("bank", "L. 312-1 du code monétaire et financier"),
        ("other", "pour servir et valoir ce que de droit"),
    ],
)
def test_each_purpose_has_its_paragraph(worker, secretariat, active_pathway, purpose, phrase):
    attestation = _issued(worker, secretariat, active_pathway, purpose=purpose)
    assert phrase in unescape(attestation.document.html)


def test_no_attestation_without_a_current_period(worker, pathway):
    with pytest.raises(ValidationError, match="période d'autorisation en cours"):
        services.request_attestation(actor=worker, pathway=pathway, purpose="tax")


def test_a_period_that_ended_the_day_before_refuses_it_the_last_day_allows_it(
    worker, secretariat, active_pathway, time_machine
):
    end = active_pathway.last_period.end
    time_machine.move_to(end)
    attestation = services.request_attestation(actor=worker, pathway=active_pathway, purpose="tax")
    time_machine.move_to(end + timedelta(days=1))
    with pytest.raises(ValidationError, match="période d'autorisation en cours"):
        services.issue_attestation(actor=secretariat, attestation=attestation)
    attestation.refresh_from_db()
    assert attestation.state == "requested" and attestation.document is None


def test_only_the_accompanying_association_asks_and_only_the_secretariat_issues(
    worker, secretariat, active_pathway, other_association
):
    outsider = make_actor("association_worker", other_association)
    with pytest.raises(PermissionDenied):
        services.request_attestation(actor=outsider, pathway=active_pathway, purpose="tax")
    attestation = services.request_attestation(actor=worker, pathway=active_pathway, purpose="tax")
    with pytest.raises(PermissionDenied):
        services.issue_attestation(actor=worker, attestation=attestation)
    with pytest.raises(ValidationError, match="déjà demandée"):
        services.request_attestation(actor=worker, pathway=active_pathway, purpose="tax")


def test_the_refusal_needs_a_motive_and_is_read_by_the_association(worker, secretariat, active_pathway):
    attestation = services.request_attestation(actor=worker, pathway=active_pathway, purpose="health")
    url = reverse("attestations:refuse", args=[attestation.public_id])
    response = client_for(secretariat).post(url, {"motive": "  "})
    assert response.status_code == 200 and "Ce champ est obligatoire" in response.content.decode()
    attestation.refresh_from_db()
    assert attestation.state == "requested"
    client_for(secretariat).post(url, {"motive": "Pièce manquante : précisez l'organisme."})
    page = client_for(worker).get(reverse("attestations:pathway", args=[active_pathway.public_id]))
    assert "Pièce manquante : précisez l" in unescape(page.content.decode())


def test_the_issue_asks_for_confirmation_then_the_association_downloads_the_pdf(
    worker, secretariat, active_pathway
):
    client = client_for(worker)
    client.post(
        reverse("attestations:request", args=[active_pathway.public_id]),
        {"purpose": "housing", "recipient": "Bailleur social fictif"},
    )
    attestation = Attestation.objects.get()
    sec = client_for(secretariat)
    url = reverse("attestations:issue", args=[attestation.public_id])
    response = sec.post(url)
    assert response.status_code == 200 and "Oui, délivrer l" in response.content.decode()
    attestation.refresh_from_db()
    assert attestation.state == "requested"
    assert sec.post(url, {"confirmation": "oui"}).status_code == 302
    attestation.refresh_from_db()
    assert attestation.state == "issued"
    download = client.get(reverse("attestations:download", args=[attestation.public_id]))
    assert download["Content-Type"] == "application/pdf" and download["Cache-Control"] == "no-store"
    assert attestation.number in download["Content-Disposition"]
    assert sec.post(url, {"confirmation": "oui"}).status_code == 302  # twice: refused, nothing changes
    assert Attestation.objects.get().sequence == 1


def test_the_secretariat_board_lists_the_requested_attestations(worker, secretariat, active_pathway):
    services.request_attestation(actor=worker, pathway=active_pathway, purpose="bank")
    sections = {s.key: s for s in board_for(secretariat, timezone.localdate())}
    assert sections["attestations_to_issue"].count == 1


def test_the_association_board_says_to_hand_over_the_issued_attestation(worker, secretariat, active_pathway):
    attestation = _issued(worker, secretariat, active_pathway)
    sections = {s.key: s for s in board_for(worker, timezone.localdate())}
    (item,) = sections["attestations_decided"].items
    assert attestation.number in item.label and item.person == active_pathway.person


def test_the_person_page_links_to_the_attestations(worker, active_pathway):
    page = client_for(worker).get(reverse("people:detail", args=[active_pathway.person.public_id]))
    assert reverse("attestations:pathway", args=[active_pathway.public_id]) in page.content.decode()


def test_an_ended_pathway_offers_no_request_button(worker, secretariat, active_pathway):
    psp.end_pathway(
        actor=secretariat,
        pathway=active_pathway,
        reason="withdrawn",
        outcome="",
        day=timezone.localdate(),
    )
    page = client_for(worker).get(reverse("attestations:pathway", args=[active_pathway.public_id]))
    assert 'data-testid="attestation-request"' not in page.content.decode()
