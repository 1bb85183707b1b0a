"""The association records the day it handed the person's letter over (the notification date)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views import View

from parcours.core.views_base import ActorRequiredMixin, apply_errors
from parcours.people.selectors import read_person_data

from .. import services
from ..forms import LetterHandoverForm
from ..models import Letter
from ..selectors import letters_visible_to


def _letter(actor, pk, detail: str):
    return read_person_data(
        actor,
        letters_visible_to(actor)
        .filter(addressee=Letter.Addressee.PERSON)
        .select_related("decision__pathway__person"),
        pk,
        person_of=lambda letter: letter.decision.pathway.person,
        detail=detail,
    )


class LetterHandoverView(ActorRequiredMixin, View):
    permission = "commission.letter_handover"
    template_name = "commission/letter_handover.html"

    def _render(self, request, letter, form, status=200):
        return render(
            request,
            self.template_name,
            {"letter": letter, "person": letter.decision.pathway.person, "form": form},
            status=status,
        )

    def get(self, request, pk):
        letter = _letter(self.actor, pk, "remise du courrier de notification")
        return self._render(request, letter, LetterHandoverForm())

    def post(self, request, pk):
        letter = _letter(self.actor, pk, "remise du courrier de notification (enregistrement)")
        form = LetterHandoverForm(request.POST)
        if form.is_valid():
            try:
                letter = services.record_letter_handover(actor=self.actor, letter=letter, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"Remise du courrier de la décision n° {letter.decision.reference} enregistrée : "
                    f"notifiée le {letter.notified_on:%d/%m/%Y}, recours possible jusqu'au "
                    f"{letter.appeal_deadline:%d/%m/%Y}.",
                )
                return redirect("home")
        return self._render(request, letter, form)
