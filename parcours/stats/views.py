"""Partner dashboards (docs/tableaux-de-bord.md): thin view over `dashboards.build`; exports of indicators
(docs/indicateurs-exports.md) and the commission's annual report (docs/rapport-annuel.md)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.generic import TemplateView, View

from parcours.core.models import Organisation, OrganisationKind
from parcours.core.policies import can
from parcours.core.sql_shapes import fixed_shape
from parcours.core.storage import UnreadableFile
from parcours.core.views_base import ActorRequiredMixin, altered_file_response, apply_errors
from parcours.diagnostic.rules import secrecy_threshold
from parcours.documents.sandbox import TemplateProblem

from . import annual_report, dashboards, exports, registry, rules, selectors, services
from . import cache as stats_cache
from .cache import data_version
from .dashboards import BREAKDOWN_LABELS
from .forms import DashboardForm, ExportForm, ReportTextForm, ReportYearForm
from .models import ExportState
from .publication import UNIT_LABELS, Audience, measures_for

# Organisations that are not partners of the network: the prefecture itself and the national level.
NOT_PARTNERS = (OrganisationKind.PREFECTURE, OrganisationKind.NATIONAL)
EXPORT_FORMATS = (("csv", "CSV"), ("xlsx", "XLSX"), ("ods", "ODS"))


PARTNER_COLUMNS = ("public_id", "name", "kind", "departement")


def partners_of(departement):
    """The département's partners, for the secretariat's partner filter: the columns its options and the
    chosen partner's figures read (not the addresses), their SQL kept (core.sql_shapes)."""
    partners = Organisation.objects.in_departement(departement).exclude(kind__in=NOT_PARTNERS)
    return fixed_shape(partners.only(*PARTNER_COLUMNS).order_by("name"))


class DashboardView(ActorRequiredMixin, TemplateView):
    """Every indicator: its summary, its chart and the chart's table; each links to its own page
    (IndicatorView) with every breakdown table."""

    permission = "stats.dashboard"
    template_name = "stats/dashboard.html"
    code: str | None = None

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        network = can(self.actor, "stats.network")
        partners = partners_of(self.actor.departement) if network else None
        data = self.request.GET.copy()
        data.setdefault("annee", str(today.year))
        form = DashboardForm(data, last_year=today.year, partners=partners, domains=dashboards.DOMAINS)
        context = {"nav": "stats", "form": form, "network": network, "export_formats": EXPORT_FORMATS}
        if not form.is_valid():
            return context
        if network:
            # The secretariat: the whole network, or the partner it chose; exact figures (its own screen).
            organisation = form.cleaned_data.get("organisation")
            suppressed = False
        else:
            # A partner: its own organisation, whatever the query string says; under statistical secrecy.
            organisation = self.actor.organisation
            suppressed = True
        threshold = secrecy_threshold(today)
        # One page per domain: the one asked for if this reader has indicators in it, else the first.
        audience = Audience.PARTNER if suppressed else Audience.SECRETARIAT
        domains = dashboards.domains_for(measures_for(audience, own_organisation=organisation is not None))
        asked = form.cleaned_data.get("domaine")
        if self.code is not None:
            asked = next((slug for slug, prefix, _ in domains if self.code.startswith(prefix)), None)
        domain = next((d for d in domains if d[0] == asked), domains[0] if domains else ("", "", ""))
        year = form.cleaned_data["annee"]

        def build():
            try:
                return dashboards.build(
                    departement=self.actor.departement,
                    organisation=organisation,
                    year=year,
                    today=today,
                    suppressed=suppressed,
                    threshold=threshold,
                    code=self.code,
                    prefix="" if self.code is not None else domain[1],
                )
            except KeyError:
                raise Http404("Indicateur inconnu de ce tableau de bord.") from None

        context["organisation"] = organisation
        context["detail"] = self.code is not None
        context["header"] = dashboards.header(
            year=year, today=today, suppressed=suppressed, threshold=threshold
        )
        # The query string of the chosen year and partner, for the links between the pages.
        query = {"annee": form.cleaned_data["annee"]}
        if organisation is not None and network:
            query["organisation"] = organisation.public_id
        context["query"] = urlencode(query)
        context["domain_query"] = urlencode({**query, "domaine": domain[0]})
        context["domains"] = [
            {
                "slug": slug,
                "title": title,
                "current": slug == domain[0],
                "query": urlencode({**query, "domaine": slug}),
            }
            for slug, _, title in domains
        ]
        context["domain_title"] = domain[2]
        # A domain's page of figures: cached until the data change (stats.cache: the version PostgreSQL
        # increases at every write to the tables the indicators read); computed at each request elsewhere.
        version = data_version() if self.code is None else None
        if version is None:
            context["dashboard"] = build()
            return context
        cache_key = stats_cache.key(
            "dashboard",
            version,
            self.actor.departement.pk,
            getattr(organisation, "pk", None),
            year,
            str(audience),
            threshold,
            today.isoformat(),
            domain[0],
            can(self.actor, "stats.export"),
        )
        body = cache.get(cache_key)
        if body is None:
            body = render_to_string(
                "stats/_dashboard_body.html", {**context, "d": build()}, request=self.request
            )
            cache.set(cache_key, body, settings.PARCOURS_STATS_CACHE_SECONDS)
        context["body"] = mark_safe(body)  # noqa: S308 (our own template's output, figures only)
        return context


