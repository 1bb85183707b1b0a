"""Detections, the child-protection route, referrals to approved associations, the indicators list."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView, View

from parcours.approvals.selectors import approved_in, associations_of
from parcours.core import audit
from parcours.core.views_base import (
    ActorRequiredMixin,
    Confirmation,
    ObjectActionView,
    apply_errors,
    confirmation_page,
    is_confirmed,
    paginate,
)
from parcours.people import services as people_services
from parcours.people.forms import PersonCreateForm
from parcours.people.selectors import note_list, searchable_people

from . import rules, services
from .forms import (
    AnswerForm,
    CloseForm,
    DetectionForm,
    DetectionSearchForm,
    FeedbackForm,
    FirstContactForm,
    IndicatorForm,
    NoTransmissionForm,
    ProtectionReportForm,
    ReferralForm,
    WithdrawForm,
)
from .models import DetectionIndicator, DetectionState, ProtectionReport, ReferralState
from .policies import abilities, is_withdrawable, may_edit
from .selectors import (
    DETECTIONS_TO_HANDLE,
    RECEIVED_TO_HANDLE,
    OutOfScope,
    approved_associations,
    detections_visible_to,
    get_detection_or_404,
    get_made_referral_or_404,
    get_received_referral_or_404,
    indicators_offered,
    minors_without_transmission,
    received_to_handle,
    search_detections,
)

SEARCH_LIMIT = 50


class DetectionListView(ActorRequiredMixin, TemplateView):
    """The detections the actor may see (pseudonym, age band, state, date); the search by part of a name is
    POSTed (no identity in a URL) and journaled as a search."""

    permission = "referrals.list"
    template_name = "referrals/detection_list.html"

    def post(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(**kwargs))

    def get_context_data(self, **kwargs):
        qs = detections_visible_to(self.actor).select_related("organisation")
        form = DetectionSearchForm(self.request.POST if self.request.method == "POST" else None)
        context = {"nav": "referrals", "form": form, "searched": False}
        if form.is_bound:
            if form.is_valid():
                audit.record(self.actor, "search", detail="recherche de repérages par nom")
                results = search_detections(
                    qs.order_by("-detected_on"), form.cleaned_data["nom"], limit=SEARCH_LIMIT
                )
                audit.record_many(self.actor, "view", results, detail="résultats de recherche de repérages")
                context.update(page=results, searched=True)
            else:
                context["page"] = []
            return context
        to_handle = self.request.GET.get("a_traiter", "")
        if to_handle in DETECTIONS_TO_HANDLE:  # one kind of item of the « À traiter » board, all of them
            qs = minors_without_transmission(self.actor).select_related("organisation")
        context.update(
            page=paginate(self.request, qs.order_by("-detected_on", "-created_at")),
            to_handle=to_handle if to_handle in DETECTIONS_TO_HANDLE else "",
            to_handle_choices=DETECTIONS_TO_HANDLE.items(),
        )
        return context


class DetectionCreateView(ActorRequiredMixin, FormView):
    permission = "referrals.detect"
    template_name = "referrals/detection_create.html"
    form_class = DetectionForm

    def get_initial(self):
        return {"detected_on": timezone.localdate()}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "indicators": indicators_offered(self.actor.departement)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            nav="referrals", title="Nouveau repérage", back_url=reverse("referrals:list"), **kwargs
        )

    def form_valid(self, form):
        try:
            detection = services.create_detection(
                actor=self.actor,
                detection=form.save(commit=False),
                indicators=form.cleaned_data["indicators"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        if detection.is_minor:
            messages.success(
                self.request,
                f"Repérage {detection.pseudonym} enregistré. Il concerne un·e mineur·e : "
                "suivez la démarche de protection de l'enfance ci-dessous.",
            )
            return redirect(reverse("referrals:detail", args=[detection.public_id]) + "#protection")
        messages.success(self.request, f"Repérage {detection.pseudonym} enregistré.")
        return redirect("referrals:detail", pk=detection.public_id)


class DetectionUpdateView(ActorRequiredMixin, FormView):
    """Correct a detection (DetectionForm, prefilled; its identity decrypted for the organisation that
    detected or the secretariat, the only ones who reach this page), until it is closed."""

    permission = "referrals.edit"
    template_name = "referrals/detection_create.html"
    form_class = DetectionForm

    def get_detection(self):
        if not hasattr(self, "_detection"):
            detection = get_detection_or_404(self.actor, self.kwargs["pk"], detail="modification du repérage")
            if not may_edit(self.actor, detection):
                raise PermissionDenied
            self._detection = detection
        return self._detection

    def get(self, request, *args, **kwargs):
        detection = self.get_detection()
        if detection.state == DetectionState.CLOSED:
            messages.error(request, "Ce repérage est clos : il ne peut plus être modifié.")
            return redirect("referrals:detail", pk=detection.public_id)
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        detection = self.get_detection()
        return {
            **{f: getattr(detection, f) for f in services.EDITABLE_FIELDS},
            "indicators": list(detection.indicators.all()),
        }

    def get_form_kwargs(self):
        detection = self.get_detection()
        offered = indicators_offered(detection.departement).values("pk")
        current = detection.indicators.values("pk")
        choices = DetectionIndicator.objects.filter(Q(pk__in=offered) | Q(pk__in=current)).order_by(
            "departement_id", "order", "label"
        )
        return {**super().get_form_kwargs(), "indicators": choices}

    def get_context_data(self, **kwargs):
        detection = self.get_detection()
        return super().get_context_data(
            nav="referrals",
            title=f"Modifier le repérage {detection.pseudonym}",
            back_url=reverse("referrals:detail", args=[detection.public_id]),
            action=reverse("referrals:update", args=[detection.public_id]),
            submit_label="Enregistrer les modifications",
            editing=True,
            **kwargs,
        )

    def form_valid(self, form):
        detection = self.get_detection()
        data = form.cleaned_data
        try:
            services.update_detection(
                actor=self.actor,
                detection=detection,
                values={f: data[f] for f in services.EDITABLE_FIELDS},
                indicators=data["indicators"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"Repérage {detection.pseudonym} modifié.")
        return redirect("referrals:detail", pk=detection.public_id)


def crip_contacts(departement):
    """The département's child-protection cell, as the network's directory gives it (category CRIP)."""
    from parcours.directory.models import Category, Entry

    return Entry.objects.current().filter(departement=departement, category=Category.CRIP).order_by("name")


def detection_context(actor, detection, **forms):
    today = timezone.localdate()
    reports = list(detection.protection_reports.order_by("sent_on", "created_at"))
    referrals = list(detection.referrals.select_related("association").order_by("referred_on", "created_at"))
    can_do = abilities(actor, detection)
    context = {
        "nav": "referrals",
        "detection": detection,
        "indicators": detection.indicators.all(),
        "reports": reports,
        "referrals": referrals,
        "can": can_do,
        "hotline": rules.CHILD_PROTECTION_HOTLINE,
        "crip": crip_contacts(detection.departement) if detection.is_minor else [],
        "awaiting_transmission": (
            detection.is_minor and not reports and not detection.no_transmission_justified
        ),
    }
    if can_do["report"]:
        context["report_form"] = forms.get("report_form") or ProtectionReportForm(
            initial={"sent_on": today, "kind": ProtectionReport.Kind.INFORMATION_PREOCCUPANTE}
        )
    if can_do["feedback"]:
        context["feedback_forms"] = {
            r.pk: (
                forms.get("feedback_form")
                if forms.get("feedback_report") == r.pk
                else FeedbackForm(prefix=f"r{r.pk}", initial={"feedback_on": today})
            )
            for r in reports
            if r.feedback_on is None
        }
        context["feedback_list"] = [(r, context["feedback_forms"].get(r.pk)) for r in reports]
    if can_do["justify"]:
        context["no_transmission_form"] = forms.get("no_transmission_form") or NoTransmissionForm()
    if can_do["refer"]:
        context["referral_form"] = forms.get("referral_form") or ReferralForm(
            associations=approved_associations(actor.departement, today), initial={"referred_on": today}
        )
    if can_do["withdraw"]:
        context["withdrawable"] = next(r for r in referrals if is_withdrawable(r))
        context["withdraw_form"] = forms.get("withdraw_form") or WithdrawForm()
    if can_do["close"]:
        context["close_form"] = forms.get("close_form") or CloseForm(initial={"day": today})
    return context


class DetectionDetailView(ActorRequiredMixin, TemplateView):
    permission = "referrals.list"
    template_name = "referrals/detection_detail.html"

    def get_context_data(self, **kwargs):
        detection = get_detection_or_404(self.actor, self.kwargs["pk"])
        return detection_context(self.actor, detection)


class DetectionActionView(ObjectActionView):
    """A POST on a detection's page (see core.views_base.ObjectActionView)."""

    def get_object(self, pk, **kwargs):
        return get_detection_or_404(self.actor, pk, detail=self.success_message or "repérage")

    def page_url(self, detection) -> str:
        return reverse("referrals:detail", args=[detection.public_id])

    def render_page(self, detection, form):
        detection.refresh_from_db()
        return render(
            self.request,
            "referrals/detection_detail.html",
            detection_context(self.actor, detection, **{self.form_name: form}),
        )


