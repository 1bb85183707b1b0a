"""The survey's questionnaire: what each structure is asked (counts only, never a name or free text).

Free text is left out on purpose: a comment box invites names and stories that could identify someone.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Question:
    key: str
    label: str


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    help: str
    questions: tuple[Question, ...]
    # True when the answers split the total (their sum cannot exceed it); False when one person may be
    # counted in several answers (forms of prostitution).
    partition: bool


TOTAL = Question("total", "Nombre de personnes connues de la structure sur la période")
HEADLINE = (
    TOTAL,
    Question("minors", "dont mineur·es"),
    Question("online", "dont personnes repérées en ligne (annonces, réseaux sociaux)"),
)

SECTIONS = (
    Section(
        "sex",
        "Par sexe",
        "La somme ne peut pas dépasser le nombre total.",
        (
            Question("sex_female", "Femmes"),
            Question("sex_male", "Hommes"),
            Question("sex_other", "Personnes trans, non binaires ou sexe non renseigné"),
        ),
        True,
    ),
    Section(
        "age",
        "Par tranche d'âge",
        "Âge à la fin de la période. La somme ne peut pas dépasser le nombre total.",
        (
            Question("age_lt18", "Moins de 18 ans"),
            Question("age_18_24", "18 à 24 ans"),
            Question("age_25_34", "25 à 34 ans"),
            Question("age_35_plus", "35 ans et plus"),
        ),
        True,
    ),
    Section(
        "nationality",
        "Par nationalité",
        "La somme ne peut pas dépasser le nombre total.",
        (
            Question("nat_france", "Française"),
            Question("nat_eu", "Autre pays de l'Union européenne"),
            Question("nat_europe_other", "Europe hors Union européenne"),
            Question("nat_africa", "Afrique"),
            Question("nat_americas", "Amériques"),
            Question("nat_asia", "Asie et Océanie"),
            Question("nat_unknown", "Nationalité inconnue"),
        ),
        True,
    ),
    Section(
        "forms",
        "Formes de prostitution",
        "Une personne peut relever de plusieurs formes : chaque nombre ne peut pas dépasser le total.",
        (
            Question("form_street", "Prostitution de rue"),
            Question("form_online", "Annonces en ligne, réseaux sociaux"),
            Question("form_apartment", "Appartements, hôtels, domicile"),
            Question("form_establishment", "Salons de massage, bars, établissements"),
            Question("form_other", "Autre forme"),
        ),
        False,
    ),
)

ALL_QUESTIONS: tuple[Question, ...] = HEADLINE + tuple(q for s in SECTIONS for q in s.questions)
KEYS = tuple(q.key for q in ALL_QUESTIONS)
LABELS = {q.key: q.label for q in ALL_QUESTIONS}
MAX_COUNT = 100_000


def rows(value_of) -> dict[str, list]:
    """The questionnaire laid out for a read-only table: `headline` as (question, value) pairs, `sections`
    as (section, [(question, value)...]); `value_of(key)` gives each question's value."""
    return {
        "headline": [(q, value_of(q.key)) for q in HEADLINE],
        "sections": [(s, [(q, value_of(q.key)) for q in s.questions]) for s in SECTIONS],
    }


def problems(figures: dict[str, int]) -> list[tuple[str, str]]:
    """(field key, French message) for every inconsistency between the answers."""
    errors: list[tuple[str, str]] = []
    total = figures.get("total") or 0
    for key in ("minors", "online"):
        if (figures.get(key) or 0) > total:
            errors.append((key, f"« {LABELS[key]} » ne peut pas dépasser le nombre total ({total})."))
    for section in SECTIONS:
        values = [figures.get(q.key) or 0 for q in section.questions]
        if section.partition and sum(values) > total:
            errors.append(
                (
                    section.questions[0].key,
                    f"{section.title} : la somme ({sum(values)}) dépasse le nombre total ({total}).",
                )
            )
        if not section.partition:
            for question, value in zip(section.questions, values, strict=True):
                if value > total:
                    errors.append((question.key, f"« {question.label} » dépasse le nombre total ({total})."))
    if (figures.get("age_lt18") or 0) > (figures.get("minors") or 0) and figures.get("minors") is not None:
        errors.append(
            ("age_lt18", "Les moins de 18 ans ne peuvent pas dépasser le nombre de mineur·es indiqué.")
        )
    return errors
