"""Field encryption at rest (MultiFernet) and keyed blind indexes (HMAC-SHA-256).

Keys come from settings (environment or key files outside the database), never from SECRET_KEY.
The first field key encrypts; all keys decrypt, so a new key can be put first and the data
re-encrypted with `manage.py rotate_keys` (see docs/chiffrement.md).

Each blind index has its own key, derived from the master key PARCOURS_BLIND_INDEX_KEY with HKDF-SHA-256
and the field's label ("people.person.last_name") as `info`: equal values in two fields give unrelated
digests, so the indexes cannot be joined across fields or tables.

An encrypted column holds a random-looking token: comparing, ordering or de-duplicating on it silently gives
wrong answers. The fields therefore refuse every lookup but `isnull`, and any query ordered by one or made
`distinct` over one raises `EncryptedFieldMisuse` when it is compiled, during development and tests.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from django.db.models.expressions import Col
from django.utils.functional import cached_property
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


# Blind indexes: HMAC-SHA-256 truncated to 128 bits (32 hex digits). Truncation to 128 bits keeps the
# HMAC's strength against forgery and guessing without the key (NIST SP 800-107 rev. 1, section 5.3.4) and
# makes an accidental collision negligible at any volume Parcours will hold (birthday bound about 2^64
# values). Shorter digests, chosen to collide on purpose, would hide nothing here: a birth date has about
# 40,000 possible values, and a search would then need to decrypt every candidate.
BLIND_INDEX_HEX_DIGITS = 32
# HKDF salt: a fixed, public domain-separation constant (RFC 5869 section 3.1); the secret is the master key.
BLIND_INDEX_HKDF_SALT = b"parcours.blind-index.v1"


def field_label(model, field_name: str) -> str:
    """The label of a field's blind index: 'app_label.model.field', e.g. 'people.person.last_name'."""
    return f"{model._meta.label_lower}.{field_name}"


@lru_cache(maxsize=64)
def _derived_key(master: bytes, label: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=BLIND_INDEX_HKDF_SALT, info=label.encode("utf-8")
    ).derive(master)


def blind_index_key(label: str, *, master: str | None = None) -> bytes:
    """The key of one field's blind index, derived from the master key and the field's label."""
    secret = master or settings.PARCOURS_BLIND_INDEX_KEY
    if not secret:
        raise ImproperlyConfigured("Aucune clé d'index aveugle (PARCOURS_BLIND_INDEX_KEY).")
    return _derived_key(secret.encode("utf-8"), label)


def blind_index(value: str | date | None, *, label: str, key: str | None = None) -> str:
    """Keyed HMAC-SHA-256 of a normalised value, for exact search on the encrypted field `label`
    (see `field_label`); `key` replaces the configured master key (tests)."""
    if value in (None, ""):
        return ""
    text = value.isoformat() if isinstance(value, date) else normalise_name(str(value))
    if not text:  # nothing searchable (no letter): no index, so it matches nothing
        return ""
    digest = hmac.new(blind_index_key(label, master=key), text.encode("utf-8"), hashlib.sha256)
    return digest.hexdigest()[:BLIND_INDEX_HEX_DIGITS]


# Search by part of a name: keyed tokens of the normalised prefixes of each word of a person's names.
# A prefix shorter than 3 letters would match a large share of all names (and leak little less than the
# letters themselves); beyond 8 letters a prefix adds little selectivity but reveals the length of long
# names, so longer words are cut at 8 and a search for a longer word checks the candidates' decrypted names.
# Choices of this project, documented in docs/chiffrement.md (« Recherche par partie de nom »).
NAME_PREFIX_MIN_LETTERS = 3
NAME_PREFIX_MAX_LETTERS = 8


