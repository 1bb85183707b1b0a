"""The agrément pages, per role: register, own page, application page, actions, bad input, board, audit."""

from __future__ import annotations

import html
import re
import uuid
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from parcours.approvals import rules
from parcours.approvals import services as approvals
from parcours.approvals.models import Agrement, AgrementApplication, ApplicationState
from parcours.core.models import AuditEvent, OrganisationKind
from parcours.core.roles import Role
from tests.conftest import PNG, client_for, pdf_upload
from tests.factories import AgrementFactory, OrganisationFactory
from tests.views.helpers import assert_unchanged, db_snapshot, fast_static

from . import helpers as h

pytestmark = pytest.mark.django_db
S, SG, AW, AM = Role.SECRETARIAT, Role.SIGNATORY, Role.ASSOCIATION_WORKER, Role.ASSOCIATION_MANAGER


@pytest.fixture(autouse=True)
def _fast_static(settings):
    fast_static(settings)


def text(response) -> str:
    """The page as a reader gets it: entities decoded, tags removed."""
    return re.sub(r"<[^>]+>", "", html.unescape(response.content.decode()))


def today():
    return timezone.localdate()


def app_url(application, name="approvals:application", **extra):
    return reverse(name, kwargs={"pk": application.public_id, **extra})


# --- register and own page ---


def test_register_shows_every_status(clients, association, other_association, departement, actors):
    Agrement.objects.filter(organisation=other_association).update(withdrawn_on=today() - timedelta(days=3))
    expiring = OrganisationFactory(departement=departement, name="Asso qui expire")
    AgrementFactory(
        organisation=expiring,
        valid_from=today() - timedelta(days=900),
        valid_until=today() + timedelta(days=60),
    )
    OrganisationFactory(departement=departement, name="Asso sans agrément")
    OrganisationFactory(departement=departement, name="Préfecture bis", kind=OrganisationKind.PREFECTURE)
    page = text(clients[S].get(reverse("approvals:list")))
    assert "Association L'Escale fictive" in page and "Valide" in page
    assert "Retiré" in page and "Valide, expire bientôt" in page and "Aucun agrément" in page
    assert "Préfecture bis" not in page
    filtered = text(clients[S].get(reverse("approvals:list") + "?statut=none"))
    assert "Asso sans agrément" in filtered and "Association L'Escale fictive" not in filtered
    assert text(clients[S].get(reverse("approvals:list") + "?statut=%00"))  # garbage filter: all, no 500


def test_menu_entries_per_role(clients):
    page = clients[S].get("/").content.decode()
    assert f'href="{reverse("approvals:list")}"' in page
    page = clients[AM].get("/").content.decode()
    assert f'href="{reverse("approvals:own")}"' in page and f'href="{reverse("approvals:list")}"' not in page


def test_association_starts_an_application_from_its_page(clients, actors):
    page = text(clients[AM].get(reverse("approvals:own")))
    assert "Déposer une demande de renouvellement" in page
    response = clients[AM].post(reverse("approvals:start"))
    application = AgrementApplication.objects.get()
    assert response.status_code == 302 and response["Location"] == app_url(application)
    page = text(clients[AM].get(reverse("approvals:own")))
    assert "Voir la demande en cours" in page
    # A second start is refused with a message, nothing created.
    response = clients[AW].post(reverse("approvals:start"), follow=True)
    assert "déjà en cours" in text(response) and AgrementApplication.objects.count() == 1


def test_own_page_warns_when_the_agrement_expires_soon(clients, association):
    Agrement.objects.filter(organisation=association).update(valid_until=today() + timedelta(days=90))
    page = text(clients[AW].get(reverse("approvals:own")))
    assert "préparez le renouvellement" in page


# --- the application page: clocks and actions per role ---


def test_submitted_page_shows_the_completeness_clock(clients, actors):
    application = h.submitted(actors[AM])
    deadline = rules.completeness_deadline(today())
    for role in (S, SG, AW, AM):
        page = text(clients[role].get(app_url(application)))
        assert f"Complétude réputée acquise le {deadline:%d/%m/%Y}" in page
    secretariat_page = text(clients[S].get(app_url(application)))
    assert (
        "Déclarer le dossier complet" in secretariat_page
        and "Demander des pièces manquantes" in secretariat_page
    )
    assert "Déclarer le dossier complet" not in text(clients[AM].get(app_url(application)))


