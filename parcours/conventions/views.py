"""Views (thin: parse, call a service, render)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import FormView, TemplateView

from parcours.core import audit
from parcours.core.views_base import (
    ActorRequiredMixin,
    Confirmation,
    ObjectActionView,
    apply_errors,
    paginate,
)
from parcours.diagnostic.rules import secrecy_threshold

from . import services
from .figures import indicator_figures
from .forms import (
    ActionForm,
    ActionUpdateForm,
    AxisForm,
    CloseForm,
    CommitmentForm,
    CommitmentIndicatorForm,
    ConventionForm,
    ManualValueForm,
    ObjectiveForm,
    ObjectiveIndicatorForm,
    PartyForm,
    ReviewMeetingForm,
    StrategyForm,
    StrategyReviewForm,
)
from .models import Indicator, IndicatorKind, StrategyAction
from .policies import abilities, sees_exact_figures
from .selectors import (
    OVERDUE_ACTIONS_KEY,
    OVERDUE_ACTIONS_LABEL,
    conventions_visible_to,
    get_action_or_404,
    get_axis_or_404,
    get_commitment_or_404,
    get_convention_indicator_or_404,
    get_convention_or_404,
    get_objective_or_404,
    get_party_or_404,
    get_strategy_indicator_or_404,
    get_strategy_or_404,
    overdue_actions,
    strategies_of,
)


def manual_indicators(*, convention=None, strategy=None):
    qs = Indicator.objects.filter(kind=IndicatorKind.MANUAL)
    if convention is not None:
        return qs.filter(commitment__convention=convention)
    return qs.filter(objective__strategy=strategy)


class EditPageView(ActorRequiredMixin, FormView):
    """A page that corrects what is recorded (a convention's general information, an axis' title) through
    its service: the form starts from the record; a refusal comes back in the form, nothing saved.
    Subclasses find the object, give the form's initial data, the page to go back to and the service."""

    template_name = "core/form_page.html"
    nav = ""
    success_message = ""

    def get_object(self):
        raise NotImplementedError

    def initial_from(self, obj) -> dict:
        raise NotImplementedError

    def page_url(self, obj) -> str:
        raise NotImplementedError

    def page_title(self, obj) -> str:
        raise NotImplementedError

    def save(self, obj, data) -> None:
        raise NotImplementedError

    def check(self, obj) -> None:
        """The object's state forbids any change (raises the service's ValidationError)."""

    @cached_property
    def edited(self):
        return self.get_object()

    def get(self, request, *args, **kwargs):
        try:
            self.check(self.edited)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(self.page_url(self.edited))
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        return self.initial_from(self.edited)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            nav=self.nav,
            title=self.page_title(self.edited),
            back_url=self.page_url(self.edited),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            self.save(self.edited, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.page_url(self.edited))


class RemoveItemView:
    """Removing one item of a page (a party, an axis, an action…) from its page, after a page that says
    what will happen (mixed into the page's ObjectActionView). The URL names the item by `item_kwarg`, which
    is also the service's keyword; `find(page_object, public_id)` finds it within the page's object (404
    otherwise); `check`, when given, refuses before the question; `remove` is the service."""

    item_kwarg = ""
    find = None
    check = None
    remove = None
    button = ""

    def title(self, item) -> str:
        raise NotImplementedError

    def consequences(self, obj, item) -> list[str]:
        raise NotImplementedError

    def item(self, obj):
        return self.find(obj, self.kwargs[self.item_kwarg])

    def confirmation(self, obj, form):
        item = self.item(obj)
        if self.check is not None:
            self.check(item)
        return Confirmation(
            title=self.title(item),
            consequences=self.consequences(obj, item),
            button=self.button,
            back_url=self.page_url(obj) + self.anchor,
        )

    def perform(self, obj, form):
        self.remove(actor=self.actor, **{self.item_kwarg: self.item(obj)})


# --- Conventions ---


class ConventionListView(ActorRequiredMixin, TemplateView):
    permission = "conventions.view"
    template_name = "conventions/convention_list.html"

    def get_context_data(self, **kwargs):
        conventions = conventions_visible_to(self.actor).annotate(n_parties=Count("parties", distinct=True))
        return {
            "nav": "conventions",
            "conventions": conventions,
            "manage": self.actor.is_secretariat,
            "today": timezone.localdate(),
        }


