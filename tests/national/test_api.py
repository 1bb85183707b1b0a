"""The read-only API: a national analyst's token reads the store; no token 401, any other 403; bad input a
French message and a 400 or 404; a departmental instance's export pulled with the token it issued."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parcours.core.models import Membership
from parcours.core.roles import Role
from parcours.national import services
from parcours.national.models import ApiToken, Origin, TokenKind, hash_token
from tests.conftest import client_for
from tests.national.helpers import PEOPLE, store

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(actors):
    _, key = services.issue_token(
        kind=TokenKind.NATIONAL_READ, name="Analyste", membership=actors[Role.NATIONAL_ANALYST].membership
    )
    return key


def api(key=None):
    return Client(HTTP_AUTHORIZATION=f"Token {key}") if key else Client()


def test_the_registry_is_listed_with_its_definitions(token):
    body = api(token).get(reverse("api:indicators")).json()
    people = next(i for i in body["indicators"] if i["code"] == PEOPLE)
    assert people["unit"] == "count" and "sex" in people["breakdowns"] and people["definition"]


def test_a_release_is_served_in_the_export_format(token):
    release = store(code="69", name="Rhône", active=None)
    response = api(token).get(reverse("api:release", kwargs={"code": "69", "year": str(release.year)}))
    assert response.status_code == 200
    body = response.json()
    assert body["format"] == "parcours.indicateurs/1" and body["audience"] == "national"
    assert body["departement"] == {"code": "69", "name": "Rhône"}
    assert body["sha256"] == release.sha256 and body["origin"] == Origin.IMPORT
    people = next(i for i in body["indicators"] if i["code"] == PEOPLE)
    assert people["total"] == {"value": None, "secret": True}
    assert people["breakdowns"]["sex"][1] == {"label": "Homme", "value": 0, "secret": False}


def test_the_ranking_puts_values_first_and_sums_only_the_published(token):
    store(code="69", name="Rhône", active=40)
    store(code="13", name="Bouches-du-Rhône", active=120)
    year = store(code="38", name="Isère", active=None).year
    body = api(token).get(reverse("api:ranking", kwargs={"year": str(year), "indicator": PEOPLE})).json()
    assert [(r["departement"]["code"], r["rank"], r["value"], r["secret"]) for r in body["ranking"]] == [
        ("13", 1, 120, False),
        ("69", 2, 40, False),
        ("38", None, None, True),
    ]
    assert body["ranking"][0]["region"] == {"code": "93", "name": "Provence-Alpes-Côte d'Azur"}
    assert body["sum_of_published"] == {
        "value": 160,
        "cells_added": 2,
        "secret_cells_not_included": 1,
        "unavailable_not_included": 0,
    }
    assert (body["departements_sent"], body["departements_total"]) == (3, 101)


@pytest.mark.parametrize(
    ("name", "kwargs", "status", "message"),
    [
        ("api:ranking", {"year": "2025", "indicator": "pathways.nope"}, 404, "Indicateur inconnu"),
        ("api:ranking", {"year": "1999", "indicator": PEOPLE}, 400, "L'année doit être comprise entre 2016"),
        ("api:ranking", {"year": "20x5", "indicator": PEOPLE}, 404, "Année invalide"),
        ("api:release", {"code": "00", "year": "2025"}, 404, "Département inconnu"),
        (
            "api:release",
            {"code": "69", "year": "2019"},
            404,
            "Aucun chiffre reçu du département 69 pour 2019",
        ),
    ],
)
def test_bad_input_is_a_french_message(token, name, kwargs, status, message):
    response = api(token).get(reverse(name, kwargs=kwargs))
    assert response.status_code == status
    assert message in response.json()["detail"]


def test_no_token_401_unknown_or_revoked_token_401(token):
    url = reverse("api:indicators")
    assert api().get(url).status_code == 401
    assert api("pas-un-jeton").get(url).status_code == 401
    services.revoke_token(token=ApiToken.objects.get(key_hash=hash_token(token)))
    response = api(token).get(url)
    assert response.status_code == 401 and "révoqué" in response.json()["detail"]


def test_a_token_stops_working_when_its_account_is_no_longer_an_analyst(token, actors):
    Membership.objects.filter(pk=actors[Role.NATIONAL_ANALYST].membership.pk).update(active=False)
    assert api(token).get(reverse("api:indicators")).status_code == 401


def test_an_export_token_reads_the_export_and_nothing_else(departement):
    _, key = services.issue_token(kind=TokenKind.EXPORT, name="Instance nationale", departement=departement)
    assert api(key).get(reverse("api:indicators")).status_code == 403
    year = str(timezone.localdate().year - 1)
    response = api(key).get(reverse("api:export", kwargs={"year": year}))
    assert response.status_code == 200
    # The bytes of `manage.py indicators --audience national --format json`.
    out = io.StringIO()
    call_command(
        "indicators", "--departement", departement.code, "--year", year, "--audience", "national", stdout=out
    )
    assert response.content.decode() == out.getvalue()


def test_other_roles_signed_in_are_refused(actors, token):
    for role in (Role.SECRETARIAT, Role.ADMIN, Role.PARTNER_ADVISOR):
        response = client_for(actors[role]).get(reverse("api:indicators"))
        assert response.status_code == 403 and "Accès refusé" in response.json()["detail"]


def test_the_schema_documents_every_endpoint(token):
    response = api(token).get(reverse("api:schema"))
    assert response.status_code == 200
    schema = response.content.decode()
    for path in (
        "/api/v1/indicateurs/",
        "/api/v1/departements/{code}/{year}/",
        "/api/v1/national/{year}/{indicator}/",
        "/api/v1/export/{year}/",
    ):
        assert path in schema
    assert "jeton" in schema


def test_issue_api_token_shows_the_token_once_and_keeps_only_its_hash(actors, capsys):
    analyst = actors[Role.NATIONAL_ANALYST]
    call_command("issue_api_token", "--email", analyst.user.email)
    key = capsys.readouterr().out.strip().splitlines()[-1]
    stored = ApiToken.objects.get()
    assert stored.key_hash == hash_token(key) and key not in str(ApiToken.objects.values().get())
    assert api(key).get(reverse("api:indicators")).status_code == 200
    with pytest.raises(CommandError, match="Aucun compte actif d'analyste national"):
        call_command("issue_api_token", "--email", actors[Role.SECRETARIAT].user.email)
    # "=": a key may begin with "-", which argparse would take for an option.
    call_command("issue_api_token", f"--revoke={key[:8]}")
    assert api(key).get(reverse("api:indicators")).status_code == 401


def test_drf_own_messages_are_in_french(token):
    assert api().get(reverse("api:indicators")).json()["detail"].startswith("Authentification requise")
    response = api(token).post(reverse("api:indicators"), {}, content_type="application/json")
    assert response.status_code == 405 and "lecture seule" in response.json()["detail"]