def test_complete_page_shows_the_tacit_clock_and_the_opinion_form(clients, actors):
    application = h.awaiting_opinion(actors[AM], actors[S])
    tacit = rules.tacit_approval_date(today())
    page = text(clients[S].get(app_url(application)))
    assert f"Agrément tacite le {tacit:%d/%m/%Y} si aucune décision" in page
    assert "Enregistrer l'avis de la commission" in page
    assert "Enregistrer l'avis de la commission" not in text(clients[SG].get(app_url(application)))


def test_full_procedure_over_http(clients, actors, departement):
    org = OrganisationFactory(departement=departement, name="Asso neuve")
    from tests.factories import make_actor

    manager = make_actor(AM, org)
    client = client_for(manager)
    client.post(reverse("approvals:start"))
    application = AgrementApplication.objects.get(organisation=org)
    response = client.post(
        app_url(application, "approvals:info"),
        {
            "declared_on": "2015-01-10",
            "staff_count": "5",
            "qualifications": "CESF",
            "premises": "Local",
            "siret": "732 829 320 00074",
            "rna": "w991000042",
        },
    )
    assert response.status_code == 302
    for kind in rules.REQUIRED_DOCUMENTS:
        client.post(app_url(application, "approvals:document_add"), {"kind": kind, "file": pdf_upload()})
    assert client.post(app_url(application, "approvals:submit")).status_code == 302
    clients[S].post(
        app_url(application, "approvals:incomplete"),
        {"missing": [rules.DOCUMENT_LABELS[rules.DOC_ACCOUNTS]], "comment": "Comptes signés"},
    )
    page = text(client.get(app_url(application)))
    assert "Derniers comptes approuvés" in page and "Comptes signés" in page
    client.post(app_url(application, "approvals:submit"))
    clients[S].post(app_url(application, "approvals:complete"))
    # The commission's opinion is optional by default: the secretariat asks for it on this file.
    assert "Demander l'avis (facultatif) de la commission" in text(clients[S].get(app_url(application)))
    clients[S].post(app_url(application, "approvals:ask_commission"))
    clients[S].post(
        app_url(application, "approvals:opinion"),
        {"opinion": "favourable", "day": today().isoformat(), "motive": "Équipe formée"},
    )
    clients[SG].post(
        app_url(application, "approvals:decide"),
        {"decision": "granted", "day": today().isoformat(), "reference": "ARR-99-2026-5", "motive": ""},
    )
    application.refresh_from_db()
    assert application.state == ApplicationState.GRANTED
    page = text(client.get(app_url(application)))
    assert f"valable jusqu'au {rules.agrement_end(today()):%d/%m/%Y}" in page
    names = list(application.events.values_list("name", flat=True))
    assert names == [
        "start",
        "submit",
        "return_incomplete",
        "submit",
        "mark_complete",
        "send_to_commission",
        "review",
        "grant",
    ]


def test_download_is_audited(clients, actors):
    application = h.submitted(actors[AM])
    document = application.documents.first()
    response = clients[S].get(
        app_url(application, "approvals:document_download", document=document.public_id)
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    event = AuditEvent.objects.filter(action="download").latest("at")
    assert event.user == actors[S].user and event.detail == f"pièce d'agrément {document.kind}"


def test_tampered_ids_answer_404(clients, actors):
    application = h.submitted(actors[AM])
    assert clients[S].get(f"/agrements/demande/{uuid.uuid4()}/").status_code == 404
    assert clients[S].get("/agrements/demande/not-a-uuid/").status_code == 404
    url = app_url(application, "approvals:document_download", document=uuid.uuid4())
    assert clients[S].get(url).status_code == 404


# --- bad input: a French error, nothing changed ---


def refused(client, url, data, message):
    before = db_snapshot()
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert message in text(response), text(response)[:3000]
    assert_unchanged(before)


def test_wrong_file_type_is_refused(clients, actors):
    application = h.draft(actors[AM])
    fake = SimpleUploadedFile("statuts.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    refused(
        clients[AM],
        app_url(application, "approvals:document_add"),
        {"kind": rules.DOC_STATUTES, "file": fake},
        "Type de fichier refusé",
    )


def test_oversize_file_is_refused(clients, actors, settings):
    settings.PARCOURS_UPLOAD_MAX_BYTES = 1024 * 1024
    application = h.draft(actors[AM])
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * (1024 * 1024 + 1), content_type="image/png")
    refused(
        clients[AM],
        app_url(application, "approvals:document_add"),
        {"kind": rules.DOC_MEANS, "file": big},
        "dépasse la taille maximale",
    )


def test_unknown_document_kind_is_refused(clients, actors):
    application = h.draft(actors[AM])
    refused(
        clients[AM],
        app_url(application, "approvals:document_add"),
        {"kind": "passport", "file": pdf_upload()},
        "Sélectionnez un choix valide",
    )


