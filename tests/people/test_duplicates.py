"""Duplicate people: the warning at creation (which never reveals another association's file), the search by
first name, by part of a name and without accents, and the secretariat's merge of two records."""

from __future__ import annotations

import importlib
from datetime import date

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from parcours.core.crypto import name_prefixes, name_words
from parcours.core.models import AuditEvent
from parcours.pathways import services as psp
from parcours.people import merge
from parcours.people import services as people_services
from parcours.people.models import Consent, FollowUpNote, Person, PersonSearchToken
from tests.conftest import client_for
from tests.factories import PersonFactory, make_actor
from tests.views.test_people_views import codes, person_form

pytestmark = pytest.mark.django_db

BIRTH = date(1996, 11, 23)


@pytest.fixture
def elsewhere(other_association):
    """A person followed by another association of the département (a file the worker must never see)."""
    owner = make_actor("association_worker", other_association)
    return PersonFactory(
        organisation=other_association,
        created_by=owner.user,
        last_name="Kervadec-Lhuillé",
        first_name="Séverine",
        birth_date=BIRTH,
    )


def _form(**overrides):
    values = {"last_name": "Kervadec-Lhuillé", "first_name": "Séverine", "birth_date": BIRTH.isoformat()}
    return person_form(**{**values, **overrides})


# --- Unit: words and prefixes -------------------------------------------------------------------------------


def test_name_words_and_prefixes_ignore_case_accents_and_separators():
    assert name_words("Le Gall-Dupré") == ["LE", "GALL", "DUPRE"]
    assert name_words("  ") == []
    prefixes = name_prefixes("Le Gall")
    assert {"GAL", "GALL", "LEG", "LEGA", "LEGAL", "LEGALL"} == prefixes  # « LE » alone is too short
    # Long words are cut at 8 letters: the tokens do not reveal the length of a long name.
    assert max(len(p) for p in name_prefixes("Bosquet-Lamiralienne")) == 8


# --- The warning at creation --------------------------------------------------------------------------------


