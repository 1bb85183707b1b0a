"""The pages as their users meet them: the silence date on a waiting request, the procedure's steps for
each role, bad input answered in French with nothing changed (never a 500)."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.appeals import rules
from parcours.appeals import services as appeals
from parcours.appeals.models import Appeal, Procedure
from parcours.pathways import services as psp
from tests.conftest import client_for, complete_request

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_a_waiting_request_shows_when_an_implicit_decision_would_arise(actors, pathway):
    worker = actors["association_worker"]
    request = complete_request(worker, pathway)
    url = reverse("pathways:detail", args=[pathway.public_id])
    assert "décision implicite" not in text(client_for(worker).get(url))  # not sent yet: no clock
    psp.submit_request(actor=worker, request=request)
    arises = rules.implicit_decision_on(timezone.localdate())
    for role in ("association_worker", "secretariat"):
        page = text(client_for(actors[role]).get(url))
        assert f"une décision implicite naîtrait le <strong>{arises:%d/%m/%Y}</strong>" in page
        assert "rejet implicite (article L. 231-4" in page and "à confirmer" in page
    # Returned incomplete: the clock stops (it restarts from the completed request).
    psp.return_incomplete(actor=actors["secretariat"], request=request, missing=["Pièce d'identité"])
    assert "décision implicite" not in text(client_for(worker).get(url))


def test_recording_an_appeal_with_bad_input_changes_nothing(actors, notified):
    client = client_for(actors["secretariat"])
    url = reverse("appeals:create", args=["decision", notified.public_id])
    page = text(client.get(url))
    assert "Décision contestée : Décision n°" in page and "recours contentieux possible jusqu'au" in page
    response = client.post(
        url, {"kind": "refere", "author": "person", "lodged_on": "2020-13-45", "grounds": ""}
    )
    assert response.status_code == 200
    page = text(response)
    assert "Le formulaire contient des erreurs" in page and "Rien n'a été enregistré" in page
    assert not Appeal.objects.exists()
    # An unknown target kind is a 404, never a 500.
    assert client.get(reverse("appeals:create", args=["autre", notified.public_id])).status_code == 404


def test_an_authorisation_cannot_be_appealed_from_its_page(actors, active_pathway):
    from parcours.commission import services as cs

    request = psp.start_renewal  # noqa: F841 (the authorised request of the fixture has no register entry)
    sec = actors["secretariat"]
    pathway = active_pathway
    decision = cs.record_outside_end_decision(
        actor=sec,
        pathway=pathway,
        day=timezone.localdate(),
        external_reference="ARR-F",
        motive="Motifs",
        hearing_notice_on=timezone.localdate() - timedelta(days=20),
    )
    page = text(client_for(sec).get(reverse("appeals:create", args=["decision", decision.public_id])))
    assert 'data-testid="appeal-form"' in page  # an end is appealable
    assert "pas encore notifiée" in text(
        client_for(sec).get(reverse("pathways:detail_decisions", args=[pathway.public_id]))
    )


def test_the_procedure_page_for_each_role(actors, with_afis):
    sec, worker = actors["secretariat"], actors["association_worker"]
    pathway_url = reverse("pathways:detail_decisions", args=[with_afis.public_id])
    page = text(client_for(sec).get(pathway_url))
    assert (
        "Envisager l'arrêt de l'AFIS (préavis)" in page and "Envisager la fin du parcours (préavis)" in page
    )
    assert "Envisager" not in text(client_for(worker).get(pathway_url))
    start = reverse("appeals:procedure_start", args=[with_afis.public_id, "afis"])
    response = client_for(sec).post(start, {"grounds": ""})
    assert "Le formulaire contient des erreurs" in text(response) and not Procedure.objects.exists()
    response = client_for(sec).post(start, {"grounds": "Absences répétées aux rendez-vous"})
    procedure = Procedure.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "appeals:procedure", args=[procedure.public_id]
    )
    url = reverse("appeals:procedure", args=[procedure.public_id])
    # The association hands the notice over; the secretariat does not see that form.
    assert 'data-testid="notice-handover"' in text(client_for(worker).get(url))
    assert 'data-testid="notice-handover"' not in text(client_for(sec).get(url))
    # On the association's board: the notice to hand over.
    board = text(client_for(worker).get("/"))
    assert "Préavis d'une mesure défavorable : à remettre à la personne" in board
    future = (timezone.localdate().replace(year=timezone.localdate().year + 1)).isoformat()
    response = client_for(worker).post(
        reverse("appeals:notice_handover", args=[procedure.public_id]),
        {"day": future, "acknowledgement": "signed_receipt"},
    )
    assert "ne peut pas être dans le futur" in text(response)
    procedure.refresh_from_db()
    assert procedure.notice_notified_on is None
    client_for(worker).post(
        reverse("appeals:notice_handover", args=[procedure.public_id]),
        {"day": timezone.localdate().isoformat(), "acknowledgement": "signed_receipt"},
    )
    procedure.refresh_from_db()
    page = text(client_for(sec).get(url))
    assert f"possibles jusqu'au {procedure.observations_until:%d/%m/%Y} inclus" in page
    assert 'data-testid="record-observations"' in page
    # The notice PDF: the association reads it; the payer's letter is not for it.
    assert (
        client_for(worker).get(reverse("appeals:document", args=[procedure.public_id, "preavis"])).status_code
        == 200
    )
    assert (
        client_for(worker)
        .get(reverse("appeals:document", args=[procedure.public_id, "organisme-payeur"]))
        .status_code
        == 404
    )
    appeals.abandon_procedure(actor=sec, procedure=procedure, reason="Reprise de contact")


def test_the_list_of_appeals(actors, notified):
    appeals.record_appeal(
        actor=actors["secretariat"],
        obj=notified,
        kind="gracieux",
        author="person",
        lodged_on=timezone.localdate(),
        grounds="Conteste",
    )
    for role in ("secretariat", "signatory", "association_worker"):
        page = text(client_for(actors[role]).get(reverse("appeals:list")))
        assert "Recours gracieux (auprès du préfet)" in page and "Refus d'un parcours de sortie" in page
