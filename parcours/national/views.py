"""The national analyst's pages (docs/national.md): thin views over `selectors` and `maps`, which read only
the store of published figures."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from django.views.generic import TemplateView

from parcours.core.views_base import ActorRequiredMixin
from parcours.diagnostic.rules import secrecy_threshold

from . import maps, selectors
from .forms import IndicatorForm, NationalForm
from .regions import DEPARTEMENTS, REGION_OF

PERMISSION = "stats.national"
DEFAULT_INDICATOR = "pathways.active_at_end"


class _ChoiceMixin(ActorRequiredMixin):
    """Year and indicator from the query string; defaults: the last year received, pathways under way."""

    permission = PERMISSION

    def choice(self):
        years = selectors.years()
        data = self.request.GET.copy()
        if years:
            data.setdefault("annee", str(years[0]))
        codes = [m.code for m in selectors.national_measures()]
        data.setdefault("indicateur", DEFAULT_INDICATOR if DEFAULT_INDICATOR in codes else codes[0])
        form = NationalForm(data, years=years)
        return form, years

    def render_to_response(self, context, **kwargs):
        # A bad choice (unknown indicator, a year not received) is the reader's input: 400 with its message.
        form = context.get("form")
        if form is not None and form.is_bound and not form.is_valid():
            kwargs["status"] = 400
        return super().render_to_response(context, **kwargs)

    def base_context(self):
        form, years = self.choice()
        context = {
            "nav": "national_stats",
            # Nothing received yet: no choice to make (the page says how figures arrive).
            "form": form if years else None,
            "years": years,
            "secrecy_threshold": secrecy_threshold(timezone.localdate()),
        }
        if years and form.is_valid():
            year, code = form.cleaned_data["annee"], form.cleaned_data["indicateur"]
            context["ranking"] = selectors.ranking(year, code)
            context["measure"] = selectors.measure_or_none(code)
        return context


class RankingView(_ChoiceMixin, TemplateView):
    """One indicator, every département: the ranked table, the map and the sum of the published figures."""

    template_name = "national/ranking.html"

    def get_context_data(self, **kwargs):
        context = self.base_context()
        if "ranking" in context:
            context["map"] = maps.build(context["ranking"])
        return context


class RegionsView(_ChoiceMixin, TemplateView):
    """One indicator, the 18 regions: each the sum of its départements' published figures."""

    template_name = "national/regions.html"

    def get_context_data(self, **kwargs):
        context = self.base_context()
        if "ranking" in context:
            context["regions"] = selectors.regional(context["ranking"])
        return context


class DepartementView(ActorRequiredMixin, TemplateView):
    """One département's release for one year: an indicator's total and its breakdown tables."""

    permission = PERMISSION
    template_name = "national/departement.html"

    def get(self, request, *args, **kwargs):
        code, year = kwargs["code"].upper()[:3], kwargs["year"]
        release = selectors.release(code, int(year)) if year.isdigit() and len(year) == 4 else None
        if release is None:
            raise Http404("Aucun chiffre reçu de ce département pour cette année.")
        items = selectors.indicators_of(release)
        data = request.GET.copy()
        if items:
            data.setdefault("indicateur", items[0].code)
        form = IndicatorForm(data, choices=[(i.code, i.label) for i in items])
        context = {
            "nav": "national_stats",
            "release": release,
            "name": DEPARTEMENTS.get(code, release.departement_name),
            "region": REGION_OF.get(code),
            "form": form,
        }
        if form.is_valid():
            chosen = next(i for i in items if i.code == form.cleaned_data["indicateur"])
            context["item"] = chosen
            context["measure"] = selectors.measure_or_none(chosen.code)
        return self.render_to_response(context, status=200 if form.is_valid() else 400)
