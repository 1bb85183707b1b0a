"""The development e-mail store, encrypted: each message a sealed file (field keys) under EMAIL_FILE_PATH.

Django's file backend writes clear text: a body naming a person, or an invitation link, would sit readable
in var/courriels/. Here each message is written as one sealed file (parcours.core.storage: Fernet with the
field keys, 0600, directory 0700), re-encrypted by `manage.py rotate_keys`; a developer reads them with
`manage.py read_emails`.
"""

from __future__ import annotations

import os
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

from parcours.core.storage import DIRECTORY_MODE, FILE_MODE, seal

SUFFIX = ".eml.chiffre"


def store_path() -> Path:
    return Path(settings.EMAIL_FILE_PATH)


class EncryptedFileEmailBackend(BaseEmailBackend):
    def __init__(self, *args, file_path=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.path = Path(file_path) if file_path else store_path()
        self._lock = threading.RLock()

    def send_messages(self, email_messages):
        if not email_messages:
            return 0
        with self._lock:
            self.path.mkdir(parents=True, exist_ok=True)
            os.chmod(self.path, DIRECTORY_MODE)
            sent = 0
            for message in email_messages:
                stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
                target = self.path / f"{stamp}-{uuid.uuid4().hex[:8]}{SUFFIX}"
                descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
                with os.fdopen(descriptor, "wb") as out:
                    out.write(seal(message.message().as_bytes()))
                sent += 1
        return sent
