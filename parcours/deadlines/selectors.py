"""The "À traiter" board: every date or state that calls for action, for the role that must act."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from parcours.core.access import Actor
from parcours.core.board import BoardItem, BoardSection, board_providers, section
from parcours.core.models import Alert
from parcours.core.roles import Role
from parcours.core.selectors import memberships_to_decide
from parcours.pathways.models import PathwayState, RequestState
from parcours.pathways.selectors import (
    board_horizon,
    end_reports_pending,
    periods_ending,
    periods_over,
    permits_expiring,
    permits_visible_to,
    requests_to_handle,
)
from parcours.people.models import identity_deferred
from parcours.people.selectors import note_list, people_visible_to

from . import cache as board_cache


def _list_url(actor: Actor, key: str) -> str:
    """The page that shows every item of a kind: the pathway list filtered on it, or the immigration
    service's permit list."""
    if actor.role == Role.IMMIGRATION:
        return reverse("pathways:permits") + f"?a_traiter={key}"
    return reverse("pathways:list") + f"?a_traiter={key}"


def _request_section(
    actor: Actor,
    key: str,
    title: str,
    list_key: str,
    states,
    *,
    verb: str,
    order="updated_at",
    outside_register=False,
) -> BoardSection:
    qs = (
        requests_to_handle(actor, states, outside_register=outside_register)
        .select_related("pathway__person", "pathway__association")
        .defer(*identity_deferred("pathway__person"))
        .order_by(order, "pk")
    )
    return section(
        key,
        title,
        qs,
        lambda r: BoardItem(
            label=f"{r.get_kind_display()} ({r.pathway.association})",
            url=reverse("pathways:detail", args=[r.pathway.public_id]),
            person=r.pathway.person,
            due=r.submitted_on,
            due_label="transmise le",
            extra=r.get_state_display(),
        ),
        verb=verb,
        more_url=_list_url(actor, list_key),
    )


def _periods_ending(actor: Actor, today: date, horizon: date, *, title: str, verb: str) -> BoardSection:
    qs = (
        periods_ending(actor, today, horizon)
        .select_related("person", "association")
        .defer(*identity_deferred("person"))
        .order_by("last_end", "pk")
    )
    return section(
        "periods_ending",
        title,
        qs,
        lambda p: BoardItem(
            label=f"Période se terminant sans demande de renouvellement ({p.association})",
            url=reverse("pathways:detail", args=[p.public_id]),
            person=p.person,
            due=p.last_end,
            due_label="fin le",
        ),
        verb=verb,
        more_url=_list_url(actor, "periodes-finissant"),
    )


def _periods_over(actor: Actor, today: date, *, verb: str) -> BoardSection:
    qs = (
        periods_over(actor, today)
        .select_related("person")
        .defer(*identity_deferred("person"))
        .order_by("last_end", "pk")
    )
    board_section = section(
        "periods_over",
        "Périodes échues sans suite",
        qs,
        lambda p: BoardItem(
            label="Dernière période échue : renouveler ou clore le parcours",
            url=reverse("pathways:detail", args=[p.public_id]),
            person=p.person,
            due=p.last_end,
            due_label="échue le",
        ),
        verb=verb,
        more_url=_list_url(actor, "periodes-echues"),
    )
    board_section.overdue_total = board_section.total  # every one is past its end (None: all loaded)
    return board_section


def _permits_expiring(actor: Actor, today: date, horizon: date, *, title: str, verb: str) -> BoardSection:
    qs = (
        permits_expiring(actor, horizon)
        .select_related("pathway__person")
        .defer(*identity_deferred("pathway__person"))
        .order_by("expires_on", "pk")
    )
    url_name = "pathways:permit_edit" if actor.role == Role.IMMIGRATION else "pathways:detail"
    board_section = section(
        "permits",
        title,
        qs,
        lambda t: BoardItem(
            label="Autorisation provisoire de séjour "
            + ("expirée" if t.expires_on < today else "à renouveler"),
            person=t.pathway.person,
            url=reverse(
                url_name, args=[t.public_id if actor.role == Role.IMMIGRATION else t.pathway.public_id]
            ),
            due=t.expires_on,
            due_label="expirée le" if t.expires_on < today else "expire le",
        ),
        verb=verb,
        more_url=_list_url(actor, "titres-expirant"),
    )
    if board_section.total is not None:
        board_section.overdue_total = qs.filter(expires_on__lt=today).count()
    return board_section


