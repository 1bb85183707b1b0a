"""Field encryption at rest and blind-index search: what a database dump shows, what a search finds."""

from __future__ import annotations

from datetime import date

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from parcours.core.crypto import blind_index, decrypt_str, encrypt_str, normalise_name
from parcours.pathways import services as psp
from parcours.pathways.models import DocumentKind
from parcours.people import services as people_services
from parcours.people.models import Person, PersonAlias
from parcours.people.selectors import searchable_people
from tests.conftest import pdf_upload
from tests.factories import PersonFactory

# Invented identity, distinctive enough that any occurrence in a dump can only come from this test.
IDENTITY = {
    "last_name": "Quibbleworth",
    "first_name": "Zephyrine",
    "usual_name": "Velmora",
    "birth_date": date(1987, 11, 23),
    "nationality": "sildavienne",
    "phone": "06 71 82 93 04",
    "email": "zephyrine.q@example.invalid",
    "address": "17 impasse des Brumes, 99000 Démoville",
    "situation_notes": "Hébergée chez Marbelune",
}
ALIAS = "Drakonelle"
NOTE = "Entretien avec Kestrelmoor au sujet du logement"
FILE_NAME = "passeport-Quibbleworth.pdf"
NEEDLES = [
    "quibbleworth",
    "zephyrine",
    "velmora",
    "sildavienne",
    "06 71 82 93 04",
    "0671829304",
    "example.invalid",
    "impasse des brumes",
    "marbelune",
    "drakonelle",
    "kestrelmoor",
    "1987-11-23",
    "23/11/1987",
]


@pytest.fixture
def planted(actors, association):
    """A person with every identity field, an alias, a follow-up note and an uploaded document."""
    worker = actors["association_worker"]
    person = people_services.create_person(
        actor=worker,
        person=PersonFactory.build(organisation=association, created_by=worker.user, **IDENTITY),
        accompaniment_consent_on=date(2024, 1, 10),
    )
    people_services.add_alias(actor=worker, person=person, kind=PersonAlias.Kind.ALIAS, name=ALIAS)
    people_services.add_note(actor=worker, person=person, day=date(2024, 2, 1), kind="interview", text=NOTE)
    pathway = psp.start_pathway(actor=worker, person=person)
    psp.add_document(
        actor=worker,
        request=pathway.requests.get(),
        kind=DocumentKind.IDENTITY,
        uploaded=pdf_upload(name=FILE_NAME),
    )
    return person


