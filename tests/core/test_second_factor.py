"""The second factor (finding 9, "no second factor for any role"): enrolment, the code at login, recovery
codes, step-up before downloads and role changes, the mandatory policy, and a wrong code in the lockout."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from parcours.core import second_factor as sf
from parcours.core.models import AuditEvent
from tests.factories import PASSWORD
from tests.views.helpers import World

pytestmark = pytest.mark.django_db

STEP = timedelta(seconds=31)  # a TOTP code is accepted once: the next one is for the next 30-second window


def text(response) -> str:
    return html.unescape(response.content.decode())


def words(response) -> str:
    """The page's text without its tags, on one line."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


def code_of(device: TOTPDevice) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def login(client, user, password=PASSWORD, next_url=""):
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": user.username, "password": password})


def enrol(user) -> tuple[TOTPDevice, list[str]]:
    """An account with a confirmed app and its recovery codes, through the services."""
    device = sf.start_enrolment(user=user)
    codes = sf.confirm_enrolment(actor=None, user=user, device=device, code=code_of(device))
    return device, codes


def stay_signed_in(client, traveller, *, minutes, seconds=0):
    """Let `minutes` pass while the user keeps working (a page every 5 minutes), so that the session's idle
    limit does not end it before the step-up delay is reached."""
    for _ in range(minutes // 5):
        traveller.shift(timedelta(minutes=5))
        response = client.get(reverse("second_factor"))
        assert response.status_code == 200, response.get("Location")
    traveller.shift(timedelta(minutes=minutes % 5, seconds=seconds))


def verify(client, code, next_url=""):
    return client.post(reverse("second_factor_verify"), {"code": code, "next": next_url})


def audit_details(user) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_id=str(user.public_id))
        .order_by("at", "pk")
        .values_list("detail", flat=True)
    )


@pytest.fixture
def worker(actors):
    return actors["association_worker"].user


@pytest.fixture
def traveller():
    with time_machine.travel(timezone.now(), tick=False) as t:
        yield t


# --- Enrolment ---------------------------------------------------------------------------------------------


def test_enrolment_page_shows_a_qr_code_and_the_key_and_confirms_with_a_code(client, worker, traveller):
    assert login(client, worker).status_code == 302
    page = client.get(reverse("second_factor_enrol"))
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("max-age=0") or "no-store" in page["Cache-Control"]
    body = text(page)
    assert 'src="data:image/svg+xml' in body  # inline SVG data URI: allowed by the CSP (img-src data:)
    device = TOTPDevice.objects.get(user=worker, confirmed=False)
    secret = "".join(re.search(r'data-testid="secret"><code>([A-Z2-7 ]+)</code>', body).group(1).split())
    assert TOTP(device.bin_key).token() == TOTP(__import__("base64").b32decode(secret)).token()

    wrong = client.post(
        reverse("second_factor_enrol"), {"code": "000000" if code_of(device) != "000000" else "111111"}
    )
    assert wrong.status_code == 200
    assert "Code incorrect" in text(wrong)
    assert not TOTPDevice.objects.filter(user=worker, confirmed=True).exists()

    done = client.post(
        reverse("second_factor_enrol"), {"code": code_of(device), "next": reverse("people:list")}
    )
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", text(done))
    assert len(codes) == settings.PARCOURS_2FA_RECOVERY_CODES == 10
    assert "ne seront plus jamais affichés" in text(done)
    assert "second facteur activé (application et codes de secours)" in audit_details(worker)
    # Shown once: the page of the second factor no longer shows them, only how many are left.
    manage = client.get(reverse("second_factor"))
    assert codes[0] not in text(manage)
    assert "Il vous reste 10 codes de secours" in words(manage)


def test_enrolment_page_keeps_the_same_key_when_reloaded(client, worker):
    login(client, worker)
    client.get(reverse("second_factor_enrol"))
    client.get(reverse("second_factor_enrol"))
    assert TOTPDevice.objects.filter(user=worker).count() == 1


# --- The code at login -----------------------------------------------------------------------------------


