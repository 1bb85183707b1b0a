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