class ReportView(DetectionActionView):
    permission = "referrals.protect"
    form_class, form_name, anchor = ProtectionReportForm, "report_form", "#protection"
    success_message = "Transmission enregistrée."

    def perform(self, detection, form):
        services.record_protection_report(actor=self.actor, detection=detection, **form.cleaned_data)


class FeedbackView(DetectionActionView):
    permission = "referrals.protect"
    form_name, anchor = "feedback_form", "#protection"
    success_message = "Retour sur la transmission enregistré."

    def post(self, request, pk, report, **kwargs):
        self.report_id = report
        return super().post(request, pk, **kwargs)

    def get_report(self, detection):
        try:
            return detection.protection_reports.get(public_id=self.report_id)
        except (ProtectionReport.DoesNotExist, ValueError, ValidationError) as exc:
            raise OutOfScope(ProtectionReport, self.report_id) from exc

    def get_form(self):
        self.report = self.get_report(self._detection)
        return FeedbackForm(self.request.POST, prefix=f"r{self.report.pk}")

    def get_object(self, pk, **kwargs):
        self._detection = super().get_object(pk, **kwargs)
        return self._detection

    def perform(self, detection, form):
        data = form.cleaned_data
        services.record_feedback(
            actor=self.actor,
            report=self.report,
            feedback_on=data["feedback_on"],
            feedback=data["feedback"],
            notes=data["notes"],
        )

    def render_page(self, detection, form):
        detection.refresh_from_db()
        context = detection_context(self.actor, detection, feedback_form=form, feedback_report=self.report.pk)
        return render(self.request, "referrals/detection_detail.html", context)


