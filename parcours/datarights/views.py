"""A person's rights (RGPD): the page (requests register, rectifications, notices, export), its small
forms, the printable information notice and the access export. Thin: parse, call a service, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
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
    paginate,
)
from parcours.people.models import DocumentLanguage
from parcours.people.selectors import note_list
from parcours.people.translations import LANGUAGES

from . import notice, rules, services
from .forms import AnswerForm, ExportForm, NoticeDeliveryForm, RightsRequestForm
from .models import RequestKind
from .policies import abilities
from .selectors import get_person_for_rights_or_404, get_rights_request_or_404, rights_requests_visible_to

TEMPLATE = "datarights/person_rights.html"


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def _page(request, actor, person, status: int = 200, **forms):
    can = abilities(actor, person)
    today = timezone.localdate()
    requests = list(person.rights_requests.select_related("organisation"))
    for rights_request in requests:
        rights_request.overdue = rights_request.answered_on is None and rights_request.due_on < today
        if can["edit"] and rights_request.answered_on is None:
            posted = forms.get("answer_form") if forms.get("answer_for") == rights_request.pk else None
            rights_request.answer_form = posted or AnswerForm(
                initial={"answered_on": today}, auto_id=f"id_reponse_{rights_request.public_id.hex[:8]}_%s"
            )
    access_requests = [r for r in requests if r.kind == RequestKind.ACCESS and r.answered_on is None]
    context = {
        "nav": "people",
        "person": person,
        "can": can,
        "requests": requests,
        "rectifications": person.rectifications.select_related("request", "organisation"),
        "deliveries": person.notice_deliveries.select_related("organisation"),
        "exports": person.access_exports.select_related("organisation"),
        "answer_months": rules.ANSWER_MONTHS,
        "extension_months": rules.EXTENSION_MONTHS,
        "source_answer": rules.SOURCE_ANSWER,
        "link_minutes": rules.EXPORT_LINK_MINUTES,
        "request_form": forms.get("request_form") or RightsRequestForm(initial={"received_on": today}),
        "notice_form": forms.get("notice_form")
        or NoticeDeliveryForm(
            initial={
                "given_on": today,
                "language": person.document_language
                if person.document_language != DocumentLanguage.OTHER
                else DocumentLanguage.FRENCH,
                "with_interpreter": person.needs_interpreter,
            }
        ),
        "export_form": forms.get("export_form") or ExportForm(requests=access_requests),
    }
    return _no_store(render(request, TEMPLATE, context, status=status))


def _back(person) -> str:
    return reverse("datarights:person", args=[person.public_id])


class PersonRightsView(ActorRequiredMixin, View):
    permission = "datarights.view"

    def get(self, request, pk):
        person = get_person_for_rights_or_404(
            self.actor, pk, permission="datarights.view", detail="droits de la personne (RGPD)"
        )
        return _page(request, self.actor, person)


class _ActionView(ActorRequiredMixin, View):
    """A POST form of the rights page: on a refusal, the page comes back with the form's errors and nothing
    changes."""

    permission = "datarights.edit"
    form_class = None
    form_name = ""
    success_message = ""
    anchor = ""

    def post(self, request, pk):
        person, target = self.resolve(pk)
        form = self.form_class(request.POST, **self.form_kwargs(target))
        if form.is_valid():
            try:
                self.perform(person, target, form)
            except ValidationError as exc:
                if not hasattr(exc, "error_dict"):
                    messages.error(request, "Rien n'a été enregistré : " + " ".join(exc.messages))
                    return redirect(_back(person) + self.anchor)
                apply_errors(form, exc)
            else:
                messages.success(request, self.success_message)
                return redirect(_back(person) + self.anchor)
        return _page(request, self.actor, person, **{self.form_name: form, **self.extra_context(target)})

    def resolve(self, pk):
        person = get_person_for_rights_or_404(
            self.actor, pk, permission=self.permission, detail=self.success_message
        )
        return person, None

    def extra_context(self, target) -> dict:
        return {}

    def form_kwargs(self, target) -> dict:
        return {}


class RequestAddView(_ActionView):
    form_class = RightsRequestForm
    form_name = "request_form"
    success_message = "Demande enregistrée au registre, avec son délai de réponse."
    anchor = "#demandes"

    def perform(self, person, target, form):
        services.record_request(actor=self.actor, person=person, **form.cleaned_data)


class _RequestActionView(_ActionView):
    def resolve(self, pk):
        rights_request = get_rights_request_or_404(
            self.actor, pk, permission=self.permission, detail=self.success_message
        )
        return rights_request.person, rights_request


class RequestAnswerView(_RequestActionView):
    form_class = AnswerForm
    form_name = "answer_form"
    success_message = "Réponse à la demande enregistrée."
    anchor = "#demandes"

    def extra_context(self, target) -> dict:
        return {"answer_for": target.pk}

    def form_kwargs(self, target) -> dict:
        return {"auto_id": f"id_reponse_{target.public_id.hex[:8]}_%s"}

    def perform(self, person, target, form):
        services.answer_request(
            actor=self.actor,
            rights_request=target,
            answered_on=form.cleaned_data["answered_on"],
            answer=form.cleaned_data["answer"],
            note=form.cleaned_data["note"],
        )


class RequestExtendView(ActorRequiredMixin, View):
    """Extend a request's deadline by two months: confirmed first (the person must be told why)."""

    permission = "datarights.edit"

    def post(self, request, pk):
        rights_request = get_rights_request_or_404(
            self.actor, pk, permission=self.permission, detail="prolongation du délai de réponse"
        )
        person = rights_request.person
        if not is_confirmed(request):
            due = rules.answer_due(rights_request.received_on, extended=True)
            return confirmation_page(
                request,
                Confirmation(
                    title="Prolonger le délai de réponse",
                    consequences=[
                        f"La réponse à la {rights_request.get_kind_display().lower()} reçue le "
                        f"{rights_request.received_on:%d/%m/%Y} sera due au plus tard le {due:%d/%m/%Y} "
                        f"({rules.EXTENSION_MONTHS} mois de plus, {rules.SOURCE_ANSWER}).",
                        "La personne doit être informée de la prolongation et de ses motifs dans le premier "
                        "mois.",
                        "Le délai ne peut être prolongé qu'une fois.",
                    ],
                    button="Oui, prolonger le délai",
                    back_url=_back(person) + "#demandes",
                ),
            )
        try:
            services.extend_request(actor=self.actor, rights_request=rights_request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Délai de réponse prolongé de deux mois.")
        return redirect(_back(person) + "#demandes")


class NoticeGivenView(_ActionView):
    permission = "datarights.notice"
    form_class = NoticeDeliveryForm
    form_name = "notice_form"
    success_message = "Remise de la notice d'information enregistrée."
    anchor = "#notice"

    def perform(self, person, target, form):
        services.record_notice_delivery(actor=self.actor, person=person, **form.cleaned_data)


class NoticeView(ActorRequiredMixin, View):
    """The information notice filled for the person (her association, her département, the DPO), French and
    her language side by side, to print and hand over; `?langue=` shows it in another of the languages."""

    permission = "datarights.notice"

    def get(self, request, pk):
        person = get_person_for_rights_or_404(
            self.actor, pk, permission=self.permission, detail="notice d'information (RGPD)"
        )
        language = request.GET.get("langue") or person.document_language
        if language not in LANGUAGES:
            language = "fr"
        context = notice.filled(
            language,
            association=person.organisation.name,
            departement=person.departement.name,
            dpo=settings.PARCOURS_DPO_CONTACT,
        )
        context.update(
            nav="people",
            person=person,
            languages=[("fr", "Français seul")] + [(code, lang.label) for code, lang in LANGUAGES.items()],
            current=language,
        )
        return _no_store(render(request, "datarights/notice.html", context))


def export_consequences() -> list[str]:
    return [
        "Tout ce que Parcours contient sur la personne et que vous pouvez voir sera déchiffré et réuni "
        "dans une archive ZIP chiffrée (AES-256) : identité, parcours, décisions, courriers, pièces, "
        "logement, recours, attestations, interprétariat, repérages, et la liste des consultations de son "
        "dossier (rôles et organisations).",
        "Le mot de passe de l'archive s'affichera une seule fois, sur la page suivante : notez-le et "
        "transmettez-le à la personne séparément de l'archive. Parcours ne le garde pas.",
        f"Le lien de téléchargement ne servira qu'une fois, pendant {rules.EXPORT_LINK_MINUTES} minutes. "
        "L'export est inscrit au journal du dossier.",
    ]


class ExportView(ActorRequiredMixin, View):
    """« Exporter les données de la personne (droit d'accès) »: a confirmation page (it is a disclosure),
    then the archive built at once and its password shown on this page only (never stored, never in a URL)."""

    permission = "datarights.export"

    def post(self, request, pk):
        person = get_person_for_rights_or_404(
            self.actor, pk, permission=self.permission, detail="export des données (droit d'accès)"
        )
        open_access = person.rights_requests.filter(kind=RequestKind.ACCESS, answered_on__isnull=True)
        form = ExportForm(request.POST, requests=open_access)
        if not form.is_valid():
            return _page(request, self.actor, person, export_form=form)
        chosen = form.cleaned_data["rights_request"]
        rights_request = open_access.filter(public_id=chosen).first() if chosen else None
        if not is_confirmed(request):
            return confirmation_page(
                request,
                Confirmation(
                    title="Exporter les données de la personne (droit d'accès)",
                    consequences=export_consequences(),
                    button="Oui, préparer l'archive",
                    back_url=_back(person) + "#export",
                ),
            )
        record, password, token = services.create_export(
            actor=self.actor, person=person, rights_request=rights_request
        )
        return _no_store(
            render(
                request,
                "datarights/export_ready.html",
                {"nav": "people", "person": person, "export": record, "password": password, "token": token},
            )
        )


class ExportDownloadView(ActorRequiredMixin, View):
    """The archive, once, by a POSTed token (never in a URL): then the stored file is deleted."""

    permission = "datarights.export"

    def post(self, request):
        try:
            record, content = services.take_export(
                actor=self.actor, token=request.POST.get("jeton", "")[:100]
            )
        except services.ExportUnavailable:
            return _no_store(render(request, "datarights/export_gone.html", {"nav": "people"}, status=410))
        response = HttpResponse(content, content_type="application/zip")
        stamp = timezone.localtime(record.created_at).strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="export-droit-acces-{stamp}.zip"'
        response["X-Content-Type-Options"] = "nosniff"
        return _no_store(response)


class RegisterView(ActorRequiredMixin, View):
    """The register of rights requests in the actor's scope (the DPO's register): people by code only."""

    permission = "datarights.view"

    def get(self, request):
        qs = (
            rights_requests_visible_to(self.actor)
            .select_related("person", "organisation")
            .defer(*[f"person__{name}" for name in _identity_fields()])
            .order_by("answered_on", "due_on", "pk")
        )
        page = paginate(request, qs)
        shown = {r.person_id: r.person for r in page}  # each person once, however many requests
        note_list(self.actor, shown.values(), detail="registre des demandes d'exercice des droits")
        today = timezone.localdate()
        for rights_request in page:
            rights_request.overdue = rights_request.answered_on is None and rights_request.due_on < today
        return _no_store(render(request, "datarights/register.html", {"nav": "people", "page": page}))


def _identity_fields():
    from parcours.people.models import IDENTITY_FIELDS

    return IDENTITY_FIELDS
