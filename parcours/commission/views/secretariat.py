"""The secretariat's pages: composition, meetings, agendas, convocations, attendance, opinions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView, View

from parcours.core import audit
from parcours.core.models import Organisation
from parcours.core.policies import can
from parcours.core.roles import Role
from parcours.core.second_factor import StepUpMixin
from parcours.core.views_base import (
    ActorRequiredMixin,
    Confirmation,
    ObjectActionView,
    altered_file_response,
    apply_errors,
    confirmation_page,
    is_confirmed,
    paginate,
    pdf_response,
)
from parcours.documents import services as documents_services
from parcours.people.models import identity_deferred
from parcours.people.selectors import note_list

from .. import rules, services
from ..forms import (
    REQUEST_POOL_PAGE_SIZE,
    ActionStatusForm,
    AddApplicationForm,
    AddRequestForm,
    AddSituationForm,
    AppointForm,
    ArreteForm,
    AttendanceForm,
    CloseSituationForm,
    ConveneForm,
    DecisionDraftForm,
    DissentForm,
    EndDecisionDraftForm,
    EndSignForm,
    FollowUpForm,
    FreeItemForm,
    MandateEndForm,
    MeetingForm,
    OpinionForm,
    PlanActionForm,
    ProxyForm,
    ReconveneForm,
    RecusalForm,
    ReturnForm,
    SeatForm,
    SignForm,
    SituationSummaryForm,
    WrittenConsultationForm,
)
from ..models import (
    AgendaItem,
    Letter,
    Mandate,
    Meeting,
    MeetingKind,
    MeetingState,
    Minutes,
    PrefectDecision,
    Recusal,
    Seat,
)
from ..selectors import (
    application_pool,
    arretes_of,
    categories_in_force,
    coordination_categories,
    current_mandates,
    decisions_of,
    follow_up_pool,
    formation_of,
    get_action_or_404,
    get_arrete_or_404,
    get_decision_or_404,
    get_item_or_404,
    get_letter_or_404,
    get_mandate_or_404,
    get_meeting_or_404,
    mandates_ending,
    meetings_of,
    plenary_status,
    quorum_status,
    read_decision,
    request_pool,
    seats_without_account,
    situation_pool,
    situation_view,
    tally,
)


class CommissionHomeView(ActorRequiredMixin, TemplateView):
    permission = "commission.manage"
    template_name = "commission/secretariat_home.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        meetings = meetings_of(self.actor).annotate(n_items=Count("items"))
        return {
            "nav": "commission",
            "arretes": arretes_of(self.actor).annotate(n_seats=Count("seats")),
            "upcoming": meetings.filter(starts_at__date__gte=today)
            .exclude(state=MeetingState.CANCELLED)
            .order_by("starts_at"),
            "recent": meetings.filter(starts_at__date__lt=today).order_by("-starts_at")[:10],
            "pool_size": request_pool(self.actor.departement).count(),
            "ending": mandates_ending(self.actor.departement, today),
            "held_this_year": meetings.filter(
                starts_at__year=today.year, state__in=[MeetingState.HELD, MeetingState.CLOSED]
            ).count(),
            "plenaries": plenary_status(self.actor.departement, today),
        }


# --- Composition ---


class ArreteCreateView(ActorRequiredMixin, FormView):
    permission = "commission.manage"
    template_name = "core/form_page.html"
    form_class = ArreteForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            nav="commission",
            title="Nouvel arrêté de composition",
            back_url=reverse("commission:home"),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            arrete = services.create_arrete(actor=self.actor, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "Arrêté enregistré : ajoutez les sièges et les membres.")
        return redirect("commission:arrete_detail", pk=arrete.public_id)


def arrete_context(actor, arrete, **forms):
    today = timezone.localdate()
    forms.setdefault("coordination_categories", coordination_categories(today))
    categories = categories_in_force(today)
    seats = arrete.seats.select_related("organisation").prefetch_related(
        Prefetch("mandates", queryset=Mandate.objects.select_related("member").order_by("kind", "start"))
    )
    context = {
        "nav": "commission",
        "arrete": arrete,
        "seats": seats,
        "today": today,
        "seat_form": SeatForm(departement=actor.departement, categories=categories),
        "categories_version": rules.category_version(today),
        "appoint_form": AppointForm(departement=actor.departement),
        "end_form": MandateEndForm(initial={"day": today}),
    }
    context.update(forms)
    return context


class ArreteDetailView(ActorRequiredMixin, TemplateView):
    permission = "commission.manage"
    template_name = "commission/secretariat_arrete.html"

    def get_context_data(self, **kwargs):
        return arrete_context(self.actor, get_arrete_or_404(self.actor, self.kwargs["pk"]))


class ArreteActionView(ActorRequiredMixin, View):
    """A POST on the composition page; errors come back next to the fields."""

    form_name = ""
    success_message = ""

    def post(self, request, **kwargs):
        arrete = self.get_arrete()
        form = self.get_form()
        if form.is_valid():
            try:
                self.perform(form)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, self.success_message)
                return redirect(reverse("commission:arrete_detail", args=[arrete.public_id]) + self.anchor())
        context = arrete_context(self.actor, arrete, **{self.form_name: form})
        context["failed_seat"] = getattr(self, "seat", None)
        return render(request, "commission/secretariat_arrete.html", context, status=200)

    def anchor(self) -> str:
        return ""


class SeatAddView(ArreteActionView):
    permission = "commission.manage"
    form_name = "seat_form"
    success_message = "Siège ajouté."

    def get_arrete(self):
        self.arrete = get_arrete_or_404(self.actor, self.kwargs["pk"])
        return self.arrete

    def get_form(self):
        return SeatForm(
            self.request.POST,
            departement=self.actor.departement,
            categories=categories_in_force(timezone.localdate()),
        )

    def perform(self, form):
        services.add_seat(actor=self.actor, arrete=self.arrete, **form.cleaned_data)


class AppointView(ArreteActionView):
    permission = "commission.manage"
    form_name = "appoint_form"
    success_message = "Membre nommé·e."

    def get_arrete(self):
        try:
            self.seat = Seat.objects.select_related("arrete").get(
                public_id=self.kwargs["pk"], arrete__departement=self.actor.departement
            )
        except (Seat.DoesNotExist, ValueError, ValidationError) as exc:
            raise Http404 from exc
        return self.seat.arrete

    def get_form(self):
        return AppointForm(self.request.POST, departement=self.actor.departement)

    def perform(self, form):
        services.appoint(actor=self.actor, seat=self.seat, **form.cleaned_data)

    def anchor(self):
        return f"#siege-{self.seat.public_id}"


class MandateEndView(ArreteActionView):
    permission = "commission.manage"
    form_name = "end_form"
    success_message = "Fin anticipée du mandat enregistrée."

    def get_arrete(self):
        self.mandate = get_mandate_or_404(self.actor, self.kwargs["pk"])
        return self.mandate.seat.arrete

    def get_form(self):
        return MandateEndForm(self.request.POST)

    def perform(self, form):
        services.end_mandate(actor=self.actor, mandate=self.mandate, day=form.cleaned_data["day"])


# --- Meetings ---


class MeetingListView(ActorRequiredMixin, TemplateView):
    permission = "commission.manage"
    template_name = "commission/secretariat_meetings.html"

    def get_context_data(self, **kwargs):
        qs = meetings_of(self.actor).annotate(n_items=Count("items")).order_by("-starts_at")
        state = self.request.GET.get("etat", "")
        if state in MeetingState.values:
            qs = qs.filter(state=state)
        return {
            "nav": "commission",
            "page": paginate(self.request, qs),
            "states": MeetingState.choices,
            "state": state,
        }


class MeetingCreateView(ActorRequiredMixin, FormView):
    permission = "commission.manage"
    template_name = "core/form_page.html"
    form_class = MeetingForm

    def get_initial(self):
        return {"kind": MeetingKind.RESTRICTED, "time": "14:00"}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            nav="commission", title="Programmer une séance", back_url=reverse("commission:home"), **kwargs
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            meeting = services.schedule_meeting(
                actor=self.actor,
                kind=data["kind"],
                starts_at=data["starts_at"],
                place=data["place"],
                video_link=data["video_link"],
                chaired_by=data["chaired_by"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "starts_at" in exc.error_dict:
                exc = ValidationError({"day": exc.error_dict["starts_at"]})
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "Séance programmée : composez son ordre du jour.")
        return redirect("commission:meeting_detail", pk=meeting.public_id)


class WrittenConsultationCreateView(ActorRequiredMixin, FormView):
    permission = "commission.manage"
    template_name = "core/form_page.html"
    form_class = WrittenConsultationForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            nav="commission",
            title="Consulter la commission par écrit",
            intro=(
                "Entre deux séances, la présidence peut consulter par écrit la formation restreinte sur des "
                "renouvellements ou des demandes urgentes (ordonnance n° 2014-1329 du 6 novembre 2014, "
                "décret n° 2014-1627 du 26 décembre 2014) : les membres votent dans leur espace "
                "« Mes séances » "
                f"entre l'ouverture et la clôture ({rules.WRITTEN_CONSULTATION_MIN_DAYS} à "
                f"{rules.WRITTEN_CONSULTATION_MAX_DAYS} jours) ; l'avis suit ensuite le même chemin qu'en "
                "séance."
            ),
            back_url=reverse("commission:home"),
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            meeting = services.schedule_written_consultation(
                actor=self.actor,
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                reason=data["reason"],
                chaired_by=data["chaired_by"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                exc = ValidationError(
                    {
                        {"opens_at": "opens_day", "closes_at": "closes_day"}.get(k, k): v
                        for k, v in exc.error_dict.items()
                    }
                )
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request, "Consultation écrite programmée : inscrivez les demandes, puis consultez."
        )
        return redirect("commission:meeting_detail", pk=meeting.public_id)


def ready_requests(actor):
    """The pool of ready requests, each named by its code only (no identity decrypted)."""
    return request_pool(actor.departement).defer(*identity_deferred("pathway__person"))


def meeting_context(actor, meeting, *, pool_page=None, **forms):
    items = list(
        meeting.items.select_related(
            "request__pathway__person", "request__pathway__association", "application__organisation"
        ).prefetch_related(
            Prefetch("recusals", queryset=Recusal.objects.select_related("mandate__member", "mandate__seat"))
        )
    )
    convocations = list(
        meeting.convocations.select_related(
            "mandate__member", "mandate__seat", "proxy_holder__mandate__member"
        )
    )
    editable = meeting.state in (MeetingState.SCHEDULED, MeetingState.CONVENED)
    held = meeting.state == MeetingState.HELD
    offline_seats = (
        seats_without_account(meeting)
        if meeting.state in (MeetingState.CONVENED, MeetingState.HELD) and not meeting.is_written
        else []
    )
    # The ready requests, a page at a time (?demandes=N): a département may have hundreds.
    pool_qs = ready_requests(actor) if editable and meeting.kind == MeetingKind.RESTRICTED else None
    pool_page = (
        Paginator(pool_qs, REQUEST_POOL_PAGE_SIZE).get_page(pool_page) if pool_qs is not None else None
    )
    pool = list(pool_page) if pool_page is not None else []
    applications = (
        list(application_pool(actor.departement))
        if editable and meeting.kind != MeetingKind.COORDINATION
        else []
    )
    context = {
        "nav": "commission",
        "meeting": meeting,
        "items": items,
        "convocations": convocations,
        "editable": editable,
        "held": held,
        "can_convene": meeting.state == MeetingState.SCHEDULED,
        "can_record_attendance": meeting.state in (MeetingState.CONVENED, MeetingState.HELD)
        and meeting.day <= timezone.localdate(),
        "quorum": quorum_status(meeting) if meeting.state != MeetingState.SCHEDULED else None,
        "pool": pool,
        "pool_page": pool_page,
        "add_request_form": AddRequestForm(pool=pool_qs, shown=pool) if pool else None,
        "add_application_form": AddApplicationForm(pool=applications) if applications else None,
        "free_item_form": FreeItemForm(),
        "convene_form": ConveneForm(),
        "attendance_form": AttendanceForm(
            convocations=convocations,
            offline_seats=offline_seats,
            offline_present=list(meeting.offline_present.all()) if offline_seats else [],
        ),
        "offline_present": list(meeting.offline_present.all()),
        "proxy_form": ProxyForm(convocations=convocations) if held and not meeting.is_written else None,
        "proxies": [c for c in convocations if c.proxy_holder_id],
        "recusal_form": RecusalForm(convocations=convocations),
        "opinion_form": OpinionForm(written=meeting.is_written),
        "reconvene_form": ReconveneForm(initial={"time": "14:00", "place": meeting.place}),
        "reconvened_as": Meeting.objects.filter(reconvened_from=meeting).first(),
        "written": meeting.is_written,
        "voting_open": services.voting_open(meeting),
        "can_close_written": meeting.is_written
        and meeting.state == MeetingState.CONVENED
        and timezone.now() >= meeting.closes_at,
        "minutes": Minutes.objects.filter(meeting=meeting).select_related("document").first(),
        "failed_item": forms.pop("failed_item", None),
    }
    context.update(forms)
    # One recusal and one opinion form per item, each with its own field ids; the failed one keeps its errors.
    failed = context["failed_item"]
    decisions = {d.item_id: d for d in PrefectDecision.objects.filter(item__meeting=meeting)}
    for item in items:
        ids = f"id_{item.public_id.hex[:8]}_%s"
        is_failed = failed is not None and failed.pk == item.pk
        item.recusal_form = (
            context["recusal_form"]
            if is_failed and "recusal_form" in forms
            else RecusalForm(convocations=convocations, auto_id="recusal_" + ids)
        )
        item.opinion_form = (
            context["opinion_form"]
            if is_failed and "opinion_form" in forms
            else OpinionForm(auto_id="opinion_" + ids, written=meeting.is_written)
        )
        item.dissent_form = (
            context["dissent_form"]
            if is_failed and "dissent_form" in forms
            else DissentForm(auto_id="dissent_" + ids, convocations=convocations)
        )
        item.tally = tally(item) if meeting.is_written and item.kind == AgendaItem.Kind.REQUEST else None
        item.decision_form = (
            context["decision_form"]
            if is_failed and "decision_form" in forms
            else DecisionDraftForm(
                auto_id="decision_" + ids,
                initial={
                    "outcome": "authorised" if item.opinion == AgendaItem.Opinion.FAVOURABLE else "refused"
                },
            )
        )
        item.prefect_decision = decisions.get(item.pk)
    if meeting.kind == MeetingKind.COORDINATION:
        coordination_context(actor, meeting, context, forms)
    return context


def _owners(actor, meeting):
    sits = formation_of(meeting)
    seats = {m.seat for m in current_mandates(meeting.departement, meeting.day) if sits(m.seat)}
    organisations = (
        Organisation.objects.in_departement(actor.departement).filter(active=True).order_by("name")
    )
    return sorted(seats, key=lambda seat: (seat.order, seat.pk)), list(organisations)


def coordination_context(actor, meeting, context, forms) -> None:
    """The coordination meeting's situations: the pools to inscribe from, and per situation its view, its
    plan and the forms (the failed one keeps its errors)."""
    editable = context["editable"]
    pool = list(situation_pool(actor.departement).select_related("organisation")) if editable else []
    follow_ups = list(follow_up_pool(actor.departement, meeting)) if editable else []
    context.update(
        coordination=True,
        legal_basis=rules.SHARING_LEGAL_BASIS,
        add_situation_form=forms.get("add_situation_form") or (AddSituationForm(pool=pool) if pool else None),
        follow_up_form=forms.get("follow_up_form") or (FollowUpForm(pool=follow_ups) if follow_ups else None),
    )
    seats, organisations = _owners(actor, meeting) if context["held"] else ([], [])
    failed = context["failed_item"]
    for item in context["items"]:
        if item.kind != AgendaItem.Kind.SITUATION:
            continue
        ids = f"id_{item.public_id.hex[:8]}_%s"
        is_failed = failed is not None and failed.pk == item.pk
        item.view = situation_view(item.situation, upto_meeting=meeting)
        item.open = item.situation.state == item.situation.State.OPEN
        item.summary_form = (
            forms["summary_form"]
            if is_failed and "summary_form" in forms
            else SituationSummaryForm(auto_id="summary_" + ids, initial={"summary": item.situation.summary})
        )
        item.plan_form = (
            forms["plan_form"]
            if is_failed and "plan_form" in forms
            else PlanActionForm(auto_id="plan_" + ids, seats=seats, organisations=organisations)
        )
        item.close_form = (
            forms["close_form"]
            if is_failed and "close_form" in forms
            else CloseSituationForm(auto_id="close_" + ids)
        )
        for action in item.view["actions"]:
            action.status_form = ActionStatusForm(
                auto_id=f"status_{action.public_id.hex[:8]}_%s", initial={"status": action.status}
            )


class MeetingDetailView(ActorRequiredMixin, TemplateView):
    permission = "commission.manage"
    template_name = "commission/secretariat_meeting.html"

    def get_context_data(self, **kwargs):
        meeting = get_meeting_or_404(self.actor, self.kwargs["pk"])
        audit.record(self.actor, "view", meeting, detail="séance de la commission")
        return meeting_context(self.actor, meeting, pool_page=self.request.GET.get("demandes"))


class MeetingActionView(ObjectActionView):
    """A POST on the meeting page (see ObjectActionView); `item` in the URL names an agenda item."""

    permission = "commission.manage"

    def get_form(self):
        return None

    def get_object(self, pk, **kwargs):
        self.meeting = get_meeting_or_404(self.actor, pk)
        self.item = get_item_or_404(self.actor, self.meeting, kwargs["item"]) if "item" in kwargs else None
        return self.meeting

    def page_url(self, meeting) -> str:
        return reverse("commission:meeting_detail", args=[meeting.public_id])

    def render_page(self, meeting, form):
        context = meeting_context(self.actor, meeting, failed_item=self.item, **{self.form_name: form})
        return render(self.request, "commission/secretariat_meeting.html", context)

    def convocations(self) -> list:
        """The meeting's convocations with their members and seats, for a form that picks among them."""
        return list(self.meeting.convocations.select_related("mandate__member", "mandate__seat"))


