"""Logins, logouts and failed logins in the journal, from Django's auth signals (the login view itself is
left alone: a second factor step may sit in it). Never a password; a username only when it is an account's
(staff identities are not protected people's)."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from .models import User
from .services import record_account_event

LOGIN_AT_KEY = "parcours_login_at"  # session key: when the session was opened (absolute lifetime)
# Session key: when the session was last written, pushing its idle expiry back (middleware.SessionLifetime).
TOUCHED_AT_KEY = "parcours_touched_at"
LOGOUT_REASON_ATTR = "parcours_logout_reason"  # request attribute set by whoever logs a user out


@receiver(user_logged_in, dispatch_uid="parcours_login_journal")
def on_login(sender, request, user, **kwargs):
    # django.contrib.auth.login() has already given the session a new key (cycle_key) at this point.
    if request is not None and hasattr(request, "session"):
        now = timezone.now().timestamp()
        request.session[LOGIN_AT_KEY] = now
        request.session[TOUCHED_AT_KEY] = now  # written with the login: the next minute's pages do not write
    record_account_event(user, "login", detail="connexion")


@receiver(user_logged_out, dispatch_uid="parcours_logout_journal")
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        reason = getattr(request, LOGOUT_REASON_ATTR, "") if request is not None else ""
        record_account_event(user, "logout", detail=reason or "déconnexion")


@receiver(user_login_failed, dispatch_uid="parcours_login_failed_journal")
def on_login_failed(sender, credentials, request=None, **kwargs):
    if credentials.get("parcours_second_factor"):  # a wrong code: the second factor journals it itself
        return
    username = credentials.get("username") or ""
    user = None
    if isinstance(username, str) and 0 < len(username) <= 150 and "\x00" not in username:
        user = User.objects.filter(username=username).first()
    # An unknown name is not stored: it may be a mistyped password, or someone's identity.
    record_account_event(
        user, "login_failed", detail="échec de connexion" if user else "identifiant inconnu", by_user=False
    )
