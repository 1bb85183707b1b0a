"""Every write on the partners' actions and on the list of establishments: checked (French message, nothing
saved), atomic, audited in the same transaction."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from parcours.core import audit
from parcours.core.access import Actor
from parcours.core.models import Organisation
from parcours.core.policies import can

from .models import (
    COURSE_ORIGINS,
    MAX_COUNT,
    PROFESSIONS,
    Audience,
    ClientCourseSession,
    Establishment,
    EstablishmentKind,
    OutreachKind,
    OutreachNeed,
    OutreachRound,
    PreventionAction,
    Training,
)
from .policies import is_own

# The permission each kind of action needs.
PERMISSION = {
    OutreachRound: "actions.record",
    PreventionAction: "actions.record",
    Training: "actions.record",
    ClientCourseSession: "actions.course",
}

COUNT_FIELDS = {
    OutreachRound: (
        "ads_seen",
        "contacts",
        "people_met",
        "minors_met",
        "referrals_made",
        "reports_pharos",
        "reports_platforms",
    ),
    PreventionAction: ("people_reached",),
    Training: (*(name for name, _ in PROFESSIONS), "total_attendees"),
    ClientCourseSession: tuple(f"{w}_{key}" for w in ("ordered", "completed") for key, _ in COURSE_ORIGINS),
}

MAX_OUTREACH_MINUTES = 24 * 60  # one round lasts at most a day
MAX_TRAINING_HOURS = Decimal(200)
MAX_COURSE_FEE = Decimal(10_000)  # a typing slip guard, not a legal maximum (docs/actions.md)
UAI_PATTERN = re.compile(r"^\d{7}[A-Z]$")


def _require(actor: Actor, permission: str) -> None:
    if not can(actor, permission):
        raise PermissionDenied


# --- Checks: each returns {field: French message} ----------------------------------------------------------


def _common_errors(model, data: dict) -> dict[str, str]:
    errors: dict[str, str] = {}
    held_on = data.get("held_on")
    if held_on is None:
        errors["held_on"] = "Indiquez la date."
    elif held_on > timezone.localdate():
        errors["held_on"] = "La date ne peut pas être dans le futur."
    for name in COUNT_FIELDS[model]:
        value = data.get(name)
        if value is None:
            continue
        if value < 0:
            errors[name] = "Un nombre ne peut pas être négatif."
        elif value > MAX_COUNT:
            errors[name] = f"Ce nombre dépasse {MAX_COUNT:,} : vérifiez la saisie.".replace(",", " ")
    return errors


def _n(data: dict, name: str) -> int:
    return data.get(name) or 0


def _outreach_errors(data: dict) -> dict[str, str]:
    errors: dict[str, str] = {}
    kind = data.get("kind")
    if kind not in OutreachKind.values:
        errors["kind"] = "Choisissez le type de maraude (rue ou numérique)."
    minutes = data.get("duration_minutes")
    if minutes is None or minutes <= 0:
        errors["duration_minutes"] = "Indiquez la durée de la maraude, en minutes."
    elif minutes > MAX_OUTREACH_MINUTES:
        errors["duration_minutes"] = "Une maraude dure au plus 24 heures (1 440 minutes)."
    if kind == OutreachKind.ONLINE and not data.get("platform_type"):
        errors["platform_type"] = "Pour une maraude numérique, indiquez le type de plateforme."
    if kind == OutreachKind.STREET and not (data.get("area") or "").strip():
        errors["area"] = "Pour une maraude de rue, indiquez le secteur parcouru."
    unknown = set(data.get("needs") or []) - set(OutreachNeed.values)
    if unknown:
        errors["needs"] = "Besoin inconnu : choisissez dans la liste."
    ads, contacts, met = _n(data, "ads_seen"), _n(data, "contacts"), _n(data, "people_met")
    if kind == OutreachKind.ONLINE and contacts > ads:
        errors["contacts"] = (
            f"Les contacts établis ({contacts}) ne peuvent pas dépasser "
            f"les annonces ou profils consultés ({ads})."
        )
    if met > contacts:
        errors["people_met"] = (
            f"Les personnes rencontrées ({met}) ne peuvent pas dépasser les contacts établis ({contacts})."
        )
    if _n(data, "minors_met") > met:
        errors["minors_met"] = (
            f"Les mineur·es rencontré·es ({_n(data, 'minors_met')}) ne peuvent pas dépasser "
            f"les personnes rencontrées ({met})."
        )
    if _n(data, "referrals_made") > met:
        errors["referrals_made"] = (
            f"Les orientations ({_n(data, 'referrals_made')}) ne peuvent pas dépasser "
            f"les personnes rencontrées ({met})."
        )
    for name, label in (("reports_pharos", "à PHAROS"), ("reports_platforms", "aux plateformes")):
        if _n(data, name) > ads:
            errors[name] = (
                f"Les signalements {label} ({_n(data, name)}) ne peuvent pas dépasser "
                f"les annonces ou profils consultés ({ads})."
            )
    return errors


def _prevention_errors(actor: Actor, data: dict) -> dict[str, str]:
    errors: dict[str, str] = {}
    establishments = data.get("establishments") or []
    if any(e.departement_id != actor.departement.pk for e in establishments):
        errors["establishments"] = "Choisissez les établissements dans la liste du département."
    if not establishments and not (data.get("other_public") or "").strip():
        errors["establishments"] = (
            "Choisissez au moins un établissement de la liste, ou décrivez l'autre public."
        )
    audience = data.get("audience") or []
    if not audience:
        errors["audience"] = "Indiquez le public touché (élèves, personnels, parents)."
    elif set(audience) - set(Audience.values):
        errors["audience"] = "Public inconnu : choisissez dans la liste."
    if not data.get("people_reached"):
        errors.setdefault("people_reached", "Indiquez le nombre de personnes touchées (au moins une).")
    if not (data.get("theme") or "").strip():
        errors["theme"] = "Indiquez le thème de l'action."
    return errors


def _training_errors(data: dict) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not (data.get("title") or "").strip():
        errors["title"] = "Indiquez l'intitulé de la formation."
    hours = data.get("hours")
    if hours is None or hours <= 0:
        errors["hours"] = "Indiquez la durée de la formation, en heures."
    elif hours > MAX_TRAINING_HOURS:
        errors["hours"] = f"Une formation dure au plus {MAX_TRAINING_HOURS} heures : vérifiez la saisie."
    total = _n(data, "total_attendees")
    summed = sum(_n(data, name) for name, _ in PROFESSIONS)
    if total <= 0:
        errors["total_attendees"] = "Indiquez le nombre de participants (au moins un)."
    elif summed != total:
        errors["total_attendees"] = (
            f"Le total des participants ({total}) doit être la somme des participants par profession "
            f"({summed}) : comptez les autres professions dans « Autre »."
        )
    return errors


def _course_errors(data: dict) -> dict[str, str]:
    errors: dict[str, str] = {}
    for key, label in COURSE_ORIGINS:
        ordered, completed = _n(data, f"ordered_{key}"), _n(data, f"completed_{key}")
        if completed > ordered:
            errors[f"completed_{key}"] = (
                f"{label} : les participants ayant suivi le stage ({completed}) ne peuvent pas dépasser "
                f"les participants convoqués ({ordered})."
            )
    if not any(_n(data, f"ordered_{key}") for key, _ in COURSE_ORIGINS):
        errors.setdefault("ordered_alternative", "Indiquez au moins un participant convoqué.")
    fee = data.get("fee_euros")
    if fee is not None and fee < 0:
        errors["fee_euros"] = "Le coût ne peut pas être négatif."
    elif fee is not None and fee > MAX_COURSE_FEE:
        errors["fee_euros"] = "Ce coût paraît erroné : vérifiez la saisie."
    return errors


def check_action(actor: Actor, model, data: dict) -> None:
    """Raise a ValidationError naming each field whose value is refused (French message)."""
    errors = _common_errors(model, data)
    specific = {
        OutreachRound: lambda: _outreach_errors(data),
        PreventionAction: lambda: _prevention_errors(actor, data),
        Training: lambda: _training_errors(data),
        ClientCourseSession: lambda: _course_errors(data),
    }[model]()
    for name, message in specific.items():
        errors.setdefault(name, message)
    if errors:
        raise ValidationError(errors)


def _organisation_for(actor: Actor, organisation: Organisation | None, item) -> Organisation:
    """A partner always records for its own organisation; the secretariat may name any active organisation
    of its département (the one that ran the action)."""
    if not actor.is_secretariat:
        return actor.organisation
    if organisation is None:
        return item.organisation if item is not None else actor.organisation
    if organisation.departement_id != actor.departement.pk:
        raise ValidationError({"organisation": "Choisissez une organisation du département."})
    return organisation


# --- Actions ------------------------------------------------------------------------------------------------


@transaction.atomic
def save_action(
    *, actor: Actor, model: type[Model], data: dict, item=None, organisation: Organisation | None = None
):
    """Create (item None) or change an action of kind `model` from `data` (its field values)."""
    _require(actor, PERMISSION[model])
    if item is not None and (type(item) is not model or not is_own(actor, item)):
        raise PermissionDenied
    data = dict(data)
    check_action(actor, model, data)
    owner = _organisation_for(actor, organisation, item)
    establishments = data.pop("establishments", None)
    created = item is None
    if created:
        item = model(departement=actor.departement, created_by=actor.user)
    item.organisation = owner
    for name, value in data.items():
        setattr(item, name, value)
    item.save()
    if establishments is not None:
        item.establishments.set(establishments)
    audit.record(actor, "create" if created else "update", item, detail=str(model._meta.verbose_name))
    return item


@transaction.atomic
def delete_action(*, actor: Actor, item) -> None:
    _require(actor, PERMISSION[type(item)])
    if not is_own(actor, item):
        raise PermissionDenied
    audit.record(actor, "update", item, detail=f"{item._meta.verbose_name} supprimée")
    item.delete()


# --- The list of establishments -----------------------------------------------------------------------------


def _establishment_errors(actor: Actor, data: dict, item=None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.get("kind") not in EstablishmentKind.values:
        errors["kind"] = "Choisissez le type d'établissement."
    for name, label in (("name", "le nom"), ("commune", "la commune")):
        if not (data.get(name) or "").strip():
            errors[name] = f"Indiquez {label} de l'établissement."
    uai = (data.get("uai") or "").strip().upper()
    if uai and not UAI_PATTERN.match(uai):
        errors["uai"] = "Le code UAI compte 7 chiffres suivis d'une lettre (ex. 0690001A)."
    others = Establishment.objects.filter(departement=actor.departement)
    if item is not None:
        others = others.exclude(pk=item.pk)
    if uai and "uai" not in errors and others.filter(uai=uai).exists():
        errors["uai"] = "Un établissement de la liste porte déjà ce code UAI."
    if (
        not errors
        and others.filter(
            kind=data["kind"], name=data["name"].strip(), commune=data["commune"].strip()
        ).exists()
    ):
        errors["name"] = "Cet établissement est déjà dans la liste."
    return errors


@transaction.atomic
def save_establishment(*, actor: Actor, data: dict, item: Establishment | None = None) -> Establishment:
    _require(actor, "actions.establishments")
    if item is not None and item.departement_id != actor.departement.pk:
        raise PermissionDenied
    errors = _establishment_errors(actor, data, item)
    if errors:
        raise ValidationError(errors)
    created = item is None
    if created:
        item = Establishment(departement=actor.departement)
    item.kind = data["kind"]
    item.name = data["name"].strip()
    item.commune = data["commune"].strip()
    item.uai = (data.get("uai") or "").strip().upper()
    item.active = data.get("active", True)
    item.save()
    audit.record(actor, "create" if created else "update", item, detail="établissement")
    return item


@transaction.atomic
def delete_establishment(*, actor: Actor, item: Establishment) -> None:
    """Remove an establishment from the list. One that a prevention action names is kept (the action would
    lose it): it is taken out of the list instead."""
    _require(actor, "actions.establishments")
    if item.departement_id != actor.departement.pk:
        raise PermissionDenied
    if item.prevention_actions.exists():
        raise ValidationError(
            "Des actions de prévention nomment cet établissement : il ne peut pas être supprimé. "
            "Retirez-le de la liste en décochant « Dans la liste »."
        )
    audit.record(actor, "update", item, detail="établissement supprimé")
    item.delete()


# The CSV file the secretariat imports (docs/actions.md): one establishment a line, a header line first.
IMPORT_COLUMNS = ("type", "nom", "commune", "uai")
IMPORT_MAX_BYTES = 1_000_000
IMPORT_MAX_ROWS = 5_000
_KIND_WORDS = {
    "college": EstablishmentKind.COLLEGE,
    "collège": EstablishmentKind.COLLEGE,
    "lycee": EstablishmentKind.LYCEE,
    "lycée": EstablishmentKind.LYCEE,
    "lycée général et technologique": EstablishmentKind.LYCEE,
    "lp": EstablishmentKind.LP,
    "lycée professionnel": EstablishmentKind.LP,
    "lycee professionnel": EstablishmentKind.LP,
    "cfa": EstablishmentKind.CFA,
    "centre de formation d'apprentis": EstablishmentKind.CFA,
    "autre": EstablishmentKind.OTHER,
    "other": EstablishmentKind.OTHER,
}


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def _decode(content: bytes) -> str:
    if not content:
        raise ValidationError({"file": "Le fichier est vide."})
    if len(content) > IMPORT_MAX_BYTES:
        raise ValidationError({"file": "Le fichier dépasse 1 Mo : découpez-le."})
    if b"\x00" in content:
        raise ValidationError({"file": "Ce fichier n'est pas un fichier texte CSV."})
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            {"file": "Le fichier n'est pas encodé en UTF-8 : enregistrez-le en « CSV UTF-8 »."}
        ) from None


def _parse(text: str) -> list[dict]:
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        rows = [row for row in reader if any(cell.strip() for cell in row)]
    except csv.Error:
        raise ValidationError({"file": "Le fichier CSV est mal formé (guillemets non fermés ?)."}) from None
    if not rows:
        raise ValidationError({"file": "Le fichier est vide."})
    header = [cell.strip().lower() for cell in rows[0]]
    missing = [c for c in IMPORT_COLUMNS[:3] if c not in header]
    if missing:
        raise ValidationError(
            {
                "file": "Colonnes manquantes : "
                + ", ".join(f"« {c} »" for c in missing)
                + ". La première ligne doit nommer les colonnes type, nom, commune et uai (facultative)."
            }
        )
    if len(rows) - 1 > IMPORT_MAX_ROWS:
        raise ValidationError({"file": f"Le fichier compte plus de {IMPORT_MAX_ROWS} établissements."})
    index = {name: header.index(name) for name in IMPORT_COLUMNS if name in header}
    parsed = []
    for row in rows[1:]:
        parsed.append({name: (row[i].strip() if i < len(row) else "") for name, i in index.items()})
    return parsed


@transaction.atomic
def import_establishments(*, actor: Actor, content: bytes) -> ImportResult:
    """Add or update the establishments of a CSV file (matched by UAI code, else by type, name and commune).
    Any bad line refuses the whole file: nothing is saved, and the message names the lines."""
    _require(actor, "actions.establishments")
    rows = _parse(_decode(content))
    problems: list[str] = []
    seen_uai: set[str] = set()
    seen_key: set[tuple] = set()
    cleaned = []
    for number, row in enumerate(rows, start=2):
        kind = _KIND_WORDS.get(row["type"].lower())
        uai = row.get("uai", "").upper()
        if kind is None:
            problems.append(f"ligne {number} : type « {row['type'][:40]} » inconnu")
        if not row["nom"] or not row["commune"]:
            problems.append(f"ligne {number} : nom ou commune manquant")
        if len(row["nom"]) > 200 or len(row["commune"]) > 100:
            problems.append(f"ligne {number} : nom ou commune trop long")
        if uai and not UAI_PATTERN.match(uai):
            problems.append(f"ligne {number} : code UAI « {uai[:12]} » invalide")
        key = (kind, row["nom"], row["commune"])
        if (uai and uai in seen_uai) or key in seen_key:
            problems.append(f"ligne {number} : établissement en double dans le fichier")
        seen_uai.add(uai)
        seen_key.add(key)
        cleaned.append((kind, row["nom"], row["commune"], uai))
    if problems:
        shown = problems[:10]
        more = f" (et {len(problems) - 10} autres)" if len(problems) > 10 else ""
        raise ValidationError({"file": "Rien n'a été importé. " + " ; ".join(shown) + more + "."})
    created = updated = 0
    existing = Establishment.objects.filter(departement=actor.departement)
    try:
        with transaction.atomic():
            for kind, name, commune, uai in cleaned:
                item = (existing.filter(uai=uai).first() if uai else None) or existing.filter(
                    kind=kind, name=name, commune=commune
                ).first()
                if item is None:
                    item = Establishment(departement=actor.departement)
                    created += 1
                else:
                    updated += 1
                item.kind, item.name, item.commune, item.active = kind, name, commune, True
                item.uai = uai or item.uai
                item.save()
    except IntegrityError:
        # A line's UAI code names one establishment of the list and its name another one.
        raise ValidationError(
            {
                "file": "Rien n'a été importé : un code UAI du fichier désigne un autre établissement "
                "de la liste."
            }
        ) from None
    audit.record(
        actor,
        "create",
        None,
        detail=f"import d'établissements : {created} ajoutés, {updated} mis à jour",
    )
    return ImportResult(created=created, updated=updated)