def test_nul_bytes_are_refused(clients, actors):
    application = h.awaiting_opinion(actors[AM], actors[S])
    refused(
        clients[S],
        app_url(application, "approvals:opinion"),
        {"opinion": "favourable", "day": today().isoformat(), "motive": "ok\x00"},
        "caractère nul",
    )


def test_nul_bytes_in_the_file_fields_are_refused(clients, actors):
    draft = h.draft(actors[AW])
    refused(
        clients[AW],
        app_url(draft, "approvals:info"),
        {"declared_on": "2015-01-01", "staff_count": "3", "qualifications": "a\x00b", "premises": ""},
        "caractère nul",
    )


def test_decision_dates_out_of_order_are_refused(clients, actors):
    application = h.back_date(h.reviewed(actors[AM], actors[S]), 0)
    url = app_url(application, "approvals:decide")
    day_before = (application.received_on - timedelta(days=1)).isoformat()
    refused(
        clients[SG],
        url,
        {"decision": "granted", "day": day_before, "reference": "A"},
        "ne peut pas précéder",
    )
    refused(
        clients[SG],
        url,
        {"decision": "granted", "day": (today() + timedelta(days=2)).isoformat(), "reference": "A"},
        "futur",
    )
    refused(
        clients[SG], url, {"decision": "granted", "day": "31/02/2026", "reference": "A"}, "Saisissez une date"
    )
    refused(
        clients[SG], url, {"decision": "refused", "day": today().isoformat(), "motive": ""}, "motif du refus"
    )


def test_decision_on_a_draft_is_not_even_reachable(clients, actors):
    application = h.ready_draft(actors[AM])
    before = db_snapshot()
    response = clients[S].post(
        app_url(application, "approvals:decide"),
        {"decision": "granted", "day": today().isoformat(), "reference": "A"},
    )
    assert response.status_code == 404
    assert_unchanged(before)


def test_declaration_in_the_future_is_refused(clients, actors):
    application = h.draft(actors[AM])
    refused(
        clients[AM],
        app_url(application, "approvals:info"),
        {"declared_on": (today() + timedelta(days=5)).isoformat(), "staff_count": "2"},
        "ne peut pas être dans le futur",
    )


def _withdrawal(day=None, notified=None, hearing=None, motive="Dissolution", **extra):
    day = day or today()
    notified = notified or day
    hearing = notified - timedelta(days=20) if hearing is None else hearing
    return {
        "hearing_notice_on": hearing.isoformat() if hasattr(hearing, "isoformat") else hearing,
        "notified_on": notified.isoformat(),
        "day": day.isoformat(),
        "motive": motive,
        **extra,
    }


def test_bad_withdrawal_is_refused_with_a_french_message_and_nothing_changes(clients, association):
    agrement = association.agrements.get()
    url = reverse("approvals:withdraw", kwargs={"pk": agrement.public_id})
    sec = clients[S]
    refused(sec, url, _withdrawal(day=today() + timedelta(days=3), notified=today()), "futur")
    refused(sec, url, _withdrawal(motive=""), "Ce champ est obligatoire")
    # Without the notice's date: the procedure is named, the form comes back with the error next to the field.
    refused(sec, url, _withdrawal(hearing=""), "Ce champ est obligatoire")
    refused(sec, url, _withdrawal(hearing="2026-02-30"), "Saisissez une date valide")
    refused(sec, url, _withdrawal(hearing=today()), "Le préavis est remis à l'association avant la décision")
    refused(
        sec,
        url,
        _withdrawal(hearing=agrement.valid_from - timedelta(days=1)),
        "Le préavis ne peut pas précéder le début de l'agrément",
    )
    refused(
        sec,
        url,
        _withdrawal(day=today() - timedelta(days=2), notified=today()),
        "Le retrait ne prend effet qu'à sa notification",
    )
    # Confirmed, the service checks again: a bad date still changes nothing.
    refused(sec, url, _withdrawal(hearing=today(), confirmation="oui"), "Le préavis est remis")
    agrement.refresh_from_db()
    assert agrement.withdrawn_on is None


