"""Pages of the partners' actions: one list, form, detail and deletion per kind of action (built from
`KINDS`), the département's list of establishments and the coverage of prevention (secretariat)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.generic import View

from parcours.core.policies import can
from parcours.core.views_base import (
    ActorRequiredMixin,
    Confirmation,
    apply_errors,
    confirmation_page,
    is_confirmed,
    paginate,
)

from . import coverage, forms, services
from .models import (
    ClientCourseSession,
    EstablishmentKind,
    OutreachRound,
    PreventionAction,
    Training,
)
from .policies import abilities
from .selectors import (
    actions_visible_to,
    establishments_of,
    get_action_or_404,
    get_establishment_or_404,
)


@dataclass(frozen=True)
class Kind:
    """One kind of action and how its pages show it."""

    slug: str  # URL names: <slug>_list, <slug>_create...
    model: type
    form: type
    permission: str
    plural: str  # « Maraudes »
    new: str  # « Nouvelle maraude »
    columns: list[tuple[str, Callable]]  # list table: (header, value)
    rows: Callable  # detail: obj -> [(label, value)]
    prefetch: tuple[str, ...] = field(default=())  # related rows the list's columns read

    def url(self, page: str, obj=None) -> str:
        name = f"actions:{self.slug}_{page}"
        return reverse(name, kwargs={"pk": obj.public_id}) if obj is not None else reverse(name)


def _outreach_rows(o: OutreachRound):
    place = ("Type de plateforme", o.get_platform_type_display()) if o.platform_type else ("Secteur", o.area)
    return [
        ("Organisation", o.organisation.name),
        ("Date", f"{o.held_on:%d/%m/%Y}"),
        ("Type", o.get_kind_display()),
        ("Durée", f"{o.duration_minutes} min"),
        place,
        ("Annonces ou profils consultés", o.ads_seen),
        ("Contacts établis", o.contacts),
        ("Personnes rencontrées", o.people_met),
        ("Dont mineur·es (estimation)", o.minors_met),
        ("Besoins repérés", o.get_needs_display()),
        ("Orientations réalisées", o.referrals_made),
        ("Signalements à PHAROS", o.reports_pharos),
        ("Signalements aux plateformes", o.reports_platforms),
    ]


def _prevention_rows(p: PreventionAction):
    names = ", ".join(str(e) for e in p.establishments.all())
    return [
        ("Organisation", p.organisation.name),
        ("Date", f"{p.held_on:%d/%m/%Y}"),
        ("Thème", p.theme),
        ("Établissements", names or "Aucun de la liste"),
        ("Autre public", p.other_public or "—"),
        ("Public touché", p.get_audience_display()),
        ("Personnes touchées", p.people_reached),
    ]


def _training_rows(t: Training):
    return [
        ("Organisateur", t.organisation.name),
        ("Date", f"{t.held_on:%d/%m/%Y}"),
        ("Intitulé", t.title),
        ("Durée", f"{t.hours} h"),
        *[(f"Participants : {label}", n) for label, n in t.by_profession()],
        ("Total des participants", t.total_attendees),
    ]


def _course_rows(c: ClientCourseSession):
    return [
        ("Association organisatrice", c.organisation.name),
        ("Date de la session", f"{c.held_on:%d/%m/%Y}"),
        *[(f"{label} : convoqués / ayant suivi", f"{o} / {d}") for label, o, d in c.by_origin()],
        ("Total : convoqués / ayant suivi", f"{c.ordered} / {c.completed}"),
        ("Coût pour chaque participant", f"{c.fee_euros} €" if c.fee_euros is not None else "Non renseigné"),
    ]


def _date(o) -> str:
    return f"{o.held_on:%d/%m/%Y}"


KINDS: dict[str, Kind] = {
    k.slug: k
    for k in (
        Kind(
            slug="outreach",
            model=OutreachRound,
            form=forms.OutreachForm,
            permission="actions.record",
            plural="Maraudes",
            new="Nouvelle maraude",
            columns=[
                ("Date", _date),
                ("Organisation", lambda o: o.organisation.name),
                ("Type", lambda o: o.get_kind_display()),
                ("Contacts", lambda o: o.contacts),
                ("Personnes rencontrées", lambda o: o.people_met),
                ("Dont mineur·es", lambda o: o.minors_met),
                ("Signalements", lambda o: o.reports),
            ],
            rows=_outreach_rows,
        ),
        Kind(
            slug="prevention",
            model=PreventionAction,
            form=forms.PreventionForm,
            permission="actions.record",
            plural="Actions de prévention",
            new="Nouvelle action de prévention",
            columns=[
                ("Date", _date),
                ("Organisation", lambda o: o.organisation.name),
                ("Thème", lambda o: o.theme),
                ("Établissements", lambda o: len(o.establishments.all()) or o.other_public),
                ("Personnes touchées", lambda o: o.people_reached),
            ],
            rows=_prevention_rows,
            prefetch=("establishments",),
        ),
        Kind(
            slug="training",
            model=Training,
            form=forms.TrainingForm,
            permission="actions.record",
            plural="Formations croisées",
            new="Nouvelle formation croisée",
            columns=[
                ("Date", _date),
                ("Organisateur", lambda o: o.organisation.name),
                ("Intitulé", lambda o: o.title),
                ("Participants", lambda o: o.total_attendees),
                ("Heures", lambda o: o.hours),
            ],
            rows=_training_rows,
        ),
        Kind(
            slug="course",
            model=ClientCourseSession,
            form=forms.CourseForm,
            permission="actions.course",
            plural="Stages de sensibilisation",
            new="Nouvelle session de stage",
            columns=[
                ("Date", _date),
                ("Association", lambda o: o.organisation.name),
                ("Convoqués", lambda o: o.ordered),
                ("Ayant suivi", lambda o: o.completed),
            ],
            rows=_course_rows,
        ),
    )
}


def _year(request, latest: int) -> int:
    """The year asked for (`?annee=`), from 2000 to `latest`; `latest` otherwise."""
    try:
        year = int(request.GET.get("annee", latest))
    except (TypeError, ValueError):
        return latest
    return year if 2000 <= year <= latest else latest


class HomeView(ActorRequiredMixin, View):
    """The four kinds of action, with the number recorded this year (own organisation, or the département)."""

    permission = "actions.record"

    def get(self, request):
        year = timezone.localdate().year
        cards = [
            (
                kind,
                actions_visible_to(self.actor, kind.model, kind.permission).of_year(year).count(),
                kind.url("list"),
            )
            for kind in KINDS.values()
            if can(self.actor, kind.permission)
        ]
        return render(
            request,
            "actions/home.html",
            {"nav": "actions", "title": "Actions du réseau", "cards": cards, "year": year},
        )


class KindMixin(ActorRequiredMixin):
    kind: Kind

    def dispatch(self, request, *args, **kwargs):
        self.permission = self.kind.permission
        return super().dispatch(request, *args, **kwargs)

    def context(self, **extra):
        return {"nav": "actions", "kind": self.kind, **extra}


class ListView(KindMixin, View):
    def get(self, request):
        kind = self.kind
        qs = actions_visible_to(self.actor, kind.model, kind.permission)
        years = sorted(
            {d.year for d in qs.dates("held_on", "year")} | {timezone.localdate().year}, reverse=True
        )
        year = _year(request, timezone.localdate().year)
        qs = qs.of_year(year).prefetch_related(*kind.prefetch).order_by("-held_on", "-created_at")
        page = paginate(request, qs)
        table = [(kind.url("detail", obj), [fn(obj) for _, fn in kind.columns]) for obj in page]
        return render(
            request,
            "actions/item_list.html",
            self.context(
                title=kind.plural,
                page=page,
                table=table,
                headers=[h for h, _ in kind.columns],
                years=years,
                year=year,
                create_url=kind.url("create"),
            ),
        )


class FormMixin(KindMixin):
    def render_form(self, form, obj=None):
        kind = self.kind
        return render(
            self.request,
            "core/form_page.html",
            self.context(
                title=f"Modifier : {obj}" if obj else kind.new,
                intro="Des nombres seulement : aucun nom, rien qui permette d'identifier une personne.",
                form=form,
                back_url=kind.url("detail", obj) if obj else kind.url("list"),
            ),
        )

    def save(self, form, obj=None):
        if form.is_valid():
            try:
                item = services.save_action(
                    actor=self.actor,
                    model=self.kind.model,
                    data=form.action_data(),
                    item=obj,
                    organisation=form.cleaned_data.get("organisation"),
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(self.request, "Enregistré.")
                return redirect(self.kind.url("detail", item))
        return self.render_form(form, obj)


class CreateView(FormMixin, View):
    def get(self, request):
        return self.render_form(self.kind.form(actor=self.actor, initial={"held_on": timezone.localdate()}))

    def post(self, request):
        return self.save(self.kind.form(request.POST, actor=self.actor))


def _initial(form, obj) -> dict:
    initial = {}
    for name in form.fields:
        if name == "organisation":
            initial[name] = obj.organisation.public_id
        elif name == "establishments":
            initial[name] = [e.public_id for e in obj.establishments.all()]
        else:
            initial[name] = getattr(obj, name)
    return initial


class DetailView(KindMixin, View):
    def get(self, request, pk):
        obj = get_action_or_404(self.actor, self.kind.model, self.kind.permission, pk)
        return render(
            request,
            "actions/item_detail.html",
            self.context(
                title=str(obj),
                obj=obj,
                rows=self.kind.rows(obj),
                list_url=self.kind.url("list"),
                edit_url=self.kind.url("edit", obj),
                delete_url=self.kind.url("delete", obj),
                abilities=abilities(self.actor, obj, self.kind.permission),
            ),
        )


class EditView(FormMixin, View):
    def get(self, request, pk):
        obj = get_action_or_404(self.actor, self.kind.model, self.kind.permission, pk)
        initial = _initial(self.kind.form(actor=self.actor, item=obj), obj)
        return self.render_form(self.kind.form(actor=self.actor, item=obj, initial=initial), obj)

    def post(self, request, pk):
        obj = get_action_or_404(self.actor, self.kind.model, self.kind.permission, pk)
        return self.save(self.kind.form(request.POST, actor=self.actor, item=obj), obj)


class DeleteView(KindMixin, View):
    def post(self, request, pk):
        obj = get_action_or_404(self.actor, self.kind.model, self.kind.permission, pk)
        if not is_confirmed(request):
            return confirmation_page(
                request,
                Confirmation(
                    title=f"Supprimer : {obj}",
                    consequences=[
                        "L'enregistrement est supprimé ; ses nombres ne comptent plus dans les indicateurs.",
                        "La suppression est inscrite au journal d'audit.",
                    ],
                    button="Supprimer",
                    back_url=self.kind.url("detail", obj),
                ),
            )
        services.delete_action(actor=self.actor, item=obj)
        messages.success(request, "Supprimé.")
        return redirect(self.kind.url("list"))


# --- Establishments and coverage (secretariat) -----------------------------------------------------------


class EstablishmentMixin(ActorRequiredMixin):
    permission = "actions.establishments"


class EstablishmentListView(EstablishmentMixin, View):
    def get(self, request):
        return self.page(forms.EstablishmentImportForm())

    def page(self, import_form):
        qs = establishments_of(self.actor.departement)
        kind = self.request.GET.get("type", "")
        if kind in EstablishmentKind.values:
            qs = qs.filter(kind=kind)
        return render(
            self.request,
            "actions/establishment_list.html",
            {
                "nav": "actions",
                "title": "Établissements du département",
                "page": paginate(self.request, qs, per_page=50),
                "kinds": EstablishmentKind.choices,
                "kind": kind,
                "import_form": import_form,
                "columns": services.IMPORT_COLUMNS,
            },
        )


class EstablishmentImportView(EstablishmentListView):
    def post(self, request):
        form = forms.EstablishmentImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = services.import_establishments(
                    actor=self.actor, content=form.cleaned_data["file"].read()
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request, f"Import terminé : {result.created} ajoutés, {result.updated} mis à jour."
                )
                return redirect("actions:establishment_list")
        return self.page(form)

    http_method_names = ["post"]  # the import form lives on the list page


class EstablishmentFormView(EstablishmentMixin, View):
    def render_form(self, form, obj=None):
        return render(
            self.request,
            "core/form_page.html",
            {
                "nav": "actions",
                "title": f"Modifier : {obj}" if obj else "Nouvel établissement",
                "form": form,
                "back_url": reverse("actions:establishment_list"),
            },
        )

    def obj(self, pk):
        return get_establishment_or_404(self.actor, pk) if pk else None

    def get(self, request, pk=None):
        obj = self.obj(pk)
        initial = (
            {"kind": obj.kind, "name": obj.name, "commune": obj.commune, "uai": obj.uai, "active": obj.active}
            if obj
            else {"active": True}
        )
        return self.render_form(forms.EstablishmentForm(initial=initial), obj)

    def post(self, request, pk=None):
        obj = self.obj(pk)
        form = forms.EstablishmentForm(request.POST)
        if form.is_valid():
            try:
                services.save_establishment(actor=self.actor, data=form.cleaned_data, item=obj)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Établissement enregistré.")
                return redirect("actions:establishment_list")
        return self.render_form(form, obj)


class EstablishmentDeleteView(EstablishmentMixin, View):
    def post(self, request, pk):
        obj = get_establishment_or_404(self.actor, pk)
        back = reverse("actions:establishment_edit", kwargs={"pk": obj.public_id})
        if not is_confirmed(request):
            return confirmation_page(
                request,
                Confirmation(
                    title=f"Supprimer de la liste : {obj}",
                    consequences=["L'établissement est supprimé de la liste du département."],
                    button="Supprimer",
                    back_url=back,
                ),
            )
        try:
            services.delete_establishment(actor=self.actor, item=obj)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(back)
        messages.success(request, "Établissement supprimé de la liste.")
        return redirect("actions:establishment_list")


class CoverageView(EstablishmentMixin, View):
    def get(self, request):
        today = timezone.localdate()
        current = coverage.school_year_of(today)
        start_year = _year(request, current)
        start, end = coverage.school_year_bounds(start_year)
        lines = [
            coverage.coverage_of(self.actor.departement, kind, start, min(end, today))
            for kind in (EstablishmentKind.COLLEGE, EstablishmentKind.LYCEE, EstablishmentKind.LP)
        ]
        return render(
            request,
            "actions/coverage.html",
            {
                "nav": "actions",
                "title": "Couverture des actions de prévention",
                "lines": lines,
                "start_year": start_year,
                "years": list(range(current, current - 6, -1)),
                "start": start,
                "end": end,
                "not_reached": lines[0].not_reached,
            },
        )
