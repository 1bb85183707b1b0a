"""Kinds of official documents: what each one is called, which fields its template may use, a sample.

Apps register their kinds from their AppConfig.ready():

    from parcours.documents.registry import DocumentKind, register
    register(DocumentKind(key="commission.convocation", label="Convocation à une séance", ...))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class DocumentKind:
    key: str  # e.g. "commission.convocation"
    label: str  # French, e.g. "Convocation à une séance"
    fields: dict[str, str]  # template variable (dotted path allowed) -> French description
    sample: Callable[[], dict] = field(compare=False)  # synthetic context for the preview (no real person)
    default_template: str = ""  # Django template path of the default body


# Fields every template may use: the services put them in every context (they override the caller's).
COMMON_FIELDS: dict[str, str] = {
    "departement.nom": "Nom du département (ex. : Démonstration)",
    "departement.code": "Code du département (ex. : 99)",
    "aujourdhui": "Date du jour (une date : {{ aujourdhui|date_longue }} donne « 1er juin 2026 »)",
    "service.ville": "Ville de la préfecture, pour « Démoville, le … » (en-tête des documents)",
    "signature.nom": "Nom du signataire (en-tête des documents)",
    "signature.qualite": "Qualité du signataire (ex. : Pour le préfet et par délégation, la sous-préfète)",
    "signature.delegation": "Référence de la délégation de signature",
}

_KINDS: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> None:
    """Add a kind (idempotent per key: registering the same key again replaces it)."""
    if not kind.key or not kind.default_template:
        raise ValueError("Un type de document a une clé et un modèle par défaut.")
    _KINDS[kind.key] = kind


def get(key: str) -> DocumentKind:
    """The kind registered under `key` (KeyError if unknown)."""
    return _KINDS[key]


def all_kinds() -> list[DocumentKind]:
    return sorted(_KINDS.values(), key=lambda k: k.label)


def available_fields(kind: DocumentKind) -> dict[str, str]:
    """The kind's own fields and the common ones, as the editor lists them."""
    return {**kind.fields, **COMMON_FIELDS}


def _free_letter_sample() -> dict:
    return {
        "destinataire": {"nom": "Madame Exemple Fictive", "adresse": "1 rue de l'Exemple\n99000 Démoville"},
        "objet": "Exemple de courrier",
        "corps": "Madame,\n\nCeci est un exemple de courrier.\n\nVeuillez agréer, Madame, nos salutations.",
        "signataire": "La secrétaire de la commission",
        "date": "1er janvier 2026",
    }


FREE_LETTER = DocumentKind(
    key="documents.courrier",
    label="Courrier libre",
    fields={
        "destinataire.nom": "Nom du destinataire",
        "destinataire.adresse": "Adresse du destinataire (plusieurs lignes)",
        "objet": "Objet du courrier",
        "corps": "Texte du courrier (plusieurs paragraphes)",
        "signataire": "Qualité du signataire",
        "date": "Date du courrier, en toutes lettres",
    },
    sample=_free_letter_sample,
    default_template="documents/kinds/courrier.html",
)