def test_login_asks_for_the_code_before_anything_else(client, worker, traveller):
    device, _ = enrol(worker)
    traveller.shift(STEP)
    response = login(client, worker, next_url=reverse("people:list"))
    assert response.status_code == 302
    # Whatever the page asked for, the code comes first.
    for url in (
        reverse("home"),
        reverse("people:list"),
        reverse("choose_membership"),
        reverse("second_factor"),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("second_factor_verify")), url
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Saisissez le code affiché par votre application" in text(page)

    response = verify(client, code_of(device), reverse("people:list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("people:list")
    assert client.get(reverse("people:list")).status_code == 200
    assert "second facteur vérifié" in audit_details(worker)


def test_the_session_id_changes_when_the_code_is_given(client, worker, traveller):
    device, _ = enrol(worker)
    traveller.shift(STEP)
    login(client, worker)
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    verify(client, code_of(device))
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != before


def test_an_account_without_a_second_factor_logs_in_with_the_password_when_it_is_not_mandatory(
    client, worker
):
    assert settings.PARCOURS_2FA_MANDATORY is False  # tests, like the demo (dev settings)
    login(client, worker)
    assert client.get(reverse("home")).status_code == 200


def test_a_recovery_code_works_once(client, worker, traveller):
    _, codes = enrol(worker)
    login(client, worker)
    response = verify(client, codes[0].upper()[:4] + "-" + codes[0].upper()[4:])  # as a user may type it
    assert response.status_code == 302
    assert "second facteur : code de secours utilisé (9 restants)" in audit_details(worker)
    assert client.get(reverse("home")).status_code == 200

    other = Client()
    login(other, worker)
    response = verify(other, codes[0])
    assert response.status_code == 200
    assert "Code incorrect" in text(response)
    assert audit_details(worker)[-1] == "second facteur : code refusé"


@pytest.mark.parametrize(
    "garbage", ["\x00", "x" * 5000, "' OR 1=1 --", "12345", "１２３４５６", "<script>", " "]
)
def test_garbage_codes_answer_a_french_error(client, worker, garbage):
    enrol(worker)
    login(client, worker)
    response = verify(client, garbage)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert client.get(reverse("home")).status_code == 302  # still not through


# --- Lockout: a wrong code counts as a failed login -------------------------------------------------------


def test_wrong_codes_lock_the_account_like_wrong_passwords(client, worker, traveller):
    device, _ = enrol(worker)
    traveller.shift(STEP)
    login(client, worker)
    wrong = "000000" if code_of(device) != "000000" else "111111"
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = verify(client, wrong)
        assert response.status_code == 200, attempt
        assert "Code incorrect" in text(response)
    response = verify(client, wrong)  # the fifth failure locks
    assert response.status_code == 429
    assert "Connexion temporairement bloquée" in text(response)
    assert client.get(reverse("home")).status_code == 302  # logged out
    # Even the right password then the right code are refused now.
    response = login(Client(), worker)
    assert response.status_code == 429
    assert audit_details(worker).count("second facteur : code refusé") == settings.AXES_FAILURE_LIMIT


def test_the_right_password_does_not_wipe_the_count_of_wrong_codes(client, worker, traveller):
    """Otherwise whoever holds the password could try four codes, log in again, and try four more."""
    device, _ = enrol(worker)
    traveller.shift(STEP)
    wrong = "000000" if code_of(device) != "000000" else "111111"
    login(client, worker)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        verify(client, wrong)
    again = Client()
    assert login(again, worker).status_code == 302
    assert verify(again, wrong).status_code == 429


def test_the_count_is_reset_once_the_code_is_given(client, worker, traveller):
    device, _ = enrol(worker)
    traveller.shift(STEP)
    login(client, worker)
    wrong = "000000" if code_of(device) != "000000" else "111111"
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        verify(client, wrong)
    assert verify(client, code_of(device)).status_code == 302
    traveller.shift(STEP)
    other = Client()
    login(other, worker)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert verify(other, wrong).status_code == 200


# --- Mandatory policy (production) -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role",
    [
        "secretariat",
        "signatory",
        "immigration",
        "association_worker",
        "association_manager",
        "partner_advisor",
        "admin",
    ],
)
def test_when_mandatory_a_role_that_sees_people_enrols_before_anything_else(settings, actors, role):
    settings.PARCOURS_2FA_MANDATORY = True
    client = Client()
    login(client, actors[role].user)
    for url in (reverse("home"), reverse("choose_membership")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("second_factor_enrol")), url
    page = client.get(response["Location"])
    assert "la double authentification est obligatoire avant de continuer" in text(page)


@pytest.mark.parametrize("role", ["commission_member", "national_analyst"])
def test_when_mandatory_roles_that_never_see_a_person_are_offered_it_only(settings, actors, role):
    settings.PARCOURS_2FA_MANDATORY = True
    client = Client()
    login(client, actors[role].user)
    response = client.get(reverse("home"), follow=True)  # the analyst lands on its statistics page
    assert response.status_code == 200
    assert (
        "second_factor" not in response.request["PATH_INFO"]
        and "double-authentification" not in (response.request["PATH_INFO"])
    )


def test_production_makes_it_mandatory_and_the_demo_only_offers_it():
    from config.settings import base

    prod = (base.BASE_DIR / "config" / "settings" / "prod.py").read_text()
    dev = (base.BASE_DIR / "config" / "settings" / "dev.py").read_text()
    assert "PARCOURS_2FA_MANDATORY = True" in prod
    assert base.PARCOURS_2FA_MANDATORY is False and "PARCOURS_2FA_MANDATORY" not in dev


def test_a_mandatory_second_factor_cannot_be_switched_off(settings, client, worker, traveller):
    settings.PARCOURS_2FA_MANDATORY = True
    device, _ = enrol(worker)
    traveller.shift(STEP)
    login(client, worker)
    verify(client, code_of(device))
    traveller.shift(STEP)
    response = client.post(reverse("second_factor_disable"), {"desactiver-code": code_of(device)})
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=worker, confirmed=True).exists()


