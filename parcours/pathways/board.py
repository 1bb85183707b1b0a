"""Sections of the « À traiter » board for the AFIS notices and the transfers (registered from
AppConfig.ready). Items name the person in `person` only (the board decides how to name them)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone

from parcours.core.access import Actor
from parcours.core.board import BoardItem, BoardSection, section

from . import rules
from .selectors import (
    afis_to_revalue,
    notices_awaiting,
    transfers_to_accept,
    transfers_to_close,
    transfers_to_consent,
)


def _notice_item(notice) -> BoardItem:
    if notice.sent_on is None:
        due, due_label = timezone.localtime(notice.created_at).date(), "rédigé le"
    elif notice.acknowledged_on is None:
        due, due_label = notice.sent_on, "transmis le"
    else:
        due, due_label = notice.acknowledged_on, "reçu le"
    return BoardItem(
        label=f"Avis n° {notice.number} {notice.addressee_phrase} — {notice.get_event_display().lower()}",
        url=reverse("pathways:afis", args=[notice.pathway.public_id]) + "#avis",
        due=due,
        due_label=due_label,
        extra=notice.status_label,
        person=notice.pathway.person,
    )


def _transfer_item(transfer, label, url) -> BoardItem:
    return BoardItem(
        label=label,
        url=url,
        due=transfer.day,
        due_label="transfert au",
        extra=f"{transfer.months_carried} mois déjà utilisés" if transfer.months_carried else "",
    )


def pathways_board(actor: Actor, today: date) -> list[BoardSection]:
    sections = []
    if actor.is_secretariat:
        sections.append(
            section(
                "afis_notices",
                f"Avis aux organismes à transmettre ou sans réponse depuis {rules.PAYER_ACK_DAYS} jours",
                notices_awaiting(actor, today),
                _notice_item,
                verb="Transmettre l'avis, enregistrer l'accusé de réception puis la prise en compte",
            )
        )
        sections.append(
            section(
                "afis_revaluations",
                "AFIS revalorisées : avis à l'organisme payeur à rédiger",
                afis_to_revalue(actor),
                lambda afis: BoardItem(
                    label=f"AFIS revalorisée à compter de {afis.revalued_from:%m/%Y}",
                    url=reverse("pathways:afis", args=[afis.pathway.public_id]) + "#afis",
                    due=afis.revalued_from,
                    due_label="à compter du",
                    person=afis.pathway.person,
                ),
                verb="Rédiger l'avis de revalorisation depuis la page « AFIS mois par mois »",
            )
        )
        sections.append(
            section(
                "transfers_in",
                "Transferts de parcours vers le département à accepter",
                transfers_to_accept(actor).order_by("day", "pk"),
                lambda t: _transfer_item(
                    t,
                    f"Transfert depuis le département {t.from_departement} — {t.pathway.person.pseudonym}, "
                    f"suivi par {t.to_association}",
                    reverse("pathways:transfer", args=[t.public_id]),
                ),
                verb="Accepter ou refuser le transfert",
            )
        )
        sections.append(
            section(
                "transfers_out",
                "Parcours transférés à clore",
                transfers_to_close(actor).order_by("day", "pk"),
                lambda t: BoardItem(
                    label=f"Suivi repris par le département {t.to_departement}",
                    url=reverse("pathways:detail_decisions", args=[t.pathway.public_id]) + "#transferts",
                    due=t.day,
                    due_label="transfert au",
                    person=t.pathway.person,
                ),
                verb="Clore le parcours d'origine (avis à l'organisme payeur et au service des étrangers)",
            )
        )
    if actor.is_association:
        sections.append(
            section(
                "transfers_consent",
                "Parcours confiés à votre association : consentement à recueillir",
                transfers_to_consent(actor).order_by("day", "pk"),
                lambda t: _transfer_item(
                    t,
                    f"Parcours {t.pathway.person.pseudonym} confié par le secrétariat (suivi par "
                    f"{t.from_association})",
                    reverse("pathways:transfer", args=[t.public_id]),
                ),
                verb="Recueillir le consentement de la personne pour reprendre son suivi",
            )
        )
    return [s for s in sections if s.items]
