"""A full file store (disk full, quota reached): a clear French page (507), no row pointing at a file that
was not written, no half-written file left; a background export records its French failure."""

from __future__ import annotations

import errno
import html
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parcours.core.roles import Role
from parcours.core.storage import StorageFull
from parcours.pathways.models import RequestDocument
from tests import files
from tests.views.helpers import World

pytestmark = pytest.mark.django_db


def stored_files() -> list[Path]:
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def disk_full(monkeypatch):
    """Call it to fill the disk: after it, any file the store writes runs out of room after 100 bytes."""
    real_fdopen = os.fdopen

    class Filling:
        def __init__(self, handle):
            self.handle, self.written = handle, 0

        def write(self, data):
            room = 100 - self.written
            if len(data) > room:
                self.handle.write(data[:room])
                self.handle.flush()
                raise OSError(errno.ENOSPC, "No space left on device")
            self.written += len(data)
            return self.handle.write(data)

        def __getattr__(self, name):
            return getattr(self.handle, name)

    def fdopen(fd, *args, **kwargs):
        return Filling(real_fdopen(fd, *args, **kwargs))

    return lambda: monkeypatch.setattr("django.core.files.storage.filesystem.os.fdopen", fdopen)


@pytest.fixture
def w(departement, association, other_association, actors):
    return World(departement, association, other_association, actors)


def test_an_upload_on_a_full_disk_says_so_in_french_and_keeps_nothing(w, clients, disk_full):
    pathway = w.draft_pathway
    before_rows, before_files = RequestDocument.objects.count(), stored_files()
    disk_full()
    response = clients[Role.ASSOCIATION_WORKER].post(
        reverse("pathways:document_add", args=[pathway.public_id]),
        {"kind": "identity", "file": SimpleUploadedFile("piece.pdf", files.blank_pdf(), "application/pdf")},
    )
    assert response.status_code == 507
    page = html.unescape(response.content.decode())
    assert "L'espace de stockage des fichiers est plein : rien n'a été enregistré" in page
    assert RequestDocument.objects.count() == before_rows  # the request's transaction rolled back
    assert stored_files() == before_files  # and the half-written file removed


def test_the_store_removes_its_partial_file_and_raises_storage_full(disk_full):
    before = stored_files()
    disk_full()
    with pytest.raises(StorageFull) as raised:
        default_storage.save("essai/piece.pdf", ContentFile(b"%PDF" + b"x" * 1000))
    assert raised.value.errno == errno.ENOSPC
    assert stored_files() == before


def test_other_storage_errors_are_not_disguised(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError(errno.EACCES, "Permission denied")

    monkeypatch.setattr("django.core.files.storage.filesystem.os.fdopen", refuse)
    with pytest.raises(OSError) as raised:
        default_storage.save("essai/piece.pdf", ContentFile(b"%PDF"))
    assert not isinstance(raised.value, StorageFull)
