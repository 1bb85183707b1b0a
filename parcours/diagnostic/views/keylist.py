"""A structure's list of people, sent as pseudonymous keys computed in its browser (no login: the session
bound by the structure's invitation link names the structure, see `link.py`).

The names, first names and birth dates are read and turned into keys by `static/parcours/diagnostic_list.js`
on the structure's computer; the identity inputs have no `name` and sit outside the form, so that only the
`payload` of keys (keys file v2: `#LK2 lignes_ecartees=N`, then `cles,tranche_age,mineur,sexe,en_ligne`) can
ever be posted. The server never echoes
a posted payload back: a refused list is reported by its French message only.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import View

from .. import rules, services
from ..models import CampaignState, KeyList
from .link import BoundParticipantMixin


# never_cache: no copy of the page in the browser's caches, and no back/forward cache either, so the rows read
# by the script do not outlive the page.
@method_decorator([login_not_required, never_cache], name="dispatch")
class KeyListView(BoundParticipantMixin, View):
    template_name = "diagnostic/key_list.html"

    def get(self, request):
        return self.render_page()

    def post(self, request):
        withdraw = request.POST.get("action") == "withdraw"
        try:
            if withdraw:
                message = self.withdraw()
            else:
                key_list = services.store_key_list(
                    self.participant, request.POST.get("payload", ""), user=request.user
                )
                message = sent_message(key_list)
        except ValidationError as exc:
            return self.render_page(errors=exc.messages)
        messages.success(request, message)
        return redirect("diagnostic:key_list")

    def withdraw(self) -> str:
        had_list = KeyList.objects.filter(participant=self.participant).exists()
        services.delete_key_list(self.participant, user=self.request.user)
        if not had_list:
            return "Aucune liste n'était transmise : il n'y avait rien à retirer."
        return "La liste transmise a été retirée. Vous pouvez en envoyer une nouvelle."

    def render_page(self, errors=None):
        campaign = self.participant.campaign
        return render(
            self.request,
            self.template_name,
            {
                "title": f"Liste des personnes — {campaign.title}",
                "participant": self.participant,
                "campaign": campaign,
                "key_list": KeyList.objects.filter(participant=self.participant).first(),
                "accepts": campaign.accepts_answers,
                "draft": campaign.state == CampaignState.DRAFT,
                "max_rows": rules.MAX_LIST_ROWS,
                "errors": errors or [],
            },
        )


def sent_message(key_list: KeyList) -> str:
    n, dup = key_list.row_count, key_list.duplicate_count
    text = f"Liste enregistrée : {n} personne{'s' if n > 1 else ''} transmise{'s' if n > 1 else ''}"
    if dup:
        text += f", {dup} doublon{'s' if dup > 1 else ''} écarté{'s' if dup > 1 else ''}"
    aside = key_list.rows_set_aside
    if aside:
        text += f", {aside} ligne{'s' if aside > 1 else ''} écartée{'s' if aside > 1 else ''} sur votre poste"
    return text + ". Merci."
