"""Garbage in, never a 500: every form endpoint refuses bad input with a French message (next to the field,
or as a message on the page it redirects to), and nothing changes in the database."""

from __future__ import annotations

import html
import uuid
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from parcours.pathways import services as psp
from parcours.pathways.models import Request, RequestKind, RequestState
from parcours.people.models import ConsentPurpose
from tests.conftest import PDF, client_for, complete_request, drive_to_decision, pdf_upload
from tests.factories import (
    AgrementFactory,
    DepartementFactory,
    OrganisationFactory,
    PersonFactory,
)
from tests.views.helpers import World, assert_unchanged, db_snapshot

pytestmark = pytest.mark.django_db

OK_STATUSES = {200, 302, 400, 404}


@pytest.fixture
def w(departement, association, other_association, actors):
    return World(departement, association, other_association, actors)


def text(response) -> str:
    return html.unescape(response.content.decode())


def days(n: int) -> str:
    return (timezone.localdate() + timedelta(days=n)).isoformat()


def post_refused(client, url, data, message, *, form=None, field=None, next_to=True):
    """POST `data`; the answer (after redirects) shows `message`; the database is untouched.

    With `form` and `field`: the message is an error of that field, rendered next to it."""
    before = db_snapshot()
    response = client.post(url, data, follow=True)
    for _, status in response.redirect_chain:
        assert status == 302
    assert response.status_code == 200, response.status_code
    page = text(response)
    assert message in page, f"message absent : {message!r}"
    if form is not None:
        bound = response.context[form]
        errors = bound.errors.get(field or "__all__", [])
        assert any(message in e for e in errors), (field, bound.errors)
        if field and next_to:
            assert f'id="{bound[field].auto_id}-desc-error"' in page  # rendered next to the field
    assert_unchanged(before)
    return response


def get_or_post_404(client, url, method="post", data=None):
    before = db_snapshot()
    response = client.post(url, data or {}) if method == "post" else client.get(url)
    assert response.status_code == 404, response.status_code
    assert_unchanged(before)


# --- People -------------------------------------------------------------------------------------------------


def person_data(**overrides):
    data = {
        "last_name": "Okonkwo",
        "first_name": "Blessing",
        "usual_name": "",
        "birth_date": "1997-01-20",
        "sex": "F",
        "nationality": "nigériane",
        "nationality_group": "non_eu",
        "languages": "",
        "phone": "",
        "email": "",
        "address": "",
        "housing": "none",
        "resources": "none",
        "health_coverage": "none",
        "administrative_status": "undocumented",
        "children": "0",
        "situation_notes": "",
        "accompaniment_consent_on": days(0),
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"last_name": ""}, "last_name", "Ce champ est obligatoire."),
        ({"last_name": "1234 --"}, "last_name", "Le nom doit contenir au moins une lettre."),
        ({"birth_date": days(1)}, "birth_date", "La date de naissance ne peut pas être dans le futur."),
        ({"birth_date": "1850-01-01"}, "birth_date", "La date de naissance n'est pas plausible."),
        ({"birth_date": "31/02/1990"}, "birth_date", "Saisissez une date valide."),
        ({"birth_date": "pas une date"}, "birth_date", "Saisissez une date valide."),
        ({"sex": "Z"}, "sex", "Sélectionnez un choix valide."),
        ({"children": "99"}, "children", "Le nombre d'enfants à charge n'est pas plausible."),
        ({"children": "-1"}, "children", "Assurez-vous que cette valeur est supérieure ou égale à 0."),
        (
            {"accompaniment_consent_on": days(3)},
            "accompaniment_consent_on",
            "La date du consentement ne peut pas être dans le futur.",
        ),
        ({"accompaniment_consent_on": ""}, "accompaniment_consent_on", "Ce champ est obligatoire."),
        ({"first_name": "Bl\x00essing"}, "first_name", "Le caractère nul n’est pas autorisé."),
    ],
)
def test_person_create_refuses_bad_input(overrides, field, message, clients):
    post_refused(
        clients["association_worker"],
        reverse("people:create"),
        person_data(**overrides),
        message,
        form="form",
        field=field,
    )


def test_person_create_with_nothing(clients):
    post_refused(
        clients["association_worker"],
        reverse("people:create"),
        {},
        "Ce champ est obligatoire.",
        form="form",
        field="last_name",
    )


def test_person_edit_refuses_future_birth_date(clients, w):
    data = person_data(birth_date=days(10))
    del data["accompaniment_consent_on"]
    post_refused(
        clients["association_worker"],
        reverse("people:edit", args=[w.person.public_id]),
        data,
        "La date de naissance ne peut pas être dans le futur.",
        form="form",
        field="birth_date",
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"date": days(1), "kind": "interview", "text": "x"},
            "La date de l'entretien ne peut pas être dans le futur.",
        ),
        ({"date": days(0), "kind": "interview", "text": ""}, "Ce champ est obligatoire."),
        ({"date": days(0), "kind": "séance de spiritisme", "text": "x"}, "Sélectionnez un choix valide."),
        ({"date": "hier", "kind": "interview", "text": "x"}, "Saisissez une date valide."),
    ],
)
def test_note_refuses_bad_input(data, message, clients, w):
    response = post_refused(
        clients["association_worker"], reverse("people:note_add", args=[w.person.public_id]), data, message
    )
    assert "Rien n'a été enregistré" in text(response)


