"""The second factor: TOTP (django-otp) with single-use recovery codes.

When it is asked (docs/permissions.md, "Authentification"; ADR 0007):
- at login, after the password and before anything else, for every account that has one;
- for an account whose role sees people (or an administrator) without one, when PARCOURS_2FA_MANDATORY is on
  (production): enrolment comes first;
- again (step-up) before a download naming people and before any role change, when the last verification is
  older than PARCOURS_2FA_STEP_UP_MINUTES.

A wrong code is a failed login for django-axes (the same limit locks the account), and every enrolment,
verification, refusal, use of a recovery code and deactivation is an audit event against the account.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_credentials
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit
from .access import Actor
from .models import Membership, User
from .roles import SECOND_FACTOR_ROLES

# Session keys: the state of the second factor in this session, and when it was last proven.
SESSION_STATE = "parcours_2fa_state"
SESSION_VERIFIED_AT = "parcours_2fa_verified_at"
OK, VERIFY, ENROL = "ok", "verify", "enrol"

TOTP_NAME = "Application d'authentification"
RECOVERY_NAME = "Codes de secours"

WRONG_CODE = (
    "Code incorrect. Vérifiez l'heure de votre téléphone et saisissez le code affiché, ou un code de secours."
)


# --- Policy ------------------------------------------------------------------------------------------------


def is_required(user: User) -> bool:
    """Mandatory for this account: the setting is on and one of its active roles sees people (or is admin)."""
    return bool(settings.PARCOURS_2FA_MANDATORY) and (
        Membership.objects.active().filter(user=user, role__in=SECOND_FACTOR_ROLES).exists()
    )


def has_second_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def state_for(user: User) -> str:
    """What the session of a user who has just given a password still needs."""
    if has_second_factor(user):
        return VERIFY
    if is_required(user):
        return ENROL
    return OK


def session_state(request) -> str:
    state = request.session.get(SESSION_STATE)
    if state not in (OK, VERIFY, ENROL):  # a session opened otherwise than by a login: decide now
        state = state_for(request.user)
        request.session[SESSION_STATE] = state
    return state


def mark_verified(request, device=None) -> None:
    """The second factor was just proven: a new session id (more rights now), and the time, for step-up."""
    request.session.cycle_key()
    request.session[SESSION_STATE] = OK
    request.session[SESSION_VERIFIED_AT] = time.time()
    if device is not None:
        otp_login(request, device)


def reset_state(request) -> None:
    """After a deactivation or before a re-enrolment: decide again from the account."""
    request.session.pop(SESSION_VERIFIED_AT, None)
    request.session[SESSION_STATE] = state_for(request.user)


def needs_step_up(request) -> bool:
    """A session that proved a second factor must prove it again if that is older than the step-up delay.
    A session without one (an account that has none and for which it is not mandatory) is never asked."""
    verified_at = request.session.get(SESSION_VERIFIED_AT)
    if verified_at is None:
        return False
    return time.time() - float(verified_at) > settings.PARCOURS_2FA_STEP_UP_MINUTES * 60


def safe_next(request, default: str = "") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default or reverse("home")


def verify_url(next_url: str) -> str:
    return reverse("second_factor_verify") + "?" + urlencode({"next": next_url})


def enrol_url(next_url: str) -> str:
    return reverse("second_factor_enrol") + "?" + urlencode({"next": next_url})


# --- Services (each atomic and audited) ---------------------------------------------------------------


def account_actor(request, user: User) -> Actor | None:
    """Who the audit event is about: the chosen membership, else the account's first active one."""
    actor = getattr(request, "actor", None)
    if actor is not None and actor.user.pk == user.pk:
        return actor
    membership = (
        Membership.objects.active().filter(user=user).select_related("organisation__departement").first()
    )
    return Actor(user=user, membership=membership) if membership else None


@transaction.atomic
def start_enrolment(*, user: User) -> TOTPDevice:
    """The pending (unconfirmed) TOTP device of the account, created once: reloading the page keeps the QR
    code the user may already have scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


@transaction.atomic
def confirm_enrolment(*, actor: Actor | None, user: User, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the pending device with a code it shows; replace any previous factor; return the recovery
    codes (shown once, never again)."""
    if device.user_id != user.pk or device.confirmed or not device.verify_token(code):
        raise ValidationError({"code": WRONG_CODE})
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    StaticDevice.objects.filter(user=user).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    recovery = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.PARCOURS_2FA_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=recovery, token=code) for code in codes])
    audit.record(actor, "create", user, detail="second facteur activé (application et codes de secours)")
    return codes


