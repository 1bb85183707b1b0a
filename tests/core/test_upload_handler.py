"""An upload never touches the disk in clear: received in memory (Django would spool a file above 2.5 MB to a
clear temporary file), counted only beyond the cap, then refused by size."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile, SimpleUploadedFile
from django.test import RequestFactory

from parcours.pathways.services import validate_upload

PDF_HEAD = b"%PDF-1.4\n"


def received(content: bytes):
    request = RequestFactory().post(
        "/", {"file": SimpleUploadedFile("scan.pdf", content, content_type="application/pdf")}
    )
    return request.FILES["file"]


def test_a_large_upload_stays_in_memory():
    content = PDF_HEAD + b"0" * (4 * 1024 * 1024)  # above Django's 2.5 MB spooling threshold
    upload = received(content)
    assert isinstance(upload, InMemoryUploadedFile)
    assert not hasattr(upload, "temporary_file_path")
    assert upload.size == len(content) and upload.read() == content


def test_an_upload_over_the_cap_is_counted_not_kept_and_refused(settings):
    settings.PARCOURS_UPLOAD_MAX_BYTES = 1024 * 1024
    upload = received(PDF_HEAD + b"0" * (3 * 1024 * 1024))
    assert upload.size > settings.PARCOURS_UPLOAD_MAX_BYTES and upload.read() == b""
    with pytest.raises(ValidationError, match="taille maximale"):
        validate_upload(upload)
