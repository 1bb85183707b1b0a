"""The secretariat's and the signatory's board sections for the commission."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from parcours.core.access import Actor
from parcours.core.board import BoardItem, BoardSection, register_board_provider, section
from parcours.core.roles import Role
from parcours.people.models import identity_deferred

from . import rules
from .models import Letter, Meeting, MeetingState, PrefectDecision
from .selectors import (
    arrete_in_force,
    decisions_to_prepare,
    letters_visible_to,
    mandates_ending,
    plenary_status,
    situations_with_overdue_actions,
)

# Signed decisions stay on the association's board this long, for the letter to be handed over.
LETTERS_SHOWN_DAYS = 60


def _decision_item(prefix: str):
    def build(d) -> BoardItem:
        return BoardItem(
            label=f"{prefix} : {d.get_outcome_display().lower()}",
            person=d.pathway.person,
            url=reverse("commission:decision_detail", args=[d.public_id]),
            # An end decision has no opinion: it waits since it was drafted.
            due=d.request.opinion_date if d.request else timezone.localdate(d.created_at),
            due_label="avis du" if d.request else "préparée le",
        )

    return build


@register_board_provider
def commission_sections(actor: Actor, today: date) -> list[BoardSection]:
    if actor.role == Role.SECRETARIAT:
        dep = actor.departement
        meetings = Meeting.objects.filter(departement=dep)
        return [
            section(
                "meetings_to_convene",
                "Séances à convoquer dans les 15 jours",
                meetings.filter(
                    state=MeetingState.SCHEDULED,
                    starts_at__date__lte=today + timedelta(days=15),
                    starts_at__date__gte=today,
                ).order_by("starts_at", "pk"),
                lambda m: BoardItem(
                    label=f"{m} — convocations à envoyer",
                    url=reverse("commission:meeting_detail", args=[m.public_id]),
                    due=m.day,
                    due_label="séance le",
                ),
                verb="Envoyer les convocations",
            ),
            section(
                "minutes_to_write",
                "Séances tenues : procès-verbal à rédiger et à figer",
                meetings.filter(state=MeetingState.HELD).order_by("starts_at", "pk"),
                lambda m: BoardItem(
                    label=f"{m} — procès-verbal",
                    url=reverse("commission:meeting_detail", args=[m.public_id]) + "#proces-verbal",
                    due=m.day,
                    due_label="tenue le",
                ),
                verb="Rédiger puis figer le procès-verbal",
                more_url=reverse("commission:meeting_list") + f"?etat={MeetingState.HELD}",
            ),
            section(
                "decisions_to_prepare",
                "Avis rendus : décision du préfet à préparer",
                decisions_to_prepare(dep)
                .defer(*identity_deferred("request__pathway__person"))
                .order_by("meeting__starts_at", "order", "pk"),
                lambda item: BoardItem(
                    label=f"Avis {item.get_opinion_display().lower()}",
                    person=item.request.pathway.person,
                    url=reverse("commission:meeting_detail", args=[item.meeting.public_id])
                    + f"#point-{item.public_id}",
                    due=item.meeting.day,
                    due_label="séance du",
                ),
                verb="Préparer la décision à signer",
                more_url=reverse("pathways:list") + "?a_traiter=decisions-a-preparer",
            ),
            section(
                "decisions_returned",
                "Décisions renvoyées par le signataire : à reprendre",
                PrefectDecision.objects.filter(departement=dep, state=PrefectDecision.State.RETURNED)
                .select_related("request", "pathway__person")
                .defer(*identity_deferred("pathway__person"))
                .order_by("updated_at", "pk"),
                _decision_item("Projet renvoyé"),
                verb="Reprendre le projet selon le commentaire du signataire, puis le renvoyer à signer",
                more_url=reverse("commission:decision_list") + "?etat=returned",
            ),
            section(
                "mandates_ending",
                f"Mandats se terminant dans les {rules.MANDATE_WARNING_DAYS} jours",
                mandates_ending(dep, today).select_related("seat__arrete").order_by("end", "pk"),
                lambda m: BoardItem(
                    label=f"{m.member.get_full_name()} — {m.seat} ({m.get_kind_display().lower()})",
                    url=reverse("commission:arrete_detail", args=[m.seat.arrete.public_id])
                    + f"#siege-{m.seat.public_id}",
                    due=m.end,
                    due_label="fin le",
                ),
                more_url=reverse("commission:home") + "#mandats-finissant",
            ),
        ]
    if actor.role == Role.SIGNATORY:
        drafts = (
            PrefectDecision.objects.filter(departement=actor.departement, state=PrefectDecision.State.DRAFT)
            .select_related("request", "pathway__person", "item__meeting")
            .defer(*identity_deferred("pathway__person"))
        )
        return [
            section(
                "decisions_to_sign",
                "Décisions préparées à signer",
                drafts.order_by("created_at", "pk"),
                _decision_item("Décision préparée"),
                verb="Relire puis signer la décision",
                more_url=reverse("commission:decision_list") + "?etat=draft",
            )
        ]
    if actor.is_association:
        # The person's letter stays on the board until the association records the day it handed it over.
        letters = (
            letters_visible_to(actor)
            .filter(
                notified_on__isnull=True, decision__signed_on__gte=today - timedelta(days=LETTERS_SHOWN_DAYS)
            )
            .select_related("decision__pathway__person")
            .defer(*identity_deferred("decision__pathway__person"))
            .order_by("decision__signed_on")
        )
        return [
            section(
                "letters_to_hand",
                "Décisions du préfet : courrier à remettre à la personne",
                letters.order_by("decision__signed_on", "pk"),
                lambda letter: BoardItem(
                    label=f"Courrier de la décision n° {letter.decision.reference} "
                    f"({letter.decision.get_outcome_display().lower()})",
                    url=reverse("commission:letter_download", args=[letter.public_id]),
                    due=letter.decision.signed_on,
                    due_label="signée le",
                    person=letter.decision.pathway.person,
                    form="commission/_board_handover.html",
                    form_context={
                        "action": reverse("commission:letter_handover", args=[letter.public_id]),
                        "id": letter.public_id,
                        "choices": Letter.Acknowledgement.choices,
                    },
                ),
                verb="Remettre le courrier à la personne, puis enregistrer la date de remise "
                "(date de notification, point de départ du délai de recours)",
            )
        ]
    return []


@register_board_provider
def plenary_sections(actor: Actor, today: date) -> list[BoardSection]:
    """From June, when fewer plenary meetings than the minimum of the year are held or planned (décret du 30
    décembre 2025: two at least; only plenaries count), one line on the secretariat's board."""
    if actor.role != Role.SECRETARIAT or today.month < rules.PLENARY_ALERT_FROM_MONTH:
        return []
    if arrete_in_force(actor.departement, today) is None:  # one query when no commission is composed yet
        return []
    status = plenary_status(actor.departement, today)
    if not status["alert"]:
        return []
    done = status["held"] + status["planned"]
    item = BoardItem(
        label=f"Séances plénières {status['year']} : {done} tenue(s) ou programmée(s) "
        f"sur {status['minimum']} exigées",
        url=reverse("commission:meeting_create"),
        due=date(today.year, 12, 31),
        due_label="avant le",
        is_deadline=True,
        extra=status["source"],
    )
    return [
        BoardSection(
            "plenaries_missing",
            "Séances plénières de l'année : en programmer",
            [item],
            verb=f"Programmer {status['missing']} séance(s) plénière(s) sur la politique départementale",
        )
    ]


@register_board_provider
def coordination_sections(actor: Actor, today: date) -> list[BoardSection]:
    """Overdue actions of minors' coordinated plans: one line per situation (each case once), its earliest
    overdue action first. No list page shows them all: past the limit, the board says how many it shows."""
    if actor.role != Role.SECRETARIAT:
        return []

    def build(situation) -> BoardItem:
        first = situation.overdue[0]
        item = situation.latest_items[0] if situation.latest_items else first.item
        return BoardItem(
            label=f"{situation} — {len(situation.overdue)} action(s) du plan en retard",
            url=reverse("commission:meeting_detail", args=[item.meeting.public_id])
            + f"#point-{item.public_id}",
            due=first.due_on,
            due_label="échéance le",
            is_deadline=True,
            extra=f"{first.owner} : {first.get_status_display().lower()}",
        )

    board_section = section(
        "coordination_overdue_actions",
        "Coordination des parcours des mineurs : actions en retard",
        situations_with_overdue_actions(actor.departement, today),
        build,
        verb="Faire le point avec qui porte l'action, puis mettre le plan à jour",
    )
    board_section.overdue_total = board_section.total  # every one is past its due date (None: all loaded)
    return [board_section]