def test_a_namesake_in_another_association_is_signalled_without_revealing_it(
    clients, actors, elsewhere, other_association
):
    before = Person.objects.count()
    response = clients["association_worker"].post(
        reverse("people:create"), _form(last_name="KERVADEC lhuille")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert Person.objects.count() == before  # nothing saved yet
    assert "est peut-être déjà suivie dans le département" in page
    assert "contactez le" in page and "secrétariat" in page
    # Nothing of the other file: no association, no code, no link.
    assert other_association.name not in page
    assert elsewhere.pseudonym not in page
    assert str(elsewhere.public_id) not in page
    assert 'data-testid="duplicate-link"' not in page
    assert "Il s&#x27;agit d&#x27;une autre personne" in page or "Il s'agit d'une autre personne" in page
    # The check is journaled (the oracle is visible), without the name.
    check = AuditEvent.objects.filter(action="search", detail__startswith="contrôle des doublons").get()
    assert "correspondance possible" in check.detail
    assert "Kervadec" not in check.detail.lower() and "kervadec" not in check.detail.lower()


def test_confirming_another_person_creates_it_and_says_so_in_the_journal(clients, elsewhere):
    response = clients["association_worker"].post(
        reverse("people:create"), _form(duplicate_warning="1", confirm_other_person="on")
    )
    assert response.status_code == 302
    created = Person.objects.exclude(pk=elsewhere.pk).get()
    event = AuditEvent.objects.get(object_id=str(created.public_id), detail__contains="autre personne")
    assert "Kervadec" not in event.detail and "Séverine" not in event.detail


def test_without_the_box_ticked_the_warning_comes_back_and_nothing_is_saved(clients, elsewhere):
    before = Person.objects.count()
    response = clients["association_worker"].post(reverse("people:create"), _form(duplicate_warning="1"))
    assert response.status_code == 200
    assert 'data-testid="duplicate-warning"' in response.content.decode()
    assert Person.objects.count() == before


def test_a_namesake_of_the_same_association_is_linked_directly(clients, actors, association):
    mine = PersonFactory(
        organisation=association,
        created_by=actors["association_worker"].user,
        last_name="Kervadec",
        birth_date=BIRTH,
    )
    page = (
        clients["association_worker"]
        .post(reverse("people:create"), _form(last_name="Kervadec"))
        .content.decode()
    )
    assert reverse("people:detail", args=[mine.public_id]) in page
    assert "déjà suivie par votre association" in page
    assert "peut-être déjà suivie dans le département" not in page


def test_an_alias_of_another_file_is_a_match_too(clients, elsewhere, other_association):
    owner = make_actor("association_worker", other_association)
    people_services.add_alias(actor=owner, person=elsewhere, kind="alias", name="Maëlle Tregoat")
    page = (
        clients["association_worker"]
        .post(reverse("people:create"), _form(last_name="Maelle Trégoat"))
        .content
    )
    assert "peut-être déjà suivie dans le département".encode() in page


def test_another_birth_date_is_no_match(clients, elsewhere):
    response = clients["association_worker"].post(reverse("people:create"), _form(birth_date="1996-11-24"))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(
        detail="contrôle des doublons à la création : aucune correspondance"
    ).exists()


def test_only_those_who_create_people_can_ask(actors, elsewhere):
    with pytest.raises(PermissionDenied):
        people_services.possible_duplicates(actor=actors["secretariat"], person=elsewhere)
    assert client_for(actors["partner_advisor"]).post(reverse("people:create"), _form()).status_code == 403


# --- Search by first name, part of a name, without accents --------------------------------------------------


def test_search_by_first_name_part_and_without_accents(clients, actors, association):
    target = PersonFactory(
        organisation=association,
        created_by=actors["association_worker"].user,
        last_name="Bélanger-Mourot",
        first_name="Anaïs",
    )
    other = PersonFactory(
        organisation=association,
        created_by=actors["association_worker"].user,
        last_name="Ferrandi",
        first_name="Josiane",
    )
    url, client = reverse("people:list"), clients["association_worker"]
    assert codes(client.post(url, {"nom": "anais"})) == [target.pseudonym]  # first name, no accent
    assert codes(client.post(url, {"nom": "BEL"})) == [target.pseudonym]  # beginning of the name
    assert codes(client.post(url, {"nom": "mourot"})) == [target.pseudonym]  # second part of the name
    assert codes(client.post(url, {"nom": "belangermourot"})) == [target.pseudonym]  # written together
    assert codes(client.post(url, {"nom": "ferr jos"})) == [other.pseudonym]  # two beginnings
    assert codes(client.post(url, {"nom": "rand"})) == []  # the middle of a word is not a prefix
    assert codes(client.post(url, {"nom": "Bélanger-Mourotte"})) == []  # long word checked in full


def test_search_never_lists_another_associations_people(clients, elsewhere):
    response = clients["association_worker"].post(reverse("people:list"), {"nom": "Séverine"})
    page = response.content.decode()
    assert codes(response) == []
    assert elsewhere.pseudonym not in page and "Kervadec" not in page


def test_the_data_migration_fills_the_tokens_of_existing_people(elsewhere):
    PersonSearchToken.objects.all().delete()
    migration = importlib.import_module("parcours.people.migrations.0004_fill_person_search_tokens")
    migration.fill(django_apps, None)
    assert Person.objects.filter(departement=elsewhere.departement).search_name("kerva") == [elsewhere]
    assert PersonSearchToken.objects.filter(person=elsewhere).count() == len(elsewhere.search_prefix_tokens())


def test_no_token_is_a_name_in_clear(elsewhere):
    tokens = list(PersonSearchToken.objects.filter(person=elsewhere).values_list("token", flat=True))
    assert tokens and all(len(t) == 32 and "KER" not in t.upper() for t in tokens)


# --- Merge ----------------------------------------------------------------------------------------------


@pytest.fixture
def pair(actors, association, elsewhere, other_association):
    mine = PersonFactory(
        organisation=association,
        created_by=actors["association_worker"].user,
        last_name="Kervadec Lhuillé",
        first_name="Séverine",
        birth_date=BIRTH,
    )
    owner = make_actor("association_worker", other_association)
    people_services.add_note(
        actor=owner, person=elsewhere, day=date(2026, 1, 5), kind="interview", text="Entretien"
    )
    people_services.add_alias(actor=owner, person=elsewhere, kind="alias", name="Sévé Kerva")
    return mine, elsewhere


def test_duplicates_list_shows_the_pair_to_the_secretariat_only(clients, pair):
    mine, elsewhere = pair
    page = clients["secretariat"].get(reverse("people:duplicates")).content.decode()
    assert mine.pseudonym in page and elsewhere.pseudonym in page
    assert clients["association_worker"].get(reverse("people:duplicates")).status_code == 403


def test_merge_page_says_what_will_happen_then_moves_everything(clients, actors, pair):
    kept, other = pair
    url = reverse("people:merge", kwargs={"kept": kept.public_id, "other": other.public_id})
    page = clients["secretariat"].get(url).content.decode()
    assert "Ce qui va se passer" in page and "1 note de suivi" in page
    assert Person.objects.get(pk=other.pk).merged_into is None  # the page changes nothing
    response = clients["secretariat"].post(url)
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.merged_into == kept
    assert FollowUpNote.objects.filter(person=kept).count() == 1
    assert Consent.objects.filter(person=kept).count() == 2  # both accompaniment consents, both histories
    # The other's alias moves; its birth name, the same once normalised, is not added again as an alias.
    assert [a.name for a in kept.aliases.all()] == ["Sévé Kerva"]
    # Both records keep their journal; the merge is recorded on each.
    assert AuditEvent.objects.filter(object_id=str(kept.public_id), detail__startswith="fusion").exists()
    assert AuditEvent.objects.filter(object_id=str(other.public_id), detail__startswith="fusionnée").exists()
    # The merged record leaves lists and searches; the kept one is found by the other's alias.
    client = clients["secretariat"]
    assert codes(client.post(reverse("people:list"), {"nom": "seve"})) == [kept.pseudonym]
    assert other.pseudonym not in client.get(reverse("people:duplicates")).content.decode()
    # The kept record's association does not read the notes another association wrote.
    worker_page = clients["association_worker"].get(reverse("people:detail", args=[kept.public_id])).content
    assert "Rendez-vous confidentiel Autre Rive" not in worker_page.decode()


def test_merge_is_refused_with_two_open_pathways_and_says_why(clients, actors, pair, other_association):
    kept, other = pair
    psp.start_pathway(actor=actors["association_worker"], person=kept)
    psp.start_pathway(actor=make_actor("association_worker", other_association), person=other)
    url = reverse("people:merge", kwargs={"kept": kept.public_id, "other": other.public_id})
    page = clients["secretariat"].get(url).content.decode()
    assert "Fusion impossible" in page and "chacune un parcours en cours" in page
    assert clients["secretariat"].post(url).status_code == 302
    other.refresh_from_db()
    assert other.merged_into is None
    with pytest.raises(ValidationError):
        merge.merge_people(actor=actors["secretariat"], kept=kept, other=other)


def test_only_the_secretariat_merges(clients, actors, pair):
    kept, other = pair
    url = reverse("people:merge", kwargs={"kept": kept.public_id, "other": other.public_id})
    assert clients["association_worker"].post(url).status_code == 403
    with pytest.raises(PermissionDenied):
        merge.merge_people(actor=actors["association_worker"], kept=kept, other=other)


def test_a_merged_record_takes_nothing_more_and_its_association_does_not_learn_the_kept_code(
    clients, actors, pair
):
    mine, elsewhere = pair  # the worker's own record is the one merged into the other association's
    merge.merge_people(actor=actors["secretariat"], kept=elsewhere, other=mine)
    url = reverse("people:detail", args=[mine.public_id])
    page = clients["association_worker"].get(url).content.decode()
    assert 'data-testid="merged-notice"' in page and "d'une autre structure" in page
    assert elsewhere.pseudonym not in page and str(elsewhere.public_id) not in page
    response = clients["association_worker"].post(
        reverse("people:note_add", args=[mine.public_id]),
        {"date": "2026-01-10", "kind": "interview", "text": "Nouvelle note"},
    )
    assert response.status_code == 302
    assert not FollowUpNote.objects.filter(person=mine).exists()
    assert FollowUpNote.objects.filter(person=elsewhere).count() == 1  # only the one moved by the merge