class NoTransmissionView(DetectionActionView):
    permission = "referrals.protect"
    form_class, form_name, anchor = NoTransmissionForm, "no_transmission_form", "#protection"
    success_message = "Absence de transmission justifiée : le repérage quitte le tableau « À traiter »."

    def confirmation(self, detection, form):
        services.check_no_transmission(detection, form.cleaned_data["reason"])
        return Confirmation(
            title="Justifier l'absence de transmission",
            consequences=[
                "Aucune information préoccupante ni aucun signalement ne sera enregistré pour ce repérage : "
                "il quitte votre tableau « À traiter » et celui du secrétariat.",
                "Le motif est gardé et lu par le secrétariat. Si la situation change, "
                f"transmettez sans attendre (CRIP, ou le {rules.CHILD_PROTECTION_HOTLINE}) : "
                "Parcours ne vous en empêche jamais.",
            ],
            button="Oui, justifier l'absence de transmission",
            back_url=self.page_url(detection) + self.anchor,
        )

    def perform(self, detection, form):
        services.justify_no_transmission(
            actor=self.actor, detection=detection, reason=form.cleaned_data["reason"]
        )


class CloseView(DetectionActionView):
    permission = "referrals.protect"
    form_class, form_name, anchor = CloseForm, "close_form", "#cloture"
    success_message = "Repérage clos."

    def confirmation(self, detection, form):
        services.check_close(
            detection, form.cleaned_data["day"], form.cleaned_data["reason"], timezone.localdate()
        )
        return Confirmation(
            title=f"Clore le repérage {detection.pseudonym}",
            consequences=["Le repérage est clos : plus rien ne pourra y être enregistré."],
            button="Oui, clore le repérage",
            back_url=self.page_url(detection) + self.anchor,
        )

    def perform(self, detection, form):
        services.close_detection(
            actor=self.actor,
            detection=detection,
            day=form.cleaned_data["day"],
            reason=form.cleaned_data["reason"],
        )


