from django.conf import settings
from django.contrib import auth, messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from .access import SESSION_KEY, actor_for
from .signals import LOGIN_AT_KEY, LOGOUT_REASON_ATTR


class SessionLifetimeMiddleware:
    """End a session PARCOURS_SESSION_MAX_AGE_SECONDS after its login, however active it was (the idle
    limit is SESSION_COOKIE_AGE, pushed back at every request). The login time is stored in the session at
    login (signals.on_login); a session without it is given the current time."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            started = request.session.get(LOGIN_AT_KEY)
            if not isinstance(started, int | float):
                request.session[LOGIN_AT_KEY] = now
            elif now - started > settings.PARCOURS_SESSION_MAX_AGE_SECONDS:
                setattr(request, LOGOUT_REASON_ATTR, "fin de session : durée maximale atteinte")
                auth.logout(request)
                hours = settings.PARCOURS_SESSION_MAX_AGE_SECONDS // 3600
                messages.info(
                    request, f"Votre session a atteint sa durée maximale ({hours} h) : reconnectez-vous."
                )
        return self.get_response(request)


class ActorMiddleware:
    """Attach `request.actor`; send a user with several memberships to choose one first."""

    EXEMPT_PREFIXES = ("/compte/", "/static/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.actor = None
        if request.user.is_authenticated:
            request.actor = actor_for(request.user, request.session.get(SESSION_KEY))
            if request.actor is None and not request.path.startswith(self.EXEMPT_PREFIXES):
                return redirect(reverse("choose_membership") + "?next=" + request.path)
        return self.get_response(request)
