from django.conf import settings
from django.contrib import auth, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from . import audit
from .access import SESSION_KEY, actor_for
from .signals import LOGIN_AT_KEY, LOGOUT_REASON_ATTR, TOUCHED_AT_KEY


class SessionLifetimeMiddleware:
    """End a session PARCOURS_SESSION_MAX_AGE_SECONDS after its login, however active it was. The idle limit
    is SESSION_COOKIE_AGE, pushed back by a request when the session was last written more than
    PARCOURS_SESSION_TOUCH_SECONDS ago (the session is saved when modified: one write a minute at most, not
    one per page). The login time is stored in the session at login (signals.on_login); a session without it
    is given the current time."""

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
        # Any open session (signed in, or a structure's invitation link in the diagnostic): its idle expiry
        # pushed back once a minute at most (modified, hence saved).
        session = request.session
        touched = session.get(TOUCHED_AT_KEY)  # loads it: an unknown or expired key becomes None
        if session.session_key is not None:
            now = timezone.now().timestamp()
            if (
                not isinstance(touched, int | float)
                or now - touched >= settings.PARCOURS_SESSION_TOUCH_SECONDS
            ):
                session[TOUCHED_AT_KEY] = now
        return self.get_response(request)


class ActorMiddleware:
    """Attach `request.actor`; send a user with several memberships to choose one first."""

    EXEMPT_PREFIXES = ("/compte/", "/static/", "/sante/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.actor = None
        if request.user.is_authenticated:
            request.actor = actor_for(request.user, request.session.get(SESSION_KEY))
            if request.actor is None and not request.path.startswith(self.EXEMPT_PREFIXES):
                return redirect(reverse("choose_membership") + "?next=" + request.path)
        return self.get_response(request)


class NoStoreMiddleware:
    """Nothing Django answers is kept by the browser or a proxy: pages show identities to a signed-in user,
    and a shared computer's cache or back button must not show them after logout (static files are served
    before this, by WhiteNoise, and stay cacheable)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response["Cache-Control"] = "no-store"
        response["Pragma"] = "no-cache"  # HTTP/1.0 caches
        return response


class RefusalJournalMiddleware:
    """Every refused attempt of a signed-in actor is journaled: a 403 (the role lacks the permission) or a
    404 (unknown id, or an object outside the actor's scope), against the requested object id. The view's
    transaction is already rolled back when the exception reaches here (ATOMIC_REQUESTS), so the event is
    written on its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        actor = getattr(request, "actor", None)
        if actor is None or not isinstance(exception, Http404 | PermissionDenied):
            return None
        match = request.resolver_match
        kwargs = match.kwargs if match else {}
        requested = str(kwargs.get("pk", list(kwargs.values())[-1] if kwargs else ""))
        status = 403 if isinstance(exception, PermissionDenied) else 404
        audit.record_refusal(
            actor,
            object_type=getattr(exception, "object_type", ""),
            object_id=getattr(exception, "object_id", "") or requested,
            detail=f"{status} {match.view_name if match else request.path}"
            + (f" ({exception.detail})" if getattr(exception, "detail", "") else ""),
        )
        return None


class StorageFullMiddleware:
    """A full file store (disk, quota) answers 507 with a French page instead of a 500. The view's transaction
    is already rolled back when the exception reaches here (ATOMIC_REQUESTS): no row points at a file that
    was not written, and the storage removed the part it had written (parcours.core.storage)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from .storage import StorageFull

        if not isinstance(exception, StorageFull):
            return None
        return render(request, "storage_full.html", {"message": StorageFull.message}, status=507)