class ReferView(DetectionActionView):
    permission = "referrals.refer"
    form_name, anchor = "referral_form", "#orientation"
    success_message = "Orientation transmise à l'association."

    def get_form(self):
        # Every association of the département is a valid choice here: the service says why one without a
        # valid agrément is refused.
        return ReferralForm(self.request.POST, associations=associations_of(self.actor.departement))

    def perform(self, detection, form):
        services.refer(actor=self.actor, detection=detection, **form.cleaned_data)


class WithdrawView(ObjectActionView):
    """The referring partner (or the secretariat) withdraws a referral, from the detection's page."""

    permission = "referrals.withdraw"
    form_class, form_name, anchor = WithdrawForm, "withdraw_form", "#orientation"
    success_message = "Orientation retirée : le repérage est de nouveau en cours."

    def get_object(self, pk, **kwargs):
        return get_made_referral_or_404(self.actor, pk, detail="retrait d'orientation")

    def page_url(self, referral) -> str:
        return reverse("referrals:detail", args=[referral.detection.public_id])

    def render_page(self, referral, form):
        detection = referral.detection
        detection.refresh_from_db()
        context = detection_context(self.actor, detection, withdraw_form=form)
        return render(self.request, "referrals/detection_detail.html", context)

    def confirmation(self, referral, form):
        services.check_withdraw(referral, form.cleaned_data["reason"])
        association = referral.association
        return Confirmation(
            title=f"Retirer l'orientation vers {association}",
            consequences=[
                f"L'orientation du {referral.referred_on:%d/%m/%Y} est retirée : {association} ne la "
                "voit plus parmi ses orientations à traiter et ne peut plus en lire le contenu. Elle lit "
                "seulement qu'elle a été retirée, et à quelle date.",
                "Le motif reste dans Parcours, lu par votre structure et le secrétariat ; "
                "l'association ne le lit pas.",
                "Le repérage redevient « En cours » : vous pourrez orienter la personne ailleurs, avec son "
                "consentement, ou clore le repérage.",
                "Le retrait ne pourra pas être annulé : pour la même association, il faudra une nouvelle "
                "orientation.",
            ],
            button="Oui, retirer l'orientation",
            back_url=self.page_url(referral) + self.anchor,
        )

    def perform(self, referral, form):
        services.withdraw_referral(actor=self.actor, referral=referral, reason=form.cleaned_data["reason"])


class ApprovedAssociationsView(ActorRequiredMixin, TemplateView):
    """The associations holding a valid agrément today, whom a partner may refer a young adult to."""

    permission = "referrals.associations"
    template_name = "referrals/associations.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        # The organisations of the département a young adult may be referred to, each with the agrément that
        # covers it here (approvals' single reading: its own, or its seat's listing this département).
        departement = self.actor.departement
        rows = [
            (org, agrement)
            for org, agrement in approved_in(departement, today)
            if org.departement_id == departement.pk
        ]
        return {"nav": "referrals_associations", "rows": rows, "today": today}


# --- The association's side -------------------------------------------------------------------------------


class ReceivedListView(ActorRequiredMixin, TemplateView):
    permission = "referrals.receive"
    template_name = "referrals/received_list.html"

    def get_context_data(self, **kwargs):
        to_handle = self.request.GET.get("a_traiter", "")
        if to_handle not in RECEIVED_TO_HANDLE:
            to_handle = ""
        qs = received_to_handle(self.actor, to_handle, timezone.localdate())
        qs = qs.select_related("detection").order_by("-referred_on", "-created_at")
        return {
            "nav": "referrals_received",
            "page": paginate(self.request, qs),
            "to_handle": to_handle,
            "to_handle_choices": RECEIVED_TO_HANDLE.items(),
        }