class ConventionCreateView(ActorRequiredMixin, FormView):
    permission = "conventions.manage"
    template_name = "core/form_page.html"
    form_class = ConventionForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            nav="conventions",
            title="Enregistrer une convention de partenariat",
            intro="Les parties, les axes, les engagements et leurs indicateurs s'ajoutent ensuite, sur la "
            "page de la convention.",
            back_url=reverse("conventions:list"),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            convention = services.create_convention(actor=self.actor, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request, "Convention enregistrée : ajoutez ses parties, ses axes et ses engagements."
        )
        return redirect("conventions:detail", pk=convention.public_id)


class ConventionEditView(EditPageView):
    permission = "conventions.manage"
    form_class = ConventionForm
    nav = "conventions"
    success_message = "Convention modifiée."

    def get_object(self):
        return get_convention_or_404(self.actor, self.kwargs["pk"])

    def check(self, convention):
        services.check_editable(convention)

    def initial_from(self, convention):
        return {
            "title": convention.title,
            "reference": convention.reference,
            "signed_on": convention.signed_on,
            "start": convention.start,
            # As it was given: the duration, or else the end date.
            "duration_months": convention.duration_months,
            "end": None if convention.duration_months else convention.end,
            "renewal_terms": convention.renewal_terms,
        }

    def page_url(self, convention):
        return reverse("conventions:detail", args=[convention.public_id])

    def page_title(self, convention):
        return f"Modifier la convention « {convention} »"

    def save(self, convention, data):
        services.update_convention(actor=self.actor, convention=convention, **data)


class AxisEditView(EditPageView):
    permission = "conventions.manage"
    form_class = AxisForm
    nav = "conventions"
    success_message = "Axe renommé."

    def get_object(self):
        convention = get_convention_or_404(self.actor, self.kwargs["pk"])
        return get_axis_or_404(convention, self.kwargs["axis"])

    def check(self, axis):
        services.check_editable(axis.convention)

    def initial_from(self, axis):
        return {"title": axis.title}

    def page_url(self, axis):
        return reverse("conventions:detail", args=[axis.convention.public_id]) + "#axes"

    def page_title(self, axis):
        return f"Renommer l'axe {axis.order} de la convention « {axis.convention} »"

    def save(self, axis, data):
        services.rename_axis(actor=self.actor, axis=axis, title=data["title"])


def _figures(actor, indicator, *, departement, start, end, organisation=None):
    exact = sees_exact_figures(actor)
    today = timezone.localdate()
    return indicator_figures(
        indicator,
        departement=departement,
        start=start,
        end=end,
        today=today,
        organisation=organisation,
        exact=exact,
        threshold=secrecy_threshold(today),
    )


def convention_context(actor, convention, **forms):
    can_do = abilities(actor, convention)
    parties = list(convention.parties.select_related("organisation"))
    commitments = list(
        convention.commitments.select_related("party__organisation", "axis").prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.prefetch_related("values"))
        )
    )
    for commitment in commitments:
        organisation = commitment.party.organisation
        commitment.figures = [
            _figures(
                actor,
                indicator,
                departement=convention.departement,
                start=convention.start,
                end=convention.end,
                organisation=organisation if indicator.party_only else None,
            )
            for indicator in commitment.indicators.all()
        ]
    context = {
        "nav": "conventions",
        "convention": convention,
        "parties": parties,
        "axes": list(convention.axes.all()),
        "commitments": commitments,
        "reviews": list(convention.reviews.all()),
        "can": can_do,
        "exact": sees_exact_figures(actor),
        "threshold": secrecy_threshold(timezone.localdate()),
        "today": timezone.localdate(),
    }
    if can_do["edit"]:
        manual = manual_indicators(convention=convention)
        context.update(
            axis_form=AxisForm(),
            party_form=PartyForm(departement=convention.departement),
            commitment_form=CommitmentForm(convention=convention) if parties else None,
            indicator_form=CommitmentIndicatorForm(owners=convention.commitments.all())
            if commitments
            else None,
            value_form=ManualValueForm(indicators=manual) if manual.exists() else None,
        )
    if can_do["manage"]:
        context["review_form"] = ReviewMeetingForm(initial={"held_on": timezone.localdate()})
    if can_do["close"]:
        context["close_form"] = CloseForm(initial={"day": timezone.localdate()})
    context.update(forms)
    return context


