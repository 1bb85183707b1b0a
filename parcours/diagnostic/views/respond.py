"""The surveyed structure's pages, reached through its invitation link (no account needed)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views.generic import View

from parcours.core.views_base import apply_errors

from .. import questionnaire, services
from ..forms import SurveyForm
from ..models import Participant


def participant_or_404(token: str) -> Participant:
    participant = services.participant_from_token(token)
    if participant is None:
        raise Http404
    return participant


@method_decorator(login_not_required, name="dispatch")
class RespondView(View):
    template_name = "diagnostic/respond.html"

    def render_page(self, request, participant, token, form):
        return render(
            request,
            self.template_name,
            {
                "nav": "",
                "participant": participant,
                "campaign": participant.campaign,
                "token": token,
                "form": form,
                "key_list": getattr(participant, "key_list", None),
                **questionnaire.rows(participant.answers.get),
            },
        )

    def get(self, request, token):
        participant = participant_or_404(token)
        form = SurveyForm(initial=participant.answers) if participant.campaign.accepts_answers else None
        return self.render_page(request, participant, token, form)

    def post(self, request, token):
        participant = participant_or_404(token)
        if not participant.campaign.accepts_answers:
            messages.error(request, "La campagne n'est pas ouverte : les réponses ne sont plus acceptées.")
            return redirect("diagnostic:respond", token=token)
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
                return redirect("diagnostic:respond", token=token)
        return self.render_page(request, participant, token, form)