# --- Disabling and replacing need a current code ----------------------------------------------------------


def test_disabling_needs_a_current_code(client, worker, traveller):
    device, _ = enrol(worker)
    traveller.shift(STEP)
    login(client, worker)
    verify(client, code_of(device))
    traveller.shift(STEP)
    wrong = "000000" if code_of(device) != "000000" else "111111"
    response = client.post(reverse("second_factor_disable"), {"desactiver-code": wrong})
    assert response.status_code == 200
    assert "Code incorrect" in text(response)
    assert TOTPDevice.objects.filter(user=worker, confirmed=True).exists()
    response = client.post(reverse("second_factor_disable"), {"desactiver-code": code_of(device)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=worker).exists()
    assert "second facteur désactivé" in audit_details(worker)
    assert client.get(reverse("home")).status_code == 200


def test_replacing_the_app_needs_a_current_code_then_a_new_enrolment(client, worker, traveller):
    device, _ = enrol(worker)
    traveller.shift(STEP)
    login(client, worker)
    verify(client, code_of(device))
    traveller.shift(STEP)
    response = client.post(reverse("second_factor_replace"), {"remplacer-code": code_of(device)})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("second_factor_enrol"))
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert client.get(response["Location"]).status_code == 200


# --- Step-up: a fresh code before downloads naming people and role changes -------------------------------


@pytest.fixture
def world(departement, association, other_association, actors):
    return World(departement, association, other_association, actors)


def test_a_download_naming_people_asks_for_a_fresh_code(client, world, actors, traveller):
    worker = actors["association_worker"].user
    device, _ = enrol(worker)
    traveller.shift(STEP)
    login(client, worker)
    verify(client, code_of(device))
    url = reverse(
        "pathways:document_download",
        kwargs={"pk": world.active_pathway.public_id, "document": world.active_document.public_id},
    )
    assert client.get(url).status_code == 200  # just verified
    stay_signed_in(client, traveller, minutes=settings.PARCOURS_2FA_STEP_UP_MINUTES, seconds=1)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("second_factor_verify"))
    page = client.get(response["Location"])
    assert "Confirmez votre identité" in text(page)
    response = verify(client, code_of(device), url)
    assert response["Location"] == url
    assert client.get(url).status_code == 200


def test_choosing_another_membership_asks_for_a_fresh_code(client, actors, traveller):
    from tests.factories import MembershipFactory

    worker = actors["association_worker"]
    second = MembershipFactory(
        user=worker.user, organisation=actors["partner_advisor"].organisation, role="partner_advisor"
    )
    device, _ = enrol(worker.user)
    traveller.shift(STEP)
    login(client, worker.user)
    verify(client, code_of(device))
    stay_signed_in(client, traveller, minutes=settings.PARCOURS_2FA_STEP_UP_MINUTES + 1)
    response = client.post(reverse("choose_membership"), {"membership": second.public_id})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("second_factor_verify"))
    assert client.session.get("parcours_membership") is None  # nothing changed
    verify(client, code_of(device))
    response = client.post(reverse("choose_membership"), {"membership": second.public_id})
    assert client.session["parcours_membership"] == str(second.public_id)


def test_an_administrators_membership_change_asks_for_a_fresh_code(client, actors, traveller):
    admin = actors["admin"].user
    target = actors["commission_member"].membership
    device, _ = enrol(admin)
    traveller.shift(STEP)
    login(client, admin)
    verify(client, code_of(device))
    stay_signed_in(client, traveller, minutes=settings.PARCOURS_2FA_STEP_UP_MINUTES + 1)
    response = client.post(reverse("core:membership_toggle", kwargs={"pk": target.public_id}))
    assert response["Location"].startswith(reverse("second_factor_verify"))
    target.refresh_from_db()
    assert target.active is True
    verify(client, code_of(device))
    client.post(reverse("core:membership_toggle", kwargs={"pk": target.public_id}))
    target.refresh_from_db()
    assert target.active is False


def test_the_operator_can_remove_a_lost_second_factor(worker):
    from django.core.management import call_command

    enrol(worker)
    call_command("reset_second_factor", worker.username, stdout=__import__("io").StringIO())
    assert not TOTPDevice.objects.filter(user=worker).exists()
    assert audit_details(worker)[-1] == "second facteur réinitialisé par l'exploitant"