def test_note_refused_after_consent_withdrawal(clients, w):
    consent = w.person.consents.get(purpose=ConsentPurpose.ACCOMPANIMENT)
    consent.withdrawn_on = timezone.localdate()
    consent.withdrawn_by = w.worker.user
    consent.save()
    post_refused(
        clients["association_worker"],
        reverse("people:note_add", args=[w.person.public_id]),
        {"date": days(0), "kind": "interview", "text": "x"},
        "La personne a retiré son consentement à l'accompagnement : aucune note ne peut être ajoutée.",
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "alias", "name": ""}, "Ce champ est obligatoire."),
        ({"kind": "surnom-inconnu", "name": "Zaza"}, "Sélectionnez un choix valide."),
    ],
)
def test_alias_refuses_bad_input(data, message, clients, w):
    post_refused(
        clients["association_worker"], reverse("people:alias_add", args=[w.person.public_id]), data, message
    )


def test_consent_refuses_bad_input(clients, w, actors):
    client, url = clients["association_worker"], reverse("people:consent_add", args=[w.person.public_id])
    post_refused(
        client,
        url,
        {"purpose": "psp_request", "given_on": days(2)},
        "La date du consentement ne peut pas être dans le futur.",
    )
    post_refused(
        client,
        url,
        {"purpose": "sharing", "given_on": days(0)},
        "Choisissez le partenaire avec qui la personne accepte le partage.",
    )
    post_refused(
        client,
        url,
        {"purpose": "sharing", "given_on": days(0), "partner": str(uuid.uuid4())},
        "Sélectionnez un choix valide.",
    )
    post_refused(
        client,
        url,
        {"purpose": "sharing", "given_on": days(0), "partner": "pas-un-uuid"},
        "Rien n'a été enregistré",
    )
    post_refused(client, url, {"purpose": "tout", "given_on": days(0)}, "Sélectionnez un choix valide.")
    # A partner of another département cannot be chosen.
    foreign = OrganisationFactory(
        departement=DepartementFactory(code="98", name="Autre"), kind="mission_locale"
    )
    post_refused(
        client,
        url,
        {"purpose": "sharing", "given_on": days(0), "partner": str(foreign.public_id)},
        "Sélectionnez un choix valide.",
    )
    # The accompaniment consent is already given and not withdrawn.
    post_refused(
        client,
        url,
        {"purpose": "accompaniment", "given_on": days(0)},
        "Ce consentement est déjà recueilli et n'a pas été retiré.",
    )


def test_share_refuses_partner_without_consent(clients, w, actors):
    client, url = clients["association_worker"], reverse("people:share_add", args=[w.person.public_id])
    post_refused(
        client,
        url,
        {"partner": str(actors["immigration"].organisation.public_id), "reason": "x"},
        "Sélectionnez un choix valide.",
    )
    post_refused(
        client,
        url,
        {"partner": str(actors["partner_advisor"].organisation.public_id), "reason": ""},
        "Ce champ est obligatoire.",
    )
    # Already shared with the partner advisor.
    post_refused(
        client,
        url,
        {"partner": str(actors["partner_advisor"].organisation.public_id), "reason": "x"},
        "Le dossier est déjà partagé avec ce partenaire.",
    )


def test_consent_withdrawal_refuses_bad_dates(clients, w):
    consent = w.consent_to_withdraw
    client, url = clients["association_worker"], reverse("people:consent_withdraw", args=[consent.public_id])
    post_refused(client, url, {"withdrawn_on": days(1)}, "La date du retrait ne peut pas être dans le futur.")
    before_given = (consent.given_on - timedelta(days=1)).isoformat()
    post_refused(
        client,
        url,
        {"withdrawn_on": before_given},
        "Le retrait ne peut pas précéder le recueil du consentement.",
    )
    post_refused(client, url, {"withdrawn_on": ""}, "Ce champ est obligatoire.")
    client.post(url, {"withdrawn_on": days(0), "confirmation": "oui"})
    post_refused(client, url, {"withdrawn_on": days(0)}, "Ce consentement a déjà été retiré.")


def test_consent_and_share_of_another_association_answer_404(other_association, w):
    from tests.factories import make_actor

    outsider = client_for(make_actor("association_worker", other_association))
    get_or_post_404(
        outsider,
        reverse("people:consent_withdraw", args=[w.consent_to_withdraw.public_id]),
        data={"withdrawn_on": days(0)},
    )
    get_or_post_404(outsider, reverse("people:share_end", args=[w.share.public_id]))


# --- Pathway: building the request --------------------------------------------------------------------------


