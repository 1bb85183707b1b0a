"""The retention regimes applied (docs/conservation.md, ADR 0017): `apply_retention` runs each day, is
idempotent, and reports counts (never an identity) to each département's secretariat and to the log.

- Association follow-up files: a person whose last contact (`last_contact`) is older than the term, with no
  open pathway, pending appeal or procedure, or pending transfer, is deleted with everything the association
  held (files in the store and blind indexes included); when a State act refers to her pathway (the
  commission's agenda, a prefect's decision, an attestation, a procedure, a transfer), the file is
  anonymised instead: identity replaced by the pseudonymous code, blind indexes, search tokens and follow-up
  content deleted, the pathway's skeleton kept for the act.
- Detections (minors and adults, parcours.referrals.rules): deleted with their transmissions and referrals
  after their term from the last act.
- State acts: each year of acts past its administrative usefulness is marked « à verser »
  (`ArchiveTransfer`), never deleted; the export, the bordereau and the removal of the application's copy
  are in parcours.retention.archives.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.db.models import Max, Q

from parcours.core.models import Alert, Departement
from parcours.people.models import Person
from parcours.referrals import rules as referral_rules
from parcours.referrals.models import Detection

from . import rules
from .models import Anonymisation, ArchiveTransfer

logger = logging.getLogger("parcours.retention")

OPEN_PATHWAY_STATES = ("in_instruction", "active")
PENDING_PROCEDURE_STATES = ("notice", "observations", "opinion", "ready", "decided")
PENDING_TRANSFER_STATES = ("pending", "accepted")


# The report's lines that say something was done (the others say what waits).
DONE_LINES = (
    "dossiers de suivi supprimés",
    "dossiers de suivi anonymisés (acte de l'État conservé)",
    "repérages de mineur·es supprimés",
    "repérages de jeunes majeur·es supprimés",
    "années d'actes de l'État marquées « à verser »",
)


@dataclass
class Report:
    today: date
    dry_run: bool = False
    # per département id: counts by line of the report
    counts: dict[int, Counter] = field(default_factory=lambda: defaultdict(Counter))

    def add(self, departement_id: int, line: str, n: int = 1) -> None:
        self.counts[departement_id][line] += n

    @property
    def done(self) -> int:
        """How many things were deleted, anonymised or marked (0 on a second run the same day)."""
        return sum(c[line] for c in self.counts.values() for line in DONE_LINES)


# --- Last contact --------------------------------------------------------------------------------------


def _day(value) -> date | None:
    if value is None:
        return None
    return value.date() if isinstance(value, datetime) else value


def last_contact(person: Person) -> date:
    """The latest trace of the association's work with the person: the file's creation, its notes,
    interpreting sessions, identity documents, housing requests and their outcomes, each pathway's events,
    requests, documents, periods and end, and the referral that brought her (docs/conservation.md)."""
    candidates = [_day(person.created_at)]
    aggregates = (
        (person.notes, ("date", "created_at")),
        (person.interpreting_sessions, ("day", "created_at")),
        (person.identity_documents, ("created_at",)),
        (person.siao_requests, ("requested_on", "outcome_on", "updated_at")),
        (
            person.housing_requests,
            ("filed_on", "dalo_filed_on", "dalo_decided_on", "housed_on", "cancelled_on", "updated_at"),
        ),
        (person.referrals, ("referred_on", "answered_on", "first_contact_on", "accompaniment_started_on")),
    )
    for manager, names in aggregates:
        values = manager.aggregate(**{n: Max(n) for n in names})
        candidates.extend(_day(v) for v in values.values())
    from parcours.pathways.models import PathwayEvent, Period, Request, RequestDocument

    pathways = person.pathways.all()
    candidates.extend(_day(v) for v in pathways.values_list("ended_on", flat=True))
    for model, path, names in (
        (PathwayEvent, "pathway__person", ("at",)),
        (Request, "pathway__person", ("submitted_on", "decision_date", "updated_at")),
        (RequestDocument, "request__pathway__person", ("created_at",)),
        (Period, "pathway__person", ("end",)),
    ):
        values = model.objects.filter(**{path: person}).aggregate(**{n: Max(n) for n in names})
        candidates.extend(_day(v) for v in values.values())
    return max(d for d in candidates if d is not None)


def protection(person: Person) -> str | None:
    """Why the person's file may not be purged whatever its age, or None."""
    from parcours.appeals.models import Appeal, Procedure
    from parcours.pathways.models import Transfer

    pathways = person.pathways.all()
    if pathways.filter(state__in=OPEN_PATHWAY_STATES).exists():
        return "parcours en cours"
    if Appeal.objects.filter(
        Q(decision__pathway__person=person) | Q(procedure__pathway__person=person), outcome="pending"
    ).exists():
        return "recours en cours"
    if Procedure.objects.filter(pathway__person=person, state__in=PENDING_PROCEDURE_STATES).exists():
        return "procédure contradictoire en cours"
    if Transfer.objects.filter(
        Q(pathway__person=person) | Q(new_pathway__person=person), state__in=PENDING_TRANSFER_STATES
    ).exists():
        return "transfert en cours"
    if person.rights_requests.open().exists():
        return "demande d'exercice d'un droit en attente de réponse"
    return None