class MemberActionView(MeetingActionView):
    """An act about convened members (a proxy, a dissent, a recusal): the form picks among the meeting's
    convocations, and its fields are the arguments of the service named `service`, which acts on the meeting
    or, with `on_item`, on the agenda item named in the URL."""

    service = ""
    on_item = False

    def get_form(self):
        return self.form_class(self.request.POST, convocations=self.convocations())

    def perform(self, meeting, form):
        target = {"item": self.item} if self.on_item else {"meeting": self.meeting}
        getattr(services, self.service)(actor=self.actor, **target, **form.cleaned_data)


class AddItemView(MeetingActionView):
    """Put an item on the agenda: the form's fields are the arguments of the service named `service`; a
    form that picks in a pool (forms.PoolForm) is offered `pool(actor, meeting)`."""

    anchor = "#ordre-du-jour"
    service = ""
    pool = None

    def get_form(self):
        if self.pool is None:
            return self.form_class(self.request.POST)
        return self.form_class(self.request.POST, pool=self.pool(self.actor, self.meeting))

    def perform(self, meeting, form):
        getattr(services, self.service)(actor=self.actor, meeting=meeting, **form.cleaned_data)


class AddRequestItemView(AddItemView):
    form_class, form_name, service = AddRequestForm, "add_request_form", "add_request_item"
    success_message = "Demande inscrite à l'ordre du jour."

    def get_form(self):
        pool = ready_requests(self.actor)
        return AddRequestForm(self.request.POST, pool=pool, shown=pool[:REQUEST_POOL_PAGE_SIZE])

    def perform(self, meeting, form):
        services.add_request_items(
            actor=self.actor, meeting=self.meeting, requests=form.cleaned_data["request"]
        )


