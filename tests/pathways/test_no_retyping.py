"""No retyping: a renewal starts from the previous plan's objectives (editable); the documents table names
each file (its original name), its kind and date, in the checklist's order; the association's agrément is
attached from the register instead of being uploaded again."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from parcours.approvals.models import Agrement
from parcours.pathways import services as psp
from parcours.pathways.models import DocumentKind, PlanObjective, RequestKind
from parcours.pathways.views import objective_prefix
from tests.conftest import client_for, pdf_upload

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_a_renewal_starts_from_the_previous_plan_and_stays_editable(actors, active_pathway):
    worker = actors["association_worker"]
    previous = active_pathway.requests.get()
    PlanObjective.objects.create(
        request=previous,
        domain="employment",
        objective="Trouver un emploi à temps partiel",
        actions="Inscription à France Travail",
        target_date=timezone.localdate() - timedelta(days=1),
    )
    client = client_for(worker)
    client.post(reverse("pathways:renewal", args=[active_pathway.public_id]))
    renewal = active_pathway.requests.get(kind=RequestKind.RENEWAL)
    carried = {(o.domain, o.objective, o.actions, o.target_date) for o in renewal.objectives.all()}
    assert carried == {
        ("housing", "Hébergement stable", "", None),
        # The target date already past is left blank, to be set again.
        ("employment", "Trouver un emploi à temps partiel", "Inscription à France Travail", None),
    }
    url = reverse("pathways:detail", args=[active_pathway.public_id])
    page = text(client.get(url))
    assert "Les objectifs du projet précédent sont repris" in page
    # Edit one carried-over objective in place.
    objective = renewal.objectives.get(domain="employment")
    p = objective_prefix(objective)
    due = timezone.localdate() + timedelta(days=90)
    response = client.post(
        reverse("pathways:objective_edit", args=[active_pathway.public_id, objective.public_id]),
        {
            f"{p}-domain": "employment",
            f"{p}-objective": "Signer un contrat à durée indéterminée",
            f"{p}-actions": "",
            f"{p}-target_date": f"{due:%Y-%m-%d}",
        },
        follow=True,
    )
    assert "Objectif modifié." in text(response)
    objective.refresh_from_db()
    assert (objective.objective, objective.target_date) == ("Signer un contrat à durée indéterminée", due)
    # The previous plan is untouched.
    assert "Trouver un emploi à temps partiel" in [o.objective for o in previous.objectives.all()]
    # A bad edit: a French error, nothing changed.
    response = client.post(
        reverse("pathways:objective_edit", args=[active_pathway.public_id, objective.public_id]),
        {f"{p}-domain": "employment", f"{p}-objective": "", f"{p}-actions": "", f"{p}-target_date": ""},
    )
    assert response.status_code == 200 and "Ce champ est obligatoire." in text(response)
    objective.refresh_from_db()
    assert objective.objective == "Signer un contrat à durée indéterminée"


def test_the_documents_table_names_each_file_in_the_checklist_order(actors, pathway):
    worker = actors["association_worker"]
    request = pathway.requests.get()
    psp.add_document(actor=worker, request=request, kind=DocumentKind.OTHER, uploaded=pdf_upload("autre.pdf"))
    psp.add_document(
        actor=worker, request=request, kind=DocumentKind.SITUATION, uploaded=pdf_upload("attestation-caf.pdf")
    )
    psp.add_document(
        actor=worker, request=request, kind=DocumentKind.IDENTITY, uploaded=pdf_upload("titre-identite.pdf")
    )
    for role in ("association_worker", "secretariat"):
        page = text(client_for(actors[role]).get(reverse("pathways:detail", args=[pathway.public_id])))
        positions = [page.index(name) for name in ("titre-identite.pdf", "attestation-caf.pdf", "autre.pdf")]
        assert positions == sorted(positions), role
        assert f"{timezone.localdate():%d/%m/%Y}" in page
        assert "Justificatifs de la situation administrative, familiale et sociale" in page


def test_the_agrement_is_attached_from_the_register(actors, pathway, association):
    request = pathway.requests.get()
    agrement = Agrement.objects.get(organisation=association)
    assert request.agrement == agrement
    assert not any("agrément" in line for line in psp.missing_for_submission(request))
    page = text(
        client_for(actors["association_worker"]).get(reverse("pathways:detail", args=[pathway.public_id]))
    )
    assert f"Agrément n° {agrement.reference}" in page
    assert "joint depuis le registre des agréments" in page


def test_without_an_agrement_in_force_the_checklist_still_asks_for_it(actors, pathway, association):
    Agrement.objects.filter(organisation=association).update(
        valid_until=timezone.localdate() - timedelta(days=1),
        valid_from=timezone.localdate() - timedelta(days=400),
    )
    request = pathway.requests.get()
    request.agrement = None
    request.save(update_fields=["agrement"])
    assert "Pièce manquante : Copie de l'agrément de l'association" in psp.missing_for_submission(request)
