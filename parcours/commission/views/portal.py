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
from django.urls import reverse
from django.utils.text import slugify
from django.views.generic import TemplateView, View

from parcours.core import audit
from parcours.core.forms import DsfrBaseForm
from parcours.core.views_base import ActorRequiredMixin, altered_file_response, pdf_response
from parcours.documents import services as documents_services
from parcours.people.selectors import read_person_data

from .. import rules, selectors, services, summaries
from ..forms import BallotForm
from ..models import AgendaItem, Ballot, Convocation, Mandate, MeetingKind, MeetingState, Recusal

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


def meeting_context(
    actor, convocation: Convocation, form: AnswerForm | None = None, ballot_form=None, failed_item=None
) -> dict:
    meeting = convocation.meeting
    can_answer = meeting.state == MeetingState.CONVENED
    if can_answer and form is None:
        initial = {} if convocation.answer == Convocation.Answer.PENDING else {"answer": convocation.answer}
        form = AnswerForm(initial=initial, convocation=convocation)
    items = agenda(convocation)
    voting = services.voting_open(meeting) and convocation.answer != Convocation.Answer.SUBSTITUTE
    if meeting.is_written:
        mine = dict(convocation.ballots.values_list("item_id", "choice"))
        for item in items:
            item.my_vote = Ballot.Choice(mine[item.pk]).label if item.pk in mine else ""
            if voting and item.kind == AgendaItem.Kind.REQUEST and not item.recused:
                item.ballot_form = (
                    ballot_form
                    if failed_item is not None and failed_item.pk == item.pk
                    else BallotForm(
                        auto_id=f"vote_{item.public_id.hex[:8]}_%s",
                        initial={"choice": mine.get(item.pk, "")},
                    )
                )
    return {
        "nav": "portal",
        "convocation": convocation,
        "meeting": meeting,
        "items": items,
        "voting": voting,
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


class PortalVoteView(ActorRequiredMixin, View):
    """POST only: the member's vote on a request of a written consultation, until it closes (a new vote
    replaces the previous one). 404 for an item the member recused themselves from or cannot see."""

    permission = "commission.portal"

    def post(self, request, meeting, item):
        convocation = selectors.get_member_convocation_or_404(self.actor, meeting)
        target = selectors._get_or_404(
            selectors.visible_items(convocation).filter(kind=AgendaItem.Kind.REQUEST), item
        )
        form = BallotForm(request.POST, auto_id=f"vote_{target.public_id.hex[:8]}_%s")
        if form.is_valid():
            try:
                services.cast_ballot(
                    actor=self.actor, convocation=convocation, item=target, choice=form.cleaned_data["choice"]
                )
            except ValidationError as exc:
                if not hasattr(exc, "error_dict"):
                    messages.error(request, " ".join(exc.messages))
                    return redirect("commission:portal_meeting", meeting=meeting)
                form.add_error("choice", exc.messages)
            else:
                messages.success(request, f"Votre vote sur « {target.title} » est enregistré.")
                return redirect(
                    reverse("commission:portal_meeting", kwargs={"meeting": meeting})
                    + f"#point-{target.public_id}"
                )
        audit.record(
            self.actor,
            "view",
            convocation.meeting,
            detail=f"ordre du jour ({_meeting_label(convocation.meeting)})",
        )
        context = meeting_context(self.actor, convocation, ballot_form=form, failed_item=target)
        return render(request, "commission/portal_meeting.html", context)


class PortalMinutesListView(ActorRequiredMixin, TemplateView):
    """« Procès-verbaux »: the frozen minutes of the member's formations, while they hold a mandate."""

    permission = "commission.portal"
    template_name = "commission/portal_minutes.html"

    def get_context_data(self, **kwargs):
        return {"nav": "portal", "minutes_list": list(selectors.member_minutes(self.actor))}


class PortalMinutesPdfView(ActorRequiredMixin, View):
    """The frozen minutes (PDF): codes only, never an identity; each download is journaled."""

    permission = "commission.portal"

    def get(self, request, minutes):
        record = selectors.get_member_minutes_or_404(self.actor, minutes)
        try:
            content = documents_services.pdf_of(record.document)
        except (documents_services.TamperedDocument, ValidationError):
            return altered_file_response(request)
        audit.record(self.actor, "download", record, detail="procès-verbal figé (espace des membres)")
        return pdf_response(content, f"proces-verbal-{slugify(record.meeting.day.isoformat())}.pdf")
