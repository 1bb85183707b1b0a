"""The access export (RGPD art. 15): everything Parcours holds about one person that the actor may see, as
one AES-256 encrypted ZIP archive (pyzipper, WinZip AE-2: 7-Zip, WinZip, PeaZip, The Unarchiver open it).

The archive holds `lisez-moi.txt`, `resume.html` (a readable French summary), `donnees.json` (the same
records, machine-readable, field names as keys) and `fichiers/` (the stored files decrypted: pieces of the
requests, frozen PDFs of decisions, letters, notices and attestations; drafts as HTML). A ZIP encrypts the
content of each entry, not the entries' names: no name in the archive says anything of the person (opaque
ids; her pseudonymous code in nothing but the contents).

Built in memory, never on disk in clear: the encrypted bytes are handed to the storage, which seals them again
(parcours.core.storage). Staff are named by role and organisation, never by name (other people's data).
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
import json
import secrets
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pyzipper
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone

from parcours.core.access import Actor
from parcours.core.models import AuditEvent, Departement, Organisation

from . import rules

EXCLUDED_SUFFIXES = ("_bidx",)
EXCLUDED_NAMES = frozenset({"id", "token_hash", "file", "html"})


@dataclass
class Section:
    key: str
    title: str
    records: list[dict] = field(
        default_factory=list
    )  # each: {"title": str, "fields": [(name, label, value)]}

    def add(self, obj, title: str = "", *, skip: Iterable[str] = ()) -> None:
        self.records.append(
            {
                "type": obj._meta.label_lower,
                "title": title or str(obj._meta.verbose_name).capitalize(),
                "fields": fields_of(obj, skip),
            }
        )


@dataclass
class StoredFile:
    arcname: str
    label: str
    read: Callable[[], bytes]


def _jsonable(value):
    if isinstance(value, dt.datetime):
        return (
            timezone.localtime(value).isoformat(timespec="seconds")
            if timezone.is_aware(value)
            else value.isoformat()
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def fields_of(obj, skip: Iterable[str] = ()) -> list[tuple[str, str, object]]:
    """The record's own fields, decrypted, choices spelt out, as (name, French label, value). Left out: the
    internal ids and blind indexes, links to staff accounts (other people), files (joined apart) and the
    relations the export shows by nesting."""
    out = []
    for f in obj._meta.concrete_fields:
        if f.name in EXCLUDED_NAMES or f.name in skip or f.name.endswith(EXCLUDED_SUFFIXES):
            continue
        if isinstance(f, models.FileField):
            continue
        label = "identifiant" if f.name == "public_id" else str(f.verbose_name)
        if f.is_relation:
            if f.related_model is Organisation:
                org = getattr(obj, f.name)
                value = org.name if org else ""
            elif f.related_model is Departement:
                value = getattr(obj, f.name).code
            else:  # staff accounts, and records nested elsewhere in the export
                continue
        elif f.choices:
            value = (
                getattr(obj, f"get_{f.name}_display")() if getattr(obj, f.attname) not in ("", None) else ""
            )
        else:
            value = getattr(obj, f.attname)
        out.append((f.name, label, _jsonable(value)))
    return out


@dataclass
class Collected:
    sections: list[Section]
    files: list[StoredFile]


def collect(actor: Actor, person) -> Collected:  # noqa: C901, PLR0912, PLR0915 (one section per kind of record)
    """Every record about `person` that `actor` may see, by section, and the stored files they point at."""
    from parcours.appeals.selectors import appeals_visible_to, procedures_visible_to
    from parcours.attestations.selectors import attestations_visible_to
    from parcours.commission.models import PrefectDecision
    from parcours.commission.selectors import letters_visible_to
    from parcours.documents.models import GeneratedDocument
    from parcours.housing.models import HousingRequest, SiaoRequest
    from parcours.pathways.models import Period, Request
    from parcours.pathways.selectors import pathways_visible_to
    from parcours.referrals.models import Referral

    from .models import AccessExport, NoticeDelivery, Rectification, RightsRequest

    own_org = actor.organisation if actor.is_association else None
    sections: list[Section] = []
    files: list[StoredFile] = []
    document_ids: set[int] = set()

    identity = Section("identite", "Identité et situation")
    identity.add(person, "Fiche de la personne", skip=("merged_into", "merged_at"))
    for alias in person.aliases.all():
        identity.add(alias, "Alias ou nom d'usage")
    for document in person.identity_documents.all():
        identity.add(document, "Pièce d'identité")
    sections.append(identity)

    consents = Section("consentements", "Consentements et partages")
    for consent in person.consents.select_related("partner"):
        consents.add(consent, "Consentement")
    for share in person.shares.select_related("partner"):
        consents.add(share, "Partage avec un partenaire", skip=("consent",))
    sections.append(consents)

    if own_org is not None:  # follow-up notes are the accompanying association's only
        notes = Section("notes", "Notes de suivi")
        for note in person.notes.filter(organisation=own_org):
            notes.add(note, "Note de suivi")
        sections.append(notes)

    interpreting = Section("interpretariat", "Interprétariat")
    sessions = person.interpreting_sessions.select_related("organisation")
    for session in sessions.filter(organisation=own_org) if own_org else sessions:
        interpreting.add(session, "Séance d'interprétariat", skip=("consent",))
    sections.append(interpreting)

    pathways = list(pathways_visible_to(actor).filter(person=person).select_related("association"))
    requests = list(Request.objects.filter(pathway__in=pathways).select_related("pathway"))
    journey = Section("parcours", "Parcours de sortie de la prostitution")
    for pathway in pathways:
        journey.add(pathway, "Parcours")
        for request in (r for r in requests if r.pathway_id == pathway.pk):
            journey.add(request, f"Demande ({request.get_kind_display().lower()})", skip=("agrement",))
            for objective in request.objectives.all():
                journey.add(objective, "Objectif du projet d'accompagnement")
            for piece in request.documents.all():
                arcname = f"fichiers/pieces/{piece.public_id}"
                journey.add(piece, "Pièce de la demande")
                journey.records[-1]["fields"].append(("file", "fichier dans l'archive", arcname))
                files.append(StoredFile(arcname, "pièce de la demande", _reader(piece.file)))
        for period in Period.objects.filter(pathway=pathway):
            journey.add(period, "Période", skip=("request",))
        for event in pathway.events.select_related("organisation"):
            journey.add(event, "Historique", skip=("request",))
        for report in pathway.end_reports.all():
            journey.add(report, "Signalement de fin ou de retrait")
        afis = getattr(pathway, "afis", None) if hasattr(pathway, "afis") else None
        if afis is not None:
            journey.add(afis, "Aide financière (AFIS)")
            for change in afis.children_changes.all():
                journey.add(change, "AFIS — changement du nombre d'enfants")
            for suspension in afis.suspensions.all():
                journey.add(suspension, "AFIS — suspension")
        for notice in pathway.notices.all():
            journey.add(
                notice, "Avis à l'organisme payeur ou au service des étrangers", skip=("afis", "document")
            )
            if notice.document_id:
                document_ids.add(notice.document_id)
        permit = getattr(pathway, "residence_permit", None) if hasattr(pathway, "residence_permit") else None
        if permit is not None:
            journey.add(permit, "Autorisation provisoire de séjour")
        for step in pathway.right_steps.all():
            journey.add(step, "Démarche d'accès aux droits")
        for transfer in pathway.transfers.all():
            journey.add(transfer, "Transfert", skip=("new_pathway",))
    sections.append(journey)

    decisions = Section("decisions", "Décisions du préfet et courriers")
    decision_qs = PrefectDecision.objects.filter(pathway__in=pathways)
    if not actor.is_secretariat:
        decision_qs = decision_qs.filter(state=PrefectDecision.State.SIGNED)
    decision_list = list(decision_qs)
    for decision in decision_list:
        decisions.add(decision, "Décision du préfet", skip=("item", "request", "pathway", "document"))
        if decision.document_id:
            document_ids.add(decision.document_id)
    for letter in letters_visible_to(actor).filter(decision__in=decision_list):
        decisions.add(letter, "Courrier de notification", skip=("decision", "document"))
        document_ids.add(letter.document_id)
    sections.append(decisions)

    housing = Section("logement", "Hébergement et logement")
    for siao in SiaoRequest.objects.filter(person=person).select_related("organisation"):
        housing.add(siao, "Demande au SIAO")
    for request in HousingRequest.objects.filter(person=person).select_related("organisation"):
        housing.add(request, "Demande de logement social")
    sections.append(housing)

    appeals = Section("recours", "Recours et procédures contradictoires")
    for procedure in procedures_visible_to(actor).filter(pathway__in=pathways):
        appeals.add(procedure, "Procédure contradictoire", skip=("pathway", "agrement", "end_decision"))
        for name in (
            "notice_document_id",
            "decision_document_id",
            "letter_document_id",
            "payer_letter_document_id",
        ):
            if getattr(procedure, name, None):
                document_ids.add(getattr(procedure, name))
    for appeal in appeals_visible_to(actor).filter(
        models.Q(decision__pathway__in=pathways) | models.Q(procedure__pathway__in=pathways)
    ):
        appeals.add(
            appeal,
            "Recours",
            skip=("decision", "procedure", "application", "agrement", "reexamination_request"),
        )
    sections.append(appeals)

    attestations = Section("attestations", "Attestations d'engagement")
    for attestation in attestations_visible_to(actor).filter(pathway__in=pathways):
        attestations.add(attestation, "Attestation", skip=("pathway", "document"))
        if attestation.document_id:
            document_ids.add(attestation.document_id)
    sections.append(attestations)

    referrals = Section("reperages", "Repérage et orientation")
    referral_qs = Referral.objects.filter(person=person).select_related("association", "detection")
    if own_org is not None:
        referral_qs = referral_qs.filter(association=own_org)
    elif not actor.is_secretariat:
        referral_qs = referral_qs.none()
    for referral in referral_qs:
        referrals.add(referral, "Orientation vers l'association", skip=("detection", "person"))
        if actor.is_secretariat:
            referrals.add(referral.detection, "Repérage")
    sections.append(referrals)

    rights = Section("droits", "Exercice des droits")
    for request in RightsRequest.objects.filter(person=person).select_related("organisation"):
        rights.add(request, "Demande d'exercice d'un droit")
    for rectification in Rectification.objects.filter(person=person).select_related("organisation"):
        rights.add(rectification, "Rectification", skip=("request",))
    for delivery in NoticeDelivery.objects.filter(person=person).select_related("organisation"):
        rights.add(delivery, "Notice d'information remise")
    for export in AccessExport.objects.filter(person=person).select_related("organisation"):
        rights.add(export, "Export des données (droit d'accès)", skip=("rights_request",))
    sections.append(rights)

    # Generated documents: those the records above point at, and those related to the person, her visible
    # pathways or their requests.
    related = models.Q(object_type="people.person", object_id=str(person.public_id))
    related |= models.Q(object_type="pathways.pathway", object_id__in=[str(p.public_id) for p in pathways])
    related |= models.Q(object_type="pathways.request", object_id__in=[str(r.public_id) for r in requests])
    documents = Section("documents", "Documents produits")
    for document in GeneratedDocument.objects.filter(departement=person.departement).filter(
        related | models.Q(pk__in=document_ids)
    ):
        if document.is_frozen and document.pdf:
            arcname = f"fichiers/documents/{document.public_id}.pdf"
            files.append(StoredFile(arcname, document.title, _reader(document.pdf)))
        else:
            arcname = f"fichiers/documents/{document.public_id}-brouillon.html"
            html = document.html
            files.append(StoredFile(arcname, document.title, lambda html=html: html.encode()))
        documents.add(document, "Document", skip=("object_id",))
        documents.records[-1]["fields"].append(("file", "fichier dans l'archive", arcname))
    sections.append(documents)

    journal = Section("journal", "Qui a consulté ou modifié le dossier")
    for event in (
        AuditEvent.objects.filter(object_type="people.person", object_id=str(person.public_id))
        .select_related("organisation")
        .order_by("at")
    ):
        journal.records.append(
            {
                "type": "core.auditevent",
                "title": event.get_action_display(),
                "fields": [
                    ("at", "date", _jsonable(event.at)),
                    ("action", "action", event.get_action_display()),
                    ("role", "rôle", _role_label(event.role)),
                    ("organisation", "organisation", event.organisation.name if event.organisation else ""),
                    ("detail", "détail", event.detail),
                ],
            }
        )
    sections.append(journal)
    return Collected(sections, files)


def _role_label(role: str) -> str:
    from parcours.core.roles import Role

    try:
        return Role(role).label
    except ValueError:
        return role


def _reader(field_file) -> Callable[[], bytes]:
    def read() -> bytes:
        with field_file.open("rb") as handle:  # decrypted by the storage
            return handle.read()

    return read


def new_password() -> str:
    return "".join(
        secrets.choice(rules.EXPORT_PASSWORD_ALPHABET) for _ in range(rules.EXPORT_PASSWORD_LENGTH)
    )


@dataclass
class Built:
    content: bytes
    file_count: int
    missing: list[str]


def build_archive(*, actor: Actor, person, password: str, collected: Collected, generated_at) -> Built:
    """The encrypted ZIP: summary, JSON, files. A stored file that cannot be read is listed as missing in
    the summary (never a 500, never a silent gap)."""
    buffer = io.BytesIO()
    missing: list[str] = []
    written = 0
    with pyzipper.AESZipFile(
        buffer, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES
    ) as archive:
        archive.setpassword(password.encode())
        archive.setencryption(pyzipper.WZ_AES, nbits=256)
        for stored in collected.files:
            try:
                archive.writestr(stored.arcname, stored.read())
                written += 1
            except OSError:
                missing.append(stored.arcname)
        context = {
            "person": person,
            "sections": collected.sections,
            "files": collected.files,
            "missing": missing,
            "generated_at": generated_at,
            "actor_organisation": actor.organisation.name,
            "answer_months": rules.ANSWER_MONTHS,
        }
        archive.writestr("resume.html", render_to_string("datarights/export_summary.html", context))
        data = {
            "format": "parcours.export-droit-d-acces/1",
            "genere_le": _jsonable(generated_at),
            "par": actor.organisation.name,
            "personne": str(person.public_id),
            "sections": {
                section.key: [
                    {"type": record["type"], **{name: value for name, _label, value in record["fields"]}}
                    for record in section.records
                ]
                for section in collected.sections
            },
            "fichiers_illisibles": missing,
        }
        archive.writestr("donnees.json", json.dumps(data, ensure_ascii=False, indent=2))
        archive.writestr("lisez-moi.txt", render_to_string("datarights/export_readme.txt", context))
    return Built(buffer.getvalue(), written, missing)
