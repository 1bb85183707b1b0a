"""The member portal: a convened member's meetings, agendas and pseudonymised summaries, for a limited time.

Every read goes through `selectors.member_convocations` (the member's own convocations, in their
département, from the convocation until `rules.PORTAL_DAYS_AFTER_MEETING` days after the meeting): anything
else answers 404. Nothing here reads a person's identity: the agenda shows the items' titles (pseudonymous
codes) and the summary comes from `summaries.summary_for`.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect, render
from django.views.generic import TemplateView, View

from parcours.core import audit
from parcours.core.forms import DsfrBaseForm
from parcours.core.views_base import ActorRequiredMixin
from parcours.people.selectors import read_person_data

from .. import rules, selectors, services, summaries
from ..models import AgendaItem, Convocation, Mandate, MeetingKind, MeetingState, Recusal

ANSWER_CHOICES = [
    (Convocation.Answer.PRESENT, "Je serai présent·e"),
    (Convocation.Answer.SUBSTITUTE, "Je me fais remplacer par mon suppléant·e"),
    (Convocation.Answer.ABSENT, "Je suis excusé·e"),
]


class AnswerForm(DsfrBaseForm):
    answer = forms.ChoiceField(
        label="Votre réponse à la convocation",
        choices=ANSWER_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez une réponse.",
            "invalid_choice": "Choisissez l'une des réponses proposées.",
        },
    )

    def __init__(self, *args, convocation: Convocation, **kwargs):
        super().__init__(*args, **kwargs)
        if convocation.mandate.kind != Mandate.Kind.TITULAR:
            self.fields["answer"].choices = [
                c for c in ANSWER_CHOICES if c[0] != Convocation.Answer.SUBSTITUTE
            ]


def _meeting_label(meeting) -> str:
    return f"séance du {meeting.day:%d/%m/%Y}"


def agenda(convocation: Convocation) -> list[AgendaItem]:
    """The meeting's items in order, each flagged `recused` for this member (one query)."""
    recused = Recusal.objects.filter(item=OuterRef("pk"), mandate=convocation.mandate)
    return list(
        convocation.meeting.items.annotate(recused=Exists(recused))
        .only(
            "public_id", "order", "kind", "title", "description", "meeting_id", "request_id", "situation_id"
        )
        .order_by("order", "id")
    )


def meeting_context(actor, convocation: Convocation, form: AnswerForm | None = None) -> dict:
    meeting = convocation.meeting
    can_answer = meeting.state == MeetingState.CONVENED
    if can_answer and form is None:
        initial = {} if convocation.answer == Convocation.Answer.PENDING else {"answer": convocation.answer}
        form = AnswerForm(initial=initial, convocation=convocation)
    return {
        "nav": "portal",
        "convocation": convocation,
        "meeting": meeting,
        "items": agenda(convocation),
        "can_answer": can_answer,
        "form": form if can_answer else None,
        "wall": summaries.applies_wall(convocation),
        "coordination": meeting.kind == MeetingKind.COORDINATION,
        "legal_basis": rules.SHARING_LEGAL_BASIS,
    }


class PortalHomeView(ActorRequiredMixin, TemplateView):
    """ "Mes séances": the meetings the member is convened to, within the portal window."""

    permission = "commission.portal"
    template_name = "commission/portal_home.html"

    def get_context_data(self, **kwargs):
        return {
            "nav": "portal",
            "convocations": list(selectors.member_convocations(self.actor)),
            "days_after": rules.PORTAL_DAYS_AFTER_MEETING,
        }


class PortalMeetingView(ActorRequiredMixin, TemplateView):
    permission = "commission.portal"
    template_name = "commission/portal_meeting.html"

    def get_context_data(self, **kwargs):
        convocation = selectors.get_member_convocation_or_404(self.actor, self.kwargs["meeting"])
        audit.record(
            self.actor,
            "view",
            convocation.meeting,
            detail=f"ordre du jour ({_meeting_label(convocation.meeting)})",
        )
        return meeting_context(self.actor, convocation)


class PortalAnswerView(ActorRequiredMixin, View):
    """POST only: the member answers their convocation (present, substitute, excused)."""

    permission = "commission.portal"

    def post(self, request, meeting):
        convocation = selectors.get_member_convocation_or_404(self.actor, meeting)
        form = AnswerForm(request.POST, convocation=convocation)
        if convocation.meeting.state != MeetingState.CONVENED:
            messages.error(
                request, "La séance n'attend plus de réponse : votre réponse n'a pas été enregistrée."
            )
            return redirect("commission:portal_meeting", meeting=meeting)
        if form.is_valid():
            try:
                services.answer_convocation(
                    actor=self.actor, convocation=convocation, answer=form.cleaned_data["answer"]
                )
            except ValidationError as exc:
                form.add_error("answer" if hasattr(exc, "error_dict") else None, exc.messages)
            else:
                messages.success(request, "Votre réponse à la convocation est enregistrée.")
                return redirect("commission:portal_meeting", meeting=meeting)
        convocation.refresh_from_db()
        audit.record(
            self.actor,
            "view",
            convocation.meeting,
            detail=f"ordre du jour ({_meeting_label(convocation.meeting)})",
        )
        context = meeting_context(self.actor, convocation, form=form)
        return render(request, "commission/portal_meeting.html", context)


class PortalItemView(ActorRequiredMixin, TemplateView):
    """The pseudonymised summary of a request on the agenda (404 if recused, out of window, not convened)."""

    permission = "commission.portal"
    template_name = "commission/portal_item.html"

    def get_context_data(self, **kwargs):
        convocation = selectors.get_member_convocation_or_404(self.actor, self.kwargs["meeting"])
        # The summary is about a person: read through the audited accessor, journaled against the person.
        item = read_person_data(
            self.actor,
            selectors.visible_items(convocation)
            .filter(kind=AgendaItem.Kind.REQUEST)
            .select_related("request__pathway__person__departement"),
            self.kwargs["item"],
            person_of=lambda item: item.request.pathway.person,
            detail=f"résumé pseudonymisé ({_meeting_label(convocation.meeting)})",
        )
        summary = summaries.summary_for(item, convocation)
        return {
            "nav": "portal",
            "convocation": convocation,
            "meeting": convocation.meeting,
            "item": item,
            "summary": summary,
        }


class PortalSituationView(ActorRequiredMixin, TemplateView):
    """A minor's situation on the agenda of a coordination meeting the member is convened to: pseudonym, age
    band, sex, indicators, transmissions and their feedback, the secretariat's pseudonymised summary and the
    plan. 404 for anyone not convened to that meeting (PSP members included), out of the window, or for any
    other item."""

    permission = "commission.portal"
    template_name = "commission/portal_situation.html"

    def get_context_data(self, **kwargs):
        convocation = selectors.get_member_convocation_or_404(self.actor, self.kwargs["meeting"])
        item = selectors._get_or_404(selectors.visible_situation_items(convocation), self.kwargs["item"])
        # No identity is shown; the read of a minor's situation is journaled all the same (code only).
        audit.record(
            self.actor,
            "view",
            item.situation,
            detail=f"situation pseudonymisée ({_meeting_label(convocation.meeting)})",
        )
        return {
            "nav": "portal",
            "convocation": convocation,
            "meeting": convocation.meeting,
            "item": item,
            "situation": selectors.situation_view(item.situation, upto_meeting=convocation.meeting),
            "legal_basis": rules.SHARING_LEGAL_BASIS,
        }
