"""The notices of the rights sent by Parcours: kinds registered with the documents app, and their contexts.

A notice to the AFIS payer (MSA) for every event of the AFIS (grant, renewal, change, revaluation, suspension,
resumption, stop, end, transfer), and a notice to the foreigners' service when a person's file moves to
another département. Contexts are plain dicts of the declared fields (the editable templates use nothing
else).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from parcours.documents.registry import DocumentKind, register

PAYER_NOTICE = "pathways.avis_organisme_payeur"
IMMIGRATION_NOTICE = "pathways.avis_service_etrangers"

PERSON_FIELDS = {
    "personne.civilite": "Madame, Monsieur ou rien",
    "personne.prenom": "Prénom de la personne",
    "personne.nom": "Nom de naissance de la personne",
    "personne.naissance": "Date de naissance (une date)",
    "personne.ne": "« née » ou « né », selon le sexe enregistré",
}
NOTICE_FIELDS = {
    **PERSON_FIELDS,
    "association": "Association agréée qui accompagne la personne",
    "avis.numero": "Numéro de l'avis",
    "avis.evenement": "Événement notifié (attribution, renouvellement, changement, suspension, arrêt…)",
    "avis.code": "Code de l'événement (grant, renewal, change, revaluation, suspension, resumption, stop, "
    "end, "
    "transfer)",
    "avis.a_compter_du": "Date à compter de laquelle l'événement prend effet (une date)",
    "avis.montant": "Montant mensuel dû à compter de cette date (texte, ex. « 343,20 € »), vide si aucun",
    "avis.enfants": "Nombre d'enfants à charge pris en compte",
    "avis.versement_jusqu_au": "Dernier jour du versement (une date), vide si sans objet",
    "avis.precisions": "Précisions (motif d'une suspension ou d'un arrêt)",
    "avis.departement_accueil": "Département qui reprend le suivi (transfert)",
    "periode.debut": "Début de la période d'autorisation en cours (une date)",
    "periode.fin": "Fin de la période d'autorisation en cours (une date)",
}


def euros(amount: Decimal | None) -> str:
    return "" if amount is None else f"{amount:.2f}".replace(".", ",") + " €"


def _sample() -> dict:
    return {
        "personne": {
            "civilite": "Madame",
            "prenom": "Amina",
            "nom": "EXEMPLE",
            "naissance": date(1994, 5, 12),
            "ne": "née",
        },
        "association": "L'Escale (association de démonstration)",
        "avis": {
            "numero": 12,
            "evenement": "Revalorisation du barème",
            "code": "revaluation",
            "a_compter_du": date(2026, 7, 1),
            "montant": "449,28 €",
            "enfants": 1,
            "versement_jusqu_au": date(2026, 12, 14),
            "precisions": "",
            "departement_accueil": "",
        },
        "periode": {"debut": date(2026, 6, 15), "fin": date(2026, 12, 14)},
    }


def register_kinds() -> None:
    register(
        DocumentKind(
            key=PAYER_NOTICE,
            label="Avis à l'organisme payeur de l'AFIS (MSA)",
            fields=NOTICE_FIELDS,
            sample=_sample,
            default_template="pathways/documents/payer_notice.html",
        )
    )
    register(
        DocumentKind(
            key=IMMIGRATION_NOTICE,
            label="Avis au service des étrangers (transfert du suivi)",
            fields=NOTICE_FIELDS,
            sample=_sample,
            default_template="pathways/documents/immigration_notice.html",
        )
    )