def _end_reports(actor: Actor) -> BoardSection:
    qs = (
        end_reports_pending(actor)
        .select_related("pathway__person", "pathway__association")
        .defer(*identity_deferred("pathway__person"))
        .order_by("created_at", "pk")
    )
    return section(
        "end_reports",
        "Fins de parcours signalées par les associations",
        qs,
        lambda r: BoardItem(
            label=f"{r.get_reason_display()} au {r.day:%d/%m/%Y} ({r.pathway.association})",
            url=reverse("pathways:detail_decisions", args=[r.pathway.public_id]) + "#fin",
            due=timezone.localdate(r.created_at),
            due_label="signalée le",
            person=r.pathway.person,
        ),
        verb="Vérifier puis confirmer ou refuser la fin signalée",
        more_url=_list_url(actor, "fins-signalees"),
    )


def _grants_to_decide(actor: Actor) -> BoardSection:
    """Held grants of a role that sees people, for the one who confirms them (never its own request)."""
    return section(
        "grants",
        "Habilitations à confirmer",
        memberships_to_decide(actor),
        lambda m: BoardItem(
            label=f"{m.user} — {m.get_role_display()} ({m.organisation}), demandé par {m.requested_by}",
            url=reverse("core:membership_decision", args=[m.public_id]),
            due=timezone.localtime(m.requested_at).date(),
            due_label="demandée le",
        ),
        verb="Confirmer ou refuser l'habilitation",
    )