class IndicatorView(DashboardView):
    """One indicator of the dashboard with every breakdown table: the same figures and the same secret cells
    (the same publication), for the same year and partner."""

    def get_context_data(self, **kwargs):
        self.code = kwargs["code"]
        return super().get_context_data(**kwargs)


class CatalogueView(ActorRequiredMixin, TemplateView):
    """Every indicator of the registry, as defined once in code: what it counts, from which records, its
    unit, its breakdowns and how it is published (docs/indicateurs.md)."""

    permission = "stats.catalogue"
    template_name = "stats/catalogue.html"

    def get_context_data(self, **kwargs):
        groups = []
        for _, prefix, title in dashboards.DOMAINS:
            rows = [_entry(m) for m in registry.all_measures(prefix)]
            if rows:
                groups.append({"title": title, "anchor": prefix.rstrip("."), "measures": rows})
        return {"nav": "stats", "groups": groups, "threshold": secrecy_threshold(timezone.localdate())}


def anchor_of(code: str) -> str:
    return "indicateur-" + code.replace(".", "-").replace("_", "-")


def _entry(measure):
    if measure.secretariat_only:
        publication = "Jamais hors du secrétariat (suivi de gestion)."
    elif not measure.about_people:
        publication = "Tel quel : il ne compte ni ne décrit aucune personne."
    else:
        publication = "Sous secret statistique hors du secrétariat."
    parent = registry.get(measure.part_of.code) if measure.part_of else None
    return {
        "measure": measure,
        "anchor": anchor_of(measure.code),
        "parent_anchor": anchor_of(parent.code) if parent else "",
        "unit": UNIT_LABELS[measure.unit],
        "breakdowns": [dashboards.BREAKDOWN_LABELS.get(b, b) for b in measure.breakdowns],
        "publication": publication,
        "parent": parent,
    }


# --- Exports (docs/indicateurs-exports.md) ---------------------------------------------------------------


