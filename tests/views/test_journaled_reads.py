"""The most opened pages read outside the request's transaction (core.views_base.JournaledReadView): their
only writes, the audit events of what they show, are kept all the same, and nothing else is done through
them."""

from __future__ import annotations

import pytest
from django.urls import resolve, reverse

from parcours.core.models import AuditEvent
from tests.conftest import client_for

PAGES = (
    ("home", False),
    ("pathways:list", False),
    ("pathways:detail", "pathway"),
    ("pathways:detail_rights", "pathway"),
    ("pathways:detail_decisions", "pathway"),
    ("pathways:detail_history", "pathway"),
    ("people:detail", "person"),
)


def _url(name, target, pathway):
    if target == "pathway":
        return reverse(name, args=[pathway.public_id])
    if target == "person":
        return reverse(name, args=[pathway.person.public_id])
    return reverse(name)


@pytest.mark.parametrize(("name", "target"), PAGES)
def test_the_page_is_served_outside_the_request_transaction(name, target, active_pathway):
    assert "default" in resolve(_url(name, target, active_pathway)).func._non_atomic_requests


@pytest.mark.parametrize(("name", "target"), PAGES)
def test_the_page_answers_a_post_with_405_and_writes_nothing(name, target, actors, active_pathway):
    client = client_for(actors["secretariat"])
    before = AuditEvent.objects.count()
    response = client.post(_url(name, target, active_pathway))
    assert response.status_code == 405
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("name", ["pathways:detail", "pathways:detail_history", "people:detail"])
def test_the_person_shown_is_in_the_journal(name, actors, active_pathway):
    person = active_pathway.person
    target = "person" if name.startswith("people") else "pathway"
    client = client_for(actors["secretariat"])
    seen = AuditEvent.objects.filter(object_id=str(person.public_id), action="view")
    before = seen.count()
    assert client.get(_url(name, target, active_pathway)).status_code == 200
    assert seen.count() == before + 1
    event = seen.latest("at")
    assert (event.user, event.role) == (actors["secretariat"].user, "secretariat")


def test_the_list_journals_each_person_it_shows(actors, active_pathway):
    client = client_for(actors["secretariat"])
    person = active_pathway.person
    before = AuditEvent.objects.filter(object_id=str(person.public_id)).count()
    assert client.get(reverse("pathways:list")).status_code == 200
    assert AuditEvent.objects.filter(object_id=str(person.public_id)).count() == before + 1