def test_request_edit_refuses_bad_input(clients, w):
    client, url = (
        clients["association_worker"],
        reverse("pathways:request_edit", args=[w.draft_pathway.public_id]),
    )
    base = {"association_opinion": "Avis", "person_commitment": "on", "prostitution_stopped": "on"}
    post_refused(
        client,
        url,
        {**base, "commitment_date": days(5)},
        "La date de l'engagement ne peut pas être dans le futur.",
        form="form",
        field="commitment_date",
    )
    post_refused(
        client,
        url,
        {**base, "commitment_date": ""},
        "Indiquez la date à laquelle la personne s'est engagée.",
        form="form",
        field="commitment_date",
    )
    post_refused(
        client,
        url,
        {**base, "commitment_date": days(0), "rights_requested": ["tout", "afis"]},
        "Sélectionnez un choix valide.",
        form="form",
        field="rights_requested",
    )


def test_request_edit_of_a_sent_request_answers_404(clients, w):
    get_or_post_404(
        clients["association_worker"],
        reverse("pathways:request_edit", args=[w.submitted_pathway.public_id]),
        data={"association_opinion": "Modifié après envoi"},
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"domain": "housing", "objective": "", "actions": "", "target_date": ""},
            "objective",
            "Ce champ est obligatoire.",
        ),
        (
            {"domain": "magie", "objective": "x", "actions": "", "target_date": ""},
            "domain",
            "Sélectionnez un choix valide.",
        ),
        (
            {"domain": "housing", "objective": "x", "actions": "", "target_date": "demain"},
            "target_date",
            "Saisissez une date valide.",
        ),
    ],
)
def test_objective_refuses_bad_input(data, field, message, clients, w):
    post_refused(
        clients["association_worker"],
        reverse("pathways:objective_add", args=[w.draft_pathway.public_id]),
        data,
        message,
        form="objective_form",
        field=field,
    )


def test_objective_added_to_a_sent_request_is_refused(clients, w):
    post_refused(
        clients["association_worker"],
        reverse("pathways:objective_add", args=[w.submitted_pathway.public_id]),
        {"domain": "housing", "objective": "x", "actions": "", "target_date": ""},
        "La demande a été transmise : elle ne peut plus être modifiée.",
    )


def test_objective_of_another_pathway_answers_404(clients, w):
    other_objective = w.active_request.objectives.first()
    get_or_post_404(
        clients["association_worker"],
        reverse("pathways:objective_remove", args=[w.draft_pathway.public_id, other_objective.public_id]),
    )
    get_or_post_404(
        clients["association_worker"],
        reverse("pathways:objective_remove", args=[w.draft_pathway.public_id, uuid.uuid4()]),
    )


@pytest.mark.parametrize(
    ("upload", "kind", "message"),
    [
        (
            lambda: SimpleUploadedFile(
                "faux.pdf", b"Ceci est un simple texte renomme en PDF.", "application/pdf"
            ),
            "identity",
            "Type de fichier refusé : seuls les PDF, PNG et JPEG sont acceptés.",
        ),
        (
            lambda: SimpleUploadedFile(
                "page.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"
            ),
            "identity",
            "Type de fichier refusé",
        ),
        (lambda: SimpleUploadedFile("vide.pdf", b"", "application/pdf"), "identity", "Le fichier est vide."),
        (lambda: None, "identity", "Choisissez un fichier."),
        (lambda: pdf_upload(), "formulaire-inconnu", "Sélectionnez un choix valide."),
    ],
)
def test_document_upload_refuses_bad_files(upload, kind, message, clients, w):
    data = {"kind": kind}
    if (file := upload()) is not None:
        data["file"] = file
    field = "kind" if kind == "formulaire-inconnu" else "file"
    post_refused(
        clients["association_worker"],
        reverse("pathways:document_add", args=[w.draft_pathway.public_id]),
        data,
        message,
        form="document_form",
        field=field,
    )


def test_document_upload_refuses_an_oversize_file(clients, w, settings):
    settings.PARCOURS_UPLOAD_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("gros.pdf", PDF + b"0" * (1024 * 1024 + 1), "application/pdf")
    post_refused(
        clients["association_worker"],
        reverse("pathways:document_add", args=[w.draft_pathway.public_id]),
        {"kind": "other", "file": big},
        "Le fichier dépasse la taille maximale de 1 Mo.",
        form="document_form",
        field="file",
    )


def test_document_of_another_pathway_answers_404(clients, w):
    foreign = w.active_document
    client = clients["association_worker"]
    get_or_post_404(
        client,
        reverse("pathways:document_download", args=[w.draft_pathway.public_id, foreign.public_id]),
        method="get",
    )
    get_or_post_404(
        client, reverse("pathways:document_remove", args=[w.draft_pathway.public_id, foreign.public_id])
    )
    get_or_post_404(
        client,
        reverse("pathways:document_download", args=[w.draft_pathway.public_id, uuid.uuid4()]),
        method="get",
    )


def test_submit_of_an_incomplete_request_lists_what_is_missing(clients, w):
    pathway = psp.start_pathway(actor=w.worker, person=w._person())
    response = post_refused(
        clients["association_worker"],
        reverse("pathways:submit", args=[pathway.public_id]),
        {},
        "Pièce manquante : Copie d'une pièce d'identité",
    )
    assert "L'engagement de la personne (et sa date) n'est pas enregistré." in text(response)