class ConventionDetailView(ActorRequiredMixin, TemplateView):
    permission = "conventions.view"
    template_name = "conventions/convention_detail.html"

    def get_context_data(self, **kwargs):
        convention = get_convention_or_404(self.actor, self.kwargs["pk"])
        audit.record(self.actor, "view", convention, detail="convention de partenariat")
        return convention_context(self.actor, convention)


class ConventionActionView(ObjectActionView):
    permission = "conventions.manage"

    def get_object(self, pk, **kwargs):
        self.convention = get_convention_or_404(self.actor, pk)
        return self.convention

    def page_url(self, convention) -> str:
        return reverse("conventions:detail", args=[convention.public_id])

    def render_page(self, convention, form):
        convention.refresh_from_db()
        context = convention_context(self.actor, convention, **{self.form_name: form})
        return render(self.request, "conventions/convention_detail.html", context)


class AxisAddView(ConventionActionView):
    form_class, form_name, anchor = AxisForm, "axis_form", "#axes"
    success_message = "Axe ajouté."

    def perform(self, convention, form):
        services.add_axis(actor=self.actor, convention=convention, title=form.cleaned_data["title"])


class AxisRemoveView(RemoveItemView, ConventionActionView):
    anchor = "#axes"
    success_message = "Axe retiré."
    item_kwarg, button = "axis", "Oui, retirer l'axe"
    find = staticmethod(get_axis_or_404)
    check = staticmethod(services.check_remove_axis)
    remove = staticmethod(services.remove_axis)

    def title(self, axis):
        return f"Retirer l'axe « {axis.title} »"

    def consequences(self, convention, axis):
        return [
            f"L'axe « {axis.title} » ne figure plus dans la convention « {convention} ».",
            "Les axes qui le suivent remontent d'un rang (l'axe suivant prend son numéro).",
        ]


class PartyAddView(ConventionActionView):
    form_name, anchor = "party_form", "#parties"
    success_message = "Partie ajoutée."

    def get_form(self):
        return PartyForm(self.request.POST, departement=self.actor.departement)

    def perform(self, convention, form):
        services.add_party(actor=self.actor, convention=convention, **form.cleaned_data)


class PartyRemoveView(RemoveItemView, ConventionActionView):
    anchor = "#parties"
    success_message = "Partie retirée de la convention."
    item_kwarg, button = "party", "Oui, retirer la partie"
    find = staticmethod(get_party_or_404)
    check = staticmethod(services.check_remove_party)
    remove = staticmethod(services.remove_party)

    def title(self, party):
        return f"Retirer la partie « {party} »"

    def consequences(self, convention, party):
        return [
            f"« {party} » ne figurera plus parmi les parties de la convention « {convention} ».",
            "Ses membres ne verront plus la convention s'il s'agit d'une organisation de Parcours.",
        ]


class CommitmentAddView(ConventionActionView):
    form_name, anchor = "commitment_form", "#engagements"
    success_message = "Engagement ajouté."

    def get_form(self):
        return CommitmentForm(self.request.POST, convention=self.convention)

    def perform(self, convention, form):
        data = form.cleaned_data
        services.add_commitment(
            actor=self.actor, convention=convention, party=data["party"], axis=data["axis"], text=data["text"]
        )


class CommitmentRemoveView(RemoveItemView, ConventionActionView):
    anchor = "#engagements"
    success_message = "Engagement retiré."
    item_kwarg, button = "commitment", "Oui, retirer l'engagement"
    find = staticmethod(get_commitment_or_404)
    remove = staticmethod(services.remove_commitment)

    def title(self, commitment):
        return "Retirer un engagement"

    def consequences(self, convention, commitment):
        n = commitment.indicators.count()
        return [
            f"L'engagement « {commitment} » est retiré de la convention.",
            f"Ses indicateurs ({n}) et les valeurs saisies pour eux sont supprimés.",
        ]


