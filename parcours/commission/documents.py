"""The commission's official documents: kinds registered with the documents app, and their contexts.

Contexts are plain dicts of the fields each kind declares (the editable templates may use nothing else).
Member-facing documents (convocation, minutes) carry pseudonymous codes only, never an identity.
"""

from __future__ import annotations

from datetime import date

from parcours.documents.registry import DocumentKind, register

from . import rules

CONVOCATION = "commission.convocation"
MINUTES = "commission.pv"
DECISION = "commission.decision"
LETTER_PERSON = "commission.notification_personne"
LETTER_AFIS = "commission.notification_afis"
LETTER_IMMIGRATION = "commission.notification_etrangers"
# The end of a pathway decided by the prefect: its own act and letters (a département's edited templates of
# the decisions on requests never speak of an end).
END_DECISION = "commission.decision_fin"
END_LETTER_PERSON = "commission.fin_notification_personne"
END_LETTER_AFIS = "commission.fin_notification_afis"
END_LETTER_IMMIGRATION = "commission.fin_notification_etrangers"

MEETING_FIELDS = {
    "seance.formation": "Formation (séance plénière ou formation restreinte)",
    "seance.date": 'Date de la séance (une date : {{ seance.date|date:"j F Y" }})',
    "seance.heure": "Heure de la séance (ex. : 14h00)",
    "seance.lieu": "Lieu de la séance",
    "seance.lien": "Lien de visioconférence",
    "seance.presidence": "Qui préside la séance",
}
DECISION_FIELDS = {
    "personne.civilite": "Madame, Monsieur ou rien",
    "personne.prenom": "Prénom de la personne",
    "personne.nom": "Nom de naissance de la personne",
    "personne.naissance": "Date de naissance (une date)",
    "personne.nationalite": "Nationalité",
    "personne.feminin": "Vrai si la personne est enregistrée de sexe féminin",
    "personne.ne": "« née » ou « né », selon le sexe enregistré",
    "personne.autorise": "« autorisée » ou « autorisé », selon le sexe enregistré",
    "association": "Association agréée qui accompagne la personne",
    "avis.sens": "Sens de l'avis de la commission (Favorable, Défavorable)",
    "avis.date": "Date de l'avis (une date)",
    "decision.autorisee": "Vrai si la décision autorise le parcours",
    "decision.numero": "Numéro de la décision (attribué à la signature)",
    "decision.date": "Date de signature (une date)",
    "decision.motif": "Motifs d'un refus",
    "decision.contraire_avis": "Vrai si la décision ne suit pas l'avis de la commission",
    "decision.motifs_contraires": "Motifs de la décision contraire à l'avis",
    "decision.reference_externe": "Référence de l'acte signé hors Parcours (sinon vide)",
    "decision.projet": "Vrai tant que la décision n'est pas signée (filigrane « PROJET »)",
    "demande.renouvellement": "Vrai pour un renouvellement",
    "periode.debut": "Début de la période autorisée (une date)",
    "periode.fin": "Fin de la période autorisée (une date)",
    "droits": "Liste des droits demandés",
    "signataire": "Qualité du signataire",
}


END_DECISION_FIELDS = {
    **{k: v for k, v in DECISION_FIELDS.items() if k.startswith("personne.")},
    "association": "Association agréée qui accompagne la personne",
    "decision.numero": "Numéro de la décision (attribué à la signature)",
    "decision.date": "Date de signature (une date)",
    "decision.motif": "Motifs de la fin du parcours",
    "decision.reference_externe": "Référence de l'acte signé hors Parcours (sinon vide)",
    "decision.projet": "Vrai tant que la décision n'est pas signée (filigrane « PROJET »)",
    "decision.preavis": "Date de remise du préavis à la personne (procédure contradictoire, une date)",
    "parcours.debut": "Début du parcours (première période, une date)",
    "fin.date": "Date à laquelle le parcours prend fin (une date)",
    "fin.afis": "Vrai si la personne percevait l'AFIS",
    "fin.afis_arret": "Premier jour du mois à compter duquel l'AFIS n'est plus versée (une date)",
    "fin.titre_de_sejour": "Vrai si une autorisation provisoire de séjour a été demandée ou délivrée",
    "signataire": "Qualité du signataire",
}