def test_submit_twice_is_refused(clients, w):
    post_refused(
        clients["association_worker"],
        reverse("pathways:submit", args=[w.submitted_pathway.public_id]),
        {},
        "Action impossible",
    )


def test_submit_without_valid_agrement_is_refused(clients, w):
    w.association.agrements.update(
        valid_until=timezone.localdate() - timedelta(days=1),
        valid_from=timezone.localdate() - timedelta(days=400),
    )
    post_refused(
        clients["association_worker"],
        reverse("pathways:submit", args=[w.draft_pathway.public_id]),
        {},
        "Votre association ne détient pas d'agrément valide à ce jour",
    )


# --- Pathway: instruction, opinion, decision ----------------------------------------------------------------


def test_return_incomplete_needs_an_item(clients, w):
    post_refused(
        clients["secretariat"],
        reverse("pathways:return_incomplete", args=[w.submitted_pathway.public_id]),
        {"missing": [], "other": "  ", "comment": "x"},
        "Indiquez au moins une pièce ou information manquante.",
        form="incomplete_form",
    )
    post_refused(
        clients["secretariat"],
        reverse("pathways:return_incomplete", args=[w.submitted_pathway.public_id]),
        {"missing": ["Une pièce inventée"]},
        "Sélectionnez un choix valide.",
        form="incomplete_form",
        field="missing",
    )


def test_mark_ready_of_a_draft_is_refused(clients, w):
    post_refused(
        clients["secretariat"],
        reverse("pathways:mark_ready", args=[w.draft_pathway.public_id]),
        {},
        "Action impossible : « Demande complète, prête pour la commission » n'est pas permis",
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"opinion": "favourable", "day": days(-1), "motive": "x"},
            "day",
            "L'avis ne peut pas précéder la transmission de la demande.",
        ),
        (
            {"opinion": "favourable", "day": days(1), "motive": "x"},
            "day",
            "La date de l'avis ne peut pas être dans le futur.",
        ),
        ({"opinion": "favourable", "day": days(0), "motive": "   "}, "motive", "Ce champ est obligatoire."),
        (
            {"opinion": "enthousiaste", "day": days(0), "motive": "x"},
            "opinion",
            "Sélectionnez un choix valide.",
        ),
        ({"opinion": "favourable", "day": "2026-13-45", "motive": "x"}, "day", "Saisissez une date valide."),
        ({}, "opinion", "Ce champ est obligatoire."),
    ],
)
def test_opinion_refuses_bad_input(data, field, message, clients, w):
    post_refused(
        clients["secretariat"],
        reverse("pathways:opinion", args=[w.ready_pathway.public_id]),
        data,
        message,
        form="opinion_form",
        field=field,
    )


def test_opinion_on_a_request_not_ready_is_refused(clients, w):
    post_refused(
        clients["secretariat"],
        reverse("pathways:opinion", args=[w.submitted_pathway.public_id]),
        {"opinion": "favourable", "day": days(0), "motive": "x"},
        "Action impossible",
    )


def decision(day, *, period_start="", decision_value="authorised"):
    return {
        "decision": decision_value,
        "day": day,
        "reference": "ARR-2026-117",
        "period_start": period_start,
        "motive": "",
        "divergence_motive": "",
    }


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (decision(days(-1)), "day", "La décision ne peut pas précéder l'avis de la commission."),
        (decision(days(1)), "day", "La date de la décision ne peut pas être dans le futur."),
        (
            decision(days(0), period_start=days(-3)),
            "period_start",
            "La période ne peut pas commencer avant la décision",
        ),
        (decision(days(0), decision_value="peut-être"), "decision", "Sélectionnez un choix valide."),
        (decision("aujourd'hui"), "day", "Saisissez une date valide."),
        ({**decision(days(0)), "reference": "  "}, "reference", "Ce champ est obligatoire."),
        (
            {**decision(days(0), decision_value="refused"), "divergence_motive": "Départ du département"},
            "motive",
            "Un refus est motivé : indiquez les motifs.",
        ),
        (
            {**decision(days(0), decision_value="refused"), "motive": "Ressources suffisantes"},
            "divergence_motive",
            "La décision va contre l'avis de la commission",
        ),
    ],
)
def test_decision_refuses_bad_input(data, field, message, clients, w):
    post_refused(
        clients["signatory"],
        reverse("pathways:decision", args=[w.reviewed_pathway.public_id]),
        data,
        message,
        form="decision_form",
        field=field,
    )


def renewal_to_decide(actors, pathway):
    """Drive a renewal of `pathway` up to the commission's favourable opinion (today)."""
    worker, sec = actors["association_worker"], actors["secretariat"]
    psp.start_renewal(actor=worker, pathway=pathway)
    request = complete_request(worker, pathway)
    psp.submit_request(actor=worker, request=request)
    psp.mark_ready(actor=sec, request=request)
    psp.record_opinion(
        actor=sec, request=request, opinion="favourable", day=timezone.localdate(), motive="Oui"
    )
    return request


