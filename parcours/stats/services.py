"""Writes of the stats app: exports of indicators (docs/indicateurs-exports.md) and the commission's annual
report (docs/rapport-annuel.md).

Who reads what is decided here, once: the secretariat exports its département's exact figures (the whole
network or one partner it chooses); anyone else exports its own organisation's figures under statistical
secrecy, whatever it asked for. The annual report is published for the ministry (secrecy applied).
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from parcours.core import audit
from parcours.core.access import Actor
from parcours.core.models import Organisation
from parcours.core.policies import can
from parcours.diagnostic.rules import secrecy_threshold

from . import annual_report, exports, rules
from .indicator_export import ExportError as PeriodError
from .models import AnnualReportText, ExportState, IndicatorExport
from .publication import Audience

logger = logging.getLogger(__name__)

REPORT_KIND = "stats.rapport_annuel"
REPORT_OBJECT_TYPE = "stats.rapport_annuel"


# --- Exports ---------------------------------------------------------------------------------------------


def export_reader(actor: Actor, organisation: Organisation | None) -> tuple[Audience, Organisation | None]:
    """The audience and organisation of `actor`'s export: a partner always reads its own organisation."""
    if can(actor, "stats.network"):
        return Audience.SECRETARIAT, organisation
    return Audience.PARTNER, actor.organisation


def resolve_export(
    *,
    actor: Actor,
    codes: tuple[str, ...],
    breakdown: str,
    first_year: int,
    last_year: int,
    format: str,
    organisation: Organisation | None = None,
    today: date,
) -> exports.ExportSpec:
    """The export `actor` asked for, checked (ExportError with a French message otherwise)."""
    if not can(actor, "stats.export"):
        raise PermissionDenied
    audience, organisation = export_reader(actor, organisation)
    return exports.resolve(
        departement=actor.departement,
        organisation=organisation,
        audience=audience,
        codes=codes,
        breakdown=breakdown,
        first_year=first_year,
        last_year=last_year,
        format=format,
        today=today,
    )


def export_now(*, actor: Actor, spec: exports.ExportSpec, today: date) -> tuple[str, bytes]:
    """A small export (one indicator, one year), built at once: (file name, content). Journaled."""
    if spec.large:
        raise exports.ExportError("Cet export est volumineux : il est préparé en arrière-plan.")
    threshold = secrecy_threshold(today)
    published = exports.compute(spec, threshold=threshold)
    content = exports.render(spec, published, threshold=threshold, today=today)
    audit.record(
        actor,
        "download",
        departement=actor.departement,
        detail=f"export d'indicateurs {spec.format} ({', '.join(spec.codes)}, {spec.first_year})"[:200],
    )
    return exports.filename(spec), content


@transaction.atomic
def request_export(*, actor: Actor, spec: exports.ExportSpec) -> IndicatorExport:
    """Record a (large) export and queue its building once the transaction commits. Expired files of the
    département are deleted on the way (their links already refuse them)."""
    purge_expired(departement=actor.departement)
    export = IndicatorExport.objects.create(
        departement=actor.departement,
        requested_by=actor.membership,
        audience=str(spec.audience),
        organisation=spec.organisation,
        codes=list(spec.codes),
        breakdown=spec.breakdown,
        first_year=spec.first_year,
        last_year=spec.last_year,
        format=spec.format,
    )
    audit.record(actor, "create", export, detail=f"export d'indicateurs {spec.format} demandé")
    from .tasks import build_export

    public_id = str(export.public_id)
    transaction.on_commit(lambda: build_export.enqueue(public_id))
    return export


def spec_of(export: IndicatorExport, today: date) -> exports.ExportSpec:
    return exports.resolve(
        departement=export.departement,
        organisation=export.organisation,
        audience=Audience(export.audience),
        codes=tuple(export.codes),
        breakdown=export.breakdown,
        first_year=export.first_year,
        last_year=export.last_year,
        format=export.format,
        today=today,
    )


def stale_or_pending(now) -> Q:
    """Exports a worker may take: pending, or running with no progress for EXPORT_STALE_AFTER_MINUTES (their
    worker died mid-way; nothing of that run was recorded)."""
    stale = now - timedelta(minutes=rules.EXPORT_STALE_AFTER_MINUTES)
    return Q(state=ExportState.PENDING) | Q(state=ExportState.RUNNING, updated_at__lt=stale)


def requeue_stale() -> int:
    """Queue again every export abandoned by a dead worker; returns how many."""
    from .tasks import build_export

    stale = IndicatorExport.objects.filter(
        state=ExportState.RUNNING,
        updated_at__lt=timezone.now() - timedelta(minutes=rules.EXPORT_STALE_AFTER_MINUTES),
    )
    ids = [str(public_id) for public_id in stale.values_list("public_id", flat=True)]
    for public_id in ids:
        build_export.enqueue(public_id)
    return len(ids)


