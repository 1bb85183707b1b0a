"""The "À traiter" board: every date or state that calls for action, for the role that must act."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Exists, Max, OuterRef
from django.urls import reverse
from django.utils import timezone

from parcours.core.access import Actor
from parcours.core.models import Alert
from parcours.core.roles import Role
from parcours.core.selectors import memberships_to_decide
from parcours.pathways.models import (
    PathwayState,
    Request,
    RequestKind,
    RequestState,
    ResidencePermit,
)
from parcours.pathways.selectors import pathways_visible_to, permits_visible_to


@dataclass
class BoardItem:
    label: str
    url: str
    due: date | None = None
    extra: str = ""
    due_label: str = ""  # what the date is ("transmise le", "fin le"): a bare date means nothing to a reader


@dataclass
class BoardSection:
    key: str
    title: str
    items: list[BoardItem] = field(default_factory=list)


def _request_items(actor: Actor, states, *, order="updated_at", outside_register=False) -> list[BoardItem]:
    qs = Request.objects.filter(pathway__in=pathways_visible_to(actor), state__in=states)
    if outside_register:
        # Each case once (issue 11, item 5): a request whose decision is in the register (drafted, returned)
        # or whose opinion was given in a Parcours meeting is on the commission's sections instead.
        qs = qs.filter(prefect_decision__isnull=True).exclude(
            agenda_items__opinion__in=["favourable", "unfavourable"]
        )
    qs = qs.select_related("pathway__person", "pathway__association").order_by(order)
    return [
        BoardItem(
            label=f"{r.pathway.person.pseudonym} — {r.get_kind_display().lower()} ({r.pathway.association})",
            url=reverse("pathways:detail", args=[r.pathway.public_id]),
            due=r.submitted_on,
            due_label="transmise le",
            extra=r.get_state_display(),
        )
        for r in qs[:200]
    ]


def _periods_ending(actor: Actor, today: date, horizon: date) -> list[BoardItem]:
    open_renewal = Request.objects.filter(
        pathway=OuterRef("pk"),
        kind=RequestKind.RENEWAL,
        state__in=[s for s in RequestState.values if s not in ("authorised", "refused", "abandoned")],
    )
    qs = (
        pathways_visible_to(actor)
        .filter(state=PathwayState.ACTIVE)
        .annotate(last_end=Max("periods__end"), renewing=Exists(open_renewal))
        .filter(last_end__gte=today, last_end__lte=horizon, renewing=False)
        .select_related("person", "association")
        .order_by("last_end")
    )
    return [
        BoardItem(
            label=f"{p.person.pseudonym} — période se terminant sans demande de renouvellement "
            f"({p.association})",
            url=reverse("pathways:detail", args=[p.public_id]),
            due=p.last_end,
            due_label="fin le",
        )
        for p in qs
    ]


def _periods_over(actor: Actor, today: date) -> list[BoardItem]:
    qs = (
        pathways_visible_to(actor)
        .filter(state=PathwayState.ACTIVE)
        .annotate(last_end=Max("periods__end"))
        .filter(last_end__lt=today)
        .select_related("person")
        .order_by("last_end")
    )
    return [
        BoardItem(
            label=f"{p.person.pseudonym} — dernière période échue : renouveler ou clore le parcours",
            url=reverse("pathways:detail", args=[p.public_id]),
            due=p.last_end,
            due_label="échue le",
        )
        for p in qs
    ]


def _permits_expiring(actor: Actor, today: date, horizon: date) -> list[BoardItem]:
    if actor.role in (Role.IMMIGRATION, Role.SECRETARIAT):
        base = permits_visible_to(actor)
    else:
        base = ResidencePermit.objects.filter(pathway__in=pathways_visible_to(actor))
    qs = (
        base.filter(
            pathway__state=PathwayState.ACTIVE, status=ResidencePermit.Status.ISSUED, expires_on__lte=horizon
        )
        .select_related("pathway__person")
        .order_by("expires_on")
    )
    url_name = "pathways:permit_edit" if actor.role == Role.IMMIGRATION else "pathways:detail"
    return [
        BoardItem(
            label=f"{t.pathway.person.pseudonym} — autorisation provisoire de séjour "
            + ("expirée" if t.expires_on < today else "à renouveler"),
            url=reverse(
                url_name, args=[t.public_id if actor.role == Role.IMMIGRATION else t.pathway.public_id]
            ),
            due=t.expires_on,
            due_label="expirée le" if t.expires_on < today else "expire le",
        )
        for t in qs
    ]


def _grants_to_decide(actor: Actor) -> BoardSection:
    """Held grants of a role that sees people, for the one who confirms them (never its own request)."""
    return BoardSection(
        "grants",
        "Habilitations à confirmer",
        [
            BoardItem(
                label=f"{m.user} — {m.get_role_display()} ({m.organisation}), demandé par {m.requested_by}",
                url=reverse("core:membership_decision", args=[m.public_id]),
                due=timezone.localtime(m.requested_at).date(),
                due_label="demandée le",
            )
            for m in memberships_to_decide(actor)[:100]
        ],
    )


BoardProvider = Callable[[Actor, date], list[BoardSection]]
_PROVIDERS: list[BoardProvider] = []


def register_board_provider(provider: BoardProvider) -> BoardProvider:
    """Let another app add sections to the board (called from its AppConfig.ready; usable as a decorator).

    The provider receives the actor and today's date and returns the sections for the actor's role (an empty
    list when the role has nothing to do there); it must scope its querysets to the actor itself.
    """
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def board_for(actor: Actor, today: date) -> list[BoardSection]:
    horizon = today + timedelta(days=settings.PARCOURS_BOARD_HORIZON_DAYS)
    days = settings.PARCOURS_BOARD_HORIZON_DAYS
    sections: list[BoardSection] = []
    role = actor.role
    if role == Role.SECRETARIAT:
        alerts = Alert.objects.filter(departement=actor.departement, acknowledged_at__isnull=True)[:100]
        sections += [
            BoardSection(
                "alerts",
                "Alertes",
                [
                    BoardItem(
                        label=a.message,
                        url=reverse("core:alert_ack", args=[a.public_id]),
                        due=timezone.localdate(a.created_at),
                        due_label="le",
                        extra="alert",
                    )
                    for a in alerts
                ],
            ),
            _grants_to_decide(actor),
            BoardSection(
                "to_check",
                "Demandes à vérifier (complétude)",
                _request_items(actor, [RequestState.SUBMITTED], order="submitted_on"),
            ),
            BoardSection(
                "to_review",
                "Demandes prêtes : avis de la commission à enregistrer",
                _request_items(actor, [RequestState.READY, RequestState.POSTPONED], order="submitted_on"),
            ),
            BoardSection(
                "to_decide",
                "Avis rendus hors séance : décision du préfet à enregistrer au registre",
                _request_items(actor, [RequestState.REVIEWED], order="opinion_date", outside_register=True),
            ),
            BoardSection(
                "periods_ending",
                f"Périodes se terminant dans les {days} jours sans demande de renouvellement",
                _periods_ending(actor, today, horizon),
            ),
            BoardSection("periods_over", "Périodes échues sans suite", _periods_over(actor, today)),
            BoardSection(
                "permits",
                f"Titres de séjour expirant dans les {days} jours",
                _permits_expiring(actor, today, horizon),
            ),
            BoardSection(
                "incomplete",
                "Demandes incomplètes en attente de l'association",
                _request_items(actor, [RequestState.INCOMPLETE]),
            ),
        ]
    elif actor.is_association:
        sections += [
            BoardSection(
                "incomplete",
                "Demandes incomplètes à compléter",
                _request_items(actor, [RequestState.INCOMPLETE]),
            ),
            BoardSection("drafts", "Demandes en préparation", _request_items(actor, [RequestState.DRAFT])),
            BoardSection(
                "periods_ending",
                f"Périodes se terminant dans les {days} jours : préparer le renouvellement",
                _periods_ending(actor, today, horizon),
            ),
            BoardSection(
                "permits",
                f"Titres de séjour expirant dans les {days} jours",
                _permits_expiring(actor, today, horizon),
            ),
        ]
    elif role == Role.SIGNATORY:
        sections += [
            BoardSection(
                "to_decide",
                "Avis rendus hors séance : décision à prendre",
                _request_items(actor, [RequestState.REVIEWED], order="opinion_date", outside_register=True),
            ),
        ]
    elif role == Role.IMMIGRATION:
        to_issue = (
            permits_visible_to(actor)
            .filter(status="requested", pathway__state=PathwayState.ACTIVE)
            .order_by("requested_on")
        )
        sections += [
            BoardSection(
                "to_issue",
                "Autorisations provisoires de séjour à délivrer",
                [
                    BoardItem(
                        label=f"{t.pathway.person.pseudonym} — autorisation provisoire de séjour",
                        url=reverse("pathways:permit_edit", args=[t.public_id]),
                        due=t.requested_on,
                        due_label="demandée le",
                    )
                    for t in to_issue
                ],
            ),
            BoardSection(
                "permits", f"Titres expirant dans les {days} jours", _permits_expiring(actor, today, horizon)
            ),
        ]
    elif role == Role.ADMIN:
        grants = _grants_to_decide(actor)  # the secretariat role, requested by another administrator
        sections += [grants] if grants.items else []
    for provider in _PROVIDERS:
        sections += provider(actor, today)
    return sections


__all__ = ["BoardItem", "BoardSection", "board_for", "register_board_provider"]
