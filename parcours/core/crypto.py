"""Field encryption at rest (MultiFernet) and keyed blind indexes (HMAC-SHA-256).

Keys come from settings (environment or key files outside the database), never from SECRET_KEY.
The first field key encrypts; all keys decrypt, so a new key can be put first and the data
re-encrypted with `manage.py rotate_keys` (see docs/chiffrement.md).
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from datetime import date
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.text import capfirst


@lru_cache(maxsize=4)
def _multifernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("Aucune clé de chiffrement des champs (PARCOURS_FIELD_KEYS).")
    return MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])


def fernet() -> MultiFernet:
    return _multifernet(tuple(settings.PARCOURS_FIELD_KEYS))


def encrypt_str(value: str) -> str:
    return fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt_str(token: str) -> str:
    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:  # never echo the token
        raise ImproperlyConfigured("Donnée chiffrée illisible avec les clés configurées.") from exc


def rotate_token(token: str) -> str:
    return fernet().rotate(token.encode("ascii")).decode("ascii")


def encrypt_bytes(data: bytes) -> bytes:
    """Encrypt file content with the primary field key (a Fernet token, as bytes)."""
    return fernet().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    """Decrypt file content with any field key (ImproperlyConfigured if none fits; never echoes it)."""
    try:
        return fernet().decrypt(token)
    except InvalidToken as exc:
        raise ImproperlyConfigured("Fichier chiffré illisible avec les clés configurées.") from exc


def rotate_bytes(token: bytes) -> bytes:
    """Re-encrypt file content with the primary field key (InvalidToken if no key fits)."""
    return fernet().rotate(token)


def normalise_name(value: str) -> str:
    """Upper-case, strip accents, keep letters only: 'Le Gall-Dupré' -> 'LEGALLDUPRE'."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    letters = [c for c in decomposed if c.isalpha() and not unicodedata.combining(c)]
    return "".join(letters).upper()


def blind_index(value: str | date | None, *, key: str | None = None) -> str:
    """Keyed HMAC-SHA-256 of a normalised value, for exact search on an encrypted field."""
    if value in (None, ""):
        return ""
    text = value.isoformat() if isinstance(value, date) else normalise_name(str(value))
    if not text:  # nothing searchable (no letter): no index, so it matches nothing
        return ""
    secret = (key or settings.PARCOURS_BLIND_INDEX_KEY).encode()
    return hmac.new(secret, text.encode("utf-8"), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """A text field stored as a Fernet token. Not searchable: pair it with a blind index."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt_str(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_str(str(value))


class EncryptedDateField(models.TextField):
    """A date stored as a Fernet token of its ISO form."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return None
        return date.fromisoformat(decrypt_str(value))

    def to_python(self, value):
        if value is None or value == "" or isinstance(value, date):
            return value or None
        return date.fromisoformat(str(value))

    def get_prep_value(self, value):
        if value is None or value == "":
            return None
        if isinstance(value, str):
            value = date.fromisoformat(value)
        return encrypt_str(value.isoformat())

    def formfield(self, **kwargs):
        from django import forms

        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            required=not self.blank,
            label=capfirst(self.verbose_name),
            help_text=self.help_text,
        )