def test_the_direct_withdrawal_asks_for_confirmation_then_offers_the_hand_over(
    clients, association, active_pathway
):
    agrement = association.agrements.get()
    page = reverse("approvals:association", kwargs={"pk": association.public_id})
    body = text(clients[S].get(page))
    # The procedure first; the direct form is secondary, for a withdrawal decided outside Parcours.
    assert "Envisager le retrait (préavis)" in body
    assert "Retrait décidé hors Parcours après une procédure contradictoire menée hors Parcours" in body
    assert "Parcours à confier" not in body
    url = reverse("approvals:withdraw", kwargs={"pk": agrement.public_id})
    hearing = today() - timedelta(days=20)
    before = db_snapshot()
    asked = clients[S].post(url, _withdrawal(hearing=hearing))
    assert asked.status_code == 200 and "Oui, enregistrer le retrait" in text(asked)
    assert_unchanged(before)
    done = clients[S].post(url, _withdrawal(hearing=hearing, confirmation="oui"), follow=True)
    body = text(done)
    assert f"Retrait de l'agrément {agrement.reference} enregistré" in body
    assert f"préavis remis à l'association le {hearing:%d/%m/%Y}" in body
    # The same block as the procedure's page: the association's open pathways, to hand over.
    assert "Parcours à confier à une autre association" in body
    assert active_pathway.person.pseudonym in body
    assert "Retrait décidé hors Parcours après" not in body  # nothing left to withdraw
    agrement.refresh_from_db()
    assert (agrement.withdrawn_on, agrement.hearing_notice_on) == (today(), hearing)
    # The application's history says it too (an agrément without an application logs on its own).
    application = AgrementApplication.objects.filter(agrement=agrement).first()
    if application is not None:
        history = text(clients[S].get(app_url(application)))
        assert f"préavis remis le {hearing:%d/%m/%Y}" in history


def test_the_granted_applications_page_points_to_the_procedure_first(clients, actors):
    application = h.reviewed(actors[AM], actors[S])
    approvals.decide(actor=actors[S], application=application, decision="granted", day=today(), reference="A")
    body = text(clients[S].get(app_url(application)))
    assert "Envisager le retrait : préavis et observations de l'association" in body
    assert "Retrait décidé hors Parcours après une procédure contradictoire menée hors Parcours" in body
    assert 'data-testid="withdraw"' not in clients[S].get(app_url(application)).content.decode()


def test_submit_with_missing_items_lists_them(clients, actors):
    application = h.draft(actors[AM])
    refused(
        clients[AM],
        app_url(application, "approvals:submit"),
        {},
        "Pièce manquante : Statuts de l'association",
    )


# --- board ---


def test_secretariat_board_sections(clients, actors, association):
    submitted = h.back_date(h.submitted(actors[AM]), 50)  # completeness deadline within 15 days
    Agrement.objects.filter(organisation=association).update(valid_until=today() + timedelta(days=100))
    page = text(clients[S].get(reverse("home")))
    assert "Demandes d'agrément à vérifier (complétude)" in page
    assert "complétude réputée acquise" in page
    assert f"{rules.completeness_deadline(submitted.received_on):%d/%m/%Y}" in page
    # An open renewal: the expiring agrément is not listed again.
    assert "Association L'Escale fictive — agrément" not in page


def test_tacit_clock_and_expiry_on_the_board(clients, actors, other_association, departement):
    application = h.back_date(h.awaiting_opinion(actors[AM], actors[S]), 100)
    Agrement.objects.filter(organisation=other_association).update(valid_until=today() + timedelta(days=100))
    page = text(clients[S].get(reverse("home")))
    assert "agrément tacite si aucune décision" in page
    assert f"{rules.tacit_approval_date(application.complete_on):%d/%m/%Y}" in page
    assert "Association Autre Rive fictive — agrément" in page


def test_association_board_renewal_and_incomplete(clients, actors, association):
    Agrement.objects.filter(organisation=association).update(valid_until=today() + timedelta(days=100))
    page = text(clients[AW].get(reverse("home")))
    assert "préparez le renouvellement" in page
    application = h.submitted(actors[AM])
    approvals.return_incomplete(actor=actors[S], application=application, missing=["Statuts signés"])
    page = text(clients[AM].get(reverse("home")))
    assert "Demande d'agrément à compléter" in page and "pièces demandées par la préfecture" in page
    assert "préparez le renouvellement" not in page  # the renewal is under way


def test_signatory_board_lists_files_awaiting_decision(clients, actors):
    h.reviewed(actors[AM], actors[S])
    page = text(clients[SG].get(reverse("home")))
    assert "Demandes d'agrément en attente de décision" in page and "Association L'Escale fictive" in page


def test_the_prefecture_does_not_see_drafts(clients, actors):
    application = h.ready_draft(actors[AM])
    assert clients[S].get(app_url(application)).status_code == 404
    assert clients[SG].get(app_url(application)).status_code == 404
    assert clients[AW].get(app_url(application)).status_code == 200
    approvals.submit_application(actor=actors[AM], application=application)
    assert clients[S].get(app_url(application)).status_code == 200