def name_words(value: str) -> list[str]:
    """The normalised words of a name, split on anything that is not a letter:
    'Le Gall-Dupré' -> ['LE', 'GALL', 'DUPRE']."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    words, current = [], []
    for c in decomposed:
        if unicodedata.combining(c):
            continue
        if c.isalpha():
            current.append(c.upper())
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words


def name_prefixes(value: str) -> set[str]:
    """Every normalised prefix of 3 to 8 letters of each word of a name, and of the whole name written
    without spaces ('Le Gall' -> LEG, LEGA, LEGAL, LEGALL, GAL, GALL)."""
    words = name_words(value)
    if len(words) > 1:
        words.append("".join(words))
    prefixes = set()
    for word in words:
        for length in range(NAME_PREFIX_MIN_LETTERS, min(len(word), NAME_PREFIX_MAX_LETTERS) + 1):
            prefixes.add(word[:length])
    return prefixes


def prefix_token(prefix: str, *, label: str, key: str | None = None) -> str:
    """The keyed HMAC of one normalised prefix (already upper-case, letters only), truncated like a blind
    index; the query side cuts its word at NAME_PREFIX_MAX_LETTERS before calling this."""
    digest = hmac.new(blind_index_key(label, master=key), prefix.encode("utf-8"), hashlib.sha256)
    return digest.hexdigest()[:BLIND_INDEX_HEX_DIGITS]


# --- Encrypted fields that cannot be queried by mistake ---------------------------------------------


class EncryptedFieldMisuse(FieldError):
    """A query compares, orders or de-duplicates on ciphertext: it would silently give wrong results."""


def _misuse(field, what: str) -> EncryptedFieldMisuse:
    hint = f" Utilisez l'index aveugle « {field.name}_bidx »." if what == "lookup" else ""
    verbs = {"lookup": "comparé ni filtré", "ordering": "trié", "distinct": "dédoublonné (distinct)"}
    return EncryptedFieldMisuse(
        f"Le champ chiffré {field.model._meta.label}.{field.name} ne peut pas être {verbs[what]} en base : "
        f"la base ne contient que des jetons chiffrés.{hint}"
    )


def _encrypted_field_named(query, name) -> models.Field | None:
    """The encrypted field a query's ordering or distinct name (or F() expression) points to, if any."""
    if hasattr(name, "flatten"):  # an expression: look at the F() references it holds
        for node in name.flatten():
            found = _encrypted_field_named(query, node.name) if isinstance(node, models.F) else None
            if found is not None:
                return found
        return None
    if not isinstance(name, str) or name in ("?",):
        return None
    try:
        _, final_field, _, _ = query.names_to_path(name.lstrip("-").split(LOOKUP_SEP), query.get_meta())
    except FieldError:  # an annotation or an extra() name: not a field
        return None
    return final_field if isinstance(final_field, _ENCRYPTED_FIELDS) else None


def check_query_use(compiler) -> None:
    """Raise when the compiled query orders or de-duplicates on an encrypted field (once per compiler)."""
    if getattr(compiler, "_encrypted_fields_checked", False):
        return
    compiler._encrypted_fields_checked = True
    query = compiler.query
    ordering = list(query.extra_order_by or query.order_by)
    if not ordering and query.default_ordering and query.get_meta() is not None:
        ordering = list(query.get_meta().ordering)
    for name in ordering:
        field = _encrypted_field_named(query, name)
        if field is not None:
            raise _misuse(field, "ordering")
    if not query.distinct:
        return
    for name in query.distinct_fields:
        field = _encrypted_field_named(query, name)
        if field is not None:
            raise _misuse(field, "distinct")
    pk_names = {"pk", query.get_meta().pk.name}
    if query.values_select and not pk_names & set(query.values_select):
        for name in query.values_select:
            field = _encrypted_field_named(query, name)
            if field is not None:
                raise _misuse(field, "distinct")


class EncryptedCol(Col):
    """A column of an encrypted field: checks, when compiled, that its query does not order or
    de-duplicate on ciphertext."""

    def as_sql(self, compiler, connection):
        check_query_use(compiler)
        return super().as_sql(compiler, connection)


class EncryptedFieldMixin:
    """Every lookup but `isnull` and every transform raise; columns are `EncryptedCol`s."""

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise _misuse(self, "lookup")

    def get_transform(self, lookup_name):
        raise _misuse(self, "lookup")

    def get_col(self, alias, output_field=None):
        if alias == self.model._meta.db_table and (output_field is None or output_field == self):
            return self.cached_col
        return EncryptedCol(alias, self, output_field)

    @cached_property
    def cached_col(self):
        return EncryptedCol(self.model._meta.db_table, self)


class EncryptedTextField(EncryptedFieldMixin, models.TextField):
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


class EncryptedDateField(EncryptedFieldMixin, models.TextField):
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

        from .inputs import DATE_WIDGET

        return forms.DateField(
            widget=DATE_WIDGET,
            required=not self.blank,
            label=capfirst(self.verbose_name),
            help_text=self.help_text,
        )


_ENCRYPTED_FIELDS = (EncryptedTextField, EncryptedDateField)


@dataclass(frozen=True)
class SearchTokens:
    """An app's name-prefix tokens (keyed like the blind indexes), recomputed by `rotate_keys` when the key
    changes. The app registers them from its AppConfig.ready: core never imports the apps that hold them."""

    token_model: type[models.Model]
    records: Callable[[], models.QuerySet]  # the records whose tokens are recomputed
    refresh: Callable[[models.Model], None]  # recomputes one record's tokens
    done: str  # what the command says after the count: "personnes réindexées"


_SEARCH_TOKENS: list[SearchTokens] = []


def register_search_tokens(tokens: SearchTokens) -> None:
    if tokens not in _SEARCH_TOKENS:
        _SEARCH_TOKENS.append(tokens)


def search_tokens() -> tuple[SearchTokens, ...]:
    """The registered name-prefix tokens, in the order the apps registered them (INSTALLED_APPS)."""
    return tuple(_SEARCH_TOKENS)
