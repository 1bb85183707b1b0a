"""What an attestation of engagement in the PSP may be asked for, each purpose with its source."""

from __future__ import annotations

from django.db import models


class Purpose(models.TextChoices):
    TAX = "tax", "Remise gracieuse d'impôts directs"
    HOUSING = "housing", "Priorité d'accès au logement social"
    HEALTH = "health", "Ouverture ou maintien des droits à l'assurance maladie"
    BANK = "bank", "Ouverture d'un compte bancaire"
    OTHER = "other", "Autre démarche"


# The paragraph each purpose adds to the attestation, with its legal ground where the law gives one
# (« {interesse} »: « l'intéressée » or « l'intéressé », after the recorded sex).
PURPOSE_TEXTS = {
    # Source: art. L. 121-9 CASF (loi n° 2016-444 du 13 avril 2016, art. 5): the person engaged in a PSP is
    # presumed to meet the condition of hardship of art. L. 247, 1° du livre des procédures fiscales.
    Purpose.TAX: "Elle est remise à {interesse} pour une demande de remise gracieuse d'impôts "
    "directs : en application de l'article L. 121-9 du code de l'action sociale et des familles, la personne "
    "engagée dans un parcours de sortie de la prostitution est présumée remplir la condition de gêne ou "
    "d'indigence prévue au 1° de l'article L. 247 du livre des procédures fiscales.",
    # Source: art. L. 441-1 CCH (priority publics for social housing, loi n° 2016-444, art. 6).
    Purpose.HOUSING: "Elle est remise à {interesse} pour faire valoir sa priorité d'accès à un "
    "logement social au titre de l'article L. 441-1 du code de la construction et de l'habitation.",
    # Source: art. L. 160-1 code de la sécurité sociale (protection universelle maladie: stable and lawful
    # residence); no presumption attached to the PSP itself.
    Purpose.HEALTH: "Elle est remise à {interesse} pour l'ouverture ou le maintien de ses droits "
    "à la prise en charge des frais de santé auprès de l'organisme d'assurance maladie.",
    # Source: art. L. 312-1 code monétaire et financier (droit au compte).
    Purpose.BANK: "Elle est remise à {interesse} pour l'ouverture d'un compte de dépôt auprès "
    "d'un établissement bancaire (droit au compte, article L. 312-1 du code monétaire et financier).",
    Purpose.OTHER: "Elle est remise à {interesse} pour servir et valoir ce que de droit.",
}

# The register of attestations: one number per département and year, « ATT-2026-0001 ».
NUMBER_PREFIX = "ATT"


def number_of(year: int, sequence: int) -> str:
    return f"{NUMBER_PREFIX}-{year}-{sequence:04d}"