def has_state_act(person: Person) -> bool:
    """A State act refers to the person's pathway: her file is anonymised, never deleted."""
    from parcours.appeals.models import Procedure
    from parcours.attestations.models import Attestation
    from parcours.commission.models import AgendaItem, PrefectDecision
    from parcours.pathways.models import Transfer

    return (
        PrefectDecision.objects.filter(pathway__person=person).exists()
        or AgendaItem.objects.filter(request__pathway__person=person).exists()
        or Attestation.objects.filter(pathway__person=person).exists()
        or Procedure.objects.filter(pathway__person=person).exists()
        or Transfer.objects.filter(Q(pathway__person=person) | Q(new_pathway__person=person)).exists()
    )


# --- Files ---------------------------------------------------------------------------------------------


def _delete_files_on_commit(files: list) -> None:
    """Remove the stored files once the rows pointing at them are gone for good (after the commit): no row
    ever points at a missing file; a failed removal leaves a file no row points at, which the next run's
    sweep (`sweep_orphan_files`) removes."""
    pairs = [(f.storage, f.name) for f in files if f]

    def remove():
        for storage, name in pairs:
            try:
                storage.delete(name)
            except OSError:
                logger.warning(
                    "retention: un fichier n'a pas pu être supprimé (il le sera au prochain passage)"
                )

    transaction.on_commit(remove)


def sweep_orphan_files(*, dry_run: bool = False) -> int:
    """Pathway documents in the store that no row points at any more (a removal that failed): removed. They
    are the suffix-less opaque names of `documents/<département>/` (the generated PDFs there end in .pdf)."""
    from parcours.pathways.models import RequestDocument

    storage = RequestDocument._meta.get_field("file").storage
    known = set(RequestDocument.objects.values_list("file", flat=True))
    removed = 0
    try:
        departements, _ = storage.listdir("documents")
    except FileNotFoundError:
        return 0
    for code in departements:
        _, names = storage.listdir(f"documents/{code}")
        for name in names:
            path = f"documents/{code}/{name}"
            if "." not in name and path not in known:
                if not dry_run:
                    storage.delete(path)
                removed += 1
    return removed


# --- Follow-up files -----------------------------------------------------------------------------------


