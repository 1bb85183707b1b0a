"""The documents of the prior adversarial procedure and of the decisions it leads to (AFIS stop, withdrawal
of an agrément): kinds registered with the documents app, each with its fields and a synthetic sample."""

from __future__ import annotations

from datetime import date

from parcours.documents.registry import DocumentKind, register

NOTICE = "appeals.preavis"
NOTICE_WITHDRAWAL = "appeals.preavis_retrait"
AFIS_STOP_DECISION = "appeals.decision_arret_afis"
AFIS_STOP_LETTER_PERSON = "appeals.arret_afis_personne"
AFIS_STOP_LETTER_PAYER = "appeals.arret_afis_organisme_payeur"
WITHDRAWAL_DECISION = "appeals.decision_retrait"

PERSON_FIELDS = {
    "personne.civilite": "Madame, Monsieur ou rien",
    "personne.prenom": "Prénom de la personne",
    "personne.nom": "Nom de naissance de la personne",
    "personne.naissance": "Date de naissance (une date)",
    "personne.feminin": "Vrai si la personne est enregistrée de sexe féminin",
    "personne.ne": "« née » ou « né », selon le sexe enregistré",
    "association": "Association agréée qui accompagne la personne",
}
PROCEDURE_FIELDS = {
    "mesure": "La mesure envisagée (« mettre fin à votre parcours de sortie », « arrêter l'AFIS »...)",
    "fin": "Vrai si la mesure est la fin du parcours",
    "motifs": "Motifs envisagés",
    "delai_jours": "Nombre de jours pour présenter des observations après la remise du préavis",
    "avis_commission": "Vrai si la commission est consultée avant la décision",
}
DECISION_FIELDS = {
    "decision.numero": "Numéro de la décision au registre",
    "decision.date": "Date de la décision (une date)",
    "decision.motif": "Motifs de la décision",
    "decision.reference_externe": "Référence de l'acte signé hors Parcours (sinon vide)",
    "procedure.preavis_remis": "Date de remise du préavis (une date)",
    "procedure.observations": "Vrai si des observations ont été présentées",
    "procedure.observations_le": "Date des observations (une date)",
    "procedure.avis": "Avis de la commission (vide s'il n'a pas été demandé)",
    "procedure.avis_le": "Date de l'avis de la commission (une date)",
    "afis.arret": "Premier jour sans AFIS (une date : le 1er du mois suivant la décision)",
    "afis.organisme": "Organisme payeur de l'AFIS",
    "signataire": "Qualité du signataire",
}
AGREMENT_FIELDS = {
    "agrement.association": "Nom de l'association",
    "agrement.reference": "Référence de l'arrêté d'agrément",
    "agrement.debut": "Début de validité de l'agrément (une date)",
    "agrement.fin": "Fin de validité de l'agrément (une date)",
    "motifs": "Motifs envisagés",
    "delai_jours": "Nombre de jours pour présenter des observations après la réception du préavis",
    "avis_commission": "Vrai si la commission est consultée avant la décision",
}


def _sample_person() -> dict:
    return {
        "personne": {
            "civilite": "Madame",
            "prenom": "Exemple",
            "nom": "FICTIVE",
            "naissance": date(1990, 1, 1),
            "feminin": True,
            "ne": "née",
        },
        "association": "Association Exemple",
    }


def _sample_notice() -> dict:
    return {
        **_sample_person(),
        "mesure": "mettre fin à votre parcours de sortie de la prostitution",
        "fin": True,
        "motifs": "les engagements du document de suivi ne sont plus tenus depuis plusieurs mois",
        "delai_jours": 15,
        "avis_commission": True,
    }


def _sample_decision() -> dict:
    return {
        **_sample_person(),
        "decision": {
            "numero": "2026-0001",
            "date": date(2026, 3, 10),
            "motif": "les engagements du document de suivi ne sont plus tenus",
            "reference_externe": "",
        },
        "procedure": {
            "preavis_remis": date(2026, 2, 2),
            "observations": True,
            "observations_le": date(2026, 2, 12),
            "avis": "Favorable à la mesure",
            "avis_le": date(2026, 3, 1),
        },
        "afis": {"arret": date(2026, 4, 1), "organisme": "MSA Exemple"},
        "signataire": "Pour le préfet et par délégation",
    }


def _sample_withdrawal() -> dict:
    return {
        "agrement": {
            "association": "Association Exemple",
            "reference": "ARR-2024-01",
            "debut": date(2024, 1, 1),
            "fin": date(2026, 12, 31),
        },
        "motifs": "l'association n'accompagne plus aucune personne depuis un an",
        "delai_jours": 15,
        "avis_commission": True,
        **{k: v for k, v in _sample_decision().items() if k in ("decision", "procedure", "signataire")},
    }


def register_kinds() -> None:
    kinds = [
        (
            NOTICE,
            "Préavis d'une mesure défavorable (fin du parcours, arrêt de l'AFIS)",
            "notice.html",
            {**PERSON_FIELDS, **PROCEDURE_FIELDS},
            _sample_notice,
        ),
        (
            NOTICE_WITHDRAWAL,
            "Préavis de retrait d'agrément",
            "notice_withdrawal.html",
            AGREMENT_FIELDS,
            _sample_withdrawal,
        ),
        (
            AFIS_STOP_DECISION,
            "Décision préfectorale d'arrêt de l'AFIS",
            "afis_stop_decision.html",
            {**PERSON_FIELDS, **DECISION_FIELDS},
            _sample_decision,
        ),
        (
            AFIS_STOP_LETTER_PERSON,
            "Notification de l'arrêt de l'AFIS à la personne",
            "afis_stop_letter_person.html",
            {**PERSON_FIELDS, **DECISION_FIELDS},
            _sample_decision,
        ),
        (
            AFIS_STOP_LETTER_PAYER,
            "Notification de l'arrêt de l'AFIS à l'organisme payeur",
            "afis_stop_letter_payer.html",
            {**PERSON_FIELDS, **DECISION_FIELDS},
            _sample_decision,
        ),
        (
            WITHDRAWAL_DECISION,
            "Décision préfectorale de retrait d'agrément",
            "withdrawal_decision.html",
            {**AGREMENT_FIELDS, **DECISION_FIELDS},
            _sample_withdrawal,
        ),
    ]
    for key, label, template, fields, sample in kinds:
        register(
            DocumentKind(
                key=key,
                label=label,
                fields=fields,
                sample=sample,
                default_template=f"appeals/documents/{template}",
            )
        )
