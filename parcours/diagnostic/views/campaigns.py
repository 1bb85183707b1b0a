"""The secretariat's campaign pages: preparation, structures, invitations, reminders, answers, closing."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView, View

from parcours.core import audit
from parcours.core.views_base import ActorRequiredMixin, ObjectActionView, apply_errors

from .. import questionnaire, services
from ..forms import AddOrganisationsForm, CampaignForm, ContactForm, ReportVersionForm, StructureForm
from ..models import Campaign, CampaignState, KeyListEvent, Participant
from ..phrase import PHRASE_WORDS
from ..phrase import words as phrase_word_list
from ..selectors import campaigns_for, survey_totals


def get_campaign_or_404(actor, pk) -> Campaign:
    return get_object_or_404(Campaign, departement=actor.departement, public_id=pk)


def get_participant_or_404(campaign, pk) -> Participant:
    return get_object_or_404(Participant, campaign=campaign, public_id=pk)


class CampaignListView(ActorRequiredMixin, TemplateView):
    permission = "diagnostic.manage"
    template_name = "diagnostic/campaign_list.html"

    def get_context_data(self, **kwargs):
        return {"nav": "diagnostic", "campaigns": campaigns_for(self.actor).order_by("-created_at")}


class CampaignCreateView(ActorRequiredMixin, FormView):
    permission = "diagnostic.manage"
    template_name = "core/form_page.html"
    form_class = CampaignForm

    def get_initial(self):
        # By default the last full calendar year, answers within a month.
        today = timezone.localdate()
        return {
            "title": f"Diagnostic territorial {today.year}",
            "period_start": date(today.year - 1, 1, 1),
            "period_end": date(today.year - 1, 12, 31),
            "deadline": today + timedelta(days=30),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            nav="diagnostic",
            title="Nouvelle campagne de diagnostic",
            intro="Les structures interrogées répondent à un court questionnaire (des nombres, jamais de "
            "nom) "
            "et peuvent transmettre leur liste sous forme de clés pseudonymes.",
            back_url=reverse("diagnostic:list"),
            submit_label="Créer la campagne",
            **kwargs,
        )

    def form_valid(self, form):
        try:
            campaign = services.create_campaign(self.actor, today=timezone.localdate(), **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "Campagne créée : ajoutez les structures à interroger.")
        return redirect("diagnostic:campaign", pk=campaign.public_id)


class CampaignEditView(ActorRequiredMixin, FormView):
    permission = "diagnostic.manage"
    template_name = "core/form_page.html"
    form_class = CampaignForm

    def get_campaign(self):
        if not hasattr(self, "campaign"):
            self.campaign = get_campaign_or_404(self.actor, self.kwargs["pk"])
            if self.campaign.state == CampaignState.CLOSED:
                raise Http404
        return self.campaign

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.get_campaign().state != CampaignState.DRAFT:
            for name in ("code", "period_start", "period_end"):
                form.fields[name].disabled = True
        return form

    def get_initial(self):
        c = self.get_campaign()
        return {
            "title": c.title,
            "code": c.code,
            "period_start": c.period_start,
            "period_end": c.period_end,
            "deadline": c.deadline,
            "message": c.message,
        }

    def get_context_data(self, **kwargs):
        campaign = self.get_campaign()
        return super().get_context_data(
            nav="diagnostic",
            title=f"Modifier la campagne {campaign.code}",
            back_url=reverse("diagnostic:campaign", args=[campaign.public_id]),
            **kwargs,
        )

    def form_valid(self, form):
        campaign = self.get_campaign()
        data = dict(form.cleaned_data)
        data["code"] = (data.get("code") or "").strip().upper() or campaign.code
        try:
            services.update_campaign(self.actor, campaign, today=timezone.localdate(), **data)
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "Campagne modifiée.")
        return redirect("diagnostic:campaign", pk=campaign.public_id)


def _lists_sentence(n: int) -> str:
    return f"{n} liste{'s' if n > 1 else ''} de clés reçue{'s' if n > 1 else ''}"


def campaign_context(actor, campaign, **forms) -> dict:
    participants = list(campaign.participants.select_related("organisation", "key_list"))
    totals = survey_totals(campaign)
    context = {
        "nav": "diagnostic",
        "campaign": campaign,
        "participants": participants,
        "totals": totals,
        "answered_sentence": (
            f"{totals.answered} structure{'s' if totals.answered > 1 else ''} sur {totals.invited} "
            f"{'ont' if totals.answered > 1 else 'a'} répondu"
        ),
        "rate_pct": None if totals.response_rate is None else round(100 * totals.response_rate),
        **questionnaire.rows(lambda key: (totals.totals[key], totals.answered_per_question[key])),
        "lists_sentence": _lists_sentence(sum(1 for p in participants if hasattr(p, "key_list"))),
        "list_events": KeyListEvent.objects.filter(participant__campaign=campaign).select_related(
            "participant", "by"
        ),
        "without_email": sum(1 for p in participants if not p.email),
        "organisations_form": AddOrganisationsForm(campaign=campaign),
        "structure_form": StructureForm(),
        "editable": campaign.state != CampaignState.CLOSED,
        "phrase_status": phrase_status(campaign),
        "phrase_words": phrase_word_list(),
        "phrase_word_count": PHRASE_WORDS,
        "reports": list(campaign.reports.select_related("document", "published_by").order_by("-version")),
        "version_form": ReportVersionForm(),
    }
    context.update(forms)
    return context


class CampaignDetailView(ActorRequiredMixin, TemplateView):
    permission = "diagnostic.manage"
    template_name = "diagnostic/campaign_detail.html"

    def get_context_data(self, **kwargs):
        campaign = get_campaign_or_404(self.actor, self.kwargs["pk"])
        audit.record(self.actor, "view", campaign)
        return campaign_context(self.actor, campaign)

    def render_to_response(self, context, **response_kwargs):
        # The phrase generated on this page lives in its DOM only: no copy in the browser's caches.
        response = super().render_to_response(context, **response_kwargs)
        response["Cache-Control"] = "no-store"
        return response


class PhraseGeneratedView(ActorRequiredMixin, View):
    """POST only, from `phrase.js`: the secretariat's browser generated the campaign's secret phrase. The
    request carries nothing but the CSRF token; the answer (JSON, a French sentence) says what was recorded.
    The browser shows the phrase only once this is recorded."""

    permission = "diagnostic.manage"
    http_method_names = ["post"]

    def post(self, request, pk):
        campaign = get_campaign_or_404(self.actor, pk)
        try:
            services.record_phrase_generated(self.actor, campaign)
        except ValidationError as exc:
            return JsonResponse({"message": " ".join(exc.messages)}, status=409)
        return JsonResponse({"message": phrase_status(campaign)})


def phrase_status(campaign: Campaign) -> str:
    """What the campaign page says about the phrase (never the phrase: Parcours does not have it)."""
    if campaign.phrase_generated_at is None:
        return "Aucune phrase secrète n'a encore été générée pour cette campagne."
    who = campaign.phrase_generated_by
    by = f" par {who}" if who else ""
    when = timezone.localtime(campaign.phrase_generated_at)
    return (
        f"Phrase secrète générée le {when:%d/%m/%Y à %Hh%M}{by}. Parcours ne la connaît pas et ne peut pas "
        "la réafficher."
    )


class CampaignActionView(ObjectActionView):
    permission = "diagnostic.manage"

    def get_object(self, pk, **kwargs):
        return get_campaign_or_404(self.actor, pk)

    def page_url(self, obj) -> str:
        return reverse("diagnostic:campaign", args=[obj.public_id])

    def render_page(self, obj, form):
        return render(
            self.request,
            "diagnostic/campaign_detail.html",
            campaign_context(self.actor, obj, **{self.form_name: form}),
        )


class AddOrganisationsView(CampaignActionView):
    form_name = "organisations_form"
    anchor = "#structures"

    def get_form(self):
        campaign = get_campaign_or_404(self.actor, self.kwargs["pk"])
        return AddOrganisationsForm(self.request.POST, campaign=campaign)

    def perform(self, obj, form):
        added = services.add_organisations(self.actor, obj, form.cleaned_data["organisations"])
        sent = sum(1 for p in added if p.invited_at)
        return f"{len(added)} structure(s) ajoutée(s)" + (
            f", {sent} invitation(s) envoyée(s)." if sent else "."
        )


class AddStructureView(CampaignActionView):
    form_class = StructureForm
    form_name = "structure_form"
    anchor = "#structures"

    def perform(self, obj, form):
        participant = services.add_structure(self.actor, obj, **form.cleaned_data)
        return f"« {participant.name} » ajoutée" + (" et invitée." if participant.invited_at else ".")


class OpenView(CampaignActionView):
    def perform(self, obj, form):
        sent = services.open_campaign(self.actor, obj, today=timezone.localdate())
        return f"Campagne ouverte : {sent} invitation(s) envoyée(s) par courriel."


class RemindView(CampaignActionView):
    def perform(self, obj, form):
        count = services.remind(self.actor, obj, today=timezone.localdate())
        if not count:
            return (
                "Aucune relance à envoyer : les structures sans réponse ont déjà été relancées aujourd'hui."
            )
        return f"{count} structure(s) relancée(s) par courriel."


class CloseView(CampaignActionView):
    success_message = "Campagne close : les réponses et les listes ne sont plus acceptées."

    def perform(self, obj, form):
        services.close_campaign(self.actor, obj)


class ParticipantView(ActorRequiredMixin, TemplateView):
    """A structure of the campaign: its contact, its invitation link (to pass on by hand), its answers."""

    permission = "diagnostic.manage"
    template_name = "diagnostic/participant.html"

    def get_objects(self):
        campaign = get_campaign_or_404(self.actor, self.kwargs["pk"])
        return campaign, get_participant_or_404(campaign, self.kwargs["participant"])

    def context(self, campaign, participant, form=None):
        return {
            "nav": "diagnostic",
            "campaign": campaign,
            "participant": participant,
            "live_invitation": participant.invitations.filter(replaced_at=None).first(),
            "link_last_day": services.last_valid_day(campaign),
            "key_list": getattr(participant, "key_list", None),
            "list_events": participant.key_list_events.select_related("by"),
            "form": form or ContactForm(initial={"email": participant.email}),
            **questionnaire.rows(participant.answers.get),
        }

    def get(self, request, *args, **kwargs):
        campaign, participant = self.get_objects()
        audit.record(self.actor, "view", participant)
        return self.render_to_response(self.context(campaign, participant))

    def post(self, request, *args, **kwargs):
        campaign, participant = self.get_objects()
        form = ContactForm(request.POST)
        if form.is_valid():
            if campaign.state == CampaignState.CLOSED:
                messages.error(request, "La campagne est close.")
            else:
                services.update_contact(self.actor, participant, email=form.cleaned_data["email"])
                messages.success(
                    request,
                    "Courriel enregistré"
                    + (
                        " ; l'invitation a été envoyée."
                        if participant.invited_at and participant.email
                        else "."
                    ),
                )
            return redirect(
                "diagnostic:participant", pk=campaign.public_id, participant=participant.public_id
            )
        return self.render_to_response(self.context(campaign, participant, form))


class ReissueLinkView(ParticipantView):
    """POST only: a new invitation link for the structure; the previous one stops working at once.

    With an e-mail address, the link goes to the structure by e-mail only. Without one, it is shown here,
    once, for the secretariat to pass on (the page is not kept by the browser, the token is not stored)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        campaign, participant = self.get_objects()
        page = redirect("diagnostic:participant", pk=campaign.public_id, participant=participant.public_id)
        try:
            token = services.reissue_invitation(self.actor, participant)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return page
        if not token:
            messages.success(
                request, f"Nouveau lien envoyé à {participant.email} ; l'ancien lien ne fonctionne plus."
            )
            return page
        response = self.render_to_response(
            {**self.context(campaign, participant), "new_link": services.invitation_url(token)}
        )
        response["Cache-Control"] = "no-store"
        return response


class RemoveParticipantView(CampaignActionView):
    anchor = "#structures"
    success_message = "Structure retirée de la campagne."

    def perform(self, obj, form):
        participant = get_participant_or_404(obj, self.kwargs["participant"])
        services.remove_participant(self.actor, participant)
