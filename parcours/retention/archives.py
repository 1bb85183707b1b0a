"""State acts transferred to the archives service (Code du patrimoine L. 212-2 ff., docs/conservation.md):
a year marked « à verser » (services._apply_state_acts) is exported as a tar archive with its manifest
(every file's SHA-256, size, type, reference and date; SEDA-like description fields), the transfer is
recorded with the archives' bordereau reference, and only then, by an explicit confirmed act, the
application's copy of the files is removed; the register rows stay, each document keeping its SHA-256 and a
pointer to the bordereau. Nothing here ever deletes an act."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import tarfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from parcours.core.maintenance import suspended_triggers
from parcours.core.models import Departement

from . import rules
from .models import ArchiveTransfer
from .services import _delete_files_on_commit, state_acts_of_year

# SEDA 2.1 access rule « AR048 »: communicable 50 years after the document's date (Code du patrimoine,
# art. L. 213-2, I, 3°: documents whose communication would harm privacy). To confirm with the archives.
ACCESS_RULE = "AR048"
ACCESS_RULE_NOTE = "Code du patrimoine, art. L. 213-2, I, 3° — 50 ans (protection de la vie privée)"


class ArchiveError(Exception):
    """A French message for the operator."""


@dataclass
class Item:
    path: str
    title: str
    kind: str
    reference: str
    day: date | None
    document: object  # GeneratedDocument


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9-]+", "-", text).strip("-") or "sans-reference"


def _items(departement: Departement, year: int) -> list[Item]:
    """Every stored document of the year's acts, with a title that names no one."""
    acts = state_acts_of_year(departement, year)
    items = []
    for decision in acts["decisions"]:
        if decision.document_id:
            items.append(
                Item(
                    f"decisions/{_safe(decision.reference)}.pdf",
                    f"Décision préfectorale n° {decision.reference} "
                    f"({decision.get_outcome_display().lower()})",
                    "décision",
                    decision.reference,
                    decision.signed_on,
                    decision.document,
                )
            )
    for letter in acts["letters"]:
        items.append(
            Item(
                f"courriers/{_safe(letter.decision.reference)}-{letter.addressee}.pdf",
                f"{letter.get_addressee_display()} — notification de la décision "
                f"n° {letter.decision.reference}",
                "courrier de notification",
                letter.decision.reference,
                letter.notified_on,
                letter.document,
            )
        )
    for minutes in acts["minutes"]:
        day = timezone.localtime(minutes.meeting.starts_at).date()
        items.append(
            Item(
                f"proces-verbaux/{day.isoformat()}.pdf",
                f"Procès-verbal de la séance du {day:%d/%m/%Y}",
                "procès-verbal",
                day.isoformat(),
                day,
                minutes.document,
            )
        )
    return items


def _content(document) -> tuple[bytes, str]:
    if document.pdf:
        with document.pdf.open("rb") as handle:
            return handle.read(), ".pdf"
    return document.html.encode(), ".html"