def referral_context(actor, referral, **forms):
    today = timezone.localdate()
    context = {
        "nav": "referrals_received",
        "referral": referral,
        "detection": referral.detection,
        "indicators": referral.detection.indicators.all(),
    }
    if referral.state == "pending":
        context["answer_form"] = forms.get("answer_form") or AnswerForm(initial={"day": today})
    if referral.state == "accepted" and referral.first_contact_on is None:
        context["contact_form"] = forms.get("contact_form") or FirstContactForm(initial={"day": today})
    context["can_start_accompaniment"] = (
        referral.state == "accepted" and referral.first_contact_on is not None and referral.person_id is None
    )
    if referral.person_id:
        context["person_visible"] = searchable_people(actor).filter(pk=referral.person_id).exists()
    return context


def render_referral(request, actor, referral, **forms):
    """The association's page of a referral; once withdrawn, only that it was withdrawn and when (no content
    of the referral any more)."""
    if referral.state == ReferralState.WITHDRAWN:
        return render(
            request,
            "referrals/referral_withdrawn.html",
            {"nav": "referrals_received", "referral": referral},
        )
    return render(request, "referrals/referral_detail.html", referral_context(actor, referral, **forms))


class ReferralDetailView(ActorRequiredMixin, View):
    permission = "referrals.receive"

    def get(self, request, pk):
        return render_referral(request, self.actor, get_received_referral_or_404(self.actor, pk))


class ReferralActionView(ObjectActionView):
    permission = "referrals.receive"

    def get_object(self, pk, **kwargs):
        return get_received_referral_or_404(self.actor, pk, detail=self.success_message)

    def page_url(self, referral) -> str:
        return reverse("referrals:referral", args=[referral.public_id])

    def render_page(self, referral, form):
        referral.refresh_from_db()
        return render_referral(self.request, self.actor, referral, **{self.form_name: form})


class AnswerView(ReferralActionView):
    form_class, form_name, anchor = AnswerForm, "answer_form", "#reponse"
    success_message = "Réponse enregistrée : le partenaire la voit."

    def confirmation(self, referral, form):
        data = form.cleaned_data
        accept = data["decision"] == "accept"
        services.check_answer(referral, accept, data["day"], data["decline_reason"], timezone.localdate())
        consequences = (
            [
                "L'orientation est acceptée : prenez contact avec la personne "
                "et enregistrez le premier contact."
            ]
            if accept
            else [
                f"L'orientation est déclinée pour ce motif : « {data['decline_reason']} ». "
                "Le partenaire le lit et peut orienter la personne ailleurs.",
            ]
        )
        return Confirmation(
            title="Accepter l'orientation" if accept else "Décliner l'orientation",
            consequences=[*consequences, "La réponse ne pourra pas être changée."],
            button="Oui, accepter" if accept else "Oui, décliner",
            back_url=self.page_url(referral) + self.anchor,
        )

    def perform(self, referral, form):
        data = form.cleaned_data
        services.answer_referral(
            actor=self.actor,
            referral=referral,
            accept=data["decision"] == "accept",
            day=data["day"],
            decline_reason=data["decline_reason"],
        )


class FirstContactView(ReferralActionView):
    form_class, form_name, anchor = FirstContactForm, "contact_form", "#suivi"
    success_message = "Premier contact enregistré."

    def perform(self, referral, form):
        services.record_first_contact(actor=self.actor, referral=referral, day=form.cleaned_data["day"])


