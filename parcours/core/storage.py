"""Files at rest encrypted with the field keys: the default storage, and the sealed-file format it shares
with the development e-mail store.

A sealed file is `MAGIC` followed by the raw bytes of a Fernet token (MultiFernet of PARCOURS_FIELD_KEYS:
AES-128-CBC + HMAC-SHA-256), so nothing of the content (PDF text, image metadata, a name) touches the disk in
clear. Files are created 0600 and directories 0700. `manage.py rotate_keys` re-encrypts every sealed file
with the primary key (`reseal_tree`); the migration that introduced the format sealed the files stored before
(`reseal_tree` seals a clear file it meets).
"""

from __future__ import annotations

import base64
import contextlib
import errno
import hashlib
import io
import logging
import os
import tempfile
from pathlib import Path

from cryptography.fernet import InvalidToken
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage

from .crypto import decrypt_bytes, encrypt_bytes, rotate_bytes

logger = logging.getLogger(__name__)

MAGIC = b"PARCOURS-FERNET-1\n"
FILE_MODE = 0o600
DIRECTORY_MODE = 0o700


class StorageFull(OSError):
    """The file store has no room left (disk full, quota reached): nothing was stored. The request that
    needed it is rolled back whole (StorageFullMiddleware answers 507 with a French page); a background task
    records its French failure."""

    message = (
        "L'espace de stockage des fichiers est plein : rien n'a été enregistré. Prévenez l'équipe technique, "
        "puis recommencez quand elle aura libéré de la place."
    )


NO_ROOM = {errno.ENOSPC, errno.EDQUOT}


class UnreadableFile(OSError):
    """A stored file that is not sealed, or that no configured key decrypts (tampered, or a lost key)."""


def seal(data: bytes) -> bytes:
    """The sealed form of `data`: MAGIC + raw Fernet token (a third smaller than its base64 text)."""
    return MAGIC + base64.urlsafe_b64decode(encrypt_bytes(data))


def is_sealed(raw: bytes) -> bool:
    return raw.startswith(MAGIC)


def _token(raw: bytes) -> bytes:
    return base64.urlsafe_b64encode(raw[len(MAGIC) :])


def unseal(raw: bytes) -> bytes:
    """The plaintext of a sealed file; UnreadableFile if it is not sealed or no key decrypts it."""
    if not is_sealed(raw):
        raise UnreadableFile("Fichier stocké non chiffré ou altéré.")
    try:
        return decrypt_bytes(_token(raw))
    except ImproperlyConfigured:
        raise UnreadableFile("Fichier stocké illisible avec les clés configurées.") from None


def _write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data` (a temporary file in the same directory, 0600, then an atomic rename)."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".reseal-")
    try:
        os.fchmod(handle, FILE_MODE)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def reseal_tree(root: Path) -> tuple[int, int]:
    """Re-encrypt every sealed file under `root` with the primary key, seal every clear one; tighten modes.

    Returns (re-encrypted, sealed). Raises UnreadableFile (naming no content) if a sealed file resists
    every key: the files already done stay readable, since the old keys still decrypt them."""
    rotated = sealed = 0
    if not root.exists():
        return rotated, sealed
    for directory, _, files in os.walk(root):
        os.chmod(directory, DIRECTORY_MODE)
        for name in files:
            path = Path(directory) / name
            if name.startswith(".reseal-"):  # another run's temporary file (sealed content): not ours
                continue
            raw = path.read_bytes()
            if is_sealed(raw):
                try:
                    token = rotate_bytes(_token(raw))
                except InvalidToken:
                    raise UnreadableFile(
                        f"Un fichier de {root} ne se déchiffre avec aucune des clés configurées."
                    ) from None
                _write_atomically(path, MAGIC + base64.urlsafe_b64decode(token))
                rotated += 1
            else:
                _write_atomically(path, seal(raw))
                sealed += 1
    return rotated, sealed


def read_verified(field_file, sha256: str, public_id) -> bytes:
    """The decrypted content of a stored file, checked against the SHA-256 recorded at upload.

    UnreadableFile (logged with the row's opaque `public_id` only) if it is missing, cannot be decrypted or
    no longer matches: the caller answers with a French page and serves nothing."""
    try:
        with field_file.open("rb") as handle:
            content = handle.read()
    except OSError:
        logger.error("storage: the stored file of %s is missing or unreadable", public_id)
        raise UnreadableFile("Fichier stocké introuvable ou illisible.") from None
    if hashlib.sha256(content).hexdigest() != sha256:
        logger.error("storage: the stored file of %s does not match its SHA-256", public_id)
        raise UnreadableFile("Fichier stocké altéré.")
    return content


class EncryptedFileSystemStorage(FileSystemStorage):
    """The private file store: content sealed before it touches the disk, unsealed on open.

    Files 0600, directories 0700 (whatever FILE_UPLOAD_PERMISSIONS says, unless given explicitly)."""

    def __init__(self, **kwargs):
        kwargs["file_permissions_mode"] = kwargs.get("file_permissions_mode") or FILE_MODE
        kwargs["directory_permissions_mode"] = kwargs.get("directory_permissions_mode") or DIRECTORY_MODE
        super().__init__(**kwargs)

    def _save(self, name, content):
        data = b"".join(content.chunks())
        try:
            return super()._save(name, ContentFile(seal(data)))
        except OSError as error:
            if error.errno not in NO_ROOM:
                raise
            # The file this call created (O_EXCL) holds part of the content at most: removed, so that no
            # half-written file stays behind; no row will point at it (the caller's transaction fails).
            with contextlib.suppress(FileNotFoundError):
                os.remove(self.path(name))
            logger.error("storage: no room left on the file store (errno %s)", error.errno)
            raise StorageFull(error.errno, StorageFull.message) from None

    def _open(self, name, mode="rb"):
        if any(flag in mode for flag in "wa+"):
            raise ValueError("Les fichiers chiffrés s'ouvrent en lecture seule ; écrire passe par save().")
        with open(self.path(name), "rb") as handle:
            raw = handle.read()
        opened = File(io.BytesIO(unseal(raw)), name=name)
        opened.mode = "rb"
        return opened

    def size(self, name):
        """The size of the plaintext (what a download sends), not of the sealed file."""
        with self._open(name) as opened:
            return len(opened.read())

    def reseal(self) -> tuple[int, int]:
        return reseal_tree(Path(self.location))