def run_export(public_id: str) -> str:
    """Build one export (the background task's body): ready, failed or skipped (already taken)."""
    now = timezone.now()
    claimed = (
        IndicatorExport.objects.filter(public_id=public_id)
        .filter(stale_or_pending(now))
        .update(state=ExportState.RUNNING, progress_done=0, updated_at=now)
    )
    if not claimed:
        return "skipped"
    export = IndicatorExport.objects.select_related("departement", "organisation").get(public_id=public_id)
    today = timezone.localdate()

    def progress(done: int, total: int) -> None:
        IndicatorExport.objects.filter(pk=export.pk, state=ExportState.RUNNING).update(
            progress_done=done, progress_total=total, updated_at=timezone.now()
        )

    try:
        spec = spec_of(export, today)
        threshold = secrecy_threshold(today)
        published = exports.compute(spec, threshold=threshold, progress=progress)
        content = exports.render(spec, published, threshold=threshold, today=today)
        export.file.save("export", ContentFile(content), save=False)  # encrypted by the storage
        now = timezone.now()
        IndicatorExport.objects.filter(pk=export.pk, state=ExportState.RUNNING).update(
            state=ExportState.READY,
            file=export.file.name,
            filename=exports.filename(spec),
            finished_at=now,
            expires_at=now + timedelta(days=rules.export_link_days(today)),
            updated_at=now,
        )
    except Exception as error:  # noqa: BLE001 (any failure is shown to the reader, who asks again)
        logger.error("stats: export %s failed (%s)", export.public_id, type(error).__name__)
        IndicatorExport.objects.filter(pk=export.pk).update(
            state=ExportState.FAILED,
            error=f"La préparation du fichier a échoué ({type(error).__name__}). Demandez-le à nouveau ; si "
            "l'échec se répète, signalez-le à l'équipe technique.",
            updated_at=timezone.now(),
        )
        return "failed"
    return "ready"


class ExportExpired(Exception):
    """The link of a finished export is past its expiry."""


def is_expired(export: IndicatorExport, now=None) -> bool:
    return export.expires_at is not None and (now or timezone.now()) >= export.expires_at


def export_content(*, actor: Actor, export: IndicatorExport) -> bytes:
    """The file of a ready export, for the membership that asked for it only (the caller found it through
    `selectors.export_of`); ExportExpired after its link's expiry. Journaled."""
    if export.requested_by_id != actor.membership.pk:
        raise PermissionDenied
    if is_expired(export):
        raise ExportExpired
    if export.state != ExportState.READY or not export.file:
        raise ValidationError("Ce fichier n'est pas encore prêt.")
    with export.file.open("rb") as handle:  # decrypted by the storage
        content = handle.read()
    audit.record(actor, "download", export, detail=f"export d'indicateurs {export.format}")
    return content


def purge_expired(*, departement) -> int:
    """Delete the files of expired exports (the rows stay: their link says it has expired)."""
    count = 0
    for export in IndicatorExport.objects.filter(
        departement=departement, expires_at__lte=timezone.now()
    ).exclude(file=""):
        export.file.delete(save=False)
        IndicatorExport.objects.filter(pk=export.pk).update(file="")
        count += 1
    return count


# --- The commission's annual report ----------------------------------------------------------------------


def _check_report(actor: Actor) -> None:
    if not can(actor, "stats.annual_report"):
        raise PermissionDenied


def report_text(departement, year: int) -> AnnualReportText | None:
    return AnnualReportText.objects.filter(departement=departement, year=year).first()


def _clean_text(text: str, name: str) -> str:
    text = text.replace("\r\n", "\n").strip()
    if "\x00" in text:
        raise ValidationError({name: "Le texte contient un caractère interdit."})
    if len(text) > rules.REPORT_TEXT_MAX_CHARS:
        raise ValidationError(
            {name: f"Le texte est trop long ({len(text)} caractères, {rules.REPORT_TEXT_MAX_CHARS} au plus)."}
        )
    return text


@transaction.atomic
def save_report_text(*, actor: Actor, year: int, introduction: str, conclusion: str) -> AnnualReportText:
    """The introduction and conclusion of the département's report for `year` (plain text). Journaled."""
    _check_report(actor)
    today = timezone.localdate()
    if not rules.FIRST_YEAR <= year <= today.year:
        raise ValidationError(f"L'année doit être comprise entre {rules.FIRST_YEAR} et {today.year}.")
    text, created = AnnualReportText.objects.update_or_create(
        departement=actor.departement,
        year=year,
        defaults={
            "introduction": _clean_text(introduction, "introduction"),
            "conclusion": _clean_text(conclusion, "conclusion"),
            "updated_by": actor.user,
        },
    )
    audit.record(actor, "create" if created else "update", text, detail=f"textes du rapport annuel {year}")
    return text


def report_versions(departement, year: int):
    from parcours.documents.models import GeneratedDocument

    return GeneratedDocument.objects.filter(
        departement=departement, kind=REPORT_KIND, object_type=REPORT_OBJECT_TYPE, object_id=str(year)
    ).select_related("created_by")


def report_title(departement, year: int, version: int) -> str:
    return f"Rapport annuel {year} de la commission départementale — {departement.name} — version {version}"


def build_report(*, actor: Actor, departement, year: int, today: date) -> annual_report.AnnualReport:
    """The report's figures for the ministry (secrecy applied)."""
    _check_report(actor)
    text = report_text(departement, year)
    try:
        return annual_report.build(
            departement=departement,
            year=year,
            today=today,
            threshold=secrecy_threshold(today),
            introduction=text.introduction if text else "",
            conclusion=text.conclusion if text else "",
        )
    except PeriodError as error:
        raise ValidationError(str(error)) from None


@transaction.atomic
def generate_report(*, actor: Actor, year: int):
    """Render the report of `year` and store it as a frozen official document (encrypted PDF with its
    SHA-256, like the decisions and minutes); each run is a new version."""
    from parcours.documents import services as documents
    from parcours.documents.models import GeneratedDocument

    _check_report(actor)
    departement = actor.departement
    today = timezone.localdate()
    report = build_report(actor=actor, departement=departement, year=year, today=today)
    version = report_versions(departement, year).count() + 1
    html = render_to_string("stats/annual_report_pdf.html", {"report": report})
    document = GeneratedDocument.objects.create(
        departement=departement,
        kind=REPORT_KIND,
        title=report_title(departement, year, version),
        html=html,
        object_type=REPORT_OBJECT_TYPE,
        object_id=str(year),
        created_by=actor.user,
    )
    audit.record(actor, "create", document, detail=f"rapport annuel {year}")
    return documents.freeze(actor=actor, document=document)
