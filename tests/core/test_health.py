"""The health check (/sante/): what a load balancer or the monitoring reads, with no account."""

from unittest import mock

import pytest
from django.db import DatabaseError

from parcours.core.roles import Role
from tests.conftest import client_for
from tests.factories import make_actor

pytestmark = pytest.mark.django_db


def test_the_health_check_answers_ok_with_one_query_and_no_account(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/sante/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_the_health_check_says_503_when_the_database_does_not_answer(client):
    with mock.patch("parcours.core.views.connection.cursor", side_effect=DatabaseError("down")):
        response = client.get("/sante/")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def test_the_health_check_shows_no_data_to_a_signed_in_user_either():
    actor = make_actor(Role.SECRETARIAT)
    response = client_for(actor).get("/sante/")
    assert response.status_code == 200
    assert response.content == b'{"status": "ok"}'


def test_the_health_check_refuses_a_post(client):
    assert client.post("/sante/").status_code == 405