class AddApplicationItemView(AddItemView):
    form_class, form_name, service = AddApplicationForm, "add_application_form", "add_agrement_item"
    success_message = "Demande d'agrément inscrite à l'ordre du jour."

    @staticmethod
    def pool(actor, meeting):
        return application_pool(actor.departement)


class AddFreeItemView(AddItemView):
    form_class, form_name, service = FreeItemForm, "free_item_form", "add_free_item"
    success_message = "Point inscrit à l'ordre du jour."


class RemoveItemView(MeetingActionView):
    anchor = "#ordre-du-jour"
    success_message = "Point retiré de l'ordre du jour."

    def confirmation(self, meeting, form):
        item = self.item
        consequences = [f"Le point « {item} » est retiré de l'ordre du jour de la {_meeting_label(meeting)}."]
        if item.kind == AgendaItem.Kind.REQUEST:
            consequences.append("La demande revient parmi celles à inscrire à une séance.")
        elif item.kind == AgendaItem.Kind.AGREMENT:
            consequences.append("La demande d'agrément revient parmi celles à inscrire à une séance.")
        elif item.kind == AgendaItem.Kind.FREE:
            consequences.append("Ce point libre est effacé : il faudrait l'inscrire de nouveau.")
        else:
            consequences.append(
                "La situation n'est plus examinée à cette séance : elle peut être inscrite à une autre."
            )
        if meeting.state == MeetingState.CONVENED:
            consequences.append(
                "Les membres sont déjà convoqués : la page de la séance vous proposera ensuite de leur "
                "envoyer l'ordre du jour rectifié."
            )
        return Confirmation(
            title="Retirer un point de l'ordre du jour",
            consequences=consequences,
            button="Oui, retirer le point",
            back_url=self.page_url(meeting) + self.anchor,
        )

    def perform(self, meeting, form):
        services.remove_item(actor=self.actor, item=self.item)


