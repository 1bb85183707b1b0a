"""Every write on official documents: templates (validated first), generation, draft edits, freezing.

Each service is atomic and writes its audit event in the same transaction. Context convention: the caller
passes the kind's fields as a dict (dotted fields as nested dicts or objects); the services add the common
fields `departement` ({"nom", "code"}) and `aujourdhui` (a date), which override the caller's."""

from __future__ import annotations

import hashlib
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template import TemplateDoesNotExist, engines
from django.utils import timezone

from parcours.core import audit
from parcours.core.access import Actor
from parcours.core.models import Departement

from . import pdf, registry, sandbox
from .models import DocumentState, DocumentTemplate, DocumentTemplateVersion, GeneratedDocument, Letterhead
from .sandbox import TemplateProblem

__all__ = [
    "TemplateProblem",
    "TamperedDocument",
    "create_document",
    "current_body",
    "freeze",
    "pdf_of",
    "preview_pdf",
    "render_html",
    "render_pdf",
    "reset_template",
    "save_template",
    "update_draft",
]

logger = logging.getLogger(__name__)

MAX_TEMPLATE_CHARS = 100_000
MAX_HTML_CHARS = 500_000


class TamperedDocument(Exception):
    """The stored PDF of a frozen document no longer matches its checksum."""


def _kind(key: str) -> registry.DocumentKind:
    try:
        return registry.get(key)
    except KeyError:
        raise TemplateProblem("Type de document inconnu.") from None


def default_body(kind: registry.DocumentKind) -> str:
    """The source of the kind's default template file, read without compiling it with the site's engine
    (it is a sandbox template: its filters, such as `date_longue`, exist only in the sandbox)."""
    engine = engines["django"].engine
    for loader in engine.template_loaders:
        for origin in loader.get_template_sources(kind.default_template):
            try:
                return origin.loader.get_contents(origin)
            except TemplateDoesNotExist:
                continue
    raise TemplateProblem("Le modèle par défaut de ce type de document est introuvable.")


def current_body(*, departement: Departement, kind: str) -> str:
    """The département's template for `kind`, or the kind's default one."""
    found = DocumentTemplate.objects.filter(departement=departement, kind=kind).first()
    return found.body if found else default_body(_kind(kind))


def letterhead_of(departement: Departement) -> Letterhead:
    """The département's letterhead (an empty one, not saved, until the secretariat fills it in)."""
    return Letterhead.objects.filter(departement=departement).first() or Letterhead(departement=departement)


def _context(departement: Departement, context: dict) -> dict:
    head = letterhead_of(departement)
    return {
        **context,
        "departement": {"nom": departement.name, "code": departement.code},
        "aujourdhui": timezone.localdate(),
        "service": {"ville": head.town},
        "signature": {
            "nom": head.signer_name,
            "qualite": head.signer_capacity,
            "delegation": head.delegation,
        },
    }


LETTERHEAD_FIELDS = [
    "direction",
    "service",
    "address",
    "town",
    "followed_by",
    "phone",
    "email",
    "reference",
    "signer_name",
    "signer_capacity",
    "delegation",
]


@transaction.atomic
def save_letterhead(*, actor: Actor, data: dict) -> Letterhead:
    """The secretariat sets the service's details printed on every document of its département."""
    _check_secretariat(actor, "documents.templates")
    head, created = Letterhead.objects.update_or_create(
        departement=actor.departement,
        defaults={
            **{name: data.get(name, "").strip() for name in LETTERHEAD_FIELDS},
            "updated_by": actor.user,
        },
    )
    audit.record(actor, "create" if created else "update", head, detail="en-tête des documents")
    return head


def render_html(*, departement: Departement, kind: str, context: dict) -> str:
    """The body of a document of `kind`, rendered in the sandbox with the département's template."""
    _kind(kind)
    return sandbox.render(current_body(departement=departement, kind=kind), _context(departement, context))


def _to_pdf(*, departement: Departement, title: str, body_html: str, draft: bool = True) -> bytes:
    """The PDF; a draft (anything not frozen) carries the « PROJET » watermark on every page."""
    try:
        return pdf.html_to_pdf(
            pdf.full_html(
                departement=departement,
                title=title,
                body_html=body_html,
                letterhead=letterhead_of(departement),
                draft=draft,
            )
        )
    except Exception as error:  # never a broken PDF, never a 500
        raise TemplateProblem(f"Le PDF n'a pas pu être produit ({type(error).__name__}).") from None


def render_pdf(*, departement: Departement, kind: str, context: dict, title: str) -> bytes:
    """A PDF of `kind` (not stored): the common layout around the rendered body."""
    body = render_html(departement=departement, kind=kind, context=context)
    return _to_pdf(departement=departement, title=title, body_html=body)


def preview_pdf(*, actor: Actor, kind: str, body: str) -> bytes:
    """The PDF of an edited (unsaved) template with the kind's synthetic sample context."""
    found = _kind(kind)
    sandbox.check(body, registry.available_fields(found))
    departement = actor.departement
    html = sandbox.render(body, _context(departement, found.sample()))
    return _to_pdf(departement=departement, title=f"Aperçu — {found.label}", body_html=html)


def _check_secretariat(actor: Actor, permission: str) -> None:
    from parcours.core.policies import can

    if not can(actor, permission):
        raise PermissionDenied


