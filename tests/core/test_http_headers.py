"""No page with an identity stays in a browser's cache; the CSP forbids a <base> and foreign form targets."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parcours.core.roles import Role
from tests.conftest import client_for
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_a_persons_page_is_never_stored_by_the_browser(actors, association):
    person = PersonFactory(organisation=association)
    client = client_for(actors[Role.SECRETARIAT])
    for url in (reverse("people:list"), reverse("people:detail", kwargs={"pk": person.public_id}), "/"):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store", url
        assert response["Pragma"] == "no-cache", url


def test_after_logout_the_redirect_is_not_stored_either(actors):
    client = client_for(actors[Role.SECRETARIAT])
    response = client.post(reverse("logout"))
    assert response["Cache-Control"] == "no-store"


def test_the_csp_forbids_a_base_element_and_foreign_form_targets(client):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["base-uri"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["default-src"] == "'self'"