class MoveItemView(MeetingActionView):
    anchor = "#ordre-du-jour"
    success_message = "Ordre du jour réorganisé."

    def perform(self, meeting, form):
        services.move_item(actor=self.actor, item=self.item, up=self.request.POST.get("sens") != "bas")


def _meeting_label(meeting) -> str:
    return f"{meeting.get_kind_display().lower()} du {meeting.day:%d/%m/%Y}"


class AddSituationItemView(AddItemView):
    form_class, form_name, service = AddSituationForm, "add_situation_form", "add_situation_item"
    success_message = "Situation inscrite à l'ordre du jour (sous son code pseudonyme)."

    @staticmethod
    def pool(actor, meeting):
        return situation_pool(actor.departement)


class AddFollowUpItemView(AddItemView):
    form_class, form_name, service = FollowUpForm, "follow_up_form", "add_follow_up_item"
    success_message = "Situation inscrite en suivi."

    @staticmethod
    def pool(actor, meeting):
        return follow_up_pool(actor.departement, meeting)


class SituationItemActionView(MeetingActionView):
    """An act on a situation of a coordination meeting's agenda (404 for any other item)."""

    def get_object(self, pk, **kwargs):
        meeting = super().get_object(pk, **kwargs)
        if self.item is None or self.item.kind != AgendaItem.Kind.SITUATION:
            raise Http404
        self.anchor = f"#point-{self.item.public_id}"
        return meeting


