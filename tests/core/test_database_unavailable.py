"""The database out of reach (PostgreSQL restarting, SQLite busy past its timeout): the request answers 503
with Retry-After and a French page that says nothing was recorded, wherever the failure happens (a view, a
middleware reading the session); another failure still answers 500. The PostgreSQL restart itself is the
fault drill bench/fault_postgres_restart.py (docs/exploitation.md)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError
from django.urls import reverse

from parcours.pathways import services
from parcours.pathways.models import RightStep
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

FAILURE = 'connection to server at "127.0.0.1", port 5432 failed: Connection refused'


def unreachable(*args, **kwargs):
    raise OperationalError(FAILURE)


@pytest.fixture
def worker(actors):
    return actors["association_worker"]


def test_a_write_while_the_database_is_out_of_reach_answers_503_and_records_nothing(worker, active_pathway):
    pathway = active_pathway
    client = client_for(worker)
    client.raise_request_exception = False
    before = RightStep.objects.count()
    real_save = services.save_right_step

    def saved_then_lost(**kwargs):
        real_save(**kwargs)  # the step is written, then the connection is lost before the commit
        unreachable()

    with mock.patch("parcours.pathways.services.save_right_step", side_effect=saved_then_lost):
        response = client.post(
            reverse("pathways:step_add", args=[pathway.public_id]),
            {"domain": "housing", "description": "Demande de logement social", "status": "in_progress"},
        )
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode()
    assert "Service momentanément indisponible" in body
    assert "rien n'a été enregistré" in body
    assert "5432" not in body and "Connection refused" not in body  # no detail of the failure
    assert RightStep.objects.count() == before


def test_the_session_unreadable_in_a_middleware_answers_503(worker):
    client = client_for(worker)
    client.raise_request_exception = False
    with mock.patch.object(SessionStore, "load", side_effect=unreachable):
        response = client.get(reverse("home"))
    assert response.status_code == 503
    assert "Réessayez dans une minute" in response.content.decode()


def test_any_other_failure_still_answers_500(worker):
    client = client_for(worker)
    client.raise_request_exception = False
    with mock.patch.object(SessionStore, "load", side_effect=RuntimeError("boom")):
        response = client.get(reverse("home"))
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "Une erreur est survenue" in response.content.decode()


def test_a_session_that_cannot_be_saved_with_the_database_out_of_reach_answers_503_not_400(worker):
    """Django refuses a request whose session it could not save (« session interrupted », 400): with the
    database out of reach it is a 503 like any other request."""
    from django.contrib.sessions.models import Session

    client = client_for(worker)
    client.raise_request_exception = False
    with (
        mock.patch.object(SessionStore, "load", return_value={}),
        mock.patch.object(Session, "save", side_effect=unreachable),
        mock.patch.object(SessionStore, "exists", return_value=True),
    ):
        response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 503, response.status_code
    assert response["Retry-After"] == "30"