class ConventionIndicatorAddView(ConventionActionView):
    form_name, anchor = "indicator_form", "#engagements"
    success_message = "Indicateur ajouté."

    def get_form(self):
        return CommitmentIndicatorForm(self.request.POST, owners=self.convention.commitments.all())

    def perform(self, convention, form):
        data = form.cleaned_data
        services.add_indicator(
            actor=self.actor,
            commitment=data["owner"],
            kind=data["kind"],
            measure_code=data["measure_code"],
            label=data["label"],
            target=data["target"],
            target_basis=data["target_basis"],
            party_only=data["party_only"],
        )


class IndicatorRemoveView(RemoveItemView):
    """An indicator of a commitment or of a strategy objective: one confirmation, one service."""

    item_kwarg, button = "indicator", "Oui, retirer l'indicateur"
    success_message = "Indicateur retiré."
    remove = staticmethod(services.remove_indicator)

    def title(self, indicator):
        return f"Retirer l'indicateur « {indicator} »"

    def consequences(self, obj, indicator):
        return ["L'indicateur et les valeurs saisies pour lui sont supprimés."]


class ConventionIndicatorRemoveView(IndicatorRemoveView, ConventionActionView):
    anchor = "#engagements"
    find = staticmethod(get_convention_indicator_or_404)


class ConventionValueAddView(ConventionActionView):
    form_name, anchor = "value_form", "#valeurs"
    success_message = "Valeur enregistrée."

    def get_form(self):
        return ManualValueForm(self.request.POST, indicators=manual_indicators(convention=self.convention))

    def perform(self, convention, form):
        services.add_manual_value(actor=self.actor, **form.cleaned_data)


class ReviewMeetingAddView(ConventionActionView):
    form_class, form_name, anchor = ReviewMeetingForm, "review_form", "#suivi"
    success_message = "Réunion de suivi enregistrée."

    def perform(self, convention, form):
        services.record_review_meeting(actor=self.actor, convention=convention, **form.cleaned_data)


class ConventionCloseView(ConventionActionView):
    form_class, form_name, anchor = CloseForm, "close_form", "#cloture"
    success_message = "Convention close."

    def confirmation(self, convention, form):
        services.check_close(convention, form.cleaned_data["day"])
        return Confirmation(
            title=f"Clore la convention « {convention} »",
            consequences=[
                f"La convention est close le {form.cleaned_data['day']:%d/%m/%Y} ; ses chiffres s'arrêtent à "
                "cette date.",
                "Elle reste consultable par le secrétariat et par ses parties, mais plus rien ne peut y être "
                "ajouté.",
            ],
            button="Oui, clore la convention",
            back_url=self.page_url(convention) + self.anchor,
        )

    def perform(self, convention, form):
        services.close_convention(actor=self.actor, convention=convention, **form.cleaned_data)


# --- The departmental strategy ---


class StrategyListView(ActorRequiredMixin, TemplateView):
    permission = "strategy.manage"
    template_name = "conventions/strategy_list.html"

    def get_context_data(self, **kwargs):
        context = {
            "nav": "strategy",
            "strategies": strategies_of(self.actor),
            "to_handle": "",
            "to_handle_choices": [(OVERDUE_ACTIONS_KEY, OVERDUE_ACTIONS_LABEL)],
        }
        if self.request.GET.get("a_traiter", "") == OVERDUE_ACTIONS_KEY:  # the board's section, all of it
            actions = overdue_actions(self.actor.departement, timezone.localdate())
            context.update(to_handle=OVERDUE_ACTIONS_KEY, page=paginate(self.request, actions))
        return context


class StrategyCreateView(ActorRequiredMixin, FormView):
    permission = "strategy.manage"
    template_name = "core/form_page.html"
    form_class = StrategyForm

    def get_initial(self):
        year = timezone.localdate().year
        return {"first_year": year, "last_year": year + 2}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            nav="strategy",
            title="Nouvelle stratégie départementale",
            intro="La stratégie nationale du 2 mai 2024 demande à chaque commission une stratégie "
            "départementale pluriannuelle : objectifs, actions et indicateurs s'ajoutent ensuite.",
            back_url=reverse("conventions:strategy_list"),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            strategy = services.create_strategy(actor=self.actor, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "Stratégie enregistrée : ajoutez ses objectifs et ses actions.")
        return redirect("conventions:strategy_detail", pk=strategy.public_id)