def test_overlapping_period_is_refused(clients, actors, w):
    pathway = w.active_pathway
    first = pathway.periods.get()
    renewal_to_decide(actors, pathway)
    overlap = (first.end - timedelta(days=5)).isoformat()
    response = post_refused(
        clients["signatory"],
        reverse("pathways:decision", args=[pathway.public_id]),
        decision(days(0), period_start=overlap),
        "La nouvelle période chevaucherait la précédente",
        form="decision_form",
        field="period_start",
    )
    assert f"au plus tôt le {first.end + timedelta(days=1):%d/%m/%Y}" in text(response)


@pytest.fixture
def capped_pathway(actors, association, w):
    """A pathway with four past periods (24 months): the cap is reached."""
    today = timezone.localdate()
    AgrementFactory(
        organisation=association,
        valid_from=today - timedelta(days=1200),
        valid_until=today + timedelta(days=365),
    )
    pathway = psp.start_pathway(actor=w.worker, person=w._person())
    drive_to_decision(actors, pathway, day=today - timedelta(days=760))
    for _ in range(3):
        last = pathway.periods.order_by("-number").first()
        psp.start_renewal(actor=w.worker, pathway=pathway)
        drive_to_decision(actors, pathway, day=last.end - timedelta(days=20))
    assert pathway.periods.count() == 4
    assert pathway.periods.order_by("-number").first().end < today
    pathway.refresh_from_db()
    return pathway


def test_renewal_beyond_the_cap_is_refused(clients, capped_pathway):
    post_refused(
        clients["association_worker"],
        reverse("pathways:renewal", args=[capped_pathway.public_id]),
        {},
        "Le parcours a atteint la durée maximale de 24 mois : il ne peut plus être renouvelé.",
    )


def test_decision_beyond_the_cap_is_refused(clients, capped_pathway):
    """Even if a fifth request reached the signatory (imported data), no fifth period is opened."""
    Request.objects.create(
        pathway=capped_pathway,
        departement=capped_pathway.departement,
        kind=RequestKind.RENEWAL,
        state=RequestState.REVIEWED,
        opinion="favourable",
        opinion_date=timezone.localdate(),
        submitted_on=timezone.localdate(),
    )
    post_refused(
        clients["signatory"],
        reverse("pathways:decision", args=[capped_pathway.public_id]),
        decision(days(0)),
        "Le parcours a déjà atteint la durée maximale de 24 mois",
        form="decision_form",
        field="period_start",
    )


def test_renewal_while_a_request_is_open_is_refused(clients, actors, w):
    psp.start_renewal(actor=w.worker, pathway=w.active_pathway)
    post_refused(
        clients["association_worker"],
        reverse("pathways:renewal", args=[w.active_pathway.public_id]),
        {},
        "Une demande est déjà en cours pour ce parcours.",
    )


def test_a_second_decision_for_the_same_request_is_refused(clients, w):
    """One register entry per request: a decision already in the register is not recorded twice."""
    url = reverse("pathways:decision", args=[w.reviewed_pathway.public_id])
    assert clients["signatory"].post(url, decision(days(0))).status_code == 302
    post_refused(
        clients["signatory"], url, decision(days(0)), "Aucune demande n'est en cours pour ce parcours."
    )


# --- End of pathway and rights ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"reason": "withdrawn", "day": days(-30), "outcome": "", "motive": ""},
            "day",
            "La fin ne peut pas précéder le début du parcours.",
        ),
        (
            {"reason": "withdrawn", "day": days(1), "outcome": "", "motive": ""},
            "day",
            "La date de fin ne peut pas être dans le futur.",
        ),
        (
            {"reason": "completed", "day": days(0), "outcome": "", "motive": ""},
            "outcome",
            "Indiquez la situation de la personne à la sortie du parcours.",
        ),
        (
            {"reason": "evasion", "day": days(0), "outcome": "", "motive": ""},
            "reason",
            "Sélectionnez un choix valide.",
        ),
        (
            {"reason": "completed", "day": days(0), "outcome": "loterie", "motive": ""},
            "outcome",
            "Sélectionnez un choix valide.",
        ),
    ],
)
def test_end_refuses_bad_input(data, field, message, clients, w):
    post_refused(
        clients["secretariat"],
        reverse("pathways:end", args=[w.active_pathway.public_id]),
        data,
        message,
        form="end_form",
        field=field,
    )


def test_end_of_an_ended_pathway_is_refused(clients, w):
    psp.end_pathway(
        actor=w.actors["secretariat"], pathway=w.active_pathway, reason="withdrawn", day=timezone.localdate()
    )
    post_refused(
        clients["secretariat"],
        reverse("pathways:end", args=[w.active_pathway.public_id]),
        {"reason": "withdrawn", "day": days(0), "outcome": "", "motive": ""},
        "Seul un parcours autorisé peut être terminé",
    )


