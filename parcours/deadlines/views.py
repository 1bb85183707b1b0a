from django.shortcuts import redirect
from django.utils import timezone
from django.views.generic import TemplateView

from parcours.core.policies import can
from parcours.core.views_base import ActorRequiredMixin, JournaledReadView

from .selectors import board_for


class BoardView(JournaledReadView, ActorRequiredMixin, TemplateView):
    permission = "board.view"
    template_name = "deadlines/board.html"

    def get(self, request, *args, **kwargs):
        # A role with no case to follow lands on its own page: the national analyst on its statistics.
        if can(self.actor, "stats.national"):
            return redirect("core:national_stats")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        sections = board_for(self.actor, today)
        groups = [{"section": s, "overdue": s.overdue_count(today)} for s in sections if s.count]
        return {
            "nav": "home",
            "sections": sections,
            "groups": groups,
            "total": sum(s.count for s in sections),
            "today": today,
        }