def file_response(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """A download: never cached (exact figures for the secretariat), never sniffed as something else."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class ExportView(ActorRequiredMixin, View):
    """GET with a format: a small export (one indicator, one year) is sent at once; a large one (the whole
    set, several years) is offered to prepare in the background. POST: prepare it (any size)."""

    permission = "stats.export"

    def _form(self, data, today):
        network = can(self.actor, "stats.network")
        partners = partners_of(self.actor.departement) if network else None
        audience, organisation = services.export_reader(self.actor, None)
        measures = exports.available_measures(audience, organisation if not network else None)
        return ExportForm(
            data,
            last_year=today.year,
            measures=measures,
            breakdowns=BREAKDOWN_LABELS,
            partners=partners,
        )

    def _spec(self, form, today):
        data = form.cleaned_data
        first = data["annee"]
        code = data.get("indicateur") or ""
        try:
            return services.resolve_export(
                actor=self.actor,
                codes=(code,) if code else (),
                breakdown=data.get("ventilation") or "",
                first_year=first,
                last_year=data.get("annee_fin") or first,
                format=data["format"],
                organisation=data.get("organisation"),
                today=today,
            )
        except exports.ExportError as error:
            form.add_error(None, str(error))
            return None

    def _page(self, form, *, large=False, status=200):
        context = {"nav": "stats", "form": form, "large": large, "title": "Exporter des indicateurs"}
        return render(self.request, "stats/export.html", context, status=status)

    def get(self, request):
        today = timezone.localdate()
        if "format" not in request.GET:
            data = {"annee": str(today.year), "format": "xlsx"} | request.GET.dict()
            return self._page(self._unbound(data, today))
        form = self._form(request.GET, today)
        spec = self._spec(form, today) if form.is_valid() else None
        if spec is None:
            return self._page(form)
        if spec.large:
            return self._page(form, large=True)
        name, content = services.export_now(actor=self.actor, spec=spec, today=today)
        return file_response(content, name, exports.CONTENT_TYPES[spec.format])

    def _unbound(self, initial, today):
        form = self._form(None, today)
        form.initial = initial
        return form

    def post(self, request):
        today = timezone.localdate()
        form = self._form(request.POST, today)
        spec = self._spec(form, today) if form.is_valid() else None
        if spec is None:
            return self._page(form)
        export = services.request_export(actor=self.actor, spec=spec)
        return redirect("stats:export_status", pk=export.public_id)


class ExportStatusView(ActorRequiredMixin, TemplateView):
    """The progress of one's own export (reloaded by a meta refresh while it is being built), then its
    download link and the link's expiry."""

    permission = "stats.export"
    template_name = "stats/export_status.html"

    def get_context_data(self, **kwargs):
        export = selectors.export_of(self.actor, kwargs["pk"])
        running = export.state in (ExportState.PENDING, ExportState.RUNNING)
        return {
            "nav": "stats",
            "export": export,
            "running": running,
            "expired": services.is_expired(export),
            "refresh": rules.EXPORT_REFRESH_SECONDS if running else None,
            "link_days": rules.export_link_days(timezone.localdate()),
            "title": "Préparation de l'export",
        }


class ExportDownloadView(ActorRequiredMixin, View):
    permission = "stats.export"

    def get(self, request, pk):
        export = selectors.export_of(self.actor, pk)
        try:
            content = services.export_content(actor=self.actor, export=export)
        except services.ExportExpired:
            context = {"nav": "stats", "export": export, "title": "Lien expiré"}
            response = render(request, "stats/export_expired.html", context, status=410)
            response["Cache-Control"] = "no-store"
            return response
        except ValidationError:
            return redirect("stats:export_status", pk=export.public_id)
        except UnreadableFile:
            return altered_file_response(request)
        return file_response(content, export.filename, exports.CONTENT_TYPES[export.format])


# --- The commission's annual report (docs/rapport-annuel.md) --------------------------------------------


class AnnualReportView(ActorRequiredMixin, View):
    """The page to prepare the report of a year: its texts, a preview of its sections, its versions."""

    permission = "stats.annual_report"

    def _year(self, data, today):
        form = ReportYearForm(data, last_year=today.year)
        return form, (form.cleaned_data["annee"] if form.is_valid() else None)

    def _page(self, request, year_form, year, text_form, status=200):
        context = {"nav": "stats", "year_form": year_form, "year": year, "text_form": text_form}
        context["title"] = "Rapport annuel de la commission"
        if year is not None:
            context["versions"] = services.report_versions(self.actor.departement, year)
            context["section_titles"] = annual_report.SECTION_TITLES
            context["threshold"] = secrecy_threshold(timezone.localdate())
        return render(request, "stats/annual_report.html", context, status=status)

    def get(self, request):
        today = timezone.localdate()
        data = request.GET.copy()
        data.setdefault("annee", str(today.year - 1 if today.year > rules.FIRST_YEAR else today.year))
        year_form, year = self._year(data, today)
        text_form = None
        if year is not None:
            text = services.report_text(self.actor.departement, year)
            text_form = ReportTextForm(
                initial={"introduction": text.introduction, "conclusion": text.conclusion} if text else {}
            )
        return self._page(request, year_form, year, text_form)

    def post(self, request):
        today = timezone.localdate()
        year_form, year = self._year(request.POST, today)
        if year is None:
            return self._page(request, year_form, None, None)
        text_form = ReportTextForm(request.POST)
        if text_form.is_valid():
            try:
                services.save_report_text(
                    actor=self.actor,
                    year=year,
                    introduction=text_form.cleaned_data["introduction"],
                    conclusion=text_form.cleaned_data["conclusion"],
                )
            except ValidationError as error:
                apply_errors(text_form, error)
            else:
                messages.success(request, f"Les textes du rapport {year} sont enregistrés.")
                return redirect(f"{reverse('stats:annual_report')}?annee={year}")
        return self._page(request, year_form, year, text_form)


class AnnualReportGenerateView(ActorRequiredMixin, View):
    """Generate a new version of the report's PDF (stored encrypted, frozen, with its SHA-256)."""

    permission = "stats.annual_report"

    def post(self, request):
        today = timezone.localdate()
        form = ReportYearForm(request.POST, last_year=today.year)
        if not form.is_valid():
            messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
            return redirect("stats:annual_report")
        year = form.cleaned_data["annee"]
        back = f"{reverse('stats:annual_report')}?annee={year}"
        try:
            document = services.generate_report(actor=self.actor, year=year)
        except (ValidationError, TemplateProblem) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            return redirect(back + "#versions")
        messages.success(request, f"Le rapport {year} est produit : {document.title}.")
        return redirect(back + "#versions")
