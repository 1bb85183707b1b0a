"""Partner dashboards (docs/tableaux-de-bord.md): thin view over `dashboards.build`."""

from __future__ import annotations

from django.utils import timezone
from django.views.generic import TemplateView

from parcours.core.models import Organisation, OrganisationKind
from parcours.core.policies import can
from parcours.core.views_base import ActorRequiredMixin
from parcours.diagnostic.rules import secrecy_threshold

from . import dashboards, registry
from .forms import DashboardForm
from .publication import UNIT_LABELS

# Organisations that are not partners of the network: the prefecture itself and the national level.
NOT_PARTNERS = (OrganisationKind.PREFECTURE, OrganisationKind.NATIONAL)


def partners_of(departement):
    return Organisation.objects.in_departement(departement).exclude(kind__in=NOT_PARTNERS).order_by("name")


class DashboardView(ActorRequiredMixin, TemplateView):
    permission = "stats.dashboard"
    template_name = "stats/dashboard.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        network = can(self.actor, "stats.network")
        partners = partners_of(self.actor.departement) if network else None
        data = self.request.GET.copy()
        data.setdefault("annee", str(today.year))
        form = DashboardForm(data, last_year=today.year, partners=partners)
        context = {"nav": "stats", "form": form, "network": network}
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
        context["dashboard"] = dashboards.build(
            departement=self.actor.departement,
            organisation=organisation,
            year=form.cleaned_data["annee"],
            today=today,
            suppressed=suppressed,
            threshold=threshold,
        )
        context["organisation"] = organisation
        return context


DOMAINS = (
    ("pathways.", "Parcours de sortie de la prostitution"),
    ("approvals.", "Agrément des associations"),
    ("commission.", "Commission départementale"),
    ("referrals.", "Repérage, protection et orientation"),
    ("actions.", "Actions du réseau"),
)


class CatalogueView(ActorRequiredMixin, TemplateView):
    """Every indicator of the registry, as defined once in code: what it counts, from which records, its
    unit, its breakdowns and how it is published (docs/indicateurs.md)."""

    permission = "stats.catalogue"
    template_name = "stats/catalogue.html"

    def get_context_data(self, **kwargs):
        groups = []
        for prefix, title in DOMAINS:
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