class StrategyEditView(EditPageView):
    permission = "strategy.manage"
    form_class = StrategyForm
    nav = "strategy"
    success_message = "Stratégie modifiée."

    def get_object(self):
        return get_strategy_or_404(self.actor, self.kwargs["pk"])

    def initial_from(self, strategy):
        return {
            "title": strategy.title,
            "first_year": strategy.first_year,
            "last_year": strategy.last_year,
            "adopted_on": strategy.adopted_on,
        }

    def page_url(self, strategy):
        return reverse("conventions:strategy_detail", args=[strategy.public_id])

    def page_title(self, strategy):
        return f"Modifier la stratégie « {strategy.title} »"

    def save(self, strategy, data):
        services.update_strategy(actor=self.actor, strategy=strategy, **data)


def strategy_context(actor, strategy, **forms):
    from datetime import date

    today = timezone.localdate()
    objectives = list(
        strategy.objectives.prefetch_related(
            Prefetch("actions", queryset=StrategyAction.objects.select_related("owner")),
            Prefetch("indicators", queryset=Indicator.objects.prefetch_related("values")),
        )
    )
    actions = [a for o in objectives for a in o.actions.all()]
    for objective in objectives:
        objective.figures = [
            _figures(
                actor,
                indicator,
                departement=strategy.departement,
                start=date(strategy.first_year, 1, 1),
                end=date(strategy.last_year, 12, 31),
            )
            for indicator in objective.indicators.all()
        ]
        for action in objective.actions.all():
            action.overdue = action.is_open and action.deadline < today
            action.update_form = ActionUpdateForm(
                initial={"status": action.status, "deadline": action.deadline},
                auto_id=f"id_action_{action.public_id.hex[:8]}_%s",
            )
    reviews = list(strategy.reviews.prefetch_related("action_statuses__action"))
    manual = manual_indicators(strategy=strategy)
    context = {
        "nav": "strategy",
        "strategy": strategy,
        "objectives": objectives,
        "reviews": reviews,
        "today": today,
        "objective_form": ObjectiveForm(),
        "action_form": ActionForm(strategy=strategy) if objectives else None,
        "indicator_form": ObjectiveIndicatorForm(owners=strategy.objectives.all()) if objectives else None,
        "value_form": ManualValueForm(indicators=manual) if manual.exists() else None,
        "review_form": StrategyReviewForm(actions=actions, initial={"held_on": today, "year": today.year}),
        "failed_action": forms.pop("failed_action", None),
    }
    failed = context["failed_action"]
    if failed is not None and "update_form" in forms:
        for action in actions:
            if action.pk == failed.pk:
                action.update_form = forms.pop("update_form")
    context.update(forms)
    return context


class StrategyDetailView(ActorRequiredMixin, TemplateView):
    permission = "strategy.manage"
    template_name = "conventions/strategy_detail.html"

    def get_context_data(self, **kwargs):
        strategy = get_strategy_or_404(self.actor, self.kwargs["pk"])
        return strategy_context(self.actor, strategy)


class StrategyActionView(ObjectActionView):
    permission = "strategy.manage"

    def get_object(self, pk, **kwargs):
        self.strategy = get_strategy_or_404(self.actor, pk)
        return self.strategy

    def page_url(self, strategy) -> str:
        return reverse("conventions:strategy_detail", args=[strategy.public_id])

    def extra_context(self) -> dict:
        return {}

    def render_page(self, strategy, form):
        context = strategy_context(self.actor, strategy, **{self.form_name: form}, **self.extra_context())
        return render(self.request, "conventions/strategy_detail.html", context)


class ObjectiveAddView(StrategyActionView):
    form_class, form_name, anchor = ObjectiveForm, "objective_form", "#objectifs"
    success_message = "Objectif ajouté."

    def perform(self, strategy, form):
        services.add_objective(actor=self.actor, strategy=strategy, title=form.cleaned_data["title"])