RECONVENED_FIELDS = {
    "sans_quorum": "Vrai si la séance est reconvoquée après un défaut de quorum (délibère sans quorum)",
    "seance_precedente": "Date de la séance où le quorum n'a pas été atteint (une date)",
}
WRITTEN_FIELDS = {
    "consultation_ecrite": "Consultation écrite (sinon vide) : consultation_ecrite.ouverture, "
    "consultation_ecrite.cloture (dates et heures), consultation_ecrite.motif, consultation_ecrite.source",
}


def _sample_end_decision() -> dict:
    sample = _sample_decision()
    return {
        "personne": sample["personne"],
        "association": sample["association"],
        "decision": {
            "numero": "2026-0042",
            "date": date(2026, 9, 14),
            "motif": "Les engagements du parcours ne sont plus tenus depuis plusieurs mois.",
            "reference_externe": "",
            "projet": False,
            "preavis": date(2026, 8, 20),
        },
        "parcours": {"debut": date(2026, 3, 20)},
        "fin": {
            "date": date(2026, 9, 14),
            "afis": True,
            "afis_arret": date(2026, 10, 1),
            "titre_de_sejour": True,
        },
        "signataire": sample["signataire"],
    }


def _sample_meeting() -> dict:
    return {
        "seance": {
            "formation": "Formation restreinte (demandes individuelles)",
            "date": date(2026, 3, 12),
            "heure": "14h00",
            "lieu": "Préfecture, salle Marianne",
            "lien": "https://visio.exemple.invalid/commission",
            "presidence": "La sous-préfète, directrice de cabinet",
        }
    }


def _sample_convocation() -> dict:
    return {
        **_sample_meeting(),
        "ordre_du_jour": [
            {"intitule": "Demande d'engagement — 99-EXEMPL", "type": "Demande de parcours de sortie"},
            {"intitule": "Renouvellement — 99-FICTIF", "type": "Demande de parcours de sortie"},
            {"intitule": "Questions diverses", "type": "Point libre"},
        ],
        "portail_jours": rules.PORTAL_DAYS_AFTER_MEETING,
        "sans_quorum": False,
        "seance_precedente": None,
        "consultation_ecrite": None,
    }


def _sample_minutes() -> dict:
    return {
        **_sample_meeting(),
        "presents": [
            {
                "nom": "Exemple Membre",
                "siege": "Médecin désigné par l'ordre",
                "qualite": "Titulaire",
                "a_distance": True,
            }
        ],
        "absents": [{"nom": "Autre Exemple", "siege": "Groupement de gendarmerie"}],
        "procurations": [{"mandant": "Autre Exemple", "mandataire": "Exemple Membre"}],
        "sieges_sans_compte": ["Directeur académique des services de l'éducation nationale"],
        "sans_quorum": False,
        "seance_precedente": None,
        "reconvoquee_le": None,
        "points_reconvoques": [],
        "consultation_ecrite": None,
        "quorum": {"exige": True, "pourvus": 6, "total": 11, "requis": 6, "atteint": True},
        "points": [
            {
                "numero": 1,
                "intitule": "Demande d'engagement — 99-EXEMPL",
                "avis": "Favorable",
                "motif": "Projet construit avec la personne, engagements clairs.",
                "deports": "Association qui accompagne la personne",
                "vote": {"pour": 3, "contre": 3, "abstentions": 1, "preponderante": "Favorable"},
                "desaccords": [{"nom": "Autre Exemple", "siege": "Groupement de gendarmerie", "texte": ""}],
            }
        ],
    }


def _sample_decision() -> dict:
    return {
        "personne": {
            "civilite": "Madame",
            "prenom": "Exemplaire",
            "nom": "FICTIVE",
            "naissance": date(1994, 6, 12),
            "nationalite": "Exemple",
            "feminin": True,
            "ne": "née",
            "autorise": "autorisée",
        },
        "association": "Association Exemple",
        "avis": {"sens": "Favorable", "date": date(2026, 3, 12)},
        "decision": {
            "autorisee": True,
            "numero": "2026-0001",
            "date": date(2026, 3, 20),
            "motif": "",
            "contraire_avis": False,
            "motifs_contraires": "",
            "reference_externe": "",
            "projet": False,
        },
        "demande": {"renouvellement": False},
        "periode": {"debut": date(2026, 3, 20), "fin": date(2026, 9, 19)},
        "droits": [
            "Aide financière à l'insertion sociale et professionnelle (AFIS)",
            "Hébergement ou logement",
        ],
        "signataire": "Pour le préfet et par délégation, le secrétaire général",
    }