def export(*, departement: Departement, year: int, output: Path) -> ArchiveTransfer:
    """Build `<output>/versement-<dép>-<année>.tar` (files and manifest.json) for a year « à verser »."""
    transfer = ArchiveTransfer.objects.filter(departement=departement, year=year).first()
    if transfer is None:
        raise ArchiveError(
            f"Les actes de {year} ne sont pas à verser : leur durée d'utilité administrative "
            f"({rules.state_acts_years(timezone.localdate())} ans après l'année de l'acte) n'est pas échue, "
            "ou la tâche quotidienne ne les a pas encore marqués."
        )
    if transfer.state in (ArchiveTransfer.State.TRANSFERRED, ArchiveTransfer.State.COPY_REMOVED):
        raise ArchiveError(f"Les actes de {year} sont déjà versés (bordereau {transfer.archives_reference}).")
    items = _items(departement, year)
    objects = []
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for item in items:
            content, suffix = _content(item.document)
            path = item.path if suffix == ".pdf" else item.path.removesuffix(".pdf") + suffix
            info = tarfile.TarInfo(path)
            info.size, info.mtime, info.mode = len(content), 0, 0o600
            archive.addfile(info, io.BytesIO(content))
            objects.append(
                {
                    "Filename": path,
                    "MessageDigest": {"algorithm": "SHA-256", "value": hashlib.sha256(content).hexdigest()},
                    "Size": len(content),
                    "Title": item.title,
                    "DocumentType": item.kind,
                    "OriginatingAgencyArchiveUnitIdentifier": item.reference,
                    "Date": item.day.isoformat() if item.day else None,
                }
            )
        manifest = {
            "MessageIdentifier": f"PARCOURS-{departement.code}-{year}",
            "Date": timezone.now().isoformat(timespec="seconds"),
            "Comment": "Bordereau de versement — actes de l'État de la commission départementale de lutte "
            "contre la prostitution, le proxénétisme et la traite des êtres humains (CASF L. 121-9)",
            "ArchivalAgency": f"Archives départementales ({departement.code})",
            "TransferringAgency": f"Préfecture — secrétariat de la commission ({departement.code})",
            "DescriptiveMetadata": {
                "Title": f"Commission départementale {departement.code} — actes de l'année {year}",
                "DescriptionLevel": "RecordGrp",
                "StartDate": f"{year}-01-01",
                "EndDate": f"{year}-12-31",
                "Language": "fra",
            },
            "ManagementMetadata": {
                "AppraisalRule": {
                    "Rule": f"DUA {rules.state_acts_years(timezone.localdate())} ans",
                    "FinalAction": "Keep",
                    "Source": rules.STATE_ACTS_SOURCE,
                },
                "AccessRule": {"Rule": ACCESS_RULE, "Note": ACCESS_RULE_NOTE},
            },
            "DataObjects": objects,
        }
        data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size, info.mtime, info.mode = len(data), 0, 0o600
        archive.addfile(info, io.BytesIO(data))
    content = buffer.getvalue()
    output.mkdir(parents=True, exist_ok=True)
    path = output / f"versement-{departement.code}-{year}.tar"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
    transfer.state = ArchiveTransfer.State.EXPORTED
    transfer.exported_at = timezone.now()
    transfer.archive_name = path.name
    transfer.archive_sha256 = hashlib.sha256(content).hexdigest()
    transfer.manifest = manifest
    transfer.acts = len(objects)
    transfer.save()
    return transfer


def record_transfer(*, departement: Departement, year: int, reference: str, day: date) -> ArchiveTransfer:
    transfer = ArchiveTransfer.objects.filter(departement=departement, year=year).first()
    if transfer is None or transfer.state != ArchiveTransfer.State.EXPORTED:
        raise ArchiveError(
            f"Exportez d'abord les actes de {year} (--output) avant d'enregistrer le versement."
        )
    if not reference.strip():
        raise ArchiveError("Indiquez la référence du bordereau de versement donnée par les archives.")
    transfer.state = ArchiveTransfer.State.TRANSFERRED
    transfer.archives_reference = reference.strip()[:100]
    transfer.transferred_on = day
    transfer.save()
    return transfer


@transaction.atomic
def remove_copy(*, departement: Departement, year: int) -> int:
    """After the recorded transfer only: the application's copy of the files goes, the rows stay (frozen
    documents keep their SHA-256, their text says where the act now is). Returns the documents emptied."""
    from parcours.commission.models import PrefectDecision
    from parcours.documents.models import GeneratedDocument

    transfer = ArchiveTransfer.objects.select_for_update().filter(departement=departement, year=year).first()
    if transfer is None or transfer.state != ArchiveTransfer.State.TRANSFERRED:
        raise ArchiveError(
            f"La copie des actes de {year} ne peut être retirée qu'après l'enregistrement de leur versement."
        )
    items = _items(departement, year)
    documents = [item.document for item in items]
    _delete_files_on_commit([d.pdf for d in documents])
    note = f"Versé aux archives départementales — bordereau {transfer.archives_reference}"
    with suspended_triggers(connection, GeneratedDocument._meta.db_table):
        GeneratedDocument.objects.filter(pk__in=[d.pk for d in documents]).update(html=note, pdf="")
    PrefectDecision.objects.filter(departement=departement, state="signed", year=year).update(
        motive="", divergence_motive="", return_comment=""
    )
    transfer.state = ArchiveTransfer.State.COPY_REMOVED
    transfer.copy_removed_at = timezone.now()
    transfer.save()
    return len(documents)