def afis(granted_on, start, children=1, paying_body="MSA"):
    return {
        "granted_on": granted_on,
        "start": start,
        "dependent_children": children,
        "paying_body": paying_body,
    }


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            afis(days(0), days(-60)),
            "start",
            "Le versement ne peut pas commencer avant le mois de l'attribution.",
        ),
        (
            afis(days(-200), days(-100)),
            "start",
            "Le versement doit commencer pendant une période d'autorisation",
        ),
        (
            afis(days(0), days(0), children=-2),
            "dependent_children",
            "Assurez-vous que cette valeur est supérieure ou égale à 0.",
        ),
        (afis(days(0), days(0), children="beaucoup"), "dependent_children", "Saisissez un nombre entier."),
        (afis(days(0), days(0), paying_body=""), "paying_body", "Ce champ est obligatoire."),
    ],
)
def test_afis_grant_refuses_bad_input(data, field, message, clients, w):
    post_refused(
        clients["association_worker"],
        reverse("pathways:afis_grant", args=[w.active_pathway.public_id]),
        data,
        message,
        form="afis_form",
        field=field,
    )


def test_afis_refused_to_a_minor(clients, actors, association):
    today = timezone.localdate()
    minor = PersonFactory(organisation=association, created_by=actors["association_worker"].user)
    pathway = psp.start_pathway(actor=actors["association_worker"], person=minor)
    drive_to_decision(actors, pathway, day=today - timedelta(days=2))
    # A minor cannot start a pathway (people.rules.AGE_OF_MAJORITY): the birth date corrected afterwards.
    minor.birth_date = today.replace(year=today.year - 17)
    minor.save()
    post_refused(
        clients["association_worker"],
        reverse("pathways:afis_grant", args=[pathway.public_id]),
        afis(days(0), days(0)),
        "L'AFIS est réservée aux personnes de plus de 18 ans",
        form="afis_form",
        field="start",
    )


def test_afis_stop_refuses_bad_input(clients, w):
    url = reverse("pathways:afis_stop", args=[w.active_pathway.public_id])
    post_refused(
        clients["secretariat"],
        url,
        {"day": days(0), "motive": "x", "cause": "request"},
        "Seule une AFIS accordée peut être arrêtée.",
    )
    assert w.granted_afis  # now granted
    post_refused(
        clients["secretariat"],
        url,
        {"day": days(-5), "motive": "x", "cause": "request"},
        "L'arrêt ne peut pas précéder le début du versement.",
        form="afis_stop_form",
        field="day",
    )
    post_refused(
        clients["secretariat"],
        url,
        {"day": days(0), "motive": "", "cause": "request"},
        "Ce champ est obligatoire.",
        form="afis_stop_form",
        field="motive",
    )


def test_afis_on_a_pathway_without_afis_is_refused(clients, actors, association):
    worker = actors["association_worker"]
    pathway = psp.start_pathway(
        actor=worker, person=PersonFactory(organisation=association, created_by=worker.user)
    )
    drive_to_decision(actors, pathway, day=timezone.localdate() - timedelta(days=1))
    pathway.afis.delete()
    post_refused(
        clients["association_worker"],
        reverse("pathways:afis_grant", args=[pathway.public_id]),
        afis(days(0), days(0)),
        "L'AFIS n'a pas été demandée pour ce parcours.",
    )


def step(**overrides):
    data = {
        "domain": "housing",
        "description": "Demande SIAO",
        "status": "planned",
        "started_on": "",
        "due_on": "",
        "completed_on": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            step(started_on=days(-3), completed_on=days(-10)),
            "completed_on",
            "La démarche ne peut pas aboutir avant d'avoir commencé.",
        ),
        (step(domain="lune"), "domain", "Sélectionnez un choix valide."),
        (step(description=""), "description", "Ce champ est obligatoire."),
        (step(status="terminée ?"), "status", "Sélectionnez un choix valide."),
    ],
)
def test_right_step_refuses_bad_input(data, field, message, clients, w):
    post_refused(
        clients["association_worker"],
        reverse("pathways:step_add", args=[w.active_pathway.public_id]),
        data,
        message,
        form="step_form",
        field=field,
    )


def test_right_step_refused_before_authorisation(clients, w):
    post_refused(
        clients["association_worker"],
        reverse("pathways:step_add", args=[w.draft_pathway.public_id]),
        step(),
        "Les démarches ne peuvent être suivies que pendant un parcours autorisé.",
    )


def permit(requested, **overrides):
    data = {
        "status": "issued",
        "requested_on": requested,
        "issued_on": days(0),
        "expires_on": days(180),
        "renewed_on": "",
        "reference": "APS-1",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"issued_on": days(0), "expires_on": days(-1)},
            "expires_on",
            "La date d'expiration doit suivre la date de délivrance.",
        ),
        (
            {"issued_on": days(0), "expires_on": days(0)},
            "expires_on",
            "La date d'expiration doit suivre la date de délivrance.",
        ),
        (
            {"issued_on": "", "expires_on": ""},
            "expires_on",
            "Un titre délivré a une date de délivrance et une date d'expiration.",
        ),
        ({"issued_on": days(-400)}, "issued_on", "Le titre ne peut pas être délivré avant d'être demandé."),
        ({"status": "perdu"}, "status", "Sélectionnez un choix valide."),
        ({"requested_on": ""}, "requested_on", "Ce champ est obligatoire."),
    ],
)
def test_permit_refuses_bad_input(overrides, field, message, clients, w):
    permit_obj = w.active_pathway.residence_permit
    data = permit(permit_obj.requested_on.isoformat(), **overrides)
    post_refused(
        clients["immigration"],
        reverse("pathways:permit_edit", args=[permit_obj.public_id]),
        data,
        message,
        form="form",
        field=field,
    )


