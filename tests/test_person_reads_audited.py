"""Every URL that renders something of a person is read through the one audited accessor.

The list comes from the authorisation matrix (tests/test_authorization_matrix.py and tests/matrix_rows/*):
every GET row is classified below, as showing a person's data (PERSON_DATA) or not (NOT_PERSON_DATA, with
the reason). A new GET URL that is in neither fails the suite: whoever adds it says whether it shows a
person, and if it does, the test below proves it is audited.

For each person-data URL and each role the matrix lets in (200), one request leaves exactly one audit event
linked to the person (object type `people.person`, the person's opaque id); a list page leaves one per
person shown, each once. Refused attempts (403, 404 out of scope) leave a "refused" event against the
requested id, and a sensitive file read outside the secretariat raises the alert.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from parcours.core.models import Alert, AuditEvent
from parcours.core.roles import Role
from parcours.people.models import Person
from tests.commission import matrix_world as cw
from tests.conftest import client_for
from tests.factories import make_actor
from tests.matrix_rows.base import GET, ROLE_COLUMNS, S
from tests.matrix_rows.people_duplicates import _pair
from tests.test_authorization_matrix import EXPECTED, _cheap_pdf, _fast_static  # noqa: F401 (the matrix's autouse fixtures)
from tests.views.helpers import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(departement, association, other_association, actors):
    return World(departement, association, other_association, actors)


ONE, LIST = "one person", "one event per person shown"

# GET URLs that show something of a person (identity, situation, file, pathway, permit, decision, letter,
# generated document about them, or the pseudonymised summary a commission member reads).
PERSON_DATA = {
    "people:list": LIST,
    "people:detail": ONE,
    "people:edit": ONE,
    "people:duplicates": LIST,
    "people:merge": LIST,
    "pathways:list": LIST,
    "pathways:permits": LIST,
    "pathways:permit_edit": ONE,
    "pathways:detail": ONE,
    "pathways:detail_rights": ONE,
    "pathways:detail_decisions": ONE,
    "pathways:detail_history": ONE,
    "pathways:request_edit": ONE,
    "pathways:document_download": ONE,
    "pathways:afis": ONE,
    "pathways:notice_download": ONE,
    "commission:decision_list": LIST,
    "commission:decision_detail": ONE,
    "commission:decision_pdf": ONE,
    "commission:letter_download": ONE,
    "commission:letter_handover": ONE,
    "commission:portal_item": ONE,
    "documents:draft": ONE,
    "documents:download": ONE,
    # Issue 14: a person's housing route, the attestations of a pathway and one attestation's PDF.
    "housing:person": ONE,
    "attestations:pathway": ONE,
    "attestations:download": ONE,
    # Issue 14: an appeal, the decision it contests, a prior adversarial procedure and its documents.
    "appeals:create": ONE,
    "appeals:detail": ONE,
    "appeals:procedure_start": ONE,
    "appeals:procedure": ONE,
    "appeals:document": ONE,
    # Issue 15 (5b): a person's rights page, her information notice filled for her, the rights register.
    "datarights:person": ONE,
    "datarights:notice": ONE,
    "datarights:register": LIST,
}

# GET URLs that show nothing of a person, and why.
PSEUDONYMS_ONLY = "codes pseudonymes seulement (ce pour quoi ils existent)"
DETECTION_READS = "repérage : lecture journalisée contre le repérage (tests/referrals/test_reads_audited.py)"
NOT_PERSON_DATA = {
    "pathways:transfer": "transfert entrant : "
    + PSEUDONYMS_ONLY
    + ", les associations, la date et le nombre de mois déjà utilisés ; "
    "lecture journalisée contre le transfert",
    "pathways:handover": "formulaire : les associations du département",
    "home": "tableau « À traiter » : "
    + PSEUDONYMS_ONLY
    + " ; l'association y lit les noms de ses propres personnes, journalisés "
    "(tests/views/test_board.py::test_the_association_reads_its_people_names_journaled)",
    "login": "page publique",
    "choose_membership": "rattachements de l'utilisateur",
    "core:organisations": "administration des organisations",
    "core:organisation_create": "administration des organisations",
    "core:organisation_edit": "administration des organisations",
    "core:users": "comptes des agents",
    "core:user_create": "comptes des agents",
    "core:user_detail": "comptes des agents",
    "core:audit": "journal : identifiants opaques, jamais une identité",
    "people:create": "formulaire vide",
    "commission:home": "composition et séances : " + PSEUDONYMS_ONLY,
    "appeals:list": "recours et procédures en cours : " + PSEUDONYMS_ONLY,
    "appeals:withdrawal_start": "retrait d'un agrément : une association, aucune personne",
    "commission:arrete_create": "composition de la commission",
    "commission:arrete_detail": "composition de la commission",
    "commission:meeting_list": "liste des séances",
    "commission:meeting_create": "formulaire de séance",
    "commission:meeting_detail": "ordre du jour : " + PSEUDONYMS_ONLY,
    "commission:end_decision": "fin décidée par le préfet : " + PSEUDONYMS_ONLY,
    "commission:portal": "séances du membre",
    "commission:written_create": "formulaire de consultation écrite",
    "commission:portal_minutes": "liste des procès-verbaux du membre (dates et formations)",
    "commission:portal_minutes_pdf": "procès-verbal figé : "
    + PSEUDONYMS_ONLY
    + " ; chaque téléchargement est journalisé (tests/commission/test_votes_and_quorum.py)",
    "commission:portal_meeting": "ordre du jour du membre : " + PSEUDONYMS_ONLY,
    "commission:portal_situation": "situation d'un mineur en formation de coordination : code du repérage, "
    "tranche d'âge, signes, transmissions, aucune identité ni texte libre du partenaire (un repérage n'est "
    "pas une personne ; lecture journalisée sur la situation, tests/commission/test_coordination_views.py)",
    "approvals:list": "agréments des associations",
    "approvals:association": "agréments des associations ; après un retrait, les parcours à confier : "
    + PSEUDONYMS_ONLY,
    "approvals:own": "agréments des associations",
    "approvals:application": "agréments des associations",
    "approvals:document_download": "pièces d'un dossier d'agrément (association)",
    "documents:templates": "modèles de documents",
    "documents:letterhead": "coordonnées du service et du signataire (agents, pas les personnes suivies)",
    "documents:template_edit": "modèles de documents (aperçu sur des données fictives)",
    "diagnostic:list": "diagnostic : clés et agrégats, jamais un nom",
    "diagnostic:create": "diagnostic : clés et agrégats, jamais un nom",
    "diagnostic:campaign": "diagnostic : clés et agrégats, jamais un nom",
    "diagnostic:edit": "diagnostic : clés et agrégats, jamais un nom",
    "diagnostic:participant": "diagnostic : clés et agrégats, jamais un nom",
    "diagnostic:linkage": "diagnostic : clés et agrégats, jamais un nom",
    "diagnostic:reports": "diagnostic : clés et agrégats, jamais un nom",
    "diagnostic:report": "diagnostic : clés et agrégats, jamais un nom",
    "diagnostic:report_pdf": "diagnostic : clés et agrégats, jamais un nom",
    "diagnostic:respond": "diagnostic : clés et agrégats, jamais un nom",
    "diagnostic:key_list": "diagnostic : clés et agrégats, jamais un nom",
    "outbox:list": "courriels aux membres et structures (objet, destinataire)",
    "core:membership_decision": "habilitation d'un agent à confirmer",
    "core:account_setup": "compte de l'agent : choix du mot de passe",
    "core:password_change": "compte de l'agent : mot de passe",
    "core:password_reset": "compte de l'agent : mot de passe oublié",
    "core:password_reset_sent": "compte de l'agent : mot de passe oublié",
    "core:password_reset_confirm": "compte de l'agent : mot de passe oublié",
    "second_factor": "compte de l'agent : double authentification",
    "second_factor_enrol": "compte de l'agent : double authentification",
    "second_factor_verify": "compte de l'agent : double authentification",
    "proconnect_start": "connexion ProConnect",
    "proconnect_callback": "connexion ProConnect",
    "core:accessibility": "page publique du pied de page",
    "core:legal": "page publique du pied de page",
    "core:privacy": "page publique du pied de page",
    "core:cookies": "page publique du pied de page",
    # Conventions and the departmental strategy: parties (organisations), commitments and figures.
    "conventions:list": "conventions : organisations parties et chiffres agrégés, jamais une personne",
    "conventions:detail": "conventions : organisations parties et chiffres agrégés, jamais une personne",
    "conventions:create": "conventions : formulaire vide",
    "conventions:strategy_list": "stratégie départementale : objectifs, actions, chiffres agrégés",
    "conventions:strategy_detail": "stratégie départementale : objectifs, actions, chiffres agrégés",
    "conventions:strategy_create": "stratégie départementale : formulaire vide",
    "core:national_stats": "statistiques nationales : agrégats sous secret statistique, jamais une personne",
    # National aggregation: only the store of published figures (tests/national/test_no_person.py).
    **{
        name: "statistiques nationales : chiffres publiés sous secret statistique, jamais une personne"
        for name in (
            "national:ranking",
            "national:regions",
            "national:departement",
            "api:indicators",
            "api:release",
            "api:ranking",
            "api:schema",
            "api:docs",
            "api:export",
        )
    },
    # API tokens: holders, first characters, staff accounts (tests/national/test_token_views.py).
    "national:tokens": "jetons d'API : détenteur, début du jeton, comptes des agents ; jamais une personne",
    "national:token_issue": "jetons d'API : formulaire (détenteur, compte d'un analyste national)",
    "diagnostic:invitation": "diagnostic : lien d'invitation (clés et agrégats, jamais un nom)",
    "diagnostic:member_entry": "diagnostic : clés et agrégats, jamais un nom",
    # Issue 12: the network's directory (services and professional contacts) and the dashboards (counts).
    "directory:list": "annuaire : services et contacts professionnels, jamais une personne accompagnée",
    "directory:export": "annuaire : services et contacts professionnels, jamais une personne accompagnée",
    "directory:create": "annuaire : formulaire d'une entrée (un service)",
    "directory:edit": "annuaire : formulaire d'une entrée (un service)",
    "stats:dashboard": "tableau de bord : comptages et délais, jamais un nom ni un pseudonyme",
    "stats:indicator": "page d'un indicateur : comptages et délais, jamais un nom ni un pseudonyme",
    "health": "contrôle de santé : une requête, aucune donnée",
    "stats:catalogue": "définitions des indicateurs",
    "stats:export": "exports d'indicateurs : comptages publiés, jamais une personne",
    "stats:export_status": "avancement d'un export d'indicateurs",
    "stats:export_download": "fichier d'indicateurs : comptages publiés, jamais une personne",
    "stats:annual_report": "rapport annuel : textes et chiffres agrégés sous secret statistique",
    "conventions:edit": "conventions : formulaire de ses informations générales",
    "conventions:axis_edit": "conventions : intitulé d'un axe",
    "conventions:strategy_edit": "stratégie départementale : formulaire de ses informations générales",
    # Maraudes, prévention, formations, stages: counts only (docs/actions.md).
    **{
        name: "actions du réseau : des nombres, jamais une personne"
        for name, row in EXPECTED.items()
        if name.startswith("actions:") and row.method == GET
    },
    # Detections are not people's files: their optional identity is journaled against the detection
    # (tests/referrals/test_reads_audited.py checks each of these pages).
    "referrals:list": DETECTION_READS,
    "referrals:detail": DETECTION_READS,
    "referrals:update": DETECTION_READS,
    "referrals:referral": DETECTION_READS,
    "referrals:accompaniment": DETECTION_READS,
    "referrals:create": "formulaire vide",
    "referrals:associations": "associations agréées",
    "referrals:indicators": "liste des signes d'alerte",
    "referrals:received": "orientations reçues : codes des repérages, tranche d'âge, dates",
    "people:translations": "documents traduits : textes généraux et formulaires vierges, aucune personne",
    "people:translation": "document traduit : texte général ou formulaire vierge, aucune personne",
}


def _populate(w):
    """A list page needs people to show: a person, one shared with the partner, an authorised pathway
    (with its residence permit) and a drafted decision."""
    w.person, w.share, w.active_pathway  # noqa: B018 (built on first access)
    cw.drafted_decision(w)
    return {}, None


# The matrix's row for generated documents uses a plain letter (about no one): here, a decision.
BUILD = {
    **{name: _populate for name, kind in PERSON_DATA.items() if kind == LIST},
    # The duplicates page lists probable duplicates, the merge page shows the two records.
    "people:duplicates": lambda w: (_pair(w), ({}, None))[1],
    "people:merge": _pair,
    "documents:draft": lambda w: ({"pk": cw.drafted_decision(w).document.public_id}, None),
    "documents:download": lambda w: ({"pk": cw.signed_decision(w).document.public_id}, None),
    # The register lists the people with a recorded rights request.
    "datarights:register": EXPECTED["datarights:register"].build,
}

GET_ROWS = sorted(name for name, row in EXPECTED.items() if row.method == GET)


def test_every_get_url_says_whether_it_shows_a_person():
    unclassified = sorted(set(GET_ROWS) - set(PERSON_DATA) - set(NOT_PERSON_DATA))
    assert not unclassified, (
        "Dites si ces pages montrent une personne (PERSON_DATA ou NOT_PERSON_DATA) : "
        + ", ".join(unclassified)
    )
    assert not set(PERSON_DATA) & set(NOT_PERSON_DATA)
    stale = sorted((set(PERSON_DATA) | set(NOT_PERSON_DATA)) - set(GET_ROWS))
    assert not stale, f"Classées mais absentes de la matrice : {stale}"


CASES = [
    (name, role.value)
    for name in sorted(PERSON_DATA)
    for role in ROLE_COLUMNS
    if EXPECTED[name].status_for(role) == 200
]


def _new_events(after_pk: int):
    return AuditEvent.objects.filter(pk__gt=after_pk).order_by("pk")


def _last_pk() -> int:
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    return last or 0


@pytest.mark.parametrize(("name", "role"), CASES, ids=[f"{n}-{r}" for n, r in CASES])
def test_one_request_leaves_one_event_per_person_shown(name, role, world, actors):
    kwargs, _ = BUILD.get(name, EXPECTED[name].build)(world)
    client = client_for(actors[role])
    before = _last_pk()
    response = client.get(reverse(name, kwargs=kwargs or None))
    assert response.status_code == 200, f"{name} pour {role} : {response.status_code}"
    events = list(_new_events(before))
    reads = [e for e in events if e.action in ("view", "download")]
    about_people = [e for e in reads if e.object_type == "people.person"]
    ids = [e.object_id for e in about_people]
    assert ids, f"{name} pour {role} : aucune lecture journalisée contre une personne"
    assert len(ids) == len(set(ids)), f"{name} pour {role} : une personne journalisée deux fois"
    assert Person.objects.filter(public_id__in=ids).count() == len(ids)
    assert all(e.user_id == actors[role].user.pk and e.role == role for e in about_people)
    if PERSON_DATA[name] == ONE:
        assert len(about_people) == 1, f"{name} pour {role} : {len(about_people)} événements"
        assert reads == about_people, (
            f"{name} pour {role} : lecture journalisée contre {reads[0].object_type}"
        )


def test_a_sensitive_file_read_outside_the_secretariat_raises_the_alert(world, actors):
    """The decision page (the signatory), the letter (the association), the permit list (the immigration
    service) and the generated decision: each alerts the secretariat when the person's file is sensitive."""
    decision = cw.signed_decision(world)
    Person.objects.filter(pk=decision.request.pathway.person.pk).update(is_sensitive=True)
    letter = decision.letters.get(addressee="person")
    reads = [
        (Role.SIGNATORY, reverse("commission:decision_detail", kwargs={"pk": decision.public_id})),
        (Role.ASSOCIATION_WORKER, reverse("commission:letter_download", kwargs={"pk": letter.public_id})),
    ]
    for role, url in reads:
        before = Alert.objects.count()
        assert client_for(actors[role]).get(url).status_code == 200
        assert Alert.objects.count() == before + 1, url
        alert = Alert.objects.latest("created_at")
        assert alert.kind == Alert.Kind.SENSITIVE_ACCESS
        assert decision.request.pathway.person.pseudonym in alert.message
    # The secretariat's own reads are journaled without an alert.
    before = Alert.objects.count()
    client_for(actors[S]).get(reverse("documents:draft", kwargs={"pk": decision.document.public_id}))
    assert Alert.objects.count() == before