def _follow_up_rows(person: Person) -> list:
    """The association's follow-up content of a person, outside her identity: deleted either way."""
    from parcours.pathways.models import EndReport, PlanObjective, RequestDocument, RightStep

    documents = list(RequestDocument.objects.filter(request__pathway__person=person))
    _delete_files_on_commit([d.file for d in documents])
    RequestDocument.objects.filter(pk__in=[d.pk for d in documents]).delete()
    PlanObjective.objects.filter(request__pathway__person=person).delete()
    EndReport.objects.filter(pathway__person=person).delete()
    RightStep.objects.filter(pathway__person=person).delete()
    person.interpreting_sessions.all().delete()
    person.shares.all().delete()
    person.consents.all().delete()
    person.notes.all().delete()
    person.aliases.all().delete()
    person.identity_documents.all().delete()
    person.search_tokens.all().delete()
    person.siao_requests.all().delete()
    person.housing_requests.all().delete()
    person.referrals.update(person=None)
    # Her rights (datarights): an export not yet taken goes with its file; the notices handed over and the
    # rectification log go; the register of requests keeps its dates and kinds, not their free text.
    exports = list(person.access_exports.all())
    _delete_files_on_commit([e.file for e in exports if e.file])
    person.access_exports.all().delete()
    person.notice_deliveries.all().delete()
    person.rectifications.all().delete()
    person.rights_requests.update(details="", answer_note="")
    return documents


def delete_person(person: Person) -> None:
    from parcours.pathways.models import Period

    _follow_up_rows(person)
    for pathway in person.pathways.all():
        Period.objects.filter(pathway=pathway).delete()
        pathway.delete()
    for merged in Person.objects.filter(merged_into=person):
        delete_person(merged)
    person.delete()


def anonymise_person(person: Person, *, today: date, contact: date) -> None:
    from parcours.pathways.models import ResidencePermit

    _follow_up_rows(person)
    ResidencePermit.objects.filter(pathway__person=person).update(reference="")
    Person.objects.filter(merged_into=person).update(merged_into=None)
    Person.objects.filter(pk=person.pk).update(
        last_name=person.pseudonym,
        first_name="",
        usual_name="",
        birth_date=date(person.birth_date.year, 1, 1),
        nationality="",
        languages="",
        phone="",
        email="",
        address="",
        situation_notes="",
        last_name_bidx="",
        birth_date_bidx="",
    )
    Anonymisation.objects.create(person=person, done_on=today, last_contact=contact)


def _apply_follow_up(report: Report) -> None:
    today = report.today
    cutoff = rules.years_before(today, rules.follow_up_years(today))
    people = Person.objects.filter(
        anonymisation__isnull=True, merged_into__isnull=True, created_at__date__lt=cutoff
    )
    for person in people.iterator():
        contact = last_contact(person)
        if contact >= cutoff:
            continue
        if protection(person):
            report.add(
                person.departement_id, "dossiers au-delà du terme protégés (parcours, recours, transfert)"
            )
            continue
        if has_state_act(person):
            report.add(person.departement_id, "dossiers de suivi anonymisés (acte de l'État conservé)")
            if not report.dry_run:
                with transaction.atomic():
                    anonymise_person(person, today=today, contact=contact)
        else:
            report.add(person.departement_id, "dossiers de suivi supprimés")
            if not report.dry_run:
                with transaction.atomic():
                    delete_person(person)


# --- Detections ----------------------------------------------------------------------------------------


def detection_last_act(detection: Detection) -> date:
    dates = [detection.detected_on, detection.closed_on, _day(detection.updated_at)]
    reports = detection.protection_reports.aggregate(a=Max("sent_on"), b=Max("feedback_on"))
    referrals = detection.referrals.aggregate(
        a=Max("referred_on"),
        b=Max("answered_on"),
        c=Max("first_contact_on"),
        d=Max("accompaniment_started_on"),
        e=Max("withdrawn_on"),
    )
    dates.extend(reports.values())
    dates.extend(referrals.values())
    return max(d for d in dates if d is not None)