# --- Administration -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "kind": "association"}, "name", "Ce champ est obligatoire."),
        ({"name": "X", "kind": "secte"}, "kind", "Sélectionnez un choix valide."),
        (
            {"name": "X", "kind": "association", "email": "@@"},
            "email",
            "Saisissez une adresse de courriel valide.",
        ),
        (
            {"name": "Préfecture fictive", "kind": "prefecture"},
            "name",
            "Une organisation porte déjà ce nom dans le département.",
        ),
    ],
)
def test_organisation_form_refuses_bad_input(data, field, message, clients, actors):
    post_refused(
        clients["admin"], reverse("core:organisation_create"), data, message, form="form", field=field
    )


def test_organisation_rename_to_an_existing_name_is_refused(clients, association, other_association):
    post_refused(
        clients["admin"],
        reverse("core:organisation_edit", args=[other_association.public_id]),
        {"name": association.name, "kind": "association", "active": "on"},
        "Une organisation porte déjà ce nom dans le département.",
        form="form",
        field="name",
    )


def test_user_create_refuses_duplicates_and_missing_fields(clients, actors, association):
    existing = actors["secretariat"].user.username
    data = {
        "username": existing,
        "first_name": "A",
        "last_name": "B",
        "email": "",
        "password1": "Tournesol-Parapluie-2031",
        "password2": "Tournesol-Parapluie-2031",
        "m-organisation": association.pk,
        "m-role": "association_worker",
        "m-active": "on",
    }
    post_refused(
        clients["admin"],
        reverse("core:user_create"),
        data,
        "Un utilisateur avec ce nom existe déjà.",
        form="form",
        field="username",
    )
    post_refused(
        clients["admin"],
        reverse("core:user_create"),
        {**data, "username": "nouveau", "m-organisation": ""},
        "Ce champ est obligatoire.",
    )
    post_refused(
        clients["admin"],
        reverse("core:user_create"),
        {**data, "username": "nouveau", "m-organisation": "abc"},
        "Sélectionnez un choix valide.",
    )


def test_membership_add_refuses_bad_input(clients, actors, association):
    target = actors["commission_member"].user
    url = reverse("core:membership_add", args=[target.public_id])
    foreign = OrganisationFactory(departement=DepartementFactory(code="98", name="Autre"), kind="association")
    client = clients["admin"]
    post_refused(
        client,
        url,
        {"m-organisation": foreign.pk, "m-role": "commission_member"},
        "Rattachement non ajouté : Sélectionnez un choix valide.",
    )
    post_refused(
        client,
        url,
        {"m-organisation": "n'importe quoi", "m-role": "commission_member"},
        "Rattachement non ajouté",
    )
    post_refused(
        client,
        url,
        {"m-organisation": actors["secretariat"].organisation.pk, "m-role": "association_worker"},
        "Ce rôle est réservé aux membres d'une association.",
    )
    post_refused(
        client, url, {"m-organisation": association.pk, "m-role": "empereur"}, "Sélectionnez un choix valide."
    )
    membership = actors["commission_member"].membership
    post_refused(
        client,
        url,
        {"m-organisation": membership.organisation.pk, "m-role": membership.role, "m-active": "on"},
        "Ce compte a déjà ce rôle dans cette organisation.",
    )


def test_choose_membership_refuses_an_invalid_id(actors, association):
    from tests.factories import MembershipFactory

    worker = actors["association_worker"]
    MembershipFactory(user=worker.user, organisation=actors["secretariat"].organisation, role="secretariat")
    client = client_for(worker)
    session = client.session
    session.pop("parcours_membership")
    session.save()
    for bad in ("zzz", str(uuid.uuid4()), str(actors["admin"].membership.public_id)):
        response = client.post(reverse("choose_membership"), {"membership": bad})
        assert response.status_code == 200
        assert response.context["form"].errors["membership"]


# --- Tampered URLs and query strings ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/personnes/abc/",
        "/personnes/123/",
        "/personnes/00000000-0000-0000-0000-00000000000Z/",
        "/parcours/..%2F..%2Fetc%2Fpasswd/",
        "/parcours/1/pieces/2/",
        "/parcours/titres-de-sejour/%00/",
        "/admin/utilisateurs/1/",
        "/admin/rattachements/abc/bascule/",
        "/alertes/abc/traitee/",
        "/personnes/consentements/1/retrait/",
        "/page-inexistante/",
    ],
)
def test_non_uuid_ids_in_urls_answer_404(path, clients):
    for role in ("secretariat", "association_worker", "admin"):
        response = clients[role].get(path)
        assert response.status_code == 404, (path, role)
        response = clients[role].post(path, {})
        assert response.status_code == 404, (path, role)


