"""Accounts as users expect (issue 9, finding 9 and "what a user can rely on" 2, 8 and 9): one's own
password changed or reset by an expiring single-use link without enumeration, logins in the journal,
sessions with an idle and an absolute limit, and a lockout that nobody can turn against someone else."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parcours.core.client_ip import client_ip
from parcours.core.models import AuditAction, AuditEvent
from parcours.outbox.models import OutgoingEmail
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Girouette-Falaise-Brume-2032"


def text(response) -> str:
    return html.unescape(response.content.decode())


def login(client, username, password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


@pytest.fixture
def worker(actors):
    return actors["association_worker"].user


def reset_link(email: OutgoingEmail) -> str:
    return urlsplit(re.search(r"https?://\S+/compte/mot-de-passe/nouveau/\S+/", email.body).group(0)).path


# --- Changing one's password ----------------------------------------------------------------------------


def test_change_own_password(worker):
    client, elsewhere = Client(), Client()
    login(client, worker.username)
    login(elsewhere, worker.username)
    page = client.get(reverse("core:password_change"))
    assert page.status_code == 200 and "Changer mon mot de passe" in text(page)
    response = client.post(
        reverse("core:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Votre mot de passe a été changé." in text(response)
    assert client.get(reverse("home")).status_code == 200  # this session goes on
    assert elsewhere.get(reverse("home")).status_code == 302  # the other one is over
    assert login(Client(), worker.username, NEW_PASSWORD).status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_SET, user=worker).exists()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("faux", NEW_PASSWORD, "Votre ancien mot de passe est incorrect."),
        (PASSWORD, "court", "Ce mot de passe est trop court."),
        (PASSWORD, "password1234", "Ce mot de passe est trop courant."),
        (PASSWORD, "123456789012345", "Ce mot de passe est entièrement numérique."),
    ],
)
def test_change_refused_in_french(old, new, message, worker):
    client = Client()
    login(client, worker.username)
    response = client.post(
        reverse("core:password_change"), {"old_password": old, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 200
    assert message in text(response)
    worker.refresh_from_db()
    assert worker.check_password(PASSWORD)


# --- Reset by e-mail --------------------------------------------------------------------------------------


def test_reset_answers_the_same_whether_the_account_exists_or_not(worker):
    answers = []
    for address in (worker.email, "personne@inconnu.example", worker.email.upper()):
        response = Client().post(reverse("core:password_reset"), {"email": address}, follow=True)
        answers.append((response.status_code, response.redirect_chain, text(response).replace(address, "")))
    assert answers[0] == answers[1] == answers[2]
    assert "Si l'adresse saisie correspond à un compte actif" in answers[0][2]
    assert OutgoingEmail.objects.filter(to=worker.email).exists()  # (the same second: the same link, once)
    assert not OutgoingEmail.objects.filter(to="personne@inconnu.example").exists()


def test_reset_link_sets_the_password_once(worker):
    Client().post(reverse("core:password_reset"), {"email": worker.email})
    email = OutgoingEmail.objects.get(to=worker.email)
    assert email.subject == "Parcours : réinitialisation de votre mot de passe"
    link = reset_link(email)
    assert link not in " ".join(AuditEvent.objects.values_list("detail", flat=True))
    client = Client()
    assert "Choisir un nouveau mot de passe" in text(client.get(link))
    response = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True)
    assert "Votre mot de passe est enregistré" in text(response)
    assert login(Client(), worker.username, NEW_PASSWORD).status_code == 302
    again = Client().get(link)
    assert again.status_code == 404 and "Lien expiré ou invalide" in text(again)
    actions = set(AuditEvent.objects.filter(object_id=str(worker.public_id)).values_list("action", flat=True))
    assert {AuditAction.PASSWORD_RESET, AuditAction.PASSWORD_SET} <= actions


def test_reset_link_expires(worker):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        Client().post(reverse("core:password_reset"), {"email": worker.email})
        link = reset_link(OutgoingEmail.objects.get(to=worker.email))
        traveller.shift(timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT - 60))
        assert Client().get(link).status_code == 200
        traveller.shift(timedelta(seconds=120))
        response = Client().post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 404 and "Lien expiré ou invalide" in text(response)
    worker.refresh_from_db()
    assert worker.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("court", "Ce mot de passe est trop court."),
        ("password1234", "Ce mot de passe est trop courant."),
        ("123456789012345", "Ce mot de passe est entièrement numérique."),
    ],
)
def test_weak_password_refused_in_french_on_the_link_page(password, message, worker):
    Client().post(reverse("core:password_reset"), {"email": worker.email})
    link = reset_link(OutgoingEmail.objects.get(to=worker.email))
    response = Client().post(link, {"new_password1": password, "new_password2": password})
    assert response.status_code == 200
    assert message in text(response)
    assert "Le formulaire contient des erreurs" in text(response)
    worker.refresh_from_db()
    assert worker.check_password(PASSWORD)


@pytest.mark.parametrize(
    "path",
    [
        "/compte/mot-de-passe/nouveau/MQ/abc-def/",
        "/compte/mot-de-passe/nouveau/%00/x/",
        "/compte/activation/ZZZZZZZZ/1-2/",
        "/compte/activation/" + "A" * 500 + "/" + "b" * 500 + "/",
    ],
)
def test_garbage_links_answer_a_french_page_not_an_error(path):
    response = Client().get(path)
    assert response.status_code == 404
    assert "Lien expiré ou invalide" in text(response)


def test_reset_form_refuses_garbage_in_french():
    response = Client().post(reverse("core:password_reset"), {"email": "pas une adresse\x00"})
    assert response.status_code == 200
    assert "Saisissez une adresse de courriel valide." in text(response)
    assert not OutgoingEmail.objects.exists()


# --- The journal ------------------------------------------------------------------------------------------


def test_logins_logouts_and_failures_are_in_the_journal(worker, actors):
    client = Client()
    assert login(client, worker.username, "faux-mot-de-passe").status_code == 200
    assert login(client, "nom.de.quelqu.un", "x").status_code == 200
    assert login(client, worker.username).status_code == 302
    client.post(reverse("logout"))
    events = list(AuditEvent.objects.order_by("at", "pk"))
    assert [(e.action, e.detail) for e in events] == [
        (AuditAction.LOGIN_FAILED, "échec de connexion"),
        (AuditAction.LOGIN_FAILED, "identifiant inconnu"),
        (AuditAction.LOGIN, "connexion"),
        (AuditAction.LOGOUT, "déconnexion"),
    ]
    failed, unknown, logged_in, logged_out = events
    assert failed.user is None and failed.object_id == str(worker.public_id)
    assert failed.departement == actors["association_worker"].departement  # the secretariat sees it
    assert unknown.departement is None and unknown.object_id == ""
    assert logged_in.user == worker and logged_out.user == worker
    # An unknown name typed at the login page is stored nowhere.
    for event in events:
        assert "quelqu" not in f"{event.detail} {event.object_id} {event.object_type}"


# --- Sessions ---------------------------------------------------------------------------------------------


def test_login_gives_a_new_session_key(worker):
    client = Client()
    client.get(reverse("core:password_reset"))  # an anonymous page that keeps a session
    session = client.session
    session["avant"] = "connexion"
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    before = session.session_key
    assert login(client, worker.username).status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()


def test_session_ends_twelve_hours_after_login_however_active(worker):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client = Client()
        assert login(client, worker.username).status_code == 302
        elapsed = timedelta()
        while elapsed < timedelta(hours=12) - timedelta(minutes=14):
            traveller.shift(timedelta(minutes=14))
            elapsed += timedelta(minutes=14)
            assert client.get(reverse("home")).status_code == 200, elapsed
        traveller.shift(timedelta(minutes=14))
        response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "Votre session a atteint sa durée maximale (12 h)" in text(response)
    assert AuditEvent.objects.filter(
        action=AuditAction.LOGOUT, user=worker, detail="fin de session : durée maximale atteinte"
    ).exists()


# --- Lockout keyed on the account and the real client address ---------------------------------------------


def fail_five_times(username, **extra):
    for attempt in range(5):
        login(Client(), username, f"faux-{attempt}", **extra)


def test_behind_the_proxy_failures_from_one_address_do_not_lock_the_account_elsewhere(settings, worker):
    """The finding: every request came from the proxy's address, so five failures locked the account for
    everyone. With the proxy declared, the lockout holds for the attacker's address only."""
    settings.PARCOURS_TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    fail_five_times(worker.username, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    assert login(Client(), worker.username, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy).status_code == 429
    assert login(Client(), worker.username, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy).status_code == 302


def test_a_forged_forwarded_for_is_ignored_without_a_trusted_proxy(worker):
    assert settings.PARCOURS_TRUSTED_PROXY_COUNT == 0
    for attempt in range(5):  # each attempt claims another address
        login(Client(), worker.username, f"faux-{attempt}", HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}")
    response = login(Client(), worker.username, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert response.status_code == 429


def test_a_client_cannot_choose_its_address_by_prepending_to_the_header(settings, worker):
    settings.PARCOURS_TRUSTED_PROXY_COUNT = 1
    fail_five_times(worker.username, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.5")
    response = login(
        Client(), worker.username, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.5"
    )
    assert response.status_code == 429  # the proxy saw 203.0.113.5 both times


class FakeRequest:
    def __init__(self, remote, forwarded=None):
        self.META = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            self.META["HTTP_X_FORWARDED_FOR"] = forwarded


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.5", "10.0.0.2"),
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "198.51.100.1, 203.0.113.5", "203.0.113.5"),
        (2, "198.51.100.1, 203.0.113.5, 10.0.0.3", "203.0.113.5"),
        (2, "203.0.113.5", "10.0.0.2"),  # fewer hops than proxies: not through every proxy
        (1, "pas-une-adresse", "10.0.0.2"),
        (1, "", "10.0.0.2"),
        (1, None, "10.0.0.2"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_ip(settings, proxies, forwarded, expected):
    settings.PARCOURS_TRUSTED_PROXY_COUNT = proxies
    assert client_ip(FakeRequest("10.0.0.2", forwarded)) == expected
