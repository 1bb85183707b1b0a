"""The "À traiter" board: every date or state that calls for action, for the role that must act."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Exists, Max, OuterRef
from django.urls import reverse
from django.utils import timezone

from parcours.core.access import Actor
from parcours.core.models import Alert
from parcours.core.roles import Role
from parcours.core.selectors import memberships_to_decide
from parcours.pathways.models import (
    EndReport,
    PathwayState,
    Request,
    RequestKind,
    RequestState,
    ResidencePermit,
)
from parcours.pathways.selectors import pathways_visible_to, permits_visible_to
from parcours.people.selectors import note_list, people_visible_to

# The dates that are deadlines (a date after which something is late), as opposed to the dates of a past
# event ("transmise le", "signée le") that only say how long a case has waited.
DEADLINE_LABELS = frozenset(
    {"fin le", "échue le", "expire le", "expirée le", "avant le", "date limite", "le"}
)


@dataclass
class BoardItem:
    label: str
    url: str
    due: date | None = None
    extra: str = ""
    due_label: str = ""  # what the date is ("transmise le", "fin le"): a bare date means nothing to a reader
    # The person the item is about: the case is the person (one line per person on the board), and an
    # association's worker reads the names of its own people instead of their codes.
    person: Any = None
    # An inline form the board shows under the item (template name), e.g. the letter handed over.
    form: str = ""
    form_context: dict = field(default_factory=dict)
    is_deadline: bool | None = None  # None: inferred from due_label (DEADLINE_LABELS)
    also: list[BoardItem] = field(default_factory=list)  # the same case's other items, folded in
    who: str = ""  # filled by board_for: the person's code, or name and code for the association
    overdue: bool = False  # filled by board_for: a deadline already passed

    @property
    def deadline(self) -> bool:
        return self.is_deadline if self.is_deadline is not None else self.due_label in DEADLINE_LABELS

    def overdue_on(self, today: date) -> bool:
        return bool(self.deadline and self.due and self.due < today)

    def rank(self, today: date) -> tuple:
        """Overdue first, then by date (the oldest or nearest first), undated last."""
        return (not self.overdue_on(today), self.due is None, self.due or date.max)


@dataclass
class BoardSection:
    key: str
    title: str
    items: list[BoardItem] = field(default_factory=list)
    verb: str = ""  # the one line that says what to do for every item of the group

    def overdue_count(self, today: date) -> int:
        return sum(1 for i in self.items if i.overdue_on(today))


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
            label=f"{r.get_kind_display()} ({r.pathway.association})",
            url=reverse("pathways:detail", args=[r.pathway.public_id]),
            person=r.pathway.person,
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
            label=f"Période se terminant sans demande de renouvellement ({p.association})",
            url=reverse("pathways:detail", args=[p.public_id]),
            person=p.person,
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
            label="Dernière période échue : renouveler ou clore le parcours",
            url=reverse("pathways:detail", args=[p.public_id]),
            person=p.person,
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
            label="Autorisation provisoire de séjour "
            + ("expirée" if t.expires_on < today else "à renouveler"),
            person=t.pathway.person,
            url=reverse(
                url_name, args=[t.public_id if actor.role == Role.IMMIGRATION else t.pathway.public_id]
            ),
            due=t.expires_on,
            due_label="expirée le" if t.expires_on < today else "expire le",
        )
        for t in qs
    ]


def _end_reports(actor: Actor) -> list[BoardItem]:
    qs = (
        EndReport.objects.filter(pathway__in=pathways_visible_to(actor), state=EndReport.State.PENDING)
        .select_related("pathway__person", "pathway__association")
        .order_by("created_at")
    )
    return [
        BoardItem(
            label=f"{r.get_reason_display()} au {r.day:%d/%m/%Y} ({r.pathway.association})",
            url=reverse("pathways:detail", args=[r.pathway.public_id]) + "#fin",
            due=timezone.localdate(r.created_at),
            due_label="signalée le",
            person=r.pathway.person,
        )
        for r in qs[:200]
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
        verb="Confirmer ou refuser l'habilitation",
    )


BoardProvider = Callable[[Actor, date], list[BoardSection]]
_PROVIDERS: list[BoardProvider] = []


def register_board_provider(provider: BoardProvider) -> BoardProvider:
    """Let another app add sections to the board (called from its AppConfig.ready; usable as a decorator).

    The provider receives the actor and today's date and returns the sections for the actor's role (an empty
    list when the role has nothing to do there); it must scope its querysets to the actor itself. An item
    about a person names it in `person` (never in its label): the board shows each person once and decides
    how to name them.
    """
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def _own_sections(actor: Actor, today: date) -> list[BoardSection]:
    horizon = today + timedelta(days=settings.PARCOURS_BOARD_HORIZON_DAYS)
    days = settings.PARCOURS_BOARD_HORIZON_DAYS
    role = actor.role
    if role == Role.SECRETARIAT:
        alerts = Alert.objects.filter(departement=actor.departement, acknowledged_at__isnull=True)[:100]
        return [
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
                        is_deadline=False,
                    )
                    for a in alerts
                ],
                verb="Lire l'alerte, agir, puis la marquer comme traitée",
            ),
            _grants_to_decide(actor),
            BoardSection(
                "end_reports",
                "Fins de parcours signalées par les associations",
                _end_reports(actor),
                verb="Vérifier puis confirmer ou refuser la fin signalée",
            ),
            BoardSection(
                "to_check",
                "Demandes à vérifier (complétude)",
                _request_items(actor, [RequestState.SUBMITTED], order="submitted_on"),
                verb="Vérifier les pièces : déclarer la demande complète ou incomplète",
            ),
            BoardSection(
                "to_review",
                "Demandes prêtes : avis de la commission à enregistrer",
                _request_items(actor, [RequestState.READY, RequestState.POSTPONED], order="submitted_on"),
                verb="Inscrire à une séance puis enregistrer l'avis de la commission",
            ),
            BoardSection(
                "to_decide",
                "Avis rendus hors séance : décision du préfet à enregistrer au registre",
                _request_items(actor, [RequestState.REVIEWED], order="opinion_date", outside_register=True),
                verb="Préparer la décision du préfet et l'enregistrer au registre",
            ),
            BoardSection(
                "periods_ending",
                f"Périodes se terminant dans les {days} jours sans demande de renouvellement",
                _periods_ending(actor, today, horizon),
                verb="Relancer l'association : renouvellement ou fin du parcours",
            ),
            BoardSection(
                "periods_over",
                "Périodes échues sans suite",
                _periods_over(actor, today),
                verb="Clore le parcours ou obtenir la demande de renouvellement",
            ),
            BoardSection(
                "permits",
                f"Titres de séjour expirant dans les {days} jours",
                _permits_expiring(actor, today, horizon),
                verb="Vérifier le renouvellement avec le service des étrangers",
            ),
            BoardSection(
                "incomplete",
                "Demandes incomplètes en attente de l'association",
                _request_items(actor, [RequestState.INCOMPLETE]),
                verb="Attendre les pièces de l'association (relancer si besoin)",
            ),
        ]
    if actor.is_association:
        return [
            BoardSection(
                "incomplete",
                "Demandes incomplètes à compléter",
                _request_items(actor, [RequestState.INCOMPLETE]),
                verb="Ajouter les pièces demandées puis transmettre à nouveau",
            ),
            BoardSection(
                "drafts",
                "Demandes en préparation",
                _request_items(actor, [RequestState.DRAFT]),
                verb="Compléter la demande puis la transmettre",
            ),
            BoardSection(
                "periods_ending",
                f"Périodes se terminant dans les {days} jours : préparer le renouvellement",
                _periods_ending(actor, today, horizon),
                verb="Préparer la demande de renouvellement",
            ),
            BoardSection(
                "periods_over",
                "Périodes échues sans suite",
                _periods_over(actor, today),
                verb="Demander le renouvellement ou signaler la fin du parcours",
            ),
            BoardSection(
                "permits",
                f"Titres de séjour expirant dans les {days} jours",
                _permits_expiring(actor, today, horizon),
                verb="Accompagner la personne pour le renouvellement du titre",
            ),
        ]
    if role == Role.SIGNATORY:
        return [
            BoardSection(
                "to_decide",
                "Avis rendus hors séance : décision à prendre",
                _request_items(actor, [RequestState.REVIEWED], order="opinion_date", outside_register=True),
                verb="Prendre la décision",
            ),
        ]
    if role == Role.IMMIGRATION:
        to_issue = (
            permits_visible_to(actor)
            .filter(status="requested", pathway__state=PathwayState.ACTIVE)
            .select_related("pathway__person")
            .order_by("requested_on")
        )
        return [
            BoardSection(
                "to_issue",
                "Autorisations provisoires de séjour à délivrer",
                [
                    BoardItem(
                        label="Autorisation provisoire de séjour",
                        url=reverse("pathways:permit_edit", args=[t.public_id]),
                        due=t.requested_on,
                        due_label="demandée le",
                        person=t.pathway.person,
                    )
                    for t in to_issue
                ],
                verb="Délivrer le titre et en reporter les dates",
            ),
            BoardSection(
                "permits",
                f"Titres expirant dans les {days} jours",
                _permits_expiring(actor, today, horizon),
                verb="Renouveler le titre et en reporter les dates",
            ),
        ]
    if role == Role.ADMIN:
        grants = _grants_to_decide(actor)  # the secretariat role, requested by another administrator
        return [grants] if grants.items else []
    return []


def _one_line_per_case(sections: list[BoardSection], today: date) -> list[BoardSection]:
    """Each person once: their most urgent item stays, in its group; the person's other items are folded
    under it (`also`), so nothing is lost and no case is counted twice. Items are ranked by urgency inside
    each group, and groups by their most urgent item (overdue first, then by date)."""
    ranked = sorted(
        (
            (item.rank(today), s_index, i_index, item)
            for s_index, s in enumerate(sections)
            for i_index, item in enumerate(s.items)
        ),
        key=lambda t: t[:3],
    )
    kept: dict[int, list[BoardItem]] = {index: [] for index in range(len(sections))}
    first_for: dict[Any, BoardItem] = {}
    for _rank, s_index, _i, item in ranked:
        item.overdue = item.overdue_on(today)
        person = item.person
        if person is not None and person.pk in first_for:
            first_for[person.pk].also.append(item)
            continue
        if person is not None:
            first_for[person.pk] = item
        kept[s_index].append(item)
    for index, section in enumerate(sections):
        section.items = kept[index]
    return sorted(
        (s for s in sections if s.items),
        key=lambda s: s.items[0].rank(today),
    ) + [s for s in sections if not s.items]


def _name_people(actor: Actor, sections: list[BoardSection]) -> None:
    """Who each item is about: the code for the prefecture's roles; for an association's worker, the name of
    the people its association follows (read through the scoped selector, journaled like any list)."""
    items = [i for s in sections for item in s.items for i in [item, *item.also] if i.person is not None]
    names: dict[int, str] = {}
    if actor.is_association and items:
        own = list(people_visible_to(actor).filter(pk__in={i.person.pk for i in items}).order_by("pk"))
        note_list(actor, own, detail="tableau « À traiter »")
        names = {p.pk: f"{p.display_name} ({p.pseudonym})" for p in own}
    for item in items:
        item.who = names.get(item.person.pk, item.person.pseudonym)


def board_for(actor: Actor, today: date) -> list[BoardSection]:
    sections = _own_sections(actor, today)
    for provider in _PROVIDERS:
        sections += provider(actor, today)
    sections = _one_line_per_case(sections, today)
    _name_people(actor, sections)
    return sections


__all__ = ["BoardItem", "BoardSection", "board_for", "register_board_provider"]