@transaction.atomic
def save_template(*, actor: Actor, departement: Departement, kind: str, body: str) -> DocumentTemplate:
    """Validate (syntax, allowed tags, known fields) then save the département's template for `kind`."""
    _check_secretariat(actor, "documents.templates")
    if departement != actor.departement:
        raise PermissionDenied
    found = _kind(kind)
    body = body.replace("\r\n", "\n")
    if not body.strip():
        raise TemplateProblem("Le modèle est vide.")
    if len(body) > MAX_TEMPLATE_CHARS:
        raise TemplateProblem("Le modèle est trop long.")
    sandbox.check(body, registry.available_fields(found))
    template, created = DocumentTemplate.objects.update_or_create(
        departement=departement, kind=kind, defaults={"body": body, "updated_by": actor.user}
    )
    DocumentTemplateVersion.objects.create(departement=departement, kind=kind, body=body, saved_by=actor.user)
    audit.record(actor, "create" if created else "update", template, detail=f"modèle {kind}")
    return template


@transaction.atomic
def reset_template(*, actor: Actor, departement: Departement, kind: str) -> None:
    """Go back to the kind's default template (the previous body stays in the history)."""
    _check_secretariat(actor, "documents.templates")
    if departement != actor.departement:
        raise PermissionDenied
    _kind(kind)
    template = DocumentTemplate.objects.filter(departement=departement, kind=kind).first()
    if template is None:
        return
    DocumentTemplateVersion.objects.create(departement=departement, kind=kind, body="", saved_by=actor.user)
    audit.record(actor, "update", template, detail=f"modèle {kind} remis par défaut")
    template.delete()


def _related(related) -> tuple[str, str]:
    if related is None:
        return "", ""
    if isinstance(related, tuple):
        return str(related[0])[:50], str(related[1])[:64]
    return related._meta.label_lower, str(related.public_id)


@transaction.atomic
def create_document(
    *, actor: Actor, kind: str, context: dict, title: str, related=None, freeze: bool = False
) -> GeneratedDocument:  # `freeze` shadows the service below inside this function: see _freeze
    """Render a document of `kind` for the actor's département; a draft unless `freeze`.

    `related` is a model instance with a `public_id`, or an (object_type, object_id) pair."""
    _kind(kind)
    departement = actor.departement
    title = " ".join(title.split())[:200]
    if not title:
        raise ValidationError("Le titre du document est obligatoire.")
    html = render_html(departement=departement, kind=kind, context=context)
    object_type, object_id = _related(related)
    document = GeneratedDocument.objects.create(
        departement=departement,
        kind=kind,
        title=title,
        html=html,
        object_type=object_type,
        object_id=object_id,
        created_by=actor.user,
    )
    audit.record(actor, "create", document, detail=f"document {kind}")
    if freeze:
        document = _freeze(actor=actor, document=document)
    return document


def _check_scope(actor: Actor, document: GeneratedDocument) -> None:
    if document.departement_id != actor.departement.pk:
        raise PermissionDenied


@transaction.atomic
def update_draft(*, actor: Actor, document: GeneratedDocument, html: str) -> GeneratedDocument:
    """Replace the HTML of a draft (refused once frozen)."""
    _check_scope(actor, document)
    document = GeneratedDocument.objects.select_for_update().get(pk=document.pk)
    if document.is_frozen:
        raise ValidationError("Ce document est figé : il ne peut plus être modifié.")
    html = html.replace("\r\n", "\n")
    if "\x00" in html:
        raise ValidationError("Le contenu contient un caractère interdit.")
    if len(html) > MAX_HTML_CHARS:
        raise ValidationError("Le contenu est trop long.")
    document.html = html
    document.save(update_fields=["html", "updated_at"])
    audit.record(actor, "update", document, detail="brouillon modifié")
    return document


@transaction.atomic
def freeze(*, actor: Actor, document: GeneratedDocument) -> GeneratedDocument:
    """Render the PDF from the draft's HTML, store it with its SHA-256; the document never changes again."""
    _check_scope(actor, document)
    document = GeneratedDocument.objects.select_for_update().get(pk=document.pk)
    if document.is_frozen:
        raise ValidationError("Ce document est déjà figé.")
    content = _to_pdf(
        departement=document.departement, title=document.title, body_html=document.html, draft=False
    )
    # Written before the row: if the transaction rolls back, an orphan file with an opaque name stays in
    # the private storage, unreachable (no row points to it).
    document.pdf.save("document.pdf", ContentFile(content), save=False)
    document.sha256 = hashlib.sha256(content).hexdigest()
    document.state = DocumentState.FROZEN
    document.frozen_at = timezone.now()
    document.frozen_by = actor.user
    document.save()
    audit.record(actor, "transition", document, detail="document figé")
    return document


_freeze = freeze


def pdf_of(document: GeneratedDocument) -> bytes:
    """The PDF: rendered on the fly for a draft; for a frozen document the stored bytes, decrypted, after
    checking the SHA-256 of the plaintext on every read (TamperedDocument, logged with the document's opaque
    id only, if they changed or cannot be read)."""
    if not document.is_frozen:
        return _to_pdf(departement=document.departement, title=document.title, body_html=document.html)
    try:
        with document.pdf.open("rb") as handle:  # decrypted by the storage (parcours.core.storage)
            content = handle.read()
    except OSError:  # missing, not encrypted, or no key decrypts it
        logger.error("documents: stored PDF of frozen document %s missing or unreadable", document.public_id)
        raise TamperedDocument("Le fichier du document figé est introuvable ou illisible.") from None
    if hashlib.sha256(content).hexdigest() != document.sha256:
        logger.error("documents: stored PDF of frozen document %s fails its SHA-256", document.public_id)
        raise TamperedDocument("Le fichier du document figé ne correspond plus à son empreinte.")
    return content
