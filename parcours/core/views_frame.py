"""The DSFR frame: the footer's mandatory pages (public) and the landing page of a role with no daily task.

The footer's pages answer every visitor, logged in or not (they are linked from every page, the login page
included). Their text is in the templates; the figures and the service's details they quote come from the
settings (docs/environnement.md), so that each deployment says true things about itself.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.utils.decorators import method_decorator
from django.views.generic import RedirectView, TemplateView

from .views_base import ActorRequiredMixin

# The date the accessibility statement was written (RGAA 4.1, « déclaration d'accessibilité »: the
# statement carries its date and is updated after each audit or significant change).
ACCESSIBILITY_STATEMENT_DATE = "2 décembre 2026"


@method_decorator(login_not_required, name="dispatch")
class FramePage(TemplateView):
    """A page of the footer: public, the same for everyone."""

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "operator": settings.PARCOURS_OPERATOR,
            "hosting": settings.PARCOURS_HOSTING,
            "help_contact": settings.PARCOURS_HELP_CONTACT,
            "statement_date": ACCESSIBILITY_STATEMENT_DATE,
            "session_idle_minutes": settings.SESSION_COOKIE_AGE // 60,
            "session_max_hours": settings.PARCOURS_SESSION_MAX_AGE_SECONDS // 3600,
        }


class NationalStatsView(ActorRequiredMixin, RedirectView):
    """The national analyst's landing page: its statistics, in the national app (parcours/national). The
    name stays, so that « / » and old links still lead there."""

    permission = "stats.national"
    pattern_name = "national:ranking"
