"""ProConnect login, against a real OpenID Connect provider on loopback (tests/core/oidc_provider.py): the
whole authorization code flow over HTTP, token exchange, ID token signature, `acr` checked on the server."""

from __future__ import annotations

import html
import json
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from parcours.core import proconnect
from parcours.core import second_factor as sf
from parcours.core.models import AuditEvent

from .oidc_provider import OIDCProvider

pytestmark = pytest.mark.django_db

CALLBACK = "http://testserver/compte/proconnect/retour/"


@pytest.fixture
def provider():
    op = OIDCProvider(
        client_id="parcours-test", client_secret="secret-de-test", redirect_uri=CALLBACK
    ).start()
    yield op
    op.stop()


@pytest.fixture
def enabled(settings, provider):
    settings.PROCONNECT_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = provider.client_id
    settings.OIDC_RP_CLIENT_SECRET = provider.client_secret
    settings.OIDC_OP_ISSUER = provider.issuer
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = provider.issuer + "/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = provider.issuer + "/token"
    settings.OIDC_OP_USER_ENDPOINT = provider.issuer + "/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = provider.issuer + "/jwks"
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "parcours.core.proconnect.ProConnectBackend",
    ]
    return provider


@pytest.fixture
def agent(actors):
    user = actors["secretariat"].user
    user.email = "Agent.Prefecture@interieur.gouv.fr"
    user.save()
    return user


def log_in_through_proconnect(client: Client, next_url: str = ""):
    """The browser's walk: Parcours → provider's /authorize (over HTTP) → back to Parcours' callback."""
    start = client.get(reverse("proconnect_start") + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=5)
    assert at_provider.status_code == 302, at_provider.text
    back = urlsplit(at_provider.headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == CALLBACK
    return client.get(back.path + "?" + back.query)


def refusal(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_an_agent_logs_in_with_a_second_factor_level(client, enabled, agent):
    enabled.email = "agent.prefecture@interieur.gouv.fr"  # e-mails match whatever their case
    response = log_in_through_proconnect(client, reverse("people:list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("people:list")
    assert client.session["_auth_user_id"] == str(agent.pk)
    assert enabled.token_requests == 1
    # The request asked for the second-factor levels, in the `claims` parameter ProConnect reads.
    claims = json.loads(enabled.authorize_requests[-1]["claims"])
    assert claims["id_token"]["acr"]["essential"] is True
    assert "eidas2" in claims["id_token"]["acr"]["values"]
    # ProConnect's second factor counts: no local code asked, the page opens.
    assert client.session[sf.SESSION_STATE] == sf.OK
    assert client.get(reverse("people:list")).status_code == 200
    event = AuditEvent.objects.filter(object_id=str(agent.public_id), action="login").latest("at")
    assert event.detail == "connexion par ProConnect (niveau eidas2)"


def test_a_login_without_a_second_factor_level_is_refused_in_french(client, enabled, agent):
    enabled.email, enabled.acr = agent.email, "eidas1"
    response = log_in_through_proconnect(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
    assert proconnect.ACR_TOO_LOW in refusal(response)
    page = client.get(response["Location"])
    assert "n'a pas utilisé de double authentification" in html.unescape(page.content.decode())


def test_an_unknown_email_is_refused_and_no_account_is_created(client, enabled, agent, django_user_model):
    enabled.email = "inconnu@interieur.gouv.fr"
    before = django_user_model.objects.count()
    response = log_in_through_proconnect(client)
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
    assert proconnect.UNKNOWN_ACCOUNT in refusal(response)
    assert django_user_model.objects.count() == before


def test_a_disabled_account_is_refused(client, enabled, agent):
    agent.is_active = False
    agent.save()
    enabled.email = agent.email
    response = log_in_through_proconnect(client)
    assert "_auth_user_id" not in client.session
    assert proconnect.UNKNOWN_ACCOUNT in refusal(response)


def test_an_id_token_signed_with_another_key_is_refused(client, enabled, agent):
    enabled.email = agent.email
    enabled.signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    response = log_in_through_proconnect(client)
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
    assert proconnect.FAILED in refusal(response)


def test_an_id_token_for_another_client_is_refused(client, enabled, agent):
    enabled.email, enabled.audience = agent.email, "une-autre-application"
    response = log_in_through_proconnect(client)
    assert "_auth_user_id" not in client.session
    assert proconnect.FAILED in refusal(response)


def test_a_callback_with_a_forged_state_or_a_replayed_code_logs_nobody_in(client, enabled, agent):
    enabled.email = agent.email
    start = client.get(reverse("proconnect_start"))
    location = requests.get(start["Location"], allow_redirects=False, timeout=5).headers["Location"]
    query = parse_qs(urlsplit(location).query)
    forged = client.get(reverse("proconnect_callback") + f"?code={query['code'][0]}&state={'x' * 32}")
    assert forged.status_code == 400  # Django's "bad request" page, never a 500
    assert "_auth_user_id" not in client.session
    other = Client()
    other.get(reverse("proconnect_start"))
    replay = other.get(reverse("proconnect_callback") + f"?code={query['code'][0]}&state={query['state'][0]}")
    assert "_auth_user_id" not in other.session
    assert replay.status_code in (302, 400)


def test_the_provider_unreachable_is_a_french_refusal_not_an_error(client, enabled, agent, settings):
    enabled.email = agent.email
    start = client.get(reverse("proconnect_start"))
    location = requests.get(start["Location"], allow_redirects=False, timeout=5).headers["Location"]
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/token"  # nothing listens there
    back = urlsplit(location)
    response = client.get(back.path + "?" + back.query)
    assert response.status_code == 302
    assert proconnect.FAILED in refusal(response)


def test_the_login_page_shows_the_button_only_when_proconnect_is_configured(client, settings, provider):
    assert "S'identifier avec ProConnect" not in html.unescape(client.get(reverse("login")).content.decode())
    assert client.get(reverse("proconnect_start")).status_code == 404
    settings.PROCONNECT_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = provider.client_id
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = provider.issuer + "/authorize"
    page = html.unescape(client.get(reverse("login")).content.decode())
    assert "S'identifier avec ProConnect" in page
