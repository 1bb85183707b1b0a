"""A person's housing route: the page (SIAO requests, social-housing requests, delay to housing) and its
small forms. Thin: parse, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from parcours.core.views_base import (
    ActorRequiredMixin,
    Confirmation,
    apply_errors,
    confirmation_page,
    is_confirmed,
)
from parcours.people.selectors import get_person_or_404

from . import services
from .forms import HousingRequestForm, HousingUpdateForm, SiaoOutcomeForm, SiaoRequestForm
from .models import SiaoRequest
from .policies import abilities
from .selectors import get_housing_request_or_404, get_siao_or_404, housing_summary

TEMPLATE = "housing/person_housing.html"


def _page(request, actor, person, status: int = 200, **forms):
    can = abilities(actor, person)
    today = timezone.localdate()
    siao_requests = list(person.siao_requests.all())
    housing_requests = list(person.housing_requests.all())
    context = {
        "nav": "people",
        "person": person,
        "can": can,
        "summary": housing_summary(person, today),
        "siao_requests": siao_requests,
        "housing_requests": housing_requests,
    }
    if can["edit"]:
        # One small form per open item, with field ids of its own (several may share the page).
        for siao in siao_requests:
            if siao.status == SiaoRequest.Status.PENDING:
                posted = forms.get("outcome_form") if forms.get("outcome_for") == siao.pk else None
                siao.outcome_form = posted or SiaoOutcomeForm(
                    initial={"day": today}, auto_id=f"id_siao_{siao.public_id.hex[:8]}_%s"
                )
        for housing in housing_requests:
            if housing.is_open:
                posted = forms.get("update_form") if forms.get("update_for") == housing.pk else None
                housing.update_form = posted or HousingUpdateForm(
                    initial={name: getattr(housing, name) for name in services.UPDATE_FIELDS},
                    auto_id=f"id_logement_{housing.public_id.hex[:8]}_%s",
                )
        context.update(
            siao_form=forms.get("siao_form") or SiaoRequestForm(initial={"requested_on": today}),
            housing_form=forms.get("housing_form") or HousingRequestForm(initial={"filed_on": today}),
        )
    return render(request, TEMPLATE, context, status=status)


def _back(person) -> str:
    return reverse("housing:person", args=[person.public_id])


class PersonHousingView(ActorRequiredMixin, View):
    permission = "housing.view"

    def get(self, request, pk):
        person = get_person_or_404(self.actor, pk, detail="hébergement et logement")
        return _page(request, self.actor, person)


class _ActionView(ActorRequiredMixin, View):
    """A POST form of the housing page: on a refusal, the page comes back with the form's errors and nothing
    changes."""

    permission = "housing.edit"
    form_class = None
    form_name = ""
    success_message = ""

    def post(self, request, pk):
        person, target = self.resolve(pk)
        form = self.form_class(request.POST, **self.form_kwargs(target))
        if form.is_valid():
            try:
                response = self.perform(person, target, form)
            except ValidationError as exc:
                if not hasattr(exc, "error_dict"):
                    messages.error(request, "Rien n'a été enregistré : " + " ".join(exc.messages))
                    return redirect(_back(person))
                apply_errors(form, exc)
            else:
                if response is not None:
                    return response
                messages.success(request, self.success_message)
                return redirect(_back(person))
        extra = {self.form_name: form, **self.extra_context(target)}
        return _page(request, self.actor, person, **extra)

    def resolve(self, pk):
        return get_person_or_404(self.actor, pk, detail=self.success_message), None

    def extra_context(self, target) -> dict:
        return {}

    def form_kwargs(self, target) -> dict:
        return {}


class SiaoAddView(_ActionView):
    form_class = SiaoRequestForm
    form_name = "siao_form"
    success_message = "Demande au SIAO enregistrée."

    def perform(self, person, target, form):
        services.record_siao_request(
            actor=self.actor,
            person=person,
            requested_on=form.cleaned_data["requested_on"],
            orientation=form.cleaned_data["orientation"],
            number=form.cleaned_data["number"],
        )


class SiaoOutcomeView(_ActionView):
    form_class = SiaoOutcomeForm
    form_name = "outcome_form"
    success_message = "Issue de la demande au SIAO enregistrée."

    def resolve(self, pk):
        siao = get_siao_or_404(self.actor, pk, detail="issue d'une demande au SIAO")
        return siao.person, siao

    def extra_context(self, target) -> dict:
        return {"outcome_for": target.pk}

    def form_kwargs(self, target) -> dict:
        return {"auto_id": f"id_siao_{target.public_id.hex[:8]}_%s"}

    def perform(self, person, target, form):
        services.record_siao_outcome(
            actor=self.actor,
            siao=target,
            status=form.cleaned_data["status"],
            day=form.cleaned_data["day"],
            placement=form.cleaned_data["placement"],
        )


class HousingRequestAddView(_ActionView):
    form_class = HousingRequestForm
    form_name = "housing_form"
    success_message = "Demande de logement social enregistrée."

    def perform(self, person, target, form):
        services.record_housing_request(actor=self.actor, person=person, **form.cleaned_data)


def closing_confirmation(housing, data, back_url) -> Confirmation:
    if data.get("housed_on"):
        delay = (data["housed_on"] - housing.filed_on).days
        first = (
            f"L'entrée dans le logement le {data['housed_on']:%d/%m/%Y} clôt la demande déposée le "
            f"{housing.filed_on:%d/%m/%Y} : délai d'accès au logement de {delay} jour(s)."
        )
    else:
        first = f"La demande déposée le {housing.filed_on:%d/%m/%Y} est close comme abandonnée le " + (
            f"{data['cancelled_on']:%d/%m/%Y}."
        )
    return Confirmation(
        title="Clore la demande de logement social",
        consequences=[
            first,
            "Une demande close ne peut plus être modifiée ; une nouvelle demande pourra être enregistrée.",
        ],
        button="Oui, clore la demande",
        back_url=back_url,
    )


class HousingRequestUpdateView(_ActionView):
    form_class = HousingUpdateForm
    form_name = "update_form"
    success_message = "Demande de logement social mise à jour."

    def resolve(self, pk):
        housing = get_housing_request_or_404(self.actor, pk, detail="mise à jour d'une demande de logement")
        return housing.person, housing

    def extra_context(self, target) -> dict:
        return {"update_for": target.pk}

    def form_kwargs(self, target) -> dict:
        return {"auto_id": f"id_logement_{target.public_id.hex[:8]}_%s"}

    def perform(self, person, target, form):
        data = form.cleaned_data
        if (data.get("housed_on") or data.get("cancelled_on")) and not is_confirmed(self.request):
            services.check_housing_update(target, data)  # a refusal comes back on the form, not confirmed
            return confirmation_page(self.request, closing_confirmation(target, data, _back(person)))
        services.update_housing_request(actor=self.actor, housing=target, data=data)
        return None