class ObjectiveRemoveView(RemoveItemView, StrategyActionView):
    anchor = "#objectifs"
    success_message = "Objectif retiré."
    item_kwarg, button = "objective", "Oui, retirer l'objectif"
    find = staticmethod(get_objective_or_404)
    check = staticmethod(services.check_remove_objective)
    remove = staticmethod(services.remove_objective)

    def title(self, objective):
        return f"Retirer l'objectif « {objective.title} »"

    def consequences(self, strategy, objective):
        n = objective.indicators.count()
        return [
            f"L'objectif « {objective.title} » ne figure plus dans la stratégie.",
            f"Ses indicateurs ({n}) et les valeurs saisies pour eux sont supprimés.",
            "Les objectifs qui le suivent remontent d'un rang (l'objectif suivant prend son numéro).",
        ]


class StrategyActionAddView(StrategyActionView):
    form_name, anchor = "action_form", "#nouvelle-action"
    success_message = "Action ajoutée."

    def get_form(self):
        return ActionForm(self.request.POST, strategy=self.strategy)

    def perform(self, strategy, form):
        services.add_action(actor=self.actor, **form.cleaned_data)


class StrategyActionUpdateView(StrategyActionView):
    form_name = "update_form"
    success_message = "Action mise à jour."

    def get_form(self):
        self.action = get_action_or_404(self.strategy, self.kwargs["action"])
        self.anchor = f"#action-{self.action.public_id}"
        return ActionUpdateForm(self.request.POST, auto_id=f"id_action_{self.action.public_id.hex[:8]}_%s")

    def extra_context(self):
        return {"failed_action": self.action}

    def perform(self, strategy, form):
        services.update_action(actor=self.actor, action=self.action, **form.cleaned_data)


class StrategyActionRemoveView(RemoveItemView, StrategyActionView):
    anchor = "#objectifs"
    success_message = "Action retirée."
    item_kwarg, button = "action", "Oui, retirer l'action"
    find = staticmethod(get_action_or_404)
    check = staticmethod(services.check_remove_action)
    remove = staticmethod(services.remove_action)

    def title(self, action):
        return f"Retirer l'action « {action.title} »"

    def consequences(self, strategy, action):
        return [
            f"L'action « {action.title} » (porteur : {action.owner}) ne figure plus dans la stratégie.",
            "Si elle était en retard, elle quitte le tableau « À traiter ».",
        ]


class StrategyIndicatorAddView(StrategyActionView):
    form_name, anchor = "indicator_form", "#indicateurs"
    success_message = "Indicateur ajouté."

    def get_form(self):
        return ObjectiveIndicatorForm(self.request.POST, owners=self.strategy.objectives.all())

    def perform(self, strategy, form):
        data = form.cleaned_data
        services.add_indicator(
            actor=self.actor,
            objective=data["owner"],
            kind=data["kind"],
            measure_code=data["measure_code"],
            label=data["label"],
            target=data["target"],
            target_basis=data["target_basis"],
        )


class StrategyIndicatorRemoveView(IndicatorRemoveView, StrategyActionView):
    anchor = "#objectifs"
    find = staticmethod(get_strategy_indicator_or_404)


class StrategyValueAddView(StrategyActionView):
    form_name, anchor = "value_form", "#valeurs"
    success_message = "Valeur enregistrée."

    def get_form(self):
        return ManualValueForm(self.request.POST, indicators=manual_indicators(strategy=self.strategy))

    def perform(self, strategy, form):
        services.add_manual_value(actor=self.actor, **form.cleaned_data)


class StrategyReviewAddView(StrategyActionView):
    form_name, anchor = "review_form", "#bilans"
    success_message = "Bilan annuel enregistré."

    def get_form(self):
        actions = StrategyAction.objects.filter(objective__strategy=self.strategy)
        return StrategyReviewForm(self.request.POST, actions=actions)

    def perform(self, strategy, form):
        data = form.cleaned_data
        services.record_strategy_review(
            actor=self.actor,
            strategy=strategy,
            year=data["year"],
            held_on=data["held_on"],
            text=data["text"],
            statuses=form.statuses(),
        )