def test_a_list_reloaded_does_not_flood_the_board_but_every_read_is_journaled(world, actors):
    """The association's list shows a sensitive file: one alert while it is not handled, however many times
    the list is reloaded or sorted that day; each load stays in the journal; once handled, a new read alerts
    again."""
    from parcours.core.services import acknowledge_alert

    person = world.person
    Person.objects.filter(pk=person.pk).update(is_sensitive=True)
    worker = client_for(actors[Role.ASSOCIATION_WORKER])
    for query in ("", "?tri=code", "?tri=-code", ""):
        assert worker.get(reverse("people:list") + query).status_code == 200
    alerts = Alert.objects.filter(object_id=str(person.public_id), kind=Alert.Kind.SENSITIVE_ACCESS)
    assert alerts.count() == 1
    reads = AuditEvent.objects.filter(object_id=str(person.public_id), action="view")
    assert reads.count() == 4
    acknowledge_alert(actor=actors[S], alert=alerts.get())
    worker.get(reverse("people:list"))
    assert alerts.count() == 2


def test_an_out_of_scope_attempt_is_journaled_as_refused(world, other_association):
    """Another association's worker tries a person's file: 404, and the journal keeps the attempt, against
    the requested id (never an identity)."""
    person = world.person
    outsider = make_actor(Role.ASSOCIATION_WORKER, other_association)
    before = _last_pk()
    response = client_for(outsider).get(reverse("people:detail", kwargs={"pk": person.public_id}))
    assert response.status_code == 404
    refused = list(_new_events(before))
    assert [(e.action, e.object_type, e.object_id, e.user_id) for e in refused] == [
        ("refused", "people.person", str(person.public_id), outsider.user.pk)
    ]
    assert person.last_name not in refused[0].detail


def test_a_forbidden_attempt_on_a_persons_url_is_journaled_as_refused(world, actors):
    """A role without the permission (the national analyst) asks for a pathway: 403, journaled."""
    pathway = world.active_pathway
    before = _last_pk()
    response = client_for(actors[Role.NATIONAL_ANALYST]).get(
        reverse("pathways:detail", kwargs={"pk": pathway.public_id})
    )
    assert response.status_code == 403
    refused = list(_new_events(before))
    assert [(e.action, e.object_id) for e in refused] == [("refused", str(pathway.public_id))]
    assert "403 pathways:detail" in refused[0].detail
