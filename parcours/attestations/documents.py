"""The attestation of engagement as an official document (kind registered with the documents app)."""

from __future__ import annotations

from datetime import date

from parcours.documents.registry import DocumentKind, register

ENGAGEMENT = "attestations.engagement"

FIELDS = {
    "personne.civilite": "Madame, Monsieur ou rien",
    "personne.prenom": "Prénom de la personne",
    "personne.nom": "Nom de naissance de la personne",
    "personne.naissance": "Date de naissance (une date)",
    "personne.ne": "« née » ou « né », selon le sexe enregistré",
    "personne.engage": "« engagée » ou « engagé », selon le sexe enregistré",
    "personne.accompagne": "« accompagnée » ou « accompagné », selon le sexe enregistré",
    "association": "Association agréée qui accompagne la personne",
    "parcours.autorise_le": "Date de la décision du préfet autorisant l'engagement (une date)",
    "periode.numero": "Numéro de la période en cours (1 pour la première)",
    "periode.debut": "Début de la période en cours (une date)",
    "periode.fin": "Fin de la période en cours (une date)",
    "attestation.numero": "Numéro de l'attestation dans le registre (ATT-AAAA-NNNN)",
    "attestation.objet": "Objet de l'attestation (remise d'impôts, logement, santé, banque, autre)",
    "attestation.texte_objet": "Paragraphe propre à l'objet, avec sa base légale",
    "attestation.destinataire": "Organisme destinataire (facultatif)",
}


def sample() -> dict:
    return {
        "personne": {
            "civilite": "Madame",
            "prenom": "Ilona",
            "nom": "EXEMPLE-FICTIF",
            "naissance": date(1995, 3, 14),
            "ne": "née",
            "engage": "engagée",
            "accompagne": "accompagnée",
        },
        "association": "Association L'Escale (exemple)",
        "parcours": {"autorise_le": date(2026, 3, 20)},
        "periode": {"numero": 2, "debut": date(2026, 9, 20), "fin": date(2027, 3, 19)},
        "attestation": {
            "numero": "ATT-2026-0001",
            "objet": "Remise gracieuse d'impôts directs",
            "texte_objet": "Elle est remise à l'intéressée pour une demande de remise gracieuse d'impôts "
            "directs.",
            "destinataire": "Centre des finances publiques de Démoville",
        },
    }


def register_kinds() -> None:
    register(
        DocumentKind(
            key=ENGAGEMENT,
            label="Attestation d'engagement dans un parcours de sortie de la prostitution",
            fields=FIELDS,
            sample=sample,
            default_template="attestations/documents/engagement.html",
        )
    )
