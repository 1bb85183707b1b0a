"""Views of the directory (thin: parse, call a selector or a service, render)."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView, View

from parcours.core import audit
from parcours.core.inputs import clean_text
from parcours.core.policies import can
from parcours.core.views_base import (
    ActorRequiredMixin,
    Confirmation,
    apply_errors,
    confirmation_page,
    is_confirmed,
)

from . import services
from .forms import EntryForm
from .models import Audience, Category
from .selectors import get_entry_or_404, search

QUERY_MAX_LENGTH = 100


def _query(request) -> str:
    return clean_text(request.GET.get("q", ""))[:QUERY_MAX_LENGTH].replace("\x00", "").strip()


class DirectoryView(ActorRequiredMixin, TemplateView):
    permission = "directory.view"
    template_name = "directory/list.html"

    def get_context_data(self, **kwargs):
        result = search(
            self.actor,
            query=_query(self.request),
            category=self.request.GET.get("categorie", ""),
            audience=self.request.GET.get("public", ""),
            day=timezone.localdate(),
        )
        return {
            "nav": "directory",
            "result": result,
            "categories": Category.choices,
            "audiences": Audience.choices,
            "manage": can(self.actor, "directory.manage"),
            "searched": bool(result.query or result.category or result.audience),
        }


class EntryFormView(ActorRequiredMixin, FormView):
    permission = "directory.manage"
    template_name = "core/form_page.html"
    form_class = EntryForm

    def get_entry(self):
        if "pk" not in self.kwargs:
            return None
        if not hasattr(self, "_entry"):
            self._entry = get_entry_or_404(self.actor, self.kwargs["pk"])
        return self._entry

    def get_initial(self):
        entry = self.get_entry()
        if entry is None:
            return {"audience": Audience.BOTH}
        return {name: getattr(entry, name) for name in services.FIELDS}

    def get_context_data(self, **kwargs):
        entry = self.get_entry()
        return super().get_context_data(
            nav="directory",
            title=f"Modifier « {entry} »" if entry else "Nouvelle entrée de l'annuaire",
            intro="Un service du réseau et, si besoin, la personne à contacter : coordonnées "
            "professionnelles seulement.",
            back_url=reverse("directory:list"),
            **kwargs,
        )

    def get(self, request, *args, **kwargs):
        self.get_entry()  # 404 before the form for an entry out of scope
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.get_entry()
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        entry = self.get_entry()
        try:
            if entry is None:
                entry = services.create_entry(actor=self.actor, data=form.cleaned_data)
            else:
                entry = services.update_entry(actor=self.actor, entry=entry, data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"« {entry.name} » est enregistré dans l'annuaire.")
        return redirect(reverse("directory:list") + f"#entree-{entry.public_id}")


class EntryRetireView(ActorRequiredMixin, View):
    permission = "directory.manage"
    http_method_names = ["post"]

    def post(self, request, pk):
        entry = get_entry_or_404(self.actor, pk)
        if not is_confirmed(request):
            return confirmation_page(
                request,
                Confirmation(
                    title=f"Retirer « {entry.name} » de l'annuaire",
                    consequences=[
                        "L'entrée n'apparaît plus dans l'annuaire ni dans son export.",
                        "Elle reste dans le journal d'audit ; pour la rétablir, créez-la de nouveau.",
                    ],
                    button="Retirer de l'annuaire",
                    back_url=reverse("directory:list") + f"#entree-{entry.public_id}",
                ),
            )
        try:
            services.retire_entry(actor=self.actor, entry=entry)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"« {entry.name} » est retiré de l'annuaire.")
        return redirect("directory:list")


CSV_HEADER = [
    "Catégorie",
    "Nom du service",
    "Personne à contacter",
    "Fonction",
    "Téléphone",
    "Courriel",
    "Site internet",
    "Adresse",
    "Commune",
    "Horaires",
    "Quoi transmettre, quand appeler",
    "Public",
    "Langues",
]


def _csv_cell(value: str) -> str:
    """A spreadsheet must not run a cell as a formula (CSV injection)."""
    value = value or ""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


class ExportView(ActorRequiredMixin, View):
    """The directory as CSV (UTF-8 with BOM, semicolons: opens as is in a French spreadsheet). It holds no
    victim data: services, professional contacts, approved associations and the national numbers."""

    permission = "directory.view"

    def get(self, request):
        today = timezone.localdate()
        result = search(self.actor, day=today)
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(CSV_HEADER)
        for e in result.entries:
            writer.writerow(
                [
                    _csv_cell(v)
                    for v in (
                        e.get_category_display(),
                        e.name,
                        e.contact_name,
                        e.contact_function,
                        e.phone,
                        e.email,
                        e.website,
                        e.address,
                        e.commune,
                        e.hours,
                        e.what_to_send,
                        e.get_audience_display(),
                        e.languages,
                    )
                ]
            )
        for a in result.associations:
            validity = f"Agrément valable jusqu'au {a.agrement.valid_until:%d/%m/%Y}"
            writer.writerow(
                [
                    _csv_cell(v)
                    for v in (
                        a.category_label,
                        a.name,
                        "",
                        "",
                        "",
                        a.email,
                        "",
                        a.address,
                        "",
                        "",
                        validity,
                        Audience.BOTH.label,
                        "",
                    )
                ]
            )
        for n in result.numbers:
            writer.writerow(
                [
                    _csv_cell(v)
                    for v in (
                        "Numéro national",
                        f"{n.number} — {n.name}",
                        "",
                        "",
                        n.number,
                        "",
                        "",
                        "",
                        "",
                        n.hours,
                        n.purpose,
                        Audience(n.audience).label,
                        "",
                    )
                ]
            )
        audit.record(self.actor, "download", None, detail="export de l'annuaire du réseau")
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="annuaire-{self.actor.departement.code}-{today:%Y%m%d}.csv"'
        )
        response["Cache-Control"] = "no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