class SituationSummaryView(SituationItemActionView):
    form_name = "summary_form"
    success_message = "Résumé pseudonymisé enregistré."

    def get_form(self):
        return SituationSummaryForm(self.request.POST)

    def perform(self, meeting, form):
        services.update_situation_summary(
            actor=self.actor, situation=self.item.situation, summary=form.cleaned_data["summary"]
        )


class PlanActionView(SituationItemActionView):
    form_name = "plan_form"
    success_message = "Action ajoutée au plan coordonné."

    def get_form(self):
        seats, organisations = _owners(self.actor, self.meeting)
        return PlanActionForm(self.request.POST, seats=seats, organisations=organisations)

    def perform(self, meeting, form):
        services.record_plan_action(actor=self.actor, item=self.item, **form.cleaned_data)


class SituationCloseView(SituationItemActionView):
    form_name = "close_form"

    def get_form(self):
        return CloseSituationForm(self.request.POST)

    def confirmation(self, meeting, form):
        situation = self.item.situation
        if situation.state != situation.State.OPEN:
            raise ValidationError("Cette situation est déjà close.")
        return Confirmation(
            title=f"Clore la situation {situation.detection.pseudonym}",
            consequences=[
                "La situation ne reviendra plus à l'ordre du jour de la formation de coordination ; "
                "cela ne peut pas être défait (une nouvelle situation pourra être ouverte depuis le "
                "repérage).",
                "Son plan ne change plus ; ses actions en retard quittent le tableau « À traiter ».",
            ],
            button="Oui, clore la situation",
            back_url=self.page_url(meeting) + self.anchor,
        )

    def perform(self, meeting, form):
        services.close_situation(
            actor=self.actor, situation=self.item.situation, reason=form.cleaned_data["reason"]
        )
        return f"Situation {self.item.situation.detection.pseudonym} close."


class ActionStatusView(MeetingActionView):
    """Where an action of a situation's plan stands, said at a later coordination meeting (or between)."""

    form_name = "status_form"
    success_message = "État de l'action enregistré."

    def get_object(self, pk, **kwargs):
        self.meeting = get_meeting_or_404(self.actor, pk)
        self.action = get_action_or_404(self.actor, kwargs["action"])
        self.item = self.meeting.items.filter(situation=self.action.situation).first()
        if self.item is None:
            raise Http404
        self.anchor = f"#point-{self.item.public_id}"
        return self.meeting

    def get_form(self):
        return ActionStatusForm(self.request.POST)

    def perform(self, meeting, form):
        services.set_action_status(actor=self.actor, action=self.action, status=form.cleaned_data["status"])

    def render_page(self, meeting, form):
        messages.error(self.request, "Choisissez l'état de l'action.")
        return redirect(self.page_url(meeting) + self.anchor)


class ConveneView(MeetingActionView):
    form_name, anchor = "convene_form", "#convocations"

    def get_form(self):
        return ConveneForm(self.request.POST)

    def confirmation(self, meeting, form):
        urgent = form.cleaned_data["urgent"]
        services.check_convene(meeting, urgent=urgent)
        return Confirmation(
            title=f"Convoquer les membres à la {_meeting_label(meeting)}",
            consequences=[
                "Chaque titulaire (ou le suppléant d'un siège sans titulaire) reçoit "
                "un courriel de convocation "
                "avec l'ordre du jour en PDF ; ces courriels ne peuvent pas être rappelés.",
                f"L'ordre du jour compte {meeting.items.count()} point(s) ; s'il change ensuite, il faudra "
                "envoyer l'ordre du jour rectifié aux membres convoqués.",
                "La convocation (PDF) est figée et la séance passe à « Convocations envoyées ».",
            ]
            + (["Vous avez coché l'urgence : le délai de convocation ne s'applique pas."] if urgent else []),
            button="Oui, convoquer les membres",
            back_url=self.page_url(meeting) + self.anchor,
        )

    def perform(self, meeting, form):
        convocations = services.convene(
            actor=self.actor, meeting=self.meeting, urgent=form.cleaned_data["urgent"]
        )
        return f"{len(convocations)} membres convoqués."


class AttendanceView(MeetingActionView):
    form_name, anchor = "attendance_form", "#presences"

    def get_form(self):
        return AttendanceForm(
            self.request.POST,
            convocations=self.convocations(),
            offline_seats=seats_without_account(self.meeting),
        )

    def perform(self, meeting, form):
        status = services.record_attendance(
            actor=self.actor,
            meeting=self.meeting,
            present_ids=form.cleaned_data["present"],
            remote_ids=form.cleaned_data["remote"],
            offline_seat_ids=form.cleaned_data.get("offline", set()),
        )
        if status["reached"]:
            return (
                f"Présences enregistrées : quorum atteint ({status['filled']} sièges sur {status['total']})."
            )
        return (
            f"Présences enregistrées : quorum NON atteint ({status['filled']} sièges sur {status['total']}, "
            f"{status['needed']} requis). La commission ne peut pas rendre d'avis : reconvoquez-la sur le "
            "même ordre du jour, elle délibérera sans condition de quorum."
        )