LIST_PAGES = [
    ("people:list", "association_worker"),
    ("people:list", "secretariat"),
    ("people:list", "partner_advisor"),
    ("pathways:list", "secretariat"),
    ("pathways:list", "signatory"),
    ("pathways:permits", "immigration"),
    ("core:organisations", "admin"),
    ("core:users", "admin"),
    ("core:audit", "secretariat"),
    ("home", "secretariat"),
]
BAD_QUERIES = [
    {"page": "abc"},
    {"page": "-1"},
    {"page": "0"},
    {"page": "99999999999999999999999"},
    {"page": "1.5"},
    {"tri": "xyz"},
    {"tri": "-"},
    {"tri": "--code"},
    {"tri": "password"},
    {"tri": "-person__last_name"},
    {"etat": "inconnu"},
    {"demande": "x"},
    {"type": "x"},
    {"action": "x"},
    {"objet": "x" * 300},
    {"q": "%' OR 1=1 --"},
    {"nom": "x" * 500},
    {"naissance": "1990-02-31"},
    {"nom": "\x00"},
    {"etat": "\x00"},
    {"type": "\x00"},
    {"action": "\x00"},
    {"objet": "\x00"},
    {"q": "\x00"},
    {"demande": "\x00"},
    {"tri": "\x00"},
    {"page": "\x00"},
]


@pytest.mark.parametrize(("name", "role"), LIST_PAGES)
def test_list_pages_survive_garbage_query_strings(name, role, clients, w):
    assert w.active_pathway  # something to list
    client = clients[role]
    for query in BAD_QUERIES:
        response = client.get(reverse(name), query)
        assert response.status_code in OK_STATUSES - {404}, (name, query, response.status_code)


def test_status_codes_are_never_500_for_garbage_posts(clients, w):
    """Every POST endpoint, with a body of junk fields, for the role allowed to use it."""
    targets = [
        ("association_worker", reverse("people:note_add", args=[w.person.public_id])),
        ("association_worker", reverse("people:alias_add", args=[w.person.public_id])),
        ("association_worker", reverse("people:consent_add", args=[w.person.public_id])),
        ("association_worker", reverse("people:share_add", args=[w.person.public_id])),
        ("association_worker", reverse("people:consent_withdraw", args=[w.consent_to_withdraw.public_id])),
        ("association_worker", reverse("pathways:objective_add", args=[w.draft_pathway.public_id])),
        ("association_worker", reverse("pathways:document_add", args=[w.draft_pathway.public_id])),
        ("association_worker", reverse("pathways:request_edit", args=[w.draft_pathway.public_id])),
        ("secretariat", reverse("pathways:return_incomplete", args=[w.submitted_pathway.public_id])),
        ("secretariat", reverse("pathways:opinion", args=[w.submitted_pathway.public_id])),
        ("signatory", reverse("pathways:decision", args=[w.active_pathway.public_id])),
        ("secretariat", reverse("pathways:end", args=[w.active_pathway.public_id])),
        ("secretariat", reverse("pathways:afis_grant", args=[w.active_pathway.public_id])),
        ("secretariat", reverse("pathways:afis_stop", args=[w.active_pathway.public_id])),
        ("secretariat", reverse("pathways:step_add", args=[w.active_pathway.public_id])),
        ("secretariat", reverse("pathways:permit_edit", args=[w.active_pathway.residence_permit.public_id])),
        ("admin", reverse("core:organisation_create")),
        ("admin", reverse("core:user_create")),
        ("admin", reverse("core:membership_add", args=[w.worker.user.public_id])),
        ("association_worker", reverse("people:create")),
        ("association_worker", reverse("people:edit", args=[w.person.public_id])),
        ("secretariat", reverse("people:list")),
    ]
    junk = {
        "nom": "\x00" + "x" * 500,
        "naissance": "1990-02-31",
        "day": "\x00",
        "date": "0000-00-00",
        "kind": ["a", "b"],
        "name": "\x00" * 3,
        "missing": "x",
        "reason": "y" * 5000,
        "file": "pas un fichier",
        "partner": "'; DROP TABLE core_user; --",
        "m-organisation": "\x00",
        "status": "{}",
        "birth_date": "99999-01-01",
        "children": "1e309",
        "opinion": "\x00",
        "decision": "\x00",
        "given_on": "\x00",
        "withdrawn_on": "2026-02-30",
    }
    for role, url in targets:
        before = db_snapshot()
        response = clients[role].post(url, junk)
        assert response.status_code in OK_STATUSES, (url, response.status_code)
        assert_unchanged(before)


def test_editing_an_objective_of_a_request_no_longer_open_says_so(clients, w):
    """Found by the fuzzer (bench/fuzz.py): the edit form of an objective, posted once its request was
    decided, answered 500; it now says why in French and changes nothing."""
    pathway = w.active_pathway
    objective = pathway.requests.get().objectives.first()
    url = reverse("pathways:objective_edit", args=[pathway.public_id, objective.public_id])
    post_refused(
        clients["association_worker"],
        url,
        {"domain": "health", "objective": "Nouvel objectif", "actions": "", "target_date": ""},
        "Aucune demande n'est en cours pour ce parcours.",
    )
