"""Encrypted fields cannot be queried by mistake, and each blind index has its own key (finding 6)."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.core.management import call_command
from django.db.models import F
from django.db.models.functions import Lower

from parcours.core.crypto import EncryptedFieldMisuse, blind_index, blind_index_key
from parcours.pathways.models import Pathway
from parcours.people import services as people_services
from parcours.people.models import Person, PersonAlias
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(actors, association):
    return PersonFactory(
        organisation=association,
        created_by=actors["association_worker"].user,
        last_name="Oriflamme",
        birth_date=date(1992, 5, 17),
    )


# --- Lookups, ordering and distinct on ciphertext raise instead of silently answering nothing ---


@pytest.mark.parametrize(
    "lookup",
    [
        {"last_name": "Oriflamme"},
        {"last_name__iexact": "oriflamme"},
        {"last_name__icontains": "flam"},
        {"last_name__startswith": "Ori"},
        {"last_name__in": ["Oriflamme"]},
        {"birth_date": date(1992, 5, 17)},
        {"birth_date__year": 1992},
        {"last_name__lower": "oriflamme"},
    ],
    ids=lambda lookup: next(iter(lookup)),
)
def test_a_lookup_on_an_encrypted_field_raises_a_clear_error(person, lookup):
    with pytest.raises(EncryptedFieldMisuse, match="index aveugle"):
        list(Person.objects.filter(**lookup))


def test_a_lookup_through_a_relation_or_in_exclude_raises_too(person):
    with pytest.raises(EncryptedFieldMisuse, match="people.Person.last_name"):
        Pathway.objects.filter(person__last_name="Oriflamme").exists()
    with pytest.raises(EncryptedFieldMisuse):
        Person.objects.exclude(usual_name="").exists()
    with pytest.raises(EncryptedFieldMisuse):
        PersonAlias.objects.filter(name__contains="x").exists()


def test_isnull_remains_allowed(person):
    assert list(Person.objects.filter(last_name__isnull=False)) == [person]


@pytest.mark.parametrize(
    "ordering",
    ["last_name", "-first_name", "birth_date", F("last_name").desc(), Lower("last_name")],
    ids=str,
)
def test_ordering_on_an_encrypted_field_raises(person, ordering):
    with pytest.raises(EncryptedFieldMisuse, match="trié"):
        list(Person.objects.order_by(ordering))


def test_ordering_on_an_encrypted_field_of_a_related_model_raises(person):
    with pytest.raises(EncryptedFieldMisuse, match="trié"):
        list(Pathway.objects.order_by("person__last_name").values_list("pk", flat=True))


@pytest.mark.parametrize(
    "query",
    [
        lambda: Person.objects.values_list("last_name", flat=True).distinct(),
        lambda: Person.objects.values("first_name", "sex").distinct(),
    ],
)
def test_distinct_over_encrypted_values_raises(person, query):
    with pytest.raises(EncryptedFieldMisuse, match="distinct"):
        list(query())


def test_reading_and_distinct_rows_keep_working(person):
    # Whole rows (with their primary key) are distinct however their ciphertext looks.
    assert list(Person.objects.filter(pk=person.pk).distinct()) == [person]
    assert list(Person.objects.values_list("last_name", flat=True)) == ["Oriflamme"]
    assert list(Person.objects.values_list("pk", "last_name").distinct()) == [(person.pk, "Oriflamme")]
    assert list(Person.objects.order_by("-created_at", "pseudonym")) == [person]


# --- Blind indexes: one key per field, derived with HKDF, 128-bit digests ---


def test_each_field_has_its_own_index_key_derived_with_hkdf(settings):
    master = settings.PARCOURS_BLIND_INDEX_KEY
    expected = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"parcours.blind-index.v1", info=b"people.person.last_name"
    ).derive(master.encode())
    assert blind_index_key("people.person.last_name") == expected
    assert blind_index_key("people.personalias.name") != expected
    assert master.encode() not in (expected, blind_index_key("people.personalias.name"))


def test_the_same_name_in_two_fields_gives_unrelated_digests(actors, person):
    worker = actors["association_worker"]
    other = PersonFactory(organisation=person.organisation, created_by=worker.user, last_name="Dalmore")
    people_services.add_alias(actor=worker, person=other, kind=PersonAlias.Kind.ALIAS, name="Oriflamme")
    stored_person = Person.objects.values_list("last_name_bidx", flat=True).get(pk=person.pk)
    stored_alias = PersonAlias.objects.values_list("name_bidx", flat=True).get()
    assert stored_person == blind_index("Oriflamme", label="people.person.last_name")
    assert stored_alias == blind_index("Oriflamme", label="people.personalias.name")
    assert stored_person != stored_alias and len(stored_person) == 32
    # The search still finds the name in either place.
    assert set(Person.objects.search(last_name="oriflamme")) == {person, other}


def test_reindex_recomputes_every_index_with_its_field_key(settings, actors, person):
    people_services.add_alias(
        actor=actors["association_worker"], person=person, kind=PersonAlias.Kind.ALIAS, name="Sélénite"
    )
    # Indexes computed the old way (one key for every field, full-length digests) are found by no search.
    Person.objects.filter(pk=person.pk).update(last_name_bidx="0" * 64, birth_date_bidx="1" * 64)
    PersonAlias.objects.update(name_bidx="2" * 64)
    assert not Person.objects.search(last_name="oriflamme").exists()

    call_command("rotate_keys", "--reindex", stdout=StringIO())

    assert list(Person.objects.search(last_name="ORIFLAMME")) == [person]
    assert list(Person.objects.search(last_name="selenite")) == [person]
    assert list(Person.objects.search(birth_date=date(1992, 5, 17))) == [person]