def _apply_detections(report: Report) -> None:
    today = report.today
    for minor in (True, False):
        cutoff = rules.years_before(today, referral_rules.retention_years(minor=minor, day=today))
        line = "repérages de mineur·es supprimés" if minor else "repérages de jeunes majeur·es supprimés"
        for detection in Detection.objects.filter(is_minor=minor, detected_on__lt=cutoff).iterator():
            if detection_last_act(detection) >= cutoff:
                continue
            report.add(detection.departement_id, line)
            if not report.dry_run:
                with transaction.atomic():
                    detection.referrals.all().delete()
                    detection.protection_reports.all().delete()
                    detection.search_tokens.all().delete()
                    detection.indicators.clear()
                    detection.delete()


# --- State acts ----------------------------------------------------------------------------------------


def state_acts_of_year(departement: Departement, year: int) -> dict[str, list]:
    """The State acts of a département's year: signed decisions (register), their letters, the minutes of
    that year's meetings, the composition arrêtés signed that year."""
    from parcours.commission.models import Arrete, Letter, Minutes, PrefectDecision

    decisions = list(
        PrefectDecision.objects.filter(departement=departement, state="signed", year=year).order_by("number")
    )
    return {
        "decisions": decisions,
        "letters": list(Letter.objects.filter(decision__in=decisions).order_by("pk")),
        "minutes": list(
            Minutes.objects.filter(meeting__departement=departement, meeting__starts_at__year=year).order_by(
                "pk"
            )
        ),
        "arretes": list(Arrete.objects.filter(departement=departement, signed_on__year=year).order_by("pk")),
    }


def _apply_state_acts(report: Report) -> None:
    """Mark « à verser » each year whose administrative usefulness is over (never deletes an act)."""
    from parcours.commission.models import PrefectDecision

    today = report.today
    last_year_due = today.year - rules.state_acts_years(today) - 1
    years = (
        PrefectDecision.objects.filter(state="signed", year__lte=last_year_due)
        .values_list("departement_id", "year")
        .distinct()
    )
    for departement_id, year in sorted(set(years)):
        transfer = ArchiveTransfer.objects.filter(departement_id=departement_id, year=year).first()
        if transfer is None:
            report.add(departement_id, "années d'actes de l'État marquées « à verser »")
            if not report.dry_run:
                acts = state_acts_of_year(Departement.objects.get(pk=departement_id), year)
                ArchiveTransfer.objects.create(
                    departement_id=departement_id,
                    year=year,
                    acts=sum(len(v) for v in acts.values()),
                    marked_on=today,
                )
        elif transfer.state in (ArchiveTransfer.State.DUE, ArchiveTransfer.State.EXPORTED):
            report.add(departement_id, "années d'actes de l'État à verser, en attente du versement")


# --- The daily run -------------------------------------------------------------------------------------


def apply_retention(*, today: date, dry_run: bool = False) -> Report:
    """Apply every regime on `today`; idempotent (a second run finds nothing new past term)."""
    report = Report(today=today, dry_run=dry_run)
    _apply_detections(report)
    _apply_follow_up(report)
    _apply_state_acts(report)
    swept = sweep_orphan_files(dry_run=dry_run)
    if not dry_run:
        _tell_secretariats(report)
    logger.info(
        "retention: %s",
        "; ".join(
            f"{departement_id}: " + ", ".join(f"{line} {n}" for line, n in sorted(counts.items()))
            for departement_id, counts in sorted(report.counts.items())
        )
        or "rien à appliquer",
        extra={"dry_run": dry_run, "orphan_files": swept},
    )
    return report


def _tell_secretariats(report: Report) -> None:
    """One alert per département and day with what was done (counts only)."""
    for departement_id, counts in report.counts.items():
        if not any(counts[line] for line in DONE_LINES):
            continue
        text = " ; ".join(f"{line} : {n}" for line, n in sorted(counts.items()) if n)
        message = f"Conservation au {report.today:%d/%m/%Y} — {text}"[:300]
        if Alert.objects.filter(
            departement_id=departement_id, kind=Alert.Kind.RETENTION_REPORT, message=message
        ).exists():
            continue
        Alert.objects.create(departement_id=departement_id, kind=Alert.Kind.RETENTION_REPORT, message=message)