def dump(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
        return "\n".join(" | ".join(str(v) for v in row) for row in cursor.fetchall()).lower()


def test_round_trip_through_the_orm(planted):
    person = Person.objects.get(pk=planted.pk)
    for field, value in IDENTITY.items():
        assert getattr(person, field) == value, field
    assert person.aliases.get().name == ALIAS
    assert person.notes.get().text == NOTE
    assert person.pathways.get().requests.get().documents.get().original_name == FILE_NAME


def test_round_trip_of_the_primitives():
    token = encrypt_str("Zéphyrine Œdipe-Ångström")
    assert "Zéphyrine" not in token
    assert decrypt_str(token) == "Zéphyrine Œdipe-Ångström"
    assert encrypt_str("même valeur") != encrypt_str("même valeur")  # random IV: equal values do not show


def test_a_token_from_another_key_is_refused_without_echoing_it():
    foreign = Fernet(Fernet.generate_key()).encrypt(b"Quibbleworth").decode()
    with pytest.raises(ImproperlyConfigured) as excinfo:
        decrypt_str(foreign)
    assert foreign not in str(excinfo.value)
    assert "Quibbleworth" not in str(excinfo.value)


@pytest.mark.parametrize(
    ("table", "expected_needles"),
    [
        ("people_person", NEEDLES[:9] + NEEDLES[11:]),
        ("people_personalias", ["drakonelle"]),
        ("people_followupnote", ["kestrelmoor"]),
        ("pathways_requestdocument", ["quibbleworth"]),
    ],
)
def test_raw_sql_dump_holds_no_identity_in_clear(planted, table, expected_needles):
    text = dump(table)
    assert text, f"{table} is empty: the fixture did not plant anything"
    for needle in expected_needles:
        assert needle not in text, f"{needle!r} in clear in {table}"


def test_no_table_of_the_whole_database_holds_the_identity_in_clear(planted):
    for table in connection.introspection.table_names():
        text = dump(table)
        for needle in NEEDLES:
            assert needle not in text, f"{needle!r} in clear in {table}"


def test_stored_birth_date_column_is_a_token_not_a_date(planted):
    with connection.cursor() as cursor:
        cursor.execute("SELECT birth_date, last_name FROM people_person WHERE id = %s", [planted.pk])
        birth_token, name_token = cursor.fetchone()
    assert decrypt_str(birth_token) == "1987-11-23"
    assert decrypt_str(name_token) == "Quibbleworth"


# --- Blind-index search ---


@pytest.fixture
def breton(actors, association):
    return PersonFactory(
        organisation=association,
        created_by=actors["association_worker"].user,
        last_name="Le Gall-Dupré",
        first_name="Maëlys",
        birth_date=date(1990, 2, 28),
    )


@pytest.mark.parametrize(
    "query",
    ["le gall dupre", "LE GALL-DUPRÉ", "Le Gall Dupré", "legalldupre", " le-gall  dupré ", "Le Gall—Dupre"],
)
def test_search_by_last_name_ignores_accents_case_spaces_and_hyphens(breton, query):
    assert list(Person.objects.search(last_name=query)) == [breton]


@pytest.mark.parametrize("query", ["Le Gall", "Dupré", "Le Gall-Dupree", "Legal Dupré"])
def test_search_is_exact_on_the_normalised_name(breton, query):
    assert not Person.objects.search(last_name=query).exists()


def test_search_by_birth_date(breton, person):
    assert list(Person.objects.search(birth_date=date(1990, 2, 28))) == [breton]
    assert not Person.objects.search(birth_date=date(1990, 2, 27)).exists()


def test_search_by_name_and_birth_date_must_both_match(breton):
    assert list(Person.objects.search(last_name="le gall dupre", birth_date=date(1990, 2, 28))) == [breton]
    assert not Person.objects.search(last_name="le gall dupre", birth_date=date(1991, 2, 28)).exists()


def test_search_by_alias_finds_the_person_once(actors, breton):
    worker = actors["association_worker"]
    people_services.add_alias(actor=worker, person=breton, kind=PersonAlias.Kind.ALIAS, name="Nébuline")
    people_services.add_alias(actor=worker, person=breton, kind=PersonAlias.Kind.USUAL, name="Nebuline")
    assert list(Person.objects.search(last_name="NEBULINE")) == [breton]


def test_search_through_the_list_page_finds_by_normalised_name(clients, breton, person):
    response = clients["association_worker"].post("/personnes/", {"nom": "le gall dupre"})
    assert response.status_code == 200
    content = response.content.decode()
    assert breton.pseudonym in content
    assert person.pseudonym not in content


def test_search_through_the_scoped_selector_respects_scope(actors, breton, other_association):
    from tests.factories import make_actor

    other = make_actor("association_worker", other_association)
    assert list(searchable_people(actors["association_worker"]).search(last_name="le gall dupre")) == [breton]
    assert not searchable_people(other).search(last_name="le gall dupre").exists()


def test_updating_the_name_updates_the_index(actors, breton):
    breton.last_name = "Kerbrat"
    people_services.update_person(actor=actors["association_worker"], person=breton)
    assert list(Person.objects.search(last_name="kerbrat")) == [breton]
    assert not Person.objects.search(last_name="le gall dupre").exists()


# --- Normalisation and blind index ---


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Le Gall-Dupré", "LEGALLDUPRE"),
        ("  d'Arçon ", "DARCON"),
        ("Œuvray", "ŒUVRAY"),
        ("Müller–Åberg", "MULLERABERG"),
        ("N'Diaye 2", "NDIAYE"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalise_name(raw, expected):
    assert normalise_name(raw) == expected


LABEL = "people.person.last_name"


def test_blind_index_is_keyed_and_empty_for_empty_values():
    assert blind_index("", label=LABEL) == "" and blind_index(None, label=LABEL) == ""
    digest = blind_index("Le Gall", label=LABEL)
    assert len(digest) == 32 and int(digest, 16) >= 0
    assert blind_index("Le Gall", label=LABEL, key="une-autre-cle") != digest
    assert blind_index(date(1990, 2, 28), label=LABEL) == blind_index(date(1990, 2, 28), label=LABEL)


NAME_CHARS = "abcdefghijklmnopqrstuvwxyzéèêëàâäîïôöûüçñœ"
# Names hold at least one letter (the person form requires one).
NAMES = st.text(alphabet=NAME_CHARS + NAME_CHARS.upper() + " -'", min_size=1, max_size=30).filter(
    lambda n: any(c.isalpha() for c in n)
)


@given(st.text(max_size=40))
def test_normalise_name_is_idempotent_and_keeps_letters_only(value):
    once = normalise_name(value)
    assert normalise_name(once) == once
    assert all(c.isalpha() for c in once)


@given(NAMES, st.data())
def test_blind_index_is_stable_under_case_accents_and_separators(name, data):
    variant = "".join(
        data.draw(st.sampled_from([c.lower(), c.upper(), c]))
        + data.draw(st.sampled_from(["", " ", "-", "'"]))
        for c in name
    )
    assert blind_index(variant, label=LABEL) == blind_index(name, label=LABEL)
    assert blind_index(name, label=LABEL) == blind_index(normalise_name(name), label=LABEL)


@given(NAMES, NAMES)
def test_blind_index_differs_when_normalised_names_differ(a, b):
    if normalise_name(a) != normalise_name(b) and normalise_name(a) and normalise_name(b):
        assert blind_index(a, label=LABEL) != blind_index(b, label=LABEL)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_encryption_round_trip_for_any_text(value):
    assert decrypt_str(encrypt_str(value)) == value