def _own_sections(actor: Actor, today: date) -> list[BoardSection]:
    horizon = board_horizon(today)
    days = settings.PARCOURS_BOARD_HORIZON_DAYS
    role = actor.role
    if role == Role.SECRETARIAT:
        alerts = Alert.objects.filter(departement=actor.departement, acknowledged_at__isnull=True).order_by(
            "created_at", "pk"
        )
        return [
            section(
                "alerts",
                "Alertes",
                alerts,
                lambda a: BoardItem(
                    label=a.message,
                    url=reverse("core:alert_ack", args=[a.public_id]),
                    due=timezone.localdate(a.created_at),
                    due_label="le",
                    extra="alert",
                    is_deadline=False,
                ),
                verb="Lire l'alerte, agir, puis la marquer comme traitée",
            ),
            _grants_to_decide(actor),
            _end_reports(actor),
            _request_section(
                actor,
                "to_check",
                "Demandes à vérifier (complétude)",
                "verifier",
                [RequestState.SUBMITTED],
                order="submitted_on",
                verb="Vérifier les pièces : déclarer la demande complète ou incomplète",
            ),
            _request_section(
                actor,
                "to_review",
                "Demandes prêtes : avis de la commission à enregistrer",
                "pretes",
                [RequestState.READY, RequestState.POSTPONED],
                order="submitted_on",
                verb="Inscrire à une séance puis enregistrer l'avis de la commission",
            ),
            _request_section(
                actor,
                "to_decide",
                "Avis rendus hors séance : décision du préfet à enregistrer au registre",
                "avis-rendus",
                [RequestState.REVIEWED],
                order="opinion_date",
                outside_register=True,
                verb="Préparer la décision du préfet et l'enregistrer au registre",
            ),
            _periods_ending(
                actor,
                today,
                horizon,
                title=f"Périodes se terminant dans les {days} jours sans demande de renouvellement",
                verb="Relancer l'association : renouvellement ou fin du parcours",
            ),
            _periods_over(actor, today, verb="Clore le parcours ou obtenir la demande de renouvellement"),
            _permits_expiring(
                actor,
                today,
                horizon,
                title=f"Titres de séjour expirant dans les {days} jours",
                verb="Vérifier le renouvellement avec le service des étrangers",
            ),
            _request_section(
                actor,
                "incomplete",
                "Demandes incomplètes en attente de l'association",
                "incompletes",
                [RequestState.INCOMPLETE],
                verb="Attendre les pièces de l'association (relancer si besoin)",
            ),
        ]
    if actor.is_association:
        return [
            _request_section(
                actor,
                "incomplete",
                "Demandes incomplètes à compléter",
                "incompletes",
                [RequestState.INCOMPLETE],
                verb="Ajouter les pièces demandées puis transmettre à nouveau",
            ),
            _request_section(
                actor,
                "drafts",
                "Demandes en préparation",
                "en-preparation",
                [RequestState.DRAFT],
                verb="Compléter la demande puis la transmettre",
            ),
            _periods_ending(
                actor,
                today,
                horizon,
                title=f"Périodes se terminant dans les {days} jours : préparer le renouvellement",
                verb="Préparer la demande de renouvellement",
            ),
            _periods_over(actor, today, verb="Demander le renouvellement ou signaler la fin du parcours"),
            _permits_expiring(
                actor,
                today,
                horizon,
                title=f"Titres de séjour expirant dans les {days} jours",
                verb="Accompagner la personne pour le renouvellement du titre",
            ),
        ]
    if role == Role.SIGNATORY:
        return [
            _request_section(
                actor,
                "to_decide",
                "Avis rendus hors séance : décision à prendre",
                "avis-rendus",
                [RequestState.REVIEWED],
                order="opinion_date",
                outside_register=True,
                verb="Prendre la décision",
            ),
        ]
    if role == Role.IMMIGRATION:
        to_issue = (
            permits_visible_to(actor)
            .filter(status="requested", pathway__state=PathwayState.ACTIVE)
            .select_related("pathway__person")
            .defer(*identity_deferred("pathway__person"))
            .order_by("requested_on", "pk")
        )
        return [
            section(
                "to_issue",
                "Autorisations provisoires de séjour à délivrer",
                to_issue,
                lambda t: BoardItem(
                    label="Autorisation provisoire de séjour",
                    url=reverse("pathways:permit_edit", args=[t.public_id]),
                    due=t.requested_on,
                    due_label="demandée le",
                    person=t.pathway.person,
                ),
                verb="Délivrer le titre et en reporter les dates",
                more_url=reverse("pathways:permits") + "?etat=requested",
            ),
            _permits_expiring(
                actor,
                today,
                horizon,
                title=f"Titres expirant dans les {days} jours",
                verb="Renouveler le titre et en reporter les dates",
            ),
        ]
    if role == Role.ADMIN:
        grants = _grants_to_decide(actor)  # the secretariat role, requested by another administrator
        return [grants] if grants.count else []
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
    for index, board_section in enumerate(sections):
        board_section.items = kept[index]
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
        own = list(
            people_visible_to(actor).filter(pk__in={i.person.pk for i in items}).names_only().order_by("pk")
        )
        note_list(actor, own, detail="tableau « À traiter »")
        names = {p.pk: f"{p.display_name} ({p.pseudonym})" for p in own}
    for item in items:
        item.who = names.get(item.person.pk, item.person.pseudonym)


def _sections(actor: Actor, today: date) -> list[BoardSection]:
    sections = _own_sections(actor, today)
    for provider in board_providers():
        sections += provider(actor, today)
    return _one_line_per_case(sections, today)


def board_for(actor: Actor, today: date) -> list[BoardSection]:
    """The actor's board for `today`. On PostgreSQL its sections are kept in the cache while the records they
    read have not changed (parcours.deadlines.cache); the people are named at each request."""
    version = board_cache.board_version()
    if version is None:
        sections = _sections(actor, today)
    else:
        # Everything the sections depend on besides the records: the membership (role, organisation, the
        # grants it may decide), the day, and the horizon setting.
        cache_key = board_cache.key(
            version, actor.membership.pk, actor.role, today, settings.PARCOURS_BOARD_HORIZON_DAYS
        )
        sections = cache.get(cache_key)
        if sections is None:
            sections = _sections(actor, today)
            cache.set(cache_key, sections, settings.PARCOURS_BOARD_CACHE_SECONDS)
    _name_people(actor, sections)
    return sections


__all__ = ["board_for"]
