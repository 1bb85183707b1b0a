from django.shortcuts import redirect
from django.urls import reverse

from .access import SESSION_KEY, actor_for


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


class NoStoreMiddleware:
    """Nothing Django answers is kept by the browser or a proxy: pages show identities to a signed-in user, and
    a shared computer's cache or back button must not show them after logout (static files are served
    before this, by WhiteNoise, and stay cacheable)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response["Cache-Control"] = "no-store"
        response["Pragma"] = "no-cache"  # HTTP/1.0 caches
        return response