@transaction.atomic
def check_code(*, actor: Actor | None, user: User, code: str):
    """The device that accepts `code` (the app's 6 digits, or a recovery code, then spent), or None.
    Either way an audit event: verified, recovery code used (with how many are left), or refused."""
    device = None
    if code.isdigit():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    else:
        device = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if device is None or not device.verify_token(code):
        audit.record(actor, "login", user, detail="second facteur : code refusé")
        return None
    if isinstance(device, StaticDevice):
        left = device.token_set.count()
        audit.record(
            actor, "login", user, detail=f"second facteur : code de secours utilisé ({left} restants)"
        )
    else:
        audit.record(actor, "login", user, detail="second facteur vérifié")
    return device


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def remove_second_factor(*, actor: Actor | None, user: User, reason: str) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit.record(actor, "update", user, detail=reason)


# --- Lockout: a wrong code is a failed login --------------------------------------------------------------


class AxesHandler(AxesDatabaseHandler):
    """django-axes' database handler, except that a right password is not yet a success for an account with a
    second factor: the failure count (wrong codes included) is reset only once the code is given."""

    def user_logged_in(self, sender, request, user, **kwargs):
        if has_second_factor(user) and request.session.get(SESSION_STATE) != OK:
            return
        super().user_logged_in(sender, request, user, **kwargs)

    def second_factor_passed(self, request, user) -> None:
        super().user_logged_in(None, request, user)


def is_locked(request, user: User) -> bool:
    return AxesProxyHandler.is_locked(request, get_credentials(user.get_username()))


SECOND_FACTOR_CREDENTIAL = "parcours_second_factor"


def count_failure(request, user: User) -> bool:
    """Record a wrong code as a failed login; True when that locks the account out."""
    # SECOND_FACTOR_CREDENTIAL: the journal of failed logins (core.signals) leaves this one to us, since the
    # verification view records its own, more precise event ("second facteur : code refusé").
    user_login_failed.send(
        sender=__name__,
        credentials={"username": user.get_username(), SECOND_FACTOR_CREDENTIAL: True},
        request=request,
    )
    return bool(getattr(request, "axes_locked_out", False))


def count_success(request, user: User) -> None:
    AxesProxyHandler.update_request(request)
    handler = AxesProxyHandler.get_implementation()
    if isinstance(handler, AxesHandler):
        handler.second_factor_passed(request, user)


@receiver(user_logged_in)
def _decide_at_login(sender, request, user, **kwargs):
    """Every login (password, ProConnect, force_login) starts a session that has proven nothing more."""
    if request is not None and hasattr(request, "session"):
        request.session.pop(SESSION_VERIFIED_AT, None)
        request.session[SESSION_STATE] = state_for(user)


# --- Enforcement -------------------------------------------------------------------------------------------


class SecondFactorMiddleware:
    """Before anything else: a session that still owes its code goes to the verification page, an account that
    must enrol goes to enrolment. Only those pages, logging out and static files are reachable meanwhile."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt: tuple[str, ...] | None = None

    def exempt(self) -> tuple[str, ...]:
        if self._exempt is None:
            self._exempt = (
                reverse("second_factor_verify"),
                reverse("second_factor_enrol"),
                reverse("logout"),
                reverse("health"),
                settings.STATIC_URL,
            )
        return self._exempt

    def __call__(self, request):
        if request.user.is_authenticated and not request.path.startswith(self.exempt()):
            state = session_state(request)
            if state == VERIFY:
                return redirect(verify_url(request.get_full_path()))
            if state == ENROL:
                return redirect(enrol_url(request.get_full_path()))
        return self.get_response(request)


class StepUpMixin:
    """For a view that downloads a file naming people or changes a role: a fresh code first, if the last one
    is older than PARCOURS_2FA_STEP_UP_MINUTES. Put it after ActorRequiredMixin (permission first)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and needs_step_up(request):
            if request.method in ("GET", "HEAD"):
                back = request.get_full_path()
            else:  # a POST cannot be replayed: back to the page it came from, to do it again
                referer = request.headers.get("referer", "")
                back = (
                    referer
                    if url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()})
                    else reverse("home")
                )
                messages.info(
                    request, "Action non effectuée : confirmez d'abord votre identité, puis recommencez."
                )
            return redirect(verify_url(back))
        return super().dispatch(request, *args, **kwargs)
