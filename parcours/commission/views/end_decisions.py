"""The end of a pathway decided by the prefect. Prepared in Parcours only at the end of the procedure in which
the person is heard (appeals: notice, observations, the commission's opinion; the page links to it); or
recorded from an act signed outside Parcours, with the day its notice was handed over. Either way it enters
the one register (number, act, letters)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from parcours.core.policies import can
from parcours.core.views_base import (
    ActorRequiredMixin,
    Confirmation,
    apply_errors,
    confirmation_page,
    is_confirmed,
)
from parcours.pathways.models import PathwayState
from parcours.pathways.selectors import get_pathway_or_404

from .. import services
from ..forms import EndDecisionOutsideForm

TEMPLATE = "commission/end_decision_new.html"


def _context(actor, pathway, **forms):
    context = {
        "nav": "decisions",
        "pathway": pathway,
        "pending": pathway.prefect_decisions.filter(outcome="ended", state__in=["draft", "returned"]).first(),
        # The procedure in which the person is heard, started from here (appeals.ProcedureStartView).
        "can_start_procedure": can(actor, "procedures.manage"),
        "outside_form": EndDecisionOutsideForm(prefix="acte", initial={"day": timezone.localdate()}),
    }
    context.update(forms)
    return context


class EndDecisionView(ActorRequiredMixin, View):
    """GET: the two ways (the procedure in Parcours, or the act signed on paper). POST: the act signed on
    paper, recorded after its confirmation."""

    permission = "requests.decide"

    def get(self, request, pk):
        pathway = get_pathway_or_404(self.actor, pk)
        return render(request, TEMPLATE, _context(self.actor, pathway))

    def post(self, request, pk):
        pathway = get_pathway_or_404(self.actor, pk)
        if pathway.state != PathwayState.ACTIVE:
            messages.error(
                request,
                "Seul un parcours autorisé et en cours peut prendre fin par décision du préfet.",
            )
            return redirect("pathways:detail", pk=pk)
        form = EndDecisionOutsideForm(request.POST, prefix="acte")
        if not form.is_valid():
            return render(request, TEMPLATE, _context(self.actor, pathway, outside_form=form))
        data = form.cleaned_data
        if not is_confirmed(request):
            # Registering an act is irreversible: said first (the service checks everything again).
            try:
                services.check_outside_end_decision(pathway=pathway, **data)
            except ValidationError as exc:
                apply_errors(form, exc)
                return render(request, TEMPLATE, _context(self.actor, pathway, outside_form=form))
            return confirmation_page(request, self._confirmation(pathway, data))
        try:
            decision = services.record_outside_end_decision(actor=self.actor, pathway=pathway, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
            return render(request, TEMPLATE, _context(self.actor, pathway, outside_form=form))
        messages.success(
            request,
            f"Décision de fin enregistrée au registre sous le n° {decision.reference} : le parcours a pris "
            "fin ; l'acte et les courriers de notification sont prêts.",
        )
        return redirect("commission:decision_detail", pk=decision.public_id)

    def _confirmation(self, pathway, data) -> Confirmation:
        consequences = [
            f"La décision du {data['day']:%d/%m/%Y} (acte {data['external_reference']}), prise après le "
            f"préavis remis le {data['hearing_notice_on']:%d/%m/%Y},"
            + f" reçoit le numéro suivant du registre {data['day'].year} : cela ne peut pas être défait.",
            f"Le parcours de {pathway.person.pseudonym} prend fin à cette date ; la période en cours "
            "s'arrête "
            "et les suivantes sont annulées ; la demande en cours éventuelle est close.",
        ]
        if getattr(pathway, "afis", None) is not None:
            consequences.append("L'AFIS cesse d'être versée à compter du mois suivant la décision.")
        consequences.append(
            "L'acte et les courriers de notification (la personne, et selon ses droits l'organisme payeur de "
            "l'AFIS et le service des étrangers) sont produits."
        )
        return Confirmation(
            title="Enregistrer la décision de fin du parcours",
            consequences=consequences,
            button="Oui, enregistrer la décision",
            back_url=reverse("commission:end_decision", args=[pathway.public_id]),
        )
