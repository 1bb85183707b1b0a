"""Login, lockout after repeated failures (django-axes), idle session expiry, POST-only logout."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parcours.core.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def login(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


@pytest.fixture
def worker(actors):
    return actors["association_worker"].user


def test_login_page_is_public_and_everything_else_redirects_to_it(client):
    assert client.get(reverse("login")).status_code == 200
    response = client.get(reverse("people:list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=" + reverse("people:list")


def test_login_then_home(client, worker):
    response = login(client, worker.username)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_login_follows_a_safe_next_only(client, worker):
    response = client.post(
        reverse("login") + "?next=" + reverse("people:list"),
        {"username": worker.username, "password": PASSWORD},
    )
    assert response["Location"] == reverse("people:list")
    other = Client()
    response = other.post(
        reverse("login") + "?next=https://evil.example/", {"username": worker.username, "password": PASSWORD}
    )
    assert response["Location"] == reverse("home")


def test_wrong_password_shows_a_french_message(client, worker):
    response = login(client, worker.username, "mauvais-mot-de-passe")
    assert response.status_code == 200
    assert "Identifiant ou mot de passe incorrect." in text(response)
    assert "_auth_user_id" not in client.session


def test_inactive_account_cannot_log_in(client, worker):
    worker.is_active = False
    worker.save()
    response = login(client, worker.username)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_lockout_after_five_failures(client, worker):
    assert settings.AXES_FAILURE_LIMIT == 5
    for attempt in range(4):
        response = login(client, worker.username, f"faux-{attempt}")
        assert response.status_code == 200, attempt
        assert "Identifiant ou mot de passe incorrect." in text(response)
    response = login(client, worker.username, "faux-5")  # the fifth failure locks
    assert response.status_code == 429
    assert "Connexion temporairement bloquée" in text(response)
    # Even the right password is refused now, and nobody is logged in.
    response = login(client, worker.username)
    assert response.status_code == 429
    assert "Trop de tentatives de connexion ont échoué" in text(response)
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302


def test_lockout_is_per_account(client, worker, actors):
    for attempt in range(5):
        login(client, worker.username, f"faux-{attempt}")
    other = actors["secretariat"].user
    assert login(Client(), other.username).status_code == 302


def test_lockout_ends_after_the_cooloff(client, worker):
    for attempt in range(5):
        login(client, worker.username, f"faux-{attempt}")
    assert login(client, worker.username).status_code == 429
    with time_machine.travel(timezone.now() + timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1)):
        assert login(Client(), worker.username).status_code == 302


def test_success_resets_the_failure_count(client, worker):
    for attempt in range(4):
        login(client, worker.username, f"faux-{attempt}")
    assert login(client, worker.username).status_code == 302
    client.post(reverse("logout"))
    for attempt in range(4):
        assert login(client, worker.username, f"encore-{attempt}").status_code == 200
    assert login(client, worker.username).status_code == 302


def test_session_settings():
    assert settings.SESSION_COOKIE_AGE == 15 * 60
    assert settings.PARCOURS_SESSION_MAX_AGE_SECONDS == 12 * 60 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is False  # pushed back once a minute at most (below)
    assert settings.PARCOURS_SESSION_TOUCH_SECONDS == 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_session_expires_after_fifteen_idle_minutes(worker):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client = Client()
        assert login(client, worker.username).status_code == 302
        # Activity keeps the session alive: every request pushes the expiry back.
        for _ in range(3):
            traveller.shift(timedelta(minutes=14))
            assert client.get(reverse("home")).status_code == 200
        # Sixteen minutes without a request: back to the login page.
        traveller.shift(timedelta(minutes=16))
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_session_is_written_once_a_minute_at_most_and_still_ends_after_fifteen_idle_minutes(worker):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def session_writes(client) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("home")).status_code == 200
        return sum(
            1 for q in ctx.captured_queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]
        )

    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client = Client()
        assert login(client, worker.username).status_code == 302
        traveller.shift(timedelta(seconds=61))
        assert session_writes(client) == 1  # pushed back
        traveller.shift(timedelta(seconds=30))
        assert session_writes(client) == 0  # less than a minute since: not written again
        # The expiry runs from the last write: 15 minutes after it (at most a minute before the last
        # request's 15 minutes), the session is over.
        traveller.shift(timedelta(minutes=14, seconds=31))
        response = client.get(reverse("home"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_logout_is_post_only(client, worker):
    login(client, worker.username)
    response = client.get(reverse("logout"))
    assert response.status_code == 405
    assert client.get(reverse("home")).status_code == 200  # still logged in
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert client.get(reverse("home")).status_code == 302


def test_logout_form_is_in_the_page(client, worker):
    login(client, worker.username)
    page = text(client.get(reverse("home")))
    assert f'<form method="post" action="{reverse("logout")}"' in page


def test_search_of_people_is_never_in_the_audit_as_plain_text(client, worker, person):
    login(client, worker.username)
    client.post(reverse("people:list"), {"nom": person.last_name})
    details = " ".join(AuditEvent.objects.values_list("detail", flat=True))
    assert person.last_name not in details


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("\x00", "x"),
        ("agent\x00", PASSWORD),
        ("x" * 5000, "y" * 5000),
        ("'; DROP TABLE core_user; --", "x"),
        ("", ""),
    ],
)
def test_login_with_garbage_is_not_an_error(username, password, client, worker):
    response = login(client, username, password)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    if username:
        assert response.context["form"].errors  # a French message, never a 500
