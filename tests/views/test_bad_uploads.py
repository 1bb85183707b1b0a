"""Crafted files through the upload pages (a PSP request's documents, an agrément application's documents):
the French reason next to the file field, no row and no file stored, never a 500. A photo that is accepted is
stored re-encoded: what the secretariat downloads has no EXIF and no GPS position."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from parcours.approvals import rules as approval_rules
from parcours.core import uploads
from parcours.core.roles import Role
from tests import files
from tests.approvals import helpers as approval_helpers
from tests.views.helpers import World
from tests.views.test_bad_input import post_refused

pytestmark = pytest.mark.django_db

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"

CRAFTED = {
    "html-starting-with-pdf-header": (b"%PDF-1.7\n" + HTML, uploads.PDF_MARKUP),
    "svg-starting-with-pdf-header": (
        b'%PDF-1.4\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        uploads.PDF_MARKUP,
    ),
    "jpeg-header-then-html": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + HTML, uploads.IMAGE_UNREADABLE),
    "pdf-open-action-javascript": (
        files.pdf_with_open_action("/JavaScript", JS="app.alert(1)"),
        uploads.PDF_JAVASCRIPT,
    ),
    "pdf-launch": (files.pdf_with_open_action("/Launch", F="cmd.exe"), uploads.PDF_LAUNCH),
    "pdf-embedded-file": (files.pdf_with_embedded_file(), uploads.PDF_EMBEDDED),
    "truncated-jpeg": (files.jpeg()[:-400], uploads.IMAGE_UNREADABLE),
    "zip-renamed-pdf": (files.zip_archive(), uploads.REFUSED_TYPE),
}


@pytest.fixture
def w(departement, association, other_association, actors):
    return World(departement, association, other_association, actors)


def stored_files() -> list[Path]:
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.mark.parametrize(("content", "message"), CRAFTED.values(), ids=CRAFTED.keys())
def test_psp_document_upload_refuses_crafted_files(content, message, clients, w):
    url = reverse("pathways:document_add", args=[w.draft_pathway.public_id])
    before = stored_files()
    post_refused(
        clients[Role.ASSOCIATION_WORKER],
        url,
        {"kind": "identity", "file": SimpleUploadedFile("piece.pdf", content, "application/pdf")},
        message,
        form="document_form",
        field="file",
    )
    assert stored_files() == before


@pytest.mark.parametrize(("content", "message"), CRAFTED.values(), ids=CRAFTED.keys())
def test_agrement_document_upload_refuses_crafted_files(content, message, clients, actors):
    application = approval_helpers.draft(actors[Role.ASSOCIATION_MANAGER])
    before = stored_files()
    post_refused(
        clients[Role.ASSOCIATION_MANAGER],
        reverse("approvals:document_add", kwargs={"pk": application.public_id}),
        {"kind": approval_rules.DOC_STATUTES, "file": SimpleUploadedFile("statuts.pdf", content)},
        message,
        form="document_form",
        field="file",
    )
    assert stored_files() == before


def test_a_photo_is_stored_without_its_gps_position(clients, w):
    pathway = w.draft_pathway
    documents = pathway.requests.open().get().documents
    already = set(documents.values_list("pk", flat=True))
    client = clients[Role.ASSOCIATION_WORKER]
    response = client.post(
        reverse("pathways:document_add", args=[pathway.public_id]),
        {"kind": "identity", "file": SimpleUploadedFile("photo.jpg", files.jpeg_with_gps(), "image/jpeg")},
    )
    assert response.status_code == 302
    document = documents.exclude(pk__in=already).get()
    assert document.original_name == "photo.jpg" and document.content_type == "image/jpeg"
    download = client.get(reverse("pathways:document_download", args=[pathway.public_id, document.public_id]))
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    with Image.open(io.BytesIO(content)) as stored:
        assert stored.format == "JPEG" and stored.size == (64, 48)
        assert not stored.getexif()
    assert b"SN-0042" not in content
    assert document.size == len(content)
