"""The surveyed structure's questionnaire, reached through its invitation link (no account needed): the link
binds the session (see `link.py`), this page's address carries no token."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import View

from parcours.core.views_base import apply_errors

from .. import questionnaire, services
from ..forms import SurveyForm
from .link import BoundParticipantMixin


@method_decorator([login_not_required, never_cache], name="dispatch")
class RespondView(BoundParticipantMixin, View):
    template_name = "diagnostic/respond.html"

    def render_page(self, request, participant, form):
        return render(
            request,
            self.template_name,
            {
                "nav": "",
                "participant": participant,
                "campaign": participant.campaign,
                "form": form,
                "key_list": getattr(participant, "key_list", None),
                **questionnaire.rows(participant.answers.get),
            },
        )

    def get(self, request):
        participant = self.participant
        form = SurveyForm(initial=participant.answers) if participant.campaign.accepts_answers else None
        return self.render_page(request, participant, form)

    def post(self, request):
        participant = self.participant
        if not participant.campaign.accepts_answers:
            messages.error(request, "La campagne n'est pas ouverte : les réponses ne sont plus acceptées.")
            return redirect("diagnostic:respond")
        form = SurveyForm(request.POST)
        if form.is_valid():
            try:
                services.submit_answers(participant, form.cleaned_data, user=request.user)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    "Merci : votre réponse est enregistrée. Vous pouvez la corriger jusqu'à la clôture de la "
                    "campagne.",
                )
                return redirect("diagnostic:respond")
        return self.render_page(request, participant, form)