def register_kinds() -> None:
    register(
        DocumentKind(
            key=CONVOCATION,
            label="Convocation à une séance de la commission",
            fields={
                **MEETING_FIELDS,
                "ordre_du_jour": "Liste des points (chacun : point.intitule, point.type)",
                "portail_jours": "Jours après la séance pendant lesquels les résumés restent consultables",
                "coordination": "Vrai pour la formation de coordination des parcours des mineurs",
                "base_legale": "Base légale du partage d'informations (coordination : art. L. 226-2-2 CASF)",
                **RECONVENED_FIELDS,
                **WRITTEN_FIELDS,
            },
            sample=_sample_convocation,
            default_template="commission/documents/convocation.html",
        )
    )
    register(
        DocumentKind(
            key=MINUTES,
            label="Procès-verbal de séance",
            fields={
                **MEETING_FIELDS,
                "presents": "Membres présents (chacun : m.nom, m.siege, m.qualite, m.a_distance vrai s'il a "
                "pris part à distance)",
                "procurations": "Procurations (chacune : p.mandant, p.mandataire)",
                "sieges_sans_compte": "Sièges de droit sans compte Parcours présents ou représentés "
                "(libellés)",
                **RECONVENED_FIELDS,
                "reconvoquee_le": "Date de la nouvelle séance si le quorum n'a pas été atteint (une date)",
                "points_reconvoques": "Intitulés des points reportés à la nouvelle séance",
                **WRITTEN_FIELDS,
                "absents": "Membres excusés ou absents (chacun : m.nom, m.siege)",
                "quorum.exige": "Vrai si un quorum est exigé",
                "quorum.pourvus": "Sièges pourvus",
                "quorum.total": "Sièges comptés",
                "quorum.requis": "Sièges requis",
                "quorum.atteint": "Vrai si le quorum est atteint",
                "points": "Points examinés (chacun : point.numero, point.intitule, point.avis, point.motif, "
                "point.deports, point.vote — vote.pour, vote.contre, vote.abstentions, vote.preponderante —, "
                "point.desaccords — chacun d.nom, d.siege, d.texte ; pour une situation de mineur, "
                "point.situation vrai, point.plan et "
                "point.suivi : actions, chacune a.qui, a.quoi, a.echeance, a.etat)",
                "coordination": "Vrai pour la formation de coordination des parcours des mineurs",
                "base_legale": "Base légale du partage d'informations (coordination : art. L. 226-2-2 CASF)",
            },
            sample=_sample_minutes,
            default_template="commission/documents/minutes.html",
        )
    )
    # A decision and its letters share their fields and their sample: one table per kind of decision.
    decisions = [
        (
            DECISION_FIELDS,
            _sample_decision,
            [
                (DECISION, "Décision préfectorale (parcours de sortie)", "decision.html"),
                (
                    LETTER_PERSON,
                    "Notification à la personne (remise par l'association)",
                    "letter_person.html",
                ),
                (LETTER_AFIS, "Notification à l'organisme payeur de l'AFIS (MSA)", "letter_afis.html"),
                (LETTER_IMMIGRATION, "Notification au service des étrangers", "letter_immigration.html"),
            ],
        ),
        (
            END_DECISION_FIELDS,
            _sample_end_decision,
            [
                (
                    END_DECISION,
                    "Décision préfectorale mettant fin à un parcours de sortie",
                    "end_decision.html",
                ),
                (
                    END_LETTER_PERSON,
                    "Notification de la fin du parcours à la personne",
                    "end_letter_person.html",
                ),
                (
                    END_LETTER_AFIS,
                    "Notification de la fin du parcours à l'organisme payeur de l'AFIS",
                    "end_letter_afis.html",
                ),
                (
                    END_LETTER_IMMIGRATION,
                    "Notification de la fin du parcours au service des étrangers",
                    "end_letter_immigration.html",
                ),
            ],
        ),
    ]
    for fields, sample, kinds in decisions:
        for key, label, template in kinds:
            register(
                DocumentKind(
                    key=key,
                    label=label,
                    fields=fields,
                    sample=sample,
                    default_template=f"commission/documents/{template}",
                )
            )
