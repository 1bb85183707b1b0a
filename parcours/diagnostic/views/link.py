"""How a structure reaches its pages: its invitation link, exchanged at once for a short session.

The link (`/diagnostic/invitation/<token>/`) is opened once: the server checks the token, binds the browser's
session to the invitation for `rules.INVITATION_SESSION`, and answers 303 to `/diagnostic/reponse/`, an
address without the token. So the token leaves the address bar at once and appears in no other URL, no
Referer and no page; the logging filter (`parcours.core.logging`) masks it in the request's own log line.
Members of an invited organisation reach the same pages from their board, through their account.

An expired, replaced or unknown link answers a French page (410 or 404) and writes nothing.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import View

from .. import rules, services
from ..models import Invitation, Participant
from ..selectors import member_participant_or_404
from ..services import LinkState

SESSION_KEY = "diagnostic_link"
MISSING = "missing"
SESSION_EXPIRED = "session_expired"

# (status, page title, explanation) of each refusal.
REFUSALS = {
    LinkState.EXPIRED: (
        410,
        "Lien expiré",
        "Ce lien a expiré : la campagne de diagnostic ne reçoit plus de réponses par ce lien. Si votre "
        "structure doit encore répondre, demandez un nouveau lien au secrétariat de la commission.",
    ),
    LinkState.REPLACED: (
        410,
        "Lien remplacé",
        "Ce lien a été remplacé par un lien plus récent, envoyé à votre structure (par exemple avec une "
        "relance). Utilisez le lien du dernier courriel reçu, ou demandez-en un au secrétariat de la "
        "commission.",
    ),
    LinkState.UNKNOWN: (
        404,
        "Lien inconnu",
        "Ce lien n'est pas valable. Vérifiez qu'il a été copié en entier, ou utilisez le lien du dernier "
        "courriel reçu, ou demandez-en un nouveau au secrétariat de la commission.",
    ),
    SESSION_EXPIRED: (
        410,
        "Session expirée",
        "Pour protéger les réponses de votre structure, l'accès ouvert par votre lien ne dure que quelques "
        "heures. Rouvrez le lien reçu par courriel pour continuer.",
    ),
    MISSING: (
        403,
        "Accès refusé : ouvrez votre lien",
        "Cette page s'ouvre par le lien d'invitation reçu par courriel par votre structure (ou, pour les "
        "membres d'une organisation invitée, depuis le tableau « À traiter »).",
    ),
}


def refusal_page(request, state: str):
    status, title, text = REFUSALS[state]
    response = render(request, "diagnostic/link_refused.html", {"title": title, "text": text}, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _bind(request, participant: Participant, invitation: Invitation | None) -> None:
    request.session.cycle_key()  # a new session id: nobody who knew the previous one inherits the access
    request.session[SESSION_KEY] = {
        "participant": participant.pk,
        "invitation": invitation.pk if invitation else None,
        "until": (timezone.now() + rules.INVITATION_SESSION).isoformat(),
    }


def bound_participant(request) -> tuple[Participant | None, str]:
    """The structure this browser's session was bound to, or why there is none (reads only)."""
    binding = request.session.get(SESSION_KEY)
    if not isinstance(binding, dict):
        return None, MISSING
    try:
        until = datetime.fromisoformat(binding["until"])
    except (KeyError, TypeError, ValueError):
        return None, MISSING
    if timezone.now() >= until:
        return None, SESSION_EXPIRED
    if binding.get("invitation") is not None:
        invitation = (
            Invitation.objects.filter(pk=binding["invitation"], participant_id=binding.get("participant"))
            .select_related("participant__campaign__departement", "participant__organisation")
            .first()
        )
        state = services.invitation_state(invitation)
        return (invitation.participant, state) if state == LinkState.VALID else (None, state)
    # Bound by a member of the invited organisation: still a member, through the current actor?
    actor = getattr(request, "actor", None)
    participant = (
        Participant.objects.filter(pk=binding.get("participant"), organisation=actor.organisation)
        .select_related("campaign__departement", "organisation")
        .first()
        if actor is not None
        else None
    )
    return (participant, LinkState.VALID) if participant is not None else (None, MISSING)


class BoundParticipantMixin:
    """The structure's pages: reached only through a session bound by its link (or by a member)."""

    def dispatch(self, request, *args, **kwargs):
        participant, state = bound_participant(request)
        if participant is None:
            return refusal_page(request, state)
        self.participant = participant
        return super().dispatch(request, *args, **kwargs)


@method_decorator([login_not_required, never_cache], name="dispatch")
class InvitationView(View):
    """The link itself: checked, exchanged for a bound session, then 303 to an address without the token."""

    def get(self, request, token):
        check = services.check_token(token)
        if not check.valid:
            return refusal_page(request, check.state)
        _bind(request, check.invitation.participant, check.invitation)
        return _see_other()


def _see_other():
    response = redirect("diagnostic:respond")
    response.status_code = 303
    return response


@method_decorator(never_cache, name="dispatch")
class MemberEntryView(View):
    """A member of an invited organisation opens its questionnaire from the board (no link needed)."""

    def get(self, request, participant):
        actor = getattr(request, "actor", None)
        if actor is None:
            raise Http404
        _bind(request, member_participant_or_404(actor, participant), None)
        return _see_other()
