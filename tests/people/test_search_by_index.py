"""The search by exact name finds a person by birth name or by alias, each once, through the blind indexes:
a UNION of two index lookups, never an OR across the aliases' join de-duplicated by DISTINCT."""

from __future__ import annotations

import pytest

from parcours.people import services
from parcours.people.models import Person
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_found_by_birth_name_or_alias_each_once_without_join_or_distinct(actors, association):
    worker = actors["association_worker"]
    named = PersonFactory(organisation=association, created_by=worker.user, last_name="Vernaleuse")
    aliased = PersonFactory(organisation=association, created_by=worker.user, last_name="Ostrevaine")
    # Two aliases equal to the searched name, and a birth name equal to it too: still one row each.
    services.add_alias(actor=worker, person=aliased, kind="alias", name="Vernaleuse")
    services.add_alias(actor=worker, person=aliased, kind="usual", name="VERNALEUSE")
    services.add_alias(actor=worker, person=named, kind="alias", name="Vernaleuse")
    PersonFactory(organisation=association, created_by=worker.user, last_name="Quintaude")
    found = Person.objects.search(last_name="vernaleuse")
    assert sorted(p.pk for p in found) == sorted([named.pk, aliased.pk])
    sql = str(found.query).upper()
    assert "DISTINCT" not in sql and "JOIN" not in sql and "UNION" in sql
    # The duplicate check on creation (same birth date, name or alias) finds them the same way.
    newcomer = PersonFactory.build(
        organisation=association, last_name="Vernaleuse", birth_date=named.birth_date
    )
    duplicates = services.possible_duplicates(actor=worker, person=newcomer)
    assert sorted(p.pk for p in duplicates) == sorted([named.pk, aliased.pk])
    assert "DISTINCT" not in str(duplicates.query).upper()