class ProxyView(MemberActionView):
    form_class, form_name, anchor, service = ProxyForm, "proxy_form", "#presences", "record_proxy"
    success_message = "Procuration enregistrée : le siège du membre absent compte comme représenté."


class ReconveneView(MeetingActionView):
    form_name, anchor = "reconvene_form", "#presences"

    def get_form(self):
        return ReconveneForm(self.request.POST)

    def confirmation(self, meeting, form):
        status = quorum_status(meeting)
        if meeting.state != MeetingState.HELD or status["reached"]:
            raise ValidationError("Seule une séance tenue sans quorum peut être reconvoquée.")
        waiting = meeting.items.filter(opinion="").exclude(kind=AgendaItem.Kind.SITUATION).count()
        day = form.cleaned_data["day"]
        return Confirmation(
            title=f"Reconvoquer la commission le {day:%d/%m/%Y} sur le même ordre du jour",
            consequences=[
                f"Le quorum n'est pas atteint ({status['filled']} sièges sur {status['total']}, "
                f"{status['needed']} requis) : une nouvelle séance est programmée le {day:%d/%m/%Y}.",
                f"Les {waiting} point(s) qui attendent un avis y passent ; aucun point ne pourra y être "
                "ajouté.",
                "La convocation dira qu'aucun quorum ne sera exigé : la commission y délibérera "
                "valablement quel que soit le nombre de présents (décret n° 2006-672, art. 11).",
                "Cela ne peut pas être défait ; les convocations restent à envoyer depuis "
                "la nouvelle séance.",
            ],
            button="Oui, reconvoquer la commission",
            back_url=self.page_url(meeting) + self.anchor,
        )

    def perform(self, meeting, form):
        data = form.cleaned_data
        try:
            self.new_meeting = services.reconvene(
                actor=self.actor,
                meeting=self.meeting,
                starts_at=data["starts_at"],
                place=data["place"],
                video_link=data["video_link"],
                chaired_by=data["chaired_by"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "starts_at" in exc.error_dict:
                raise ValidationError({"day": exc.error_dict["starts_at"]}) from exc
            raise
        return (
            f"Nouvelle séance programmée le {self.new_meeting.day:%d/%m/%Y} sur le même ordre du jour, sans "
            "condition de quorum : envoyez-en les convocations."
        )


class DissentView(MemberActionView):
    form_class, form_name, anchor, service = DissentForm, "dissent_form", "#ordre-du-jour", "record_dissent"
    on_item = True
    success_message = "Désaccord enregistré : il sera mentionné au procès-verbal."


class WrittenCloseView(MeetingActionView):
    anchor = "#presences"

    def confirmation(self, meeting, form):
        if not meeting.is_written or meeting.state != MeetingState.CONVENED:
            raise ValidationError("Cette consultation écrite n'est pas en cours.")
        if timezone.now() < meeting.closes_at:
            raise ValidationError("La consultation est encore ouverte : elle se clôt à sa date de clôture.")
        voters = meeting.convocations.filter(ballots__isnull=False).distinct().count()
        return Confirmation(
            title="Clore la consultation écrite",
            consequences=[
                f"{voters} membre(s) ont voté : ils comptent comme ayant pris part à la délibération ; la "
                "consultation n'est valable que si le quorum de l'arrêté est atteint.",
                "Les votes ne changent plus ; vous enregistrerez ensuite l'avis de chaque demande d'après "
                "eux.",
            ],
            button="Oui, clore la consultation",
            back_url=self.page_url(meeting) + self.anchor,
        )

    def perform(self, meeting, form):
        status = services.close_written_consultation(actor=self.actor, meeting=self.meeting)
        if status["reached"]:
            return (
                f"Consultation close : quorum atteint ({status['filled']} votants sur {status['total']} "
                "sièges)."
            )
        return (
            f"Consultation close : quorum NON atteint ({status['filled']} votants sur {status['total']} "
            f"sièges, {status['needed']} requis). "
            "Reconvoquez la commission en séance sur le même ordre du jour."
        )


class RecusalView(MemberActionView):
    form_class, form_name, anchor, service = RecusalForm, "recusal_form", "#ordre-du-jour", "declare_recusal"
    on_item = True
    success_message = "Déport enregistré : le membre ne voit plus ce point et ne prend pas part à l'avis."


class OpinionView(MeetingActionView):
    form_name, anchor = "opinion_form", "#ordre-du-jour"
    success_message = "Avis enregistré."

    def get_form(self):
        return OpinionForm(self.request.POST, written=self.meeting.is_written)

    def perform(self, meeting, form):
        services.record_item_opinion(actor=self.actor, item=self.item, **form.cleaned_data)


class CancelMeetingView(MeetingActionView):
    success_message = "Séance annulée : ses demandes reviennent parmi celles à inscrire."

    def confirmation(self, meeting, form):
        if meeting.state not in (MeetingState.SCHEDULED, MeetingState.CONVENED):
            raise ValidationError("Seule une séance qui n'a pas encore eu lieu peut être annulée.")
        cases = meeting.items.exclude(kind=AgendaItem.Kind.FREE).count()
        convened = meeting.convocations.count()
        consequences = [
            "La séance passe à « Annulée » : cela ne peut pas être défait ; "
            "il faudra programmer une nouvelle "
            "séance.",
            f"{cases} demande(s) inscrite(s) quitte(nt) l'ordre du jour "
            "et revien(nen)t parmi celles à inscrire."
            if cases
            else "Aucune demande n'est inscrite à son ordre du jour.",
        ]
        notify = None
        if convened:
            consequences.append(f"{convened} membre(s) ont été convoqué(s) à cette séance.")
            notify = (
                "prevenir",
                f"Prévenir par courriel les {convened} membre(s) convoqué(s) de l'annulation",
            )
        return Confirmation(
            title=f"Annuler la {_meeting_label(meeting)}",
            consequences=consequences,
            button="Oui, annuler la séance",
            back_url=self.page_url(meeting),
            notify=notify,
        )

    def perform(self, meeting, form):
        notify = self.request.POST.get("prevenir") == "on"
        services.cancel_meeting(actor=self.actor, meeting=self.meeting, notify=notify)
        if notify and meeting.convocations.exists():
            return (
                "Séance annulée : ses demandes reviennent parmi celles à inscrire ; "
                "les membres convoqués sont prévenus par courriel."
            )
        return None


class AgendaNoticeView(MeetingActionView):
    anchor = "#ordre-du-jour"

    def perform(self, meeting, form):
        sent = services.notify_agenda_change(actor=self.actor, meeting=self.meeting)
        return f"Ordre du jour rectifié envoyé à {sent} membre(s) convoqué(s)."


# --- Minutes ---


class MinutesDraftView(MeetingActionView):
    anchor = "#proces-verbal"
    success_message = "Procès-verbal rédigé : relisez-le et modifiez-le si besoin avant de le figer."

    def perform(self, meeting, form):
        services.draft_minutes(actor=self.actor, meeting=self.meeting)


class MeetingCloseView(MeetingActionView):
    anchor = "#proces-verbal"
    success_message = "Procès-verbal figé (empreinte SHA-256 enregistrée) et séance close."

    def perform(self, meeting, form):
        services.close_meeting(actor=self.actor, meeting=self.meeting)


# --- The prefect's decisions ---


class DecisionDraftView(MeetingActionView):
    permission = "commission.decide"
    form_name, anchor = "decision_form", "#ordre-du-jour"

    def get_form(self):
        return DecisionDraftForm(self.request.POST)

    def perform(self, meeting, form):
        decision = services.draft_decision(actor=self.actor, item=self.item, **form.cleaned_data)
        return f"Décision préparée ({decision.get_outcome_display().lower()}) : elle attend la signature."


class DecisionListView(ActorRequiredMixin, TemplateView):
    permission = "commission.decisions"
    template_name = "commission/decision_list.html"

    def get_context_data(self, **kwargs):
        qs = decisions_of(self.actor).order_by("state", "-created_at")
        state = self.request.GET.get("etat", "")
        if state in PrefectDecision.State.values:
            qs = qs.filter(state=state)
        page = paginate(self.request, qs)
        note_list(self.actor, [d.pathway.person for d in page], detail="liste des décisions")
        return {"nav": "decisions", "page": page, "state": state, "states": PrefectDecision.State.choices}


def decision_page_context(actor, decision, **forms):
    ended = decision.outcome == PrefectDecision.Outcome.ENDED
    context = {
        "nav": "decisions",
        "decision": decision,
        "ended": ended,
        "request_obj": decision.request,
        "person": decision.pathway.person,
        "letters": decision.letters.select_related("document"),
        "sign_form": (EndSignForm if ended else SignForm)(initial={"day": timezone.localdate()}),
        "return_form": ReturnForm(),
        "revise_form": EndDecisionDraftForm(initial={"motive": decision.motive})
        if ended
        else DecisionDraftForm(
            initial={
                "outcome": decision.outcome,
                "motive": decision.motive,
                "period_start": decision.period_start,
                "divergence_motive": decision.divergence_motive,
            }
        ),
        "can_sign": can(actor, "commission.sign") and decision.state == PrefectDecision.State.DRAFT,
        "can_revise": can(actor, "commission.decide") and decision.state == PrefectDecision.State.RETURNED,
        "can_issue": can(actor, "commission.decide")
        and decision.state == PrefectDecision.State.SIGNED
        and not decision.letters.exists(),
        "can_edit": actor.role == Role.SECRETARIAT and decision.document and not decision.document.is_frozen,
        # The meeting's page is the secretariat's (commission.manage): others read its date, not a link that
        # would answer 403.
        "can_open_meeting": can(actor, "commission.manage"),
        "against_opinion": not ended and services.goes_against_opinion(decision.request, decision.outcome),
    }
    context.update(forms)
    return context


class DecisionDetailView(ActorRequiredMixin, TemplateView):
    permission = "commission.decisions"
    template_name = "commission/decision_detail.html"

    def get_context_data(self, **kwargs):
        decision = read_decision(self.actor, self.kwargs["pk"], detail="décision préfectorale")
        return decision_page_context(self.actor, decision)


def sign_confirmation(decision, data) -> Confirmation:
    """What signing does, said before it is done (the signature path itself is unchanged)."""
    day = data["day"]
    if decision.outcome == PrefectDecision.Outcome.ENDED:
        consequences = [
            "La décision de fin est signée le "
            + f"{day:%d/%m/%Y} par « {data['signer'].strip() or 'Le préfet'} »"
            + f" et reçoit le numéro suivant du registre {day.year} : cela ne peut pas être défait.",
            f"Le parcours de {decision.pathway.person.pseudonym} prend fin à cette date ; la période en "
            "cours "
            "s'arrête et la demande en cours éventuelle est close.",
        ]
        if getattr(decision.pathway, "afis", None) is not None:
            consequences.append("L'AFIS cesse d'être versée à compter du mois suivant la décision.")
        consequences.append(
            "Le document est figé et les courriers de notification sont préparés (la personne, par "
            "l'association ; selon ses droits, l'organisme payeur de l'AFIS et le service des étrangers)."
        )
        return Confirmation(
            title="Signer la décision de fin du parcours",
            consequences=consequences,
            button="Oui, signer la décision",
            back_url=reverse("commission:decision_detail", args=[decision.public_id]),
        )
    return Confirmation(
        title="Signer la décision",
        consequences=[
            f"La décision ({decision.get_outcome_display().lower()}) est signée le {day:%d/%m/%Y} par "
            f"« {data['signer'].strip() or 'Le préfet'} » "
            f"et reçoit le numéro suivant du registre {day.year} : "
            "cela ne peut pas être défait.",
            "Le document est figé (il ne peut plus être modifié) et le dossier de la personne enregistre la "
            "décision.",
            "Les courriers de notification sont préparés pour la personne et l'association.",
        ],
        button="Oui, signer la décision",
        back_url=reverse("commission:decision_detail", args=[decision.public_id]),
    )


class DecisionSignView(ActorRequiredMixin, View):
    permission = "commission.sign"

    def post(self, request, pk):
        decision = get_decision_or_404(self.actor, pk)
        form = (EndSignForm if decision.outcome == PrefectDecision.Outcome.ENDED else SignForm)(request.POST)
        if form.is_valid() and not is_confirmed(request) and decision.state != PrefectDecision.State.SIGNED:
            return confirmation_page(request, sign_confirmation(decision, form.cleaned_data))
        if form.is_valid():
            try:
                decision = services.sign_decision(actor=self.actor, decision=decision, **form.cleaned_data)
            except ValidationError as exc:
                if not hasattr(exc, "error_dict"):
                    messages.error(request, " ".join(exc.messages))
                    return redirect("commission:decision_detail", pk=pk)
                if "period_start" in exc.error_dict:
                    messages.error(request, " ".join(exc.message_dict["period_start"]))
                    return redirect("commission:decision_detail", pk=pk)
                apply_errors(form, exc)
            else:
                messages.success(
                    request, f"Décision n° {decision.reference} signée ; les notifications sont prêtes."
                )
                return redirect("commission:decision_detail", pk=pk)
        return render(
            request,
            "commission/decision_detail.html",
            decision_page_context(self.actor, decision, sign_form=form),
        )


class DecisionActionView(ActorRequiredMixin, View):
    """A POST on a decision's page: a refusal about a field comes back on the page, next to the field."""

    form_class = None
    form_name = ""

    def perform(self, decision, form) -> str:
        raise NotImplementedError

    def post(self, request, pk):
        decision = get_decision_or_404(self.actor, pk)
        form = self.form_class(request.POST) if self.form_class else None
        if form is None or form.is_valid():
            try:
                message = self.perform(decision, form)
            except ValidationError as exc:
                if form is None or not hasattr(exc, "error_dict"):
                    messages.error(request, " ".join(exc.messages))
                    return redirect("commission:decision_detail", pk=pk)
                apply_errors(form, exc)
            else:
                messages.success(request, message)
                return redirect("commission:decision_detail", pk=pk)
        context = decision_page_context(self.actor, decision, **{self.form_name: form})
        return render(request, "commission/decision_detail.html", context)


class DecisionReturnView(DecisionActionView):
    permission = "commission.sign"
    form_class, form_name = ReturnForm, "return_form"

    def perform(self, decision, form) -> str:
        services.return_decision(actor=self.actor, decision=decision, comment=form.cleaned_data["comment"])
        return "Décision renvoyée au secrétariat avec vos observations."


class DecisionReviseView(DecisionActionView):
    permission = "commission.decide"
    form_class, form_name = DecisionDraftForm, "revise_form"

    def post(self, request, pk):
        decision = get_decision_or_404(self.actor, pk)
        if decision.outcome == PrefectDecision.Outcome.ENDED:
            self.form_class = EndDecisionDraftForm
        return super().post(request, pk)

    def perform(self, decision, form) -> str:
        if decision.outcome == PrefectDecision.Outcome.ENDED:
            services.revise_end_decision(
                actor=self.actor, decision=decision, motive=form.cleaned_data["motive"]
            )
        else:
            services.revise_decision(actor=self.actor, decision=decision, **form.cleaned_data)
        return "Décision reprise : elle attend de nouveau la signature."


class DecisionIssueView(DecisionActionView):
    """A decision in the register without its act (recorded by hand before the register): produce them."""

    permission = "commission.decide"

    def perform(self, decision, form) -> str:
        services.issue_register_documents(actor=self.actor, decision=decision)
        return "L'acte et les courriers de notification sont produits."


class DecisionPdfView(ActorRequiredMixin, StepUpMixin, View):
    permission = "commission.decisions"

    def get(self, request, pk):
        decision = read_decision(self.actor, pk, detail="décision préfectorale (PDF)", action="download")
        if decision.document is None:
            raise Http404
        try:
            content = documents_services.pdf_of(decision.document)
        except documents_services.TamperedDocument:
            return altered_file_response(request)
        name = f"decision-{decision.reference}.pdf" if decision.reference else "projet-de-decision.pdf"
        return pdf_response(content, name)


class LetterDownloadView(ActorRequiredMixin, StepUpMixin, View):
    permission = "commission.letters"

    def get(self, request, pk):
        letter = get_letter_or_404(self.actor, pk)
        try:
            content = documents_services.pdf_of(letter.document)
        except documents_services.TamperedDocument:
            return altered_file_response(request)
        suffix = Letter.FILE_SUFFIXES[letter.addressee]
        return pdf_response(content, f"notification-{letter.decision.reference}-{suffix}.pdf")
