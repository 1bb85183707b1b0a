"""The PSP workflow through its HTTP endpoints, role by role, checking what each user sees; the pathway
list filters; the "À traiter" board of each role; query budgets of the list and detail pages."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from parcours.pathways import rules
from parcours.pathways import services as psp
from parcours.pathways.models import (
    DocumentKind,
    Pathway,
    PathwayState,
    Period,
    Request,
    RequestKind,
    RequestState,
    ResidencePermit,
)
from parcours.people.models import Person
from tests.conftest import client_for, complete_request, drive_to_decision, pdf_upload
from tests.factories import PersonFactory, make_actor

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def board(client) -> dict[str, list[str]]:
    """The board's sections as {key: [who — label]} (each case once: a person's other items are folded)."""
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return {
        section.key: [f"{item.who} — {item.label}" if item.who else item.label for item in section.items]
        for section in response.context["sections"]
    }


def on_board(client, key: str, person: Person) -> bool:
    return any(person.pseudonym in label for label in board(client).get(key, []))


# --- The whole workflow, over HTTP -----------------------------------------------------------------------


def test_pathway_workflow_over_http(clients, person):
    asso, sec, sig, imm = (
        clients[r] for r in ("association_worker", "secretariat", "signatory", "immigration")
    )
    today = timezone.localdate()

    # The association starts the request from the person's page.
    response = asso.post(reverse("pathways:start", args=[person.public_id]), follow=True)
    pathway = Pathway.objects.get(person=person)
    detail = reverse("pathways:detail", args=[pathway.public_id])
    assert response.redirect_chain[-1][0] == detail
    page = text(response)
    assert "Demande de parcours de sortie commencée" in page
    assert "En préparation" in page
    assert "Avant de transmettre, il manque" in page
    assert "Pièce manquante : Copie d'une pièce d'identité" in page

    # Sending an incomplete request is refused, with the list of what is missing.
    response = asso.post(reverse("pathways:submit", args=[pathway.public_id]), follow=True)
    assert "Le projet d'accompagnement ne contient aucun objectif." in text(response)
    assert pathway.requests.get().state == RequestState.DRAFT

    # Edit the request: a draft may be saved half-filled (nothing is marked optional, all is needed to send).
    edit_url = reverse("pathways:request_edit", args=[pathway.public_id])
    form_page = text(asso.get(edit_url))
    assert "Toutes les rubriques sont nécessaires pour la transmettre" in form_page
    assert "(Optionnel)" not in form_page
    response = asso.post(edit_url, {"association_opinion": "Premier jet."}, follow=True)
    assert "Demande enregistrée." in text(response)
    assert pathway.requests.get().association_opinion == "Premier jet."
    response = asso.post(
        edit_url,
        {
            "rights_requested": ["afis", "residence_permit", "housing"],
            "association_opinion": "Projet construit avec la personne.",
            "person_commitment": "on",
            "commitment_date": today.isoformat(),
            "prostitution_stopped": "on",
        },
        follow=True,
    )
    assert "Demande enregistrée." in text(response)
    assert "Projet construit avec la personne." in text(response)

    # Add an objective and the supporting documents.
    response = asso.post(
        reverse("pathways:objective_add", args=[pathway.public_id]),
        {
            "domain": "housing",
            "objective": "Accéder à un logement stable",
            "actions": "Dossier SIAO",
            "target_date": "",
        },
        follow=True,
    )
    assert "Objectif ajouté au projet d'accompagnement." in text(response)
    assert "Accéder à un logement stable" in text(response)
    for kind in psp.REQUIRED_DOCUMENTS_INITIAL:
        response = asso.post(
            reverse("pathways:document_add", args=[pathway.public_id]),
            {"kind": kind, "file": pdf_upload()},
            follow=True,
        )
        assert "Pièce ajoutée." in text(response)
    assert "Copie de l'agrément de l'association" in text(response)

    # Without the person's consent to the request, sending is refused.
    response = asso.post(reverse("pathways:submit", args=[pathway.public_id]), follow=True)
    assert "Le consentement de la personne à la demande de parcours de sortie n'est pas recueilli" in text(
        response
    )
    response = asso.post(
        reverse("people:consent_add", args=[person.public_id]),
        {"purpose": "psp_request", "given_on": today.isoformat()},
        follow=True,
    )
    assert "Consentement enregistré." in text(response)

    # Send it.
    response = asso.post(reverse("pathways:submit", args=[pathway.public_id]), follow=True)
    assert "Demande transmise au secrétariat de la commission." in text(response)
    assert "Transmise, à vérifier" in text(response)
    assert "Compléter la demande" not in text(response)  # no longer editable
    assert on_board(sec, "to_check", person)

    # The secretariat returns it as incomplete; the association sees what is missing.
    response = sec.post(
        reverse("pathways:return_incomplete", args=[pathway.public_id]),
        {
            "missing": [DocumentKind.IDENTITY.label],
            "other": "Justificatif de domicile",
            "comment": "Copie illisible",
        },
        follow=True,
    )
    assert "Demande renvoyée à l'association avec la liste des éléments manquants." in text(response)
    page = text(asso.get(detail))
    assert "Le secrétariat a renvoyé la demande : éléments manquants" in page
    assert DocumentKind.IDENTITY.label in page
    assert "Justificatif de domicile" in page
    assert "Copie illisible" in page
    assert on_board(asso, "incomplete", person)
    assert not on_board(sec, "to_check", person)

    # The association completes and sends it again.
    response = asso.post(
        reverse("pathways:document_add", args=[pathway.public_id]),
        {"kind": "identity", "file": pdf_upload("identite-lisible.pdf")},
        follow=True,
    )
    assert "Pièce ajoutée." in text(response)
    response = asso.post(reverse("pathways:submit", args=[pathway.public_id]), follow=True)
    assert "Demande transmise au secrétariat de la commission." in text(response)
    history = reverse("pathways:detail_history", args=[pathway.public_id])
    assert "Demande complétée et transmise" in text(asso.get(history))  # on the timeline
    assert not on_board(asso, "incomplete", person)

    # Complete, then the commission's opinion.
    response = sec.post(reverse("pathways:mark_ready", args=[pathway.public_id]), follow=True)
    assert "Demande déclarée complète et prête pour la commission." in text(response)
    assert "Prête pour la commission" in text(response)
    assert on_board(sec, "to_review", person)
    response = sec.post(
        reverse("pathways:opinion", args=[pathway.public_id]),
        {
            "opinion": "favourable",
            "day": today.isoformat(),
            "motive": "Projet solide et engagement réel",
        },
        follow=True,
    )
    assert "Avis de la commission enregistré." in text(response)
    assert "Avis rendu, en attente de décision" in text(response)

    # The signatory sees the decision to take, and takes it: the period is shown.
    assert on_board(sig, "to_decide", person)
    page = text(sig.get(detail))
    start, end = today, rules.period_end(today)
    assert f"du {start:%d/%m/%Y} au {end:%d/%m/%Y}" in page  # the proposed period
    response = sig.post(
        reverse("pathways:decision", args=[pathway.public_id]),
        {
            "decision": "authorised",
            "day": today.isoformat(),
            "reference": "ARR-2026-042",
            "period_start": "",
            "motive": "",
            "divergence_motive": "",
        },
        follow=True,
    )
    page = text(response)
    # Taken outside Parcours, it enters the one register: number, act and letters.
    assert f"Décision enregistrée au registre sous le n° {today.year}-0001" in page
    assert "Autorisé, en cours" in page
    history = text(sec.get(reverse("pathways:detail_history", args=[pathway.public_id])))
    assert f"Période 1 ouverte du {start:%d/%m/%Y} au {end:%d/%m/%Y}" in history
    assert "6 mois autorisés sur 24" in page
    assert not on_board(sig, "to_decide", person)

    request_obj = pathway.requests.get()
    assert request_obj.decision_reference == f"{today.year}-0001"
    assert request_obj.prefect_decision.external_reference == "ARR-2026-042"

    # The immigration service has a residence permit to issue.
    assert on_board(imm, "to_issue", person)
    assert person.last_name.upper() in text(imm.get(reverse("pathways:permits")))  # it needs the identity

    # The association sees the authorised pathway and starts the renewal.
    page = text(asso.get(detail))
    assert "Autorisé, en cours" in page
    response = asso.post(reverse("pathways:renewal", args=[pathway.public_id]), follow=True)
    assert "Demande de renouvellement commencée" in text(response)
    assert "Demande de renouvellement — " in text(response)
    assert pathway.requests.filter(kind=RequestKind.RENEWAL, state=RequestState.DRAFT).exists()

    # The secretariat ends the pathway.
    end = {"reason": "withdrawn", "day": today.isoformat(), "outcome": "", "motive": "Départ de la personne"}
    question = text(sec.post(reverse("pathways:end", args=[pathway.public_id]), end))
    assert "Oui, terminer le parcours" in question and "ne peut pas être défait" in question
    response = sec.post(
        reverse("pathways:end", args=[pathway.public_id]), {**end, "confirmation": "oui"}, follow=True
    )
    page = text(response)
    assert "Fin du parcours enregistrée." in page
    assert f"Parcours terminé le {today:%d/%m/%Y}" in page
    pathway.refresh_from_db()
    assert pathway.state == PathwayState.ENDED
    assert not pathway.requests.open().exists()
    assert "Terminé" in text(asso.get(detail))


def test_decision_page_shows_second_period_after_the_first(clients, actors, active_pathway):
    """Renewal through HTTP: the second period starts the day after the first one ends."""
    asso, sec, sig = (clients[r] for r in ("association_worker", "secretariat", "signatory"))
    first = active_pathway.periods.get()
    asso.post(reverse("pathways:renewal", args=[active_pathway.public_id]))
    complete_request(actors["association_worker"], active_pathway)
    asso.post(reverse("pathways:submit", args=[active_pathway.public_id]))
    sec.post(reverse("pathways:mark_ready", args=[active_pathway.public_id]))
    today = timezone.localdate()
    sec.post(
        reverse("pathways:opinion", args=[active_pathway.public_id]),
        {"opinion": "favourable", "day": today.isoformat(), "motive": "Engagements tenus"},
    )
    response = sig.post(
        reverse("pathways:decision", args=[active_pathway.public_id]),
        {
            "decision": "authorised",
            "day": today.isoformat(),
            "reference": "ARR-2",
            "period_start": "",
            "motive": "",
        },
        follow=True,
    )
    second_start = first.end + timedelta(days=1)
    assert (
        f"Période 2 ouverte du {second_start:%d/%m/%Y} au {rules.period_end(second_start):%d/%m/%Y}"
        in text(sig.get(reverse("pathways:detail_history", args=[active_pathway.public_id])))
    )
    assert "12 mois autorisés sur 24" in text(response)


def test_ended_pathway_cannot_be_renewed(clients, actors, active_pathway):
    psp.end_pathway(
        actor=actors["secretariat"], pathway=active_pathway, reason="withdrawn", day=timezone.localdate()
    )
    response = clients["association_worker"].post(
        reverse("pathways:renewal", args=[active_pathway.public_id]), follow=True
    )
    assert "Seul un parcours autorisé et en cours peut être renouvelé." in text(response)
    assert active_pathway.requests.count() == 1


def test_landing_tab_follows_the_open_request_without_asking_twice(clients, actors, active_pathway):
    """The association's landing tab: no request open, the renewal is offered; once a renewal is started, the
    tab shows it (the open request) and tells why no other can start, from the request it read."""
    client = clients["association_worker"]
    url = reverse("pathways:detail", args=[active_pathway.public_id])
    page = text(client.get(url))
    assert 'data-testid="start-renewal"' in page
    assert 'Demande d\'engagement — <span data-testid="request-state">Autorisée' in html.unescape(page)

    psp.start_renewal(actor=actors["association_worker"], pathway=active_pathway)
    with CaptureQueriesContext(connection) as ctx:
        page = html.unescape(text(client.get(url)))
    assert 'data-testid="start-renewal"' not in page
    assert 'Demande de renouvellement — <span data-testid="request-state">En préparation' in page
    assert "Une demande est déjà en cours pour ce parcours." in page
    request_reads = [q["sql"] for q in ctx.captured_queries if 'FROM "pathways_request"' in q["sql"]]
    assert len(request_reads) == 1, request_reads


def test_history_tab_lists_every_event_with_who_when_and_why(clients, actors, active_pathway):
    """The timeline: every event with its local date and time, its label, the account and the
    organisation that acted, and the motive when there is one (escaped: it is typed by a user)."""
    from parcours.pathways.models import PathwayEvent

    secretariat = actors["secretariat"]
    at = datetime(2026, 1, 31, 23, 30, tzinfo=UTC)  # 1 February, 00:30 in Paris
    PathwayEvent.objects.create(
        pathway=active_pathway,
        at=at,
        name="note",
        label="Événement de test",
        user=secretariat.user,
        role=secretariat.role,
        organisation=secretariat.organisation,
        motive="<b>pas de nouvelles</b>",
    )
    url = reverse("pathways:detail_history", args=[active_pathway.public_id])
    page = clients["secretariat"].get(url).content.decode()  # as sent: the motive escaped
    expected = (
        '<li><p class="fr-mb-0"><strong>01/02/2026 00:30</strong> — Événement de test</p>\n'
        f'<p class="fr-text--sm fr-mb-0">par {html.escape(str(secretariat.user))} '
        f"({html.escape(str(secretariat.organisation))}) — motif : "
        "&lt;b&gt;pas de nouvelles&lt;/b&gt;</p></li>"
    )
    assert expected in page
    items = page.split('data-testid="timeline"')[1].split("</ol>")[0].count("<li>")
    assert items == active_pathway.events.count()


def test_file_leaves_the_contact_details_encrypted(clients, active_pathway):
    """The file names the person and her birth date; her contact details and notes are neither read nor
    decrypted for it (they are on the person's own page)."""
    with CaptureQueriesContext(connection) as ctx:
        response = clients["secretariat"].get(reverse("pathways:detail", args=[active_pathway.public_id]))
    assert active_pathway.person.last_name.upper() in text(response)
    person_reads = [q["sql"] for q in ctx.captured_queries if '"people_person"' in q["sql"]]
    assert person_reads and all('"people_person"."phone"' not in sql for sql in person_reads)
    assert all('"people_person"."situation_notes"' not in sql for sql in person_reads)


def test_document_download_is_audited_and_not_cached(clients, active_pathway):
    document = active_pathway.requests.get().documents.first()
    response = clients["secretariat"].get(
        reverse("pathways:document_download", args=[active_pathway.public_id, document.public_id])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert "attachment" in response["Content-Disposition"]
    assert active_pathway.person.pseudonym in response["Content-Disposition"]
    assert active_pathway.person.last_name not in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_immigration_updates_the_permit(clients, active_pathway):
    permit = active_pathway.residence_permit
    today = timezone.localdate()
    response = clients["immigration"].post(
        reverse("pathways:permit_edit", args=[permit.public_id]),
        {
            "status": "issued",
            "requested_on": permit.requested_on.isoformat(),
            "issued_on": today.isoformat(),
            "expires_on": (today + timedelta(days=180)).isoformat(),
            "renewed_on": "",
            "reference": "APS-123",
        },
        follow=True,
    )
    assert "Titre de séjour mis à jour." in text(response)
    permit.refresh_from_db()
    assert permit.status == ResidencePermit.Status.ISSUED
    assert permit.reference == "APS-123"


# --- Pathway list: filters, sorting, paging ---------------------------------------------------------------


def pathway_codes(response) -> list[str]:
    import re

    return re.findall(r">(\d{2,3}-[A-Z0-9]{6})</a>", response.content.decode())


def test_pathway_list_filters_by_state(clients, actors, association, active_pathway):
    worker = actors["association_worker"]
    draft = psp.start_pathway(
        actor=worker, person=PersonFactory(organisation=association, created_by=worker.user)
    )
    url = reverse("pathways:list")
    client = clients["secretariat"]
    assert set(pathway_codes(client.get(url))) == {active_pathway.person.pseudonym, draft.person.pseudonym}
    assert pathway_codes(client.get(url, {"etat": "active"})) == [active_pathway.person.pseudonym]
    assert pathway_codes(client.get(url, {"etat": "in_instruction"})) == [draft.person.pseudonym]
    assert pathway_codes(client.get(url, {"demande": "draft"})) == [draft.person.pseudonym]
    # Unknown filter values are ignored.
    unknown = client.get(
        url, {"etat": "n'importe quoi", "demande": "'; DROP TABLE", "tri": "xyz", "page": "abc"}
    )
    assert unknown.status_code == 200
    assert len(pathway_codes(unknown)) == 2


def test_signatory_lists_only_dossiers_with_a_decision_to_take_or_taken(
    clients, actors, association, active_pathway
):
    worker = actors["association_worker"]
    psp.start_pathway(actor=worker, person=PersonFactory(organisation=association, created_by=worker.user))
    assert pathway_codes(clients["signatory"].get(reverse("pathways:list"))) == [
        active_pathway.person.pseudonym
    ]


def test_association_lists_only_its_own_pathways(clients, actors, other_association, active_pathway):
    other = make_actor("association_worker", other_association)
    psp.start_pathway(
        actor=other, person=PersonFactory(organisation=other_association, created_by=other.user)
    )
    assert pathway_codes(clients["association_worker"].get(reverse("pathways:list"))) == [
        active_pathway.person.pseudonym
    ]
    assert len(pathway_codes(clients["secretariat"].get(reverse("pathways:list")))) == 2


def test_pathway_list_shows_each_rows_last_period(clients, active_pathway):
    """The « Période en cours » column and the state read the pathway's last period (by number), whichever
    order the periods were written in."""
    from tests.factories import RequestFactory

    first = active_pathway.periods.get()
    yesterday = timezone.localdate() - timedelta(days=1)
    second = Period.objects.create(
        pathway=active_pathway,
        request=RequestFactory(pathway=active_pathway, kind="renewal", decided=True),
        number=2,
        start=first.end + timedelta(days=1),
        end=first.end + timedelta(days=183),
    )
    first.start, first.end = yesterday - timedelta(days=400), yesterday - timedelta(days=220)
    first.save()
    listing = html.unescape(text(clients["secretariat"].get(reverse("pathways:list"))))
    assert f"2 : {second.start:%d/%m/%Y} – {second.end:%d/%m/%Y}" in listing
    assert "Autorisé, en cours" in listing and "période échue" not in listing

    second.start, second.end = yesterday - timedelta(days=200), yesterday
    second.save()
    listing = html.unescape(text(clients["secretariat"].get(reverse("pathways:list"))))
    assert f"Autorisé, période échue le {yesterday:%d/%m/%Y}" in listing
    assert f"2 : {second.start:%d/%m/%Y} – {yesterday:%d/%m/%Y}" in listing


def make_pathways(association, actors, n: int) -> None:
    worker = actors["association_worker"]
    for _ in range(n):
        psp.start_pathway(
            actor=worker, person=PersonFactory(organisation=association, created_by=worker.user)
        )


def test_pathway_list_paginates_and_sorts(clients, actors, association):
    make_pathways(association, actors, 27)
    client = clients["secretariat"]
    url = reverse("pathways:list")
    assert len(pathway_codes(client.get(url))) == 25
    assert len(pathway_codes(client.get(url, {"page": 2}))) == 2
    assert pathway_codes(client.get(url, {"page": 999})) == pathway_codes(client.get(url, {"page": 2}))
    everyone = sorted(Person.objects.values_list("pseudonym", flat=True))
    assert pathway_codes(client.get(url, {"tri": "code"})) == everyone[:25]
    assert pathway_codes(client.get(url, {"tri": "-code"})) == everyone[::-1][:25]


# --- The "À traiter" board ----------------------------------------------------------------------------------


@pytest.fixture
def board_world(actors, association):
    """One dossier per situation the board must show."""
    worker, today = actors["association_worker"], timezone.localdate()

    def new_person(**kwargs):
        return PersonFactory(organisation=association, created_by=worker.user, **kwargs)

    world = {}
    world["submitted"] = psp.start_pathway(actor=worker, person=new_person())
    request = complete_request(worker, world["submitted"])
    psp.submit_request(actor=worker, request=request)

    world["incomplete"] = psp.start_pathway(actor=worker, person=new_person())
    request = complete_request(worker, world["incomplete"])
    psp.submit_request(actor=worker, request=request)
    psp.return_incomplete(actor=actors["secretariat"], request=request, missing=["Pièce d'identité"])

    world["reviewed"] = psp.start_pathway(actor=worker, person=new_person())
    request = complete_request(worker, world["reviewed"])
    psp.submit_request(actor=worker, request=request)
    psp.mark_ready(actor=actors["secretariat"], request=request)
    psp.record_opinion(
        actor=actors["secretariat"], request=request, opinion="favourable", day=today, motive="Oui"
    )

    # Authorised 150 days ago: the period ends in about a month, no renewal started.
    world["ending"] = psp.start_pathway(actor=worker, person=new_person())
    drive_to_decision(actors, world["ending"], day=today - timedelta(days=150))
    # Same, but the renewal is under way: not on the board.
    world["renewing"] = psp.start_pathway(actor=worker, person=new_person())
    drive_to_decision(actors, world["renewing"], day=today - timedelta(days=150))
    psp.start_renewal(actor=worker, pathway=world["renewing"])
    # Authorised 10 days ago, decision without reference; residence permit requested (to issue).
    world["no_reference"] = psp.start_pathway(actor=worker, person=new_person())
    request = drive_to_decision(actors, world["no_reference"], day=today - timedelta(days=10))
    Request.objects.filter(pk=request.pk).update(decision_reference="")
    # Authorised, permit issued and expiring in 20 days.
    world["permit_expiring"] = psp.start_pathway(actor=worker, person=new_person())
    drive_to_decision(actors, world["permit_expiring"], day=today - timedelta(days=10))
    ResidencePermit.objects.filter(pathway=world["permit_expiring"]).update(
        status="issued", issued_on=today - timedelta(days=160), expires_on=today + timedelta(days=20)
    )
    # Authorised, permit issued long ago and valid for a year: not on any board.
    world["permit_valid"] = psp.start_pathway(actor=worker, person=new_person())
    drive_to_decision(actors, world["permit_valid"], day=today - timedelta(days=10))
    ResidencePermit.objects.filter(pathway=world["permit_valid"]).update(
        status="issued", issued_on=today - timedelta(days=5), expires_on=today + timedelta(days=365)
    )
    return {key: pathway.person for key, pathway in world.items()}


def sections_with(sections: dict[str, list[str]], person: Person) -> set[str]:
    return {key for key, labels in sections.items() if any(person.pseudonym in label for label in labels)}


def test_board_of_the_secretariat(clients, board_world):
    sections = board(clients["secretariat"])
    w = board_world
    assert sections_with(sections, w["submitted"]) == {"to_check"}
    assert sections_with(sections, w["incomplete"]) == {"incomplete"}
    assert sections_with(sections, w["reviewed"]) == {"to_decide"}
    assert sections_with(sections, w["ending"]) == {"periods_ending"}
    assert sections_with(sections, w["renewing"]) == set()  # renewal in preparation: nothing to do yet
    assert sections_with(sections, w["no_reference"]) == set()  # in the register: nothing left to do
    assert sections_with(sections, w["permit_expiring"]) == {"permits"}
    assert sections_with(sections, w["permit_valid"]) == set()
    page = text(clients["secretariat"].get(reverse("home")))
    assert "Périodes se terminant dans les 60 jours sans demande de renouvellement" in page
    # Every date says what it is.
    expires = (timezone.localdate() + timedelta(days=20)).strftime("%d/%m/%Y")
    permit_label = (
        f'<span data-testid="board-who">{w["permit_expiring"].pseudonym}</span> — '
        "Autorisation provisoire de séjour à renouveler"
    )
    assert f"{permit_label}</a> — expire le {expires}" in page
    ends = Pathway.objects.get(person=w["ending"]).periods.get().end
    assert f"— fin le {ends:%d/%m/%Y}" in page
    assert f"— transmise le {timezone.localdate():%d/%m/%Y}" in page


def test_board_of_the_association(clients, board_world):
    sections = board(clients["association_worker"])
    w = board_world
    assert sections_with(sections, w["incomplete"]) == {"incomplete"}
    assert sections_with(sections, w["submitted"]) == set()
    assert sections_with(sections, w["ending"]) == {"periods_ending"}
    assert sections_with(sections, w["renewing"]) == {"drafts"}  # the renewal in preparation
    assert "Demandes incomplètes à compléter" in text(clients["association_worker"].get(reverse("home")))


def test_board_of_another_association_is_empty(other_association, board_world):
    client = client_for(make_actor("association_worker", other_association))
    sections = board(client)
    assert all(not labels for labels in sections.values())
    assert "Rien à traiter pour le moment." in text(client.get(reverse("home")))


def test_board_of_the_signatory(clients, board_world):
    sections = board(clients["signatory"])
    w = board_world
    assert sections_with(sections, w["reviewed"]) == {"to_decide"}
    assert sections_with(sections, w["no_reference"]) == set()
    for key in ("submitted", "incomplete", "ending", "permit_expiring"):
        assert sections_with(sections, w[key]) == set(), key


def test_board_of_the_immigration_service(clients, board_world):
    sections = board(clients["immigration"])
    w = board_world
    assert sections_with(sections, w["no_reference"]) == {"to_issue"}
    assert sections_with(sections, w["ending"]) == {"to_issue"}
    assert sections_with(sections, w["permit_expiring"]) == {"permits"}
    for key in ("submitted", "incomplete", "reviewed", "permit_valid"):
        assert sections_with(sections, w[key]) == set(), key
    # Links lead to the permit form, which the immigration service may open.
    permit_url = next(
        item.url
        for section in clients["immigration"].get(reverse("home")).context["sections"]
        if section.key == "to_issue"
        for item in section.items
    )
    assert clients["immigration"].get(permit_url).status_code == 200


@pytest.mark.parametrize("role", ["commission_member", "partner_advisor", "admin"])
def test_board_of_roles_without_deadlines(role, clients, board_world):
    # The national analyst has no board: « / » sends it to its statistics page (tests/views/test_frame.py).
    sections = board(clients[role])
    for person in board_world.values():
        assert sections_with(sections, person) == set()


def test_secretariat_acknowledges_an_alert(clients, actors, association):
    sensitive = PersonFactory(
        organisation=association, created_by=actors["association_worker"].user, sensitive=True
    )
    clients["association_worker"].get(reverse("people:detail", args=[sensitive.public_id]))
    sections = board(clients["secretariat"])
    assert any(sensitive.pseudonym in label for label in sections["alerts"])
    alert_url = clients["secretariat"].get(reverse("home")).context["sections"][0].items[0].url
    response = clients["secretariat"].post(alert_url, follow=True)
    assert "Alerte marquée comme traitée." in text(response)
    assert board(clients["secretariat"])["alerts"] == []


def test_the_timeline_prints_each_event_escaped_with_who_and_why(clients, actors, active_pathway):
    from parcours.pathways.models import PathwayEvent

    worker = actors["association_worker"]
    worker.user.first_name, worker.user.last_name = "Zoé", "<Test> & co"
    worker.user.save()
    PathwayEvent.objects.create(
        pathway=active_pathway,
        at=datetime(2026, 3, 4, 9, 5, tzinfo=UTC),
        name="note",
        label="Étape <b>franchie</b>",
        user=worker.user,
        role="association_worker",
        organisation=worker.organisation,
        motive="Raison « <script>alert(1)</script> »",
    )
    unnamed = actors["secretariat"].user
    unnamed.first_name = unnamed.last_name = ""
    unnamed.save()
    PathwayEvent.objects.create(
        pathway=active_pathway,
        at=datetime(2026, 3, 5, 23, 30, tzinfo=UTC),
        name="note",
        label="Sans motif",
        user=unnamed,
        role="secretariat",
        organisation=actors["secretariat"].organisation,
    )
    page = clients["secretariat"].get(reverse("pathways:detail_history", args=[active_pathway.public_id]))
    body = page.content.decode()
    local = timezone.localtime(datetime(2026, 3, 4, 9, 5, tzinfo=UTC))
    assert (
        f'<li><p class="fr-mb-0"><strong>{local:%d/%m/%Y %H:%M}</strong> — '
        "Étape &lt;b&gt;franchie&lt;/b&gt;</p>\n"
        '<p class="fr-text--sm fr-mb-0">par Zoé &lt;Test&gt; &amp; co '
        f"({html.escape(worker.organisation.name)}) — motif : "
        "Raison « &lt;script&gt;alert(1)&lt;/script&gt; »</p></li>"
    ) in body
    assert (
        f"par {html.escape(unnamed.username)} ({html.escape(actors['secretariat'].organisation.name)})</p>"
        in body
    )
    assert "<script>alert(1)" not in body


# --- Query budgets ----------------------------------------------------------------------------------------

PATHWAY_LIST_BUDGET = 13
# The renewal blocker and the permit read the page's requests and periods; the unfavourable decisions once.
PATHWAY_DETAIL_BUDGET = 28


@pytest.mark.parametrize("role", ["association_worker", "secretariat"])
def test_pathway_list_query_count_does_not_grow_with_rows(
    role, actors, association, django_assert_max_num_queries
):
    client = client_for(actors[role])
    url = reverse("pathways:list")
    counts = []
    for total in (5, 25):
        make_pathways(association, actors, total - Pathway.objects.count())
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert len(pathway_codes(response)) == total
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], f"requêtes : {counts[0]} pour 5 lignes, {counts[1]} pour 25"
    with django_assert_max_num_queries(PATHWAY_LIST_BUDGET):
        client.get(url)


def test_pathway_detail_query_budget(clients, actors, active_pathway, django_assert_max_num_queries):
    """A dossier with history (renewal in preparation, documents, rights): a bounded number of queries."""
    psp.start_renewal(actor=actors["association_worker"], pathway=active_pathway)
    complete_request(actors["association_worker"], active_pathway)
    for role in ("association_worker", "secretariat", "signatory"):
        client = clients[role]
        client.get(reverse("home"))
        with django_assert_max_num_queries(PATHWAY_DETAIL_BUDGET):
            response = client.get(reverse("pathways:detail", args=[active_pathway.public_id]))
        assert response.status_code == 200, role


@pytest.mark.parametrize("tab", ["pathways:detail_rights", "pathways:detail_history"])
def test_rights_and_history_tabs_read_no_request(tab, clients, actors, active_pathway):
    """They show nothing of a request: neither the association's (whose renewal button is on the request's
    tab) nor the secretariat's page reads one."""
    psp.start_renewal(actor=actors["association_worker"], pathway=active_pathway)
    for role in ("association_worker", "secretariat"):
        with CaptureQueriesContext(connection) as ctx:
            response = clients[role].get(reverse(tab, args=[active_pathway.public_id]))
        assert response.status_code == 200, role
        read = [q["sql"] for q in ctx.captured_queries if '"pathways_request"' in q["sql"]]
        assert read == [], (role, read)


# What most files have none of, asked once (sql_shapes.related_exist) before being read.
RARE_ON_THE_DECISIONS_TAB = (
    "pathways_transfer",
    "pathways_endreport",
    "commission_prefectdecision",
    "appeals_procedure",
    "pathways_afis",
)


def test_the_decisions_tab_of_a_plain_file_reads_none_of_what_it_has_not(clients, active_pathway):
    with CaptureQueriesContext(connection) as ctx:
        page = clients["secretariat"].get(
            reverse("pathways:detail_decisions", args=[active_pathway.public_id])
        )
    text = page.content.decode()
    assert 'data-testid="appeals-block"' in text and 'data-testid="start-end-procedure"' in text
    assert 'data-testid="pathway-procedures"' not in text and 'data-testid="transfer-state"' not in text
    reads = [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith("SELECT EXISTS")]
    assert [t for t in RARE_ON_THE_DECISIONS_TAB for sql in reads if f'FROM "{t}"' in sql] == []
    assert len(reads) < len(ctx.captured_queries)  # asked once whether there are any


def test_the_decisions_tab_reads_none_of_the_requests_encrypted_texts(clients, active_pathway):
    """Its table shows a request's kind, state, opinion and decision: the association's opinion, the actions,
    the secretariat's comment and the motive (encrypted) are neither read nor decrypted for it."""
    from parcours.pathways.views import REQUEST_TEXTS

    assert set(REQUEST_TEXTS) >= {
        "association_opinion",
        "actions_carried_out",
        "check_comment",
        "opinion_motive",
    }
    with CaptureQueriesContext(connection) as ctx:
        page = clients["secretariat"].get(
            reverse("pathways:detail_decisions", args=[active_pathway.public_id])
        )
    assert 'data-testid="register-number"' in page.content.decode()
    reads = [q["sql"] for q in ctx.captured_queries if 'FROM "pathways_request"' in q["sql"]]
    assert len(reads) == 1
    assert [name for name in REQUEST_TEXTS if f'"pathways_request"."{name}"' in reads[0]] == []


def test_the_decisions_tab_shows_a_procedure_once_there_is_one(actors, clients, active_pathway):
    from parcours.appeals import services as appeals

    url = reverse("pathways:detail_decisions", args=[active_pathway.public_id])
    assert 'data-testid="pathway-procedures"' not in clients["secretariat"].get(url).content.decode()
    appeals.start_procedure(
        actor=actors["secretariat"], pathway=active_pathway, kind="end", grounds="Absences répétées"
    )
    page = html.unescape(clients["secretariat"].get(url).content.decode())
    assert 'data-testid="pathway-procedures"' in page and "procédure contradictoire" in page


def test_the_rights_tab_follows_the_afis_children_and_suspensions(actors, clients, active_pathway):
    from parcours.pathways.models import Afis

    secretariat = actors["secretariat"]
    afis = Afis.objects.get(pathway=active_pathway)
    start = active_pathway.periods.get().start
    psp.grant_afis(
        actor=secretariat, afis=afis, granted_on=start, start=start, paying_body="MSA", dependent_children=0
    )
    url = reverse("pathways:detail_rights", args=[active_pathway.public_id])

    def month_line() -> str:
        page = html.unescape(clients["secretariat"].get(url).content.decode())
        return page.split('data-testid="afis-amount-now">', 1)[1].split("</p>", 1)[0]

    month = timezone.localdate().replace(day=1)
    alone = month_line()
    psp.change_afis_children(actor=secretariat, afis=afis, month=month, dependent_children=2)
    with_children = month_line()
    assert alone != with_children
    amount = str(psp.afis_month(afis, month).amount).replace(".", ",")
    assert with_children == f"Montant dû ce mois-ci : {amount} €"
    psp.suspend_afis(actor=secretariat, afis=afis, month=month, motive="Absence de nouvelles")
    assert month_line() == "Montant dû ce mois-ci : suspendue"


def test_permit_list_query_count_does_not_grow_with_rows(clients, actors, association):
    worker = actors["association_worker"]
    counts = []
    for total in (2, 6):
        while ResidencePermit.objects.count() < total:
            pathway = psp.start_pathway(
                actor=worker, person=PersonFactory(organisation=association, created_by=worker.user)
            )
            drive_to_decision(actors, pathway, day=timezone.localdate() - timedelta(days=3))
        clients["immigration"].get(reverse("pathways:permits"))
        with CaptureQueriesContext(connection) as ctx:
            clients["immigration"].get(reverse("pathways:permits"))
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_start_refused_when_a_pathway_is_open(clients, active_pathway):
    response = clients["association_worker"].post(
        reverse("pathways:start", args=[active_pathway.person.public_id]), follow=True
    )
    assert "Cette personne a déjà un parcours de sortie en cours ou en demande." in text(response)
    assert Pathway.objects.count() == 1


def test_pathway_detail_reads_each_requests_decision_with_the_requests(
    clients, actors, active_pathway, django_assert_max_num_queries
):
    """Three more decided requests, each with its decision in the register: the same number of queries (the
    decisions and their letters are read with the requests, not once per row)."""
    from parcours.commission.models import PrefectDecision
    from tests.factories import RequestFactory

    client = clients["secretariat"]
    url = reverse("pathways:detail_decisions", args=[active_pathway.public_id])
    client.get(reverse("home"))

    def queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    def decided(i):
        request = RequestFactory(
            pathway=active_pathway,
            kind="renewal",
            decided=True,
            submitted_on=date(2024, 1 + i, 1),
            decision_reference=f"2024-{100 + i}",
        )
        PrefectDecision.objects.create(
            departement=active_pathway.departement,
            request=request,
            pathway=active_pathway,
            origin=PrefectDecision.Origin.OUTSIDE,
            external_reference=f"Arrêté papier {i}",
            outcome="authorised",
            state="signed",
            year=2024,
            number=100 + i,
            reference=f"2024-{100 + i}",
            signed_on=date(2024, 2 + i, 1),
        )

    decided(0)
    before = queries()
    for i in range(1, 4):
        decided(i)
    page = client.get(url).content.decode()
    assert page.count('data-testid="register-number"') >= 4
    assert queries() == before  # three more decided requests, not one more query