class AccompanimentView(ActorRequiredMixin, FormView):
    """The association starts the accompaniment: the person's file, prefilled from the referral (the
    identity the young person agreed to pass on, their sex), with the same duplicate check as any new file
    (people.views.PersonCreateView); then the PSP request is offered on the file."""

    permission = "referrals.receive"
    template_name = "people/person_create.html"
    form_class = PersonCreateForm

    def get_referral(self):
        if not hasattr(self, "_referral"):
            self._referral = get_received_referral_or_404(
                self.actor, self.kwargs["pk"], detail="début d'accompagnement"
            )
        return self._referral

    def get_initial(self):
        referral = self.get_referral()
        detection = referral.detection
        initial = {"sex": detection.sex, "accompaniment_consent_on": timezone.localdate()}
        if referral.share_contact:
            initial.update(
                last_name=detection.last_name,
                first_name=detection.first_name,
                birth_date=detection.birth_date,
                phone=detection.phone,
            )
        return initial

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.method == "POST":
            kwargs["duplicate_warning"] = self.request.POST.get("duplicate_warning") == "1"
        return kwargs

    def get(self, request, *args, **kwargs):
        referral = self.get_referral()
        try:
            services.check_accompaniment(referral, timezone.localdate(), timezone.localdate())
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("referrals:referral", pk=referral.public_id)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        referral = self.get_referral()
        if referral.state == ReferralState.WITHDRAWN:
            messages.error(request, services.WITHDRAWN_REFERRAL)
            return redirect("referrals:referral", pk=referral.public_id)
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        referral = self.get_referral()
        return super().get_context_data(
            nav="referrals_received",
            title=f"Commencer l'accompagnement — orientation {referral.detection.pseudonym}",
            back_url=reverse("referrals:referral", args=[referral.public_id]),
            **kwargs,
        )

    def form_valid(self, form):
        referral = self.get_referral()
        candidate = form.save(commit=False)
        matches = list(people_services.possible_duplicates(actor=self.actor, person=candidate))
        audit.record(
            self.actor,
            "search",
            detail="contrôle des doublons à la création : "
            + ("correspondance possible signalée" if matches else "aucune correspondance"),
        )
        confirmed = bool(form.cleaned_data.get("confirm_other_person"))
        if matches and not confirmed:
            visible_ids = set(
                searchable_people(self.actor)
                .filter(pk__in=[m.pk for m in matches])
                .values_list("pk", flat=True)
            )
            visible = [m for m in matches if m.pk in visible_ids]
            warned = PersonCreateForm(self.request.POST, duplicate_warning=True)
            warned.is_valid()
            if visible:
                note_list(self.actor, visible, detail="doublon possible signalé à la création")
            return self.render_to_response(
                self.get_context_data(
                    form=warned, duplicate_visible=visible, duplicate_elsewhere=len(visible) < len(matches)
                )
            )
        try:
            person = services.start_accompaniment(
                actor=self.actor,
                referral=referral,
                person=candidate,
                day=form.cleaned_data["accompaniment_consent_on"],
                confirmed_other_person=bool(matches) and confirmed,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"Accompagnement commencé : fiche {person.pseudonym} ouverte. Vous pouvez préparer la demande de "
            "parcours de sortie depuis cette fiche.",
        )
        return redirect("people:detail", pk=person.public_id)


# --- The département's indicators -------------------------------------------------------------------------


class IndicatorListView(ActorRequiredMixin, TemplateView):
    permission = "referrals.indicators"
    template_name = "referrals/indicators.html"

    def get_context_data(self, form=None, **kwargs):
        departement = self.actor.departement
        offered = set(indicators_offered(departement).values_list("pk", flat=True))
        national = DetectionIndicator.objects.filter(departement__isnull=True).order_by("order")
        own = DetectionIndicator.objects.filter(departement=departement).order_by("order", "label")
        return {
            "nav": "referrals_indicators",
            "national": [(i, i.pk in offered) for i in national],
            "own": [(i, i.pk in offered) for i in own],
            "form": form or IndicatorForm(),
        }

    def post(self, request, *args, **kwargs):
        form = IndicatorForm(request.POST)
        if form.is_valid():
            try:
                services.add_indicator(actor=self.actor, label=form.cleaned_data["label"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Signe ajouté à la liste du département.")
                return redirect("referrals:indicators")
        return self.render_to_response(self.get_context_data(form=form))


class IndicatorRetireView(ActorRequiredMixin, View):
    permission = "referrals.indicators"

    def post(self, request, pk):
        scope = DetectionIndicator.objects.filter(
            Q(departement__isnull=True) | Q(departement=self.actor.departement)
        )
        try:
            indicator = scope.get(public_id=pk)
        except (DetectionIndicator.DoesNotExist, ValueError, ValidationError) as exc:
            raise OutOfScope(DetectionIndicator, pk) from exc
        back = reverse("referrals:indicators")
        if not is_confirmed(request):
            return confirmation_page(
                request,
                Confirmation(
                    title=f"Retirer le signe « {indicator.label} »",
                    consequences=[
                        "Le signe n'est plus proposé dans le formulaire de repérage du département.",
                        "Les repérages qui l'ont noté le gardent.",
                    ],
                    button="Oui, retirer ce signe",
                    back_url=back,
                ),
            )
        try:
            services.retire_indicator(actor=self.actor, indicator=indicator)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Signe retiré de la liste du département.")
        return redirect(back)
